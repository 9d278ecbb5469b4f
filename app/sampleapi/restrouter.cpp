#include "restrouter.h"

#include "jsvalue.h"
#include "record.h"
#include "sampledatabase.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QUrl>

namespace refetch::sampleapi {

namespace {

QByteArray etagOf(const QByteArray &body)
{
    return '"' + QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex().left(32) + '"';
}

QList<QByteArray> etagList(const QByteArray &header)
{
    QList<QByteArray> tags;
    for (const QByteArray &tag : header.split(','))
        tags.append(tag.trimmed());
    return tags;
}

// If-None-Match compares weakly: "W/" is ignored on both sides (RFC 9110 13.1.2).
bool noneMatchHits(const QByteArray &ifNoneMatch, const QByteArray &etag)
{
    const auto opaque = [](const QByteArray &tag) { return tag.startsWith("W/") ? tag.mid(2) : tag; };
    const QList<QByteArray> tags = etagList(ifNoneMatch);
    return std::any_of(tags.begin(), tags.end(), [&](const QByteArray &t) { return t == "*" || opaque(t) == opaque(etag); });
}

// If-Match compares strongly: a weak tag never matches (RFC 9110 13.1.1).
bool ifMatchFails(const QByteArray &ifMatch, const QByteArray &etag)
{
    if (ifMatch.isEmpty())
        return false;
    const QList<QByteArray> tags = etagList(ifMatch);
    return std::none_of(tags.begin(), tags.end(), [&](const QByteArray &t) { return t == "*" || t == etag; });
}

bool isRead(const Request &request)
{
    return request.method == "GET" || request.method == "HEAD";
}

// A read gets its ETag and, when the client already has that version, a 304 without a body.
Reply withValidator(Reply reply, const Request &request)
{
    const QByteArray etag = etagOf(reply.body);
    reply.headers.emplaceBack("ETag", etag);
    if (isRead(request) && reply.status == 200 && noneMatchHits(request.header("if-none-match"), etag)) {
        reply.status = 304;
        reply.body.clear();
    }
    return reply;
}

Reply validationFailed(const QString &field, const QString &message)
{
    Record fields;
    fields.insert(field, message);
    Record body;
    body.insert(QStringLiteral("error"), QStringLiteral("validation failed"));
    body.insert(Record::Member{QStringLiteral("fields"), QJsonObject{{field, message}}, fields.toJson()});
    return Reply::json(422, body.toJson());
}

// The body of a write as a record: 400 when it is not JSON, 422 when it is JSON but not an object.
// No body reads as {}, as json-server's body parser gives it.
std::optional<Record> parseBody(const Request &request, Reply *failure)
{
    if (request.body.trimmed().isEmpty())
        return Record();
    QString error;
    bool validJson = false;
    std::optional<Record> record = Record::fromJson(request.body, &error, &validJson);
    if (!record)
        *failure = validJson ? validationFailed(QStringLiteral("$"), error)
                             : Reply::error(400, QStringLiteral("invalid JSON"), {{QStringLiteral("detail"), error}});
    return record;
}

QStringList allValues(const QueryItems &query, QStringView key)
{
    QStringList values;
    for (const auto &[k, v] : query) {
        if (k == key)
            values.append(v);
    }
    return values;
}

QByteArray arrayOf(const QList<Record> &records)
{
    QByteArray out = "[";
    for (const Record &r : records) {
        if (out.size() > 1)
            out += ',';
        out += r.toJson();
    }
    out += ']';
    return out;
}

QJsonObject toObject(const Record &record)
{
    QJsonObject object;
    for (const Record::Member &m : record.members())
        object.insert(m.key, m.value);
    return object;
}

Reply notFound(const Resource &resource, const QString &id)
{
    return Reply::error(404, QStringLiteral("not found"), {{QStringLiteral("resource"), resource.name}, {QStringLiteral("id"), id}});
}

Reply preconditionFailed(const Record &current)
{
    Reply reply = Reply::json(412, current.toJson());
    reply.headers.emplaceBack("ETag", etagOf(reply.body));
    return reply;
}

} // namespace

QByteArray Request::header(const QByteArray &lowerCaseName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerCaseName)
            return value;
    }
    return {};
}

Reply Reply::json(int status, QByteArray body)
{
    return Reply{.status = status, .body = std::move(body)};
}

