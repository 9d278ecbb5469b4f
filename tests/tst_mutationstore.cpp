#include "app/sampleapi/sampleapi.h"
#include "core/mutation/mutationqueue.h"
#include "core/persist/mutationstore.h"
#include "core/persist/storefile.h"
#include "support/clientharness.h"
#include "support/storeinspection.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace std::chrono_literals;

namespace {

// One run of an app's writes: a client, its queue with one endpoint ("default"), the file and the store.
// A second Session on the same path is the next start.
struct Session
{
    Session(const QString &path, const QUrl &baseUrl, bool isOnline = true)
    {
        online.setOnline(isOnline);
        endpoint = std::make_unique<Endpoint>(&transport, EndpointConfig{.baseUrl = baseUrl});
        queue.addEndpoint(endpoint.get());
        if (!file.open(path))
            qFatal("cannot open %s", qPrintable(path));
        store = std::make_unique<MutationStore>(&file, &queue);
    }
    ~Session() { store.reset(); }

    FocusSource focus;
    OnlineSource online;
    QueryClient client{ClientConfig{.focus = &focus, .online = &online}};
    MutationQueue queue{&client};
    QNetworkAccessManager nam;
    HttpTransport transport{&nam};
    std::unique_ptr<Endpoint> endpoint;
    StoreFile file;
    std::unique_ptr<MutationStore> store;
};

MutationOptions createPost()
{
    return MutationOptions{.method = "POST", .path = QStringLiteral("/posts"), .resource = QStringLiteral("posts")};
}

MutationOptions patchPost(int id)
{
    return MutationOptions{.method = "PATCH", .path = QStringLiteral("/posts/%1").arg(id),
                           .resource = QStringLiteral("posts"), .id = id};
}

Json storedMutation(const QString &path, const QString &id)
{
    const QVariantList v = readColumn(path, QStringLiteral("SELECT body FROM mutations WHERE id = ?"), {id});
    return v.isEmpty() ? Json() : Json::parse(v.first().toByteArray());
}

// GET through a plain QNetworkAccessManager: the server's view, not the client's cache.
Json getJson(const QUrl &url)
{
    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(url)));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!finished.wait(10000))
        return {};
    return Json::parse(reply->readAll());
}

// The sample API's posts with `title`, as the server has them.
int postsTitled(const SampleApi &api, const QString &title)
{
    QUrl url = api.baseUrl().resolved(QUrl(QStringLiteral("/posts")));
    url.setQuery(QStringLiteral("title=") + QString::fromUtf8(QUrl::toPercentEncoding(title)));
    const Json rows = getJson(url);
    return rows.isArray() ? int(rows.size()) : -1;
}

// The word after `what ` in the writer's output ("queued 1b2f..."), once it printed it.
QString said(const QByteArray &output, const char *what)
{
    const QRegularExpression line(QStringLiteral("^%1 (\\S+)$").arg(QLatin1StringView(what)), QRegularExpression::MultilineOption);
    return line.match(QString::fromUtf8(output)).captured(1);
}

} // namespace

// The queued writes in SQLite: committed before their request goes out, restored after a restart (also after
// SIGKILL in the middle of a save), sent again with their Idempotency-Key and applied once by a server that
// honours it.
class tst_MutationStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void writeIsOnDiskBeforeItsRequest();
    void unsentWritesSurviveARestartInOrder();
    void numbersInAWriteComeBackDigitForDigit();
    void etagPassedOnIsSaved();
    void endpointLimitsWhatIsSaved();
    void unreadableRowsAreLeftAndReported();
    void killedWhileSendingIsSentOnceMore();
    void killedWhilePausedIsSentAfterRestart();

private:
    QString path() const { return dir->filePath(QStringLiteral("api.sqlite")); }
    // The sample API on its own database, seeded with one post; `latency` holds every answer.
    std::unique_ptr<SampleApi> startApi(std::chrono::milliseconds latency = 0ms) const;
    QProcess *startWriter(const QUrl &url, const QStringList &extra = {});
    // The next start of the app on the file: `key` is the one write restored, and it succeeds.
    void restartAndSend(const QUrl &url, const QString &key, Json *result);

    std::unique_ptr<QTemporaryDir> dir;
    std::unique_ptr<ClientHarness> h;
    std::unique_ptr<QProcess> writer;
};

void tst_MutationStore::init()
{
    dir = std::make_unique<QTemporaryDir>();
    QVERIFY(dir->isValid());
    h = std::make_unique<ClientHarness>();
}

void tst_MutationStore::cleanup()
{
    if (writer) {
        writer->kill();
        writer->waitForFinished();
        writer.reset();
    }
    h.reset();
    dir.reset();
}

