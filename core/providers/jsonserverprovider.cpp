#include "jsonserverprovider.h"

#include "core/http/endpoint.h"

using namespace Qt::StringLiterals;

namespace refetch {

JsonServerProvider::JsonServerProvider(ProviderOptions options) : DataProvider(std::move(options))
{
    if (m_options.paging == Paging::Cursor || m_options.paging == Paging::Range)
        m_options.paging = Paging::PageNumber;
}

QString JsonServerProvider::displayName() const
{
    return tr("json-server 0.17");
}

HttpRequest JsonServerProvider::listRequest(const Endpoint &endpoint, const QString &resource, const ListParams &params) const
{
    QUrlQuery q;
    switch (paging(resource)) {
    case Paging::Offset:
        q.addQueryItem(m_options.pageParam.isEmpty() ? u"_start"_s : m_options.pageParam, QString::number(params.offset));
        q.addQueryItem(m_options.sizeParam.isEmpty() ? u"_end"_s : m_options.sizeParam,
                       QString::number(params.offset + params.pageSize));
        break;
    case Paging::None:
        break;
    default:
        q.addQueryItem(m_options.pageParam.isEmpty() ? u"_page"_s : m_options.pageParam, QString::number(params.page));
        q.addQueryItem(m_options.sizeParam.isEmpty() ? u"_limit"_s : m_options.sizeParam, QString::number(params.pageSize));
        break;
    }
    if (!params.sort.isEmpty()) {
        q.addQueryItem(u"_sort"_s, params.sort);
        q.addQueryItem(u"_order"_s, params.order == Qt::AscendingOrder ? u"asc"_s : u"desc"_s);
    }
    if (!params.search.isEmpty())
        q.addQueryItem(u"q"_s, params.search);
    for (const auto &[name, value] : params.filters)
        q.addQueryItem(name, value);
    return endpoint.request("GET", listPath(resource), q);
}

std::optional<std::pair<QString, QUrlQuery>> JsonServerProvider::manyRequest(const QString &resource, const QList<Json> &ids) const
{
    QUrlQuery q;
    for (const Json &id : ids)
        q.addQueryItem(idField(), idText(id));
    return std::make_pair(listPath(resource), q);
}

} // namespace refetch