Reply Reply::error(int status, const QString &message, const QList<std::pair<QString, QString>> &details)
{
    Record body;
    body.insert(QStringLiteral("error"), message);
    for (const auto &[key, value] : details)
        body.insert(key, value);
    return json(status, body.toJson());
}

Reply RestRouter::handle(const Request &request)
{
    const QByteArray key = request.header("idempotency-key");
    const bool write = request.method == "POST" || request.method == "PUT" || request.method == "PATCH"
        || request.method == "DELETE";
    Reply reply = write && !key.isEmpty() ? idempotent(request, key) : route(request);
    reply.headers.emplaceBack("Cache-Control", "no-cache");
    if (const QByteArray origin = request.header("origin"); !origin.isEmpty()) {
        reply.headers.emplaceBack("Access-Control-Allow-Origin", origin);
        reply.headers.emplaceBack("Access-Control-Allow-Credentials", "true");
        reply.headers.emplaceBack("Vary", "Origin");
    }
    return reply;
}

Reply RestRouter::idempotent(const Request &request, const QByteArray &key)
{
    // The request as the key first saw it: the same write sent again has the same method, path and body.
    const QByteArray fingerprint = request.method + ' ' + request.path.toUtf8() + '?' + request.query + ' '
        + QCryptographicHash::hash(request.body, QCryptographicHash::Sha256).toHex();
    if (const auto saved = m_db->idempotentReply(key)) {
        if (saved->fingerprint != fingerprint)
            return Reply::error(422, QStringLiteral("this Idempotency-Key was used for another request"),
                                {{QStringLiteral("key"), QString::fromUtf8(key)}});
        Reply replay{.status = saved->status, .body = saved->body};
        for (const QByteArray &line : saved->headers.split('\n')) {
            if (const qsizetype colon = line.indexOf(": "); colon > 0)
                replay.headers.emplaceBack(line.left(colon), line.mid(colon + 2));
        }
        replay.headers.emplaceBack("Idempotent-Replayed", "true");
        return replay;
    }
    Reply reply = route(request);
    if (reply.status < 500) {
        QByteArray headers;
        for (const auto &[name, value] : std::as_const(reply.headers))
            headers += name + ": " + value + '\n';
        // After the write, in its own statement: a server killed between the two would apply a resend again.
        m_db->saveIdempotentReply(key, {.fingerprint = fingerprint, .status = reply.status, .body = reply.body,
                                        .headers = headers}, nullptr);
    }
    return reply;
}

Reply RestRouter::route(const Request &request)
{
    Reply reply;
    const QStringList segments = request.path.split(u'/', Qt::SkipEmptyParts);
    const Resource *resource = segments.isEmpty() ? nullptr : m_db->resource(segments.first());
    if (const GeneratedCollection *c = segments.isEmpty() || resource || request.method == "OPTIONS"
            ? nullptr : generated(segments.first()))
        return generatedRoute(request, *c, segments);
    const QByteArray &method = request.method;
    const Reply unknown = Reply::error(404, QStringLiteral("not found"), {{QStringLiteral("path"), request.path}});

    if (method == "OPTIONS") {
        // A CORS preflight, answered as the cors middleware in json-server does.
        reply = Reply{.status = 204,
                      .headers = {{"Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE"}}};
        if (const QByteArray asked = request.header("access-control-request-headers"); !asked.isEmpty())
            reply.headers.emplaceBack("Access-Control-Allow-Headers", asked);
    } else if (segments.isEmpty()) {
        reply = isRead(request) ? index(request) : unknown;
    } else if (segments.size() == 1 && segments.first() == u"db" && isRead(request)) {
        // A generated collection is named, its records left out: they are made as they are asked for.
        QByteArray db = m_db->toJson();
        for (const GeneratedCollection &c : m_generated) {
            db.chop(1);
            db += (db.size() > 1 ? "," : "") + QByteArray("\"") + c.name().toUtf8() + "\":[]}";
        }
        reply = withValidator(Reply::json(200, db), request);
    } else if (segments.size() == 1 && segments.first() == u"openapi.json" && !m_openApi.isEmpty() && isRead(request)) {
        reply = withValidator(Reply::json(200, m_openApi), request);
    } else if (segments.size() == 3) {
        // /posts/7/comments: the comments whose postId is "7" (the parent need not exist, as in json-server).
        const Resource *nested = m_db->resource(segments.at(2));
        const QString key = singularOf(segments.first()) + QStringLiteral("Id");
        if (!nested || nested->singular)
            reply = unknown;
        else if (isRead(request))
            reply = list(request, *nested, key, segments.at(1));
        else if (method == "POST")
            reply = create(request, *nested, key, segments.at(1));
        else
            reply = unknown;
    } else if (!resource || segments.size() > 2) {
        reply = unknown;
    } else if (resource->singular) {
        reply = segments.size() == 1 ? singular(request, *resource) : unknown;
    } else if (segments.size() == 1) {
        if (isRead(request))
            reply = list(request, *resource);
        else if (method == "POST")
            reply = create(request, *resource);
        else
            reply = unknown;
    } else {
        const QString &id = segments.at(1);
        if (isRead(request))
            reply = show(request, *resource, id);
        else if (method == "PUT" || method == "PATCH")
            reply = update(request, *resource, id);
        else if (method == "DELETE")
            reply = destroy(request, *resource, id);
        else
            reply = unknown;
    }
    return reply;
}

