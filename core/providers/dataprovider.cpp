#include "dataprovider.h"

#include <QJsonObject>

#include "drfprovider.h"
#include "genericprovider.h"
#include "jsonapiprovider.h"
#include "jsonserver1provider.h"
#include "jsonserverprovider.h"
#include "openapiprovider.h"

#include "core/http/endpoint.h"

#include <QJsonArray>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace refetch {

QString pagingName(Paging paging)
{
    switch (paging) {
    case Paging::None: return u"none"_s;
    case Paging::PageNumber: return u"page"_s;
    case Paging::Offset: return u"offset"_s;
    case Paging::Cursor: return u"cursor"_s;
    case Paging::Range: return u"range"_s;
    }
    return u"none"_s;
}

Paging pagingFromName(const QString &name, Paging fallback)
{
    for (Paging p : {Paging::None, Paging::PageNumber, Paging::Offset, Paging::Cursor, Paging::Range}) {
        if (pagingName(p) == name)
            return p;
    }
    return fallback;
}

QString pagingDescription(Paging paging)
{
    switch (paging) {
    case Paging::None: return DataProvider::tr("no paging");
    case Paging::PageNumber: return DataProvider::tr("page-number paging");
    case Paging::Offset: return DataProvider::tr("offset paging");
    case Paging::Cursor: return DataProvider::tr("next-link paging");
    case Paging::Range: return DataProvider::tr("range paging");
    }
    return {};
}

namespace {

Json textOrUndefined(const QString &s)
{
    return s.isEmpty() ? Json() : Json(s);
}

} // namespace

Json ResourceInfo::toJson() const
{
    return Json::object({
        {u"name", Json(name)},
        {u"path", textOrUndefined(path)},
        {u"count", count >= 0 ? Json(count) : Json()},
        {u"sortKnown", sortKnown ? Json(true) : Json()},
        {u"sortFields", sortFields.isEmpty() ? Json() : Json::fromStringList(sortFields)},
        {u"searchKnown", searchKnown ? Json(true) : Json()},
        {u"searchParam", textOrUndefined(searchParam)},
        {u"filterFields", filterFields.isEmpty() ? Json() : Json::fromStringList(filterFields)},
        {u"sortParam", textOrUndefined(sortParam)},
        {u"orderParam", textOrUndefined(orderParam)},
        {u"type", textOrUndefined(type)},
        {u"maxPageSize", maxPageSize > 0 ? Json(maxPageSize) : Json()},
        {u"manyParam", manyParam.isEmpty() ? Json() : Json(manyParam)},
        {u"paging", pagingKnown ? Json(pagingName(paging)) : Json()},
        {u"pageParam", textOrUndefined(pageParam)},
        {u"sizeParam", textOrUndefined(sizeParam)},
    });
}

ResourceInfo ResourceInfo::fromJson(const Json &json)
{
    ResourceInfo r;
    r.name = json.value(u"name").toString();
    r.path = json.value(u"path").toString();
    r.count = json.value(u"count").isNumber() ? json.value(u"count").toInteger() : -1;
    r.sortKnown = json.value(u"sortKnown").toBool();
    r.sortFields = json.value(u"sortFields").toStringList();
    r.searchKnown = json.value(u"searchKnown").toBool();
    r.searchParam = json.value(u"searchParam").toString();
    r.filterFields = json.value(u"filterFields").toStringList();
    r.sortParam = json.value(u"sortParam").toString();
    r.orderParam = json.value(u"orderParam").toString();
    r.type = json.value(u"type").toString();
    r.maxPageSize = int(std::clamp<qint64>(json.value(u"maxPageSize").toInteger(), 0, std::numeric_limits<int>::max()));
    r.manyParam = json.value(u"manyParam").toString();
    r.pagingKnown = json.value(u"paging").isString();
    r.paging = pagingFromName(json.value(u"paging").toString(), Paging::None);
    r.pageParam = json.value(u"pageParam").toString();
    r.sizeParam = json.value(u"sizeParam").toString();
    return r;
}

