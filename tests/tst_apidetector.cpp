#include "core/providers/apidetector.h"
#include "core/providers/drfprovider.h"
#include "core/providers/genericprovider.h"
#include "core/providers/jsonapiprovider.h"
#include "core/providers/jsonserver1provider.h"
#include "core/providers/jsonserverprovider.h"
#include "core/providers/openapiprovider.h"
#include "support/clientharness.h"

#include <QTcpServer>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace Qt::StringLiterals;

namespace {

Json parsed(const QByteArray &text)
{
    JsonParseError error;
    const Json json = Json::parse(text, &error);
    if (!error.ok())
        qFatal("bad JSON in the test: %s", qPrintable(error.message));
    return json;
}

// What FastAPI 0.92 (pydantic 1) writes for
//   @app.get("/posts") def posts(skip: int = 0, limit: int = Query(100, le=1000), q: str | None = None,
//                                order_by: OrderBy = OrderBy.id, userId: int | None = None, x_trace: str = Header(None))
// with OrderBy an Enum, plus GET /users with page/size (pydantic 2's anyOf for the optional sort), GET/PATCH
// /posts/{id}, a POST-only /login and the docs' own paths. `servers` as FastAPI writes it with root_path="/api".
QByteArray fastApiDocument(bool withServers)
{
    QByteArray doc = R"({
  "openapi": "3.0.2",
  "info": {"title": "FastAPI", "version": "0.1.0"},)";
    if (withServers)
        doc += R"( "servers": [{"url": "/api"}],)";
    doc += R"(
  "paths": {
    "/posts": {
      "get": {
        "summary": "List Posts",
        "operationId": "list_posts_posts_get",
        "parameters": [
          {"required": false, "schema": {"title": "Skip", "minimum": 0.0, "type": "integer", "default": 0}, "name": "skip", "in": "query"},
          {"required": false, "schema": {"title": "Limit", "maximum": 1000.0, "minimum": 1.0, "type": "integer", "default": 100}, "name": "limit", "in": "query"},
          {"required": false, "schema": {"title": "Q", "type": "string"}, "name": "q", "in": "query"},
          {"required": false, "schema": {"allOf": [{"$ref": "#/components/schemas/OrderBy"}], "default": "id"}, "name": "order_by", "in": "query"},
          {"required": false, "schema": {"title": "Userid", "type": "integer"}, "name": "userId", "in": "query"},
          {"required": false, "schema": {"title": "X-Trace", "type": "string"}, "name": "x-trace", "in": "header"}
        ],
        "responses": {"200": {"description": "Successful Response", "content": {"application/json": {"schema": {"title": "Response List Posts Posts Get", "type": "array", "items": {"$ref": "#/components/schemas/Post"}}}}},
                      "422": {"description": "Validation Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}}}
      },
      "post": {"summary": "Create Post", "operationId": "create_post_posts_post", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PostIn"}}}, "required": true}, "responses": {"201": {"description": "Successful Response"}}}
    },
    "/posts/{id}": {
      "get": {"operationId": "get_post_posts__id__get", "parameters": [{"required": true, "schema": {"title": "Id", "type": "integer"}, "name": "id", "in": "path"}], "responses": {"200": {"description": "Successful Response"}}},
      "patch": {"operationId": "patch_post_posts__id__patch", "parameters": [{"required": true, "schema": {"title": "Id", "type": "integer"}, "name": "id", "in": "path"}], "responses": {"200": {"description": "Successful Response"}}}
    },
    "/users": {
      "get": {
        "operationId": "list_users_users_get",
        "parameters": [
          {"name": "page", "in": "query", "required": false, "schema": {"type": "integer", "default": 1, "title": "Page"}},
          {"name": "size", "in": "query", "required": false, "schema": {"type": "integer", "maximum": 100, "default": 50, "title": "Size"}},
          {"name": "sort", "in": "query", "required": false, "schema": {"anyOf": [{"$ref": "#/components/schemas/UserSort"}, {"type": "null"}], "title": "Sort"}},
          {"name": "order", "in": "query", "required": false, "schema": {"type": "string", "enum": ["asc", "desc"]}}
        ],
        "responses": {"200": {"description": "Successful Response"}}
      }
    },
    "/login": {"post": {"operationId": "login_login_post", "responses": {"200": {"description": "Successful Response"}}}}
  },
  "components": {
    "schemas": {
      "OrderBy": {"title": "OrderBy", "enum": ["id", "-id", "title", "-title", "views", "-views"], "type": "string", "description": "An enumeration."},
      "UserSort": {"title": "UserSort", "enum": ["name", "email"], "type": "string"},
      "Post": {"title": "Post", "required": ["id", "title"], "type": "object", "properties": {"id": {"title": "Id", "type": "integer"}, "title": {"title": "Title", "type": "string"}}},
      "PostIn": {"title": "PostIn", "type": "object", "properties": {"title": {"type": "string"}}},
      "HTTPValidationError": {"title": "HTTPValidationError", "type": "object"}
    }
  }
})";
    return doc;
}

const ResourceInfo *find(const QList<ResourceInfo> &infos, const QString &name)
{
    for (const ResourceInfo &info : infos) {
        if (info.name == name)
            return &info;
    }
    return nullptr;
}

QStringList namesOf(const QList<ResourceInfo> &infos)
{
    QStringList out;
    for (const ResourceInfo &info : infos)
        out.append(info.name);
    return out;
}

// What one detection ended with.
struct Outcome
{
    bool done = false;
    QueryStatus status = QueryStatus::Pending;
    DetectedApi api;
    std::optional<QueryError> error;
};

} // namespace

