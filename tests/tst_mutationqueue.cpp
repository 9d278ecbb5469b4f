#include "core/http/credentials.h"
#include "core/mutation/mutation.h"
#include "core/mutation/mutationqueue.h"
#include "core/mutation/resourcetags.h"
#include "support/clientharness.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QUuid>
#include <QtTest>

using namespace refetch;
using namespace Qt::StringLiterals;
using namespace refetch::test;
using namespace std::chrono_literals;

namespace {

Response held(Response r)
{
    r.fault = Response::Fault::Hold;
    return r;
}

// A URL on 127.0.0.1 where nothing listens: connections are refused.
QUrl refusingUrl()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return {};
    const quint16 port = probe.serverPort();
    probe.close();
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
}

QList<QByteArray> bodiesOf(const QList<RecordedRequest> &requests, const QByteArray &method)
{
    QList<QByteArray> out;
    for (const RecordedRequest &r : requests) {
        if (r.method == method)
            out.append(r.body);
    }
    return out;
}

Json rows(const Json &list)
{
    return ResourceTags::records(list);
}

bool hasRow(const Json &list, int id)
{
    for (const Json &row : rows(list)) {
        if (row.value("id") == Json(id))
            return true;
    }
    return false;
}

} // namespace

// The queue of writes: one record's writes in order, pausing offline or unreachable and replaying in order,
// ETags passed from one write to the next, and the persisted form that survives a restart.
class tst_MutationQueue : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void sameRecordRunsInOrder();
    void atMostSixInFlightPerEndpoint();
    void etagPassesToTheNextWrite();
    void pendingChangeHoldsOverARefetch();
    void offlinePausesAndResumesInOrder();
    void connectionRefusedPausesAndProbes();
    void timeoutBeforeAnyBytePauses();
    void serverErrorIsNoPause();
    void refusedTokenPausesUntilANewOneIsGiven();
    void undoWhilePaused();
    void discardDropsOneEndpointsWrites();
    void discardDuringConflictSettlesOnce();
    void persistedRoundTrip();
    void restoreAfterRestart();
    void restoredWritesGoOneAtATimeInOrder();
    void restoreReportsBadEntries();
    void restoredWriteIsCheckedBeforeItIsSentAgain();
    void restoredCreateIsConfirmedBeforeItIsSentAgain();
    void restoredUndoableWaitsAgain();
    void restoredUndoableIsSentAfterItsNewDelay();
    void settledHandleIsDeletedLater();
    void settledHandlesAreCapped();

private:
    MutationOptions patch(int id, MutationMode mode = MutationMode::Pessimistic) const
    {
        return MutationOptions{.method = "PATCH", .path = QStringLiteral("/posts/%1").arg(id), .resource = "posts",
                               .mode = mode, .invalidatesTags = posts.detail(id)};
    }

    const ResourceTags posts{"posts"};
    std::unique_ptr<ClientHarness> h;
    std::unique_ptr<MutationQueue> queue;
};

void tst_MutationQueue::init()
{
    h = std::make_unique<ClientHarness>();
    queue = std::make_unique<MutationQueue>(&h->client);
    queue->addEndpoint(h->endpoint.get());
}

void tst_MutationQueue::cleanup()
{
    queue.reset();
    h.reset();
}

// 20 writes to 20 records (a bulk edit): 6 at a time reach the server, the others wait their turn and go as
// answers come, each once; the order they were made in is the order they go.
void tst_MutationQueue::atMostSixInFlightPerEndpoint()
{
    QCOMPARE(queue->maxInFlight(), MutationQueue::DefaultMaxInFlight);
    for (int id = 1; id <= 20; ++id)
        h->fixture.route("PATCH", u"/posts/%1"_s.arg(id), [](const RecordedRequest &r) { return held(Response::json(r.body)); });
    QList<Mutation *> writes;
    for (int id = 1; id <= 20; ++id)
        writes.append(queue->mutate(patch(id), Json::object({{u"id", id}, {u"v", id}})));
    QTRY_COMPARE(h->fixture.heldRequests().size(), 6);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("PATCH"), 6);
    QCOMPARE(writes[6]->status(), Mutation::Status::Waiting);
    int answered = 0;
    while (answered < 20) {
        const QList<int> held = h->fixture.heldRequests();
        QVERIFY(!held.isEmpty());
        QVERIFY2(held.size() <= 6, qPrintable(QString::number(held.size())));
        QVERIFY(h->fixture.release(held.first()));
        ++answered;
        QTRY_VERIFY(h->fixture.heldRequests().size() == std::min(6, 20 - answered) || answered == 20);
    }
    for (Mutation *m : std::as_const(writes))
        QTRY_COMPARE(m->status(), Mutation::Status::Succeeded);
    QList<int> order;
    for (const RecordedRequest &r : h->fixture.requests()) {
        if (r.method == "PATCH")
            order.append(r.path.section(u'/', -1).toInt());
    }
    QList<int> expected;
    for (int id = 1; id <= 20; ++id)
        expected.append(id);
    QCOMPARE(order, expected);
}

void tst_MutationQueue::sameRecordRunsInOrder()
{
    for (const char *path : {"/posts/7", "/posts/8"}) {
        h->fixture.route("PATCH", path, [](const RecordedRequest &r) { return held(Response::json(r.body)); });
    }
    QList<Mutation *> sevens;
    for (int v = 1; v <= 3; ++v)
        sevens.append(queue->mutate(patch(7), Json::object({{u"id", 7}, {u"v", v}})));
    Mutation *eight = queue->mutate(patch(8), Json::object({{u"id", 8}, {u"v", 1}}));
    QCOMPARE(queue->mutations().size(), 4);

    // The first write of 7 and the one of 8 go at once; the other writes of 7 wait their turn.
    QTRY_COMPARE(h->fixture.heldRequests().size(), 2);
    QCOMPARE(h->fixture.count("PATCH", "/posts/7"), 1);
    QCOMPARE(h->fixture.count("PATCH", "/posts/8"), 1);
    QCOMPARE(sevens[1]->status(), Mutation::Status::Waiting);
    QCOMPARE(sevens[2]->status(), Mutation::Status::Waiting);
    QCOMPARE(eight->status(), Mutation::Status::Sending);

    for (int v = 1; v <= 3; ++v) {
        // The one write of 7 under way is the v-th.
        QList<RecordedRequest> writes;
        for (const RecordedRequest &r : h->fixture.requests()) {
            if (r.path == u"/posts/7")
                writes.append(r);
        }
        QCOMPARE(writes.size(), v);
        QCOMPARE(Json::parse(writes.constLast().body).value("v").toInteger(), v);
        QVERIFY(h->fixture.heldRequests().contains(writes.constLast().id));
        QSignalSpy settled(sevens[v - 1], &Mutation::settled);
        QVERIFY(h->fixture.release(writes.constLast().id));
        QVERIFY(settled.wait());
        if (v < 3)
            QTRY_COMPARE(h->fixture.count("PATCH", "/posts/7"), v + 1);
    }
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("PATCH", "/posts/7"), 3);
    QCOMPARE(eight->status(), Mutation::Status::Sending);
    h->fixture.releaseAll();
    QTRY_COMPARE(eight->status(), Mutation::Status::Succeeded);
    QVERIFY(queue->mutations().isEmpty());
}