const GeneratedCollection *RestRouter::generated(QStringView name) const
{
    for (const GeneratedCollection &c : m_generated) {
        if (c.name().compare(name, Qt::CaseInsensitive) == 0)
            return &c;
    }
    return nullptr;
}

Reply RestRouter::generatedRoute(const Request &request, const GeneratedCollection &collection,
                                 const QStringList &segments) const
{
    if (segments.size() > 2)
        return Reply::error(404, QStringLiteral("not found"), {{QStringLiteral("path"), request.path}});
    if (!isRead(request))
        return collection.refuseWrite();
    if (segments.size() == 2)
        return withValidator(collection.show(segments.at(1)), request);
    return withValidator(collection.list(parseQuery(request.query)), request);
}

Reply RestRouter::index(const Request &request) const
{
    QJsonObject resources;
    Record links;
    for (const Resource &r : m_db->resources()) {
        const QString url = request.origin + u'/' + QString::fromUtf8(QUrl::toPercentEncoding(r.name));
        links.insert(r.name, url);
    }
    for (const GeneratedCollection &c : m_generated)
        links.insert(c.name(), request.origin + u'/' + QString::fromUtf8(QUrl::toPercentEncoding(c.name())));
    links.insert(QStringLiteral("db"), request.origin + QStringLiteral("/db"));
    Record body;
    body.insert(QStringLiteral("name"), QStringLiteral("Refetch sample API (json-server 0.17 dialect)"));
    body.insert(Record::Member{QStringLiteral("resources"), toObject(links), links.toJson()});
    return withValidator(Reply::json(200, body.toJson()), request);
}

Reply RestRouter::list(const Request &request, const Resource &resource, const QString &nestedKey,
                       const QString &nestedId) const
{
    QueryItems query = parseQuery(request.query);
    if (!nestedKey.isEmpty()) {
        query.removeIf([&](const auto &item) { return item.first == nestedKey; });
        query.append({nestedKey, nestedId});
    }
    const QString fullUrl = request.origin + request.path + (request.query.isEmpty() ? QString() : u'?' + QString::fromUtf8(request.query));
    const ListAnswer answer = answerList(resource.records, query, fullUrl);
    if (!answer.error.isEmpty())
        return Reply::error(400, QStringLiteral("invalid query"), {{QStringLiteral("detail"), answer.error}});

    const bool related = !allValues(query, u"_embed").isEmpty() || !allValues(query, u"_expand").isEmpty();
    QByteArray body = "[";
    for (qsizetype row : answer.rows) {
        if (body.size() > 1)
            body += ',';
        const Record &record = resource.records.at(row);
        body += related ? withRelations(resource, record, query).toJson() : record.toJson();
    }
    body += ']';

    Reply reply = Reply::json(200, body);
    if (answer.totalCount) {
        reply.headers.emplaceBack("X-Total-Count", QByteArray::number(*answer.totalCount));
        reply.headers.emplaceBack("Access-Control-Expose-Headers", answer.link ? "X-Total-Count, Link" : "X-Total-Count");
    }
    if (answer.link)
        reply.headers.emplaceBack("Link", *answer.link);
    return withValidator(reply, request);
}

Reply RestRouter::show(const Request &request, const Resource &resource, const QString &id) const
{
    const qsizetype index = m_db->indexOf(resource.name, id);
    if (index < 0)
        return notFound(resource, id);
    const Record record = withRelations(resource, resource.records.at(index), parseQuery(request.query));
    return withValidator(Reply::json(200, record.toJson()), request);
}

