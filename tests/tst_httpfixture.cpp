#include "support/httpfixture.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace std::chrono_literals;
using refetch::test::HttpFixture;
using refetch::test::RecordedRequest;
using refetch::test::Response;
using Fault = Response::Fault;

class tst_HttpFixture : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void routeLogAndCount();
    void unknownPathIs404WithJsonBody();
    void anyStatusCode_data();
    void anyStatusCode();
    void setJsonAnswersConditionalRequests();
    void enqueueIsFifoThenFallsBackToRoute();
    void delayAnswersLaterWithoutBlocking();
    void dropFaultIsANetworkError_data();
    void dropFaultIsANetworkError();
    void holdReleasedOutOfOrder();
    void releaseOfUnknownIdDoesNothing();
    void clientAbortOfHeldRequestThenReleaseAll_data();
    void clientAbortOfHeldRequestThenReleaseAll();
    void sequentialRequestsShareOneConnection();
    void parallelRequestsOverKeepAlive();

private:
    QNetworkRequest request(const QString &pathAndQuery) const;
    QNetworkReply *get(const QString &pathAndQuery, const QList<std::pair<QByteArray, QByteArray>> &headers = {});
    static bool waitFinished(QNetworkReply *reply);
    static int status(QNetworkReply *reply);

    std::unique_ptr<HttpFixture> m_fixture;
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

void tst_HttpFixture::init()
{
    m_fixture = std::make_unique<HttpFixture>();
    QVERIFY(m_fixture->start());
    QVERIFY(m_fixture->port() != 0);
    m_nam = std::make_unique<QNetworkAccessManager>();
}

void tst_HttpFixture::cleanup()
{
    m_nam.reset(); // replies first, while the fixture still exists
    m_fixture.reset();
}

QNetworkRequest tst_HttpFixture::request(const QString &pathAndQuery) const
{
    QNetworkRequest req(m_fixture->baseUrl().resolved(QUrl(pathAndQuery)));
    req.setTransferTimeout(5000); // a fault must end as an error, never as a hang
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false); // the fixture speaks HTTP/1.1
    return req;
}

QNetworkReply *tst_HttpFixture::get(const QString &pathAndQuery,
                                    const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest req = request(pathAndQuery);
    for (const auto &[name, value] : headers)
        req.setRawHeader(name, value);
    return m_nam->get(req);
}

bool tst_HttpFixture::waitFinished(QNetworkReply *reply)
{
    if (reply->isFinished())
        return true;
    QSignalSpy finished(reply, &QNetworkReply::finished);
    return finished.isValid() && finished.wait(10000);
}

int tst_HttpFixture::status(QNetworkReply *reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

void tst_HttpFixture::routeLogAndCount()
{
    QCOMPARE(m_fixture->baseUrl(), QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_fixture->port())));
    m_fixture->route("GET", "/todos", [](const RecordedRequest &r) {
        return Response::json("[{\"id\":1}]", r.query.queryItemValue("page") == "2" ? 200 : 400);
    });
    m_fixture->route("post", "/todos", [](const RecordedRequest &r) { return Response::json(r.body, 201); });
    QSignalSpy received(m_fixture.get(), &HttpFixture::requestReceived);
    QVERIFY(received.isValid());

    QNetworkReply *list = get("/todos?page=2", {{"X-Trace", "abc"}});
    QVERIFY(waitFinished(list));
    QCOMPARE(list->error(), QNetworkReply::NoError);
    QCOMPARE(status(list), 200);
    QCOMPARE(list->header(QNetworkRequest::ContentTypeHeader).toString(), "application/json");
    QCOMPARE(list->readAll(), "[{\"id\":1}]");

    QNetworkRequest post = request("/todos");
    post.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    QNetworkReply *created = m_nam->post(post, "{\"title\":\"a\"}");
    QVERIFY(waitFinished(created));
    QCOMPARE(status(created), 201);
    QCOMPARE(created->readAll(), "{\"title\":\"a\"}");

    QCOMPARE(received.size(), 2);
    const QList<RecordedRequest> log = m_fixture->requests();
    QCOMPARE(log.size(), 2);
    QCOMPARE(received.at(0).at(0).toInt(), log.at(0).id);
    QCOMPARE(received.at(1).at(0).toInt(), log.at(1).id);
    QVERIFY(log.at(0).id < log.at(1).id);
    QCOMPARE(log.at(0).method, "GET");
    QCOMPARE(log.at(0).path, "/todos");
    QCOMPARE(log.at(0).query.queryItemValue("page"), "2");
    QCOMPARE(log.at(0).headers.value("x-trace"), "abc"); // names are lower case
    QCOMPARE(log.at(1).method, "POST");
    QCOMPARE(log.at(1).body, "{\"title\":\"a\"}");
    QCOMPARE(log.at(1).headers.value("content-type"), "application/json");

    QCOMPARE(m_fixture->count(), 2);
    QCOMPARE(m_fixture->count("GET"), 1);
    QCOMPARE(m_fixture->count("POST", "/todos"), 1);
    QCOMPARE(m_fixture->count({}, "/todos"), 2);
    QCOMPARE(m_fixture->count("DELETE", "/todos"), 0);
    QCOMPARE(m_fixture->inFlight(), 0);

    m_fixture->clearLog();
    QCOMPARE(m_fixture->count(), 0);
    QVERIFY(m_fixture->requests().isEmpty());
}