void tst_MutationQueue::etagPassesToTheNextWrite()
{
    h->fixture.setJson("/posts/7", R"({"id":7})");
    QueryOptions o{.key = QueryKey{"posts", 7}, .fn = h->endpoint->get("/posts/7")};
    posts.provideDetail(o, 7);
    QueryObserver detail(&h->client, o);
    QTRY_VERIFY(detail.isSuccess());
    const QByteArray first = detail.query()->etag();
    QVERIFY(!first.isEmpty());
    int version = 1;
    h->fixture.route("PATCH", "/posts/7", [&](const RecordedRequest &r) {
        Response answer = held(Response::json(r.body));
        answer.headers.append({"ETag", "\"w" + QByteArray::number(++version) + '"'});
        return answer;
    });
    Mutation *a = queue->mutate(patch(7), Json::parse(R"({"id":7,"title":"a"})"));
    Mutation *b = queue->mutate(patch(7), Json::parse(R"({"id":7,"title":"b"})"));
    // Both were made against the version the detail showed.
    QCOMPARE(a->data().etag, first);
    QCOMPARE(b->data().etag, first);
    QSignalSpy changed(queue.get(), &MutationQueue::changed);
    QTRY_COMPARE(h->fixture.heldRequests().size(), 1);
    h->fixture.releaseAll();
    QTRY_COMPARE(h->fixture.heldRequests().size(), 1);
    // b now expects the version a made, not the one a replaced.
    QCOMPARE(a->resultEtag(), QByteArray("\"w2\""));
    QCOMPARE(b->data().etag, QByteArray("\"w2\""));
    QVERIFY(changed.count() >= 1);
    const QList<RecordedRequest> log = h->fixture.requests();
    QList<QByteArray> ifMatch;
    for (const RecordedRequest &r : log) {
        if (r.method == "PATCH")
            ifMatch.append(r.headers.value("if-match"));
    }
    QCOMPARE(ifMatch, (QList<QByteArray>{first, "\"w2\""}));
    h->fixture.releaseAll();
    QTRY_COMPARE(b->status(), Mutation::Status::Succeeded);
}

void tst_MutationQueue::pendingChangeHoldsOverARefetch()
{
    // The server's copy fetched while a write is under way predates the write: the record keeps showing the
    // write's value until it settles. Data written by code is left as written.
    h->fixture.setJson("/posts/7", R"({"id":7,"title":"old"})");
    QueryOptions o{.key = QueryKey{"posts", 7}, .fn = h->endpoint->get("/posts/7"), .staleTime = Millis::max()};
    posts.provideDetail(o, 7);
    QueryObserver detail(&h->client, o);
    QTRY_VERIFY(detail.isSuccess());
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &r) { return held(Response::json(r.body)); });
    Mutation *m = queue->mutate(patch(7, MutationMode::Optimistic), Json::parse(R"({"id":7,"title":"new"})"));
    QCOMPARE(h->client.queryData(o.key).value("title"), Json("new"));
    QTRY_COMPARE(h->fixture.heldRequests().size(), 1);

    // Meanwhile another field changed on the server: the refetch brings new data (not a 304).
    h->fixture.setJson("/posts/7", R"({"id":7,"title":"old","views":1})");
    h->client.refetchQueries({.key = o.key, .exact = true}, FetchMode::CancelRunning);
    QTRY_COMPARE(h->fixture.count("GET", "/posts/7"), 2);
    QTRY_VERIFY(!detail.query()->isFetching());
    QCOMPARE(h->client.queryData(o.key).value("views"), Json(1));
    QCOMPARE(h->client.queryData(o.key).value("title"), Json("new"));

    h->client.setQueryData(o.key, Json::parse(R"({"id":7,"title":"by code"})"));
    QCOMPARE(h->client.queryData(o.key).value("title"), Json("by code"));

    h->fixture.releaseAll();
    QTRY_COMPARE(m->status(), Mutation::Status::Succeeded);
}

// A token the server refuses (401) and nothing can renew: the write and those behind it wait, paused, in order,
// and nothing more is sent with it. The user gives a new one (Settings make a new endpoint of that name, with
// its new credentials): they go at once, in the order they were made, without another write or a reconnect
// having to nudge the queue.
void tst_MutationQueue::refusedTokenPausesUntilANewOneIsGiven()
{
    const auto authorized = [](const RecordedRequest &r) {
        return r.headers.value("authorization") == "Bearer new" ? Response::json(r.body)
                                                                : Response::json(R"({"error":"invalid token"})", 401);
    };
    h->fixture.route("PATCH", "/posts/7", authorized);
    h->fixture.route("PATCH", "/posts/8", authorized);
    auto oldToken = std::make_shared<FixedCredentials>(FixedCredentials::Place::Header, "Authorization", "Bearer old");
    auto signedOld = std::make_unique<Endpoint>(&h->transport, EndpointConfig{.baseUrl = h->fixture.baseUrl(),
                                                                              .credentials = oldToken});
    queue->addEndpoint(signedOld.get());
    Mutation *m1 = queue->mutate(patch(7), Json::parse(R"({"id":7,"n":1})"));
    Mutation *m2 = queue->mutate(patch(8), Json::parse(R"({"id":8,"n":2})"));
    Mutation *m3 = queue->mutate(patch(7), Json::parse(R"({"id":7,"n":3})"));
    QSignalSpy failed(m1, &Mutation::failed);
    for (Mutation *m : {m1, m2, m3})
        QTRY_COMPARE(m->status(), Mutation::Status::Paused);
    QCOMPARE(oldToken->state(), Credentials::State::SignInNeeded);
    QCOMPARE(failed.count(), 0);
    QCoreApplication::processEvents();
    const qsizetype refused = h->fixture.count("PATCH");
    QVERIFY(refused >= 1 && refused <= 2);   // the first of each record's writes at most; none after the 401

    auto newToken = std::make_shared<FixedCredentials>(FixedCredentials::Place::Header, "Authorization", "Bearer new");
    auto signedNew = std::make_unique<Endpoint>(&h->transport, EndpointConfig{.baseUrl = h->fixture.baseUrl(),
                                                                              .credentials = newToken});
    queue->addEndpoint(signedNew.get());
    for (Mutation *m : {m1, m2, m3})
        QTRY_COMPARE(m->status(), Mutation::Status::Succeeded);
    QList<QByteArray> accepted;
    for (const RecordedRequest &r : h->fixture.requests()) {
        if (r.method == "PATCH" && r.headers.value("authorization") == "Bearer new")
            accepted.append(r.body);
    }
    QCOMPARE(accepted, (QList<QByteArray>{R"({"id":7,"n":1})", R"({"id":8,"n":2})", R"({"id":7,"n":3})"}));
}

