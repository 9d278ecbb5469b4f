#include "onlinesource.h"

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
    auto apply = [this](QNetworkInformation::Reachability r) {
        setOnline(r != QNetworkInformation::Reachability::Disconnected);
    };
    apply(info->reachability());
    connect(info, &QNetworkInformation::reachabilityChanged, this, apply);
}

} // namespace refetch
