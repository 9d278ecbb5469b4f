#include "apidetector.h"

#include "detectionprobes.h"
#include "drfprovider.h"
#include "genericprovider.h"
#include "jsonapiprovider.h"
#include "jsonserver1provider.h"
#include "jsonserverprovider.h"

#include "core/http/endpoint.h"
#include "core/schema/openapischema.h"

#include <QJsonArray>
#include <QLocale>
#include <QUrlQuery>

#include <limits>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

QString trimSlashes(QString s)
{
    while (s.startsWith(u'/'))
        s.remove(0, 1);
    while (s.endsWith(u'/'))
        s.chop(1);
    return s;
}

} // namespace

Json DetectedApi::toJson() const
{
    return Json::object({
        {u"dialect", Json(dialect)},
        {u"options", options.toJson()},
        {u"resources", Json::fromStringList(resources)},
        {u"source", Json(source)},
        {u"schemaPath", schemaPath.isEmpty() ? Json() : Json(schemaPath)},
        {u"summary", Json(summary)},
        {u"notes", notes.isEmpty() ? Json() : Json::fromStringList(notes)},
    });
}

DetectedApi DetectedApi::fromJson(const Json &json)
{
    DetectedApi api;
    api.dialect = json.value(u"dialect").toString();
    api.options = ProviderOptions::fromJson(json.value(u"options"));
    api.resources = json.value(u"resources").toStringList();
    api.source = json.value(u"source").toString();
    api.schemaPath = json.value(u"schemaPath").toString();
    api.summary = json.value(u"summary").toString();
    api.notes = json.value(u"notes").toStringList();
    return api;
}

QString DetectedApi::describe() const
{
    QStringList parts{DataProvider::dialectDisplayName(dialect)};
    Paging paging = options.paging;
    QString first = resources.isEmpty() ? QString() : resources.first();
    if (const auto it = options.resources.constFind(first); it != options.resources.cend() && it->pagingKnown)
        paging = it->paging;
    parts.append(pagingDescription(paging));
    const auto it = options.resources.constFind(first);
    if (it != options.resources.cend() && it->count >= 0)
        parts.append(QStringLiteral("%1 %2").arg(QLocale().toString(it->count), first));
    else if (!resources.isEmpty())
        parts.append(resources.size() == 1 ? ApiDetector::tr("1 resource")
                                           : ApiDetector::tr("%1 resources").arg(resources.size()));
    return parts.join(u" · "_s);
}

QueryKey ApiDetector::key(const QString &endpointName)
{
    return QueryKey{endpointName, "$api"};
}

QStringList ApiDetector::fromDb(const Json &db)
{
    QStringList out;
    if (!db.isObject())
        return out;
    for (qsizetype i = 0; i < db.size(); ++i) {
        const QString name = db.keyAt(i);
        if (db.valueAt(i).isArray() && !name.isEmpty() && !out.contains(name))
            out.append(name);
    }
    return out;
}

namespace {

// A parameter of an OpenAPI operation (Swagger 2's are flat, OpenAPI 3's have a schema), $refs to
// components/parameters resolved.
struct Parameter
{
    QString name;
    QString in;
    QStringList values;   // an enum's values
    qint64 maximum = 0;
    bool isArray = false; // takes several values (id=1&id=2)
};

Json resolveRef(const Json &document, const Json &node)
{
    const Json ref = node.value(u"$ref");
    if (!ref.isString() || !ref.toString().startsWith(u"#/"))
        return node;
    Json cur = document;
    for (const QString &part : ref.toString().mid(2).split(u'/'))
        cur = cur.value(QString(part).replace(u"~1"_s, u"/"_s).replace(u"~0"_s, u"~"_s));
    return cur;
}

QList<Parameter> parametersOf(const Json &document, const Json &operation)
{
    QList<Parameter> out;
    for (const Json &raw : operation.value(u"parameters")) {
        const Json p = resolveRef(document, raw);
        Parameter param{.name = p.value(u"name").toString(), .in = p.value(u"in").toString()};
        Json schema = resolveRef(document, p.value(u"schema"));
        if (schema.isUndefined())
            schema = p;   // Swagger 2
        Json values = schema.value(u"enum");
        // FastAPI writes Optional[Literal[...]] as anyOf / allOf of a $ref to an enum.
        for (const char16_t *combiner : {u"anyOf", u"allOf", u"oneOf"}) {
            for (const Json &alt : schema.value(QStringView(combiner))) {
                const Json a = resolveRef(document, alt);
                if (values.isUndefined() && a.value(u"enum").isArray())
                    values = a.value(u"enum");
            }
        }
        param.values = values.toStringList();
        param.isArray = schema.value(u"type").toString() == u"array";
        // FastAPI writes Optional[List[int]] as anyOf [array, null].
        for (const Json &alt : schema.value(u"anyOf"))
            param.isArray = param.isArray || resolveRef(document, alt).value(u"type").toString() == u"array";
        const Json max = schema.value(u"maximum");
        param.maximum = max.isNumber() ? max.toInteger() : 0;
        if (!param.name.isEmpty() && (param.in == u"query" || param.in.isEmpty()))
            out.append(param);
    }
    return out;
}

} // namespace

