#include "statuspanel.h"

#include "busyindicator.h"
#include "icons.h"
#include "core/session/liveconnection.h"
#include "core/session/oauthcredentials.h"
#include "core/session/transfermonitor.h"

#include "core/models/jsontablemodel.h"
#include "core/http/httptransport.h"
#include "core/mutation/mutationqueue.h"
#include "core/mutation/pendingwrites.h"
#include "core/client/queryclient.h"

#include <QDateTime>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

QFrame *separator(QWidget *parent)
{
    auto *line = new QFrame(parent);
    line->setFrameShape(QFrame::VLine);
    line->setFrameShadow(QFrame::Sunken);
    line->setFixedHeight(14);
    return line;
}

} // namespace

StatusPanel::StatusPanel(QueryClient *client, TransferMonitor *transfers, QWidget *parent)
    : QWidget(parent), m_client(client), m_busy(new BusyIndicator(this)), m_requests(new QLabel(this)),
      m_progress(new QProgressBar(this)), m_staleIcon(new QLabel(this)), m_updated(new QLabel(this)),
      m_onlineIcon(new QLabel(this)), m_online(new QLabel(this)), m_live(new QLabel(this)), m_signIn(new QLabel(this)),
      m_waitingButton(new QToolButton(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 4, 0);
    layout->setSpacing(6);
    m_progress->setFixedWidth(160);
    m_progress->setMaximumHeight(14);
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_staleIcon->setPixmap(icons::icon(u"clock"_s).pixmap(16, 16));
    m_staleIcon->setToolTip(tr("Stale: older than the endpoint's stale time. It refetches when you come back to "
                               "the window, press F5, or something changes it."));
    m_staleIcon->hide();
    m_requests->setMinimumWidth(m_requests->fontMetrics().horizontalAdvance(tr("%1 requests").arg(88)));
    layout->addWidget(m_busy);
    layout->addWidget(m_requests);
    layout->addWidget(m_progress);
    layout->addWidget(separator(this));
    layout->addWidget(m_staleIcon);
    layout->addWidget(m_updated);
    layout->addWidget(separator(this));
    layout->addWidget(m_onlineIcon);
    layout->addWidget(m_online);
    m_waitingButton->setObjectName(u"showWaitingChanges"_s);
    m_waitingButton->setText(tr("Show…"));
    m_waitingButton->setAutoRaise(true);
    m_waitingButton->setToolTip(tr("The changes that wait for the server, and why: retry or cancel each"));
    m_waitingButton->hide();
    connect(m_waitingButton, &QToolButton::clicked, this, &StatusPanel::waitingActivated);
    layout->addWidget(m_waitingButton);
    m_live->setObjectName(u"liveStatus"_s);
    m_live->hide();
    m_liveSeparator = separator(this);
    m_liveSeparator->hide();
    layout->addWidget(m_liveSeparator);
    layout->addWidget(m_live);
    m_signIn->setObjectName(u"signInStatus"_s);
    m_signIn->hide();
    m_signInSeparator = separator(this);
    m_signInSeparator->hide();
    layout->addWidget(m_signInSeparator);
    layout->addWidget(m_signIn);

    connect(client, &QueryClient::fetchingCountChanged, this, &StatusPanel::updateRequests);
    if (transfers)
        connect(transfers, &TransferMonitor::progressChanged, this, &StatusPanel::updateProgress);
    if (OnlineSource *online = client->onlineSource())
        connect(online, &OnlineSource::onlineChanged, this, &StatusPanel::updateOnline);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &StatusPanel::updateFreshness);
    connect(&m_tick, &QTimer::timeout, this, &StatusPanel::updateLive);   // "reconnecting in 3 s" counts down
    updateRequests();
    updateFreshness();
    updateOnline();
}

void StatusPanel::setList(JsonTableModel *model)
{
    if (m_list)
        disconnect(m_list, nullptr, this, nullptr);
    m_list = model;
    if (m_list) {
        connect(m_list, &JsonTableModel::lastUpdatedChanged, this, &StatusPanel::updateFreshness);
        connect(m_list, &JsonTableModel::staleChanged, this, &StatusPanel::updateFreshness);
        connect(m_list, &JsonTableModel::fetchingChanged, this, &StatusPanel::updateFreshness);
        m_tick.start();
    } else {
        m_tick.stop();
    }
    updateFreshness();
}

