#pragma once

#include <QObject>
#include <QUrl>

namespace refetch {

// Whether requests can reach the network (query-core's onlineManager). The base class is driven by hand
// (tests; an app's "work offline" switch); NetworkOnlineSource follows QNetworkInformation.
class OnlineSource : public QObject
{
    Q_OBJECT
public:
    explicit OnlineSource(QObject *parent = nullptr) : QObject(parent) {}
    bool isOnline() const { return m_online && !m_forcedOffline; }
    void setOnline(bool online);
    // Offline whatever the network says, until lifted (the cache inspector's "simulate offline").
    bool isForcedOffline() const { return m_forcedOffline; }
    void setForcedOffline(bool offline);

Q_SIGNALS:
    // isOnline() changed.
    void onlineChanged(bool online);

private:
    void change(bool &field, bool value);

    bool m_online = true;
    bool m_forcedOffline = false;
};

// Loads QNetworkInformation's default backend; only "disconnected" counts as offline (a local or site-only
// network still reaches a server on 127.0.0.1 or the LAN). Without a backend it stays online.
class NetworkOnlineSource : public OnlineSource
{
    Q_OBJECT
public:
    explicit NetworkOnlineSource(QObject *parent = nullptr);
    bool hasBackend() const { return m_hasBackend; }

    // Every server in use is on this machine (see isLoopback): what the network does then does not matter, since
    // a server on 127.0.0.1 answers with every cable out. The app sets it from its endpoints.
    void setLocalOnly(bool localOnly);
    bool isLocalOnly() const { return m_localOnly; }
    // localhost, 127.0.0.0/8 or ::1.
    static bool isLoopback(const QUrl &url);

protected:
    // What the network says (QNetworkInformation's reachability; tests drive it).
    void setNetworkReachable(bool reachable);

private:
    void apply();

    bool m_hasBackend = false;
    bool m_networkOnline = true;
    bool m_localOnly = false;
};

} // namespace refetch
