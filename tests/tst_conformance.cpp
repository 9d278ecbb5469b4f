#include "app/sampleapi/sampleapi.h"
#include "core/http/endpoint.h"
#include "core/client/focussource.h"
#include "core/http/httptransport.h"
#include "core/client/onlinesource.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>

using namespace refetch;
using namespace std::chrono_literals;

// The client (QueryClient, QueryObserver, Endpoint, HttpTransport) against a REST server nobody here wrote:
// json-server 0.17.4, and the built-in sample API seeded with the same db.json. REFETCH_CONFORMANCE_PEER
// (jsonserver or builtin, set by tests/CMakeLists.txt) picks the peer; every assertion must hold for both.

#ifndef REFETCH_CONFORMANCE_DIR
#error "tests/CMakeLists.txt passes REFETCH_CONFORMANCE_DIR (the folder with package.json)"
#endif

namespace {

constexpr int Posts = 30;
constexpr int Users = 5;
constexpr int Comments = 60;
const QStringList Topics{QStringLiteral("Qt"), QStringLiteral("REST"), QStringLiteral("SQLite"),
                         QStringLiteral("caching"), QStringLiteral("testing")};

// The seed both peers get. Every field is a simple function of the id, so that expectations can be computed.
struct Post
{
    int id;
    int userId;
    QString title;
    int views;
    bool published;
    std::optional<double> rating;
    int words;
};

Post post(int id)
{
    return Post{.id = id,
                .userId = (id - 1) % Users + 1,
                .title = QStringLiteral("%1 notes %2").arg(Topics.at(id % Topics.size())).arg(id),
                .views = (id * 37) % 101, // all different for 1..30
                .published = id % 3 != 0,
                .rating = id % 4 == 0 ? std::nullopt : std::optional<double>(1 + (id % 5) * 0.5),
                .words = id * 10};
}

QList<Post> allPosts()
{
    QList<Post> posts;
    for (int id = 1; id <= Posts; ++id)
        posts.append(post(id));
    return posts;
}

QByteArray seedJson()
{
    QJsonArray users, posts, comments;
    for (int id = 1; id <= Users; ++id)
        users.append(QJsonObject{{"id", id}, {"name", QStringLiteral("User %1").arg(id)}, {"active", id % 2 == 1}});
    for (const Post &p : allPosts()) {
        posts.append(QJsonObject{{"id", p.id},
                                 {"userId", p.userId},
                                 {"title", p.title},
                                 {"views", p.views},
                                 {"published", p.published},
                                 {"rating", p.rating ? QJsonValue(*p.rating) : QJsonValue(QJsonValue::Null)},
                                 {"publishedAt", p.published ? QStringLiteral("2024-01-%1T09:30:00Z").arg(p.id % 28 + 1, 2, 10, QLatin1Char('0'))
                                                             : QJsonValue(QJsonValue::Null)},
                                 {"meta", QJsonObject{{"words", p.words}, {"tags", QJsonArray{"a", "b"}}}}});
    }
    for (int id = 1; id <= Comments; ++id)
        comments.append(QJsonObject{{"id", id}, {"postId", (id - 1) % Posts + 1}, {"body", QStringLiteral("Comment %1").arg(id)}});
    return QJsonDocument(QJsonObject{{"users", users}, {"posts", posts}, {"comments", comments}}).toJson();
}

QList<qint64> ids(const Json &records)
{
    QList<qint64> out;
    for (const Json &r : records)
        out.append(r.value(u"id").toInteger());
    return out;
}

QList<qint64> postIds(const std::function<bool(const Post &)> &keep)
{
    QList<qint64> out;
    for (const Post &p : allPosts()) {
        if (keep(p))
            out.append(p.id);
    }
    return out;
}

// A list response with what the client can read from its headers besides the body.
Json withPaging(const Json &items, QNetworkReply *reply)
{
    const QByteArray total = reply->rawHeader("X-Total-Count");
    return Json::object({{u"items", items},
                         {u"total", total.isEmpty() ? Json(nullptr) : Json(total.toLongLong())},
                         {u"link", QString::fromLatin1(reply->rawHeader("Link"))}});
}

} // namespace

