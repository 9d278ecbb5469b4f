#include "endpointsettings.h"

#include <QSet>

#include <QCoreApplication>
#include <QFile>
#include <QUuid>

#include <algorithm>

using namespace Qt::StringLiterals;

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
    const QByteArray name = authHeader.trimmed().toLatin1();
    using Place = FixedCredentials::Place;
    switch (signIn) {
    case SignIn::None:
    case SignIn::ClientCredentials:
    case SignIn::AuthorizationCode:
        break;
    case SignIn::Header:
        if (!name.isEmpty() && !authValue.isEmpty())
            config.credentials = std::make_shared<FixedCredentials>(Place::Header, name, authValue.toUtf8());
        break;
    case SignIn::Bearer:
        if (!authValue.isEmpty())
            config.credentials = std::make_shared<FixedCredentials>(Place::Header, "Authorization",
                                                                    "Bearer " + authValue.trimmed().toUtf8());
        break;
    case SignIn::Query:
        if (!name.isEmpty() && !authValue.isEmpty())
            config.credentials = std::make_shared<FixedCredentials>(Place::Query, name, authValue.toUtf8());
        break;
    case SignIn::Basic:
        if (!authUser.isEmpty() || !authValue.isEmpty())
            config.credentials = std::make_shared<FixedCredentials>(Place::Header, "Authorization",
                                                                    FixedCredentials::basicValue(authUser, authValue));
        break;
    }
    config.honoursIdempotencyKey = honoursIdempotencyKey;
    config.limits.maxBytes = qint64(std::clamp(maxResponseMegabytes, 1, maxResponseMegabytesLimit)) * 1024 * 1024;
    // A file gone since it was chosen: the requests go without it, and a refused certificate says why.
    if (!caCertificateFile.isEmpty())
        config.caCertificates = loadCaCertificates(caCertificateFile, &config.caCertificatesError);
    return config;
}

QString EndpointSettings::signInKey(SignIn method)
{
    switch (method) {
    case SignIn::None: return u"none"_s;
    case SignIn::Header: return u"header"_s;
    case SignIn::Bearer: return u"bearer"_s;
    case SignIn::Query: return u"query"_s;
    case SignIn::Basic: return u"basic"_s;
    case SignIn::ClientCredentials: return u"client-credentials"_s;
    case SignIn::AuthorizationCode: return u"authorization-code"_s;
    }
    return u"none"_s;
}

std::optional<EndpointSettings::SignIn> EndpointSettings::signInFromKey(QStringView key)
{
    for (SignIn m : {SignIn::None, SignIn::Header, SignIn::Bearer, SignIn::Query, SignIn::Basic,
                     SignIn::ClientCredentials, SignIn::AuthorizationCode}) {
        if (key == signInKey(m))
            return m;
    }
    return std::nullopt;
}

