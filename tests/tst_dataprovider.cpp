#include "core/mutation/mutationerror.h"
#include "core/providers/dataprovider.h"
#include "core/providers/drfprovider.h"
#include "core/providers/genericprovider.h"
#include "core/providers/jsonapiprovider.h"
#include "core/providers/jsonserver1provider.h"
#include "core/providers/jsonserverprovider.h"
#include "core/providers/openapiprovider.h"
#include "core/client/queryobserver.h"
#include "support/clientharness.h"

#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace Qt::StringLiterals;

using FieldErrors = QMap<QString, QStringList>;
using Headers = QList<std::pair<QByteArray, QByteArray>>;

Q_DECLARE_METATYPE(refetch::ListParams)
Q_DECLARE_METATYPE(refetch::ProviderOptions)
Q_DECLARE_METATYPE(FieldErrors)

namespace {

// The recorded answers' server, as the DRF pages name it.
constexpr auto Drf = "http://127.0.0.1:8000";

Json parsed(const char *text)
{
    JsonParseError error;
    const Json json = Json::parse(QByteArrayView(text), &error);
    if (!error.ok())
        qFatal("bad JSON in the test: %s: %s", qPrintable(error.message), text);
    return json;
}

// "a=1&b=2" with the items sorted, decoded: what a server reads, whatever the order they were added in.
QString sortedQuery(const QUrl &url)
{
    QStringList items;
    for (const auto &[name, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded))
        items.append(name + u'=' + value);
    items.sort();
    return items.join(u'&');
}

QString sortedQuery(const QString &query)
{
    QUrl url;
    url.setQuery(query);
    return sortedQuery(url);
}

QString describe(const FieldErrors &errors)
{
    QStringList parts;
    for (auto it = errors.cbegin(); it != errors.cend(); ++it)
        parts.append(it.key() + u": "_s + it.value().join(u" | "_s));
    return parts.join(u"; "_s);
}

QByteArray text(const Json &json)
{
    return json.isUndefined() ? QByteArray("undefined") : json.toJson();
}

ResourceInfo openApiPosts()
{
    ResourceInfo info{.name = u"posts"_s, .path = u"/posts"_s};
    info.sortKnown = true;
    info.sortFields = {u"id"_s, u"title"_s};
    info.searchKnown = true;
    info.searchParam = u"q"_s;
    info.sortParam = u"order_by"_s;
    info.paging = Paging::Offset;
    info.pagingKnown = true;
    info.pageParam = u"skip"_s;
    info.sizeParam = u"limit"_s;
    return info;
}

ProviderOptions withResource(ResourceInfo info, ProviderOptions options = {})
{
    options.resources.insert(info.name, info);
    return options;
}

} // namespace

// Each REST dialect's provider on its own: the requests ListParams make, the recorded answers of the real servers
// read into rows, total and next, record paths and write bodies, the options' JSON; then listFn against an HTTP
// fixture (Content-Range totals, a next link to another server, a 304); and every dialect's field errors.
class tst_DataProvider : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void listRequest_data();
    void listRequest();
    void parseList_data();
    void parseList();
    void findRows_data();
    void findRows();
    void recordPath_data();
    void recordPath();
    void recordUrlOnTheWire();
    void recordPathFollowsSelfLink_data();
    void recordPathFollowsSelfLink();
    void jsonApiWrites();
    void manyRequest_data();
    void manyRequest();
    void optionsRoundTrip();
    void optionsFromGarbage();
    void create();
    void listFnContentRange_data();
    void listFnContentRange();
    void listFnRefusesAnotherOrigin();
    void listFnNotModifiedKeepsData();
    void fieldErrors_data();
    void fieldErrors();
};