QList<ResourceInfo> ApiDetector::fromOpenApi(const Json &document, Paging *pagingOut)
{
    QList<ResourceInfo> out;
    const Json paths = document.value(u"paths");
    if (!paths.isObject() || (!document.contains(u"openapi") && !document.contains(u"swagger")))
        return out;
    // Swagger 2's basePath, OpenAPI 3's first server path: the document's paths are under it.
    QString basePath = document.value(u"basePath").toString();
    if (basePath.isEmpty()) {
        const QUrl server(document.value(u"servers").at(0).value(u"url").toString());
        basePath = server.path();
    }
    basePath = trimSlashes(basePath);
    std::optional<Paging> overall;
    for (qsizetype i = 0; i < paths.size(); ++i) {
        const QString path = paths.keyAt(i);
        const Json item = paths.valueAt(i);
        const Json get = item.value(u"get");
        const QString name = OpenApiSchema::resourceOfPath(path); // the schemas name resources the same way
        if (!item.isObject() || !get.isObject() || name.isEmpty())
            continue;
        bool known = false;
        for (const ResourceInfo &r : out)
            known |= r.name == name;
        if (known)
            continue;
        ResourceInfo info{.name = name};
        info.path = (basePath.isEmpty() ? QString() : u'/' + basePath) + path;
        info.searchKnown = true;
        info.pagingKnown = true;
        info.paging = Paging::None;
        QStringList names;
        for (const Parameter &p : parametersOf(document, get))
            names.append(p.name);
        for (const Parameter &p : parametersOf(document, get)) {
            const QString n = p.name;
            if (n == u"skip" || n == u"offset" || n == u"start") {
                info.paging = Paging::Offset;
                info.pageParam = n;
            } else if ((n == u"page" || n == u"page_number" || n == u"pageNumber") && info.paging != Paging::Offset) {
                info.paging = Paging::PageNumber;
                info.pageParam = n;
            } else if (n == u"limit" || n == u"size" || n == u"page_size" || n == u"pageSize" || n == u"per_page"
                       || n == u"perPage") {
                info.sizeParam = n;
                if (p.maximum > 0)
                    info.maxPageSize = int(std::min<qint64>(p.maximum, std::numeric_limits<int>::max()));
            } else if (n == u"cursor") {
                info.paging = Paging::Cursor;
            } else if (n == u"q" || n == u"search" || n == u"query" || n == u"filter") {
                if (info.searchParam.isEmpty() || n == u"q" || n == u"search")
                    info.searchParam = n;
            } else if (n == u"order_by" || n == u"sort" || n == u"sort_by" || n == u"ordering" || n == u"orderBy"
                       || n == u"sortBy") {
                info.sortParam = n;
                info.sortKnown = !p.values.isEmpty();
                for (const QString &v : p.values) {
                    const QString field = v.startsWith(u'-') || v.startsWith(u'+') ? v.mid(1) : v;
                    if (!info.sortFields.contains(field))
                        info.sortFields.append(field);
                }
            } else if (n == u"order" || n == u"direction" || n == u"sort_order" || n == u"sortOrder" || n == u"dir") {
                info.orderParam = n;
            } else if (p.isArray && (n == u"id" || n == u"ids" || n == u"id__in" || n == u"id[]")) {
                info.manyParam = n;   // several records in one request: getMany
                info.filterFields.append(n);
            } else {
                info.filterFields.append(n);
            }
        }
        if (info.paging == Paging::None && !info.sizeParam.isEmpty() && info.pageParam.isEmpty())
            info.paging = Paging::None;   // a limit alone: one page of that size, said in a note by detection
        if (!info.orderParam.isEmpty() && info.sortParam.isEmpty())
            info.orderParam.clear();
        if (!overall)
            overall = info.paging;
        out.append(info);
    }
    if (pagingOut)
        *pagingOut = overall.value_or(Paging::None);
    return out;
}

QStringList ApiDetector::fromApiRoot(const Json &root, const QUrl &base)
{
    QStringList out;
    if (!root.isObject() || root.isEmpty())
        return out;
    for (qsizetype i = 0; i < root.size(); ++i) {
        const Json v = root.valueAt(i);
        if (!v.isString())
            return {};   // an API root holds links only
        // Fixed: a plain word ({"message": "Welcome"}) resolved to a link at the root; DRF's are URLs or absolute paths.
        const QUrl link(v.toString());
        if (link.scheme() != u"http" && link.scheme() != u"https" && !v.toString().startsWith(u'/'))
            return {};
        const QUrl url = base.resolved(link);
        if (url.host() != base.host() || !url.path().startsWith(base.path().endsWith(u'/') ? base.path() : base.path() + u'/'))
            continue;
        const QString name = trimSlashes(url.path().mid(base.path().size()));
        if (!name.isEmpty() && !name.contains(u'{'))
            out.append(name);
    }
    return out;
}