void tst_MutationQueue::offlinePausesAndResumesInOrder()
{
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &r) { return Response::json(r.body); });
    h->fixture.route("PATCH", "/posts/8", [](const RecordedRequest &r) { return Response::json(r.body); });
    h->fixture.route("POST", "/comments", [](const RecordedRequest &r) { return Response::json(r.body, 201); });
    h->online.setOnline(false);
    Mutation *m1 = queue->mutate(patch(7), Json::parse(R"({"id":7,"n":1})"));
    Mutation *m2 = queue->mutate(MutationOptions{.method = "POST", .path = "/comments"}, Json::parse(R"({"n":2})"));
    Mutation *m3 = queue->mutate(patch(8), Json::parse(R"({"id":8,"n":3})"));
    Mutation *m4 = queue->mutate(patch(7), Json::parse(R"({"id":7,"n":4})"));
    QSignalSpy failed1(m1, &Mutation::failed);
    for (Mutation *m : {m1, m2, m3, m4})
        QTRY_COMPARE(m->status(), Mutation::Status::Paused);
    QCOMPARE(queue->pausedCount(), 4);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count(), 0);
    QCOMPARE(failed1.count(), 0);

    // Back online: replayed one at a time, in the order they were made (across records, too).
    QList<int> inFlightSeen;
    connect(&h->fixture, &HttpFixture::requestReceived, this, [&] { inFlightSeen.append(queue->mutations().size()); });
    h->online.setOnline(true);
    for (Mutation *m : {m1, m2, m3, m4})
        QTRY_COMPARE(m->status(), Mutation::Status::Succeeded);
    QCOMPARE(bodiesOf(h->fixture.requests(), "PATCH").size() + bodiesOf(h->fixture.requests(), "POST").size(), 4);
    QList<qint64> order;
    for (const RecordedRequest &r : h->fixture.requests()) {
        if (r.method != "GET")
            order.append(Json::parse(r.body).value("n").toInteger());
    }
    QCOMPARE(order, (QList<qint64>{1, 2, 3, 4}));
    QCOMPARE(inFlightSeen, (QList<int>{4, 3, 2, 1}));   // one at a time
    QCOMPARE(queue->pausedCount(), 0);
}

void tst_MutationQueue::connectionRefusedPausesAndProbes()
{
    const QUrl nowhere = refusingUrl();
    QVERIFY(nowhere.isValid());
    Endpoint down(&h->transport, EndpointConfig{.baseUrl = nowhere});
    queue->addEndpoint(&down);   // "default", for now
    queue->setReconnectDelay(1s, 4s);
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &r) { return Response::json(r.body); });

    Mutation *first = queue->mutate(patch(7), Json::parse(R"({"id":7,"n":1})"));
    QSignalSpy failed(first, &Mutation::failed);
    QTRY_COMPARE(first->status(), Mutation::Status::Paused);
    QCOMPARE(failed.count(), 0);
    QVERIFY(first->error() == nullptr);
    // A write made while the server is unreachable waits behind it.
    Mutation *second = queue->mutate(MutationOptions{.method = "POST", .path = "/posts"}, Json::parse(R"({"n":2})"));
    QTRY_COMPARE(second->status(), Mutation::Status::Paused);
    QCOMPARE(queue->pausedCount(), 2);

    // The probe after 1 s fails again (still refused): the next one is 2 s later.
    h->clock.advance(1s);
    QTRY_COMPARE(first->status(), Mutation::Status::Paused);
    QCoreApplication::processEvents();
    QCOMPARE(second->status(), Mutation::Status::Paused);

    // The server is back (here: the endpoint points at it again).
    h->fixture.route("POST", "/posts", [](const RecordedRequest &r) { return Response::json(r.body, 201); });
    queue->addEndpoint(h->endpoint.get());
    h->clock.advance(1s);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count(), 0);   // not before the probe is due
    h->clock.advance(1s);
    QTRY_COMPARE(first->status(), Mutation::Status::Succeeded);
    QTRY_COMPARE(second->status(), Mutation::Status::Succeeded);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(h->fixture.requests().at(0).method, QByteArray("PATCH"));
    QCOMPARE(h->fixture.requests().at(1).method, QByteArray("POST"));
    QCOMPARE(h->fixture.requests().at(0).headers.value("idempotency-key"), first->idempotencyKey().toUtf8());
}

void tst_MutationQueue::timeoutBeforeAnyBytePauses()
{
    Endpoint slow(&h->transport, EndpointConfig{.baseUrl = h->fixture.baseUrl(), .timeout = 300ms});
    queue->addEndpoint(&slow);
    h->fixture.enqueue("PATCH", "/posts/7", held(Response::json("{}")));
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &r) { return Response::json(r.body); });
    Mutation *m = queue->mutate(patch(7), Json::parse(R"({"id":7})"));
    QSignalSpy failed(m, &Mutation::failed);
    QTRY_COMPARE(m->status(), Mutation::Status::Paused);
    QCOMPARE(failed.count(), 0);
    queue->resumePaused();   // "retry now"
    QTRY_COMPARE(m->status(), Mutation::Status::Succeeded);
    QCOMPARE(h->fixture.count("PATCH", "/posts/7"), 2);
    QCOMPARE(h->fixture.requests().at(0).headers.value("idempotency-key"),
             h->fixture.requests().at(1).headers.value("idempotency-key"));
}

void tst_MutationQueue::serverErrorIsNoPause()
{
    // Dropped mid-answer or refused with a status: the server was reached, so it is a failure, not a pause.
    Response dropped = Response::json(R"({"id":7})");
    dropped.fault = Response::Fault::DropMidBody;
    h->fixture.enqueue("PATCH", "/posts/7", dropped);
    h->fixture.enqueue("PATCH", "/posts/7", Response::json(R"({"error":"no"})", 500));
    Mutation *a = queue->mutate(patch(7), Json::parse(R"({"id":7})"));
    Mutation *b = queue->mutate(patch(7), Json::parse(R"({"id":7})"));
    QTRY_COMPARE(a->status(), Mutation::Status::Failed);
    QTRY_COMPARE(b->status(), Mutation::Status::Failed);
    QCOMPARE(b->error()->httpStatus(), 500);
    QCOMPARE(queue->pausedCount(), 0);
}