class tst_Conformance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void list();
    void pagingWithTotal();
    void sliceWithStartEnd();
    void sort();
    void search();
    void filters_data();
    void filters();
    void getOne();
    void create();
    void patch();
    void put();
    void deleteRemovesDependents();
    void tagInvalidationRefetchesTheRightViews();
    void notFoundIsReadable();
    void revalidationGets304();

private:
    struct WriteAnswer
    {
        int status = 0;
        FetchResult result;
        QByteArray location;
    };

    bool startJsonServer(QString *error);
    QueryObserver *observe(QueryOptions options);
    QueryFn pagedFetch(const QString &path, const QUrlQuery &query) const;
    QueryFn counted(const QString &name, QueryFn fn);
    std::optional<WriteAnswer> send(const QByteArray &method, const QString &path, const QByteArray &body = {});
    std::optional<Json> fetch(const QString &path, const QUrlQuery &query = {});

    QString m_peer;
    QString m_node;
    QString m_jsonServerBin;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_jsonServer;
    QByteArray m_jsonServerOutput;
    std::unique_ptr<SampleApi> m_sampleApi;
    QUrl m_baseUrl;

    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<HttpTransport> m_transport;
    std::unique_ptr<Endpoint> m_endpoint;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<FocusSource> m_focus;
    std::unique_ptr<OnlineSource> m_online;
    std::unique_ptr<QueryClient> m_client;
    std::vector<std::unique_ptr<QueryObserver>> m_observers;
    QHash<QString, int> m_fetches;
};

void tst_Conformance::initTestCase()
{
    m_peer = qEnvironmentVariable("REFETCH_CONFORMANCE_PEER", QStringLiteral("builtin"));
    QVERIFY2(m_peer == u"jsonserver" || m_peer == u"builtin",
             qPrintable(QStringLiteral("REFETCH_CONFORMANCE_PEER must be jsonserver or builtin, not %1").arg(m_peer)));
    qInfo("peer: %s", qPrintable(m_peer));
    if (m_peer == u"jsonserver") {
        m_node = QStandardPaths::findExecutable(QStringLiteral("node"));
        QVERIFY2(!m_node.isEmpty(), "node is not on PATH: scripts/setup.sh installs it");
        m_jsonServerBin = QStringLiteral(REFETCH_CONFORMANCE_DIR "/node_modules/json-server/lib/cli/bin.js");
        QVERIFY2(QFile::exists(m_jsonServerBin),
                 "json-server is not installed: the tst_conformance_setup test runs npm ci in tests/conformance");
    }
}

void tst_Conformance::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    const QString dbJson = m_dir->filePath(QStringLiteral("db.json"));
    QFile file(dbJson);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(seedJson());
    file.close();

    QString error;
    if (m_peer == u"jsonserver") {
        QVERIFY2(startJsonServer(&error), qPrintable(error));
    } else {
        m_sampleApi = std::make_unique<SampleApi>();
        QVERIFY2(m_sampleApi->start(SampleApi::Options{.databasePath = m_dir->filePath(QStringLiteral("sample.sqlite")),
                                                       .seedFile = dbJson,
                                                       .randomSeed = 1},
                                    &error),
                 qPrintable(error));
        m_baseUrl = m_sampleApi->baseUrl();
    }

    m_nam = std::make_unique<QNetworkAccessManager>();
    m_transport = std::make_unique<HttpTransport>(m_nam.get());
    m_endpoint = std::make_unique<Endpoint>(m_transport.get(), EndpointConfig{.baseUrl = m_baseUrl, .timeout = 10s});
    m_clock = std::make_unique<ManualClock>();
    m_focus = std::make_unique<FocusSource>();
    m_online = std::make_unique<OnlineSource>();
    m_client = std::make_unique<QueryClient>(ClientConfig{.clock = m_clock.get(), .focus = m_focus.get(), .online = m_online.get()});
    m_fetches.clear();
}

void tst_Conformance::cleanup()
{
    m_observers.clear();
    m_client.reset();
    m_endpoint.reset();
    m_transport.reset();
    m_nam.reset();
    m_sampleApi.reset();
    if (m_jsonServer) {
        m_jsonServer->kill();
        m_jsonServer->waitForFinished(5000);
        if (QTest::currentTestFailed())
            qInfo("json-server said:\n%s", m_jsonServerOutput.right(2000).constData());
        m_jsonServer.reset();
    }
    m_jsonServerOutput.clear();
    m_dir.reset();
}

