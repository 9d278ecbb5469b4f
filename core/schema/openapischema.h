#pragma once

#include "core/schema/resourceschema.h"

#include <QHash>

namespace refetch {

// The resources' fields an OpenAPI 3.0 / 3.1 or Swagger 2.0 document describes (FastAPI's /openapi.json, DRF's
// schema view, Directus, Strapi's documentation plugin).
//
// A resource is a collection path ("/posts", "/api/posts/") whose GET answers its records; its record schema is
// what GET of one record ("/posts/{id}") answers (else the items of the list, or of the list envelope's array),
// and its input schema is POST's request body on the collection. A field of the record schema that the input
// schema leaves out (an id, a server-set timestamp) is read-only, as is one marked readOnly; "required" is the
// input's required list (a create must give the field). $ref (local, with cycles cut), allOf (merged), and
// the forms of "nullable" (3.0's nullable, 3.1's type lists and {"type": "null"} in anyOf/oneOf, Swagger's
// x-nullable) are resolved; a reference to another resource comes from an x-reference / x-ref hint or from a
// $ref to a schema that is itself a resource's record schema.
class OpenApiSchema
{
public:
    // Schemas by resource name (named as ApiDetector names them: the collection path without its slashes, relative
    // to the document's base path); empty, with a sentence in *error, when `document` is not an OpenAPI or Swagger
    // document.
    static QHash<QString, ResourceSchema> read(const Json &document, QString *error = nullptr);
    // The resource a collection path names ("/posts/" is "posts"); empty for a path with parameters or the
    // document's own (docs, openapi.json, swagger).
    static QString resourceOfPath(QStringView path);
};

} // namespace refetch