std::unique_ptr<SampleApi> tst_MutationStore::startApi(std::chrono::milliseconds latency) const
{
    const QString seed = dir->filePath(QStringLiteral("seed.json"));
    if (!QFile::exists(seed)) {
        QFile f(seed);
        if (!f.open(QIODevice::WriteOnly))
            return nullptr;
        f.write(R"({"posts":[{"id":1,"title":"seed","userId":1}]})");
    }
    auto api = std::make_unique<SampleApi>();
    QString error;
    if (!api->start({.databasePath = dir->filePath(QStringLiteral("sample-api.sqlite")), .seedFile = seed, .latency = latency}, &error)) {
        qWarning("sample API: %s", qPrintable(error));
        return nullptr;
    }
    return api;
}

QProcess *tst_MutationStore::startWriter(const QUrl &url, const QStringList &extra)
{
    writer = std::make_unique<QProcess>();
    writer->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    writer->start(QStringLiteral(REFETCH_MUTATION_WRITER),
                  QStringList{QStringLiteral("--store"), path(), QStringLiteral("--url"), url.toString()} + extra);
    return writer.get();
}

void tst_MutationStore::restartAndSend(const QUrl &url, const QString &key, Json *result)
{
    Session s(path(), url);
    QCOMPARE(s.store->restored().size(), 1);
    Mutation *m = s.store->restored().constFirst();
    QCOMPARE(m->idempotencyKey(), key);
    QSignalSpy succeeded(m, &Mutation::succeeded);
    QVERIFY(succeeded.wait(20000));
    if (result)
        *result = m->result();
}

void tst_MutationStore::writeIsOnDiskBeforeItsRequest()
{
    // The server looks at the file the moment the request arrives: the write must be in it already.
    QStringList savedWhenReceived;
    h->fixture.route("POST", QStringLiteral("/posts"), [&](const RecordedRequest &r) {
        savedWhenReceived = storedMutationIds(path());
        return Response::json(r.body, 201);
    });
    Session s(path(), h->fixture.baseUrl());
    Mutation *m = s.queue.mutate(createPost(), Json::parse(R"({"title":"t"})"));
    // Committed as mutate() returns, before the event loop could start the request.
    QCOMPARE(storedMutationIds(path()), QStringList{m->idempotencyKey()});
    QSignalSpy succeeded(m, &Mutation::succeeded);
    QVERIFY(succeeded.wait());
    QCOMPARE(savedWhenReceived, QStringList{m->idempotencyKey()});
    QCOMPARE(h->fixture.requests().constFirst().headers.value("idempotency-key"), m->idempotencyKey().toUtf8());
    // Settled: gone from the file.
    QCOMPARE(storedMutationIds(path()), QStringList());
    QCOMPARE(userVersion(path()), StoreFile::SchemaVersion);
}

void tst_MutationStore::unsentWritesSurviveARestartInOrder()
{
    h->fixture.route("POST", QStringLiteral("/posts"), [](const RecordedRequest &r) { return Response::json(r.body, 201); });
    h->fixture.route("PATCH", QStringLiteral("/posts/7"), [](const RecordedRequest &r) { return Response::json(r.body); });
    h->fixture.route("DELETE", QStringLiteral("/posts/8"), [](const RecordedRequest &) { return Response::json("{}"); });
    QStringList ids;
    {
        Session first(path(), h->fixture.baseUrl(), false);
        MutationOptions edit = patchPost(7);
        edit.etag = "\"v7\"";
        MutationOptions remove{.method = "DELETE", .path = QStringLiteral("/posts/8"), .resource = QStringLiteral("posts"),
                               .id = 8, .mode = MutationMode::Undoable, .undoDelay = 1500ms};
        ids.append(first.queue.mutate(createPost(), Json::parse(R"({"title":"new"})"))->idempotencyKey());
        ids.append(first.queue.mutate(edit, Json::parse(R"({"id":7,"title":"edited"})"))->idempotencyKey());
        ids.append(first.queue.mutate(remove)->idempotencyKey());
        QTRY_COMPARE(first.queue.pausedCount(), 2);
        QCOMPARE(storedMutationIds(path()), ids);
        // The app closes with its writes unsent (the window would ask; a crash would not).
    }
    QCOMPARE(storedMutationIds(path()), ids);
    QCOMPARE(h->fixture.count(), 0);

    Session second(path(), h->fixture.baseUrl());
    const QList<Mutation *> restored = second.store->restored();
    QCOMPARE(restored.size(), 3);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(restored[i]->idempotencyKey(), ids[i]);
    QCOMPARE(restored[1]->data().etag, QByteArray("\"v7\""));
    QCOMPARE(restored[2]->mode(), MutationMode::Undoable);
    // Sent in the order they were made (the delete once its undo delay, counted from when it was made, is over),
    // each with the key it had.
    for (Mutation *m : restored)
        QTRY_VERIFY_WITH_TIMEOUT(m->status() == Mutation::Status::Succeeded, 10000);
    // (The POST and the PATCH go together, on two connections: the log may have them either way round.)
    QHash<QString, RecordedRequest> byPath;
    for (const RecordedRequest &r : h->fixture.requests())
        byPath.insert(r.path, r);
    QCOMPARE(byPath.size(), 3);
    QCOMPARE(byPath[QStringLiteral("/posts")].headers.value("idempotency-key"), ids[0].toUtf8());
    QCOMPARE(byPath[QStringLiteral("/posts/7")].headers.value("idempotency-key"), ids[1].toUtf8());
    QCOMPARE(byPath[QStringLiteral("/posts/7")].headers.value("if-match"), QByteArray("\"v7\""));
    QCOMPARE(byPath[QStringLiteral("/posts/8")].headers.value("idempotency-key"), ids[2].toUtf8());
    QCOMPARE(h->fixture.requests().constLast().path, QStringLiteral("/posts/8"));
    QCOMPARE(storedMutationIds(path()), QStringList());
}

