#pragma once

#include "dataprovider.h"

namespace refetch {

// json-server 1.x: _page/_per_page answered with {"first", "prev", "next", "last", "pages", "items", "data"},
// _sort=-field, conditions as field_gt=...; no full-text search.
class JsonServer1Provider : public DataProvider
{
public:
    static inline const QString Dialect = QStringLiteral("json-server-1");
    explicit JsonServer1Provider(ProviderOptions options = {});

    QString dialect() const override { return Dialect; }
    QString displayName() const override;
    bool canSearch(const QString &resource) const override;
    HttpRequest listRequest(const Endpoint &endpoint, const QString &resource, const ListParams &params) const override;
    ListPage parseList(const Json &body, const Json &meta, const ListParams &params) const override;
    std::optional<std::pair<QString, QUrlQuery>> manyRequest(const QString &resource, const QList<Json> &ids) const override;
    bool sendsEmptyRows(FilterOp op) const override { return op == FilterOp::Equals; }

protected:
    // json-server 1.x: field, field_ne, field_gt, _gte, _lt, _lte, numbers read as whole numbers.
    QList<std::pair<QString, QString>> conditionParams(const QString &resource, const FilterCondition &c,
                                                       QString *error) const override;
    bool opSuitsField(FilterOp op, const FilterField &field) const override;
};

} // namespace refetch