void tst_MutationQueue::undoWhilePaused()
{
    h->client.setQueryData({"posts", 7}, Json::parse(R"({"id":7,"title":"old"})"), posts.detailTags(7));
    h->online.setOnline(false);
    Mutation *m = queue->mutate(patch(7, MutationMode::Optimistic), Json::parse(R"({"id":7,"title":"new"})"));
    QCOMPARE(h->client.queryData({"posts", 7}).value("title").toString(), QStringLiteral("new"));
    QTRY_COMPARE(m->status(), Mutation::Status::Paused);
    QVERIFY(m->canUndo());
    QVERIFY(m->undo());
    QCOMPARE(h->client.queryData({"posts", 7}).value("title").toString(), QStringLiteral("old"));
    h->online.setOnline(true);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count(), 0);
    QCOMPARE(m->status(), Mutation::Status::Undone);
}

// An endpoint removed in the settings: its writes go, in whatever state, and nothing sends them; another
// endpoint's write carries on.
void tst_MutationQueue::discardDropsOneEndpointsWrites()
{
    Endpoint other(&h->transport, EndpointConfig{.name = QStringLiteral("other"), .baseUrl = h->fixture.baseUrl()});
    queue->addEndpoint(&other);
    for (const char *path : {"/posts/7", "/posts/8"})
        h->fixture.route("PATCH", path, [](const RecordedRequest &r) { return held(Response::json(r.body)); });
    h->client.setQueryData({"posts", 7}, Json::parse(R"({"id":7,"title":"old"})"), posts.detailTags(7));
    Mutation *sending = queue->mutate(patch(7), Json::parse(R"({"id":7,"title":"a"})"));
    Mutation *waiting = queue->mutate(patch(7, MutationMode::Optimistic), Json::parse(R"({"id":7,"title":"b"})"));
    MutationOptions elsewhere = patch(8);
    elsewhere.endpoint = QStringLiteral("other");
    Mutation *kept = queue->mutate(elsewhere, Json::parse(R"({"id":8,"title":"c"})"));
    QTRY_COMPARE(h->fixture.heldRequests().size(), 2);
    QCOMPARE(sending->status(), Mutation::Status::Sending);
    QCOMPARE(waiting->status(), Mutation::Status::Waiting);
    QCOMPARE(h->client.queryData({"posts", 7}).value("title").toString(), QStringLiteral("b"));
    QSignalSpy failed(sending, &Mutation::failed);
    QSignalSpy changed(queue.get(), &MutationQueue::changed);

    QCOMPARE(queue->discard(QStringLiteral("default")), 2);
    // The write under way is aborted (the server sees its client go) and fails as cancelled; the one not sent is
    // undone, its optimistic change rolled back.
    QCOMPARE(sending->status(), Mutation::Status::Failed);
    QCOMPARE(failed.count(), 1);
    QCOMPARE(sending->error()->error.kind, QueryError::Kind::Cancelled);
    QVERIFY(sending->error()->toString().contains(QStringLiteral("endpoint was removed")));
    QCOMPARE(waiting->status(), Mutation::Status::Undone);
    QCOMPARE(h->client.queryData({"posts", 7}).value("title").toString(), QStringLiteral("old"));
    QVERIFY(changed.count() >= 1);
    QCOMPARE(queue->mutations(), QList<Mutation *>{kept});
    QCOMPARE(queue->persisted().size(), 1);
    QTRY_COMPARE(h->fixture.inFlight(), 1);

    // Nothing of the dropped ones is sent later, online again or not; the other endpoint's write goes through.
    h->fixture.releaseAll();
    QTRY_COMPARE(kept->status(), Mutation::Status::Succeeded);
    queue->resumePaused();
    h->online.setOnline(false);
    h->online.setOnline(true);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("PATCH", "/posts/7"), 1);
    QCOMPARE(failed.count(), 1);
    QCOMPARE(queue->discard(QStringLiteral("default")), 0);
    queue->removeEndpoint(QStringLiteral("other"));
}

// A write whose 412 sent it to read the server's record settles once, even when discarded meanwhile.
void tst_MutationQueue::discardDuringConflictSettlesOnce()
{
    h->fixture.route("PATCH", "/posts/9", [](const RecordedRequest &) {
        return Response::json(R"({"error":"precondition failed"})", 412);
    });
    h->fixture.route("GET", "/posts/9", [](const RecordedRequest &) { return held(Response::json(R"({"id":9})")); });
    Mutation *m = queue->mutate(patch(9), Json::parse(R"({"id":9,"title":"mine"})"));
    QSignalSpy settled(m, &Mutation::settled);
    QTRY_COMPARE(h->fixture.heldRequests().size(), 1);
    QCOMPARE(m->status(), Mutation::Status::Sending);
    QCOMPARE(queue->discard(QStringLiteral("default")), 1);
    QCOMPARE(settled.count(), 1);
    QCOMPARE(m->error()->error.kind, QueryError::Kind::Cancelled);
    // The read of the record still comes back (its handler runs in the same emission as the manager's signal).
    QSignalSpy answered(&h->nam, &QNetworkAccessManager::finished);
    h->fixture.releaseAll();
    QTRY_COMPARE(answered.count(), 1);
    QCOMPARE(settled.count(), 1);
    QCOMPARE(m->error()->error.kind, QueryError::Kind::Cancelled);
}