bool tst_Conformance::startJsonServer(QString *error)
{
    // A free port: the OS picks one for a listener we close at once; json-server takes it a moment later.
    quint16 port = 0;
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0)) {
            *error = probe.errorString();
            return false;
        }
        port = probe.serverPort();
    }
    m_baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    m_jsonServer = std::make_unique<QProcess>();
    m_jsonServer->setProcessChannelMode(QProcess::MergedChannels);
    m_jsonServer->setWorkingDirectory(m_dir->path());
    connect(m_jsonServer.get(), &QProcess::readyRead, this, [this] { m_jsonServerOutput += m_jsonServer->readAll(); });
    m_jsonServer->start(m_node, {m_jsonServerBin, QStringLiteral("--host"), QStringLiteral("127.0.0.1"),
                                 QStringLiteral("--port"), QString::number(port), m_dir->filePath(QStringLiteral("db.json"))});
    if (!m_jsonServer->waitForStarted(10000)) {
        *error = QStringLiteral("cannot start node: %1").arg(m_jsonServer->errorString());
        return false;
    }
    // It prints its home URL once the database is loaded and listen() was called.
    const QByteArray home = "Home\n  " + m_baseUrl.toString().toUtf8();
    const bool printed = QTest::qWaitFor([&] { return m_jsonServerOutput.contains(home) || m_jsonServer->state() != QProcess::Running; }, 20000);
    if (!printed || !m_jsonServerOutput.contains(home)) {
        *error = QStringLiteral("json-server did not start on port %1:\n%2").arg(port).arg(QString::fromUtf8(m_jsonServerOutput));
        return false;
    }
    // listen() binds after a DNS lookup of the host, so the line can come first: ask until it answers.
    const bool answered = QTest::qWaitFor([&] {
        QNetworkAccessManager nam;
        std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(m_baseUrl.resolved(QUrl(QStringLiteral("/db"))))));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(2000);
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200;
    }, 10000);
    if (!answered)
        *error = QStringLiteral("json-server on port %1 does not answer GET /db").arg(port);
    return answered;
}

QueryObserver *tst_Conformance::observe(QueryOptions options)
{
    m_observers.push_back(std::make_unique<QueryObserver>(m_client.get(), std::move(options)));
    return m_observers.back().get();
}

// Endpoint::get gives the body only; a list view also needs X-Total-Count, so it reads the reply itself.
QueryFn tst_Conformance::pagedFetch(const QString &path, const QUrlQuery &query) const
{
    HttpTransport *transport = m_transport.get();
    const HttpRequest request = m_endpoint->request("GET", path, query);
    return [transport, request](const QueryFnContext &ctx) {
        QNetworkReply *reply = transport->send(request);
        ctx.onCancel([guard = QPointer<QNetworkReply>(reply)] {
            if (guard)
                guard->abort();
        });
        QObject::connect(reply, &QNetworkReply::finished, reply, [reply, ctx] {
            reply->deleteLater();
            FetchResult result = HttpTransport::readJson(reply);
            if (result.error)
                ctx.reject(*result.error);
            else
                ctx.resolve(withPaging(result.data, reply));
        });
    };
}

QueryFn tst_Conformance::counted(const QString &name, QueryFn fn)
{
    return [this, name, fn](const QueryFnContext &ctx) {
        ++m_fetches[name];
        fn(ctx);
    };
}

std::optional<tst_Conformance::WriteAnswer> tst_Conformance::send(const QByteArray &method, const QString &path,
                                                                    const QByteArray &body)
{
    std::unique_ptr<QNetworkReply> reply(m_transport->send(m_endpoint->request(method, path, {}, body)));
    if (!reply)
        return std::nullopt;
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(10000))
        return std::nullopt;
    return WriteAnswer{.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                       .result = HttpTransport::readJson(reply.get()),
                       .location = reply->rawHeader("Location")};
}

