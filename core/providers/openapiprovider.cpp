#include "openapiprovider.h"

using namespace Qt::StringLiterals;

namespace refetch {

OpenApiProvider::OpenApiProvider(ProviderOptions options) : DataProvider(std::move(options))
{
}

QString OpenApiProvider::displayName() const
{
    return tr("OpenAPI (FastAPI and others)");
}

bool OpenApiProvider::canSort(const QString &resource, const QString &field) const
{
    // Only what the document declares: a parameter the server does not know is ignored, and the list would
    // claim an order it does not have.
    const ResourceInfo *info = resourceInfo(resource);
    if (!info || info->sortParam.isEmpty())
        return false;
    return !info->sortKnown || info->sortFields.contains(field);
}

bool OpenApiProvider::canSearch(const QString &resource) const
{
    const ResourceInfo *info = resourceInfo(resource);
    return info && !info->searchParam.isEmpty();
}

ListPage OpenApiProvider::parseList(const Json &body, const Json &meta, const ListParams &params) const
{
    Q_UNUSED(params)
    ListPage page = readEnvelope(body, meta, body.isObject() && body.value(u"items").isArray() ? u"items"_s : QString(),
                                 u"total"_s);
    if (body.isObject() && body.value(u"next").isString())
        page.next = body.value(u"next");
    return page;
}

std::optional<std::pair<QString, QUrlQuery>> OpenApiProvider::manyRequest(const QString &resource,
                                                                         const QList<Json> &ids) const
{
    const ResourceInfo *info = resourceInfo(resource);
    if (!info || info->manyParam.isEmpty())
        return std::nullopt;
    QUrlQuery q;
    for (const Json &id : ids)
        q.addQueryItem(info->manyParam, idText(id));
    // All of them on one page, where the list is paged by a size it declares.
    if (!info->sizeParam.isEmpty())
        q.addQueryItem(info->sizeParam, QString::number(info->maxPageSize > 0 ? std::min<qsizetype>(ids.size(), info->maxPageSize)
                                                                               : ids.size()));
    return std::make_pair(listPath(resource), q);
}

} // namespace refetch