void tst_MutationQueue::persistedRoundTrip()
{
    h->fixture.setJson("/posts", R"([{"id":7,"title":"old"}])");
    QueryOptions list{.key = QueryKey{"posts"}, .fn = h->endpoint->get("/posts")};
    posts.provideList(list);
    h->client.fetchQuery(list);
    QTRY_VERIFY(h->client.query({"posts"}) && h->client.query({"posts"})->hasData());
    h->online.setOnline(false);
    MutationOptions o{.method = "PATCH", .path = "/posts/7", .headers = {{"X-Reason", "typo"}}, .resource = "posts",
                      .etag = "\"e1\"", .mode = MutationMode::Undoable, .undoDelay = 2s,
                      .invalidatesTags = posts.list() + posts.detail(7) + TagList{Tag("Bare"), Tag("Named", "x")},
                      .invalidatesQueries = {QueryFilters{.key = QueryKey{"posts"}, .exact = true},
                                             QueryFilters{.predicate = [](const Query &) { return true; }}},
                      .refetchType = RefetchType::All};
    Mutation *m = queue->mutate(o, Json::parse(R"({"id":7,"title":"new"})"));
    const PersistedMutation &d = m->data();
    QCOMPARE(d.optimistic.entries().size(), 1);

    const Json json = d.toJson();
    const std::optional<PersistedMutation> back = PersistedMutation::fromJson(Json::parse(json.toJson()));
    QVERIFY(back);
    QCOMPARE(back->id, d.id);
    QCOMPARE(back->method, QByteArray("PATCH"));
    QCOMPARE(back->endpoint, QStringLiteral("default"));
    QCOMPARE(back->path, QStringLiteral("/posts/7"));
    QCOMPARE(back->body, Json::parse(R"({"id":7,"title":"new"})"));
    QCOMPARE(back->headers, (HttpHeaders{{"X-Reason", "typo"}}));
    QCOMPARE(back->mode, MutationMode::Undoable);
    QCOMPARE(back->resource, QStringLiteral("posts"));
    QCOMPARE(back->recordId, Json(7));
    QCOMPARE(back->idField, QStringLiteral("id"));
    QCOMPARE(back->scope, d.scope);
    QCOMPARE(back->etag, QByteArray("\"e1\""));
    QCOMPARE(back->invalidates, d.invalidates);
    QCOMPARE(back->invalidateKeys.size(), 1);   // the predicate is no data
    QCOMPARE(back->invalidateKeys.first().key, (QueryKey{"posts"}));
    QVERIFY(back->invalidateKeys.first().exact);
    QCOMPARE(back->refetch, RefetchType::All);
    QCOMPARE(back->createdAt.count(), h->clock.now().count());
    QCOMPARE(back->undoDelay.count(), qint64(2000));
    QCOMPARE(back->variables, d.variables);
    QCOMPARE(back->optimistic.entries().size(), 1);
    QCOMPARE(back->optimistic.entries().first().key, (QueryKey{"posts"}));
    QCOMPARE(back->optimistic.entries().first().before, d.optimistic.entries().first().before);
    QCOMPARE(back->optimistic.entries().first().after, d.optimistic.entries().first().after);
    QCOMPARE(back->toJson(), json);

    // The queue's form is the list of them, in order.
    queue->mutate(MutationOptions{.method = "DELETE", .path = "/posts/8"});
    const Json all = queue->toJson();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all.at(0), json);
    QCOMPARE(all.at(1).value("method").toString(), QStringLiteral("DELETE"));
    QVERIFY(!all.at(1).contains(QLatin1StringView("body")));
}

void tst_MutationQueue::restoreAfterRestart()
{
    h->fixture.setJson("/posts", R"([{"id":7,"title":"old"},{"id":8,"title":"b"}])");
    QueryOptions list{.key = QueryKey{"posts"}, .fn = h->endpoint->get("/posts")};
    posts.provideList(list);
    h->client.fetchQuery(list);
    QTRY_VERIFY(h->client.query({"posts"}) && h->client.query({"posts"})->hasData());
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    const Json listBefore = h->client.queryData({"posts"});
    h->fixture.clearLog();

    h->online.setOnline(false);
    Mutation *edit = queue->mutate(patch(7, MutationMode::Optimistic), Json::parse(R"({"id":7,"title":"new"})"));
    Mutation *create = queue->mutate(MutationOptions{.method = "POST", .path = "/posts", .invalidatesTags = posts.list()},
                                     Json::parse(R"({"title":"fresh"})"));
    QTRY_COMPARE(queue->pausedCount(), 2);
    const QString editKey = edit->idempotencyKey(), createKey = create->idempotencyKey();
    const QByteArray saved = queue->toJson().toJson();
    QCOMPARE(rows(h->client.queryData({"posts"})).at(0).value("title").toString(), QStringLiteral("new"));

    // The app quits (the cache, persisted elsewhere, keeps the optimistic data) and starts again.
    queue.reset();
    queue = std::make_unique<MutationQueue>(&h->client);
    queue->addEndpoint(h->endpoint.get());
    QVERIFY(queue->mutations().isEmpty());
    const QList<Mutation *> restored = queue->restore(Json::parse(saved));
    QCOMPARE(restored.size(), 2);
    QCOMPARE(queue->restore(Json::parse(saved)).size(), 0);   // already queued
    QCOMPARE(restored[0]->idempotencyKey(), editKey);
    QCOMPARE(restored[1]->idempotencyKey(), createKey);
    // Not applied a second time.
    QCOMPARE(rows(h->client.queryData({"posts"})).at(0).value("title").toString(), QStringLiteral("new"));

    // The edit is refused by the server: its rollback comes from the persisted snapshot.
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &) { return Response::json(R"({"error":"locked"})", 423); });
    h->fixture.route("POST", "/posts", [](const RecordedRequest &r) { return Response::json(r.body, 201); });
    QTRY_COMPARE(restored[0]->status(), Mutation::Status::Paused);
    QSignalSpy failed(restored[0], &Mutation::failed), created(restored[1], &Mutation::succeeded);
    h->online.setOnline(true);
    QVERIFY(failed.wait());
    QTRY_COMPARE(created.count(), 1);
    QCOMPARE(h->fixture.requests().at(0).method, QByteArray("PATCH"));
    QCOMPARE(h->fixture.requests().at(0).headers.value("idempotency-key"), editKey.toUtf8());
    QCOMPARE(h->fixture.requests().at(1).method, QByteArray("POST"));
    QCOMPARE(h->fixture.requests().at(1).headers.value("idempotency-key"), createKey.toUtf8());
    QCOMPARE(Json::parse(h->fixture.requests().at(1).body), Json::parse(R"({"title":"fresh"})"));
    // The failed edit's snapshot put the list back; the create invalidated it (its tags came from the data).
    QCOMPARE(restored[0]->variables().value("title").toString(), QStringLiteral("new"));
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("GET", "/posts"), 0);   // inactive: marked, not fetched
    QVERIFY(h->client.query({"posts"})->isInvalidated());
    QCOMPARE(h->client.queryData({"posts"}), listBefore);
}

