#include "connectiontest.h"

#include "icons.h"

#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"
#include "core/http/endpoint.h"
#include "core/session/apiconnection.h"
#include "core/session/oauthcredentials.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace refetch {

ConnectionTest::ConnectionTest(std::function<const EndpointSettings *()> shown, QWidget *parent)
    : QObject(parent), m_shownEndpoint(std::move(shown)), m_line(new QLineEdit(parent)),
      m_button(new QPushButton(icons::icon(u"refresh"_s), tr("Test"), parent)), m_notes(new QLabel(parent))
{
    m_line->setObjectName(u"detected"_s);
    m_line->setReadOnly(true);
    m_line->setFocusPolicy(Qt::ClickFocus);
    m_line->setFrame(false);
    m_line->setStyleSheet(u"QLineEdit { background: transparent; }"_s);
    m_line->setAccessibleName(tr("Detected"));
    m_button->setObjectName(u"testConnection"_s);
    m_button->setAutoDefault(false);
    m_notes->setObjectName(u"detectedNotes"_s);
    m_notes->setTextFormat(Qt::PlainText);
    m_notes->setWordWrap(true);
    m_notes->setTextInteractionFlags(Qt::TextSelectableByMouse);
}

ConnectionTest::~ConnectionTest()
{
    stop();
}

void ConnectionTest::setNetwork(QueryClient *client, HttpTransport *transport)
{
    stop();
    m_client = client;
    m_transport = transport;
    showSaved();
}

bool ConnectionTest::isTesting() const
{
    return m_observer && m_shown == Shown::Testing;
}

void ConnectionTest::run()
{
    const EndpointSettings *shown = m_shownEndpoint();
    if (!shown || !m_client || !m_transport)
        return;
    stop();
    const EndpointSettings e = *shown;
    if (const QString problem = e.validate(); !problem.isEmpty()) {
        m_shown = Shown::Failed;
        m_error = problem;
        update();
        return;
    }
    // Signed in as the endpoint is (OAuth with the access token it has). Never with its refresh token: a server
    // that rotates them would take the running endpoint's away.
    EndpointSettings signedIn = e;
    if (e.usesOAuth()) {
        OAuthCredentials::Tokens tokens = OAuthCredentials::Tokens::fromJson(e.oauthTokens);
        tokens.refresh.clear();
        signedIn.oauthTokens = tokens.toJson();
    }
    EndpointConfig config = ApiConnection::configOf(signedIn, m_client, m_transport);
    // A name of its own: the saved endpoint's detection (and everything cached under its id) stays as it is.
    config.name = u"settings-test-"_s + EndpointSettings::newId();
    const Endpoint endpoint(m_transport, config);
    QueryOptions o = ApiDetector::query(endpoint, DetectionHints{.dialect = e.dialect,
                                                                 .resources = e.resources,
                                                                 .rowsPath = e.envelopePath});
    // Asked once, now: no retries to wait through, nothing kept once the dialog lets go of it.
    o.staleTime = Millis(0);
    o.gcTime = Millis(0);
    o.retry = RetryPolicy::none();
    o.refetchOnWindowFocus = FocusRefetch::Never;
    o.refetchOnReconnect = false;
    o.notifyOn = AllChanges;
    m_key = o.key;
    m_shown = Shown::Testing;
    m_observer = new QueryObserver(m_client, o, this);
    connect(m_observer, &QueryObserver::changed, this, &ConnectionTest::onTestChanged);
    onTestChanged();
}

void ConnectionTest::stop()
{
    if (!m_observer)
        return;
    delete m_observer;
    m_observer = nullptr;
    if (m_client) {
        m_client->cancelQueries(QueryFilters{.key = m_key, .exact = true});
        m_client->removeQueries(QueryFilters{.key = m_key, .exact = true});
    }
    m_key = QueryKey();
}

void ConnectionTest::onTestChanged()
{
    if (!m_observer)
        return;
    if (m_observer->isSuccess() && m_observer->data().isObject()) {
        m_shown = Shown::Tested;
        m_api = DetectedApi::fromJson(m_observer->data());
    } else if (const QueryError *error = m_observer->error(); error && !m_observer->isFetching()) {
        m_shown = Shown::Failed;
        m_error = error->toString();
    } else {
        m_shown = Shown::Testing;
    }
    update();
}

void ConnectionTest::showSaved()
{
    m_shown = Shown::Nothing;
    m_api = DetectedApi{};
    if (const EndpointSettings *e = m_shownEndpoint()) {
        const Json saved = m_client ? m_client->queryData(ApiDetector::key(e->id)) : Json();
        if (saved.isObject()) {
            m_shown = Shown::Saved;
            m_api = DetectedApi::fromJson(saved);
        } else if (!e->dialect.isEmpty() && !e->resources.isEmpty()) {
            m_shown = Shown::NotAsked;   // ApiConnection asks nothing then
        }
    }
    update();
}

void ConnectionTest::update()
{
    const EndpointSettings *shown = m_shownEndpoint();
    const bool valid = shown != nullptr;
    m_button->setEnabled(valid && m_client && m_transport);
    m_button->setToolTip(m_client && m_transport
                             ? tr("Ask the server now, with the URL, token and fields typed here, before saving")
                             : tr("Testing needs the application's network connection"));
    const EndpointSettings e = valid ? *shown : EndpointSettings{};
    QStringList notes;
    QString error;
    switch (m_shown) {
    case Shown::Nothing:
        m_line->setText(valid ? tr("Not detected yet") : QString());
        if (valid && m_client && m_transport)
            notes.append(tr("Test asks the server which dialect it speaks and what it serves."));
        break;
    case Shown::NotAsked:
        m_line->setText(tr("Not asked: the dialect and the resources are set here"));
        break;
    case Shown::Testing:
        m_line->setText(m_observer && m_observer->isPaused() ? tr("Waiting for the network…") : tr("Testing…"));
        break;
    case Shown::Failed:
        m_line->setText(tr("Could not detect the API"));
        error = m_error;
        break;
    case Shown::Saved:
    case Shown::Tested: {
        const DetectedApi &found = m_api;
        m_line->setText(found.summary.isEmpty() ? found.describe() : found.summary);
        if (!found.resources.isEmpty())
            notes.append(tr("Resources: %1").arg(found.resources.join(u", "_s)));
        notes += found.notes;
        // What the fields set above make of it.
        const DetectedApi used = ApiConnection::effectiveApi(e, found);
        if (!used.summary.isEmpty() && used.summary != m_line->text())
            notes.append(tr("In use with the fields set here: %1").arg(used.summary));
        if (m_shown == Shown::Saved)
            notes.append(tr("Found when the endpoint was opened. Test asks again with what is typed here."));
        break;
    }
    }
    m_line->setCursorPosition(0);
    m_line->setToolTip(m_line->text());
    m_notes->setText(error.isEmpty() ? notes.join(u'\n') : error);
    m_notes->setStyleSheet(error.isEmpty() ? QString() : u"color: #b91c1c;"_s);
    m_notes->setVisible(!m_notes->text().isEmpty());
}

} // namespace refetch