QString StatusPanel::requestsText() const
{
    return m_requests->text();
}

QString StatusPanel::updatedText() const
{
    return m_updated->text();
}

bool StatusPanel::isStaleShown() const
{
    return !m_staleIcon->isHidden();
}

QString StatusPanel::onlineText() const
{
    return m_online->text();
}

QString StatusPanel::ago(qint64 ms, const QDateTime &at)
{
    const qint64 s = std::max<qint64>(0, ms / 1000);
    if (s < 5)
        return tr("just now");
    if (s < 60)
        return tr("%1 s ago").arg(s);
    if (s < 3600)
        return tr("%1 min ago").arg(s / 60);
    return tr("at %1").arg(QLocale().toString(at.toLocalTime(), QLocale::ShortFormat));
}

void StatusPanel::updateRequests()
{
    const int n = m_client->fetchingCount();
    m_busy->setRunning(n > 0);
    m_requests->setText(n == 0 ? tr("Idle") : n == 1 ? tr("1 request") : tr("%1 requests").arg(n));
    m_requests->setToolTip(tr("Requests in flight"));
}

void StatusPanel::updateProgress(qint64 received, qint64 total)
{
    if (received == 0 && total == 0) {
        m_progress->hide();
        return;
    }
    const QLocale locale;
    if (total > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(std::clamp<qint64>(received * 1000 / total, 0, 1000)));
        m_progress->setToolTip(tr("Downloading %1 of %2").arg(locale.formattedDataSize(received), locale.formattedDataSize(total)));
    } else {
        m_progress->setRange(0, 0);
        m_progress->setToolTip(tr("Downloading %1").arg(locale.formattedDataSize(received)));
    }
    m_progress->show();
}

void StatusPanel::updateFreshness()
{
    if (!m_list || !m_list->lastUpdated().isValid()) {
        m_updated->setText(m_list && m_list->isLoading() ? tr("Loading…") : QString());
        m_updated->setToolTip(QString());
        m_staleIcon->hide();
        return;
    }
    const QDateTime at = m_list->lastUpdated();
    const qint64 ms = m_client->now().count() - at.toMSecsSinceEpoch();
    m_updated->setText(m_list->isStale() ? tr("Updated %1 · stale").arg(ago(ms, at)) : tr("Updated %1").arg(ago(ms, at)));
    m_updated->setToolTip(tr("The list was fetched at %1").arg(QLocale().toString(at.toLocalTime(), QLocale::LongFormat)));
    m_staleIcon->setVisible(m_list->isStale());
}

void StatusPanel::setServer(HttpTransport *transport, MutationQueue *queue)
{
    if (m_transport)
        disconnect(m_transport, nullptr, this, nullptr);
    if (m_queue)
        disconnect(m_queue, nullptr, this, nullptr);
    m_transport = transport;
    m_queue = queue;
    if (transport)
        connect(transport, &HttpTransport::reachabilityChanged, this, &StatusPanel::updateOnline);
    if (queue)
        connect(queue, &MutationQueue::changed, this, &StatusPanel::updateOnline);
    updateOnline();
}

void StatusPanel::setLive(LiveConnection *live)
{
    if (m_liveConnection)
        disconnect(m_liveConnection, nullptr, this, nullptr);
    m_liveConnection = live;
    if (live)
        connect(live, &LiveConnection::statusChanged, this, &StatusPanel::updateLive);
    updateLive();
}

QString StatusPanel::liveText() const
{
    return m_live->isHidden() ? QString() : m_live->text();
}

void StatusPanel::updateLive()
{
    if (!m_liveConnection) {
        m_live->hide();
        m_liveSeparator->hide();
        return;
    }
    m_live->setText(m_liveConnection->statusText());
    m_live->setToolTip(m_liveConnection->detailText());
    m_live->setAccessibleName(m_liveConnection->statusText());
    m_live->show();
    m_liveSeparator->show();
}