Json ProviderOptions::toJson() const
{
    QJsonArray list;
    QStringList names = resources.keys();
    names.sort();
    for (const QString &name : names)
        list.append(resources.value(name).toJson().toQJsonValue());
    return Json::object({
        {u"paging", Json(pagingName(paging))},
        {u"pageParam", textOrUndefined(pageParam)},
        {u"sizeParam", textOrUndefined(sizeParam)},
        {u"rowsPath", textOrUndefined(rowsPath)},
        {u"totalPath", textOrUndefined(totalPath)},
        {u"idField", Json(idField)},
        {u"updateMethod", updateMethod.isEmpty() ? Json() : Json(QString::fromLatin1(updateMethod))},
        {u"trailingSlash", trailingSlash ? Json(true) : Json()},
        {u"maxPageSize", maxPageSize > 0 ? Json(maxPageSize) : Json()},
        {u"resources", list.isEmpty() ? Json() : Json(list)},
    });
}

ProviderOptions ProviderOptions::fromJson(const Json &json)
{
    ProviderOptions o;
    o.paging = pagingFromName(json.value(u"paging").toString(), Paging::PageNumber);
    o.pageParam = json.value(u"pageParam").toString();
    o.sizeParam = json.value(u"sizeParam").toString();
    o.rowsPath = json.value(u"rowsPath").toString();
    o.totalPath = json.value(u"totalPath").toString();
    o.idField = json.value(u"idField").toString(u"id"_s);
    if (o.idField.isEmpty())
        o.idField = u"id"_s;
    o.updateMethod = json.value(u"updateMethod").toString().toLatin1();
    o.trailingSlash = json.value(u"trailingSlash").toBool();
    o.maxPageSize = int(json.value(u"maxPageSize").toInteger());
    for (const Json &r : json.value(u"resources")) {
        ResourceInfo info = ResourceInfo::fromJson(r);
        if (!info.name.isEmpty())
            o.resources.insert(info.name, info);
    }
    return o;
}

DataProvider::DataProvider(ProviderOptions options) : m_options(std::move(options))
{
    if (m_options.idField.isEmpty())
        m_options.idField = u"id"_s;
}

DataProvider::~DataProvider() = default;

const ResourceInfo *DataProvider::resourceInfo(const QString &resource) const
{
    auto it = m_options.resources.constFind(resource);
    return it == m_options.resources.cend() ? nullptr : &*it;
}

Paging DataProvider::paging(const QString &resource) const
{
    const ResourceInfo *info = resourceInfo(resource);
    return info && info->pagingKnown ? info->paging : m_options.paging;
}

bool DataProvider::canSort(const QString &resource, const QString &field) const
{
    const ResourceInfo *info = resourceInfo(resource);
    if (info && info->sortKnown)
        return info->sortFields.contains(field);
    return true;
}

bool DataProvider::canSearch(const QString &resource) const
{
    const ResourceInfo *info = resourceInfo(resource);
    if (info && info->searchKnown)
        return !info->searchParam.isEmpty();
    return true;
}

QString DataProvider::pathWithSlash(QString path) const
{
    if (m_options.trailingSlash && !path.endsWith(u'/'))
        path += u'/';
    return path;
}

QString DataProvider::listPath(const QString &resource) const
{
    const ResourceInfo *info = resourceInfo(resource);
    if (info && !info->path.isEmpty())
        return info->path;
    return pathWithSlash(u'/' + resource);
}

QString DataProvider::idText(const Json &id)
{
    return id.isString() ? id.toString() : QString::fromUtf8(id.toJson());
}

QString DataProvider::recordPath(const QString &resource, const Json &id, const Json &record) const
{
    Q_UNUSED(record)
    QString base = listPath(resource);
    if (!base.endsWith(u'/'))
        base += u'/';
    return pathWithSlash(base + QString::fromUtf8(QUrl::toPercentEncoding(idText(id))));
}

