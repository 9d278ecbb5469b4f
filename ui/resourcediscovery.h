#pragma once

#include "core/json.h"
#include "core/queryoptions.h"

#include <QCoreApplication>
#include <QStringList>

namespace refetch {

class Endpoint;

// Finds the resources an endpoint serves, where the server tells: the GET paths without parameters of an
// OpenAPI document at /openapi.json, else the keys of json-server's /db that hold arrays. The answer is a query
// like any other ([endpoint, "$resources"]), so it is cached, deduplicated and refetched by the core.
class ResourceDiscovery
{
    Q_DECLARE_TR_FUNCTIONS(ResourceDiscovery)
public:
    // The discovery query of `endpoint` (which must outlive it). Its data: {"source": "openapi"|"db",
    // "resources": ["posts", ...]}.
    static QueryOptions query(const Endpoint *endpoint);
    static QueryKey key(const QString &endpointName);

    // The resources in the query's data.
    static QStringList resources(const Json &data);
    static QString source(const Json &data);

    // Collections of an OpenAPI 3 (or Swagger 2) document: paths with a GET and no "{parameter}", in order.
    static QStringList fromOpenApi(const Json &document);
    // json-server's /db: the members whose value is an array, in order.
    static QStringList fromDb(const Json &db);
};

} // namespace refetch