void StatusPanel::setSignIn(Credentials *credentials, OAuthCredentials *oauth)
{
    for (QObject *old : {static_cast<QObject *>(m_credentials.data()), static_cast<QObject *>(m_oauth.data())}) {
        if (old)
            disconnect(old, nullptr, this, nullptr);
    }
    m_credentials = credentials;
    m_oauth = oauth;
    if (credentials)
        connect(credentials, &Credentials::stateChanged, this, &StatusPanel::updateSignIn);
    if (oauth)
        connect(oauth, &OAuthCredentials::statusChanged, this, &StatusPanel::updateSignIn);
    updateSignIn();
}

QString StatusPanel::signInText() const
{
    return m_signIn->isHidden() ? QString() : m_signIn->text();
}

void StatusPanel::updateSignIn()
{
    QString text, tip;
    if (m_credentials && m_credentials->state() == Credentials::State::SignInNeeded) {
        text = tr("Not signed in");
        tip = m_oauth ? m_oauth->statusText() : m_credentials->problem();
    } else if (m_oauth && m_oauth->isSigningIn()) {
        text = tr("Signing in…");
        tip = m_oauth->statusText();
    } else if (m_oauth && m_credentials && m_credentials->state() != Credentials::State::None) {
        text = m_oauth->who().isEmpty() ? tr("Signed in") : tr("Signed in as %1").arg(m_oauth->who());
        tip = m_oauth->statusText();
    }
    m_signIn->setText(text);
    m_signIn->setToolTip(tip);
    m_signIn->setAccessibleName(text);
    m_signIn->setVisible(!text.isEmpty());
    m_signInSeparator->setVisible(!text.isEmpty());
}

void StatusPanel::setEndpoint(const QUrl &baseUrl)
{
    m_endpoint = baseUrl;
    updateOnline();
}

void StatusPanel::setPendingWrites(PendingWrites *writes)
{
    if (m_pending)
        disconnect(m_pending, nullptr, this, nullptr);
    m_pending = writes;
    if (writes)
        connect(writes, &PendingWrites::changed, this, &StatusPanel::updateOnline);
    updateOnline();
}

void StatusPanel::setRefusedCount(int count)
{
    m_refused = count;
    updateOnline();
}

void StatusPanel::updateOnline()
{
    const int waiting = m_pending ? m_pending->count() : m_queue ? int(m_queue->mutations().size()) : 0;
    QString waitingText = waiting == 0 ? QString()
                        : waiting == 1 ? tr(" · 1 change waiting for the server")
                                       : tr(" · %1 changes waiting for the server").arg(waiting);
    if (m_refused > 0)
        waitingText += (m_refused == 1 ? tr(" · 1 change refused by the server") : tr(" · %1 changes refused by the server").arg(m_refused));
    m_waitingButton->setVisible(waiting > 0 || m_refused > 0);
    // A server that does not answer, whatever the network says (one on this machine answers with every cable out,
    // and stops answering with every cable in).
    const QDateTime since = m_transport && m_endpoint.isValid() ? m_transport->unreachableSince(m_endpoint) : QDateTime();
    if (since.isValid()) {
        const QString host = m_endpoint.port() >= 0 ? m_endpoint.host() + u':' + QString::number(m_endpoint.port())
                                                    : m_endpoint.host();
        m_onlineIcon->setPixmap(icons::icon(u"offline"_s).pixmap(16, 16));
        m_online->setText(tr("%1 not answering since %2").arg(host, QLocale().toString(since.time(), QLocale::ShortFormat))
                          + waitingText);
        m_online->setToolTip(tr("The server did not answer the last request; lists keep what they showed, and "
                                "changes are sent when it answers again"));
        return;
    }
    const bool online = !m_client->onlineSource() || m_client->onlineSource()->isOnline();
    m_onlineIcon->setPixmap(icons::icon(online ? u"online"_s : u"offline"_s).pixmap(16, 16));
    const bool simulated = m_client->onlineSource() && m_client->onlineSource()->isForcedOffline();
    m_online->setText((online ? tr("Online") : simulated ? tr("Offline (simulated)") : tr("Offline")) + waitingText);
    m_online->setToolTip(online      ? tr("The network is there")
                         : simulated ? tr("The cache inspector simulates offline: requests wait until it stops")
                                     : tr("No network: requests wait and are sent when it returns"));
}

} // namespace refetch
