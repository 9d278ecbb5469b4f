#include "core/http/endpoint.h"
#include "core/http/httptransport.h"
#include "support/httpfixture.h"

#include <QNetworkAccessManager>
#include <QTcpServer>
#include <QTcpSocket>
#include <QSignalSpy>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace std::chrono_literals;

// HTTP as the cache uses it: URLs, headers, conditional requests, readable errors, limits, redirects.
class tst_HttpTransport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(fixture.start()); }
    void init() { fixture.clearLog(); }
    void urlJoin_data();
    void urlJoin();
    void headersAndValidatorsSent();
    void readJsonCases_data();
    void readJsonCases();
    void errorsCarryNoCredentials();
    void sizeCap();
    void depthCap();
    void redirectFollowedSameOrigin();
    void loggableRedactsSecrets();
    void totalAndLinks();
    void linkHeader_data();
    void linkHeader();
    void serverReachability();

private:
    FetchResult fetch(const Endpoint &endpoint, const QString &path, const QByteArray &etag = {});
    HttpFixture fixture;
    QNetworkAccessManager nam;
    HttpTransport transport{&nam};
};

FetchResult tst_HttpTransport::fetch(const Endpoint &endpoint, const QString &path, const QByteArray &etag)
{
    HttpRequest r = endpoint.request("GET", path);
    if (!etag.isEmpty())
        r.headers.append(std::pair<QByteArray, QByteArray>("If-None-Match", etag));
    QNetworkReply *reply = transport.send(r, endpoint.config().limits);
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !done.wait(10000))
        qFatal("no reply");
    FetchResult result = HttpTransport::readJson(reply, endpoint.config().limits);
    reply->deleteLater();
    return result;
}

void tst_HttpTransport::urlJoin_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("url");
    QTest::newRow("plain") << "http://h" << "/posts" << "http://h/posts";
    QTest::newRow("base path") << "http://h/api" << "posts" << "http://h/api/posts";
    QTest::newRow("both slashes") << "http://h/api/" << "/posts/7" << "http://h/api/posts/7";
    QTest::newRow("empty path") << "http://h/api/" << "" << "http://h/api";
    QTest::newRow("root") << "http://h" << "" << "http://h/";
}

void tst_HttpTransport::urlJoin()
{
    QFETCH(QString, base);
    QFETCH(QString, path);
    QFETCH(QString, url);
    Endpoint e(&transport, EndpointConfig{.baseUrl = QUrl(base)});
    QCOMPARE(e.url(path).toString(), url);
    QUrlQuery q;
    q.addQueryItem("_page", "2");
    QCOMPARE(e.url(path, q).query(), QStringLiteral("_page=2"));
}

void tst_HttpTransport::headersAndValidatorsSent()
{
    fixture.setJson("/posts", R"([{"id":1}])");
    Endpoint e(&transport, EndpointConfig{.baseUrl = fixture.baseUrl(), .headers = {{"Authorization", "Bearer s3cret"}}});
    const FetchResult first = fetch(e, "/posts");
    QVERIFY(!first.error);
    QCOMPARE(first.data.at(0).value(u"id").toInteger(), 1);
    QVERIFY(!first.etag.isEmpty());
    QVERIFY(!first.lastModified.isEmpty());
    const RecordedRequest r = fixture.requests().last();
    QCOMPARE(r.headers.value("authorization"), QByteArray("Bearer s3cret"));
    QCOMPARE(r.headers.value("accept"), QByteArray("application/json"));
    const FetchResult second = fetch(e, "/posts", first.etag);
    QVERIFY(!second.error);
    QVERIFY(second.notModified);
    QVERIFY(second.data.isUndefined());
}

void tst_HttpTransport::readJsonCases_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<int>("kind");          // -1: success
    QTest::addColumn<QString>("mentions");
    QTest::newRow("array") << 200 << QByteArray("[1,2]") << QByteArray("application/json") << -1 << QString();
    QTest::newRow("empty body is null") << 200 << QByteArray() << QByteArray("application/json") << -1 << QString();
    QTest::newRow("scalar") << 200 << QByteArray("42") << QByteArray("application/json") << -1 << QString();
    QTest::newRow("truncated") << 200 << QByteArray("[1,2") << QByteArray("application/json")
                               << int(QueryError::Kind::Parse) << "not valid JSON";
    QTest::newRow("html with 200") << 200 << QByteArray("<html>oops</html>") << QByteArray("text/html")
                                   << int(QueryError::Kind::Parse) << "text/html";
    QTest::newRow("404 json") << 404 << QByteArray(R"({"error":"no such post"})") << QByteArray("application/json")
                              << int(QueryError::Kind::Http) << "no such post";
    QTest::newRow("500 html") << 500 << QByteArray("<h1>Internal</h1>") << QByteArray("text/html")
                              << int(QueryError::Kind::Http) << "HTTP 500";
    QTest::newRow("unicode") << 200 << QByteArray(R"(["ünïcødé 😀"])") << QByteArray("application/json") << -1 << QString();
}