QStringList ApiDetector::fromHal(const Json &root)
{
    QStringList out;
    const Json links = root.value(u"_links");
    for (qsizetype i = 0; i < links.size(); ++i) {
        const QString rel = links.keyAt(i);
        if (rel == u"self" || rel == u"profile" || rel == u"curies" || rel.contains(u':'))
            continue;
        out.append(rel);
    }
    return out;
}

void ApiDetector::readListAnswer(const Json &body, const Json &meta, const QString &resource, DetectedApi &api)
{
    ResourceInfo &info = api.options.resources[resource];
    info.name = resource;
    if (api.dialect == DrfProvider::Dialect) {
        if (body.isArray()) {
            api.options.paging = Paging::None;
            info.count = body.size();
            return;
        }
        const Json results = body.value(u"results");
        if (!results.isArray()) {
            api.notes.append(tr("The list of %1 is not in Django REST framework's shape.").arg(resource));
            return;
        }
        if (body.value(u"count").isNumber())
            info.count = body.value(u"count").toInteger();
        const QUrlQuery next(QUrl(body.value(u"next").toString()).query());
        // The next link keeps every parameter of the request (the probe sends both page_size and limit): the one
        // its pagination class put there tells which class it is.
        if (next.hasQueryItem(u"cursor"_s) || !body.contains(u"count")) {
            api.options.paging = Paging::Cursor;
        } else if (next.hasQueryItem(u"page"_s)) {
            api.options.paging = Paging::PageNumber;
        } else if (next.hasQueryItem(u"offset"_s)) {
            api.options.paging = Paging::Offset;
        } else {
            api.options.paging = Paging::PageNumber;
        }
        return;
    }
    if (api.dialect == JsonServerProvider::Dialect) {
        const Json total = meta.value(u"total");
        info.count = total.isInteger() ? total.toInteger() : (body.isArray() ? body.size() : -1);
        return;
    }
    if (api.dialect == JsonServer1Provider::Dialect) {
        const Json items = body.value(u"items");
        info.count = items.isNumber() ? items.toInteger() : (body.isArray() ? body.size() : -1);
        return;
    }
    if (api.dialect == JsonApiProvider::Dialect) {
        const ListPage page = JsonApiProvider().parseList(body, meta, {});
        info.count = page.total;
        return;
    }
    // OpenAPI or nothing known: the answer's own shape.
    QString rowsPath;
    const Json rows = GenericProvider::findRows(body, &rowsPath);
    if (!rows.isArray()) {
        api.notes.append(tr("The list of %1 holds no array of records: set where its rows are in Settings.").arg(resource));
        return;
    }
    if (!rowsPath.isEmpty() && rowsPath != u"data" && api.options.rowsPath.isEmpty())
        api.options.rowsPath = rowsPath;
    const Json total = meta.value(u"total");
    if (total.isInteger()) {
        info.count = total.toInteger();
    } else {
        for (const char16_t *path : {u"total", u"count", u"totalCount", u"total_count", u"meta.total", u"meta.count"}) {
            Json cur = body;
            for (QStringView part : QStringView(path).split(u'.'))
                cur = cur.value(part);
            if (cur.isNumber()) {
                info.count = cur.toInteger();
                if (api.options.totalPath.isEmpty() && QStringView(path) != u"total")
                    api.options.totalPath = QString::fromUtf16(path);
                break;
            }
        }
    }
    const bool hasNext = meta.value(u"links").value(u"next").isString() || body.value(u"next").isString();
    if (!info.pagingKnown && hasNext) {
        info.pagingKnown = true;
        info.paging = Paging::Cursor;
    }
    if ((!info.pagingKnown || info.paging == Paging::None) && info.count > rows.size()) {
        api.notes.append(tr("The server has %1 %2 but sent %3 in one answer, and it does not say how to ask for the "
                            "rest: set the paging parameters in Settings.")
                             .arg(info.count).arg(resource).arg(rows.size()));
    } else if (!info.pagingKnown) {
        api.notes.append(tr("No paging found for %1: it is loaded in one request.").arg(resource));
    }
}

QueryOptions ApiDetector::query(const Endpoint &endpoint, DetectionHints hints)
{
    QueryOptions o;
    o.key = key(endpoint.name());
    o.staleTime = std::chrono::minutes(5);
    o.refetchOnWindowFocus = FocusRefetch::Never;
    o.fn = [endpoint, hints](const QueryFnContext &ctx) {
        std::make_shared<DetectionProbes>(ctx, endpoint, hints)->start();
    };
    return o;
}

} // namespace refetch
