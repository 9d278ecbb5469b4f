#include "core/mutation/mutationerror.h"

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
        // {"message": "..."}, {"msg": "..."} (pydantic), {"detail": "..."} or {"title": "..."} (JSON:API) as one
        // entry of a list
        for (const char *name : {"message", "msg", "detail", "title"}) {
            const Json m = value.value(QByteArrayView(name));
            if (m.isString()) {
                out.append(m.toString());
                break;
            }
        }
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

namespace {

// The field an error entry is about: "field", a "path" or pydantic "loc" (a string, or a list whose parts join with
// dots; pydantic's leading "body"/"query"/"path" dropped), or a JSON:API source pointer
// ("/data/attributes/title" -> "title"). Empty: the entry is about the whole record.
QString fieldOfEntry(const Json &item)
{
    for (const char *name : {"field", "path", "loc", "property", "attribute"}) {
        const Json f = item.value(QByteArrayView(name));
        if (f.isString() && !f.toString().isEmpty())
            return f.toString();
        if (f.isArray() && f.size() > 0) {
            QStringList parts;
            for (qsizetype i = 0; i < f.size(); ++i) {
                const Json part = f.at(i);
                const QString text = part.isString() ? part.toString() : QString::fromUtf8(part.toJson());
                if (i == 0 && f.size() > 1 && (text == u"body" || text == u"query" || text == u"path"))
                    continue;
                parts.append(text);
            }
            if (!parts.isEmpty())
                return parts.join(u'.');
        }
    }
    const Json pointer = item.value(QLatin1StringView("source")).value(QLatin1StringView("pointer"));
    if (pointer.isString()) {
        QString p = pointer.toString();
        for (const char *prefix : {"/data/attributes/", "/data/relationships/", "/data/"}) {
            if (p.startsWith(QLatin1StringView(prefix))) {
                p.remove(0, qsizetype(qstrlen(prefix)));
                break;
            }
        }
        while (p.startsWith(u'/'))
            p.remove(0, 1);
        if (!p.isEmpty() && p != u"data")
            return p.replace(u'/', u'.');
    }
    return {};
}

void addEntryList(const Json &errors, QMap<QString, QStringList> &out)
{
    for (const Json &item : errors) {
        const QString field = fieldOfEntry(item);
        if (field.isEmpty())
            continue;   // a message about the whole record: serverMessage covers those
        const QStringList messages = messagesOf(item);
        if (!messages.isEmpty())
            out[field] += messages;
    }
}

// Django REST framework answers a 400 with the fields themselves as members: {"title": ["This field is
// required."], "non_field_errors": [...]}: every member a list of messages (or, for a nested serializer, an
// object of such lists).
bool isBareFieldMap(const Json &body)
{
    if (!body.isObject() || body.isEmpty())
        return false;
    for (qsizetype i = 0; i < body.size(); ++i) {
        const Json v = body.valueAt(i);
        if (v.isArray()) {
            for (const Json &m : v) {
                if (!m.isString() && !m.isObject())
                    return false;
            }
        } else if (!v.isObject() || !isBareFieldMap(v)) {
            return false;
        }
    }
    return true;
}

void addBareFieldMap(const Json &map, const QString &prefix, QMap<QString, QStringList> &out)
{
    for (qsizetype i = 0; i < map.size(); ++i) {
        const QString name = prefix + map.keyAt(i);
        if (name == u"non_field_errors" || name == u"__all__")
            continue;
        const Json v = map.valueAt(i);
        if (v.isObject()) {
            addBareFieldMap(v, name + u'.', out);
            continue;
        }
        const QStringList messages = messagesOf(v);
        if (!messages.isEmpty())
            out[name] += messages;
    }
}

} // namespace

QMap<QString, QStringList> MutationError::parseFieldErrors(const Json &body)
{
    QMap<QString, QStringList> out;
    if (!body.isObject())
        return out;
    const Json errors = body.value(QLatin1StringView("errors"));
    if (errors.isObject())
        addFieldMap(errors, out);             // Laravel, Rails: {"errors": {"title": ["..."]}}
    else if (errors.isArray())
        addEntryList(errors, out);            // JSON:API, and lists of {field, message}
    const Json fields = body.value(QLatin1StringView("fields"));
    if (fields.isObject())
        addFieldMap(fields, out);             // ours: {"error": "validation failed", "fields": {...}}
    const Json detail = body.value(QLatin1StringView("detail"));
    if (detail.isArray())
        addEntryList(detail, out);            // FastAPI / pydantic: {"detail": [{"loc": [...], "msg": ...}]}
    const Json strapi = body.value(QLatin1StringView("error")).value(QLatin1StringView("details"))
                            .value(QLatin1StringView("errors"));
    if (strapi.isArray())
        addEntryList(strapi, out);            // Strapi: {"error": {"details": {"errors": [{"path": [...]}]}}}
    if (out.isEmpty() && errors.isUndefined() && fields.isUndefined() && isBareFieldMap(body))
        addBareFieldMap(body, QString(), out);   // Django REST framework
    return out;
}

QString MutationError::parseMessage(const Json &body)
{
    if (body.isString())
        return body.toString();
    if (!body.isObject())
        return {};
    // Django REST framework's messages about the whole record.
    for (const char *name : {"non_field_errors", "__all__"}) {
        const QStringList messages = messagesOf(body.value(QByteArrayView(name)));
        if (!messages.isEmpty())
            return messages.join(u' ');
    }
    // JSON:API: the first error that names no field.
    const Json errors = body.value(QLatin1StringView("errors"));
    if (errors.isArray()) {
        for (const Json &item : errors) {
            if (fieldOfEntry(item).isEmpty()) {
                const QStringList messages = messagesOf(item);
                if (!messages.isEmpty())
                    return messages.first();
            }
        }
    }
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
    // The connection closed before any answer (a server stopping closes its kept-alive connections): the request
    // may or may not have arrived, as with a timeout. The write waits, and is checked before it goes again after
    // a restart.
    case QNetworkReply::RemoteHostClosedError:
        return true;
    default:
        return false;
    }
}

} // namespace refetch