QString DataProvider::recordPath(const QUrl &base, const QString &resource, const Json &id, const Json &record) const
{
    QString href = record.value(u"url").toString();
    if (href.isEmpty())
        href = record.value(u"_links").value(u"self").value(u"href").toString();
    if (!href.isEmpty()) {
        const QUrl link = base.resolved(QUrl(href));
        QString basePath = base.path(QUrl::FullyEncoded);
        while (basePath.endsWith(u'/'))
            basePath.chop(1);
        const QString path = link.path(QUrl::FullyEncoded);
        // Only a link on the endpoint's own server and under its path: a record cannot send a write elsewhere.
        if (link.scheme() == base.scheme() && link.host() == base.host() && link.port() == base.port()
            && !link.hasQuery() && path.startsWith(basePath + u'/'))
            return path.mid(basePath.size());
    }
    return recordPath(resource, id, record);
}

QByteArray DataProvider::updateMethod() const
{
    return m_options.updateMethod.isEmpty() ? QByteArray("PATCH") : m_options.updateMethod;
}

Json DataProvider::writeBody(const QString &resource, const Json &fields, const Json &id) const
{
    Q_UNUSED(resource)
    Q_UNUSED(id)
    return fields;
}

std::optional<std::pair<QString, QUrlQuery>> DataProvider::manyRequest(const QString &resource, const QList<Json> &ids) const
{
    Q_UNUSED(resource)
    Q_UNUSED(ids)
    return std::nullopt;
}

HttpRequest DataProvider::listRequest(const Endpoint &endpoint, const QString &resource, const ListParams &params) const
{
    QUrlQuery q;
    const ResourceInfo *info = resourceInfo(resource);
    const QString pageParam = info && !info->pageParam.isEmpty() ? info->pageParam : m_options.pageParam;
    const QString sizeParam = info && !info->sizeParam.isEmpty() ? info->sizeParam : m_options.sizeParam;
    switch (paging(resource)) {
    case Paging::PageNumber:
        q.addQueryItem(pageParam.isEmpty() ? u"page"_s : pageParam, QString::number(params.page));
        q.addQueryItem(sizeParam.isEmpty() ? u"limit"_s : sizeParam, QString::number(params.pageSize));
        break;
    case Paging::Offset:
        q.addQueryItem(pageParam.isEmpty() ? u"offset"_s : pageParam, QString::number(params.offset));
        q.addQueryItem(sizeParam.isEmpty() ? u"limit"_s : sizeParam, QString::number(params.pageSize));
        break;
    case Paging::Cursor:
        if (!sizeParam.isEmpty())
            q.addQueryItem(sizeParam, QString::number(params.pageSize));
        break;
    case Paging::Range:
    case Paging::None:
        break;
    }
    if (!params.sort.isEmpty() && info && !info->sortParam.isEmpty() && canSort(resource, params.sort)) {
        if (!info->orderParam.isEmpty()) {
            q.addQueryItem(info->sortParam, params.sort);
            q.addQueryItem(info->orderParam, params.order == Qt::AscendingOrder ? u"asc"_s : u"desc"_s);
        } else {
            q.addQueryItem(info->sortParam, params.order == Qt::AscendingOrder ? params.sort : u'-' + params.sort);
        }
    }
    if (!params.search.isEmpty() && canSearch(resource)) {
        const QString searchParam = info && !info->searchParam.isEmpty() ? info->searchParam : u"q"_s;
        q.addQueryItem(searchParam, params.search);
    }
    for (const auto &[name, value] : params.filters)
        q.addQueryItem(name, value);
    HttpRequest r = endpoint.request("GET", listPath(resource), q);
    if (paging(resource) == Paging::Cursor && params.page > 1 && params.next.isValid())
        r.url = params.next;
    if (paging(resource) == Paging::Range) {
        r.headers.append(std::pair<QByteArray, QByteArray>("Range-Unit", "items"));
        r.headers.append(std::pair<QByteArray, QByteArray>(
            "Range", QByteArray::number(params.offset) + '-' + QByteArray::number(params.offset + params.pageSize - 1)));
    }
    return r;
}

Json DataProvider::at(const Json &json, QStringView path)
{
    if (path.isEmpty())
        return json;
    Json cur = json;
    for (QStringView part : path.split(u'.')) {
        if (!cur.isObject())
            return {};
        cur = cur.value(part);
    }
    return cur;
}

