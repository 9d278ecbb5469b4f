// ChangeStream's transports against the sample API's change stream on 127.0.0.1: Server-Sent Events over
// QNetworkAccessManager and a WebSocket; dropped connections come back after a backoff on a manual clock,
// resume from the last event id and miss nothing; a server without a stream is Unavailable.
#include "app/sampleapi/changefeed.h"
#include "app/sampleapi/sampleapi.h"
#include "core/json/json.h"
#include "core/live/ssestream.h"
#include "core/session/websocketstream.h"

#include <QtTest>

using namespace refetch;
using namespace std::chrono_literals;

namespace {

struct Message
{
    QString type;
    QByteArray data;
    QString id;
};

} // namespace

class tst_ChangeStream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void sseDeliversEveryWriteAsItIsSaved();
    void sseResumesAfterADropAndMissesNothing();
    void sseBacksOffWhileTheServerIsDownAndComesBack();
    void sseOfAServerWithoutAStreamIsUnavailable_data();
    void sseOfAServerWithoutAStreamIsUnavailable();
    void webSocketDeliversAndResumes();
    void stopEndsTheConnection();
    void keepAlivesKeepAQuietStreamOpen();
    void aSilentStreamIsCutAtItsIdleTimeout();

private:
    bool write(const QByteArray &method, const QString &path, const QByteArray &body = {});
    void collect(ChangeStream *stream);
    static QList<Message> changes(const QList<Message> &messages);

    QTemporaryDir *m_dir = nullptr;
    std::unique_ptr<SampleApi> m_api;
    QNetworkAccessManager m_nam;
    QList<Message> m_messages;
};

void tst_ChangeStream::init()
{
    m_dir = new QTemporaryDir;
    m_api = std::make_unique<SampleApi>();
    QVERIFY(m_api->start({.databasePath = m_dir->filePath(QStringLiteral("db.sqlite")), .randomSeed = 1}));
    m_messages.clear();
}

void tst_ChangeStream::cleanup()
{
    m_api.reset();
    delete m_dir;
    m_dir = nullptr;
}