QList<Reference> EndpointSettings::referencesWith(const QString &resource, const QList<Reference> &found) const
{
    QList<Reference> out;
    QSet<QString> fields;
    for (Reference r : found) {
        fields.insert(r.field);
        const auto it = references.constFind(referenceKey(resource, r.field));
        if (it != references.cend()) {
            if (it->isEmpty())
                continue;   // the user says it is not a reference
            if (*it != r.resource) {
                r.resource = *it;
                r.source = QStringLiteral("settings");
            }
        }
        out.append(r);
    }
    const QString prefix = resource + u'\t';
    for (auto it = references.cbegin(); it != references.cend(); ++it) {
        if (!it.key().startsWith(prefix) || it->isEmpty())
            continue;
        const QString field = it.key().mid(prefix.size());
        if (!fields.contains(field))
            out.append({field, *it, QStringLiteral("settings")});
    }
    return out;
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
    auto tr = [](const char *text) { return QCoreApplication::translate("EndpointSettings", text); };
    switch (signIn) {
    case SignIn::None:
    case SignIn::Bearer:
        break;
    case SignIn::Header:
        if (!authValue.isEmpty() && authHeader.trimmed().isEmpty())
            return tr("Name the header that carries the token, such as Authorization.");
        break;
    case SignIn::Query:
        if (authHeader.trimmed().isEmpty())
            return tr("Name the query parameter that carries the key, such as api_key.");
        break;
    case SignIn::Basic:
        // RFC 7617: the user name ends at the first colon.
        if (authUser.contains(u':'))
            return tr("A user name for HTTP Basic cannot contain a colon.");
        break;
    case SignIn::ClientCredentials:
    case SignIn::AuthorizationCode: {
        if (oauthClientId.trimmed().isEmpty())
            return tr("Enter the client ID the authorization server knows this app by.");
        const bool code = signIn == SignIn::AuthorizationCode;
        if (oauthIssuer.trimmed().isEmpty()
            && (oauthTokenUrl.trimmed().isEmpty() || (code && oauthAuthorizationUrl.trimmed().isEmpty())))
            return code ? tr("Enter the issuer (the authorization server's URL), or its authorization and token URLs.")
                        : tr("Enter the issuer (the authorization server's URL), or its token URL.");
        for (const QString &url : {oauthIssuer, oauthAuthorizationUrl, oauthTokenUrl}) {
            if (!url.trimmed().isEmpty() && !isUsableUrl(QUrl(url.trimmed())))
                return tr("“%1” is not an http or https URL with a host name.").arg(url.trimmed());
        }
        break;
    }
    }
    if (idField.trimmed().isEmpty())
        return QCoreApplication::translate("EndpointSettings", "Name the field that identifies a record, such as id.");
    if (maxResponseMegabytes < 1 || maxResponseMegabytes > maxResponseMegabytesLimit)
        return QCoreApplication::translate("EndpointSettings", "The largest response must be between 1 and %1 MB.")
            .arg(maxResponseMegabytesLimit);
    if (!liveUrl.isEmpty()) {
        const QString scheme = liveUrl.scheme();
        if (liveUrl.host().isEmpty() || (scheme != u"http" && scheme != u"https" && scheme != u"ws" && scheme != u"wss"))
            return QCoreApplication::translate("EndpointSettings", "The change stream “%1” is not an http, https, ws or wss URL with a host name.")
                .arg(liveUrl.toDisplayString(QUrl::RemoveUserInfo));
    }
    if (!caCertificateFile.isEmpty()) {
        QString error;
        loadCaCertificates(caCertificateFile, &error);
        return error;
    }
    return {};
}

QString EndpointSettings::newId()
{
    return QUuid::createUuid().toString(QUuid::Id128).left(12);
}

QList<QSslCertificate> EndpointSettings::loadCaCertificates(const QString &path, QString *error)
{
    // A bundle of every public CA is about 200 KB: anything far larger was chosen by mistake.
    constexpr qint64 maxBytes = 8 * 1024 * 1024;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {   // a folder too
        *error = QCoreApplication::translate("EndpointSettings", "The CA certificate file “%1” cannot be read (%2).")
                     .arg(path, file.errorString());
        return {};
    }
    // Read up to the cap, not by size(): a device such as /dev/zero has none and never ends.
    const QByteArray data = file.read(maxBytes + 1);
    if (data.size() > maxBytes) {
        *error = QCoreApplication::translate("EndpointSettings", "The CA certificate file “%1” is too large for a "
                                             "certificate file (more than %2 MB).").arg(path).arg(maxBytes / (1024 * 1024));
        return {};
    }
    QList<QSslCertificate> certificates = QSslCertificate::fromData(data, QSsl::Pem);
    if (certificates.isEmpty())
        certificates = QSslCertificate::fromData(data, QSsl::Der);
    certificates.removeIf([](const QSslCertificate &c) { return c.isNull(); });
    if (certificates.isEmpty())
        *error = QCoreApplication::translate("EndpointSettings", "The CA certificate file “%1” holds no certificate "
                                             "(PEM or DER).").arg(path);
    else
        error->clear();
    return certificates;
}

bool EndpointSettings::isUsableUrl(const QUrl &url)
{
    return url.isValid() && (url.scheme() == u"http" || url.scheme() == u"https") && !url.host().isEmpty();
}

} // namespace refetch