// Detection of a server's dialect, resources and paging: the pure readers of an OpenAPI document, a DRF API root,
// HAL links, json-server's /db and one list answer; then the whole detection over HTTP against a fixture standing
// in for each kind of server, under a base URL with a path, counting the requests each sends.
class tst_ApiDetector : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fromOpenApiFastApi();
    void fromOpenApiSwagger2();
    void fromOpenApiServerUrl();
    void fromOpenApiNotADocument();
    void fromApiRoot_data();
    void fromApiRoot();
    void fromHal();
    void fromDb();
    void readListAnswer_data();
    void readListAnswer();
    void detectedApiRoundTrip();
    void detect_data();
    void detect();
    void detectClosedPort();

private:
    Outcome run(ClientHarness &h, const QUrl &base, ResponseLimits limits = {});
};

void tst_ApiDetector::fromOpenApiFastApi()
{
    Paging paging = Paging::Range;
    const QList<ResourceInfo> infos = ApiDetector::fromOpenApi(parsed(fastApiDocument(false)), &paging);
    // GET collections only: no "{id}", no POST-only /login.
    QCOMPARE(namesOf(infos), QStringList({u"posts"_s, u"users"_s}));
    QCOMPARE(paging, Paging::Offset);   // the first collection's

    const ResourceInfo *posts = find(infos, u"posts"_s);
    QVERIFY(posts);
    QCOMPARE(posts->path, u"/posts"_s);
    QCOMPARE(posts->pagingKnown, true);
    QCOMPARE(posts->paging, Paging::Offset);
    QCOMPARE(posts->pageParam, u"skip"_s);
    QCOMPARE(posts->sizeParam, u"limit"_s);
    QCOMPARE(posts->sortParam, u"order_by"_s);
    QCOMPARE(posts->sortKnown, true);
    QCOMPARE(posts->sortFields, QStringList({u"id"_s, u"title"_s, u"views"_s}));   // the enum, without "-"
    QVERIFY(posts->orderParam.isEmpty());
    QCOMPARE(posts->searchKnown, true);
    QCOMPARE(posts->searchParam, u"q"_s);
    QCOMPARE(posts->filterFields, QStringList({u"userId"_s}));   // not the header

    const ResourceInfo *users = find(infos, u"users"_s);
    QVERIFY(users);
    QCOMPARE(users->paging, Paging::PageNumber);
    QCOMPARE(users->pageParam, u"page"_s);
    QCOMPARE(users->sizeParam, u"size"_s);
    QCOMPARE(users->sortParam, u"sort"_s);
    QCOMPARE(users->orderParam, u"order"_s);
    QCOMPARE(users->sortFields, QStringList({u"name"_s, u"email"_s}));   // through anyOf
    QCOMPARE(users->searchKnown, true);
    QVERIFY(users->searchParam.isEmpty());   // known: none

    // What the provider made of it asks what FastAPI reads.
    ProviderOptions options{.paging = paging};
    for (const ResourceInfo &info : infos)
        options.resources.insert(info.name, info);
    const auto provider = DataProvider::create(OpenApiProvider::Dialect, options);
    const Endpoint endpoint(nullptr, EndpointConfig{.baseUrl = QUrl(u"http://127.0.0.1:8000"_s)});
    const HttpRequest r = provider->listRequest(endpoint, u"posts"_s,
                                                ListParams{.page = 3, .pageSize = 10, .offset = 20, .sort = u"title"_s,
                                                           .order = Qt::DescendingOrder, .search = u"post"_s});
    QCOMPARE(r.url.toString(), u"http://127.0.0.1:8000/posts?skip=20&limit=10&order_by=-title&q=post"_s);
    QVERIFY(!provider->canSearch(u"users"_s));
    QVERIFY(!provider->canSort(u"users"_s, u"id"_s));
}