// One fetch through the client (no observer), for the data-driven checks.
std::optional<Json> tst_Conformance::fetch(const QString &path, const QUrlQuery &query)
{
    // Shared, so that an answer after a timeout has somewhere to go.
    struct Outcome
    {
        std::optional<Json> data;
        bool done = false;
    };
    auto outcome = std::make_shared<Outcome>();
    QueryOptions options;
    options.key = QueryKey{"fetch", path, query.toString(QUrl::FullyEncoded)};
    options.fn = m_endpoint->get(path, query);
    options.retry = RetryPolicy::none();
    m_client->fetchQuery(options, this, [outcome](const Query &q) {
        if (q.status() == QueryStatus::Success)
            outcome->data = q.data();
        outcome->done = true;
    });
    if (!QTest::qWaitFor([&] { return outcome->done; }, 10000))
        return std::nullopt;
    return outcome->data;
}

void tst_Conformance::list()
{
    QueryOptions options;
    options.key = QueryKey{"posts"};
    options.fn = m_endpoint->get(QStringLiteral("/posts"));
    QueryObserver *posts = observe(options);
    QTRY_VERIFY_WITH_TIMEOUT(posts->isSuccess(), 10000);
    const Json data = posts->data();
    QVERIFY(data.isArray());
    QCOMPARE(ids(data), postIds([](const Post &) { return true; }));
    // Types survive the trip: numbers, booleans, nulls, nested objects, strings.
    const Json fourth = data.at(3);
    QCOMPARE(fourth.value(u"title").toString(), post(4).title);
    QVERIFY(fourth.value(u"views").isNumber());
    QCOMPARE(fourth.value(u"views").toInteger(), post(4).views);
    QCOMPARE(fourth.value(u"published").type(), Json::Type::Bool);
    QVERIFY(fourth.value(u"rating").isNull());
    QCOMPARE(fourth.value(u"meta").value(u"words").toInteger(), 40);
    QCOMPARE(data.at(2).value(u"publishedAt").type(), Json::Type::Null);
    QCOMPARE(data.at(0).value(u"publishedAt").toString(), QStringLiteral("2024-01-02T09:30:00Z"));
}

void tst_Conformance::pagingWithTotal()
{
    QueryOptions options;
    options.key = QueryKey{"posts", Json::object({{u"page", 2}})};
    options.fn = pagedFetch(QStringLiteral("/posts"), QUrlQuery(QStringLiteral("_page=2&_limit=10")));
    QueryObserver *page = observe(options);
    QTRY_VERIFY_WITH_TIMEOUT(page->isSuccess(), 10000);
    const Json data = page->data();
    QCOMPARE(data.value(u"total").toInteger(), Posts);
    QCOMPARE(ids(data.value(u"items")), QList<qint64>({11, 12, 13, 14, 15, 16, 17, 18, 19, 20}));
    const QString link = data.value(u"link").toString();
    QVERIFY2(link.contains(QStringLiteral("_page=3&_limit=10>; rel=\"next\"")), qPrintable(link));
    QVERIFY2(link.contains(QStringLiteral("_page=1&_limit=10>; rel=\"prev\"")), qPrintable(link));
    QVERIFY2(link.contains(QStringLiteral("_page=3&_limit=10>; rel=\"last\"")), qPrintable(link));

    // _page without _limit: json-server's default of 10 a page.
    const std::optional<Json> defaultLimit = fetch(QStringLiteral("/posts"), QUrlQuery(QStringLiteral("_page=3")));
    QVERIFY(defaultLimit);
    QCOMPARE(ids(*defaultLimit).size(), 10);
    QCOMPARE(ids(*defaultLimit).first(), 21);

    // Past the end: an empty page, and the total still counts everything.
    QueryOptions beyond;
    beyond.key = QueryKey{"posts", Json::object({{u"page", 9}})};
    beyond.fn = pagedFetch(QStringLiteral("/posts"), QUrlQuery(QStringLiteral("_page=9&_limit=10")));
    QueryObserver *empty = observe(beyond);
    QTRY_VERIFY_WITH_TIMEOUT(empty->isSuccess(), 10000);
    QCOMPARE(empty->data().value(u"items").size(), 0);
    QCOMPARE(empty->data().value(u"total").toInteger(), Posts);
}

