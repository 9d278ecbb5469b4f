#include "jsonserver1provider.h"

#include "core/http/endpoint.h"

using namespace Qt::StringLiterals;

namespace refetch {

JsonServer1Provider::JsonServer1Provider(ProviderOptions options) : DataProvider(std::move(options))
{
    if (m_options.paging == Paging::Cursor || m_options.paging == Paging::Range)
        m_options.paging = Paging::PageNumber;
}

QString JsonServer1Provider::displayName() const
{
    return tr("json-server 1.x");
}

bool JsonServer1Provider::canSearch(const QString &resource) const
{
    const ResourceInfo *info = resourceInfo(resource);
    return info && info->searchKnown && !info->searchParam.isEmpty();
}

HttpRequest JsonServer1Provider::listRequest(const Endpoint &endpoint, const QString &resource, const ListParams &params) const
{
    QUrlQuery q;
    switch (paging(resource)) {
    case Paging::Offset:
        q.addQueryItem(u"_start"_s, QString::number(params.offset));
        q.addQueryItem(u"_end"_s, QString::number(params.offset + params.pageSize));
        break;
    case Paging::None:
        break;
    default:
        q.addQueryItem(m_options.pageParam.isEmpty() ? u"_page"_s : m_options.pageParam, QString::number(params.page));
        q.addQueryItem(m_options.sizeParam.isEmpty() ? u"_per_page"_s : m_options.sizeParam, QString::number(params.pageSize));
        break;
    }
    if (!params.sort.isEmpty())
        q.addQueryItem(u"_sort"_s, params.order == Qt::AscendingOrder ? params.sort : u'-' + params.sort);
    if (!params.search.isEmpty() && canSearch(resource))
        q.addQueryItem(resourceInfo(resource)->searchParam, params.search);
    for (const auto &[name, value] : params.filters)
        q.addQueryItem(name, value);
    return endpoint.request("GET", listPath(resource), q);
}

ListPage JsonServer1Provider::parseList(const Json &body, const Json &meta, const ListParams &params) const
{
    Q_UNUSED(params)
    ListPage page = readEnvelope(body, meta, QString(), u"items"_s);
    if (body.isObject() && body.contains(u"next")) {
        // "next" is a page number here, or null on the last page.
        const Json next = body.value(u"next");
        page.next = next.isNull() ? Json(nullptr) : Json(QString::fromUtf8(next.toJson()));
    }
    return page;
}

std::optional<std::pair<QString, QUrlQuery>> JsonServer1Provider::manyRequest(const QString &resource, const QList<Json> &ids) const
{
    // 1.x ignores a repeated id=: no request fetches several records.
    Q_UNUSED(resource)
    Q_UNUSED(ids)
    return std::nullopt;
}

} // namespace refetch