void tst_HttpFixture::unknownPathIs404WithJsonBody()
{
    m_fixture->route("GET", "/todos", [](const RecordedRequest &) { return Response::json("[]"); });

    QNetworkReply *reply = get("/todos/7?x=1"); // exact match only: a longer path is unknown
    QVERIFY(waitFinished(reply));
    QCOMPARE(reply->error(), QNetworkReply::ContentNotFoundError);
    QCOMPARE(status(reply), 404);
    const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
    QCOMPARE(body.value("error").toString(), "not found");
    QCOMPARE(body.value("path").toString(), "/todos/7");
    QCOMPARE(m_fixture->count("GET", "/todos/7"), 1);
}

void tst_HttpFixture::anyStatusCode_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("expectedBody");

    QTest::newRow("201") << 201 << QByteArray("{}") << QByteArray("{}");
    QTest::newRow("204 drops the body") << 204 << QByteArray("ignored") << QByteArray();
    QTest::newRow("418") << 418 << QByteArray("teapot") << QByteArray("teapot");
    QTest::newRow("503") << 503 << QByteArray("busy") << QByteArray("busy");
    QTest::newRow("599") << 599 << QByteArray("odd") << QByteArray("odd");
    QTest::newRow("299, outside the status table") << 299 << QByteArray("rare") << QByteArray("rare");
}

void tst_HttpFixture::anyStatusCode()
{
    QFETCH(int, code);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, expectedBody);
    m_fixture->route("GET", "/s", [&](const RecordedRequest &) { return Response{.status = code, .body = body}; });

    QNetworkReply *reply = get("/s");
    QVERIFY(waitFinished(reply));
    QCOMPARE(status(reply), code);
    QCOMPARE(reply->readAll(), expectedBody);
}