Json DataProvider::nextFromMeta(const Json &meta)
{
    const Json links = meta.value(u"links");
    if (!links.isObject())
        return {};
    const Json next = links.value(u"next");
    return next.isString() ? next : Json(nullptr);   // a Link header without rel=next: this was the last
}

ListPage DataProvider::readEnvelope(const Json &body, const Json &meta, const QString &rowsDefault,
                                    const QString &totalDefault) const
{
    ListPage page;
    const QString rowsPath = m_options.rowsPath.isEmpty() ? rowsDefault : m_options.rowsPath;
    Json rows;
    if (rowsPath.isEmpty()) {
        rows = body.isArray() ? body : body.value(u"data");
    } else {
        rows = at(body, rowsPath);
    }
    page.rows = rows.isArray() ? rows : Json();
    const QString totalPath = m_options.totalPath.isEmpty() ? totalDefault : m_options.totalPath;
    const Json headerTotal = meta.value(u"total");
    if (headerTotal.isInteger()) {
        page.total = headerTotal.toInteger();
    } else if (!totalPath.isEmpty() && body.isObject()) {
        const Json t = at(body, totalPath);
        if (t.isNumber())
            page.total = t.toInteger();
    }
    page.total = std::max<qint64>(page.total, -1);   // a negative count says nothing: not known
    page.next = nextFromMeta(meta);
    return page;
}

ListPage DataProvider::parseList(const Json &body, const Json &meta, const ListParams &params) const
{
    Q_UNUSED(params)
    return readEnvelope(body, meta, QString(), u"total"_s);
}

Json DataProvider::pageData(const ListPage &page)
{
    Json relations;
    if (!page.relations.isEmpty()) {
        QJsonObject o;
        for (auto it = page.relations.cbegin(); it != page.relations.cend(); ++it)
            o.insert(it.key(), *it);
        relations = Json(o);
    }
    return Json::object({
        {u"data", page.rows},
        {u"total", page.total >= 0 ? Json(page.total) : Json(nullptr)},
        {u"next", page.next},
        {u"relations", relations},
    });
}

ListPage DataProvider::pageOf(const Json &data)
{
    ListPage page;
    if (data.isArray()) {
        page.rows = data;
        return page;
    }
    page.rows = data.value(u"data");
    const Json total = data.value(u"total");
    page.total = total.isNumber() ? std::max<qint64>(total.toInteger(), -1) : -1;
    page.next = data.value(u"next");
    const Json relations = data.value(u"relations");
    for (qsizetype i = 0; i < relations.size(); ++i) {
        if (relations.valueAt(i).isString())
            page.relations.insert(relations.keyAt(i), relations.valueAt(i).toString());
    }
    return page;
}

namespace {

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme() == b.scheme() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0
        && a.port(a.scheme() == u"https" ? 443 : 80) == b.port(b.scheme() == u"https" ? 443 : 80);
}

} // namespace

QueryFn DataProvider::listFn(const Endpoint &endpoint, const QString &resource, const ListParams &given) const
{
    ListParams params = given;
    if (!params.conditions.isEmpty()) {
        const FilterParams filter = filterParams(resource, params.conditions);
        if (!filter.error.isEmpty()) {
            // Never the list unfiltered in place of the filtered one.
            QueryError e = QueryError::other(filter.error);
            e.method = "GET";
            return [e](const QueryFnContext &ctx) { ctx.reject(e); };
        }
        params.filters += filter.params;
    }
    HttpRequest request = listRequest(endpoint, resource, params);
    request.headers += readHeaders();
    if (!sameOrigin(request.url, endpoint.config().baseUrl)) {
        // A next link elsewhere would carry the endpoint's token to another server.
        QueryError e = QueryError::other(tr("the server's link to the next page points to another server (%1): "
                                            "not followed").arg(request.url.host()));
        e.method = "GET";
        e.url = QueryError::displayUrl(request.url);
        return [e](const QueryFnContext &ctx) { ctx.reject(e); };
    }
    // The provider stays alive with the function (made by create()): an endpoint may get another one while a
    // page is in flight.
    return endpoint.get(request, [self = weak_from_this().lock(), raw = this, params](FetchResult &result) {
        const ListPage page = (self ? self.get() : raw)->parseList(result.data, result.meta, params);
        // A wrong shape stays as it came: the table says why from the raw data, and keeps its last good rows.
        if (!page.rows.isUndefined())
            result.data = pageData(page);
    });
}