void tst_HttpTransport::readJsonCases()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(int, kind);
    QFETCH(QString, mentions);
    Response resp;
    resp.status = status;
    resp.body = body;
    resp.headers.append(std::pair<QByteArray, QByteArray>("Content-Type", contentType));
    fixture.enqueue("GET", "/case", resp);
    Endpoint e(&transport, EndpointConfig{.baseUrl = fixture.baseUrl()});
    const FetchResult r = fetch(e, "/case");
    if (kind < 0) {
        QVERIFY2(!r.error, qPrintable(r.error ? r.error->toString() : QString()));
        QVERIFY(!r.data.isUndefined());
        if (body.isEmpty())
            QVERIFY(r.data.isNull());
        else
            QCOMPARE(r.data, Json::parse(body));
        return;
    }
    QVERIFY(r.error);
    QCOMPARE(int(r.error->kind), kind);
    const QString text = r.error->toString();
    QVERIFY2(text.contains(mentions), qPrintable(text));
    QVERIFY2(text.startsWith(QStringLiteral("GET http://127.0.0.1:")), qPrintable(text));
}

void tst_HttpTransport::errorsCarryNoCredentials()
{
    fixture.enqueue("GET", "/secret", Response::json(R"({"error":"denied"})", 401));
    QUrl base = fixture.baseUrl();
    base.setUserName("alice");
    base.setPassword("hunter2");
    Endpoint e(&transport, EndpointConfig{.baseUrl = base});
    const FetchResult r = fetch(e, "/secret");
    QVERIFY(r.error);
    QCOMPARE(r.error->httpStatus, 401);
    QVERIFY(!r.error->toString().contains(QStringLiteral("hunter2")));
    QVERIFY(!r.error->toString().contains(QStringLiteral("alice")));
}

void tst_HttpTransport::sizeCap()
{
    QByteArray big = "[";
    for (int i = 0; i < 60000; ++i)
        big += "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",";
    big += "0]";
    fixture.enqueue("GET", "/big", Response::json(big));
    EndpointConfig config{.baseUrl = fixture.baseUrl()};
    config.limits.maxBytes = 1024 * 1024;
    Endpoint e(&transport, config);
    const FetchResult r = fetch(e, "/big");
    QVERIFY(r.error);
    QCOMPARE(r.error->kind, QueryError::Kind::TooLarge);
    QVERIFY(r.error->toString().contains(QStringLiteral("response too large")));
}

void tst_HttpTransport::depthCap()
{
    const QByteArray deep = QByteArray(5000, '[') + QByteArray(5000, ']');
    fixture.enqueue("GET", "/deep", Response::json(deep));
    Endpoint e(&transport, EndpointConfig{.baseUrl = fixture.baseUrl()});
    const FetchResult r = fetch(e, "/deep");
    QVERIFY(r.error);
    QCOMPARE(r.error->kind, QueryError::Kind::Parse);
    QVERIFY2(r.error->toString().contains(QStringLiteral("deep")), qPrintable(r.error->toString()));
}

void tst_HttpTransport::redirectFollowedSameOrigin()
{
    fixture.setJson("/new", R"({"moved":true})");
    fixture.route("GET", "/old", [this](const RecordedRequest &) {
        Response r;
        r.status = 301;
        r.headers.append(std::pair<QByteArray, QByteArray>("Location", fixture.baseUrl().toString().toUtf8() + "/new"));
        return r;
    });
    Endpoint e(&transport, EndpointConfig{.baseUrl = fixture.baseUrl()});
    const FetchResult r = fetch(e, "/old");
    QVERIFY2(!r.error, qPrintable(r.error ? r.error->toString() : QString()));
    QVERIFY(r.data.value(u"moved").toBool());
    QCOMPARE(fixture.count("GET", "/new"), 1);
}

void tst_HttpTransport::loggableRedactsSecrets()
{
    QCOMPARE(HttpTransport::loggable("Authorization", "Bearer x"), QByteArray("<redacted>"));
    QCOMPARE(HttpTransport::loggable("cookie", "a=b"), QByteArray("<redacted>"));
    QCOMPARE(HttpTransport::loggable("X-Api-Key", "k"), QByteArray("<redacted>"));
    QCOMPARE(HttpTransport::loggable("Accept", "application/json"), QByteArray("application/json"));
}