// Issue #13: writes restored after a crash went out all at once, in any order. They go one at a time, in the
// order they were made, even to different records and with the network up from the start.
void tst_MutationQueue::restoredWritesGoOneAtATimeInOrder()
{
    h->online.setOnline(false);
    queue->mutate(patch(18), Json::parse(R"({"id":18,"title":"a"})"));
    queue->mutate(MutationOptions{.method = "POST", .path = "/posts"}, Json::parse(R"({"title":"new"})"));
    queue->mutate(patch(19), Json::parse(R"({"id":19,"title":"b"})"));
    QTRY_COMPARE(queue->pausedCount(), 3);
    const QByteArray saved = queue->toJson().toJson();
    queue.reset();

    for (const char *path : {"/posts/18", "/posts/19"})
        h->fixture.route("PATCH", QString::fromLatin1(path), [](const RecordedRequest &r) {
            Response held = Response::json(r.body);
            held.fault = Response::Fault::Hold;
            return held;
        });
    h->fixture.route("POST", "/posts", [](const RecordedRequest &r) {
        Response held = Response::json(r.body, 201);
        held.fault = Response::Fault::Hold;
        return held;
    });
    h->fixture.clearLog();
    h->online.setOnline(true);
    queue = std::make_unique<MutationQueue>(&h->client);
    queue->addEndpoint(h->endpoint.get());
    const QList<Mutation *> restored = queue->restore(Json::parse(saved));
    QCOMPARE(restored.size(), 3);
    // A write made after the restart queues behind them.
    Mutation *later = queue->mutate(patch(20), Json::parse(R"({"id":20,"title":"c"})"));
    h->fixture.route("PATCH", "/posts/20", [](const RecordedRequest &r) { return Response::json(r.body); });
    const QList<QByteArray> expected{"PATCH /posts/18", "POST /posts", "PATCH /posts/19", "PATCH /posts/20"};
    for (int i = 0; i < 3; ++i) {
        QTRY_COMPARE(h->fixture.count(), i + 1);
        // Nothing else is under way while it is held.
        for (int j = i + 1; j < 3; ++j)
            QVERIFY(restored[j]->status() != Mutation::Status::Sending);
        QVERIFY(later->status() != Mutation::Status::Sending);
        const RecordedRequest r = h->fixture.requests().at(i);
        QCOMPARE(r.method + ' ' + r.path.toUtf8(), expected.at(i));
        QVERIFY(h->fixture.release(r.id));
        QTRY_VERIFY(restored[i]->isSettled());
    }
    QTRY_COMPARE(later->status(), Mutation::Status::Succeeded);
    QCOMPARE(h->fixture.requests().at(3).method + ' ' + h->fixture.requests().at(3).path.toUtf8(), expected.at(3));
}

void tst_MutationQueue::restoreReportsBadEntries()
{
    QStringList errors;
    const Json json = Json::parse(R"([{"id":"a","method":"POST","path":"/x"},{"method":"POST"},{"id":"b","path":"/y","method":"PUT","mode":"sometimes"},7])");
    h->online.setOnline(false);
    const QList<Mutation *> restored = queue->restore(json, &errors);
    QCOMPARE(restored.size(), 1);
    QCOMPARE(errors.size(), 3);
    QVERIFY(errors.at(1).contains(QStringLiteral("sometimes")));
    QCOMPARE(restored.first()->data().endpoint, QStringLiteral("default"));
    QCOMPARE(restored.first()->mode(), MutationMode::Pessimistic);
}

// A delete waiting out its undo time when the app died: after the restart it waits a new undo time (its first
// one ran out unseen), its row stays out of the list the stale cache refetches, and undo() still sends nothing.
// Writes without a new undo time go at once, as before.
void tst_MutationQueue::restoredUndoableWaitsAgain()
{
    h->fixture.setJson("/posts", R"([{"id":7,"title":"a"},{"id":8,"title":"b"}])");
    h->fixture.route("PATCH", "/users/1", [](const RecordedRequest &r) { return Response::json(r.body); });
    h->fixture.route("POST", "/posts", [](const RecordedRequest &r) { return Response::json(r.body, 201); });
    QueryOptions list{.key = QueryKey{"posts"}, .fn = h->endpoint->get("/posts")};
    posts.provideList(list);
    h->client.fetchQuery(list);
    QTRY_VERIFY(h->client.query({"posts"}) && h->client.query({"posts"})->hasData());
    const Json listBefore = h->client.queryData({"posts"});

    h->online.setOnline(false);   // nothing goes out before the app dies
    const MutationOptions remove{.method = "DELETE", .path = "/posts/7", .resource = "posts", .id = 7,
                                 .mode = MutationMode::Undoable, .undoDelay = 5s, .undoDelayAfterRestart = 10s,
                                 .invalidatesTags = posts.list()};
    Mutation *m = queue->mutate(remove);
    queue->mutate(MutationOptions{.method = "PATCH", .path = "/users/1", .resource = "users", .mode = MutationMode::Undoable},
                  Json::parse(R"({"id":1,"name":"c"})"));
    queue->mutate(MutationOptions{.method = "POST", .path = "/posts"}, Json::parse(R"({"title":"new"})"));
    QVERIFY(!hasRow(h->client.queryData({"posts"}), 7));
    QTRY_COMPARE(m->status(), Mutation::Status::Waiting);
    QCOMPARE(m->undoDeadline(), m->data().createdAt + 5s);
    const QByteArray saved = queue->toJson().toJson();
    const QString key = m->idempotencyKey();

    // The app dies (nothing was sent); a minute later it starts again, with the cache as saved before the delete,
    // stale.
    queue.reset();
    QCOMPARE(h->fixture.count(), 1);   // the list
    h->clock.advance(1min);
    h->online.setOnline(true);
    h->client.setQueryData({"posts"}, listBefore);
    h->client.invalidateQueries({.key = QueryKey{"posts"}}, RefetchType::None);
    queue = std::make_unique<MutationQueue>(&h->client);
    queue->addEndpoint(h->endpoint.get());
    const QList<Mutation *> restored = queue->restore(Json::parse(saved));
    QCOMPARE(restored.size(), 3);
    Mutation *again = restored.first();
    QVERIFY(again->isRestored());
    QCOMPARE(again->idempotencyKey(), key);
    QCOMPARE(again->undoDeadline(), h->clock.now() + 10s);
    QTRY_COMPARE(again->status(), Mutation::Status::Waiting);
    // The row is out of the saved data again, which stays stale (it revalidates when a view mounts).
    QVERIFY(!hasRow(h->client.queryData({"posts"}), 7));
    QVERIFY(h->client.query({"posts"})->isInvalidated());
    // The other two were not given a new undo time: sent at once.
    QTRY_COMPARE(restored[1]->status(), Mutation::Status::Succeeded);
    QTRY_COMPARE(restored[2]->status(), Mutation::Status::Succeeded);
    QCOMPARE(h->fixture.count("PATCH", "/users/1"), 1);
    QCOMPARE(h->fixture.count("POST", "/posts"), 1);

    // The refetch brings the row back from the server: it stays hidden while the delete waits.
    QSignalSpy updated(h->client.cache(), &QueryCache::queryUpdated);
    h->client.fetchQuery(list);
    QTRY_COMPARE(h->fixture.count("GET", "/posts"), 2);
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    QVERIFY(!updated.isEmpty());
    QVERIFY(!hasRow(h->client.queryData({"posts"}), 7));
    QVERIFY(hasRow(h->client.queryData({"posts"}), 8));

    h->clock.advance(9s);
    QCoreApplication::processEvents();
    QCOMPARE(again->status(), Mutation::Status::Waiting);
    QVERIFY(again->canUndo());
    QVERIFY(again->undo());
    QCOMPARE(again->status(), Mutation::Status::Undone);
    QVERIFY(hasRow(h->client.queryData({"posts"}), 7));
    h->clock.advance(1min);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("DELETE", "/posts/7"), 0);
    QVERIFY(queue->toJson().size() == 0);
}

