#pragma once

#include "dataprovider.h"

namespace refetch {

// An API described by an OpenAPI document, such as FastAPI's: each list's paging, sort and search parameters
// are the ones its operation declares (skip/limit, offset/limit, page/size; order_by or sort with the values
// the document allows; q or search), read by detection into ProviderOptions::resources. Lists are plain arrays
// or an envelope (fastapi-pagination's {"items", "total"}); field errors come as pydantic's
// {"detail": [{"loc": ["body", "title"], "msg": ...}]}.
class OpenApiProvider : public DataProvider
{
public:
    static inline const QString Dialect = QStringLiteral("openapi");
    explicit OpenApiProvider(ProviderOptions options = {});

    QString dialect() const override { return Dialect; }
    QString displayName() const override;
    bool canSort(const QString &resource, const QString &field) const override;
    bool canSearch(const QString &resource) const override;
    ListPage parseList(const Json &body, const Json &meta, const ListParams &params) const override;
    // Where the list declares a parameter taking several ids (ResourceInfo::manyParam): ?id=1&id=2.
    std::optional<std::pair<QString, QUrlQuery>> manyRequest(const QString &resource, const QList<Json> &ids) const override;
};

} // namespace refetch
