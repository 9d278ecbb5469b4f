#include "drfprovider.h"

#include "core/endpoint.h"

using namespace Qt::StringLiterals;

namespace refetch {

DrfProvider::DrfProvider(ProviderOptions options) : DataProvider(std::move(options))
{
    m_options.trailingSlash = true;
    if (m_options.paging == Paging::Range)
        m_options.paging = Paging::PageNumber;
}

QString DrfProvider::displayName() const
{
    return tr("Django REST framework");
}

HttpRequest DrfProvider::listRequest(const Endpoint &endpoint, const QString &resource, const ListParams &params) const
{
    const Paging kind = paging(resource);
    if (kind == Paging::Cursor && params.page > 1 && params.next.isValid()) {
        // The cursor link carries the page size, ordering, search and filters of the first page.
        HttpRequest r = endpoint.request("GET", listPath(resource));
        r.url = params.next;
        return r;
    }
    QUrlQuery q;
    switch (kind) {
    case Paging::PageNumber:
        q.addQueryItem(m_options.pageParam.isEmpty() ? u"page"_s : m_options.pageParam, QString::number(params.page));
        q.addQueryItem(m_options.sizeParam.isEmpty() ? u"page_size"_s : m_options.sizeParam, QString::number(params.pageSize));
        break;
    case Paging::Offset:
        q.addQueryItem(m_options.pageParam.isEmpty() ? u"offset"_s : m_options.pageParam, QString::number(params.offset));
        q.addQueryItem(m_options.sizeParam.isEmpty() ? u"limit"_s : m_options.sizeParam, QString::number(params.pageSize));
        break;
    case Paging::Cursor:
        q.addQueryItem(m_options.sizeParam.isEmpty() ? u"page_size"_s : m_options.sizeParam, QString::number(params.pageSize));
        break;
    default:
        break;
    }
    if (!params.sort.isEmpty())
        q.addQueryItem(u"ordering"_s, params.order == Qt::AscendingOrder ? params.sort : u'-' + params.sort);
    if (!params.search.isEmpty() && canSearch(resource))
        q.addQueryItem(u"search"_s, params.search);
    for (const auto &[name, value] : params.filters)
        q.addQueryItem(name, value);
    return endpoint.request("GET", listPath(resource), q);
}

ListPage DrfProvider::parseList(const Json &body, const Json &meta, const ListParams &params) const
{
    Q_UNUSED(params)
    if (body.isArray())
        return readEnvelope(body, meta, QString(), QString());   // no paging class: the whole list
    ListPage page = readEnvelope(body, meta, u"results"_s, u"count"_s);
    if (body.contains(u"next")) {
        const Json next = body.value(u"next");
        page.next = next.isString() && !next.toString().isEmpty() ? next : Json(nullptr);
    }
    return page;
}

std::optional<std::pair<QString, QUrlQuery>> DrfProvider::manyRequest(const QString &resource, const QList<Json> &ids) const
{
    QStringList texts;
    for (const Json &id : ids)
        texts.append(idText(id));
    QUrlQuery q;
    q.addQueryItem(idField() + u"__in"_s, texts.join(u','));
    return std::make_pair(listPath(resource), q);
}

} // namespace refetch
