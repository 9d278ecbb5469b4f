#include "mutationerror.h"

namespace refetch {

namespace {

QStringList messagesOf(const Json &value)
{
    QStringList out;
    if (value.isString()) {
        out.append(value.toString());
    } else if (value.isArray()) {
        for (const Json &item : value)
            out += messagesOf(item);
    } else if (value.isObject()) {
        // {"message": "..."} or {"msg": "..."} as one entry of a list
        const Json m = value.contains(QLatin1StringView("message")) ? value.value(QLatin1StringView("message"))
                                                                      : value.value(QLatin1StringView("msg"));
        if (m.isString())
            out.append(m.toString());
    } else if (!value.isUndefined() && !value.isNull()) {
        out.append(QString::fromUtf8(value.toJson()));
    }
    return out;
}

void addFieldMap(const Json &map, QMap<QString, QStringList> &out)
{
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QStringList messages = messagesOf(*it);
        if (!messages.isEmpty())
            out[it.key()] += messages;
    }
}

} // namespace

QString MutationError::toString() const
{
    QString s;
    if (!error.method.isEmpty() || !error.url.isEmpty())
        s = QString::fromLatin1(error.method) + u' ' + error.url.toDisplayString() + QStringLiteral(": ");
    if (error.kind == QueryError::Kind::Http)
        s += QStringLiteral("HTTP ") + QString::number(error.httpStatus);
    else
        s += error.message;
    QStringList details;
    if (kind == Kind::Conflict)
        details.append(QStringLiteral("the record changed on the server since it was read"));
    if (!serverMessage.isEmpty())
        details.append(serverMessage);
    for (auto it = fieldErrors.cbegin(); it != fieldErrors.cend(); ++it)
        details.append(it.key() + QStringLiteral(": ") + it.value().join(QStringLiteral(", ")));
    if (details.isEmpty() && error.kind == QueryError::Kind::Http) {
        if (!error.message.isEmpty())
            details.append(error.message);
        if (!error.bodyExcerpt.isEmpty())
            details.append(QString::fromUtf8(error.bodyExcerpt).simplified());
    }
    if (!details.isEmpty())
        s += QStringLiteral(": ") + details.join(QStringLiteral("; "));
    return s;
}

MutationError MutationError::fromFailure(const QueryError &error, const Json &body)
{
    MutationError e;
    e.error = error;
    e.body = body;
    e.serverMessage = parseMessage(body);
    e.fieldErrors = parseFieldErrors(body);
    if (error.kind == QueryError::Kind::Http && error.httpStatus == 412)
        e.kind = Kind::Conflict;
    else if (!e.fieldErrors.isEmpty())
        e.kind = Kind::Validation;
    return e;
}

QMap<QString, QStringList> MutationError::parseFieldErrors(const Json &body)
{
    QMap<QString, QStringList> out;
    if (!body.isObject())
        return out;
    const Json errors = body.value(QLatin1StringView("errors"));
    if (errors.isObject()) {
        addFieldMap(errors, out);
    } else if (errors.isArray()) {
        for (const Json &item : errors) {
            Json field = item.value(QLatin1StringView("field"));
            if (!field.isString())
                field = item.value(QLatin1StringView("path"));
            if (!field.isString())
                continue;   // a message about the whole record: serverMessage covers those
            const QStringList messages = messagesOf(item);
            if (!messages.isEmpty())
                out[field.toString()] += messages;
        }
    }
    const Json fields = body.value(QLatin1StringView("fields"));
    if (fields.isObject())
        addFieldMap(fields, out);
    return out;
}

QString MutationError::parseMessage(const Json &body)
{
    if (body.isString())
        return body.toString();
    if (!body.isObject())
        return {};
    for (const char *name : {"message", "error", "detail", "title"}) {
        const Json v = body.value(QByteArrayView(name));
        if (v.isString() && !v.toString().isEmpty())
            return v.toString();
        if (v.isObject() && v.value(QLatin1StringView("message")).isString())
            return v.value(QLatin1StringView("message")).toString();
    }
    return {};
}

bool MutationError::isConnectionFailure(const QueryError &error)
{
    if (error.kind == QueryError::Kind::Timeout)
        return error.httpStatus == 0;
    if (error.kind != QueryError::Kind::Network || error.httpStatus != 0)
        return false;
    switch (error.networkError) {
    case QNetworkReply::NoError:   // a transport function's own "no network"
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:   // what Qt reports for "network unreachable"
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyTimeoutError:
        return true;
    default:
        return false;
    }
}

} // namespace refetch