Reply RestRouter::create(const Request &request, const Resource &resource, const QString &nestedKey,
                         const QString &nestedId)
{
    Reply failure;
    std::optional<Record> record = parseBody(request, &failure);
    if (!record)
        return failure;
    if (!nestedKey.isEmpty())
        record->insert(nestedKey, nestedId); // a string, as json-server takes it from the path
    QJsonValue id = record->value(u"id");
    if (js::isTruthy(id)) {
        if (!id.isString() && !id.isDouble())
            return validationFailed(QStringLiteral("id"), QStringLiteral("must be a string or a number"));
        if (m_db->indexOf(resource.name, js::toString(id)) >= 0)
            return Reply::error(409, QStringLiteral("duplicate id"), {{QStringLiteral("resource"), resource.name},
                                                                     {QStringLiteral("id"), js::toString(id)}});
    } else {
        // A missing or falsy id (0, "", null) is replaced, as lodash-id's insert does.
        id = nextId(resource);
        record->insert(QStringLiteral("id"), id);
    }
    QString error;
    if (!m_db->append(resource.name, *record, &error))
        return Reply::error(500, QStringLiteral("cannot save"), {{QStringLiteral("detail"), error}});

    Reply reply = Reply::json(201, record->toJson());
    const QByteArray location = request.origin.toUtf8() + QUrl::toPercentEncoding(request.path, "/") + '/'
        + QUrl::toPercentEncoding(js::toString(id));
    reply.headers.emplaceBack("Location", location);
    reply.headers.emplaceBack("Access-Control-Expose-Headers", "Location");
    return withValidator(reply, request);
}

Reply RestRouter::update(const Request &request, const Resource &resource, const QString &id)
{
    const qsizetype index = m_db->indexOf(resource.name, id);
    if (index < 0)
        return notFound(resource, id);
    const Record current = resource.records.at(index);
    if (ifMatchFails(request.header("if-match"), etagOf(current.toJson())))
        return preconditionFailed(current);
    Reply failure;
    std::optional<Record> body = parseBody(request, &failure);
    if (!body)
        return failure;
    const QJsonValue currentId = current.value(u"id");
    if (const QJsonValue asked = body->value(u"id"); !asked.isUndefined() && js::toString(asked) != js::toString(currentId))
        return validationFailed(QStringLiteral("id"), QStringLiteral("cannot change from %1 to %2")
                                                          .arg(js::toString(currentId), QString::fromUtf8(toJson(asked))));
    Record next = request.method == "PUT" ? *body : current;
    if (request.method == "PATCH")
        next.assign(*body);
    next.insert(QStringLiteral("id"), currentId); // where the body had it, else last: Object.assign's order
    QString error;
    if (!m_db->replace(resource.name, index, next, &error))
        return Reply::error(500, QStringLiteral("cannot save"), {{QStringLiteral("detail"), error}});
    return withValidator(Reply::json(200, next.toJson()), request);
}

Reply RestRouter::destroy(const Request &request, const Resource &resource, const QString &id)
{
    const qsizetype index = m_db->indexOf(resource.name, id);
    if (index < 0)
        return notFound(resource, id);
    const Record &current = resource.records.at(index);
    if (ifMatchFails(request.header("if-match"), etagOf(current.toJson())))
        return preconditionFailed(current);
    QString error;
    if (!m_db->remove({{resource.name, {index}}}, &error))
        return Reply::error(500, QStringLiteral("cannot save"), {{QStringLiteral("detail"), error}});
    // Like json-server, also remove what pointed at it: deleting a post deletes its comments (one level deep).
    if (const auto dangling = danglingRecords(); !dangling.isEmpty() && !m_db->remove(dangling, &error))
        return Reply::error(500, QStringLiteral("cannot save"), {{QStringLiteral("detail"), error}});
    return Reply::json(200, "{}");
}

Reply RestRouter::singular(const Request &request, const Resource &resource)
{
    if (isRead(request))
        return withValidator(Reply::json(200, resource.object.toJson()), request);
    const QByteArray &method = request.method;
    if (method != "POST" && method != "PUT" && method != "PATCH")
        return Reply::error(404, QStringLiteral("not found"), {{QStringLiteral("path"), request.path}});
    if (ifMatchFails(request.header("if-match"), etagOf(resource.object.toJson())))
        return preconditionFailed(resource.object);
    Reply failure;
    std::optional<Record> body = parseBody(request, &failure);
    if (!body)
        return failure;
    Record next = *body;
    if (method == "PATCH") {
        next = resource.object;
        next.assign(*body);
    }
    QString error;
    if (!m_db->setObject(resource.name, next, &error))
        return Reply::error(500, QStringLiteral("cannot save"), {{QStringLiteral("detail"), error}});
    Reply reply = Reply::json(method == "POST" ? 201 : 200, next.toJson());
    if (method == "POST") {
        reply.headers.emplaceBack("Location", request.origin.toUtf8() + QUrl::toPercentEncoding(request.path, "/"));
        reply.headers.emplaceBack("Access-Control-Expose-Headers", "Location");
    }
    return withValidator(reply, request);
}

