// LiveConnection end to end: an endpoint on the sample API follows its change stream; a change made by another
// client refetches exactly the affected queries (counted at the server), our own write refetches once however
// its echo comes, the inspector's timeline names the event, polling pauses while live, a dropped stream resumes
// and misses nothing, and the status says "Live" or why not. Over SSE and over the WebSocket.
#include "app/sampleapi/changefeed.h"
#include "app/sampleapi/sampleapi.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"
#include "core/http/credentials.h"
#include "core/http/httptransport.h"
#include "core/inspect/cacheeventlog.h"
#include "core/live/liveinvalidator.h"
#include "core/mutation/mutationqueue.h"
#include "core/session/apiconnection.h"
#include "core/session/liveconnection.h"
#include "support/httpfixture.h"

#include <QTcpServer>
#include <QtTest>

using namespace refetch;
using namespace std::chrono_literals;
using refetch::test::HttpFixture;
using refetch::test::RecordedRequest;
using refetch::test::Response;

class tst_LiveConnection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void anotherClientsChangeRefetchesExactlyTheAffectedQueries_data();
    void anotherClientsChangeRefetchesExactlyTheAffectedQueries();
    void createdRefetchesTheListsOnly();
    void ourOwnWriteRefetchesOnce();
    void timelineNamesTheEvent();
    void droppedStreamResumesAndMissesNothing();
    void aChangeBeforeTheStreamOpenedIsShown();
    void aServerThatCannotResumeRefetchesWhatIsShown();
    void pollingPausesWhileLive();
    void statusSaysWhyNot();
    void tokenGoesOnlyToTheEndpointsOrigin();
    void refusedCredentialsWaitForANewSignIn();

private:
    struct Client
    {
        explicit Client(Clock *clock = nullptr)
            : client(ClientConfig{.clock = clock}), queue(&client), transport(&nam)
        {
        }
        QueryClient client;
        MutationQueue queue;
        QNetworkAccessManager nam;
        HttpTransport transport;
    };
    EndpointSettings settings(const QUrl &liveUrl = {}) const;
    bool write(const QByteArray &method, const QString &path, const QByteArray &body = {});
    int gets(const QString &path) const { return m_gets.value(path); }
    // Page 1 of posts, post 7, and a comment's detail to settle() with.
    struct Views
    {
        Views(QueryClient *client, const ApiConnection &api)
            : list(client, api.listQuery(QStringLiteral("posts"), ListParams{.page = 1, .pageSize = 10})),
              post7(client, api.detailQuery(QStringLiteral("posts"), 7)),
              sentinel(client, api.detailQuery(QStringLiteral("comments"), 1))
        {
        }
        QueryObserver list, post7, sentinel;
    };
    // Starts `api`'s live updates and opens the views; null when it is not live or they did not load in time.
    std::unique_ptr<Views> openViews(Client &c, ApiConnection &api);
    // Makes a change to a comment (whose detail `sentinel` shows, and no list) and waits until its refetch arrived: whatever the change before it was
    // going to refetch has been asked for by then (refetches go out at the end of the turn that read the event).
    void settle(QueryObserver *sentinel);

    QTemporaryDir *m_dir = nullptr;
    std::unique_ptr<SampleApi> m_api;
    QNetworkAccessManager m_other;   // another client of the same server
    QHash<QString, int> m_gets;      // GET requests by path (list queries by path alone)
    int m_sentinelValue = 0;
};

void tst_LiveConnection::init()
{
    m_dir = new QTemporaryDir;
    m_api = std::make_unique<SampleApi>();
    QVERIFY(m_api->start({.databasePath = m_dir->filePath(QStringLiteral("db.sqlite")), .randomSeed = 1}));
    m_gets.clear();
    connect(m_api.get(), &SampleApi::requestHandled, this, [this](const QByteArray &method, const QString &path) {
        if (method == "GET")
            ++m_gets[path];
    });
}