bool tst_ChangeStream::write(const QByteArray &method, const QString &path, const QByteArray &body)
{
    QNetworkRequest request(m_api->baseUrl().resolved(QUrl(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    QNetworkReply *reply = m_nam.sendCustomRequest(request, method, body);
    QSignalSpy done(reply, &QNetworkReply::finished);
    const bool ok = done.wait(10000) && reply->error() == QNetworkReply::NoError;
    reply->deleteLater();
    return ok;
}

void tst_ChangeStream::collect(ChangeStream *stream)
{
    connect(stream, &ChangeStream::messageReceived, this, [this](const QString &type, const QByteArray &data, const QString &id) {
        m_messages.append({type, data, id});
    });
}

QList<Message> tst_ChangeStream::changes(const QList<Message> &messages)
{
    QList<Message> out;
    for (const Message &m : messages) {
        if (m.type == u"change" || (m.type.isEmpty() && Json::parse(m.data)["type"].toString() == u"change"))
            out.append(m);
    }
    return out;
}

void tst_ChangeStream::sseDeliversEveryWriteAsItIsSaved()
{
    SystemClock clock;
    Scheduler scheduler(&clock);
    SseStream stream(&m_nam, &scheduler, {.url = m_api->eventsUrl()});
    QSignalSpy opened(&stream, &ChangeStream::opened);
    QVERIFY(opened.isValid());
    collect(&stream);
    stream.start();
    QCOMPARE(stream.state(), ChangeStream::State::Connecting);
    QVERIFY(opened.wait(10000));
    QCOMPARE(opened.first().first().toBool(), false);   // a first connection resumes nothing
    QCOMPARE(stream.state(), ChangeStream::State::Open);
    QTRY_COMPARE(m_messages.size(), 1);
    QCOMPARE(m_messages.first().type, QStringLiteral("ready"));
    QVERIFY(stream.responseHeader("Link").contains("ws://127.0.0.1:"));

    QVERIFY(write("PATCH", QStringLiteral("/posts/7"), R"({"title":"Edited"})"));
    QVERIFY(write("POST", QStringLiteral("/users"), R"({"name":"New"})"));
    QVERIFY(write("DELETE", QStringLiteral("/comments/3")));
    QTRY_COMPARE(changes(m_messages).size(), 3);
    const QList<Message> got = changes(m_messages);
    QCOMPARE(Json::parse(got[0].data), Json::parse(R"({"resource":"posts","id":7,"action":"updated"})"));
    QCOMPARE(Json::parse(got[1].data)["resource"].toString(), QStringLiteral("users"));
    QCOMPARE(Json::parse(got[1].data)["action"].toString(), QStringLiteral("created"));
    QCOMPARE(Json::parse(got[2].data), Json::parse(R"({"resource":"comments","id":3,"action":"deleted"})"));
    QVERIFY(!got[0].id.isEmpty());
    QVERIFY(got[0].id != got[1].id);
    QCOMPARE(stream.lastEventId(), got[2].id);
    // A read changes nothing and says nothing.
    QVERIFY(write("GET", QStringLiteral("/posts/7")));
    QCOMPARE(changes(m_messages).size(), 3);
}

void tst_ChangeStream::sseResumesAfterADropAndMissesNothing()
{
    ManualClock clock;
    Scheduler scheduler(&clock);
    SseStream stream(&m_nam, &scheduler, {.url = m_api->eventsUrl()}, {.initial = 1000ms, .max = 30000ms, .seed = 7});
    QSignalSpy opened(&stream, &ChangeStream::opened);
    collect(&stream);
    stream.start();
    QVERIFY(opened.wait(10000));
    QVERIFY(write("PATCH", QStringLiteral("/posts/1"), R"({"title":"one"})"));
    QTRY_COMPARE(changes(m_messages).size(), 1);
    const QString before = stream.lastEventId();

    // The server drops the connection mid-stream.
    QSignalSpy states(&stream, &ChangeStream::stateChanged);
    m_api->changeFeed()->dropSubscribers();
    QTRY_COMPARE(stream.state(), ChangeStream::State::Waiting);
    QVERIFY(!stream.errorString().isEmpty());
    const Millis wait = stream.retryAt() - clock.now();
    QVERIFY2(wait >= 500ms && wait <= 1000ms, qPrintable(QString::number(wait.count())));
    // Changes made while it is away.
    QVERIFY(write("PATCH", QStringLiteral("/posts/2"), R"({"title":"two"})"));
    QVERIFY(write("PATCH", QStringLiteral("/posts/3"), R"({"title":"three"})"));
    QVERIFY(write("DELETE", QStringLiteral("/comments/4")));
    // Nothing happens before the backoff is over: time is the test's.
    QCoreApplication::processEvents();
    QCOMPARE(stream.state(), ChangeStream::State::Waiting);
    clock.advance(wait - 1ms);
    QCOMPARE(stream.state(), ChangeStream::State::Waiting);
    clock.advance(1ms);
    QCOMPARE(stream.state(), ChangeStream::State::Connecting);
    QVERIFY(opened.wait(10000));
    QCOMPARE(opened.last().first().toBool(), true);   // it sent Last-Event-ID
    QCOMPARE(stream.openCount(), 2);

    // The server says it resumed, then the missed events, in order, once each.
    QTRY_COMPARE(changes(m_messages).size(), 4);
    const QList<Message> got = changes(m_messages);
    QCOMPARE(Json::parse(got[1].data)["id"].toInteger(), 2);
    QCOMPARE(Json::parse(got[2].data)["id"].toInteger(), 3);
    QCOMPARE(Json::parse(got[3].data), Json::parse(R"({"resource":"comments","id":4,"action":"deleted"})"));
    QVERIFY(got[1].id != before);
    int readies = 0;
    for (const Message &m : std::as_const(m_messages)) {
        if (m.type == u"ready") {
            ++readies;
            QCOMPARE(Json::parse(m.data)["resumed"].toBool(), readies == 2);
        }
    }
    QCOMPARE(readies, 2);
    // The backoff starts over once open.
    QCOMPARE(stream.backoff().failures(), 0);
}

void tst_ChangeStream::sseBacksOffWhileTheServerIsDownAndComesBack()
{
    ManualClock clock;
    Scheduler scheduler(&clock);
    SseStream stream(&m_nam, &scheduler, {.url = m_api->eventsUrl()}, {.initial = 1000ms, .max = 8000ms, .jitter = 0.5, .seed = 3});
    QSignalSpy opened(&stream, &ChangeStream::opened);
    stream.start();
    QVERIFY(opened.wait(10000));
    const quint16 port = m_api->port();
    const QString db = m_api->databasePath();
    m_api.reset();   // the server goes away: the stream drops and every try is refused
    QTRY_COMPARE(stream.state(), ChangeStream::State::Waiting);
    QList<Millis> waits;
    for (int i = 0; i < 5; ++i) {
        const Millis wait = stream.retryAt() - clock.now();
        waits.append(wait);
        clock.advance(wait);
        QCOMPARE(stream.state(), ChangeStream::State::Connecting);
        QTRY_COMPARE(stream.state(), ChangeStream::State::Waiting);
    }
    // 1, 2, 4, 8, 8 s, each taken within its upper half.
    const qint64 full[] = {1000, 2000, 4000, 8000, 8000, 8000};
    for (int i = 0; i < waits.size(); ++i)
        QVERIFY2(waits[i].count() >= full[i] / 2 && waits[i].count() <= full[i], qPrintable(QStringLiteral("wait %1: %2 ms").arg(i).arg(waits[i].count())));
    QVERIFY(stream.errorString().contains(QStringLiteral("127.0.0.1")));

    // Back where it was: the next try opens, and the backoff starts over.
    m_api = std::make_unique<SampleApi>();
    QVERIFY(m_api->start({.databasePath = db, .port = port}));
    clock.advance(stream.retryAt() - clock.now());
    QVERIFY(opened.wait(10000));
    QCOMPARE(stream.state(), ChangeStream::State::Open);
    QCOMPARE(stream.backoff().failures(), 0);
}

void tst_ChangeStream::sseOfAServerWithoutAStreamIsUnavailable_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("why");
    QTest::newRow("404") << "/no-stream-here" << "HTTP 404";
    QTest::newRow("JSON, not a stream") << "/posts/1" << "not an event stream";
}

void tst_ChangeStream::sseOfAServerWithoutAStreamIsUnavailable()
{
    QFETCH(QString, path);
    QFETCH(QString, why);
    ManualClock clock;
    Scheduler scheduler(&clock);
    QUrl url = m_api->baseUrl();
    url.setPath(path);
    SseStream stream(&m_nam, &scheduler, {.url = url});
    QSignalSpy opened(&stream, &ChangeStream::opened);
    stream.start();
    QTRY_COMPARE(stream.state(), ChangeStream::State::Unavailable);
    QCOMPARE(stream.failure(), ChangeStream::Failure::NoStream);
    QVERIFY2(stream.errorString().contains(why), qPrintable(stream.errorString()));
    QCOMPARE(opened.count(), 0);
    QCOMPARE(scheduler.pending(), 0);   // nothing to try again
}

void tst_ChangeStream::webSocketDeliversAndResumes()
{
    ManualClock clock;
    Scheduler scheduler(&clock);
    QVERIFY(m_api->webSocketUrl().isValid());
    WebSocketStream stream(&scheduler, {.url = m_api->webSocketUrl(), .resumeParameter = QStringLiteral("lastEventId")},
                           {.initial = 1000ms, .seed = 5});
    QSignalSpy opened(&stream, &ChangeStream::opened);
    collect(&stream);
    // As LiveConnection does through the dialect: the message carries its own id.
    connect(&stream, &ChangeStream::messageReceived, this, [&stream](const QString &, const QByteArray &data) {
        const QString id = Json::parse(data)["eventId"].toString();
        if (!id.isEmpty())
            stream.setLastEventId(id);
    });
    stream.start();
    QVERIFY(opened.wait(10000));
    QTRY_COMPARE(m_messages.size(), 1);
    QCOMPARE(Json::parse(m_messages.first().data)["type"].toString(), QStringLiteral("ready"));
    QVERIFY(write("PATCH", QStringLiteral("/posts/5"), R"({"title":"five"})"));
    QTRY_COMPARE(changes(m_messages).size(), 1);
    QCOMPARE(Json::parse(changes(m_messages).first().data)["id"].toInteger(), 5);

    m_api->changeFeed()->dropSubscribers();
    QTRY_COMPARE(stream.state(), ChangeStream::State::Waiting);
    QVERIFY(write("PATCH", QStringLiteral("/posts/6"), R"({"title":"six"})"));
    QVERIFY(stream.connectionUrl().query().contains(QStringLiteral("lastEventId=")));
    clock.advance(stream.retryAt() - clock.now());
    QVERIFY(opened.wait(10000));
    QCOMPARE(opened.last().first().toBool(), true);
    QTRY_COMPARE(changes(m_messages).size(), 2);
    QCOMPARE(Json::parse(changes(m_messages).last().data)["id"].toInteger(), 6);
    const Json ready = Json::parse(m_messages.at(m_messages.size() - 2).data);
    QCOMPARE(ready["type"].toString(), QStringLiteral("ready"));
    QCOMPARE(ready["resumed"].toBool(), true);
    // And it talks back (what a dialect's subscriptions and pongs need).
    QVERIFY(stream.send(R"({"type":"pong"})"));
}

void tst_ChangeStream::stopEndsTheConnection()
{
    SystemClock clock;
    Scheduler scheduler(&clock);
    SseStream stream(&m_nam, &scheduler, {.url = m_api->eventsUrl()});
    QSignalSpy opened(&stream, &ChangeStream::opened);
    stream.start();
    QVERIFY(opened.wait(10000));
    QTRY_COMPARE(m_api->changeFeed()->subscriberCount(), 1);
    stream.stop();
    QCOMPARE(stream.state(), ChangeStream::State::Idle);
    QTRY_COMPARE(m_api->changeFeed()->subscriberCount(), 0);
    QCOMPARE(scheduler.pending(), 0);
}

void tst_ChangeStream::keepAlivesKeepAQuietStreamOpen()
{
    // No events for three idle timeouts, only comments: the stream stays open (each byte restarts the timeout).
    m_api->changeFeed()->setKeepAliveInterval(100ms);
    SystemClock clock;
    Scheduler scheduler(&clock);
    SseStream stream(&m_nam, &scheduler, {.url = m_api->eventsUrl(), .idleTimeout = 1000ms});
    QSignalSpy opened(&stream, &ChangeStream::opened);
    QSignalSpy states(&stream, &ChangeStream::stateChanged);
    stream.start();
    QVERIFY(opened.wait(10000));
    const int before = states.count();
    QTRY_VERIFY_WITH_TIMEOUT(stream.keepAlives() >= 30, 20000);
    QCOMPARE(states.count(), before);
    QCOMPARE(stream.state(), ChangeStream::State::Open);
}

void tst_ChangeStream::aSilentStreamIsCutAtItsIdleTimeout()
{
    m_api->changeFeed()->setKeepAliveInterval(60s);
    ManualClock clock;   // the backoff's; the idle timeout is the network's own, in real time
    Scheduler scheduler(&clock);
    SseStream stream(&m_nam, &scheduler, {.url = m_api->eventsUrl(), .idleTimeout = 300ms});
    QSignalSpy opened(&stream, &ChangeStream::opened);
    stream.start();
    QVERIFY(opened.wait(10000));
    QTRY_COMPARE_WITH_TIMEOUT(stream.state(), ChangeStream::State::Waiting, 10000);
    QVERIFY2(!stream.errorString().isEmpty(), qPrintable(stream.errorString()));
    QCOMPARE(stream.failure(), ChangeStream::Failure::Transient);
}

QTEST_GUILESS_MAIN(tst_ChangeStream)
#include "tst_changestream.moc"