void tst_Conformance::sliceWithStartEnd()
{
    // What Refine's simple-rest provider sends: _start/_end, with the total in X-Total-Count.
    QueryOptions options;
    options.key = QueryKey{"posts", Json::object({{u"start", 5}})};
    options.fn = pagedFetch(QStringLiteral("/posts"), QUrlQuery(QStringLiteral("_start=5&_end=10&_sort=id&_order=asc")));
    QueryObserver *slice = observe(options);
    QTRY_VERIFY_WITH_TIMEOUT(slice->isSuccess(), 10000);
    QCOMPARE(ids(slice->data().value(u"items")), QList<qint64>({6, 7, 8, 9, 10}));
    QCOMPARE(slice->data().value(u"total").toInteger(), Posts);

    // Filters narrow the total too.
    QueryOptions filtered;
    filtered.key = QueryKey{"posts", Json::object({{u"userId", 2}})};
    filtered.fn = pagedFetch(QStringLiteral("/posts"), QUrlQuery(QStringLiteral("userId=2&_start=0&_end=2")));
    QueryObserver *byUser = observe(filtered);
    QTRY_VERIFY_WITH_TIMEOUT(byUser->isSuccess(), 10000);
    QCOMPARE(ids(byUser->data().value(u"items")), QList<qint64>({2, 7}));
    QCOMPARE(byUser->data().value(u"total").toInteger(), Posts / Users);

    // Without _start/_end, _limit or _page there is no total: a client must not expect one.
    QueryOptions whole;
    whole.key = QueryKey{"posts", "whole"};
    whole.fn = pagedFetch(QStringLiteral("/posts"), {});
    QueryObserver *all = observe(whole);
    QTRY_VERIFY_WITH_TIMEOUT(all->isSuccess(), 10000);
    QVERIFY(all->data().value(u"total").isNull());
}

void tst_Conformance::sort()
{
    QList<Post> byViews = allPosts();
    std::sort(byViews.begin(), byViews.end(), [](const Post &a, const Post &b) { return a.views > b.views; });
    QList<qint64> expected;
    for (const Post &p : byViews)
        expected.append(p.id);
    std::optional<Json> desc = fetch(QStringLiteral("/posts"), QUrlQuery(QStringLiteral("_sort=views&_order=desc")));
    QVERIFY(desc);
    QCOMPARE(ids(*desc), expected);

    // Two keys, two orders: userId ascending, then views descending.
    std::stable_sort(byViews.begin(), byViews.end(), [](const Post &a, const Post &b) { return a.userId < b.userId; });
    expected.clear();
    for (const Post &p : byViews)
        expected.append(p.id);
    std::optional<Json> multi = fetch(QStringLiteral("/posts"), QUrlQuery(QStringLiteral("_sort=userId,views&_order=asc,desc")));
    QVERIFY(multi);
    QCOMPARE(ids(*multi), expected);

    // Nulls sort after every number, ascending; the tie keeps the stored order.
    std::optional<Json> byRating = fetch(QStringLiteral("/posts"), QUrlQuery(QStringLiteral("_sort=rating")));
    QVERIFY(byRating);
    const QList<qint64> ratingOrder = ids(*byRating);
    QCOMPARE(ratingOrder.mid(ratingOrder.size() - 7), QList<qint64>({4, 8, 12, 16, 20, 24, 28}));
    QCOMPARE(byRating->at(0).value(u"rating").toDouble(), 1.0);
}

void tst_Conformance::search()
{
    // q: case-insensitive, over every string field (nested ones too).
    std::optional<Json> sqlite = fetch(QStringLiteral("/posts"), QUrlQuery(QStringLiteral("q=sqlite")));
    QVERIFY(sqlite);
    QCOMPARE(ids(*sqlite), QList<qint64>({2, 7, 12, 17, 22, 27}));
    for (const Json &p : *sqlite)
        QVERIFY(p.value(u"title").toString().contains(u"SQLite"));

    std::optional<Json> none = fetch(QStringLiteral("/posts"), QUrlQuery(QStringLiteral("q=no-such-words")));
    QVERIFY(none);
    QCOMPARE(none->size(), 0);
}

