#include "core/client/onlinesource.h"

#include <QHostAddress>
#include <QLoggingCategory>
#include <QNetworkInformation>

Q_DECLARE_LOGGING_CATEGORY(lcNetwork)

namespace refetch {

void OnlineSource::setOnline(bool online)
{
    change(m_online, online);
}

void OnlineSource::setForcedOffline(bool offline)
{
    change(m_forcedOffline, offline);
}

void OnlineSource::change(bool &field, bool value)
{
    const bool before = isOnline();
    field = value;
    if (isOnline() != before)
        Q_EMIT onlineChanged(isOnline());
}

NetworkOnlineSource::NetworkOnlineSource(QObject *parent)
    : OnlineSource(parent)
{
    if (!QNetworkInformation::loadDefaultBackend() || !QNetworkInformation::instance()) {
        qCInfo(lcNetwork) << "no network information backend: assuming online";
        return;
    }
    QNetworkInformation *info = QNetworkInformation::instance();
    if (!info->supports(QNetworkInformation::Feature::Reachability))
        return;
    m_hasBackend = true;
    auto follow = [this](QNetworkInformation::Reachability r) {
        setNetworkReachable(r != QNetworkInformation::Reachability::Disconnected);
    };
    follow(info->reachability());
    connect(info, &QNetworkInformation::reachabilityChanged, this, follow);
}

void NetworkOnlineSource::setLocalOnly(bool localOnly)
{
    if (localOnly == m_localOnly)
        return;
    m_localOnly = localOnly;
    qCInfo(lcNetwork) << (localOnly ? "every server is on this machine: the network's state is ignored"
                                    : "a server is on the network: following the network's state");
    apply();
}

void NetworkOnlineSource::setNetworkReachable(bool reachable)
{
    m_networkOnline = reachable;
    apply();
}

void NetworkOnlineSource::apply()
{
    setOnline(m_localOnly || m_networkOnline);
}

bool NetworkOnlineSource::isLoopback(const QUrl &url)
{
    const QString host = url.host();
    if (host.compare(u"localhost", Qt::CaseInsensitive) == 0 || host.endsWith(u".localhost", Qt::CaseInsensitive))
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

} // namespace refetch
