#include "drfprovider.h"

#include "core/http/endpoint.h"

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
    // Every pagination class of DRF answers with a "next" link carrying its own parameters (page, offset, cursor)
    // and the page size, ordering, search and filters: following it is right whichever class the view uses.
    if (params.page > 1 && params.next.isValid()) {
        HttpRequest r = endpoint.request("GET", listPath(resource));
        r.url = params.next;
        return r;
    }
    QUrlQuery q;
    const Paging kind = paging(resource);
    if (params.page > 1) {
        // No link to follow (a list cached before, or a server without one): the parameters of its class.
        if (kind == Paging::Offset) {
            q.addQueryItem(m_options.pageParam.isEmpty() ? u"offset"_s : m_options.pageParam, QString::number(params.offset));
        } else {
            q.addQueryItem(m_options.pageParam.isEmpty() ? u"page"_s : m_options.pageParam, QString::number(params.page));
        }
    }
    if (kind != Paging::None) {
        // The first page's size, in the words of PageNumberPagination (page_size, when the view allows it) and of
        // LimitOffsetPagination (limit); each class ignores the other's.
        if (!m_options.sizeParam.isEmpty()) {
            q.addQueryItem(m_options.sizeParam, QString::number(params.pageSize));
        } else {
            q.addQueryItem(u"page_size"_s, QString::number(params.pageSize));
            q.addQueryItem(u"limit"_s, QString::number(params.pageSize));
        }
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
    // All of them on one page, in the words of each pagination class (each ignores the others').
    const QString size = QString::number(ids.size());
    if (!m_options.sizeParam.isEmpty()) {
        q.addQueryItem(m_options.sizeParam, size);
    } else {
        q.addQueryItem(u"page_size"_s, size);
        q.addQueryItem(u"limit"_s, size);
    }
    return std::make_pair(listPath(resource), q);
}

} // namespace refetch