QueryFn DataProvider::recordFn(const Endpoint &endpoint, const QString &resource, const Json &id) const
{
    HttpRequest request = endpoint.request("GET", recordPath(resource, id));
    request.headers += readHeaders();
    return endpoint.get(request, [self = weak_from_this().lock(), raw = this](FetchResult &result) {
        result.data = (self ? self.get() : raw)->parseRecord(result.data);
    });
}

QueryFn DataProvider::manyFn(const Endpoint &endpoint, const QString &resource, const QList<Json> &ids) const
{
    const auto many = manyRequest(resource, ids);
    if (!many)
        return {};
    HttpRequest request = endpoint.request("GET", many->first, many->second);
    request.headers += readHeaders();
    ListParams params;
    params.pageSize = int(ids.size());
    return endpoint.get(request, [self = weak_from_this().lock(), raw = this, params](FetchResult &result) {
        const ListPage page = (self ? self.get() : raw)->parseList(result.data, result.meta, params);
        if (page.rows.isArray())
            result.data = page.rows;
    });
}

QStringList DataProvider::dialects()
{
    return {JsonServerProvider::Dialect, JsonServer1Provider::Dialect, DrfProvider::Dialect, OpenApiProvider::Dialect,
            JsonApiProvider::Dialect, GenericProvider::Dialect};
}

QString DataProvider::dialectDisplayName(const QString &dialect)
{
    return create(dialect)->displayName();
}

std::shared_ptr<const DataProvider> DataProvider::create(const QString &dialect, ProviderOptions options)
{
    std::shared_ptr<DataProvider> p;
    if (dialect == JsonServerProvider::Dialect)
        p = std::make_shared<JsonServerProvider>(std::move(options));
    else if (dialect == JsonServer1Provider::Dialect)
        p = std::make_shared<JsonServer1Provider>(std::move(options));
    else if (dialect == DrfProvider::Dialect)
        p = std::make_shared<DrfProvider>(std::move(options));
    else if (dialect == OpenApiProvider::Dialect)
        p = std::make_shared<OpenApiProvider>(std::move(options));
    else if (dialect == JsonApiProvider::Dialect)
        p = std::make_shared<JsonApiProvider>(std::move(options));
    else
        p = std::make_shared<GenericProvider>(std::move(options));
    return p;
}

} // namespace refetch

namespace refetch {

Json DataProvider::linkTo(const QString &link, const Json &id)
{
    if (link.isEmpty() || id.isNull() || id.isUndefined())
        return id;
    QString url = link;
    return Json(url.replace(QStringLiteral("{id}"), QString::fromUtf8(QUrl::toPercentEncoding(idText(id)))));
}

Json DataProvider::idInLink(const QString &link, const Json &value)
{
    if (link.isEmpty())
        return value;
    if (!value.isString())
        return {};
    const QString url = value.toString();
    const qsizetype at = link.indexOf(u"{id}");
    if (at < 0)
        return {};
    const QStringView prefix = QStringView(link).left(at), suffix = QStringView(link).mid(at + 4);
    if (url.size() <= prefix.size() + suffix.size() || !url.startsWith(prefix) || !url.endsWith(suffix))
        return {};
    const QString id = url.mid(prefix.size(), url.size() - prefix.size() - suffix.size());
    if (id.contains(u'/') || id.contains(u'?') || id.contains(u'#'))
        return {};
    bool digits = false;
    const qint64 n = id.toLongLong(&digits);
    return digits && QString::number(n) == id ? Json(n) : Json(QUrl::fromPercentEncoding(id.toUtf8()));
}

} // namespace refetch
