#include "detectionprobes.h"

#include "drfprovider.h"
#include "genericprovider.h"
#include "jsonapiprovider.h"
#include "jsonserver1provider.h"
#include "jsonserverprovider.h"
#include "openapiprovider.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace refetch {

void DetectionProbes::get(const QString &path, Answer *into, std::function<void()> then, const QUrlQuery &query,
                          const HttpHeaders &headers)
{
    HttpRequest r = endpoint.request("GET", path, query);
    r.headers += headers;
    auto self = shared_from_this();
    HttpTransport::sendFor(ctx, endpoint.transport(), r, endpoint.config().limits,
                           [self, into, then = std::move(then)](QNetworkReply *reply) {
        into->raw = reply->isOpen() ? reply->peek(std::min<qint64>(reply->bytesAvailable(), 256 * 1024)) : QByteArray();
        into->contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        into->result = HttpTransport::readJson(reply, self->endpoint.config().limits);
        into->done = true;
        then();
    });
}

bool DetectionProbes::unreachable(const Answer &a)
{
    return a.result.error && a.result.error->kind != QueryError::Kind::Http
        && a.result.error->kind != QueryError::Kind::Parse;
}

bool DetectionProbes::failedOnItsOwn(const Answer &a)
{
    const auto &error = a.result.error;
    return error && error->kind != QueryError::Kind::Parse
        && (error->kind != QueryError::Kind::Http || error->httpStatus >= 500);
}

void DetectionProbes::start()
{
    auto self = shared_from_this();
    auto after = [self] { self->firstRound(); };
    get(u"/db"_s, &db, after);
    get(u"/openapi.json"_s, &openapi, after);
    // JSON:API servers answer 406 to a bare application/json (and to a media type with parameters, q= too);
    // everyone else picks the first.
    get(QString(), &root, after, {}, {{"Accept", "application/json, application/vnd.api+json"}});
}

void DetectionProbes::firstRound()
{
    if (!db.done || !openapi.done || !root.done)
        return;
    if (unreachable(db) && unreachable(openapi) && unreachable(root)) {
        ctx.reject(*root.result.error);
        return;
    }
    DetectedApi api;
    // json-server 0.17 (and the built-in API): /db holds every collection.
    if (ok(db)) {
        const QStringList found = ApiDetector::fromDb(db.result.data);
        if (!found.isEmpty()) {
            api.dialect = JsonServerProvider::Dialect;
            api.source = u"db"_s;
            api.resources = found;
            api.options.paging = Paging::PageNumber;
            // The built-in API also describes its data.
            if (ok(openapi) && isOpenApiDocument(openapi.result.data))
                api.schemaPath = u"/openapi.json"_s;
            probeList(api);
            return;
        }
    }
    if (ok(openapi) && tryOpenApi(openapi.result.data, u"/openapi.json"_s))
        return;
    if (tryRoot())
        return;
    // Fixed: a document refused here (too large, a 5xx) sent six more probes; no other path holds another one.
    if (failedOnItsOwn(openapi)) {
        giveUp();
        return;
    }
    openApiFallbacks();
}

bool DetectionProbes::isOpenApiDocument(const Json &document)
{
    return document.value(u"openapi").isString() || document.value(u"swagger").isString();
}

bool DetectionProbes::tryOpenApi(const Json &document, const QString &path)
{
    Paging paging = Paging::None;
    const QList<ResourceInfo> infos = ApiDetector::fromOpenApi(document, &paging);
    if (infos.isEmpty())
        return false;
    DetectedApi api;
    api.dialect = OpenApiProvider::Dialect;
    api.source = u"openapi"_s;
    api.schemaPath = path;
    api.options.paging = paging;
    // Fixed: a server path the base URL already ends with (FastAPI's root_path "/api") was added twice: /api/api/posts.
    QString basePath = endpoint.config().baseUrl.path();
    while (basePath.endsWith(u'/'))
        basePath.chop(1);
    for (ResourceInfo info : infos) {
        if (!basePath.isEmpty() && info.path.startsWith(basePath + u'/'))
            info.path.remove(0, basePath.size());
        api.resources.append(info.name);
        api.options.resources.insert(info.name, info);
    }
    probeList(api);
    return true;
}

