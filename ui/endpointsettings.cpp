#include "endpointsettings.h"

#include <QCoreApplication>
#include <QUuid>

#include <algorithm>

namespace refetch {

QString EndpointSettings::displayName() const
{
    if (!name.trimmed().isEmpty())
        return name.trimmed();
    QString shown = baseUrl.host();
    if (baseUrl.port() != -1)
        shown += u':' + QString::number(baseUrl.port());
    const QString path = baseUrl.path();
    if (!path.isEmpty() && path != u"/")
        shown += path;
    return shown.isEmpty() ? QCoreApplication::translate("EndpointSettings", "Unnamed endpoint") : shown;
}

EndpointConfig EndpointSettings::endpointConfig() const
{
    EndpointConfig config;
    config.name = id;
    config.baseUrl = baseUrl;
    config.timeout = std::clamp(timeout, std::chrono::milliseconds(1000), maxTimeout);
    const QByteArray header = authHeader.trimmed().toLatin1();
    if (!header.isEmpty() && !authValue.isEmpty())
        config.headers.append({header, authValue.toUtf8()});
    config.limits.maxBytes = qint64(std::clamp(maxResponseMegabytes, 1, maxResponseMegabytesLimit)) * 1024 * 1024;
    return config;
}

QString EndpointSettings::validate() const
{
    if (baseUrl.isEmpty())
        return QCoreApplication::translate("EndpointSettings", "Enter the base URL of the API, such as https://api.example.com/v1.");
    if (!isUsableUrl(baseUrl))
        return QCoreApplication::translate("EndpointSettings", "“%1” is not an http or https URL with a host name.")
            .arg(baseUrl.toDisplayString(QUrl::RemoveUserInfo));
    // The settings file keeps the URL as it is: credentials in it would be stored in plain text.
    if (!transient && (!baseUrl.userName().isEmpty() || !baseUrl.password().isEmpty()))
        return QCoreApplication::translate("EndpointSettings", "Leave the user name and password out of the URL, which "
                                           "is saved in plain text: give them as the token instead (Basic …).");
    // A line break would end the header and start another one of the server's choosing.
    if (std::any_of(authValue.cbegin(), authValue.cend(), [](QChar c) { return c == u'\r' || c == u'\n' || c == u'\0'; }))
        return QCoreApplication::translate("EndpointSettings", "The token cannot contain line breaks.");
    if (!authValue.isEmpty() && authHeader.trimmed().isEmpty())
        return QCoreApplication::translate("EndpointSettings", "Name the header that carries the token, such as Authorization.");
    if (idField.trimmed().isEmpty())
        return QCoreApplication::translate("EndpointSettings", "Name the field that identifies a record, such as id.");
    if (maxResponseMegabytes < 1 || maxResponseMegabytes > maxResponseMegabytesLimit)
        return QCoreApplication::translate("EndpointSettings", "The largest response must be between 1 and %1 MB.")
            .arg(maxResponseMegabytesLimit);
    return {};
}

QString EndpointSettings::newId()
{
    return QUuid::createUuid().toString(QUuid::Id128).left(12);
}

bool EndpointSettings::isUsableUrl(const QUrl &url)
{
    return url.isValid() && (url.scheme() == u"http" || url.scheme() == u"https") && !url.host().isEmpty();
}

} // namespace refetch