void tst_HttpFixture::setJsonAnswersConditionalRequests()
{
    m_fixture->setJson("/todos/1", "{\"id\":1,\"done\":false}");

    QNetworkReply *first = get("/todos/1");
    QVERIFY(waitFinished(first));
    QCOMPARE(status(first), 200);
    QCOMPARE(first->readAll(), "{\"id\":1,\"done\":false}");
    const QByteArray etag = first->rawHeader("ETag");
    const QByteArray lastModified = first->rawHeader("Last-Modified");
    QVERIFY(etag.startsWith('"') && etag.endsWith('"') && etag.size() > 2); // strong and quoted
    QVERIFY(!lastModified.isEmpty());

    QNetworkReply *revalidated = get("/todos/1", {{"If-None-Match", etag}});
    QVERIFY(waitFinished(revalidated));
    QCOMPARE(revalidated->error(), QNetworkReply::NoError);
    QCOMPARE(status(revalidated), 304);
    QCOMPARE(revalidated->readAll(), QByteArray());
    QCOMPARE(revalidated->rawHeader("ETag"), etag);

    QNetworkReply *sinceDate = get("/todos/1", {{"If-Modified-Since", lastModified}});
    QVERIFY(waitFinished(sinceDate));
    QCOMPARE(status(sinceDate), 304);

    QNetworkReply *otherTag = get("/todos/1", {{"If-None-Match", "\"something-else\""}});
    QVERIFY(waitFinished(otherTag));
    QCOMPARE(status(otherTag), 200);

    m_fixture->setJson("/todos/1", "{\"id\":1,\"done\":true}");
    QNetworkReply *changed = get("/todos/1", {{"If-None-Match", etag}});
    QVERIFY(waitFinished(changed));
    QCOMPARE(status(changed), 200);
    QCOMPARE(changed->readAll(), "{\"id\":1,\"done\":true}");
    QVERIFY(changed->rawHeader("ETag") != etag);
    QVERIFY(changed->rawHeader("Last-Modified") != lastModified);

    QNetworkReply *changedSince = get("/todos/1", {{"If-Modified-Since", lastModified}});
    QVERIFY(waitFinished(changedSince));
    QCOMPARE(status(changedSince), 200);

    QCOMPARE(m_fixture->count("GET", "/todos/1"), 6);
}

void tst_HttpFixture::enqueueIsFifoThenFallsBackToRoute()
{
    m_fixture->route("GET", "/flaky", [](const RecordedRequest &) { return Response::json("\"ok\""); });
    Response unavailable = Response::json("{\"error\":\"busy\"}", 503);
    unavailable.headers.append(std::pair<QByteArray, QByteArray>("Retry-After", "2"));
    m_fixture->enqueue("GET", "/flaky", unavailable);
    m_fixture->enqueue("GET", "/flaky", Response::json("{\"error\":\"boom\"}", 500));
    m_fixture->enqueue("POST", "/flaky", Response{.status = 409}); // another method: its own queue

    QNetworkReply *first = get("/flaky");
    QVERIFY(waitFinished(first));
    QCOMPARE(status(first), 503);
    QCOMPARE(first->rawHeader("Retry-After"), "2");

    QNetworkReply *second = get("/flaky");
    QVERIFY(waitFinished(second));
    QCOMPARE(status(second), 500);

    for (int i = 0; i < 2; ++i) {
        QNetworkReply *fallback = get("/flaky");
        QVERIFY(waitFinished(fallback));
        QCOMPARE(status(fallback), 200);
        QCOMPARE(fallback->readAll(), "\"ok\"");
    }

    // A scripted answer also works for a path that has no route.
    m_fixture->enqueue("GET", "/nowhere", Response::json("{}", 202));
    QNetworkReply *scripted = get("/nowhere");
    QVERIFY(waitFinished(scripted));
    QCOMPARE(status(scripted), 202);
    QNetworkReply *afterwards = get("/nowhere");
    QVERIFY(waitFinished(afterwards));
    QCOMPARE(status(afterwards), 404);
}

void tst_HttpFixture::delayAnswersLaterWithoutBlocking()
{
    constexpr auto delay = 300ms;
    m_fixture->route("GET", "/slow", [&](const RecordedRequest &) {
        Response r = Response::json("\"slow\"");
        r.delay = delay;
        return r;
    });
    m_fixture->route("GET", "/fast", [](const RecordedRequest &) { return Response::json("\"fast\""); });

    QElapsedTimer clock;
    clock.start();
    QNetworkReply *slow = get("/slow");
    QTRY_COMPARE(m_fixture->inFlight(), 1);
    QNetworkReply *fast = get("/fast"); // on a second connection, answered while /slow waits
    QVERIFY(waitFinished(fast));
    QCOMPARE(fast->readAll(), "\"fast\"");
    QVERIFY(!slow->isFinished());
    QCOMPARE(m_fixture->inFlight(), 1);

    QVERIFY(waitFinished(slow));
    QVERIFY(clock.elapsed() >= delay.count());
    QCOMPARE(slow->error(), QNetworkReply::NoError);
    QCOMPARE(slow->readAll(), "\"slow\"");
    QCOMPARE(m_fixture->inFlight(), 0);
}