void tst_ApiDetector::fromOpenApiSwagger2()
{
    const Json doc = parsed(R"({
  "swagger": "2.0",
  "basePath": "/v2",
  "parameters": {"Search": {"name": "search", "in": "query", "type": "string"}},
  "paths": {
    "/pets": {"get": {"parameters": [
      {"name": "page", "in": "query", "type": "integer"},
      {"name": "per_page", "in": "query", "type": "integer", "maximum": 100},
      {"name": "ordering", "in": "query", "type": "string", "enum": ["name", "-name", "born"]},
      {"$ref": "#/parameters/Search"},
      {"name": "status", "in": "query", "type": "string"}
    ]}},
    "/pets/{petId}": {"get": {"parameters": [{"name": "petId", "in": "path", "type": "integer", "required": true}]}},
    "/store/inventory": {"get": {}},
    "/swagger.json": {"get": {}}
  }
})");
    Paging paging = Paging::Range;
    const QList<ResourceInfo> infos = ApiDetector::fromOpenApi(doc, &paging);
    QCOMPARE(namesOf(infos), QStringList({u"pets"_s, u"store/inventory"_s}));
    QCOMPARE(paging, Paging::PageNumber);
    const ResourceInfo *pets = find(infos, u"pets"_s);
    QVERIFY(pets);
    QCOMPARE(pets->path, u"/v2/pets"_s);
    QCOMPARE(pets->paging, Paging::PageNumber);
    QCOMPARE(pets->pageParam, u"page"_s);
    QCOMPARE(pets->sizeParam, u"per_page"_s);
    QCOMPARE(pets->sortParam, u"ordering"_s);
    QCOMPARE(pets->sortFields, QStringList({u"name"_s, u"born"_s}));
    QCOMPARE(pets->searchParam, u"search"_s);
    QCOMPARE(pets->filterFields, QStringList({u"status"_s}));
    const ResourceInfo *inventory = find(infos, u"store/inventory"_s);
    QVERIFY(inventory);
    QCOMPARE(inventory->path, u"/v2/store/inventory"_s);
    QCOMPARE(inventory->paging, Paging::None);
    QCOMPARE(inventory->pagingKnown, true);
}

void tst_ApiDetector::fromOpenApiServerUrl()
{
    Paging paging = Paging::None;
    const QList<ResourceInfo> infos = ApiDetector::fromOpenApi(parsed(R"({"openapi": "3.1.0",
        "servers": [{"url": "https://api.example.com/v1/"}, {"url": "/other"}],
        "paths": {"/posts": {"get": {"parameters": [{"name": "cursor", "in": "query", "schema": {"type": "string"}}]}}}})"),
        &paging);
    QCOMPARE(infos.size(), 1);
    QCOMPARE(infos.first().path, u"/v1/posts"_s);
    QCOMPARE(infos.first().paging, Paging::Cursor);
    QCOMPARE(paging, Paging::Cursor);
}