void tst_DataProvider::listRequest_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<ProviderOptions>("options");
    QTest::addColumn<ListParams>("params");
    QTest::addColumn<QString>("url");      // the whole URL when set (a followed link); else path + query
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("headers");

    const QString js = JsonServerProvider::Dialect, js1 = JsonServer1Provider::Dialect, drf = DrfProvider::Dialect,
                  oa = OpenApiProvider::Dialect, ja = JsonApiProvider::Dialect, gen = GenericProvider::Dialect;
    const ProviderOptions page{.paging = Paging::PageNumber}, offset{.paging = Paging::Offset},
        none{.paging = Paging::None}, cursor{.paging = Paging::Cursor}, range{.paging = Paging::Range};
    const QString drfNext = QString::fromLatin1(Drf) + u"/posts/?page=3&page_size=3"_s;
    const QString drfCursor = QString::fromLatin1(Drf) + u"/posts/?cursor=cD0y&page_size=2"_s;
    const auto row = [](const QString &dialect, const char *name) {
        return &QTest::newRow(qPrintable(dialect + u": "_s + QLatin1StringView(name)));
    };

    // json-server 0.17: _page/_limit, _start/_end, _sort&_order, q.
    *row(js, "page 1") << js << page << ListParams{.page = 1, .pageSize = 10} << QString() << "/v1/posts"
                       << "_page=1&_limit=10" << QStringList();
    *row(js, "page 2") << js << page << ListParams{.page = 2, .pageSize = 10} << QString() << "/v1/posts"
                       << "_page=2&_limit=10" << QStringList();
    *row(js, "page 3") << js << page << ListParams{.page = 3, .pageSize = 25} << QString() << "/v1/posts"
                       << "_page=3&_limit=25" << QStringList();
    *row(js, "offset") << js << offset << ListParams{.page = 3, .pageSize = 10, .offset = 20} << QString()
                       << "/v1/posts" << "_start=20&_end=30" << QStringList();
    *row(js, "none") << js << none << ListParams{.page = 1, .pageSize = 10} << QString() << "/v1/posts" << ""
                     << QStringList();
    *row(js, "range becomes page") << js << range << ListParams{.page = 2, .pageSize = 10, .offset = 10} << QString()
                                   << "/v1/posts" << "_page=2&_limit=10" << QStringList();
    *row(js, "own parameter names") << js << ProviderOptions{.pageParam = u"p"_s, .sizeParam = u"n"_s}
                                    << ListParams{.page = 2, .pageSize = 10} << QString() << "/v1/posts" << "p=2&n=10"
                                    << QStringList();
    *row(js, "sort asc") << js << none << ListParams{.sort = u"title"_s} << QString() << "/v1/posts"
                         << "_sort=title&_order=asc" << QStringList();
    *row(js, "sort desc") << js << none << ListParams{.sort = u"title"_s, .order = Qt::DescendingOrder} << QString()
                          << "/v1/posts" << "_sort=title&_order=desc" << QStringList();
    *row(js, "search and filters") << js << none
                                   << ListParams{.search = u"a b"_s, .filters = {{u"userId"_s, u"4"_s}, {u"views_gte"_s, u"10"_s}}}
                                   << QString() << "/v1/posts" << "q=a b&userId=4&views_gte=10" << QStringList();

    // json-server 1.x: _page/_per_page, _sort=-field, no search unless a parameter is named.
    *row(js1, "page 1") << js1 << page << ListParams{.page = 1, .pageSize = 3} << QString() << "/v1/posts"
                        << "_page=1&_per_page=3" << QStringList();
    *row(js1, "page 2") << js1 << page << ListParams{.page = 2, .pageSize = 3} << QString() << "/v1/posts"
                        << "_page=2&_per_page=3" << QStringList();
    *row(js1, "page 3") << js1 << page << ListParams{.page = 3, .pageSize = 3} << QString() << "/v1/posts"
                        << "_page=3&_per_page=3" << QStringList();
    *row(js1, "offset") << js1 << offset << ListParams{.page = 2, .pageSize = 5, .offset = 5} << QString()
                        << "/v1/posts" << "_start=5&_end=10" << QStringList();
    *row(js1, "cursor becomes page") << js1 << cursor << ListParams{.page = 2, .pageSize = 3} << QString()
                                     << "/v1/posts" << "_page=2&_per_page=3" << QStringList();
    *row(js1, "sort asc") << js1 << none << ListParams{.sort = u"views"_s} << QString() << "/v1/posts" << "_sort=views"
                          << QStringList();
    *row(js1, "sort desc") << js1 << none << ListParams{.sort = u"views"_s, .order = Qt::DescendingOrder} << QString()
                           << "/v1/posts" << "_sort=-views" << QStringList();
    *row(js1, "no search") << js1 << none << ListParams{.search = u"post"_s} << QString() << "/v1/posts" << ""
                           << QStringList();
    {
        ResourceInfo info{.name = u"posts"_s, .searchKnown = true, .searchParam = u"title:contains"_s};
        *row(js1, "search named") << js1 << withResource(info, none) << ListParams{.search = u"post"_s} << QString()
                                  << "/v1/posts" << "title:contains=post" << QStringList();
    }
    *row(js1, "filters") << js1 << none << ListParams{.filters = {{u"views_gt"_s, u"10"_s}}} << QString() << "/v1/posts"
                         << "views_gt=10" << QStringList();

    // Django REST framework: page 1 names both size parameters; later pages follow the "next" link as given.
    *row(drf, "page 1") << drf << page << ListParams{.page = 1, .pageSize = 3} << QString() << "/v1/posts/"
                        << "page_size=3&limit=3" << QStringList();
    *row(drf, "page 2 without a link") << drf << page << ListParams{.page = 2, .pageSize = 3} << QString()
                                       << "/v1/posts/" << "page=2&page_size=3&limit=3" << QStringList();
    *row(drf, "page 3 follows next") << drf << page
                                     << ListParams{.page = 3, .pageSize = 3, .next = QUrl(drfNext), .sort = u"title"_s}
                                     << drfNext << QString() << QString() << QStringList();
    *row(drf, "offset without a link") << drf << offset << ListParams{.page = 4, .pageSize = 2, .offset = 6}
                                       << QString() << "/v1/posts/" << "offset=6&page_size=2&limit=2" << QStringList();
    *row(drf, "cursor page 1") << drf << cursor << ListParams{.page = 1, .pageSize = 2} << QString() << "/v1/posts/"
                               << "page_size=2&limit=2" << QStringList();
    *row(drf, "cursor follows next") << drf << cursor << ListParams{.page = 2, .pageSize = 2, .next = QUrl(drfCursor)}
                                     << drfCursor << QString() << QString() << QStringList();
    *row(drf, "size parameter named") << drf << ProviderOptions{.sizeParam = u"page_size"_s}
                                      << ListParams{.page = 1, .pageSize = 3} << QString() << "/v1/posts/"
                                      << "page_size=3" << QStringList();
    *row(drf, "none") << drf << none << ListParams{.page = 1, .pageSize = 3} << QString() << "/v1/posts/" << ""
                      << QStringList();
    *row(drf, "sort asc") << drf << none << ListParams{.sort = u"views"_s} << QString() << "/v1/posts/"
                          << "ordering=views" << QStringList();
    *row(drf, "sort desc") << drf << none << ListParams{.sort = u"views"_s, .order = Qt::DescendingOrder} << QString()
                           << "/v1/posts/" << "ordering=-views" << QStringList();
    *row(drf, "search") << drf << none << ListParams{.search = u"post"_s} << QString() << "/v1/posts/"
                        << "search=post" << QStringList();
    {
        ResourceInfo info{.name = u"posts"_s, .searchKnown = true};
        *row(drf, "no search") << drf << withResource(info, none) << ListParams{.search = u"post"_s} << QString()
                               << "/v1/posts/" << "" << QStringList();
    }
    *row(drf, "filters") << drf << none << ListParams{.filters = {{u"userId"_s, u"4"_s}, {u"published"_s, u"true"_s}}}
                         << QString() << "/v1/posts/" << "userId=4&published=true" << QStringList();

    // OpenAPI: only what the document declared (ResourceInfo).
    const ProviderOptions fastapi = withResource(openApiPosts(), none);
    *row(oa, "skip/limit page 1") << oa << fastapi << ListParams{.page = 1, .pageSize = 10} << QString() << "/v1/posts"
                                  << "skip=0&limit=10" << QStringList();
    *row(oa, "skip/limit page 3") << oa << fastapi << ListParams{.page = 3, .pageSize = 10, .offset = 20} << QString()
                                  << "/v1/posts" << "skip=20&limit=10" << QStringList();
    *row(oa, "sort asc") << oa << fastapi << ListParams{.pageSize = 10, .sort = u"title"_s} << QString() << "/v1/posts"
                         << "skip=0&limit=10&order_by=title" << QStringList();
    *row(oa, "sort desc") << oa << fastapi << ListParams{.pageSize = 10, .sort = u"title"_s, .order = Qt::DescendingOrder}
                          << QString() << "/v1/posts" << "skip=0&limit=10&order_by=-title" << QStringList();
    *row(oa, "sort on an undeclared field") << oa << fastapi << ListParams{.pageSize = 10, .sort = u"views"_s}
                                            << QString() << "/v1/posts" << "skip=0&limit=10" << QStringList();
    {
        ResourceInfo info = openApiPosts();
        info.orderParam = u"order"_s;
        info.sortKnown = false;
        *row(oa, "sort with a direction parameter")
            << oa << withResource(info, none) << ListParams{.pageSize = 10, .sort = u"views"_s, .order = Qt::DescendingOrder}
            << QString() << "/v1/posts" << "skip=0&limit=10&order_by=views&order=desc" << QStringList();
        info.paging = Paging::PageNumber;
        info.pageParam = u"page"_s;
        info.sizeParam = u"size"_s;
        *row(oa, "page/size") << oa << withResource(info, none) << ListParams{.page = 2, .pageSize = 10} << QString()
                              << "/v1/posts" << "page=2&size=10" << QStringList();
    }
    *row(oa, "search") << oa << fastapi << ListParams{.pageSize = 10, .search = u"post"_s} << QString() << "/v1/posts"
                       << "skip=0&limit=10&q=post" << QStringList();
    *row(oa, "nothing declared") << oa << none
                                 << ListParams{.pageSize = 10, .sort = u"title"_s, .search = u"post"_s}
                                 << QString() << "/v1/posts" << "" << QStringList();
    *row(oa, "filters") << oa << fastapi << ListParams{.pageSize = 10, .filters = {{u"userId"_s, u"4"_s}}} << QString()
                        << "/v1/posts" << "skip=0&limit=10&userId=4" << QStringList();
    {
        ResourceInfo info{.name = u"posts"_s, .paging = Paging::Cursor, .pagingKnown = true, .sizeParam = u"size"_s};
        const QString next = u"http://api.test/v1/posts?cursor=abc&size=10"_s;
        *row(oa, "cursor page 1") << oa << withResource(info, none) << ListParams{.page = 1, .pageSize = 10} << QString()
                                  << "/v1/posts" << "size=10" << QStringList();
        *row(oa, "cursor follows next") << oa << withResource(info, none)
                                        << ListParams{.page = 2, .pageSize = 10, .next = QUrl(next)} << next
                                        << QString() << QString() << QStringList();
    }
    *row(oa, "range") << oa << range << ListParams{.page = 3, .pageSize = 10, .offset = 20} << QString() << "/v1/posts"
                      << "" << QStringList{u"Range-Unit: items"_s, u"Range: 20-29"_s};

    // JSON:API: page[offset]/page[limit] (or page[number]/page[size]), sort=-field, filter[field].
    *row(ja, "offset page 1") << ja << offset << ListParams{.page = 1, .pageSize = 2} << QString() << "/v1/posts"
                              << "page[offset]=0&page[limit]=2" << QStringList();
    *row(ja, "offset page 3") << ja << offset << ListParams{.page = 3, .pageSize = 2, .offset = 4} << QString()
                              << "/v1/posts" << "page[offset]=4&page[limit]=2" << QStringList();
    *row(ja, "page number") << ja << page << ListParams{.page = 2, .pageSize = 2} << QString() << "/v1/posts"
                            << "page[number]=2&page[size]=2" << QStringList();
    *row(ja, "cursor becomes offset") << ja << cursor << ListParams{.page = 2, .pageSize = 2, .offset = 2} << QString()
                                      << "/v1/posts" << "page[offset]=2&page[limit]=2" << QStringList();
    *row(ja, "sort asc") << ja << none << ListParams{.sort = u"title"_s} << QString() << "/v1/posts" << "sort=title"
                         << QStringList();
    *row(ja, "sort desc") << ja << none << ListParams{.sort = u"title"_s, .order = Qt::DescendingOrder} << QString()
                          << "/v1/posts" << "sort=-title" << QStringList();
    *row(ja, "no search") << ja << none << ListParams{.search = u"post"_s} << QString() << "/v1/posts" << ""
                          << QStringList();
    {
        ResourceInfo info{.name = u"posts"_s, .searchKnown = true, .searchParam = u"filter[q]"_s};
        *row(ja, "search named") << ja << withResource(info, none) << ListParams{.search = u"post"_s} << QString()
                                 << "/v1/posts" << "filter[q]=post" << QStringList();
    }
    *row(ja, "filters") << ja << none
                        << ListParams{.filters = {{u"userId"_s, u"4"_s}, {u"filter[published]"_s, u"true"_s}}}
                        << QString() << "/v1/posts" << "filter[userId]=4&filter[published]=true" << QStringList();

    // Generic: page/limit when paging is set; sort and search only when the settings name them.
    *row(gen, "page") << gen << page << ListParams{.page = 2, .pageSize = 10} << QString() << "/v1/posts"
                      << "page=2&limit=10" << QStringList();
    *row(gen, "offset") << gen << offset << ListParams{.page = 2, .pageSize = 10, .offset = 10} << QString()
                        << "/v1/posts" << "offset=10&limit=10" << QStringList();
    *row(gen, "range") << gen << range << ListParams{.page = 1, .pageSize = 50} << QString() << "/v1/posts" << ""
                       << QStringList{u"Range-Unit: items"_s, u"Range: 0-49"_s};
    *row(gen, "nothing named") << gen << none << ListParams{.sort = u"title"_s, .search = u"post"_s} << QString()
                               << "/v1/posts" << "" << QStringList();
    {
        ResourceInfo info{.name = u"posts"_s, .searchParam = u"search"_s, .sortParam = u"sort"_s};
        *row(gen, "sort and search named") << gen << withResource(info, none)
                                           << ListParams{.sort = u"title"_s, .order = Qt::DescendingOrder, .search = u"post"_s}
                                           << QString() << "/v1/posts" << "sort=-title&search=post" << QStringList();
    }
}