Record RestRouter::withRelations(const Resource &resource, Record record, const QueryItems &query) const
{
    // _embed=comments: the comments whose postId equals this post's id (same type, as _.matches compares).
    const QJsonValue id = record.value(u"id");
    const QString foreignKey = singularOf(resource.name) + QStringLiteral("Id");
    for (const QString &name : allValues(query, u"_embed")) {
        QList<Record> children;
        QJsonArray values;
        if (const Resource *other = m_db->resource(name); other && !other->singular) {
            for (const Record &child : other->records) {
                const QJsonValue key = child.value(foreignKey);
                if (!key.isUndefined() && key == id) {
                    children.append(child);
                    values.append(toObject(child));
                }
            }
        }
        record.insert(Record::Member{name, values, arrayOf(children)});
    }
    // _expand=user: the user named by this record's userId.
    for (const QString &name : allValues(query, u"_expand")) {
        const Resource *other = m_db->resource(pluralOf(name));
        const QJsonValue key = record.value(QString(name + QStringLiteral("Id")));
        if (!other || other->singular || key.isUndefined() || key.isNull())
            continue;
        const qsizetype index = m_db->indexOf(other->name, js::toString(key));
        if (index < 0) {
            record.remove(name);
            continue;
        }
        const Record &parent = other->records.at(index);
        record.insert(Record::Member{name, toObject(parent), parent.toJson()});
    }
    return record;
}

QJsonValue RestRouter::nextId(const Resource &resource)
{
    // json-server's createId: one more than the largest id when that is a number, else a 7-character nanoid.
    QJsonValue largest(QJsonValue::Undefined);
    for (const Record &record : resource.records) {
        const QJsonValue id = record.value(u"id");
        if (id.isUndefined() || id.isNull())
            continue;
        if (largest.isUndefined() || js::greater(id, largest))
            largest = id;
    }
    if (largest.isUndefined())
        return 1;
    if (largest.isDouble() && std::isfinite(largest.toDouble())) {
        const QJsonValue next = largest.toDouble() + 1;
        if (m_db->indexOf(resource.name, js::toString(next)) < 0)
            return next;
    }
    static const char alphabet[] = "useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict";
    for (;;) {
        QString id;
        for (int i = 0; i < 7; ++i)
            id += QLatin1Char(alphabet[m_random->bounded(64)]);
        if (m_db->indexOf(resource.name, id) < 0)
            return id;
    }
}

QHash<QString, QList<qsizetype>> RestRouter::danglingRecords() const
{
    QHash<QString, QSet<QString>> idsOf; // per referenced collection, filled when first needed
    auto exists = [&](const Resource &target, const QString &id) {
        auto it = idsOf.find(target.name);
        if (it == idsOf.end()) {
            QSet<QString> ids;
            for (const Record &r : target.records) {
                if (const QJsonValue v = r.value(u"id"); !v.isUndefined() && !v.isNull())
                    ids.insert(js::toString(v));
            }
            it = idsOf.insert(target.name, ids);
        }
        return it->contains(id);
    };
    QHash<QString, QList<qsizetype>> dangling;
    for (const Resource &resource : m_db->resources()) {
        if (resource.singular)
            continue;
        for (qsizetype i = 0; i < resource.records.size(); ++i) {
            for (const Record::Member &m : resource.records.at(i).members()) {
                if (m.key.size() <= 2 || !m.key.endsWith(u"Id") || m.value.isNull() || m.value.isUndefined())
                    continue;
                const QString targetName = pluralOf(m.key.chopped(2));
                const Resource *target = m_db->resource(targetName);
                if (target && target->name == targetName && !target->singular && !exists(*target, js::toString(m.value))) {
                    dangling[resource.name].append(i);
                    break;
                }
            }
        }
    }
    return dangling;
}

} // namespace refetch::sampleapi