void tst_ApiDetector::fromOpenApiNotADocument()
{
    Paging paging = Paging::Range;
    QVERIFY(ApiDetector::fromOpenApi(parsed(R"({"paths": {"/posts": {"get": {}}}})"), &paging).isEmpty());
    QCOMPARE(paging, Paging::Range);   // untouched when nothing was read
    QVERIFY(ApiDetector::fromOpenApi(parsed(R"({"openapi": "3.0.0", "paths": []})")).isEmpty());
    QVERIFY(ApiDetector::fromOpenApi(parsed(R"([{"openapi": "3.0.0"}])")).isEmpty());
    QVERIFY(ApiDetector::fromOpenApi(Json()).isEmpty());
    Paging none = Paging::Range;
    QVERIFY(ApiDetector::fromOpenApi(parsed(R"({"openapi": "3.0.0", "paths": {"/login": {"post": {}}}})"), &none).isEmpty());
    QCOMPARE(none, Paging::None);
}

void tst_ApiDetector::fromApiRoot_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QByteArray>("root");
    QTest::addColumn<QStringList>("resources");

    QTest::newRow("drf, absolute links") << u"http://127.0.0.1:8000/api"_s
        << QByteArray(R"({"posts":"http://127.0.0.1:8000/api/posts/","users":"http://127.0.0.1:8000/api/users/"})")
        << QStringList{u"posts"_s, u"users"_s};
    QTest::newRow("drf, base with a slash") << u"http://127.0.0.1:8000/api/"_s
        << QByteArray(R"({"posts":"http://127.0.0.1:8000/api/posts/"})") << QStringList{u"posts"_s};
    QTest::newRow("drf at the root") << u"http://127.0.0.1:8000"_s
        << QByteArray(R"({"posts":"http://127.0.0.1:8000/posts/","post-tags":"http://127.0.0.1:8000/post-tags/"})")
        << QStringList{u"posts"_s, u"post-tags"_s};
    QTest::newRow("links elsewhere ignored") << u"http://127.0.0.1:8000/api"_s
        << QByteArray(R"({"posts":"http://127.0.0.1:8000/api/posts/","docs":"https://docs.example.com/api/",)"
                      R"("admin":"http://127.0.0.1:8000/admin/","search":"http://127.0.0.1:8000/api/posts/{query}/"})")
        << QStringList{u"posts"_s};
    QTest::newRow("a non-string member") << u"http://127.0.0.1:8000/api"_s
        << QByteArray(R"({"posts":"http://127.0.0.1:8000/api/posts/","count":3})") << QStringList{};
    QTest::newRow("a record") << u"http://127.0.0.1:8000/api"_s << QByteArray(R"({"id":1,"title":"x"})") << QStringList{};
    QTest::newRow("empty") << u"http://127.0.0.1:8000/api"_s << QByteArray("{}") << QStringList{};
    QTest::newRow("array") << u"http://127.0.0.1:8000/api"_s << QByteArray(R"(["http://127.0.0.1:8000/api/posts/"])")
                           << QStringList{};
    // Words are no links: a greeting at the root is no API root.
    QTest::newRow("a greeting") << u"http://127.0.0.1:8000"_s << QByteArray(R"({"message":"Welcome"})") << QStringList{};
    QTest::newRow("a status") << u"http://127.0.0.1:8000/"_s << QByteArray(R"({"status":"ok","version":"1.2.3"})")
                              << QStringList{};
}

void tst_ApiDetector::fromApiRoot()
{
    QFETCH(QString, base);
    QFETCH(QByteArray, root);
    QFETCH(QStringList, resources);
    QCOMPARE(ApiDetector::fromApiRoot(parsed(root), QUrl(base)), resources);
}

void tst_ApiDetector::fromHal()
{
    const Json root = parsed(R"({"_links":{
        "self":{"href":"/api"},
        "curies":[{"name":"ea","href":"http://example.com/docs/rels/{rel}","templated":true}],
        "ea:admin":{"href":"/api/admin"},
        "posts":{"href":"/api/posts"},
        "users":{"href":"/api/users{?page,size}","templated":true},
        "profile":{"href":"/api/profile"}},
      "_embedded":{}})");
    QCOMPARE(ApiDetector::fromHal(root), QStringList({u"posts"_s, u"users"_s}));
    QVERIFY(ApiDetector::fromHal(parsed(R"({"links":{"posts":"/posts"}})")).isEmpty());
    QVERIFY(ApiDetector::fromHal(parsed(R"({"_links":{"self":{"href":"/"}}})")).isEmpty());
    QVERIFY(ApiDetector::fromHal(parsed("[1]")).isEmpty());
}

void tst_ApiDetector::fromDb()
{
    QCOMPARE(ApiDetector::fromDb(parsed(R"({"posts":[{"id":1}],"comments":[],"profile":{"name":"typicode"}})")),
             QStringList({u"posts"_s, u"comments"_s}));
    QVERIFY(ApiDetector::fromDb(parsed(R"([{"posts":[]}])")).isEmpty());
    QVERIFY(ApiDetector::fromDb(parsed(R"({"error":"not found","path":"/db"})")).isEmpty());
}

void tst_ApiDetector::readListAnswer_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("meta");
    QTest::addColumn<QString>("paging");   // the options' paging after it
    QTest::addColumn<qint64>("count");
    QTest::addColumn<QString>("rowsPath");
    QTest::addColumn<int>("notes");

    QTest::newRow("drf page") << DrfProvider::Dialect
        << QByteArray(R"({"count":45,"next":"http://127.0.0.1:8000/posts/?page=2&page_size=1","previous":null,"results":[{"id":1}]})")
        << QByteArray() << u"page"_s << qint64(45) << QString() << 0;
    QTest::newRow("drf limit-offset") << DrfProvider::Dialect
        << QByteArray(R"({"count":45,"next":"http://127.0.0.1:8000/posts/?limit=1&offset=1","previous":null,"results":[{"id":1}]})")
        << QByteArray() << u"offset"_s << qint64(45) << QString() << 0;
    QTest::newRow("drf cursor") << DrfProvider::Dialect
        << QByteArray(R"({"next":"http://127.0.0.1:8000/posts/?cursor=cD0y&page_size=1","previous":null,"results":[{"id":1}]})")
        << QByteArray() << u"cursor"_s << qint64(-1) << QString() << 0;
    QTest::newRow("drf without a class") << DrfProvider::Dialect << QByteArray(R"([{"id":1},{"id":2}])") << QByteArray()
        << u"none"_s << qint64(2) << QString() << 0;
    QTest::newRow("drf, not its shape") << DrfProvider::Dialect << QByteArray(R"({"detail":"Not found."})") << QByteArray()
        << u"page"_s << qint64(-1) << QString() << 1;
    QTest::newRow("json-server") << JsonServerProvider::Dialect << QByteArray(R"([{"id":1}])")
        << QByteArray(R"({"total":45})") << u"page"_s << qint64(45) << QString() << 0;
    QTest::newRow("json-server-1") << JsonServer1Provider::Dialect
        << QByteArray(R"({"first":1,"prev":null,"next":2,"last":45,"pages":45,"items":45,"data":[{"id":"1"}]})")
        << QByteArray() << u"page"_s << qint64(45) << QString() << 0;
    QTest::newRow("jsonapi") << JsonApiProvider::Dialect
        << QByteArray(R"({"jsonapi":{"version":"1.0"},"meta":{"count":45},"links":{"next":"/posts?page%5Boffset%5D=1&page%5Blimit%5D=1"},"data":[]})")
        << QByteArray() << u"page"_s << qint64(45) << QString() << 0;
    QTest::newRow("generic envelope") << GenericProvider::Dialect
        << QByteArray(R"({"data":{"items":[{"id":1}]},"meta":{"total":45}})") << QByteArray() << u"page"_s << qint64(45)
        << u"data.items"_s << 1;
    QTest::newRow("generic, a next link") << GenericProvider::Dialect
        << QByteArray(R"({"items":[{"id":1}],"next":"/posts?after=1"})") << QByteArray() << u"page"_s << qint64(-1)
        << u"items"_s << 0;
    QTest::newRow("generic, no rows") << GenericProvider::Dialect << QByteArray(R"({"a":[1],"b":[2]})") << QByteArray()
        << u"page"_s << qint64(-1) << QString() << 1;
}

void tst_ApiDetector::readListAnswer()
{
    QFETCH(QString, dialect);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, meta);
    QFETCH(QString, paging);
    QFETCH(qint64, count);
    QFETCH(QString, rowsPath);
    QFETCH(int, notes);
    DetectedApi api;
    api.dialect = dialect;
    ApiDetector::readListAnswer(parsed(body), meta.isEmpty() ? Json() : parsed(meta), u"posts"_s, api);
    QCOMPARE(pagingName(api.options.paging), paging);
    QCOMPARE(api.options.resources.value(u"posts"_s).count, count);
    QCOMPARE(api.options.rowsPath, rowsPath);
    QVERIFY2(api.notes.size() == notes, qPrintable(api.notes.join(u" / "_s)));
}

void tst_ApiDetector::detectedApiRoundTrip()
{
    DetectedApi api;
    api.dialect = DrfProvider::Dialect;
    api.options.paging = Paging::Offset;
    api.options.resources.insert(u"posts"_s, ResourceInfo{.name = u"posts"_s, .count = 45});
    api.resources = {u"posts"_s, u"users"_s};
    api.source = u"api-root"_s;
    api.notes = {u"a note"_s};
    api.summary = api.describe();
    QVERIFY2(api.summary.contains(u"Django REST framework"_s), qPrintable(api.summary));
    QVERIFY2(api.summary.contains(u"45 posts"_s), qPrintable(api.summary));
    const DetectedApi back = DetectedApi::fromJson(parsed(api.toJson().toJson()));
    QCOMPARE(back.dialect, api.dialect);
    QCOMPARE(back.resources, api.resources);
    QCOMPARE(back.source, api.source);
    QCOMPARE(back.summary, api.summary);
    QCOMPARE(back.notes, api.notes);
    QCOMPARE(back.options.toJson().canonical(), api.options.toJson().canonical());
}

Outcome tst_ApiDetector::run(ClientHarness &h, const QUrl &base, ResponseLimits limits)
{
    const Endpoint endpoint(&h.transport, EndpointConfig{.baseUrl = base, .limits = limits});
    QueryOptions o = ApiDetector::query(endpoint);
    o.retry = RetryPolicy::none();
    auto outcome = std::make_shared<Outcome>();
    h.client.fetchQuery(o, this, [outcome](const Query &q) {
        outcome->done = true;
        outcome->status = q.status();
        if (q.error())
            outcome->error = *q.error();
        else
            outcome->api = DetectedApi::fromJson(q.data());
    });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(outcome->done, 20000); }();
    return *outcome;
}

void tst_ApiDetector::detect_data()
{
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("dialect");     // empty: detection fails
    QTest::addColumn<QStringList>("resources");
    QTest::addColumn<QString>("summary");     // a part of the summary, or of the error
    QTest::addColumn<QString>("probe");       // the list request's path and query

    QTest::newRow("json-server /db") << u"json-server"_s << JsonServerProvider::Dialect
                                     << QStringList{u"posts"_s, u"comments"_s} << u"45 posts"_s
                                     << u"/api/posts?_page=1&_limit=1"_s;
    QTest::newRow("openapi document") << u"openapi"_s << OpenApiProvider::Dialect << QStringList{u"posts"_s, u"users"_s}
                                      << u"offset paging"_s << u"/api/posts?skip=0&limit=1"_s;
    QTest::newRow("drf root") << u"drf"_s << DrfProvider::Dialect << QStringList{u"posts"_s, u"users"_s}
                              << u"Django REST framework · page-number paging · 45 posts"_s
                              << u"/api/posts/?page_size=1&limit=1"_s;
    QTest::newRow("jsonapi root") << u"jsonapi"_s << JsonApiProvider::Dialect << QStringList{u"posts"_s, u"users"_s}
                                  << u"JSON:API · offset paging · 45 posts"_s
                                  << u"/api/posts?page[offset]=0&page[limit]=1"_s;
    QTest::newRow("hal root") << u"hal"_s << GenericProvider::Dialect << QStringList{u"posts"_s, u"users"_s}
                              << u"no paging"_s << u"/api/posts"_s;
    QTest::newRow("json-server 1 page") << u"json-server-1"_s << JsonServer1Provider::Dialect
                                        << QStringList{u"posts"_s, u"comments"_s} << u"45 posts"_s
                                        << u"/api/posts?_page=1&_per_page=1"_s;
    QTest::newRow("nothing known") << u"nothing"_s << QString() << QStringList{} << u"name them in Settings"_s
                                   << QString();
    QTest::newRow("openapi too large") << u"too-large"_s << QString() << QStringList{} << u"too large"_s << QString();
}

void tst_ApiDetector::detect()
{
    QFETCH(QString, server);
    QFETCH(QString, dialect);
    QFETCH(QStringList, resources);
    QFETCH(QString, summary);
    QFETCH(QString, probe);

    ClientHarness h;
    HttpFixture &f = h.fixture;
    QUrl base = f.baseUrl();
    base.setPath(u"/api"_s);
    const QByteArray origin = f.baseUrl().toEncoded();
    const QByteArray post = R"({"id":1,"userId":1,"title":"Post 1"})";
    ResponseLimits limits;

    if (server == u"json-server") {
        f.setJson(u"/api/db"_s, R"({"posts":[{"id":1}],"comments":[],"profile":{"name":"typicode"}})");
        f.route("GET", u"/api/posts"_s, [post](const RecordedRequest &) {
            Response r = Response::json('[' + post + ']');
            r.headers.emplaceBack("X-Total-Count", "45");
            return r;
        });
    } else if (server == u"openapi") {
        f.setJson(u"/api/openapi.json"_s, fastApiDocument(true));
        f.route("GET", u"/api/posts"_s, [post](const RecordedRequest &) { return Response::json('[' + post + ']'); });
    } else if (server == u"drf") {
        f.setJson(u"/api"_s, R"({"posts":")" + origin + R"(/api/posts/","users":")" + origin + R"(/api/users/"})");
        f.route("GET", u"/api/posts/"_s, [post, origin](const RecordedRequest &) {
            return Response::json(R"({"count":45,"next":")" + origin + R"(/api/posts/?page=2&page_size=1",)"
                                  R"("previous":null,"results":[)" + post + "]}");
        });
    } else if (server == u"jsonapi") {
        f.route("GET", u"/api"_s, [](const RecordedRequest &) {
            Response r = Response::json(R"({"jsonapi":{"version":"1.0"},"links":{"posts":"/posts","users":"/users"}})");
            r.headers = {{"Content-Type", "application/vnd.api+json"}};
            return r;
        });
        f.route("GET", u"/api/posts"_s, [](const RecordedRequest &request) {
            // Fortune refuses a request that does not accept its media type.
            if (!request.headers.value("accept").contains("application/vnd.api+json"))
                return Response::json(R"({"errors":[{"title":"NotAcceptableError"}]})", 406);
            Response r = Response::json(R"({"jsonapi":{"version":"1.0"},"meta":{"count":45},)"
                                        R"("links":{"self":"/posts?page%5Boffset%5D=0&page%5Blimit%5D=1","next":"/posts?page%5Boffset%5D=1&page%5Blimit%5D=1"},)"
                                        R"("data":[{"type":"posts","id":"1","attributes":{"userId":1,"title":"Post 1"},"links":{"self":"/posts/1"}}]})");
            r.headers = {{"Content-Type", "application/vnd.api+json"}};
            return r;
        });
    } else if (server == u"hal") {
        f.route("GET", u"/api"_s, [](const RecordedRequest &) {
            Response r = Response::json(R"({"_links":{"self":{"href":"/api"},"posts":{"href":"/api/posts"},)"
                                        R"("users":{"href":"/api/users"},"profile":{"href":"/api/profile"}}})");
            r.headers = {{"Content-Type", "application/hal+json"}};
            return r;
        });
        f.setJson(u"/api/posts"_s, R"([{"id":1},{"id":2},{"id":3}])");
    } else if (server == u"json-server-1") {
        f.route("GET", u"/api"_s, [](const RecordedRequest &) {
            Response r;
            // 1.0.0-beta.3's views/index.html, rendered for {"posts": [45 records], "comments": []}.
            r.body = "<!DOCTYPE html>\n<html>\n\n<head>\n  <meta charset=\"UTF-8\" />\n</head>\n\n<body>\n"
                     "  <header>\n    <nav>\n      <strong>JSON Server</strong>\n"
                     "        <a href=\"https://github.com/typicode/json-server\">Docs</a>\n    </nav>\n  </header>\n"
                     "  <main class=\"my-12\">\n"
                     "      <ul>\n        <li>\n          <a href=\"posts\">/posts</a>\n          <span>\n"
                     "              - 45\n                items\n          </span>\n        </li>\n      </ul>\n"
                     "      <ul>\n        <li>\n          <a href=\"comments\">/comments</a>\n          <span>\n"
                     "              - 0\n                item\n          </span>\n        </li>\n      </ul>\n"
                     "  </main>\n</body>\n\n</html>\n";
            r.headers = {{"Content-Type", "text/html; charset=utf-8"}};
            return r;
        });
        f.route("GET", u"/api/posts"_s, [](const RecordedRequest &) {
            return Response::json(R"({"first":1,"prev":null,"next":2,"last":45,"pages":45,"items":45,"data":[{"id":"1","title":"Post 1"}]})");
        });
    } else if (server == u"nothing") {
        f.setJson(u"/api"_s, R"({"message":"Hello World"})");
    } else if (server == u"too-large") {
        limits.maxBytes = 1024 * 1024;
        QByteArray big = R"({"openapi":"3.0.2","info":{"title":"big"},"x-padding":")";
        big += QByteArray(2 * 1024 * 1024, 'a');
        big += R"(","paths":{"/posts":{"get":{}}}})";
        f.setJson(u"/api/openapi.json"_s, big);
    }

    const Outcome outcome = run(h, base, limits);
    QVERIFY(outcome.done);
    QStringList sent;
    for (const RecordedRequest &r : f.requests())
        sent.append(r.path + (r.query.isEmpty() ? QString() : u'?' + r.query.toString(QUrl::FullyDecoded)));
    if (dialect.isEmpty()) {
        QCOMPARE(outcome.status, QueryStatus::Error);
        QVERIFY(outcome.error);
        QVERIFY2(outcome.error->toString().contains(summary), qPrintable(outcome.error->toString()));
        if (server == u"too-large")
            QVERIFY2(!outcome.error->toString().contains(u"name them"_s), qPrintable(outcome.error->toString()));
    } else {
        QCOMPARE(outcome.status, QueryStatus::Success);
        QCOMPARE(outcome.api.dialect, dialect);
        QCOMPARE(outcome.api.resources, resources);
        QVERIFY2(outcome.api.summary.contains(summary), qPrintable(outcome.api.summary));
        QVERIFY2(sent.contains(probe), qPrintable(sent.join(u", "_s)));
        for (const QString &note : outcome.api.notes)
            QVERIFY2(!note.contains(u"could not be read"_s), qPrintable(note));
    }
    // As few requests as it can: the three first probes and one list. With nothing found it also tries the six
    // other places OpenAPI documents are published, one by one, before it says so.
    QVERIFY2(f.count() <= (server == u"nothing" ? 9 : 5), qPrintable(QString::number(f.count()) + u": "_s + sent.join(u", "_s)));
}

void tst_ApiDetector::detectClosedPort()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        port = probe.serverPort();
    }
    ClientHarness h;
    const Outcome outcome = run(h, QUrl(u"http://127.0.0.1:%1/api"_s.arg(port)));
    QCOMPARE(outcome.status, QueryStatus::Error);
    QVERIFY(outcome.error);
    QCOMPARE(outcome.error->kind, QueryError::Kind::Network);
    QCOMPARE(outcome.error->networkError, QNetworkReply::ConnectionRefusedError);
    QVERIFY2(outcome.error->toString().contains(u"refused"_s, Qt::CaseInsensitive), qPrintable(outcome.error->toString()));
    QVERIFY2(!outcome.error->toString().contains(u"name them"_s), qPrintable(outcome.error->toString()));
    QCOMPARE(h.fixture.count(), 0);
}

QTEST_GUILESS_MAIN(tst_ApiDetector)
#include "tst_apidetector.moc"