void tst_DataProvider::listRequest()
{
    QFETCH(QString, dialect);
    QFETCH(ProviderOptions, options);
    QFETCH(ListParams, params);
    QFETCH(QString, url);
    QFETCH(QString, path);
    QFETCH(QString, query);
    QFETCH(QStringList, headers);

    const auto provider = DataProvider::create(dialect, options);
    QCOMPARE(provider->dialect(), dialect);
    const Endpoint endpoint(nullptr, EndpointConfig{.baseUrl = QUrl(u"http://api.test/v1"_s)});
    const HttpRequest r = provider->listRequest(endpoint, u"posts"_s, params);
    QCOMPARE(r.method, QByteArray("GET"));
    if (!url.isEmpty()) {
        QCOMPARE(r.url, QUrl(url));
    } else {
        QCOMPARE(r.url.host(), u"api.test"_s);
        QCOMPARE(r.url.path(), path);
        QCOMPARE(sortedQuery(r.url), sortedQuery(query));
    }
    QStringList sent;
    for (const auto &[name, value] : r.headers)
        sent.append(QString::fromLatin1(name + ": " + value));
    QCOMPARE(sent, headers);
}

void tst_DataProvider::parseList_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<ProviderOptions>("options");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("meta");    // responseMeta's {"total", "links"}; empty: no such headers
    QTest::addColumn<QByteArray>("rows");    // "undefined": the shape is not a list
    QTest::addColumn<qint64>("total");
    QTest::addColumn<QByteArray>("next");    // "undefined": not said

    const QString js = JsonServerProvider::Dialect, js1 = JsonServer1Provider::Dialect, drf = DrfProvider::Dialect,
                  oa = OpenApiProvider::Dialect, ja = JsonApiProvider::Dialect, gen = GenericProvider::Dialect;
    const QByteArray post4 = R"({"id":4,"userId":4,"title":"Post 4","views":40,"published":true,"rating":null,)"
                             R"("publishedAt":"2024-01-05T09:30:00Z","meta":{"words":12,"tags":["a","b"]}})";
    const QByteArray drfRows = '[' + post4 + ']';

    // Django REST framework, each pagination class as recorded.
    QTest::newRow("drf: page") << drf << ProviderOptions{}
        << QByteArray(R"({"count":45,"next":"http://127.0.0.1:8000/posts/?page=3&page_size=3",)"
                      R"("previous":"http://127.0.0.1:8000/posts/?page_size=3","results":)" + drfRows + "}")
        << QByteArray() << drfRows << qint64(45) << QByteArray(R"("http://127.0.0.1:8000/posts/?page=3&page_size=3")");
    QTest::newRow("drf: limit-offset") << drf << ProviderOptions{.paging = Paging::Offset}
        << QByteArray(R"({"count":45,"next":"http://127.0.0.1:8000/posts/?limit=2&offset=6",)"
                      R"("previous":"http://127.0.0.1:8000/posts/?limit=2&offset=2","results":[{"id":5},{"id":6}]})")
        << QByteArray() << QByteArray(R"([{"id":5},{"id":6}])") << qint64(45)
        << QByteArray(R"("http://127.0.0.1:8000/posts/?limit=2&offset=6")");
    QTest::newRow("drf: cursor, no count") << drf << ProviderOptions{.paging = Paging::Cursor}
        << QByteArray(R"({"next":"http://127.0.0.1:8000/posts/?cursor=cD0y&page_size=2","previous":null,)"
                      R"("results":[{"id":1},{"id":2}]})")
        << QByteArray() << QByteArray(R"([{"id":1},{"id":2}])") << qint64(-1)
        << QByteArray(R"("http://127.0.0.1:8000/posts/?cursor=cD0y&page_size=2")");
    QTest::newRow("drf: last page") << drf << ProviderOptions{}
        << QByteArray(R"({"count":45,"next":null,"previous":"http://127.0.0.1:8000/posts/?page=14&page_size=3",)"
                      R"("results":[{"id":45}]})")
        << QByteArray() << QByteArray(R"([{"id":45}])") << qint64(45) << QByteArray("null");
    QTest::newRow("drf: no pagination class") << drf << ProviderOptions{.paging = Paging::None}
        << QByteArray(R"([{"id":1},{"id":2}])") << QByteArray() << QByteArray(R"([{"id":1},{"id":2}])") << qint64(-1)
        << QByteArray("undefined");
    QTest::newRow("drf: not its shape") << drf << ProviderOptions{}
        << QByteArray(R"({"detail":"Not found."})") << QByteArray() << QByteArray("undefined") << qint64(-1)
        << QByteArray("undefined");

    // json-server 1.0.0-beta.3: the envelope with "items" as the total and "next" as a page number.
    QTest::newRow("json-server-1: page 2") << js1 << ProviderOptions{}
        << QByteArray(R"({"first":1,"prev":1,"next":3,"last":15,"pages":15,"items":45,"data":[{"id":"4","title":"Post 4"}]})")
        << QByteArray() << QByteArray(R"([{"id":"4","title":"Post 4"}])") << qint64(45) << QByteArray(R"("3")");
    QTest::newRow("json-server-1: last page") << js1 << ProviderOptions{}
        << QByteArray(R"({"first":1,"prev":14,"next":null,"last":15,"pages":15,"items":45,"data":[{"id":"45"}]})")
        << QByteArray() << QByteArray(R"([{"id":"45"}])") << qint64(45) << QByteArray("null");
    QTest::newRow("json-server-1: no paging") << js1 << ProviderOptions{.paging = Paging::None}
        << QByteArray(R"([{"id":"1"}])") << QByteArray() << QByteArray(R"([{"id":"1"}])") << qint64(-1)
        << QByteArray("undefined");

    // json-server 0.17: a plain array, the total and the links from the headers.
    QTest::newRow("json-server: headers") << js << ProviderOptions{}
        << QByteArray(R"([{"id":4}])")
        << QByteArray(R"({"total":45,"links":{"first":"http://h/posts?_page=1","next":"http://h/posts?_page=3"}})")
        << QByteArray(R"([{"id":4}])") << qint64(45) << QByteArray(R"("http://h/posts?_page=3")");
    QTest::newRow("json-server: links without next") << js << ProviderOptions{}
        << QByteArray(R"([{"id":45}])") << QByteArray(R"({"total":45,"links":{"prev":"http://h/posts?_page=14"}})")
        << QByteArray(R"([{"id":45}])") << qint64(45) << QByteArray("null");
    QTest::newRow("json-server: no headers") << js << ProviderOptions{}
        << QByteArray(R"([{"id":1}])") << QByteArray() << QByteArray(R"([{"id":1}])") << qint64(-1)
        << QByteArray("undefined");

    // JSON:API (Fortune): flattened, meta.count, links.next.
    QTest::newRow("jsonapi: page") << ja << ProviderOptions{}
        << QByteArray(R"({"jsonapi":{"version":"1.0"},"meta":{"count":45},)"
                      R"("links":{"self":"/posts?page%5Boffset%5D=3&page%5Blimit%5D=2","next":"/posts?page%5Boffset%5D=4&page%5Blimit%5D=2"},)"
                      R"("data":[{"type":"posts","id":"4","attributes":{"userId":4,"title":"Post 4"},"links":{"self":"/posts/4"}}]})")
        << QByteArray() << QByteArray(R"([{"id":"4","userId":4,"title":"Post 4"}])") << qint64(45)
        << QByteArray(R"("/posts?page%5Boffset%5D=4&page%5Blimit%5D=2")");
    QTest::newRow("jsonapi: relationships") << ja << ProviderOptions{}
        << QByteArray(R"({"data":[{"type":"posts","id":"4","attributes":{"title":"Post 4"},"relationships":{)"
                      R"("author":{"data":{"type":"users","id":"9"}},)"
                      R"("tags":{"data":[{"type":"tags","id":"1"},{"type":"tags","id":"2"}]},)"
                      R"("editor":{"data":null},)"
                      R"("comments":{"links":{"related":"/posts/4/comments"}}}}],)"
                      R"("links":{"self":"/posts"}})")
        << QByteArray() << QByteArray(R"([{"id":"4","title":"Post 4","author":"9","tags":["1","2"],"editor":null}])")
        << qint64(-1) << QByteArray("null");
    QTest::newRow("jsonapi: next as a link object") << ja << ProviderOptions{}
        << QByteArray(R"({"meta":{"page":{"total":7}},"links":{"next":{"href":"/posts?page%5Bnumber%5D=2"}},"data":[]})")
        << QByteArray() << QByteArray("[]") << qint64(7) << QByteArray(R"("/posts?page%5Bnumber%5D=2")");
    // Numbers as the server wrote them (they went through a QJsonObject, which rounded them), found by fuzz_answers.
    QTest::newRow("jsonapi: numbers as written") << ja << ProviderOptions{}
        << QByteArray(R"({"data":[{"type":"posts","id":"1","attributes":{"big":12345678901234567890123,)"
                      R"("exact":0.1000000000000000055511151231257827,"id":"1"}}]})")
        << QByteArray() << QByteArray(R"([{"id":"1","big":12345678901234567890123,"exact":0.1000000000000000055511151231257827}])")
        << qint64(-1) << QByteArray("undefined");
    QTest::newRow("json-server-1: a negative count is no count") << js1 << ProviderOptions{}
        << QByteArray(R"({"first":1,"prev":null,"next":null,"last":1,"pages":1,"items":-2,"data":[{"id":"4"}]})")
        << QByteArray() << QByteArray(R"([{"id":"4"}])") << qint64(-1) << QByteArray("null");
    QTest::newRow("jsonapi: a record is no list") << ja << ProviderOptions{}
        << QByteArray(R"({"data":{"type":"posts","id":"7","attributes":{"title":"x"}}})") << QByteArray()
        << QByteArray("undefined") << qint64(-1) << QByteArray("undefined");

    // OpenAPI: FastAPI's plain array, fastapi-pagination's envelope.
    QTest::newRow("openapi: plain array") << oa << ProviderOptions{}
        << QByteArray(R"([{"id":1},{"id":2}])") << QByteArray() << QByteArray(R"([{"id":1},{"id":2}])") << qint64(-1)
        << QByteArray("undefined");
    QTest::newRow("openapi: X-Total-Count") << oa << ProviderOptions{}
        << QByteArray(R"([{"id":1}])") << QByteArray(R"({"total":45})") << QByteArray(R"([{"id":1}])") << qint64(45)
        << QByteArray("undefined");
    QTest::newRow("openapi: items envelope") << oa << ProviderOptions{}
        << QByteArray(R"({"items":[{"id":1}],"total":45,"page":1,"size":1,"pages":45})") << QByteArray()
        << QByteArray(R"([{"id":1}])") << qint64(45) << QByteArray("undefined");

    // Generic: wherever the one array is.
    QTest::newRow("generic: items") << gen << ProviderOptions{}
        << QByteArray(R"({"items":[{"id":1}]})") << QByteArray() << QByteArray(R"([{"id":1}])") << qint64(-1)
        << QByteArray("undefined");
    QTest::newRow("generic: data.items") << gen << ProviderOptions{}
        << QByteArray(R"({"data":{"items":[{"id":1}]}})") << QByteArray() << QByteArray(R"([{"id":1}])") << qint64(-1)
        << QByteArray("undefined");
    QTest::newRow("generic: one array, a next") << gen << ProviderOptions{}
        << QByteArray(R"({"posts":[{"id":1}],"total":9,"next":"/posts?after=1"})") << QByteArray()
        << QByteArray(R"([{"id":1}])") << qint64(9) << QByteArray(R"("/posts?after=1")");
    QTest::newRow("generic: two arrays") << gen << ProviderOptions{}
        << QByteArray(R"({"posts":[{"id":1}],"users":[{"id":2}]})") << QByteArray() << QByteArray("undefined")
        << qint64(-1) << QByteArray("undefined");
    QTest::newRow("generic: rows path") << gen << ProviderOptions{.rowsPath = u"result.list"_s, .totalPath = u"result.n"_s}
        << QByteArray(R"({"result":{"list":[{"id":1}],"n":3,"other":[]}})") << QByteArray()
        << QByteArray(R"([{"id":1}])") << qint64(3) << QByteArray("undefined");
    QTest::newRow("generic: a scalar") << gen << ProviderOptions{}
        << QByteArray(R"("text")") << QByteArray() << QByteArray("undefined") << qint64(-1) << QByteArray("undefined");
}

void tst_DataProvider::parseList()
{
    QFETCH(QString, dialect);
    QFETCH(ProviderOptions, options);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, meta);
    QFETCH(QByteArray, rows);
    QFETCH(qint64, total);
    QFETCH(QByteArray, next);

    const auto provider = DataProvider::create(dialect, options);
    const ListPage page = provider->parseList(parsed(body.constData()),
                                              meta.isEmpty() ? Json() : parsed(meta.constData()), ListParams{});
    const Json expectedRows = rows == "undefined" ? Json() : parsed(rows.constData());
    QVERIFY2(page.rows == expectedRows, text(page.rows).constData());
    QCOMPARE(page.total, total);
    QCOMPARE(text(page.next), next);

    // The normalised page the cache keeps, and back.
    if (page.rows.isArray()) {
        const Json data = DataProvider::pageData(page);
        QVERIFY(data.value(u"total").isNull() == (total < 0));
        const ListPage again = DataProvider::pageOf(data);
        QVERIFY(again.rows == page.rows);
        QCOMPARE(again.total, page.total);
        QCOMPARE(text(again.next), next);
    }
}

void tst_DataProvider::findRows_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("rows");
    QTest::addColumn<QString>("path");

    QTest::newRow("array") << QByteArray("[1]") << QByteArray("[1]") << QString();
    QTest::newRow("items") << QByteArray(R"({"items":[{"id":1}],"total":1})") << QByteArray(R"([{"id":1}])") << u"items"_s;
    QTest::newRow("data.items") << QByteArray(R"({"data":{"items":[{"id":1}]}})") << QByteArray(R"([{"id":1}])")
                                << u"data.items"_s;
    QTest::newRow("results first") << QByteArray(R"({"tags":["a"],"results":[{"id":1}]})") << QByteArray(R"([{"id":1}])")
                                   << u"results"_s;
    QTest::newRow("the one array") << QByteArray(R"({"count":1,"posts":[{"id":1}]})") << QByteArray(R"([{"id":1}])")
                                   << u"posts"_s;
    QTest::newRow("two arrays") << QByteArray(R"({"posts":[{"id":1}],"users":[]})") << QByteArray("undefined") << QString();
    QTest::newRow("no array") << QByteArray(R"({"id":1})") << QByteArray("undefined") << QString();
    QTest::newRow("scalar") << QByteArray("3") << QByteArray("undefined") << QString();
}

void tst_DataProvider::findRows()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, rows);
    QFETCH(QString, path);
    QString found;
    const Json r = GenericProvider::findRows(parsed(body.constData()), &found);
    QCOMPARE(text(r), rows == "undefined" ? rows : parsed(rows.constData()).toJson());
    QCOMPARE(found, path);
}

void tst_DataProvider::recordPath_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<ProviderOptions>("options");
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<QString>("path");

    const ResourceInfo at{.name = u"posts"_s, .path = u"/api/v2/posts"_s};
    QTest::newRow("json-server number") << JsonServerProvider::Dialect << ProviderOptions{} << QByteArray("7") << "/posts/7";
    QTest::newRow("json-server string") << JsonServerProvider::Dialect << ProviderOptions{} << QByteArray(R"("a/b c")")
                                        << "/posts/a%2Fb%20c";
    QTest::newRow("json-server-1 string") << JsonServer1Provider::Dialect << ProviderOptions{} << QByteArray(R"("4")")
                                          << "/posts/4";
    QTest::newRow("drf number") << DrfProvider::Dialect << ProviderOptions{} << QByteArray("7") << "/posts/7/";
    QTest::newRow("drf string") << DrfProvider::Dialect << ProviderOptions{} << QByteArray(R"("a/b c")")
                                << "/posts/a%2Fb%20c/";
    QTest::newRow("drf own path") << DrfProvider::Dialect << withResource(ResourceInfo{.name = u"posts"_s, .path = u"/blog/posts/"_s})
                                  << QByteArray("7") << "/blog/posts/7/";
    QTest::newRow("openapi own path") << OpenApiProvider::Dialect << withResource(at) << QByteArray("7")
                                      << "/api/v2/posts/7";
    QTest::newRow("jsonapi") << JsonApiProvider::Dialect << ProviderOptions{} << QByteArray(R"("7")") << "/posts/7";
    QTest::newRow("generic unicode") << GenericProvider::Dialect << ProviderOptions{} << QByteArray(R"("é?#")")
                                     << "/posts/%C3%A9%3F%23";
}

void tst_DataProvider::recordPath()
{
    QFETCH(QString, dialect);
    QFETCH(ProviderOptions, options);
    QFETCH(QByteArray, id);
    QFETCH(QString, path);
    const auto provider = DataProvider::create(dialect, options);
    QCOMPARE(provider->recordPath(u"posts"_s, parsed(id.constData())), path);
    QCOMPARE(provider->createPath(u"posts"_s), provider->listPath(u"posts"_s));
}

// The record path is percent-encoded: the URL sent must carry it as it is, not encode it twice.
void tst_DataProvider::recordPathFollowsSelfLink_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QByteArray>("record");
    QTest::addColumn<QString>("path");
    const QString convention = u"/books/7/"_s;
    QTest::newRow("DRF url") << u"http://h:8000/api"_s << QByteArray(R"({"id":7,"url":"http://h:8000/api/library/books/7/"})")
                             << u"/library/books/7/"_s;
    QTest::newRow("HAL self") << u"http://h:8000/api/"_s << QByteArray(R"({"id":7,"_links":{"self":{"href":"/api/b/7"}}})")
                              << u"/b/7"_s;
    QTest::newRow("no link") << u"http://h:8000/api"_s << QByteArray(R"({"id":7})") << convention;
    QTest::newRow("another server") << u"http://h:8000/api"_s << QByteArray(R"({"id":7,"url":"http://evil:8000/api/books/7/"})")
                                    << convention;
    QTest::newRow("another port") << u"http://h:8000/api"_s << QByteArray(R"({"id":7,"url":"http://h:9000/api/books/7/"})")
                                  << convention;
    QTest::newRow("outside the base path") << u"http://h:8000/api"_s << QByteArray(R"({"id":7,"url":"http://h:8000/admin/7/"})")
                                           << convention;
    QTest::newRow("a url field that is data") << u"http://h:8000/api"_s << QByteArray(R"({"id":7,"url":"https://example.com/"})")
                                              << convention;
}

void tst_DataProvider::recordPathFollowsSelfLink()
{
    QFETCH(QString, base);
    QFETCH(QByteArray, record);
    QFETCH(QString, path);
    const auto provider = DataProvider::create(DrfProvider::Dialect);
    QCOMPARE(provider->recordPath(QUrl(base), u"books"_s, Json(7), Json::parse(record)), path);
}

void tst_DataProvider::recordUrlOnTheWire()
{
    ClientHarness h;
    const auto provider = DataProvider::create(JsonServerProvider::Dialect);
    const HttpRequest r = h.endpoint->request("GET", provider->recordPath(u"posts"_s, Json(u"a/b c"_s)));
    QCOMPARE(r.url.toEncoded(), h.fixture.baseUrl().toEncoded() + "/posts/a%2Fb%20c");
}

void tst_DataProvider::jsonApiWrites()
{
    const auto plain = DataProvider::create(JsonApiProvider::Dialect);
    const Json fields = parsed(R"({"id":"7","title":"New","userId":4})");
    QCOMPARE(plain->writeBody(u"posts"_s, fields, Json()).canonical(),
             parsed(R"({"data":{"type":"posts","attributes":{"title":"New","userId":4}}})").canonical());
    QCOMPARE(plain->writeBody(u"posts"_s, fields, Json(7)).canonical(),
             parsed(R"({"data":{"type":"posts","id":"7","attributes":{"title":"New","userId":4}}})").canonical());
    QCOMPARE(plain->writeBody(u"posts"_s, fields, Json(nullptr)).value(u"data").contains(u"id"), false);
    // The record type when it differs from the resource's name.
    const auto typed = DataProvider::create(JsonApiProvider::Dialect,
                                            withResource(ResourceInfo{.name = u"posts"_s, .type = u"articles"_s}));
    QCOMPARE(typed->writeBody(u"posts"_s, parsed(R"({"title":"x"})"), Json(u"7"_s)).canonical(),
             parsed(R"({"data":{"type":"articles","id":"7","attributes":{"title":"x"}}})").canonical());
    const Headers jsonApi{{"Content-Type", "application/vnd.api+json"}, {"Accept", "application/vnd.api+json"}};
    QCOMPARE(plain->writeHeaders(), jsonApi);
    QCOMPARE(plain->readHeaders(), Headers({{"Accept", "application/vnd.api+json"}}));
    // A number typed with more digits than a double keeps goes as typed.
    const Json big = Json::object({{u"count", Json::fromNumberText(QByteArrayView("12345678901234567890123"))}});
    QVERIFY(plain->writeBody(u"posts"_s, big, Json(7)).toJson().contains(R"("count":12345678901234567890123)"));
    QCOMPARE(plain->parseRecord(parsed(R"({"data":{"type":"posts","id":"7","attributes":{"title":"x"}}})")).canonical(),
             parsed(R"({"id":"7","title":"x"})").canonical());

    // The other dialects send the fields as they are.
    for (const QString &dialect : DataProvider::dialects()) {
        if (dialect == JsonApiProvider::Dialect)
            continue;
        const auto p = DataProvider::create(dialect);
        QVERIFY2(p->writeBody(u"posts"_s, fields, Json(7)) == fields, qPrintable(dialect));
        QVERIFY(p->writeHeaders().isEmpty());
        QVERIFY(p->readHeaders().isEmpty());
        QVERIFY(p->parseRecord(fields) == fields);
    }
}

void tst_DataProvider::manyRequest_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<ProviderOptions>("options");
    QTest::addColumn<bool>("has");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("query");

    QTest::newRow("json-server") << JsonServerProvider::Dialect << ProviderOptions{} << true << "/posts" << "id=1&id=a b";
    QTest::newRow("json-server own id") << JsonServerProvider::Dialect << ProviderOptions{.idField = u"uuid"_s} << true
                                        << "/posts" << "uuid=1&uuid=a b";
    QTest::newRow("json-server-1") << JsonServer1Provider::Dialect << ProviderOptions{} << false << "" << "";
    QTest::newRow("drf") << DrfProvider::Dialect << ProviderOptions{} << true << "/posts/" << "id__in=1,a b&limit=2&page_size=2";
    QTest::newRow("openapi") << OpenApiProvider::Dialect << ProviderOptions{} << false << "" << "";
    QTest::newRow("jsonapi") << JsonApiProvider::Dialect << ProviderOptions{} << true << "/posts/1,a%20b" << "";
    QTest::newRow("generic") << GenericProvider::Dialect << ProviderOptions{} << false << "" << "";
}

void tst_DataProvider::manyRequest()
{
    QFETCH(QString, dialect);
    QFETCH(ProviderOptions, options);
    QFETCH(bool, has);
    QFETCH(QString, path);
    QFETCH(QString, query);
    const auto provider = DataProvider::create(dialect, options);
    const auto many = provider->manyRequest(u"posts"_s, {Json(1), Json(u"a b"_s)});
    QCOMPARE(many.has_value(), has);
    if (!has)
        return;
    QCOMPARE(many->first, path);
    QUrl url;
    url.setQuery(many->second);
    QCOMPARE(sortedQuery(url), sortedQuery(query));
}

void tst_DataProvider::optionsRoundTrip()
{
    ResourceInfo posts = openApiPosts();
    posts.count = 0;   // zero records is a count, not "unknown"
    posts.filterFields = {u"userId"_s, u"published"_s};
    posts.orderParam = u"order"_s;
    posts.type = u"articles"_s;
    ResourceInfo users{.name = u"users"_s, .count = 12};
    const ProviderOptions o{.paging = Paging::Cursor, .pageParam = u"p"_s, .sizeParam = u"n"_s,
                            .rowsPath = u"data.items"_s, .totalPath = u"meta.total"_s, .idField = u"uuid"_s,
                            .updateMethod = "PUT", .trailingSlash = true, .maxPageSize = 1000,
                            .resources = {{u"posts"_s, posts}, {u"users"_s, users}}};
    // Through text, as the settings file and the persisted detection keep it.
    const ProviderOptions back = ProviderOptions::fromJson(parsed(o.toJson().toJson().constData()));
    QCOMPARE(back.paging, Paging::Cursor);
    QCOMPARE(back.pageParam, u"p"_s);
    QCOMPARE(back.sizeParam, u"n"_s);
    QCOMPARE(back.rowsPath, u"data.items"_s);
    QCOMPARE(back.totalPath, u"meta.total"_s);
    QCOMPARE(back.idField, u"uuid"_s);
    QCOMPARE(back.updateMethod, QByteArray("PUT"));
    QCOMPARE(back.trailingSlash, true);
    QCOMPARE(back.maxPageSize, 1000);
    QCOMPARE(back.resources.size(), 2);
    const ResourceInfo p = back.resources.value(u"posts"_s);
    QCOMPARE(p.name, posts.name);
    QCOMPARE(p.path, posts.path);
    QCOMPARE(p.count, 0);
    QCOMPARE(p.sortKnown, true);
    QCOMPARE(p.sortFields, posts.sortFields);
    QCOMPARE(p.searchKnown, true);
    QCOMPARE(p.searchParam, u"q"_s);
    QCOMPARE(p.filterFields, posts.filterFields);
    QCOMPARE(p.sortParam, u"order_by"_s);
    QCOMPARE(p.orderParam, u"order"_s);
    QCOMPARE(p.type, u"articles"_s);
    QCOMPARE(p.paging, Paging::Offset);
    QCOMPARE(p.pagingKnown, true);
    QCOMPARE(p.pageParam, u"skip"_s);
    QCOMPARE(p.sizeParam, u"limit"_s);
    const ResourceInfo u = back.resources.value(u"users"_s);
    QCOMPARE(u.count, 12);
    QCOMPARE(u.pagingKnown, false);
    QCOMPARE(u.sortKnown, false);
    QVERIFY(u.sortFields.isEmpty());
    // Nothing lost or added on a second trip.
    QCOMPARE(back.toJson().canonical(), o.toJson().canonical());
    QCOMPARE(ResourceInfo::fromJson(posts.toJson()).toJson().canonical(), posts.toJson().canonical());

    // Defaults stay defaults.
    const ProviderOptions d = ProviderOptions::fromJson(ProviderOptions{}.toJson());
    QCOMPARE(d.paging, Paging::PageNumber);
    QCOMPARE(d.idField, u"id"_s);
    QVERIFY(d.updateMethod.isEmpty());
    QCOMPARE(d.trailingSlash, false);
    QCOMPARE(d.maxPageSize, 0);
    QVERIFY(d.resources.isEmpty());
    const ResourceInfo r = ResourceInfo::fromJson(ResourceInfo{.name = u"x"_s}.toJson());
    QCOMPARE(r.count, -1);
    QCOMPARE(r.pagingKnown, false);
    QCOMPARE(r.paging, Paging::None);
}

void tst_DataProvider::optionsFromGarbage()
{
    for (const char *json : {"null", "[1,2]", R"("page")", R"({"paging":"sideways","idField":"","resources":[{"count":3},7]})"}) {
        const ProviderOptions o = ProviderOptions::fromJson(parsed(json));
        QCOMPARE(o.paging, Paging::PageNumber);
        QCOMPARE(o.idField, u"id"_s);
        QVERIFY2(o.resources.isEmpty(), json);   // a resource without a name is dropped
    }
    QCOMPARE(ProviderOptions::fromJson(Json()).idField, u"id"_s);
    for (Paging p : {Paging::None, Paging::PageNumber, Paging::Offset, Paging::Cursor, Paging::Range}) {
        QCOMPARE(pagingFromName(pagingName(p), Paging::Range), p);
        QVERIFY(!pagingDescription(p).isEmpty());
    }
}

void tst_DataProvider::create()
{
    const QStringList dialects = DataProvider::dialects();
    QCOMPARE(dialects.size(), 6);
    QSet<QString> names;
    for (const QString &dialect : dialects) {
        const auto p = DataProvider::create(dialect);
        QVERIFY(p);
        QCOMPARE(p->dialect(), dialect);
        QVERIFY(!p->displayName().isEmpty());
        QCOMPARE(DataProvider::dialectDisplayName(dialect), p->displayName());
        names.insert(p->displayName());
        QCOMPARE(p->idField(), u"id"_s);
        QCOMPARE(p->updateMethod(), QByteArray("PATCH"));
    }
    QCOMPARE(names.size(), dialects.size());
    QCOMPARE(DataProvider::create(u"soap"_s)->dialect(), GenericProvider::Dialect);
    QCOMPARE(DataProvider::create(QString())->dialect(), GenericProvider::Dialect);

    // What each dialect makes of options it cannot use.
    QCOMPARE(DataProvider::create(DrfProvider::Dialect)->options().trailingSlash, true);
    QCOMPARE(DataProvider::create(DrfProvider::Dialect, {.paging = Paging::Range})->paging(u"posts"_s), Paging::PageNumber);
    QCOMPARE(DataProvider::create(JsonServerProvider::Dialect, {.paging = Paging::Cursor})->paging(u"posts"_s),
             Paging::PageNumber);
    QCOMPARE(DataProvider::create(JsonApiProvider::Dialect, {.paging = Paging::Range})->paging(u"posts"_s), Paging::Offset);
    QCOMPARE(DataProvider::create(GenericProvider::Dialect, {.paging = Paging::Range})->paging(u"posts"_s), Paging::Range);
    QCOMPARE(DataProvider::create(GenericProvider::Dialect, {.idField = QString(), .updateMethod = "PUT"})->idField(), u"id"_s);
    QCOMPARE(DataProvider::create(GenericProvider::Dialect, {.updateMethod = "PUT"})->updateMethod(), QByteArray("PUT"));
    // A resource's own paging wins over the provider's.
    const auto oa = DataProvider::create(OpenApiProvider::Dialect, withResource(openApiPosts()));
    QCOMPARE(oa->paging(u"posts"_s), Paging::Offset);
    QCOMPARE(oa->paging(u"users"_s), Paging::PageNumber);
    QVERIFY(oa->canSort(u"posts"_s, u"title"_s));
    QVERIFY(!oa->canSort(u"posts"_s, u"views"_s));
    QVERIFY(!oa->canSort(u"users"_s, u"title"_s));
    QVERIFY(oa->canSearch(u"posts"_s));
    QVERIFY(!oa->canSearch(u"users"_s));
    QVERIFY(!DataProvider::create(JsonServer1Provider::Dialect)->canSearch(u"posts"_s));
    QVERIFY(DataProvider::create(JsonServerProvider::Dialect)->canSearch(u"posts"_s));
    QVERIFY(!DataProvider::create(GenericProvider::Dialect)->canSort(u"posts"_s, u"id"_s));
}

void tst_DataProvider::listFnContentRange_data()
{
    QTest::addColumn<int>("status");
    QTest::newRow("206 Partial Content") << 206;
    QTest::newRow("200 OK") << 200;
}

void tst_DataProvider::listFnContentRange()
{
    QFETCH(int, status);
    ClientHarness h;
    QByteArray rows = "[";
    for (int i = 1; i <= 10; ++i)
        rows += (i > 1 ? "," : "") + QByteArray(R"({"id":)") + QByteArray::number(i) + '}';
    rows += ']';
    h.fixture.route("GET", u"/posts"_s, [rows, status](const RecordedRequest &) {
        Response r = Response::json(rows, status);
        r.headers.emplaceBack("Content-Range", "items 0-9/250");
        return r;
    });
    const auto provider = DataProvider::create(GenericProvider::Dialect, {.paging = Paging::Range});
    QueryOptions o;
    o.key = QueryKey{"default", "posts", 1};
    o.fn = provider->listFn(*h.endpoint, u"posts"_s, ListParams{.page = 1, .pageSize = 10});
    o.retry = RetryPolicy::none();
    QueryObserver observer(&h.client, o);
    QTRY_VERIFY(observer.isSuccess());
    const Json data = observer.data();
    QCOMPARE(data.value(u"total").toInteger(-1), qint64(250));
    QCOMPARE(data.value(u"data").size(), 10);
    QVERIFY(data.value(u"next").isUndefined());
    QCOMPARE(h.fixture.count("GET", u"/posts"_s), 1);
    const RecordedRequest sent = h.fixture.requests().first();
    QCOMPARE(sent.headers.value("range"), QByteArray("0-9"));
    QCOMPARE(sent.headers.value("range-unit"), QByteArray("items"));
}

void tst_DataProvider::listFnRefusesAnotherOrigin()
{
    ClientHarness h;
    HttpFixture elsewhere;
    QVERIFY(elsewhere.start());
    elsewhere.setJson(u"/posts/"_s, R"({"count":1,"next":null,"previous":null,"results":[{"id":1}]})");
    // The same host on another port is another origin too.
    QUrl next = elsewhere.baseUrl();
    next.setPath(u"/posts/"_s);
    next.setQuery(u"page=2&page_size=3"_s);
    const auto provider = DataProvider::create(DrfProvider::Dialect);
    QueryOptions o;
    o.key = QueryKey{"default", "posts", 2};
    o.fn = provider->listFn(*h.endpoint, u"posts"_s, ListParams{.page = 2, .pageSize = 3, .next = next});
    o.retry = RetryPolicy::none();
    QueryObserver observer(&h.client, o);
    QTRY_VERIFY(observer.isError());
    QVERIFY(observer.error());
    QVERIFY2(observer.error()->toString().contains(u"another server"_s), qPrintable(observer.error()->toString()));
    QCOMPARE(elsewhere.count(), 0);
    QCOMPARE(h.fixture.count(), 0);

    // A link on the endpoint's own server is followed as given.
    h.fixture.setJson(u"/posts/"_s, R"({"count":4,"next":null,"previous":null,"results":[{"id":4}]})");
    QUrl own = h.fixture.baseUrl();
    own.setPath(u"/posts/"_s);
    own.setQuery(u"page=2&page_size=3"_s);
    o.key = QueryKey{"default", "posts", 2, "own"};
    o.fn = provider->listFn(*h.endpoint, u"posts"_s, ListParams{.page = 2, .pageSize = 3, .next = own});
    QueryObserver ownObserver(&h.client, o);
    QTRY_VERIFY(ownObserver.isSuccess());
    QCOMPARE(ownObserver.data().canonical(), parsed(R"({"data":[{"id":4}],"total":4,"next":null})").canonical());
    QCOMPARE(h.fixture.requests().first().query.toString(), u"page=2&page_size=3"_s);
}

void tst_DataProvider::listFnNotModifiedKeepsData()
{
    ClientHarness h;
    h.fixture.setJson(u"/posts"_s, R"([{"id":1},{"id":2}])");
    const auto provider = DataProvider::create(JsonServerProvider::Dialect, {.paging = Paging::None});
    QueryOptions o;
    o.key = QueryKey{"default", "posts"};
    o.fn = provider->listFn(*h.endpoint, u"posts"_s, ListParams{});
    o.retry = RetryPolicy::none();
    QueryObserver observer(&h.client, o);
    QTRY_VERIFY(observer.isSuccess());
    const Json first = observer.data();
    QCOMPARE(first.value(u"data").size(), 2);
    observer.refetch();
    QTRY_COMPARE(h.fixture.count("GET", u"/posts"_s), 2);
    QTRY_VERIFY(!observer.isFetching());
    QVERIFY(observer.isSuccess());
    const RecordedRequest second = h.fixture.requests().last();
    QVERIFY(!second.headers.value("if-none-match").isEmpty());
    QVERIFY(observer.data() == first);   // the normalised page, untouched by the empty 304
    QCOMPARE(observer.data().value(u"data").size(), 2);
}

void tst_DataProvider::fieldErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<FieldErrors>("fields");
    QTest::addColumn<QString>("message");   // "*": not checked

    QTest::newRow("drf") << QByteArray(R"({"title":["This field is required."],"non_field_errors":["x"]})")
                         << FieldErrors{{u"title"_s, {u"This field is required."_s}}} << u"x"_s;
    QTest::newRow("drf nested") << QByteArray(R"({"meta":{"words":["bad"]}})")
                                << FieldErrors{{u"meta.words"_s, {u"bad"_s}}} << QString();
    QTest::newRow("drf two messages") << QByteArray(R"({"title":["Too short.","Not unique."],"views":["A number."]})")
                                      << FieldErrors{{u"title"_s, {u"Too short."_s, u"Not unique."_s}},
                                                     {u"views"_s, {u"A number."_s}}}
                                      << QString();
    QTest::newRow("fastapi") << QByteArray(R"({"detail":[{"loc":["body","title"],"msg":"field required","type":"value_error.missing"}]})")
                             << FieldErrors{{u"title"_s, {u"field required"_s}}} << QString();
    QTest::newRow("fastapi nested") << QByteArray(R"({"detail":[{"loc":["body","meta","words"],"msg":"not an int","type":"type_error"}]})")
                                    << FieldErrors{{u"meta.words"_s, {u"not an int"_s}}} << QString();
    QTest::newRow("laravel") << QByteArray(R"({"message":"The given data was invalid.","errors":{"title":["The title field is required."]}})")
                             << FieldErrors{{u"title"_s, {u"The title field is required."_s}}}
                             << u"The given data was invalid."_s;
    QTest::newRow("strapi v4")
        << QByteArray(R"({"data":null,"error":{"status":400,"name":"ValidationError","message":"1 error occurred",)"
                      R"("details":{"errors":[{"path":["title"],"message":"title must be at least 1 characters","name":"ValidationError"}]}}})")
        << FieldErrors{{u"title"_s, {u"title must be at least 1 characters"_s}}} << u"1 error occurred"_s;
    QTest::newRow("jsonapi pointer") << QByteArray(R"({"errors":[{"source":{"pointer":"/data/attributes/title"},"detail":"must not be blank"}]})")
                                     << FieldErrors{{u"title"_s, {u"must not be blank"_s}}} << QString();
    QTest::newRow("jsonapi relationship") << QByteArray(R"({"errors":[{"source":{"pointer":"/data/relationships/author"},"title":"Invalid","detail":"no such user"}]})")
                                          << FieldErrors{{u"author"_s, {u"no such user"_s}}} << QString();
    QTest::newRow("jsonapi without pointer (Fortune)")
        << QByteArray(R"({"jsonapi":{"version":"1.0"},"errors":[{"title":"BadRequestError","detail":"title must be 1 to 200 characters"}]})")
        << FieldErrors{} << u"title must be 1 to 200 characters"_s;
    QTest::newRow("ours") << QByteArray(R"({"error":"validation failed","fields":{"title":"required"}})")
                          << FieldErrors{{u"title"_s, {u"required"_s}}} << u"validation failed"_s;
    QTest::newRow("list of field entries") << QByteArray(R"({"errors":[{"field":"title","message":"too short"}]})")
                                           << FieldErrors{{u"title"_s, {u"too short"_s}}} << QString();
    // Bodies that are no field errors.
    QTest::newRow("drf not found") << QByteArray(R"({"detail":"Not found."})") << FieldErrors{} << u"Not found."_s;
    QTest::newRow("fastapi not found") << QByteArray(R"({"detail":"Not Found"})") << FieldErrors{} << u"Not Found"_s;
    QTest::newRow("a record") << QByteArray(R"({"id":1,"title":"x"})") << FieldErrors{} << u"*"_s;
    QTest::newRow("a record with a list") << QByteArray(R"({"id":1,"tags":["a","b"]})") << FieldErrors{} << u"*"_s;
    QTest::newRow("array") << QByteArray("[1,2]") << FieldErrors{} << QString();
    QTest::newRow("string") << QByteArray(R"("text")") << FieldErrors{} << u"text"_s;
    QTest::newRow("empty object") << QByteArray("{}") << FieldErrors{} << QString();
    QTest::newRow("null") << QByteArray("null") << FieldErrors{} << QString();
}

void tst_DataProvider::fieldErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(FieldErrors, fields);
    QFETCH(QString, message);
    const Json json = parsed(body.constData());
    const FieldErrors found = MutationError::parseFieldErrors(json);
    QCOMPARE(describe(found), describe(fields));
    if (message != u"*")
        QCOMPARE(MutationError::parseMessage(json), message);

    // A 422 with such a body is a validation error exactly when it names fields, and says them.
    const MutationError e = MutationError::fromFailure(
        QueryError::http("POST", QUrl(u"http://127.0.0.1/posts"_s), 422, u"Unprocessable Entity"_s, body), json);
    QCOMPARE(e.isValidation(), !fields.isEmpty());
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        QVERIFY2(e.toString().contains(it.key()), qPrintable(e.toString()));
}

QTEST_GUILESS_MAIN(tst_DataProvider)
#include "tst_dataprovider.moc"
