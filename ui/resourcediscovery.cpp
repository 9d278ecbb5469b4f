#include "resourcediscovery.h"

#include "core/endpoint.h"
#include "core/httptransport.h"

#include <QJsonArray>
#include <QNetworkReply>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

Json answer(const char *source, const QStringList &resources)
{
    return Json::object({{u"source", Json(source)}, {u"resources", Json(QJsonArray::fromStringList(resources))}});
}

// /db is json-server's; an API that is not json-server answers 404 or something that is not an object of arrays.
void discoverFromDb(const QueryFnContext &ctx, const Endpoint &endpoint)
{
    HttpTransport::sendFor(ctx, endpoint.transport(), endpoint.request("GET", u"/db"_s), endpoint.config().limits,
                           [ctx, limits = endpoint.config().limits](QNetworkReply *reply) {
        FetchResult result = HttpTransport::readJson(reply, limits);
        if (result.error) {
            if (result.error->kind == QueryError::Kind::Http && result.error->httpStatus == 404) {
                QueryError e = *result.error;
                e.kind = QueryError::Kind::Other;
                e.message = ResourceDiscovery::tr("the server lists no resources (it has neither /openapi.json nor "
                                                  "json-server's /db): name them in Settings");
                ctx.reject(e);
            } else {
                ctx.reject(*result.error);
            }
            return;
        }
        const QStringList found = ResourceDiscovery::fromDb(result.data);
        if (found.isEmpty()) {
            QueryError e = QueryError::other(ResourceDiscovery::tr(
                "the server's /db holds no collections: name the resources in Settings"));
            e.method = "GET";
            e.url = QueryError::displayUrl(reply->url());
            ctx.reject(e);
            return;
        }
        ctx.resolve(answer("db", found));
    });
}

} // namespace

QueryKey ResourceDiscovery::key(const QString &endpointName)
{
    return QueryKey{endpointName, "$resources"};
}

QueryOptions ResourceDiscovery::query(const Endpoint *endpoint)
{
    QueryOptions o;
    o.key = key(endpoint->name());
    o.staleTime = std::chrono::minutes(5);
    o.refetchOnWindowFocus = false;
    // A copy of the endpoint (a transport pointer and its settings): the fetch may outlive the connection.
    o.fn = [endpoint = *endpoint](const QueryFnContext &ctx) {
        HttpTransport::sendFor(ctx, endpoint.transport(), endpoint.request("GET", u"/openapi.json"_s),
                               endpoint.config().limits, [ctx, endpoint](QNetworkReply *reply) {
            const FetchResult result = HttpTransport::readJson(reply, endpoint.config().limits);
            if (!result.error) {
                const QStringList found = fromOpenApi(result.data);
                if (!found.isEmpty()) {
                    ctx.resolve(answer("openapi", found));
                    return;
                }
            } else if (result.error->kind != QueryError::Kind::Http && result.error->kind != QueryError::Kind::Parse) {
                // The server cannot be reached: asking for /db would only say it again.
                ctx.reject(*result.error);
                return;
            }
            discoverFromDb(ctx, endpoint);
        });
    };
    return o;
}

QStringList ResourceDiscovery::resources(const Json &data)
{
    QStringList out;
    for (const Json &r : data.value(QByteArrayView("resources"))) {
        if (r.isString())
            out.append(r.toString());
    }
    return out;
}

QString ResourceDiscovery::source(const Json &data)
{
    return data.value(QByteArrayView("source")).toString();
}

QStringList ResourceDiscovery::fromOpenApi(const Json &document)
{
    QStringList out;
    const Json paths = document.value(QByteArrayView("paths"));
    if (!paths.isObject() || (!document.contains(QByteArrayView("openapi")) && !document.contains(QByteArrayView("swagger"))))
        return out;
    for (qsizetype i = 0; i < paths.size(); ++i) {
        const QString path = paths.keyAt(i);
        const Json item = paths.valueAt(i);
        if (!item.isObject() || !item.contains(QByteArrayView("get")) || path.contains(u'{'))
            continue;
        QString name = path;
        while (name.startsWith(u'/'))
            name.remove(0, 1);
        while (name.endsWith(u'/'))
            name.chop(1);
        if (!name.isEmpty() && name != u"openapi.json" && !out.contains(name))
            out.append(name);
    }
    return out;
}

QStringList ResourceDiscovery::fromDb(const Json &db)
{
    QStringList out;
    if (!db.isObject())
        return out;
    for (qsizetype i = 0; i < db.size(); ++i) {
        const QString name = db.keyAt(i);
        if (db.valueAt(i).isArray() && !name.isEmpty() && !out.contains(name))
            out.append(name);
    }
    return out;
}

} // namespace refetch
