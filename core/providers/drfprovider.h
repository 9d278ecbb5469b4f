#pragma once

#include "dataprovider.h"

namespace refetch {

// Django REST framework: {"count", "next", "previous", "results"} with page/page_size, limit/offset or a cursor
// (a "next" link to follow), ordering=-field, search=, django-filter's field=value and id__in=1,2, record URLs
// with a trailing slash, field errors as {"field": ["message"], "non_field_errors": [...]}.
class DrfProvider : public DataProvider
{
public:
    static inline const QString Dialect = QStringLiteral("drf");
    explicit DrfProvider(ProviderOptions options = {});

    QString dialect() const override { return Dialect; }
    QString displayName() const override;
    HttpRequest listRequest(const Endpoint &endpoint, const QString &resource, const ListParams &params) const override;
    ListPage parseList(const Json &body, const Json &meta, const ListParams &params) const override;
    std::optional<std::pair<QString, QUrlQuery>> manyRequest(const QString &resource, const QList<Json> &ids) const override;

protected:
    // django-filter's lookups: field, field__gt, __gte, __lt, __lte, __icontains, __istartswith, __in, __isnull.
    QList<std::pair<QString, QString>> conditionParams(const QString &resource, const FilterCondition &c,
                                                       QString *error) const override;
};

} // namespace refetch
