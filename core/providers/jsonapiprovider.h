#pragma once

#include "dataprovider.h"

namespace refetch {

// JSON:API (jsonapi.org): {"data": [{"type", "id", "attributes", "relationships"}], "meta", "links"}, shown
// flat ({"id", ...attributes, relation: its id or ids}); page[offset]/page[limit] or page[number]/page[size];
// sort=-field; filter[field]=value; writes as {"data": {"type", "id", "attributes", "relationships"}} with
// application/vnd.api+json; errors as {"errors": [{"source": {"pointer": "/data/attributes/title"}, "detail"}]}.
class JsonApiProvider : public DataProvider
{
public:
    static inline const QString Dialect = QStringLiteral("jsonapi");
    explicit JsonApiProvider(ProviderOptions options = {});

    QString dialect() const override { return Dialect; }
    QString displayName() const override;
    bool canSearch(const QString &resource) const override;
    HttpRequest listRequest(const Endpoint &endpoint, const QString &resource, const ListParams &params) const override;
    ListPage parseList(const Json &body, const Json &meta, const ListParams &params) const override;
    Json parseRecord(const Json &body) const override;
    Json writeBody(const QString &resource, const Json &fields, const Json &id) const override;
    HttpHeaders writeHeaders() const override;
    HttpHeaders readHeaders() const override;
    std::optional<std::pair<QString, QUrlQuery>> manyRequest(const QString &resource, const QList<Json> &ids) const override;

    // One resource object made flat.
    static Json flatten(const Json &resourceObject);

    // The to-one relationships of a resource object: field -> the related type.
    static QMap<QString, QString> relationsOf(const Json &resourceObject);

private:
    QString typeOf(const QString &resource) const;
    // Relationships seen in answers, by record type (field -> related type): a write puts those fields under
    // "relationships", as {"data": {"type", "id"}}, not among the attributes.
    void noteRelations(const Json &resourceObject) const;
    mutable QHash<QString, QMap<QString, QString>> m_relations;

protected:
    // filter[field]=value, and the parameter repeated for one of (the spec leaves filters to each server; its
    // recommendations and Fortune read this).
    QList<std::pair<QString, QString>> conditionParams(const QString &resource, const FilterCondition &c,
                                                       QString *error) const override;
};

} // namespace refetch
