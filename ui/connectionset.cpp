#include "connectionset.h"

#include "core/session/oauthcredentials.h"
#include "core/session/settingsstore.h"

#include <QDesktopServices>

#include "core/client/queryclient.h"
#include "core/mutation/mutationqueue.h"
#include "core/session/apiconnection.h"
#include "core/session/appsession.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcUi)

namespace refetch {

namespace {

// The settings of endpoint `id` in `list`, or null when it is not there.
const EndpointSettings *settingsOf(const QList<EndpointSettings> &list, const QString &id)
{
    const auto it = std::find_if(list.cbegin(), list.cend(), [&](const EndpointSettings &e) { return e.id == id; });
    return it == list.cend() ? nullptr : &*it;
}

} // namespace

ConnectionSet::ConnectionSet(AppSession *session, QObject *parent)
    : QObject(parent), m_session(session), m_cacheDirectory(session->cacheDirectory())
{
}

ApiConnection *ConnectionSet::find(const QString &id) const
{
    for (ApiConnection *c : m_connections) {
        if (c->id() == id)
            return c;
    }
    return nullptr;
}

void ConnectionSet::addSessionEndpoint(const EndpointSettings &endpoint)
{
    EndpointSettings e = endpoint;
    e.transient = true;
    m_sessionEndpoints.removeIf([&](const EndpointSettings &s) { return s.id == e.id; });
    m_sessionEndpoints.prepend(e);
}

void ConnectionSet::updateSessionEndpoint(const EndpointSettings &endpoint)
{
    for (EndpointSettings &s : m_sessionEndpoints) {
        if (s.id == endpoint.id)
            s = endpoint;
    }
}

QList<EndpointSettings> ConnectionSet::withSessionEndpoints(const QList<EndpointSettings> &saved) const
{
    QList<EndpointSettings> all = m_sessionEndpoints;
    all += saved;
    return all;
}

const EndpointSettings *ConnectionSet::endpointAt(const QList<EndpointSettings> &endpoints, const QUrl &url)
{
    auto normalized = [](QUrl u) {
        QString path = u.path();
        while (path.endsWith(u'/'))
            path.chop(1);
        u.setPath(path);
        return u.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment);
    };
    const QUrl wanted = normalized(url);
    const auto it = std::find_if(endpoints.cbegin(), endpoints.cend(),
                                 [&](const EndpointSettings &e) { return normalized(e.baseUrl) == wanted; });
    return it == endpoints.cend() ? nullptr : &*it;
}

void ConnectionSet::rebuild(const QList<EndpointSettings> &saved)
{
    QList<EndpointSettings> wanted = m_sessionEndpoints;
    for (const EndpointSettings &e : saved) {
        if (!settingsOf(wanted, e.id))
            wanted.append(e);
    }

    // Connections whose settings are unchanged stay; the others go before their replacements come.
    QList<ApiConnection *> retired;
    for (ApiConnection *c : std::as_const(m_connections)) {
        const EndpointSettings *same = settingsOf(wanted, c->id());
        // The OAuth tokens are the connection's own (renewed as it runs): another token is not other settings.
        EndpointSettings next = same ? *same : EndpointSettings();
        next.oauthTokens = c->settings().oauthTokens;
        if (!same || !(next == c->settings())) {
            retired.append(c);
        }
    }
    // Views of a retired connection close before it goes.
    if (!retired.isEmpty())
        Q_EMIT aboutToRetire(retired);
    QueryClient *client = m_session->client();
    MutationQueue *mutations = m_session->mutations();
    for (ApiConnection *c : std::as_const(retired)) {
        m_connections.removeOne(c);
        const QString id = c->id();
        // Removed in the settings (not just changed; the user was asked about its unsent writes): its writes are
        // dropped before anything can send them, and its saved data goes with it.
        if (!settingsOf(wanted, id)) {
            if (const int dropped = mutations->discard(id))
                qCInfo(lcUi) << "discarded" << dropped << "unsent writes of the removed endpoint" << id;
            c->forgetSavedData();
        }
        // After the views that use it, which also go later.
        c->deleteLater();
        // Its cached data may be another server's now (a new URL, another token): forget it, before a new
        // connection of the same id observes it.
        client->removeQueries(QueryFilters{.key = QueryKey{id}});
    }

    QList<ApiConnection *> next;
    for (const EndpointSettings &e : std::as_const(wanted)) {
        if (ApiConnection *existing = find(e.id)) {
            next.append(existing);
            continue;
        }
        auto *c = new ApiConnection(e, client, mutations, m_session->transport(), m_cacheDirectory, this);
        // OAuth tokens go to the keychain as they come and are renewed (where the endpoint's secret is kept).
        connect(c, &ApiConnection::tokensChanged, this, [this, id = e.id, plain = e.tokenInPlainText](const QString &tokens) {
            if (SettingsStore *store = m_session->store())
                store->setOAuthTokens(id, tokens, plain);
        });
        // OAuth's sign-in page opens in the system browser (QDesktopServices: a test can take http URLs itself).
        if (OAuthCredentials *oauth = c->oauth()) {
            connect(oauth, &OAuthCredentials::browserRequested, this, [oauth](const QUrl &url) {
                if (!QDesktopServices::openUrl(url)) {
                    qCWarning(lcUi) << "could not open the browser for the sign-in";
                    oauth->cancelSignIn();
                    Q_EMIT oauth->signInFailed(tr("Could not open a web browser for the sign-in page."));
                }
            });
        }
        // Changes made on the server by anyone show by themselves, where it has a change stream.
        c->startLive();
        next.append(c);
    }
    m_connections = next;
    Q_EMIT listChanged();
    // When every server is on this machine, a network manager saying "disconnected" must not pause them: the
    // session decides.
    QList<QUrl> inUse;
    for (const ApiConnection *c : std::as_const(m_connections))
        inUse.append(c->settings().baseUrl);
    m_session->setEndpointsInUse(inUse);
    // A connection made again for the same id registered its endpoint before the old one went.
    for (ApiConnection *c : std::as_const(m_connections))
        mutations->addEndpoint(c->endpoint());
}

void ConnectionSet::clear()
{
    qDeleteAll(m_connections);
    m_connections.clear();
}

} // namespace refetch