void tst_Conformance::filters_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QList<qint64>>("expected");

    QTest::newRow("boolean") << "published=false" << postIds([](const Post &p) { return !p.published; });
    QTest::newRow("number") << "views=37" << QList<qint64>({1});
    QTest::newRow("any of two values") << "userId=1&userId=2" << postIds([](const Post &p) { return p.userId <= 2; });
    QTest::newRow("gte") << "views_gte=50" << postIds([](const Post &p) { return p.views >= 50; });
    QTest::newRow("gte and lte") << "views_gte=20&views_lte=40" << postIds([](const Post &p) { return p.views >= 20 && p.views <= 40; });
    QTest::newRow("ne twice") << "id_ne=1&id_ne=2" << postIds([](const Post &p) { return p.id > 2; });
    QTest::newRow("like is a case-insensitive regex") << "title_like=^qt" << postIds([](const Post &p) { return p.id % 5 == 0; });
    QTest::newRow("nested path") << "meta.words_gte=200" << postIds([](const Post &p) { return p.words >= 200; });
    QTest::newRow("null matches nothing") << "rating=null" << QList<qint64>();
    QTest::newRow("unknown field is ignored") << "colour=red&_limit=3" << QList<qint64>({1, 2, 3});
    QTest::newRow("filter, sort, slice") << "published=true&_sort=id&_order=desc&_start=0&_end=3" << QList<qint64>({29, 28, 26});
}

void tst_Conformance::filters()
{
    QFETCH(QString, query);
    QFETCH(QList<qint64>, expected);
    std::optional<Json> data = fetch(QStringLiteral("/posts"), QUrlQuery(query));
    QVERIFY(data);
    QCOMPARE(ids(*data), expected);
}

void tst_Conformance::getOne()
{
    QueryOptions options;
    options.key = QueryKey{"posts", 7};
    options.fn = m_endpoint->get(QStringLiteral("/posts/7"));
    QueryObserver *seven = observe(options);
    QTRY_VERIFY_WITH_TIMEOUT(seven->isSuccess(), 10000);
    QVERIFY(seven->data().isObject());
    QCOMPARE(seven->data().value(u"id").toInteger(), 7);
    QCOMPARE(seven->data().value(u"title").toString(), post(7).title);
    QCOMPARE(seven->data().value(u"meta").value(u"tags").size(), 2);

    // Nested route: the comments of post 7.
    std::optional<Json> comments = fetch(QStringLiteral("/posts/7/comments"));
    QVERIFY(comments);
    QCOMPARE(ids(*comments), QList<qint64>({7, 37}));
}

void tst_Conformance::create()
{
    QueryOptions options;
    options.key = QueryKey{"posts", "paged"};
    options.fn = pagedFetch(QStringLiteral("/posts"), QUrlQuery(QStringLiteral("_page=1&_limit=5")));
    QueryObserver *list = observe(options);
    QTRY_VERIFY_WITH_TIMEOUT(list->isSuccess(), 10000);
    QCOMPARE(list->data().value(u"total").toInteger(), Posts);

    const std::optional<WriteAnswer> created = send("POST", QStringLiteral("/posts"),
                                                    R"({"title":"Fresh","userId":3,"views":0,"published":false,"rating":null})");
    QVERIFY(created);
    QCOMPARE(created->status, 201);
    QVERIFY(!created->result.error);
    // The id is assigned: one more than the largest.
    QCOMPARE(created->result.data.value(u"id").toInteger(), Posts + 1);
    QCOMPARE(created->result.data.value(u"title").toString(), QStringLiteral("Fresh"));
    QVERIFY(created->result.data.value(u"rating").isNull());
    QCOMPARE(created->location, m_baseUrl.toString().toUtf8() + "/posts/31");

    // The list is stale until invalidated; then it refetches and counts the new record.
    QCOMPARE(m_client->invalidateQueries(QueryFilters{.key = QueryKey{"posts"}}), 1);
    QTRY_COMPARE_WITH_TIMEOUT(list->data().value(u"total").toInteger(), Posts + 1, 10000);

    std::optional<Json> fetched = fetch(QStringLiteral("/posts/31"));
    QVERIFY(fetched);
    QCOMPARE(fetched->value(u"userId").toInteger(), 3);

    // A string id given by the client is kept.
    const std::optional<WriteAnswer> named = send("POST", QStringLiteral("/users"), R"({"id":"ada","name":"Ada"})");
    QVERIFY(named);
    QCOMPARE(named->status, 201);
    QCOMPARE(named->result.data.value(u"id").toString(), QStringLiteral("ada"));
    std::optional<Json> ada = fetch(QStringLiteral("/users/ada"));
    QVERIFY(ada);
    QCOMPARE(ada->value(u"name").toString(), QStringLiteral("Ada"));
}

