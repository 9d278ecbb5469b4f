#include "core/schema/schemaquery.h"

#include "core/http/endpoint.h"
#include "core/http/httptransport.h"
#include "core/providers/apidetector.h"
#include "core/providers/dataprovider.h"
#include "core/providers/drfprovider.h"
#include "core/schema/drfmetadata.h"
#include "core/schema/openapischema.h"

#include <QNetworkReply>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

// A server's description changes with its code, not with its data: asked again after ten minutes, or on reconnect.
void describeFreshness(QueryOptions &o)
{
    o.staleTime = std::chrono::minutes(10);
    o.gcTime = std::chrono::hours(1);
    o.refetchOnWindowFocus = FocusRefetch::Never;
}

// An answer that is not a description (a 404, a 405 for OPTIONS, a document that is no OpenAPI) is "nothing
// described", not a failure: the form falls back to inference. Only an unreachable server is an error (retried).
bool unreachable(const FetchResult &r)
{
    return r.error && r.error->kind != QueryError::Kind::Http && r.error->kind != QueryError::Kind::Parse;
}

} // namespace

QueryKey SchemaQuery::documentKey(const QString &endpointName)
{
    return QueryKey{endpointName, "$schema"};
}

QueryKey SchemaQuery::optionsKey(const QString &endpointName, const QString &resource)
{
    return QueryKey{endpointName, "$schema", resource};
}

QueryOptions SchemaQuery::query(const Endpoint &endpoint, const DetectedApi &api, const QString &resource)
{
    QueryOptions o;
    describeFreshness(o);
    if (!api.schemaPath.isEmpty()) {
        // One document for every resource: each form selects its own.
        o.key = documentKey(endpoint.name());
        const QString path = api.schemaPath;
        o.fn = [endpoint, path](const QueryFnContext &ctx) {
            const HttpRequest request = endpoint.request("GET", path);
            HttpTransport::sendFor(ctx, endpoint.transport(), request, endpoint.config().limits,
                                   [ctx, limits = endpoint.config().limits](QNetworkReply *reply) {
                const FetchResult r = HttpTransport::readJson(reply, limits);
                if (unreachable(r))
                    return ctx.reject(*r.error);
                Json out = Json::object({});
                if (!r.error) {
                    const QHash<QString, ResourceSchema> schemas = OpenApiSchema::read(r.data);
                    for (auto it = schemas.cbegin(); it != schemas.cend(); ++it)
                        out = out.withValue(it.key(), it->toJson());
                }
                ctx.resolve(out);
            });
        };
        o.select = [resource](const Json &data) { return data.value(resource); };
        return o;
    }
    o.key = optionsKey(endpoint.name(), resource);
    if (api.dialect != DrfProvider::Dialect || !endpoint.provider()) {
        o.enabled = false;
        return o;
    }
    const QString path = endpoint.provider()->listPath(resource);
    o.fn = [endpoint, path, resource](const QueryFnContext &ctx) {
        const HttpRequest request = endpoint.request("OPTIONS", path);
        HttpTransport::sendFor(ctx, endpoint.transport(), request, endpoint.config().limits,
                               [ctx, resource, limits = endpoint.config().limits](QNetworkReply *reply) {
            const FetchResult r = HttpTransport::readJson(reply, limits);
            if (unreachable(r))
                return ctx.reject(*r.error);
            ctx.resolve(r.error ? Json::object({}) : DrfMetadata::read(r.data, resource).toJson());
        });
    };
    return o;
}

ResourceSchema SchemaQuery::schemaOf(const Json &data)
{
    return data.isObject() ? ResourceSchema::fromJson(data) : ResourceSchema();
}

} // namespace refetch