// Restored, it goes once its new undo time is over, with its Idempotency-Key; one whose request had gone out
// before the app died (the server may have it) is never offered for undo again and goes at once.
void tst_MutationQueue::restoredUndoableIsSentAfterItsNewDelay()
{
    int deletes = 0;
    h->fixture.route("DELETE", "/posts/7", [&](const RecordedRequest &) {
        Response r = Response::json("{}");
        if (++deletes == 1)
            r.fault = Response::Fault::Hold;   // the app dies before the answer
        return r;
    });
    const MutationOptions remove{.method = "DELETE", .path = "/posts/7", .resource = "posts", .id = 7,
                                 .mode = MutationMode::Undoable, .undoDelay = 5s, .undoDelayAfterRestart = 10s};
    Mutation *m = queue->mutate(remove);
    QTRY_COMPARE(m->status(), Mutation::Status::Waiting);
    QVERIFY(!m->data().attempted);
    const QString key = m->idempotencyKey();
    const QByteArray waiting = queue->toJson().toJson();

    auto restart = [&](const QByteArray &saved) {
        queue.reset();
        h->clock.advance(1min);
        queue = std::make_unique<MutationQueue>(&h->client);
        queue->addEndpoint(h->endpoint.get());
        return queue->restore(Json::parse(saved)).value(0);
    };
    Mutation *again = restart(waiting);
    QVERIFY(again);
    QTRY_COMPARE(again->status(), Mutation::Status::Waiting);
    h->clock.advance(9s);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("DELETE", "/posts/7"), 0);
    h->clock.advance(1s);
    QTRY_COMPARE(h->fixture.count("DELETE", "/posts/7"), 1);
    QCOMPARE(h->fixture.requests().last().headers.value("idempotency-key"), key.toUtf8());
    QCOMPARE(again->status(), Mutation::Status::Sending);
    QVERIFY(!again->canUndo());
    // Its request went out: that is on record before the server could answer.
    const Json persisted = queue->toJson();
    QCOMPARE(persisted.size(), 1);
    QVERIFY(persisted.at(0).value("attempted").toBool());

    // The record is still there (the held DELETE never got its answer): after a check, sent again.
    h->fixture.setJson("/posts/7", R"({"id":7,"title":"a"})");
    Mutation *third = restart(persisted.toJson());
    QVERIFY(third);
    QCOMPARE(third->undoDeadline(), third->data().createdAt + 5s);
    QTRY_COMPARE(h->fixture.count("DELETE", "/posts/7"), 2);
    QCOMPARE(h->fixture.count("GET", "/posts/7"), 1);
    QTRY_COMPARE(third->status(), Mutation::Status::Succeeded);
    QCOMPARE(h->fixture.requests().last().headers.value("idempotency-key"), key.toUtf8());
}

// Issue #13: after a crash, a write whose request may have left is checked against the record before it is sent
// again, since most servers ignore Idempotency-Key: already applied -> done, changed by someone else -> a
// conflict for the user, else sent again with the record's current ETag.
void tst_MutationQueue::restoredWriteIsCheckedBeforeItIsSentAgain()
{
    auto persistedAttempt = [&](const QByteArray &method, int id, const Json &variables, const QByteArray &etag) {
        PersistedMutation d;
        d.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        d.method = method;
        d.path = QStringLiteral("/posts/%1").arg(id);
        d.resource = u"posts"_s;
        d.recordId = Json(id);
        d.scope = d.path;
        d.etag = etag;
        d.attempted = true;
        d.variables = variables;
        d.body = method == "DELETE" ? Json() : variables;
        d.createdAt = h->clock.now();
        return d;
    };
    int patches = 0;
    h->fixture.route("PATCH", "/posts/2", [&](const RecordedRequest &r) { ++patches; return Response::json(r.body); });
    h->fixture.route("PATCH", "/posts/3", [&](const RecordedRequest &r) { ++patches; return Response::json(r.body); });
    h->fixture.route("PATCH", "/posts/1", [&](const RecordedRequest &r) { ++patches; return Response::json(r.body); });
    h->fixture.route("DELETE", "/posts/4", [](const RecordedRequest &) { return Response::json("{}"); });
    // 1: the server already has the edit. 2: it has not, and nobody else changed the record. 3: someone else did.
    // 4: the record of a DELETE is gone.
    h->fixture.route("GET", "/posts/1", [](const RecordedRequest &) {
        return Response{.body = R"({"id":1,"title":"mine"})", .headers = {{"ETag", "\"v2\""}}};
    });
    h->fixture.route("GET", "/posts/2", [](const RecordedRequest &) {
        return Response{.body = R"({"id":2,"title":"old"})", .headers = {{"ETag", "\"v1\""}}};
    });
    h->fixture.route("GET", "/posts/3", [](const RecordedRequest &) {
        return Response{.body = R"({"id":3,"title":"theirs"})", .headers = {{"ETag", "\"v9\""}}};
    });
    h->fixture.route("GET", "/posts/4", [](const RecordedRequest &) { return Response::json(R"({"error":"gone"})", 404); });
    const QList<PersistedMutation> saved{
        persistedAttempt("PATCH", 1, Json::parse(R"({"title":"mine"})"), "\"v1\""),
        persistedAttempt("PATCH", 2, Json::parse(R"({"title":"mine"})"), "\"v1\""),
        persistedAttempt("PATCH", 3, Json::parse(R"({"title":"mine"})"), "\"v1\""),
        persistedAttempt("DELETE", 4, Json(), "\"v1\""),
    };
    const QList<Mutation *> restored = queue->restore(saved);
    QCOMPARE(restored.size(), 4);
    for (Mutation *m : restored)
        QTRY_VERIFY(m->isSettled());
    QCOMPARE(restored[0]->status(), Mutation::Status::Succeeded);   // already applied: nothing sent
    QCOMPARE(restored[1]->status(), Mutation::Status::Succeeded);   // sent again, once
    QCOMPARE(restored[2]->status(), Mutation::Status::Failed);
    QVERIFY(restored[2]->error()->isConflict());
    QCOMPARE(restored[2]->error()->theirs.value("title").toString(), u"theirs"_s);
    QCOMPARE(restored[2]->error()->theirsEtag, QByteArray("\"v9\""));
    QCOMPARE(restored[3]->status(), Mutation::Status::Succeeded);   // already gone: nothing sent
    QCOMPARE(patches, 1);
    QCOMPARE(h->fixture.count("PATCH", "/posts/2"), 1);
    QCOMPARE(h->fixture.count("DELETE", "/posts/4"), 0);
    for (const RecordedRequest &r : h->fixture.requests()) {
        if (r.method == "PATCH")
            QCOMPARE(r.headers.value("if-match"), QByteArray("\"v1\""));
    }
}