void tst_Conformance::patch()
{
    const std::optional<WriteAnswer> patched = send("PATCH", QStringLiteral("/posts/5"), R"({"title":"Patched","views":999})");
    QVERIFY(patched);
    QCOMPARE(patched->status, 200);
    const Json record = patched->result.data;
    QCOMPARE(record.value(u"title").toString(), QStringLiteral("Patched"));
    QCOMPARE(record.value(u"views").toInteger(), 999);
    // Members the patch did not name are kept.
    QCOMPARE(record.value(u"userId").toInteger(), post(5).userId);
    QCOMPARE(record.value(u"meta").value(u"words").toInteger(), 50);
    std::optional<Json> again = fetch(QStringLiteral("/posts/5"));
    QVERIFY(again);
    QCOMPARE(again->value(u"title").toString(), QStringLiteral("Patched"));
    QCOMPARE(*again, record);
}

void tst_Conformance::put()
{
    const std::optional<WriteAnswer> replaced = send("PUT", QStringLiteral("/posts/6"), R"({"title":"Replaced"})");
    QVERIFY(replaced);
    QCOMPARE(replaced->status, 200);
    // PUT replaces the whole record and keeps its id.
    QCOMPARE(replaced->result.data, Json::parse(R"({"title":"Replaced","id":6})"));
    std::optional<Json> again = fetch(QStringLiteral("/posts/6"));
    QVERIFY(again);
    QVERIFY(!again->contains(u"views"));
    QCOMPARE(again->value(u"id").toInteger(), 6);
}

void tst_Conformance::deleteRemovesDependents()
{
    const std::optional<WriteAnswer> deleted = send("DELETE", QStringLiteral("/posts/7"));
    QVERIFY(deleted);
    QCOMPARE(deleted->status, 200);
    QCOMPARE(deleted->result.data, Json::parse("{}"));

    QueryOptions options;
    options.key = QueryKey{"posts", 7};
    options.fn = m_endpoint->get(QStringLiteral("/posts/7"));
    QueryObserver *gone = observe(options);
    QTRY_VERIFY_WITH_TIMEOUT(gone->isError(), 10000);
    QCOMPARE(gone->error()->httpStatus, 404);

    // json-server also removes the records that pointed at it: post 7's comments are gone, others stay.
    std::optional<Json> orphans = fetch(QStringLiteral("/comments"), QUrlQuery(QStringLiteral("postId=7")));
    QVERIFY(orphans);
    QCOMPARE(orphans->size(), 0);
    std::optional<Json> comments = fetch(QStringLiteral("/comments"));
    QVERIFY(comments);
    QCOMPARE(comments->size(), Comments - 2);

    // Deleting again: 404.
    const std::optional<WriteAnswer> twice = send("DELETE", QStringLiteral("/posts/7"));
    QVERIFY(twice);
    QCOMPARE(twice->status, 404);
}

