#include "queryerror.h"

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
