#pragma once

#include "dataprovider.h"

#include "core/cache/querykey.h"

#include <QCoreApplication>

namespace refetch {

// What detection found out about a server: its dialect, the provider's options (paging, rows path, parameters
// per resource), its resources, and a sentence for Settings ("Django REST framework · page-number paging ·
// 250 posts"). Plain data: it is the detection query's data, cached and persisted like any other.
struct DetectedApi
{
    QString dialect;             // DataProvider::dialects()
    ProviderOptions options;
    QStringList resources;
    QString source;              // where the resources came from: "db", "openapi", "api-root", "hal", "jsonapi", "settings"
    QString schemaPath;          // where the OpenAPI document describing them is ("/openapi.json"); empty: none found
    QString summary;
    QStringList notes;           // what a person should know (a guess made, paging not found, ...)

    Json toJson() const;
    static DetectedApi fromJson(const Json &json);
    // The summary line, from the rest.
    QString describe() const;
};

// What the user fixed in Settings, which detection takes as given.
struct DetectionHints
{
    QString dialect;             // empty: detect
    QStringList resources;       // empty: detect
    QString rowsPath;
};

// Finds out, from the base URL alone and in as few requests as it can, which dialect a server speaks and what it
// serves: json-server's /db, an OpenAPI document (/openapi.json, then /docs/openapi.json, /swagger.json,
// /api-docs, ...), Django REST framework's API root, a HAL root with _links, a JSON:API document; then one list
// request for the first resource says its paging, envelope and total. The answer is a query
// ([endpoint, "$api"]), so it is cached, deduplicated, persisted and shown in the inspector like any other.
class ApiDetector
{
    Q_DECLARE_TR_FUNCTIONS(ApiDetector)
public:
    static QueryKey key(const QString &endpointName);
    // The detection query of `endpoint` (copied: the fetch may outlive it). Its data: DetectedApi::toJson().
    static QueryOptions query(const Endpoint &endpoint, DetectionHints hints = {});

    // The parts, for tests and for Settings.
    // json-server's /db: the members whose value is an array, in order.
    static QStringList fromDb(const Json &db);
    // The collections of an OpenAPI 3 / Swagger 2 document (GET paths without a "{parameter}"), with the paging,
    // sort and search parameters each declares.
    static QList<ResourceInfo> fromOpenApi(const Json &document, Paging *paging = nullptr);
    // Django REST framework's API root: {"posts": "http://host/posts/", ...}, links on `base`'s server.
    static QStringList fromApiRoot(const Json &root, const QUrl &base);
    // A HAL root's _links (less self, profile, curies).
    static QStringList fromHal(const Json &root);
    // What one list answer says about paging, envelope and total; fills api.options and notes.
    static void readListAnswer(const Json &body, const Json &meta, const QString &resource, DetectedApi &api);
};

} // namespace refetch