void tst_HttpFixture::dropFaultIsANetworkError_data()
{
    QTest::addColumn<Fault>("fault");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("after headers") << Fault::DropAfterHeaders << QByteArray("{\"id\":1}");
    QTest::newRow("after headers, empty body") << Fault::DropAfterHeaders << QByteArray();
    QTest::newRow("mid body") << Fault::DropMidBody << QByteArray("{\"items\":[1,2,3,4,5,6,7,8]}");
    QTest::newRow("mid body, empty body") << Fault::DropMidBody << QByteArray();
}

void tst_HttpFixture::dropFaultIsANetworkError()
{
    QFETCH(Fault, fault);
    QFETCH(QByteArray, body);
    m_fixture->route("GET", "/ok", [](const RecordedRequest &) { return Response::json("\"ok\""); });

    // First an ordinary request, so the fault happens on a kept-alive connection, as in real use.
    QNetworkReply *warmup = get("/ok");
    QVERIFY(waitFinished(warmup));
    QCOMPARE(warmup->error(), QNetworkReply::NoError);

    Response broken = Response::json(body);
    broken.fault = fault;
    m_fixture->enqueue("GET", "/ok", broken);
    QElapsedTimer clock;
    clock.start();
    QNetworkReply *reply = get("/ok");
    QVERIFY(waitFinished(reply));
    QCOMPARE(reply->error(), QNetworkReply::RemoteHostClosedError);
    QVERIFY2(clock.elapsed() < 4000, "the drop must end the reply, not the transfer timeout");
    QCOMPARE(m_fixture->count("GET", "/ok"), 2); // not retried by QNAM

    // The fixture keeps serving afterwards.
    QNetworkReply *after = get("/ok");
    QVERIFY(waitFinished(after));
    QCOMPARE(after->error(), QNetworkReply::NoError);
    QCOMPARE(after->readAll(), "\"ok\"");
}

void tst_HttpFixture::holdReleasedOutOfOrder()
{
    m_fixture->route("GET", "/item", [](const RecordedRequest &r) {
        Response response = Response::json("\"" + r.query.queryItemValue("n").toUtf8() + "\"");
        response.fault = Fault::Hold;
        return response;
    });
    QSignalSpy received(m_fixture.get(), &HttpFixture::requestReceived);
    QVERIFY(received.isValid());

    QNetworkReply *first = get("/item?n=1");
    QVERIFY(received.wait());
    const int firstId = received.takeFirst().at(0).toInt();
    QNetworkReply *second = get("/item?n=2");
    QVERIFY(received.wait());
    const int secondId = received.takeFirst().at(0).toInt();
    QCOMPARE(m_fixture->inFlight(), 2);
    QCOMPARE(m_fixture->heldRequests(), (QList<int>{firstId, secondId}));

    QVERIFY(m_fixture->release(secondId));
    QVERIFY(!m_fixture->release(secondId)); // already released
    QVERIFY(waitFinished(second));
    QCOMPARE(second->readAll(), "\"2\"");
    QVERIFY(!first->isFinished());
    QCOMPARE(m_fixture->inFlight(), 1);

    QVERIFY(m_fixture->release(firstId));
    QVERIFY(waitFinished(first));
    QCOMPARE(first->readAll(), "\"1\"");
    QCOMPARE(m_fixture->inFlight(), 0);
    QVERIFY(m_fixture->heldRequests().isEmpty());
}

void tst_HttpFixture::releaseOfUnknownIdDoesNothing()
{
    QSignalSpy received(m_fixture.get(), &HttpFixture::requestReceived);
    QVERIFY(received.isValid());
    QVERIFY(!m_fixture->release(0));
    QVERIFY(!m_fixture->release(42));
    QCOMPARE(m_fixture->releaseAll(), 0);
    QCOMPARE(received.size(), 0);
    QCOMPARE(m_fixture->inFlight(), 0);
}

void tst_HttpFixture::clientAbortOfHeldRequestThenReleaseAll_data()
{
    QTest::addColumn<bool>("waitForDisconnect");

    QTest::newRow("release before the fixture sees the disconnect") << false;
    QTest::newRow("release after the fixture saw the disconnect") << true;
}

