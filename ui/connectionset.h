#pragma once

#include "core/session/apiconnection.h"
#include "core/session/endpointsettings.h"

#include <QObject>

namespace refetch {

class AppSession;

// The window's connections, one per endpoint: the session's own endpoints (--demo, --endpoint) first, then the
// saved ones. A connection whose settings change is made again, one whose endpoint is removed goes with its unsent
// writes and its saved data.
class ConnectionSet : public QObject
{
    Q_OBJECT
public:
    // The connections are made on the session's client, queue and transport (which must outlive them), and keep
    // their data in its cache directory as it is now.
    explicit ConnectionSet(AppSession *session, QObject *parent = nullptr);

    QList<ApiConnection *> list() const { return m_connections; }
    bool isEmpty() const { return m_connections.isEmpty(); }
    // The connection of endpoint `id`, or null.
    ApiConnection *find(const QString &id) const;

    // The endpoints for this session only (listed first, never saved).
    QList<EndpointSettings> sessionEndpoints() const { return m_sessionEndpoints; }
    // Adds (or replaces) an endpoint for this session only; rebuild() makes its connection.
    void addSessionEndpoint(const EndpointSettings &endpoint);
    // New settings of a session endpoint (its tuning, edited in the settings dialog).
    void updateSessionEndpoint(const EndpointSettings &endpoint);
    // The session's endpoints and then `saved`: every endpoint the settings dialog shows.
    QList<EndpointSettings> withSessionEndpoints(const QList<EndpointSettings> &saved) const;
    // The endpoint of `endpoints` whose base URL is `url` (a URL given on the command line), or null. The same API
    // whatever the trailing slashes, user info, query or fragment: "http://host/api/" is "http://host/api".
    static const EndpointSettings *endpointAt(const QList<EndpointSettings> &endpoints, const QUrl &url);

    // Makes the connections of the session's endpoints and `saved`: those whose settings are unchanged stay, the
    // others go (aboutToRetire() first) before their replacements come (listChanged()).
    void rebuild(const QList<EndpointSettings> &saved);
    // Deletes every connection now (the window goes; its views of them are gone).
    void clear();

Q_SIGNALS:
    // These connections go: the views of them must close now.
    void aboutToRetire(const QList<refetch::ApiConnection *> &retired);
    // The list is made: a view of it shows it now (the connections are then registered with the session).
    void listChanged();

private:
    AppSession *m_session;
    QString m_cacheDirectory;
    QList<EndpointSettings> m_sessionEndpoints;
    QList<ApiConnection *> m_connections;
};

} // namespace refetch