void tst_Conformance::tagInvalidationRefetchesTheRightViews()
{
    QueryOptions list;
    list.key = QueryKey{"posts"};
    list.fn = counted(QStringLiteral("list"), m_endpoint->get(QStringLiteral("/posts")));
    list.tagsFrom = [](const Json &data) {
        TagList tags{Tag("posts", "LIST")};
        for (const Json &p : data)
            tags.append(Tag("posts", p.value(u"id")));
        return tags;
    };
    QueryOptions detail7;
    detail7.key = QueryKey{"posts", 7};
    detail7.fn = counted(QStringLiteral("7"), m_endpoint->get(QStringLiteral("/posts/7")));
    detail7.tags = {Tag("posts", 7)};
    QueryOptions detail8;
    detail8.key = QueryKey{"posts", 8};
    detail8.fn = counted(QStringLiteral("8"), m_endpoint->get(QStringLiteral("/posts/8")));
    detail8.tags = {Tag("posts", 8)};

    QueryObserver *listView = observe(list);
    QueryObserver *view7 = observe(detail7);
    QueryObserver *view8 = observe(detail8);
    QTRY_VERIFY_WITH_TIMEOUT(listView->isSuccess() && view7->isSuccess() && view8->isSuccess(), 10000);
    QTRY_COMPARE(m_client->fetchingCount(), 0);
    m_fetches.clear();

    const std::optional<WriteAnswer> patched = send("PATCH", QStringLiteral("/posts/7"), R"({"title":"Seven, edited"})");
    QVERIFY(patched);
    QCOMPARE(patched->status, 200);

    // {posts, 7}: the list that holds 7 and the detail of 7; not the detail of 8.
    QCOMPARE(m_client->invalidateTags({Tag("posts", 7)}), 2);
    QTRY_COMPARE_WITH_TIMEOUT(view7->data().value(u"title").toString(), QStringLiteral("Seven, edited"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(listView->data().at(6).value(u"title").toString(), QStringLiteral("Seven, edited"), 10000);
    QTRY_COMPARE(m_client->fetchingCount(), 0);
    QCOMPARE(m_fetches.value(QStringLiteral("list")), 1);
    QCOMPARE(m_fetches.value(QStringLiteral("7")), 1);
    QCOMPARE(m_fetches.value(QStringLiteral("8")), 0);
    QCOMPARE(view8->data().value(u"title").toString(), post(8).title);
}

void tst_Conformance::notFoundIsReadable()
{
    QueryOptions options;
    options.key = QueryKey{"posts", 999};
    options.fn = counted(QStringLiteral("999"), m_endpoint->get(QStringLiteral("/posts/999")));
    QueryObserver *missing = observe(options);
    QTRY_VERIFY_WITH_TIMEOUT(missing->isError(), 10000);
    const QueryError *error = missing->error();
    QVERIFY(error);
    QCOMPARE(error->kind, QueryError::Kind::Http);
    QCOMPARE(error->httpStatus, 404);
    QCOMPARE(error->method, QByteArray("GET"));
    QCOMPARE(error->url.path(), QStringLiteral("/posts/999"));
    const QString text = error->toString();
    QVERIFY2(text.contains(u"404") && text.contains(u"/posts/999"), qPrintable(text));
    // A 404 is not retried.
    QCOMPARE(m_fetches.value(QStringLiteral("999")), 1);
    QVERIFY(missing->data().isUndefined());

    // An unknown resource is a 404 too.
    const std::optional<WriteAnswer> unknown = send("GET", QStringLiteral("/no-such-things"));
    QVERIFY(unknown);
    QCOMPARE(unknown->status, 404);
    QVERIFY(unknown->result.error);
}

void tst_Conformance::revalidationGets304()
{
    QList<int> statuses;
    connect(m_nam.get(), &QNetworkAccessManager::finished, this, [&](QNetworkReply *reply) {
        statuses.append(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt());
    });
    QueryOptions options;
    options.key = QueryKey{"posts", 3};
    options.fn = m_endpoint->get(QStringLiteral("/posts/3"));
    QueryObserver *three = observe(options);
    QTRY_VERIFY_WITH_TIMEOUT(three->isSuccess(), 10000);
    QCOMPARE(statuses, QList<int>({200}));
    const Json before = three->data();

    // Both peers send an ETag; Endpoint::get sends it back, and an unchanged record costs a 304.
    three->refetch();
    QTRY_COMPARE_WITH_TIMEOUT(statuses.size(), 2, 10000);
    QCOMPARE(statuses.last(), 304);
    QTRY_VERIFY(!three->isFetching());
    QVERIFY(three->isSuccess());
    QVERIFY(three->data().identical(before));

    // After a change the same request gets the new record.
    QVERIFY(send("PATCH", QStringLiteral("/posts/3"), R"({"views":1234})"));
    three->refetch();
    QTRY_COMPARE_WITH_TIMEOUT(three->data().value(u"views").toInteger(), 1234, 10000);
    QCOMPARE(statuses.last(), 200);
}

QTEST_GUILESS_MAIN(tst_Conformance)
#include "tst_conformance.moc"