void tst_LiveConnection::cleanup()
{
    m_api.reset();
    delete m_dir;
    m_dir = nullptr;
}

EndpointSettings tst_LiveConnection::settings(const QUrl &liveUrl) const
{
    EndpointSettings e;
    e.id = QStringLiteral("sample");
    e.baseUrl = m_api->baseUrl();
    e.dialect = QStringLiteral("json-server");
    e.resources = {QStringLiteral("posts"), QStringLiteral("users"), QStringLiteral("comments")};
    e.staleTime = 60s;   // nothing refetches for being stale meanwhile
    e.refetchOnFocus = false;
    e.liveUrl = liveUrl;
    return e;
}

bool tst_LiveConnection::write(const QByteArray &method, const QString &path, const QByteArray &body)
{
    QNetworkRequest request(m_api->baseUrl().resolved(QUrl(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    QNetworkReply *reply = m_other.sendCustomRequest(request, method, body);
    QSignalSpy done(reply, &QNetworkReply::finished);
    const bool ok = done.wait(10000) && reply->error() == QNetworkReply::NoError;
    reply->deleteLater();
    return ok;
}

std::unique_ptr<tst_LiveConnection::Views> tst_LiveConnection::openViews(Client &c, ApiConnection &api)
{
    api.startLive();
    if (!QTest::qWaitFor([&] { return api.live()->isLive(); }, 10000))
        return nullptr;
    auto views = std::make_unique<Views>(&c.client, api);
    if (!QTest::qWaitFor([&] { return views->list.isSuccess() && views->post7.isSuccess() && views->sentinel.isSuccess(); }, 10000))
        return nullptr;
    return views;
}

void tst_LiveConnection::settle(QueryObserver *sentinel)
{
    const int before = gets(QStringLiteral("/comments/1"));
    ++m_sentinelValue;
    QVERIFY(write("PATCH", QStringLiteral("/comments/1"), "{\"body\":\"s" + QByteArray::number(m_sentinelValue) + "\"}"));
    QTRY_COMPARE(gets(QStringLiteral("/comments/1")), before + 1);
    QTRY_VERIFY(!sentinel->isFetching());
}

void tst_LiveConnection::anotherClientsChangeRefetchesExactlyTheAffectedQueries_data()
{
    QTest::addColumn<bool>("webSocket");
    QTest::newRow("SSE") << false;
    QTest::newRow("WebSocket") << true;
}

void tst_LiveConnection::anotherClientsChangeRefetchesExactlyTheAffectedQueries()
{
    QFETCH(bool, webSocket);
    Client c;
    ApiConnection api(settings(webSocket ? m_api->webSocketUrl() : QUrl()), &c.client, &c.queue, &c.transport);
    api.startLive();
    QVERIFY(api.live());
    QTRY_COMPARE(api.live()->status(), LiveConnection::Status::Live);
    QCOMPARE(api.live()->statusText(), QStringLiteral("Live"));

    QueryObserver list(&c.client, api.listQuery(QStringLiteral("posts"), ListParams{.page = 1, .pageSize = 10}));
    QueryObserver post7(&c.client, api.detailQuery(QStringLiteral("posts"), 7));
    QueryObserver post8(&c.client, api.detailQuery(QStringLiteral("posts"), 8));
    QueryObserver users(&c.client, api.listQuery(QStringLiteral("users"), ListParams{.page = 1, .pageSize = 10}));
    QueryObserver sentinel(&c.client, api.detailQuery(QStringLiteral("comments"), 1));
    QTRY_VERIFY(list.isSuccess() && post7.isSuccess() && post8.isSuccess() && users.isSuccess() && sentinel.isSuccess());
    // In the cache but not shown: an affected one is marked stale and not fetched, another is left alone.
    const QueryOptions page2 = api.listQuery(QStringLiteral("posts"), ListParams{.page = 2, .pageSize = 10});
    c.client.fetchQuery(page2);
    c.client.fetchQuery(api.detailQuery(QStringLiteral("posts"), 9));
    QTRY_COMPARE(gets(QStringLiteral("/posts/9")), 1);
    QTRY_VERIFY(c.client.query(page2.key) && c.client.query(page2.key)->status() == QueryStatus::Success);
    m_gets.clear();

    QVERIFY(write("PATCH", QStringLiteral("/posts/7"), R"({"title":"Changed by someone else"})"));
    QTRY_COMPARE(post7.data()["title"].toString(), QStringLiteral("Changed by someone else"));
    QTRY_COMPARE(gets(QStringLiteral("/posts")), 1);
    settle(&sentinel);
    QCOMPARE(gets(QStringLiteral("/posts/7")), 1);   // its detail
    QCOMPARE(gets(QStringLiteral("/posts")), 1);     // the page of posts shown, not page 2
    QCOMPARE(gets(QStringLiteral("/posts/8")), 0);   // another record
    QCOMPARE(gets(QStringLiteral("/users")), 0);     // another resource's list
    QCOMPARE(gets(QStringLiteral("/posts/9")), 0);   // nobody shows it
    QVERIFY(c.client.query(page2.key)->isInvalidated());
    QVERIFY(!c.client.query(api.detailQuery(QStringLiteral("posts"), 9).key)->isInvalidated());
    QVERIFY(api.live()->invalidator()->appliedCount() >= 1);

    m_gets.clear();
    QVERIFY(write("DELETE", QStringLiteral("/posts/8")));
    QTRY_COMPARE(gets(QStringLiteral("/posts/8")), 1);
    settle(&sentinel);
    QCOMPARE(gets(QStringLiteral("/posts")), 1);
    QCOMPARE(gets(QStringLiteral("/posts/7")), 0);
    QVERIFY(post8.error());   // gone at the server: its view says so
}

void tst_LiveConnection::createdRefetchesTheListsOnly()
{
    Client c;
    ApiConnection api(settings(), &c.client, &c.queue, &c.transport);
    const std::unique_ptr<Views> views = openViews(c, api);
    QVERIFY(views);
    m_gets.clear();
    QVERIFY(write("POST", QStringLiteral("/posts"), R"({"title":"Brand new","userId":1})"));
    QTRY_COMPARE(gets(QStringLiteral("/posts")), 1);
    settle(&views->sentinel);
    QCOMPARE(gets(QStringLiteral("/posts")), 1);
    QCOMPARE(gets(QStringLiteral("/posts/7")), 0);
}

void tst_LiveConnection::ourOwnWriteRefetchesOnce()
{
    Client c;
    ApiConnection api(settings(), &c.client, &c.queue, &c.transport);
    const std::unique_ptr<Views> views = openViews(c, api);
    QVERIFY(views);
    QueryObserver &post7 = views->post7;
    m_gets.clear();

    // Saved from the form: the write invalidates its record and lists; the server's echo of it must not
    // refetch them a second time, whether it comes before the write's answer or after.
    for (int i = 0; i < 3; ++i) {
        const int echoes = api.live()->invalidator()->echoCount();
        Mutation *save = c.queue.mutate(api.updateOptions(QStringLiteral("posts"), 7),
                                        Json::object({{u"title", QStringLiteral("Mine %1").arg(i)}}));
        QSignalSpy succeeded(save, &Mutation::succeeded);
        QVERIFY(succeeded.wait(10000));
        QTRY_COMPARE(api.live()->invalidator()->echoCount(), echoes + 1);
        settle(&views->sentinel);
        QCOMPARE(gets(QStringLiteral("/posts/7")), i + 1);
        QCOMPARE(gets(QStringLiteral("/posts")), i + 1);
    }
    QCOMPARE(post7.data()["title"].toString(), QStringLiteral("Mine 2"));
    // Someone else's change right after ours is not taken for our echo.
    m_gets.clear();
    QVERIFY(write("PATCH", QStringLiteral("/posts/7"), R"({"title":"Theirs"})"));
    QTRY_COMPARE(post7.data()["title"].toString(), QStringLiteral("Theirs"));
    QCOMPARE(gets(QStringLiteral("/posts/7")), 1);
}

void tst_LiveConnection::timelineNamesTheEvent()
{
    Client c;
    CacheEventLog log(&c.client);
    ApiConnection api(settings(), &c.client, &c.queue, &c.transport);
    api.startLive();
    QTRY_VERIFY(api.live()->isLive());
    QueryObserver post7(&c.client, api.detailQuery(QStringLiteral("posts"), 7));
    QTRY_VERIFY(post7.isSuccess());
    const quint64 from = log.endSeq();
    QVERIFY(write("PATCH", QStringLiteral("/posts/7"), R"({"title":"Seen"})"));
    QTRY_COMPARE(post7.data()["title"].toString(), QStringLiteral("Seen"));
    QStringList invalidated, fetched;
    for (quint64 seq = from; seq < log.endSeq(); ++seq) {
        const CacheEvent &e = log.at(seq);
        if (e.kind == CacheEventKind::Invalidated)
            invalidated.append(log.describe(e));
        if (e.kind == CacheEventKind::FetchStarted)
            fetched.append(log.describe(e));
    }
    QVERIFY2(!invalidated.isEmpty(), "no invalidation recorded");
    QVERIFY2(invalidated.first().contains(QStringLiteral("from live event: updated posts 7 (SSE, id ")),
             qPrintable(invalidated.join(u'\n')));
    QVERIFY2(!fetched.isEmpty() && fetched.first().contains(QStringLiteral("live event: updated posts 7")),
             qPrintable(fetched.join(u'\n')));
}

void tst_LiveConnection::droppedStreamResumesAndMissesNothing()
{
    Client c;
    ApiConnection api(settings(), &c.client, &c.queue, &c.transport);
    api.startLive();
    QTRY_VERIFY(api.live()->isLive());
    QueryObserver post3(&c.client, api.detailQuery(QStringLiteral("posts"), 3));
    QueryObserver post4(&c.client, api.detailQuery(QStringLiteral("posts"), 4));
    QTRY_VERIFY(post3.isSuccess() && post4.isSuccess());
    QVERIFY(write("PATCH", QStringLiteral("/posts/3"), R"({"title":"before"})"));
    QTRY_COMPARE(post3.data()["title"].toString(), QStringLiteral("before"));
    m_gets.clear();

    m_api->changeFeed()->dropSubscribers();
    QTRY_COMPARE(api.live()->status(), LiveConnection::Status::Reconnecting);
    QVERIFY(api.live()->statusText().startsWith(QStringLiteral("Live: reconnecting")));
    // Changed while the stream is down: it shows once it is back, from the events the server kept.
    QVERIFY(write("PATCH", QStringLiteral("/posts/3"), R"({"title":"while away"})"));
    QTRY_COMPARE_WITH_TIMEOUT(api.live()->status(), LiveConnection::Status::Live, 10000);
    QTRY_COMPARE(post3.data()["title"].toString(), QStringLiteral("while away"));
    QTRY_VERIFY(!post3.isFetching());
    // Resumed: only what changed refetched, not everything.
    QCOMPARE(gets(QStringLiteral("/posts/3")), 1);
    QCOMPARE(gets(QStringLiteral("/posts/4")), 0);
    QCOMPARE(api.live()->stream()->openCount(), 2);
}

// The views load before the stream opens (a server slow to answer the stream, a window faster than it), and
// another client changes a record in between: no event will ever tell of that change, so what was read before
// the stream opened is read again once it is open, each once; what is read after is left alone.
void tst_LiveConnection::aChangeBeforeTheStreamOpenedIsShown()
{
    Client c;
    ApiConnection api(settings(), &c.client, &c.queue, &c.transport);
    QueryObserver post3(&c.client, api.detailQuery(QStringLiteral("posts"), 3));
    QueryObserver list(&c.client, api.listQuery(QStringLiteral("posts"), ListParams{.page = 1, .pageSize = 10}));
    QTRY_VERIFY(post3.isSuccess() && list.isSuccess());
    QVERIFY(write("PATCH", QStringLiteral("/posts/3"), R"({"title":"before the stream"})"));
    QCOMPARE_NE(post3.data()["title"].toString(), QStringLiteral("before the stream"));
    m_gets.clear();

    api.startLive();
    QTRY_VERIFY(api.live()->isLive());
    QTRY_COMPARE(post3.data()["title"].toString(), QStringLiteral("before the stream"));
    QTRY_VERIFY(gets(QStringLiteral("/posts")) == 1 && !list.isFetching() && !post3.isFetching());
    QCOMPARE(gets(QStringLiteral("/posts/3")), 1);

    // Read after it opened: not read twice.
    m_gets.clear();
    QueryObserver post4(&c.client, api.detailQuery(QStringLiteral("posts"), 4));
    QTRY_VERIFY(post4.isSuccess());
    QVERIFY(write("PATCH", QStringLiteral("/posts/4"), R"({"title":"after"})"));
    QTRY_COMPARE(post4.data()["title"].toString(), QStringLiteral("after"));
    QTRY_VERIFY(!post4.isFetching());
    QCOMPARE(gets(QStringLiteral("/posts/4")), 2);   // its load, and the event's refetch
    QCOMPARE(gets(QStringLiteral("/posts/3")), 0);
}

void tst_LiveConnection::aServerThatCannotResumeRefetchesWhatIsShown()
{
    // A server that keeps only the last 2 events: 3 changes while the stream is down are more than it can replay.
    m_api.reset();
    m_api = std::make_unique<SampleApi>();
    QVERIFY(m_api->start({.databasePath = m_dir->filePath(QStringLiteral("db.sqlite")), .eventBuffer = 2}));
    connect(m_api.get(), &SampleApi::requestHandled, this, [this](const QByteArray &method, const QString &path) {
        if (method == "GET")
            ++m_gets[path];
    });
    Client c;
    CacheEventLog log(&c.client);
    ApiConnection api(settings(), &c.client, &c.queue, &c.transport);
    api.startLive();
    QTRY_VERIFY(api.live()->isLive());
    QueryObserver post3(&c.client, api.detailQuery(QStringLiteral("posts"), 3));
    QueryObserver post4(&c.client, api.detailQuery(QStringLiteral("posts"), 4));
    QueryObserver users(&c.client, api.listQuery(QStringLiteral("users"), ListParams{.page = 1, .pageSize = 10}));
    QTRY_VERIFY(post3.isSuccess() && post4.isSuccess() && users.isSuccess());
    m_gets.clear();
    const quint64 from = log.endSeq();

    m_api->changeFeed()->dropSubscribers();
    QTRY_COMPARE(api.live()->status(), LiveConnection::Status::Reconnecting);
    for (int i = 0; i < 3; ++i)
        QVERIFY(write("PATCH", QStringLiteral("/posts/3"), "{\"title\":\"away " + QByteArray::number(i) + "\"}"));
    QTRY_COMPARE_WITH_TIMEOUT(api.live()->status(), LiveConnection::Status::Live, 10000);
    // What changed meanwhile is not known: everything of the endpoint that is shown refetches, once.
    QTRY_COMPARE(post3.data()["title"].toString(), QStringLiteral("away 2"));
    QTRY_VERIFY(gets(QStringLiteral("/posts/4")) == 1 && gets(QStringLiteral("/users")) == 1 && !post4.isFetching() && !users.isFetching());
    QCOMPARE(gets(QStringLiteral("/posts/3")), 1);
    bool named = false;
    for (quint64 seq = from; seq < log.endSeq(); ++seq)
        named |= log.describe(log.at(seq)).contains(QStringLiteral("the server did not resume from the last event"));
    QVERIFY(named);
}

void tst_LiveConnection::pollingPausesWhileLive()
{
    ManualClock clock;
    Client c(&clock);
    EndpointSettings e = settings();
    e.pollInterval = 10s;
    ApiConnection api(e, &c.client, &c.queue, &c.transport);
    api.startLive();
    QTRY_VERIFY(api.live()->isLive());
    QueryObserver list(&c.client, api.listQuery(QStringLiteral("posts"), ListParams{.page = 1, .pageSize = 10}));
    QTRY_VERIFY(list.isSuccess());
    m_gets.clear();
    clock.advance(10s);
    clock.advance(10s);
    QCoreApplication::processEvents();
    QCOMPARE(list.isFetching(), false);
    QCOMPARE(gets(QStringLiteral("/posts")), 0);   // live: no polls

    // Down: polling takes over (the stream waits out its backoff on the same clock).
    m_api->changeFeed()->dropSubscribers();
    QTRY_COMPARE(api.live()->status(), LiveConnection::Status::Reconnecting);
    const ChangeStream *stream = api.live()->stream();
    QVERIFY(stream->retryAt() > clock.now());
    QVERIFY(stream->retryAt() - clock.now() <= 1000ms);
    // One step of the clock past both: the reconnect starts first, and the poll, due while the stream is not
    // open yet, goes out.
    clock.advance(10s);
    QTRY_COMPARE(gets(QStringLiteral("/posts")), 1);
}

void tst_LiveConnection::statusSaysWhyNot()
{
    Client c;
    // A server with no change stream: /events is a 404.
    HttpFixture plain;
    QVERIFY(plain.start());
    plain.setJson(QStringLiteral("/posts"), "[]");
    EndpointSettings e = settings();
    e.baseUrl = plain.baseUrl();
    {
        ApiConnection api(e, &c.client, &c.queue, &c.transport);
        api.startLive();
        QCOMPARE(api.live()->statusText(), QStringLiteral("Live: connecting…"));
        QTRY_COMPARE(api.live()->status(), LiveConnection::Status::Unavailable);
        QCOMPARE(api.live()->statusText(), QStringLiteral("Not live: the server offers no change stream"));
        QVERIFY(api.live()->detailText().contains(QStringLiteral("/events")));
        QCOMPARE(plain.count("GET", QStringLiteral("/events")), 1);   // asked once
    }
    // Refused credentials.
    plain.route("GET", QStringLiteral("/feed"), [](const RecordedRequest &) { return Response::json(R"({"error":"no"})", 401); });
    e.liveUrl = plain.baseUrl().resolved(QUrl(QStringLiteral("/feed")));
    {
        ApiConnection api(e, &c.client, &c.queue, &c.transport);
        api.startLive();
        QTRY_COMPARE(api.live()->status(), LiveConnection::Status::Unavailable);
        QCOMPARE(api.live()->statusText(), QStringLiteral("Not live: the change stream refused the endpoint's credentials"));
        QVERIFY(api.live()->detailText().contains(QStringLiteral("HTTP 401")));
    }
    // Nobody listening: it keeps trying, and says it is not live (yet).
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        EndpointSettings down = e;
        down.liveUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/events").arg(closed.serverPort()));
        closed.close();
        ApiConnection api(down, &c.client, &c.queue, &c.transport);
        api.startLive();
        QTRY_COMPARE(api.live()->status(), LiveConnection::Status::Reconnecting);
        QVERIFY2(api.live()->statusText().startsWith(QStringLiteral("Not live: the change stream cannot be reached; trying again in ")),
                 qPrintable(api.live()->statusText()));
        QVERIFY(api.live()->detailText().contains(QStringLiteral("127.0.0.1")));
    }
    // Turned off.
    e.live = false;
    {
        ApiConnection api(e, &c.client, &c.queue, &c.transport);
        api.startLive();
        QCOMPARE(api.live()->status(), LiveConnection::Status::Off);
        QCOMPARE(api.live()->statusText(), QStringLiteral("Not live: turned off in the endpoint's settings"));
    }
    // Live, then reconnecting with a countdown.
    {
        ApiConnection api(settings(), &c.client, &c.queue, &c.transport);
        api.startLive();
        QTRY_COMPARE(api.live()->statusText(), QStringLiteral("Live"));
        m_api->changeFeed()->dropSubscribers();
        QTRY_COMPARE(api.live()->status(), LiveConnection::Status::Reconnecting);
        const QString text = api.live()->statusText();
        QVERIFY2(text == QStringLiteral("Live: reconnecting in 1 s") || text == QStringLiteral("Live: reconnecting…"), qPrintable(text));
        QTRY_COMPARE_WITH_TIMEOUT(api.live()->statusText(), QStringLiteral("Live"), 10000);
    }
}

void tst_LiveConnection::tokenGoesOnlyToTheEndpointsOrigin()
{
    Client c;
    HttpFixture own, elsewhere;
    QVERIFY(own.start() && elsewhere.start());   // another port: another origin
    EndpointSettings e = settings();
    e.baseUrl = own.baseUrl();
    e.authValue = QStringLiteral("Bearer s3cret");
    {
        ApiConnection api(e, &c.client, &c.queue, &c.transport);
        api.startLive();
        QTRY_COMPARE(api.live()->status(), LiveConnection::Status::Unavailable);
        QCOMPARE(own.requests().last().headers.value("authorization"), QByteArray("Bearer s3cret"));
        QCOMPARE(own.requests().last().headers.value("accept"), QByteArray("text/event-stream"));
    }
    e.liveUrl = elsewhere.baseUrl().resolved(QUrl(QStringLiteral("/stream")));
    {
        ApiConnection api(e, &c.client, &c.queue, &c.transport);
        api.startLive();
        QTRY_COMPARE(api.live()->status(), LiveConnection::Status::Unavailable);
        QCOMPARE(elsewhere.count("GET", QStringLiteral("/stream")), 1);
        QVERIFY(!elsewhere.requests().last().headers.contains("authorization"));
    }
}

void tst_LiveConnection::refusedCredentialsWaitForANewSignIn()
{
    Client c;
    HttpFixture server;
    QVERIFY(server.start());
    server.route("GET", QStringLiteral("/events"), [](const RecordedRequest &r) {
        return r.headers.value("authorization") == "Bearer good" ? Response::json("{}") : Response::json(R"({"error":"expired"})", 401);
    });
    EndpointSettings e = settings();
    e.baseUrl = server.baseUrl();
    e.authValue = QStringLiteral("Bearer old");
    ApiConnection api(e, &c.client, &c.queue, &c.transport);
    api.startLive();
    QTRY_COMPARE(api.live()->status(), LiveConnection::Status::Unavailable);
    QCOMPARE(api.live()->statusText(), QStringLiteral("Not live: the change stream refused the endpoint's credentials"));
    // A token that cannot be renewed: the endpoint asks for a sign-in, and the stream waits for it.
    QCOMPARE(api.credentials()->state(), Credentials::State::SignInNeeded);
    QCOMPARE(server.count("GET", QStringLiteral("/events")), 1);
    // The user gives another token: the stream tries again with it, at once.
    auto *fixed = qobject_cast<FixedCredentials *>(api.credentials());
    QVERIFY(fixed);
    fixed->setValue("Bearer good");
    QTRY_COMPARE(server.count("GET", QStringLiteral("/events")), 2);
    QCOMPARE(server.requests().last().headers.value("authorization"), QByteArray("Bearer good"));
}

QTEST_GUILESS_MAIN(tst_LiveConnection)
#include "tst_liveconnection.moc"