bool DetectionProbes::tryRoot()
{
    const QByteArray type = root.contentType.toLower();
    // json-server 1.x: an HTML page listing <a href="posts">/posts</a>.
    if (root.done && HttpTransport::isHtml(type, root.raw) && root.raw.contains("JSON Server")) {
        static const QRegularExpression link(uR"re(<a href="([^"/:?#]+)">/\1</a>)re"_s);
        DetectedApi api;
        for (auto it = link.globalMatch(QString::fromUtf8(root.raw)); it.hasNext();)
            api.resources.append(it.next().captured(1));
        if (!api.resources.isEmpty()) {
            api.dialect = JsonServer1Provider::Dialect;
            api.source = u"api-root"_s;
            api.options.paging = Paging::PageNumber;
            // The built-in API also describes its data.
            if (ok(openapi) && isOpenApiDocument(openapi.result.data))
                api.schemaPath = u"/openapi.json"_s;
            probeList(api);
            return true;
        }
    }
    if (!ok(root))
        return false;
    const Json data = root.result.data;
    // JSON:API: its media type, or a top-level "jsonapi" / "data" with "links".
    if (type.contains("vnd.api+json") || data.contains(u"jsonapi")) {
        DetectedApi api;
        api.dialect = JsonApiProvider::Dialect;
        api.source = u"jsonapi"_s;
        api.options.paging = Paging::Offset;
        const Json links = data.value(u"links");
        for (qsizetype i = 0; i < links.size(); ++i) {
            if (links.keyAt(i) != u"self")
                api.resources.append(links.keyAt(i));
        }
        if (!api.resources.isEmpty() || !hints.resources.isEmpty()) {
            probeList(api);
            return true;
        }
    }
    if (data.value(u"_links").isObject()) {
        DetectedApi api;
        api.dialect = GenericProvider::Dialect;
        api.source = u"hal"_s;
        api.options.paging = Paging::None;
        api.resources = ApiDetector::fromHal(data);
        if (!api.resources.isEmpty()) {
            probeList(api);
            return true;
        }
    }
    const QStringList apiRoot = ApiDetector::fromApiRoot(data, endpoint.config().baseUrl);
    if (!apiRoot.isEmpty()) {
        DetectedApi api;
        api.dialect = DrfProvider::Dialect;
        api.source = u"api-root"_s;
        api.resources = apiRoot;
        api.options.trailingSlash = true;
        probeList(api);
        return true;
    }
    return false;
}

void DetectionProbes::openApiFallbacks()
{
    static const QStringList paths{u"/docs/openapi.json"_s, u"/api/openapi.json"_s, u"/swagger.json"_s,
                                   u"/api-docs"_s, u"/v3/api-docs"_s, u"/swagger/v1/swagger.json"_s};
    if (openapiFallback >= paths.size()) {
        giveUp();
        return;
    }
    auto self = shared_from_this();
    auto answer = std::make_shared<Answer>();
    const QString path = paths.at(openapiFallback++);
    get(path, answer.get(), [self, answer, path] {
        if (ok(*answer) && self->tryOpenApi(answer->result.data, path))
            return;
        self->openApiFallbacks();
    });
}

void DetectionProbes::giveUp()
{
    if (!hints.resources.isEmpty()) {
        // The user named the resources: read the first list's shape.
        DetectedApi api;
        api.dialect = GenericProvider::Dialect;
        api.source = u"settings"_s;
        api.options.paging = Paging::None;
        probeList(api);
        return;
    }
    // A probe that failed for a reason of its own (too large, a server error, a timeout) says more than
    // "nothing found".
    for (const Answer *a : {&openapi, &db, &root}) {
        if (failedOnItsOwn(*a)) {
            ctx.reject(*a->result.error);
            return;
        }
    }
    QueryError e = root.result.error ? *root.result.error : QueryError::other(QString());
    e.kind = QueryError::Kind::Other;
    e.method = "GET";
    e.url = QueryError::displayUrl(endpoint.url(QString()));
    e.message = ApiDetector::tr("the server answered, but lists no resources in a way Refetch knows (no OpenAPI "
                                "document, json-server's /db, an API root or HAL links): name them in Settings");
    ctx.reject(e);
}

void DetectionProbes::probeList(DetectedApi api)
{
    if (!hints.resources.isEmpty()) {
        api.resources = hints.resources;
        api.source = api.source.isEmpty() ? u"settings"_s : api.source;
    }
    if (!hints.rowsPath.isEmpty())
        api.options.rowsPath = hints.rowsPath;
    if (api.resources.isEmpty()) {
        finish(api);
        return;
    }
    const QString resource = api.resources.first();
    auto provider = DataProvider::create(api.dialect, api.options);
    // A page of one record says as much about the shape as a page of fifty, and its next link names the
    // paging parameters.
    const HttpRequest request = provider->listRequest(endpoint, resource, ListParams{.page = 1, .pageSize = 1});
    auto self = shared_from_this();
    auto answer = std::make_shared<Answer>();
    QUrlQuery query(request.url.query());
    get(provider->listPath(resource), answer.get(), [self, answer, api, resource]() mutable {
        if (ok(*answer))
            ApiDetector::readListAnswer(answer->result.data, answer->result.meta, resource, api);
        else if (answer->result.error)
            api.notes.append(ApiDetector::tr("The list of %1 could not be read: %2")
                                 .arg(resource, answer->result.error->toString()));
        self->finish(api);
    }, query, provider->readHeaders() + request.headers);
}

void DetectionProbes::finish(DetectedApi api)
{
    api.summary = api.describe();
    ctx.resolve(api.toJson());
}

} // namespace refetch