void tst_HttpTransport::totalAndLinks()
{
    Response page = Response::json("[1,2]");
    page.headers.append(std::pair<QByteArray, QByteArray>("X-Total-Count", "1000"));
    page.headers.append(std::pair<QByteArray, QByteArray>(
        "Link", R"(<http://h/posts?_page=1>; rel="first", <http://h/posts?_page=3>; rel="next", </posts?_page=50>; rel="last")"));
    fixture.enqueue("GET", "/page", page);
    Endpoint e(&transport, EndpointConfig{.baseUrl = fixture.baseUrl()});
    const FetchResult r = fetch(e, "/page");
    QVERIFY(!r.error);
    QCOMPARE(r.meta.value(u"total").toInteger(), 1000);
    QCOMPARE(r.meta.value(u"links").value(u"next").toString(), QStringLiteral("http://h/posts?_page=3"));
    QCOMPARE(r.meta.value(u"links").value(u"last").toString(), fixture.baseUrl().toString() + QStringLiteral("/posts?_page=50"));
    // No such headers: no meta.
    fixture.enqueue("GET", "/plain", Response::json("[]"));
    QVERIFY(fetch(e, "/plain").meta.isUndefined());
    // A total that is not a number is ignored.
    Response bad = Response::json("[]");
    bad.headers.append(std::pair<QByteArray, QByteArray>("X-Total-Count", "many"));
    fixture.enqueue("GET", "/bad", bad);
    QVERIFY(fetch(e, "/bad").meta.isUndefined());
}

void tst_HttpTransport::linkHeader_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QStringList>("rels");
    QTest::newRow("one") << QByteArray(R"(<http://a/1>; rel="next")") << QStringList{"next=http://a/1"};
    QTest::newRow("unquoted") << QByteArray("<http://a/1>; rel=next") << QStringList{"next=http://a/1"};
    QTest::newRow("two rels") << QByteArray(R"(<http://a/9>; rel="last prev")") << QStringList{"last=http://a/9", "prev=http://a/9"};
    QTest::newRow("params") << QByteArray(R"(<http://a/2>; title="x"; rel="next", <http://a/0>; rel="prev")")
                            << QStringList{"next=http://a/2", "prev=http://a/0"};
    QTest::newRow("garbage") << QByteArray("no links here") << QStringList{};
    QTest::newRow("unterminated") << QByteArray("<http://a/1; rel=next") << QStringList{};
}

void tst_HttpTransport::linkHeader()
{
    QFETCH(QByteArray, value);
    QFETCH(QStringList, rels);
    QStringList got;
    for (const auto &[rel, url] : HttpTransport::parseLinkHeader(value, QUrl("http://base/")))
        got << QString::fromLatin1(rel) + u'=' + url.toString();
    QCOMPARE(got, rels);
}

// Issue #13: a server on this machine that stops answering is told apart from the network's state: the
// transport says since when it has not answered, and when it answers again.
void tst_HttpTransport::serverReachability()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/posts").arg(port));
    QNetworkAccessManager nam;
    HttpTransport transport(&nam);
    QSignalSpy changed(&transport, &HttpTransport::reachabilityChanged);
    QVERIFY(changed.isValid());
    QVERIFY(!transport.unreachableSince(url).isValid());   // nothing known yet

    const QDateTime before = QDateTime::currentDateTime();
    QNetworkReply *refused = transport.send(HttpRequest{.url = url});
    QSignalSpy refusedDone(refused, &QNetworkReply::finished);
    QVERIFY(refusedDone.wait());
    refused->deleteLater();
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().at(0).toString(), QStringLiteral("http://127.0.0.1:%1").arg(port));
    QCOMPARE(changed.first().at(1).toBool(), false);
    const QDateTime since = transport.unreachableSince(url);
    QVERIFY(since.isValid() && since >= before.addSecs(-1));
    QCOMPARE(transport.unreachableSince(QUrl(QStringLiteral("http://127.0.0.1:%1/users/7").arg(port))), since);

    // A second failure keeps the first time.
    QNetworkReply *again = transport.send(HttpRequest{.url = url});
    QSignalSpy againDone(again, &QNetworkReply::finished);
    QVERIFY(againDone.wait());
    again->deleteLater();
    QCOMPARE(changed.count(), 1);
    QCOMPARE(transport.unreachableSince(url), since);

    // The server is back on its port: any answer, an error status too, means it answers.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, port));
    connect(&server, &QTcpServer::newConnection, &server, [&server] {
        QTcpSocket *socket = server.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket] {
            socket->readAll();
            socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
            socket->disconnectFromHost();
        });
    });
    QNetworkReply *answered = transport.send(HttpRequest{.url = url});
    QSignalSpy answeredDone(answered, &QNetworkReply::finished);
    QVERIFY(answeredDone.wait());
    answered->deleteLater();
    QCOMPARE(changed.count(), 2);
    QCOMPARE(changed.last().at(1).toBool(), true);
    QVERIFY(!transport.unreachableSince(url).isValid());
}

QTEST_GUILESS_MAIN(tst_HttpTransport)
#include "tst_httptransport.moc"
