#include "core/client/queryerror.h"

#include <QMutex>
#include <QSet>

#include <QUrlQuery>

namespace refetch {

QString QueryError::toString() const
{
    QString s;
    if (!method.isEmpty() || !url.isEmpty())
        s = QString::fromLatin1(method) + u' ' + url.toDisplayString() + QStringLiteral(": ");
    if (kind == Kind::Http)
        s += QStringLiteral("HTTP ") + QString::number(httpStatus) + (message.isEmpty() ? QString() : u' ' + message);
    else
        s += message;
    if (!bodyExcerpt.isEmpty())
        s += QStringLiteral(": ") + QString::fromUtf8(bodyExcerpt).simplified();
    return s;
}

QueryError QueryError::http(const QByteArray &method, const QUrl &url, int status, const QString &reason,
                            const QByteArray &body)
{
    QueryError e;
    e.kind = Kind::Http;
    e.httpStatus = status;
    e.method = method;
    e.url = displayUrl(url);
    e.message = reason;
    e.bodyExcerpt = excerpt(body);
    return e;
}

QueryError QueryError::other(const QString &message)
{
    QueryError e;
    e.kind = Kind::Other;
    e.message = message;
    return e;
}

namespace {
struct SecretNames
{
    QMutex mutex;
    QSet<QString> names;   // lower case
};
SecretNames &secretNames()
{
    static SecretNames names;
    return names;
}
} // namespace

void QueryError::addSecretName(const QString &name)
{
    if (name.trimmed().isEmpty())
        return;
    SecretNames &s = secretNames();
    const QMutexLocker lock(&s.mutex);
    s.names.insert(name.trimmed().toLower());
}

bool QueryError::isUserSecretName(const QString &name)
{
    SecretNames &s = secretNames();
    const QMutexLocker lock(&s.mutex);
    return !s.names.isEmpty() && s.names.contains(name.toLower());
}

bool QueryError::isSecretParameter(const QString &name)
{
    if (isUserSecretName(name))
        return true;
    // Exact names for the short ones ("key", "sig"), so that filters such as author=... or keyword=... stay readable.
    const QString n = name.toLower().replace(u'-', u'_');
    return n == u"key" || n == u"sig" || n == u"auth" || n == u"authorization" || n == u"jwt" || n == u"sid"
        || n.startsWith(u"auth_") || n.endsWith(u"_auth") || n.contains(u"oauth") || n.contains(u"signature")
        || n.contains(u"session") || n.contains(u"token") || n.contains(u"secret") || n.contains(u"password")
        || n.contains(u"passwd") || n.contains(u"api_key") || n.contains(u"apikey") || n.contains(u"access_key")
        || n.contains(u"credential");
}

QUrl QueryError::displayUrl(const QUrl &url)
{
    QUrl shown = url.adjusted(QUrl::RemoveUserInfo);
    if (!shown.hasQuery())
        return shown;
    QUrlQuery query(shown);
    QList<std::pair<QString, QString>> items = query.queryItems(QUrl::FullyEncoded);
    bool changed = false;
    for (auto &[name, value] : items) {
        if (isSecretParameter(QUrl::fromPercentEncoding(name.toUtf8()))) {
            value = QStringLiteral("redacted");
            changed = true;
        }
    }
    if (changed) {
        query.setQueryItems(items);
        shown.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
    }
    return shown;
}

QByteArray QueryError::excerpt(const QByteArray &body, qsizetype max)
{
    if (body.size() <= max)
        return body;
    // Cut on a UTF-8 boundary so the excerpt stays readable.
    qsizetype cut = max;
    while (cut > 0 && (uchar(body[cut]) & 0xC0) == 0x80)
        --cut;
    return body.left(cut) + "...";
}

} // namespace refetch
