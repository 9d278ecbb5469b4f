#pragma once

#include "core/json/json.h"
#include "core/client/queryoptions.h"
#include "core/cache/tag.h"

#include <QString>

namespace refetch {

// The tags of one REST resource, on one endpoint or on all of them: Refine's invalidation scopes (list, many,
// detail, resourceAll, all) for mutations, and the tags that list and detail queries provide to match them.
//
// Naming, so that every scope is one tag-index lookup and an endpoint never reaches into another:
//   type "rest:<endpoint>/<resource>" and, for the same entries, "rest:*/<resource>" (any endpoint); the endpoint
//   name is percent-encoded, so it holds no '/' and never reads "*";
//   ids: the record's id (integers stay integers), "*list" for a list query; a string id that starts with '*'
//   gets one more, so no record can pass for a list;
//   bare types "rest:<endpoint>" and "rest:*", provided by every entry, for `all`.
class ResourceTags
{
public:
    ResourceTags() = default;
    // An empty endpoint: scopes match every endpoint, and providers use the "default" one.
    explicit ResourceTags(const QString &resource, const QString &endpoint = {},
                          const QString &idField = QStringLiteral("id"));

    const QString &resource() const { return m_resource; }
    const QString &endpoint() const { return m_endpoint; }
    const QString &idField() const { return m_idField; }
    bool isOnAnyEndpoint() const { return m_endpoint.isEmpty(); }
    ResourceTags onEndpoint(const QString &endpoint) const { return ResourceTags(m_resource, endpoint, m_idField); }

    // Scopes: what to invalidate. Combine them: client.invalidateTags(posts.list() + posts.detail(7)).
    TagList list() const;                          // every list query of the resource
    TagList detail(const Json &id) const;          // every entry that holds record `id`: its detail, lists with it
    TagList many(const QList<Json> &ids) const;    // the same for several records
    TagList resourceAll() const;                   // everything of the resource
    static TagList all(const QString &endpoint = {}); // everything of an endpoint, or of every endpoint

    // The one tag that finds every cached list and detail holding record `id` (through the tag index).
    Tag recordTag(const Json &id) const;

    // What queries provide (always on a concrete endpoint).
    TagList listTags(const Json &data) const;      // list tag + one per record in the array or {"data":[...]}
    TagList detailTags(const Json &id) const;
    // Fills options.tags and options.tagsFrom (kept: whatever they held is added to) for a list query.
    void provideList(QueryOptions &options) const;
    // Fills options.tags for the detail query of record `id`.
    void provideDetail(QueryOptions &options, const Json &id) const;

    // The records of list data: the array itself, or an envelope's "data" array; Undefined for anything else.
    static Json records(const Json &listData);
    // Whether two ids name the same record (7 == "7", as in tags and REST paths).
    static bool sameId(const Json &a, const Json &b);

private:
    QString providerEndpoint() const;
    static QString typeName(const QString &endpointPart, const QString &resource);
    static QString endpointPart(const QString &endpoint);
    static Tag idTag(const QString &type, const Json &id);
    TagList fixedTags() const;

    QString m_resource;
    QString m_endpoint;
    QString m_idField = QStringLiteral("id");
};

} // namespace refetch