void tst_HttpFixture::clientAbortOfHeldRequestThenReleaseAll()
{
    QFETCH(bool, waitForDisconnect);
    Response held = Response::json("\"late\"");
    held.fault = Fault::Hold;
    m_fixture->enqueue("GET", "/held", held);
    m_fixture->enqueue("GET", "/held", held);
    m_fixture->route("GET", "/held", [](const RecordedRequest &) { return Response::json("\"now\""); });

    QNetworkReply *aborted = get("/held");
    QNetworkReply *kept = get("/held");
    QTRY_COMPARE(m_fixture->inFlight(), 2);

    aborted->abort();
    QCOMPARE(aborted->error(), QNetworkReply::OperationCanceledError);
    if (waitForDisconnect) {
        QTRY_COMPARE(m_fixture->inFlight(), 1);
        QCOMPARE(m_fixture->releaseAll(), 1);
    } else {
        // No event loop has run since abort(): the fixture still holds both and writes to a dead socket.
        QCOMPARE(m_fixture->releaseAll(), 2);
    }

    QVERIFY(waitFinished(kept));
    QCOMPARE(kept->error(), QNetworkReply::NoError);
    QCOMPARE(kept->readAll(), "\"late\"");
    QTRY_COMPARE(m_fixture->inFlight(), 0);

    QNetworkReply *after = get("/held");
    QVERIFY(waitFinished(after));
    QCOMPARE(after->readAll(), "\"now\"");
}

void tst_HttpFixture::sequentialRequestsShareOneConnection()
{
    m_fixture->route("POST", "/echo", [](const RecordedRequest &r) { return Response::json(r.body); });

    const QList<QByteArray> bodies{"{\"n\":1,\"pad\":\"xxxxxxxxxxxx\"}", "{\"n\":2}", "", "{\"n\":4}"};
    for (int i = 0; i < bodies.size(); ++i) {
        QNetworkRequest req = request("/echo");
        req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        req.setRawHeader("X-Seq-" + QByteArray::number(i), "1");
        QNetworkReply *reply = m_nam->post(req, bodies.at(i));
        QVERIFY(waitFinished(reply));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->readAll(), bodies.at(i));
    }

    const QList<RecordedRequest> log = m_fixture->requests();
    QCOMPARE(log.size(), bodies.size());
    for (int i = 0; i < log.size(); ++i) {
        QCOMPARE(log.at(i).connection, log.at(0).connection); // kept alive
        QCOMPARE(log.at(i).body, bodies.at(i));               // nothing left over from the one before
        for (int j = 0; j < log.size(); ++j)
            QCOMPARE(log.at(i).headers.contains("x-seq-" + QByteArray::number(j)), i == j);
    }
}

void tst_HttpFixture::parallelRequestsOverKeepAlive()
{
    // A short delay keeps the requests overlapping, so QNAM spreads them over its 6 connections.
    m_fixture->route("GET", "/n", [](const RecordedRequest &r) {
        Response response = Response::json(r.query.queryItemValue("i").toUtf8());
        response.delay = 50ms;
        return response;
    });

    constexpr int rounds = 3;
    constexpr int perRound = 12;
    for (int round = 0; round < rounds; ++round) {
        QList<QNetworkReply *> replies;
        for (int i = 0; i < perRound; ++i)
            replies.append(get(QStringLiteral("/n?i=%1").arg(i)));
        for (int i = 0; i < perRound; ++i) {
            QVERIFY(waitFinished(replies.at(i)));
            QCOMPARE(replies.at(i)->error(), QNetworkReply::NoError);
            QCOMPARE(replies.at(i)->readAll(), QByteArray::number(i));
        }
    }

    const QList<RecordedRequest> log = m_fixture->requests();
    QCOMPARE(log.size(), rounds * perRound);
    QSet<int> connections;
    for (const RecordedRequest &r : log)
        connections.insert(r.connection);
    QVERIFY2(connections.size() > 1, "requests ran in parallel");
    QVERIFY2(connections.size() <= 6, "connections were reused across rounds");
    QCOMPARE(m_fixture->inFlight(), 0);
}

QTEST_GUILESS_MAIN(tst_HttpFixture)
#include "tst_httpfixture.moc"
