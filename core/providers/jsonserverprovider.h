#pragma once

#include "dataprovider.h"

namespace refetch {

// json-server 0.17 (and Refine's simple-rest, and the built-in sample API): _page/_limit or _start/_end,
// _sort/_order, q, plain arrays with X-Total-Count and Link, GET /posts?id=1&id=2 for several records.
class JsonServerProvider : public DataProvider
{
public:
    static inline const QString Dialect = QStringLiteral("json-server");
    explicit JsonServerProvider(ProviderOptions options = {});

    QString dialect() const override { return Dialect; }
    QString displayName() const override;
    HttpRequest listRequest(const Endpoint &endpoint, const QString &resource, const ListParams &params) const override;
    std::optional<std::pair<QString, QUrlQuery>> manyRequest(const QString &resource, const QList<Json> &ids) const override;

protected:
    // json-server 0.17 (and the built-in sample API): field, field_ne, field_gte, field_lte, field_like (a
    // regular expression: contains and starts with); > and < as _gte and _ne together; one of as the field repeated.
    QList<std::pair<QString, QString>> conditionParams(const QString &resource, const FilterCondition &c,
                                                       QString *error) const override;
    bool repeatsAreAnd(const QString &name) const override;
};

} // namespace refetch