// A write's numbers that neither an int64 nor a double holds are saved and sent again after a restart as they were
// written: the server gets the same digits.
void tst_MutationStore::numbersInAWriteComeBackDigitForDigit()
{
    h->fixture.route("PATCH", QStringLiteral("/posts/7"), [](const RecordedRequest &r) { return Response::json(r.body); });
    const QByteArray fields = R"({"id":7,"big":12345678901234567890124,"price":0.1000000000000000055511151231257827,)"
                              R"("huge":1e400,"id64":9007199254740993})";
    QString id;
    {
        Session first(path(), h->fixture.baseUrl(), false);
        id = first.queue.mutate(patchPost(7), Json::parse(fields))->idempotencyKey();
        QTRY_COMPARE(first.queue.pausedCount(), 1);
        QCOMPARE(storedMutation(path(), id).value(u"variables").toJson(), fields);
    }
    Session second(path(), h->fixture.baseUrl());
    QCOMPARE(second.store->restored().size(), 1);
    Mutation *m = second.store->restored().constFirst();
    QCOMPARE(m->data().variables.toJson(), fields);
    QTRY_COMPARE(m->status(), Mutation::Status::Succeeded);
    QCOMPARE(h->fixture.count("PATCH", QStringLiteral("/posts/7")), 1);
    const QByteArray sent = h->fixture.requests().constLast().body;
    QVERIFY2(sent.contains("\"big\":12345678901234567890124"), sent.constData());
    QVERIFY2(sent.contains("\"price\":0.1000000000000000055511151231257827"), sent.constData());
    QVERIFY2(sent.contains("\"huge\":1e400"), sent.constData());
    QVERIFY2(sent.contains("\"id64\":9007199254740993"), sent.constData());
}

void tst_MutationStore::etagPassedOnIsSaved()
{
    int version = 1;
    h->fixture.route("PATCH", QStringLiteral("/posts/7"), [&](const RecordedRequest &r) {
        Response answer = Response::json(r.body);
        answer.headers.emplaceBack("ETag", "\"w" + QByteArray::number(++version) + '"');
        answer.fault = Response::Fault::Hold;
        return answer;
    });
    Session s(path(), h->fixture.baseUrl());
    MutationOptions edit = patchPost(7);
    edit.etag = "\"w1\"";
    Mutation *a = s.queue.mutate(edit, Json::parse(R"({"id":7,"title":"a"})"));
    Mutation *b = s.queue.mutate(edit, Json::parse(R"({"id":7,"title":"b"})"));
    QTRY_COMPARE(h->fixture.heldRequests().size(), 1);
    QCOMPARE(storedMutation(path(), b->idempotencyKey())["etag"].toString(), QStringLiteral("\"w1\""));
    h->fixture.releaseAll();
    QTRY_COMPARE(a->status(), Mutation::Status::Succeeded);
    // b now expects the version a made, on disk too: after a crash it is sent with that If-Match.
    QCOMPARE(storedMutation(path(), b->idempotencyKey())["etag"].toString(), QStringLiteral("\"w2\""));
    QCOMPARE(storedMutationIds(path()), QStringList{b->idempotencyKey()});
    QTRY_COMPARE(h->fixture.heldRequests().size(), 1);
    h->fixture.releaseAll();
    QTRY_COMPARE(b->status(), Mutation::Status::Succeeded);
}

