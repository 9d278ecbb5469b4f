#pragma once

#include "core/client/queryoptions.h"
#include "core/schema/resourceschema.h"

namespace refetch {

class Endpoint;
struct DetectedApi;

// A resource's schema as a query, so that it is asked for once however many forms want it, cached and persisted
// with the rest, and shown in the inspector. Where it comes from depends on what detection found: the OpenAPI
// document (one query per endpoint, [endpoint, "$schema"], holding every resource's schema: one request for all),
// else Django REST framework's OPTIONS on the resource's list ([endpoint, "$schema", resource]). A server that
// describes nothing gets no request (the query is disabled) and the form infers from values as before.
class SchemaQuery
{
public:
    // The query of `resource`'s schema; observe it and read schemaOf(observer.data()). `endpoint` is copied (the
    // fetch may outlive it).
    static QueryOptions query(const Endpoint &endpoint, const DetectedApi &api, const QString &resource);
    // The resource's schema from the query's data; empty while none is known.
    static ResourceSchema schemaOf(const Json &data);
    // The keys: the document's, and one resource's OPTIONS.
    static QueryKey documentKey(const QString &endpointName);
    static QueryKey optionsKey(const QString &endpointName, const QString &resource);
};

} // namespace refetch