// Issue #13, item 5: a create whose request may have left before a crash, to a server that does not honour
// Idempotency-Key, is not sent blindly again: records like it are looked for; if there are, it waits for the user
// (Unconfirmed, with them), holding up the writes behind it; if not, it goes. A server that honours the key gets
// it again as it was.
void tst_MutationQueue::restoredCreateIsConfirmedBeforeItIsSentAgain()
{
    auto persistedCreate = [&](const QString &title, bool keyHonoured) {
        PersistedMutation d;
        d.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        d.method = "POST";
        d.path = u"/posts"_s;
        d.resource = u"posts"_s;
        d.attempted = true;
        d.keyHonoured = keyHonoured;
        d.variables = Json::object({{u"title", Json(title)}, {u"userId", 1}});
        d.body = d.variables;
        d.createdAt = h->clock.now();
        return d;
    };
    QStringList posted;
    h->fixture.route("POST", "/posts", [&](const RecordedRequest &r) {
        posted.append(QString::fromUtf8(r.body));
        return Response::json(R"({"id":50,"title":"x"})", 201);
    });
    QList<QUrlQuery> lookups;
    h->fixture.route("GET", "/posts", [&](const RecordedRequest &r) {
        lookups.append(r.query);
        // One record like "made" exists (and one that only shares its title); nothing like "lost".
        if (r.query.queryItemValue(u"title"_s) == u"made"_s)
            return Response::json(R"([{"id":9,"title":"made","userId":1},{"id":8,"title":"made","userId":2}])");
        return Response::json("[]");
    });
    const QList<Mutation *> restored = queue->restore({persistedCreate(u"made"_s, false), persistedCreate(u"lost"_s, false),
                                                       persistedCreate(u"keyed"_s, true)});
    QCOMPARE(restored.size(), 3);
    QTRY_COMPARE(restored[0]->status(), Mutation::Status::Unconfirmed);
    QCOMPARE(restored[0]->matches(), Json::parse(R"([{"id":9,"title":"made","userId":1}])"));
    // The filter the dialect sends, newest first.
    QCOMPARE(lookups.first().queryItemValue(u"title"_s), u"made"_s);
    QCOMPARE(lookups.first().queryItemValue(u"userId"_s), u"1"_s);
    QCOMPARE(lookups.first().queryItemValue(u"_order"_s), u"desc"_s);
    // It holds up the writes behind it, and nothing is posted.
    QTest::qWait(0);
    QCOMPARE(restored[1]->status(), Mutation::Status::Waiting);
    QVERIFY(posted.isEmpty());
    QVERIFY(!queue->persisted().isEmpty());

    // The user says it was made: done, nothing sent; the next one is looked for, not found, and sent; the keyed
    // one is sent as it was.
    QVERIFY(restored[0]->confirmCreated(restored[0]->matches().at(0)));
    QCOMPARE(restored[0]->status(), Mutation::Status::Succeeded);
    QTRY_VERIFY(restored[1]->isSettled() && restored[2]->isSettled());
    QCOMPARE(restored[1]->status(), Mutation::Status::Succeeded);
    QCOMPARE(restored[2]->status(), Mutation::Status::Succeeded);
    QCOMPARE(posted.size(), 2);
    QVERIFY(posted[0].contains(u"lost"_s) && posted[1].contains(u"keyed"_s));
    QCOMPARE(lookups.size(), 2);   // none for the keyed one

    // Send Again: it is posted.
    Mutation *again = queue->restore({persistedCreate(u"made"_s, false)}).first();
    QTRY_COMPARE(again->status(), Mutation::Status::Unconfirmed);
    QVERIFY(again->confirmSend());
    QTRY_COMPARE(again->status(), Mutation::Status::Succeeded);
    QCOMPARE(posted.size(), 3);
    // Cancel: nothing is posted.
    Mutation *cancelled = queue->restore({persistedCreate(u"made"_s, false)}).first();
    QTRY_COMPARE(cancelled->status(), Mutation::Status::Unconfirmed);
    QVERIFY(cancelled->undo());
    QCOMPARE(cancelled->status(), Mutation::Status::Undone);
    QCOMPARE(posted.size(), 3);
}

void tst_MutationQueue::settledHandleIsDeletedLater()
{
    queue->setSettledLifetime(1s);
    h->fixture.route("POST", "/posts", [](const RecordedRequest &r) { return Response::json(r.body, 201); });
    QPointer<Mutation> m = queue->mutate(MutationOptions{.method = "POST", .path = "/posts"}, Json::parse("{}"));
    QSignalSpy settled(m.data(), &Mutation::settled);
    QVERIFY(settled.wait());
    QCoreApplication::processEvents();
    QVERIFY(m);   // still readable by whoever holds it
    QCOMPARE(m->status(), Mutation::Status::Succeeded);
    h->clock.advance(1s);
    QTRY_VERIFY(!m);
}

void tst_MutationQueue::settledHandlesAreCapped()
{
    queue->setSettledLimit(3);
    h->fixture.route("POST", "/posts", [](const RecordedRequest &r) { return Response::json(r.body, 201); });
    QList<QPointer<Mutation>> made;
    for (int i = 0; i < 5; ++i) {
        made.append(queue->mutate(MutationOptions{.method = "POST", .path = "/posts"}, Json::object({{u"n", i}})));
        QSignalSpy settled(made.last().data(), &Mutation::settled);
        QVERIFY(settled.wait());
    }
    // The two oldest went at once; the three newest stay for their lifetime (5 minutes by default).
    QTRY_VERIFY(!made.at(0) && !made.at(1));
    for (int i = 2; i < 5; ++i)
        QVERIFY(made.at(i));
    QCOMPARE(made.at(4)->variables().value(u"n").toInteger(), 4);
}

QTEST_GUILESS_MAIN(tst_MutationQueue)
#include "tst_mutationqueue.moc"