void tst_MutationStore::endpointLimitsWhatIsSaved()
{
    FocusSource focus;
    OnlineSource online;
    online.setOnline(false);
    QueryClient client(ClientConfig{.focus = &focus, .online = &online});
    MutationQueue queue(&client);
    StoreFile file;
    QVERIFY(file.open(path()));
    MutationStore store(&file, &queue, {.endpoint = QStringLiteral("a")});
    MutationOptions toA = createPost();
    toA.endpoint = QStringLiteral("a");
    MutationOptions toB = createPost();
    toB.endpoint = QStringLiteral("b");
    const QString mine = queue.mutate(toA, Json::parse("{}"))->idempotencyKey();
    queue.mutate(toB, Json::parse("{}"));
    QCOMPARE(storedMutationIds(path()), QStringList{mine});
    QCOMPARE(readColumn(path(), QStringLiteral("SELECT endpoint FROM mutations")), QVariantList{QStringLiteral("a")});
}

void tst_MutationStore::unreadableRowsAreLeftAndReported()
{
    {
        StoreFile file;
        QVERIFY(file.open(path()));
        QSqlQuery q(file.database());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO mutations (id, endpoint, seq, body) VALUES "
                                      "('bad', 'default', 1, '{\"id\":\"bad\",\"method\":\"POST\"}'), "
                                      "('worse', 'default', 2, 'not json at all')")));
    }
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot restore the saved write bad .*needs an id, a method and a path")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot restore the saved write worse")));
    Session s(path(), h->fixture.baseUrl(), false);
    QCOMPARE(s.store->restored().size(), 0);
    QCOMPARE(s.store->errors().size(), 2);
    // Left as they are, and new writes go after them.
    const QString id = s.queue.mutate(createPost(), Json::parse("{}"))->idempotencyKey();
    QCOMPARE(storedMutationIds(path()), (QStringList{QStringLiteral("bad"), QStringLiteral("worse"), id}));
}

void tst_MutationStore::killedWhileSendingIsSentOnceMore()
{
    // The server carries the write out, then holds its answer: the client dies without knowing it was applied.
    std::unique_ptr<SampleApi> api = startApi(10min);
    QVERIFY(api);
    QSignalSpy handled(api.get(), &SampleApi::requestHandled);
    QProcess *child = startWriter(api->baseUrl());
    QVERIFY(child->waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(handled.count() == 1, 20000);
    QCOMPARE(handled[0][0].toByteArray(), QByteArray("POST"));
    QCOMPARE(handled[0][2].toInt(), 201);
    child->kill();   // SIGKILL
    QVERIFY(child->waitForFinished());
    QCOMPARE(child->exitStatus(), QProcess::CrashExit);
    const QString key = said(child->readAllStandardOutput(), "queued");
    QVERIFY(!key.isEmpty());
    QCOMPARE(storedMutationIds(path()), QStringList{key});

    // The server restarts without latency, on the same data: the post is there once.
    api.reset();
    api = startApi();
    QVERIFY(api);
    QCOMPARE(postsTitled(*api, QStringLiteral("written before the crash")), 1);
    QSignalSpy handledAgain(api.get(), &SampleApi::requestHandled);

    // The app starts again: the write is restored and sent with the same key; the server replays its answer.
    Json result;
    restartAndSend(api->baseUrl(), key, &result);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(result["title"].toString(), QStringLiteral("written before the crash"));
    QCOMPARE(result["id"].toInteger(), 2);
    QCOMPARE(handledAgain.count(), 1);
    QCOMPARE(handledAgain[0][2].toInt(), 201);
    // Applied once.
    QCOMPARE(postsTitled(*api, QStringLiteral("written before the crash")), 1);
    QCOMPARE(getJson(api->baseUrl().resolved(QUrl(QStringLiteral("/posts")))).size(), 2);
    QCOMPARE(storedMutationIds(path()), QStringList());
}

void tst_MutationStore::killedWhilePausedIsSentAfterRestart()
{
    std::unique_ptr<SampleApi> api = startApi();
    QVERIFY(api);
    QSignalSpy handled(api.get(), &SampleApi::requestHandled);
    QProcess *child = startWriter(api->baseUrl(), {QStringLiteral("--offline")});
    QVERIFY(child->waitForStarted());
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += child->readAllStandardOutput()).contains("paused "), 20000);
    child->kill();
    QVERIFY(child->waitForFinished());
    const QString key = said(output, "paused");
    QVERIFY(!key.isEmpty());
    QCOMPARE(handled.count(), 0);
    QCOMPARE(storedMutationIds(path()), QStringList{key});

    restartAndSend(api->baseUrl(), key, nullptr);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(handled.count(), 1);
    QCOMPARE(postsTitled(*api, QStringLiteral("written before the crash")), 1);
    QCOMPARE(storedMutationIds(path()), QStringList());
}

QTEST_GUILESS_MAIN(tst_MutationStore)
#include "tst_mutationstore.moc"
