#include "core/mutation/mutation.h"
#include "core/mutation/mutationqueue.h"
#include "core/mutation/resourcetags.h"
#include "support/clientharness.h"

#include <QSignalSpy>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace std::chrono_literals;

namespace {

const QByteArray ListBody = R"([{"id":7,"title":"old"},{"id":8,"title":"b"}])";
const QByteArray EnvelopeBody = R"({"data":[{"id":7,"title":"old"},{"id":8,"title":"b"}],"total":2})";
const QByteArray DetailBody = R"({"id":7,"title":"old"})";

Response held(Response r)
{
    r.fault = Response::Fault::Hold;
    return r;
}

// The records of list data, whether an array or an envelope.
Json rows(const Json &list)
{
    return ResourceTags::records(list);
}

} // namespace

// One write and its life against a real HTTP server: the three modes with rollback and undo, invalidation
// (exactly the tagged entries, coalesced), conflicts, field errors, retries and transports that are functions.
class tst_Mutation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void pessimisticWritesThenInvalidates();
    void invalidationHitsExactlyTheTagged();
    void invalidationsCoalesce();
    void twoWritesInOneTurnRefetchOnce();
    void entryFetchingIsRefetchedOnceAfter();
    void optimisticAppliesAtOnce_data();
    void optimisticAppliesAtOnce();
    void optimisticRollsBack_data();
    void optimisticRollsBack();
    void optimisticDelete_data();
    void optimisticDelete();
    void undoableUndo();
    void undoableSendsAfterDelay();
    void conflict412_data();
    void conflict412();
    void validation422_data();
    void validation422();
    void functionTransport();
    void invalidatesTagsFromOnFailure();
    void retryPolicy();
    void unknownEndpointFailsReadably();
    void successWithoutJsonIsSuccess();

private:
    QueryObserver *observeList(const QByteArray &body = ListBody);
    QueryObserver *observeDetail(int id = 7, const QByteArray &body = DetailBody);
    void settle();
    MutationOptions patch7(MutationMode mode = MutationMode::Pessimistic) const
    {
        return MutationOptions{.method = "PATCH", .path = "/posts/7", .resource = "posts", .mode = mode,
                               .invalidatesTags = posts.list() + posts.detail(7)};
    }

    const ResourceTags posts{"posts"};
    std::unique_ptr<ClientHarness> h;
    std::unique_ptr<MutationQueue> queue;
    std::vector<std::unique_ptr<QueryObserver>> observers;
};

void tst_Mutation::init()
{
    h = std::make_unique<ClientHarness>();
    queue = std::make_unique<MutationQueue>(&h->client);
    queue->addEndpoint(h->endpoint.get());
}

void tst_Mutation::cleanup()
{
    observers.clear();
    queue.reset();
    h.reset();
}

QueryObserver *tst_Mutation::observeList(const QByteArray &body)
{
    h->fixture.setJson("/posts", body);
    QueryOptions o{.key = QueryKey{"posts"}, .fn = h->endpoint->get("/posts")};
    posts.provideList(o);
    observers.push_back(std::make_unique<QueryObserver>(&h->client, o));
    return observers.back().get();
}

QueryObserver *tst_Mutation::observeDetail(int id, const QByteArray &body)
{
    const QString path = QStringLiteral("/posts/%1").arg(id);
    h->fixture.setJson(path, body);
    QueryOptions o{.key = QueryKey{"posts", id}, .fn = h->endpoint->get(path)};
    posts.provideDetail(o, id);
    observers.push_back(std::make_unique<QueryObserver>(&h->client, o));
    return observers.back().get();
}

// Waits until every observer has its data and nothing is fetching, then forgets the requests so far.
void tst_Mutation::settle()
{
    for (const auto &o : observers)
        QTRY_VERIFY(o->isSuccess());
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    h->fixture.clearLog();
}

void tst_Mutation::pessimisticWritesThenInvalidates()
{
    QueryObserver *list = observeList();
    QueryObserver *detail = observeDetail();
    settle();
    const QByteArray etag = detail->query()->etag();
    QVERIFY(!etag.isEmpty());
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &) {
        return held(Response::json(R"({"id":7,"title":"new"})"));
    });

    const Json listBefore = h->client.queryData({"posts"});
    const Json variables = Json::parse(R"({"id":7,"title":"new"})");
    Mutation *m = queue->mutate(patch7(), variables);
    QSignalSpy started(m, &Mutation::started), succeeded(m, &Mutation::succeeded), failed(m, &Mutation::failed),
        settled(m, &Mutation::settled), status(m, &Mutation::statusChanged);
    QVERIFY(started.isValid() && succeeded.isValid() && failed.isValid() && settled.isValid() && status.isValid());
    QStringList order;
    connect(m, &Mutation::started, this, [&] { order << "started"; });
    connect(m, &Mutation::succeeded, this, [&] { order << "succeeded"; });
    connect(m, &Mutation::settled, this, [&] { order << "settled"; });
    // Nothing happens before the caller had the chance to connect.
    QCOMPARE(m->status(), Mutation::Status::Idle);
    QCOMPARE(started.count(), 0);
    QCOMPARE(m->data().scope, posts.onEndpoint("default").recordTag(7).toString());

    QTRY_COMPARE(h->fixture.count("PATCH", "/posts/7"), 1);
    QCOMPARE(m->status(), Mutation::Status::Sending);
    QVERIFY(!m->canUndo());
    QVERIFY(!m->undo());
    // Pessimistic: the cache is untouched while the write is under way.
    QVERIFY(h->client.queryData({"posts"}).identical(listBefore));
    const RecordedRequest request = h->fixture.requests().constLast();
    QCOMPARE(Json::parse(request.body), variables);
    QCOMPARE(request.headers.value("if-match"), etag);
    QCOMPARE(request.headers.value("idempotency-key"), m->idempotencyKey().toUtf8());
    QVERIFY(request.headers.value("content-type").contains("application/json"));

    h->fixture.setJson("/posts", R"([{"id":7,"title":"new"},{"id":8,"title":"b"}])");
    h->fixture.setJson("/posts/7", R"({"id":7,"title":"new"})");
    QCOMPARE(h->fixture.releaseAll(), 1);
    QVERIFY(settled.wait());
    QCOMPARE(order, (QStringList{"started", "succeeded", "settled"}));
    QCOMPARE(failed.count(), 0);
    QCOMPARE(m->status(), Mutation::Status::Succeeded);
    QCOMPARE(m->result().value("title").toString(), QStringLiteral("new"));
    QVERIFY(m->error() == nullptr);
    QCOMPARE(succeeded.first().first().value<Json>(), m->result());
    QCOMPARE(status.first().first().value<Mutation::Status>(), Mutation::Status::Sending);
    QCOMPARE(status.last().first().value<Mutation::Status>(), Mutation::Status::Succeeded);

    // The list and the detail were invalidated and refetched, each once.
    QTRY_COMPARE(rows(list->data()).at(0).value("title").toString(), QStringLiteral("new"));
    QTRY_COMPARE(detail->data().value("title").toString(), QStringLiteral("new"));
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("GET", "/posts"), 1);
    QCOMPARE(h->fixture.count("GET", "/posts/7"), 1);
    QCOMPARE(h->fixture.count(), 3);
    QVERIFY(queue->mutations().isEmpty());
}

void tst_Mutation::invalidationHitsExactlyTheTagged()
{
    observeList();                              // active, holds 7
    observeDetail(8, R"({"id":8,"title":"b"})"); // active, another record
    h->fixture.setJson("/users", R"([{"id":7}])");
    QueryOptions users{.key = QueryKey{"users"}, .fn = h->endpoint->get("/users")};
    ResourceTags("users").provideList(users);
    observers.push_back(std::make_unique<QueryObserver>(&h->client, users));   // active, another resource, id 7 too
    h->fixture.setJson("/posts/7", DetailBody);
    QueryOptions detail7{.key = QueryKey{"posts", 7}, .fn = h->endpoint->get("/posts/7")};
    posts.provideDetail(detail7, 7);
    h->client.fetchQuery(detail7);              // cached, inactive
    settle();
    const Json detailBefore = h->client.queryData({"posts", 7});
    QVERIFY(!detailBefore.isUndefined());
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &) { return Response::json(R"({"id":7})"); });

    Mutation *m = queue->mutate(MutationOptions{.method = "PATCH", .path = "/posts/7", .resource = "posts",
                                                .invalidatesTags = posts.detail(7)},
                                Json::parse(R"({"id":7,"title":"x"})"));
    QSignalSpy settled(m, &Mutation::settled);
    QVERIFY(settled.wait());
    // Marked right away: the list and the cached detail; nothing else.
    QVERIFY(h->client.query({"posts"})->isInvalidated() || h->client.query({"posts"})->isFetching());
    QVERIFY(h->client.query({"posts", 7})->isInvalidated());
    QVERIFY(!h->client.query({"posts", 8})->isInvalidated());
    QVERIFY(!h->client.query({"users"})->isInvalidated());

    QTRY_COMPARE(h->fixture.count("GET", "/posts"), 1);   // active: refetched once
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("GET"), 1);
    // Inactive: stale, its data kept for an instant display, no request.
    const Query *inactive = h->client.query({"posts", 7});
    QVERIFY(inactive->isInvalidated());
    QVERIFY(inactive->data().identical(detailBefore));
    QCOMPARE(h->fixture.count("GET", "/posts/7"), 0);
    QVERIFY(!h->client.query({"posts"})->isInvalidated());
}

void tst_Mutation::invalidationsCoalesce()
{
    observeList();
    observeDetail();
    settle();
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &) { return Response::json(R"({"id":7})"); });
    // Two scopes and a key filter that all hit the list and the detail: one refetch each.
    MutationOptions o = patch7();
    o.invalidatesTags = posts.list() + posts.detail(7) + posts.resourceAll() + ResourceTags::all();
    o.invalidatesQueries = {QueryFilters{.key = QueryKey{"posts"}}};
    Mutation *m = queue->mutate(o, Json::parse(R"({"id":7})"));
    QSignalSpy settled(m, &Mutation::settled);
    QVERIFY(settled.wait());
    QTRY_COMPARE(h->fixture.count("GET", "/posts"), 1);
    QTRY_COMPARE(h->fixture.count("GET", "/posts/7"), 1);
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("GET"), 2);
}

void tst_Mutation::twoWritesInOneTurnRefetchOnce()
{
    observeList();
    observeDetail();
    settle();
    // Transports that answer at once: both writes succeed in the same event-loop turn.
    const MutationFn instant = [](const MutationFnContext &ctx) { ctx.resolve(ctx.variables()); };
    MutationOptions a{.method = "PATCH", .path = "/posts/7", .fn = instant, .resource = "posts",
                      .invalidatesTags = posts.detail(7)};
    MutationOptions b{.method = "PATCH", .path = "/posts/8", .fn = instant, .resource = "posts",
                      .invalidatesTags = posts.list()};
    Mutation *first = queue->mutate(a, Json::parse(R"({"id":7})"));
    Mutation *second = queue->mutate(b, Json::parse(R"({"id":8})"));
    QSignalSpy s1(first, &Mutation::succeeded), s2(second, &Mutation::succeeded);
    QTRY_COMPARE(s1.count() + s2.count(), 2);
    QTRY_COMPARE(h->fixture.count("GET", "/posts"), 1);
    QTRY_COMPARE(h->fixture.count("GET", "/posts/7"), 1);
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count(), 2);   // no PATCH over the network, one GET per entry
}

void tst_Mutation::entryFetchingIsRefetchedOnceAfter()
{
    QueryObserver *detail = observeDetail();
    settle();
    // A refetch of the detail is under way (held) when the write's success invalidates it.
    h->fixture.enqueue("GET", "/posts/7", held(Response::json(DetailBody)));
    detail->refetch();
    QTRY_COMPARE(h->fixture.heldRequests().size(), 1);
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &) { return Response::json(R"({"id":7})"); });
    Mutation *one = queue->mutate(MutationOptions{.method = "PATCH", .path = "/posts/7", .resource = "posts",
                                                  .invalidatesTags = posts.detail(7)}, Json::parse(R"({"id":7})"));
    QSignalSpy settled(one, &Mutation::settled);
    QVERIFY(settled.wait());
    // And a second write in a later turn: still only one more fetch.
    const MutationFn instant = [](const MutationFnContext &ctx) { ctx.resolve(Json(nullptr)); };
    Mutation *two = queue->mutate(MutationOptions{.method = "PATCH", .path = "/posts/7", .fn = instant,
                                                  .resource = "posts", .scope = "other",
                                                  .invalidatesTags = posts.detail(7)}, Json::parse(R"({"id":7})"));
    QSignalSpy settled2(two, &Mutation::settled);
    QVERIFY(settled2.wait());
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("GET", "/posts/7"), 1);   // nothing joins or doubles the held one
    QCOMPARE(h->fixture.releaseAll(), 1);
    QTRY_COMPARE(h->fixture.count("GET", "/posts/7"), 2);
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("GET", "/posts/7"), 2);
}

void tst_Mutation::optimisticAppliesAtOnce_data()
{
    QTest::addColumn<QByteArray>("listBody");
    QTest::newRow("array") << ListBody;
    QTest::newRow("envelope") << EnvelopeBody;
}

void tst_Mutation::optimisticAppliesAtOnce()
{
    QFETCH(QByteArray, listBody);
    QueryObserver *list = observeList(listBody);
    QueryObserver *detail = observeDetail();
    settle();
    QSignalSpy listChanged(list, &QueryObserver::changed), detailChanged(detail, &QueryObserver::changed);
    QVERIFY(listChanged.isValid() && detailChanged.isValid());
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &) {
        return held(Response::json(R"({"id":7,"title":"new"})"));
    });

    Mutation *m = queue->mutate(patch7(MutationMode::Optimistic), Json::parse(R"({"title":"new"})").withValue(u"id", 7));
    // In the cache before the event loop ran: every list and the detail of record 7, and nothing else.
    QCOMPARE(rows(h->client.queryData({"posts"})).at(0).value("title").toString(), QStringLiteral("new"));
    QCOMPARE(rows(h->client.queryData({"posts"})).at(1).value("title").toString(), QStringLiteral("b"));
    QCOMPARE(h->client.queryData({"posts", 7}).value("title").toString(), QStringLiteral("new"));
    QCOMPARE(m->data().optimistic.entries().size(), 2);
    if (listBody == EnvelopeBody)
        QCOMPARE(h->client.queryData({"posts"}).value("total").toInteger(), 2);
    QTRY_VERIFY(listChanged.count() == 1 && detailChanged.count() == 1);
    QCOMPARE(h->fixture.count("GET"), 0);

    QTRY_COMPARE(h->fixture.heldRequests().size(), 1);
    h->fixture.setJson("/posts", QByteArray(listBody).replace("old", "new"));
    h->fixture.setJson("/posts/7", R"({"id":7,"title":"new"})");
    QSignalSpy succeeded(m, &Mutation::succeeded);
    h->fixture.releaseAll();
    QVERIFY(succeeded.wait());
    QTRY_COMPARE(h->fixture.count("GET", "/posts"), 1);
    QTRY_COMPARE(h->fixture.count("GET", "/posts/7"), 1);
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    QCOMPARE(rows(list->data()).at(0).value("title").toString(), QStringLiteral("new"));
}

void tst_Mutation::optimisticRollsBack_data()
{
    QTest::addColumn<bool>("changedMeanwhile");
    QTest::newRow("untouched entries are restored") << false;
    QTest::newRow("an entry changed meanwhile is kept and invalidated") << true;
}

void tst_Mutation::optimisticRollsBack()
{
    QFETCH(bool, changedMeanwhile);
    observeList();
    observeDetail();
    settle();
    const Json listBefore = h->client.queryData({"posts"});
    const Json detailBefore = h->client.queryData({"posts", 7});
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &) {
        return held(Response::json(R"({"error":"storage is down"})", 500));
    });
    Mutation *m = queue->mutate(patch7(MutationMode::Optimistic), Json::parse(R"({"id":7,"title":"new"})"));
    QCOMPARE(h->client.queryData({"posts", 7}).value("title").toString(), QStringLiteral("new"));
    QTRY_COMPARE(h->fixture.heldRequests().size(), 1);
    const Json theirs = Json::parse(R"({"id":7,"title":"theirs"})");
    if (changedMeanwhile)
        h->client.setQueryData({"posts", 7}, theirs);

    // What the cache holds when `failed` is emitted: the rollback is done by then.
    Json listAtFailure, detailAtFailure;
    bool detailInvalidated = false;
    connect(m, &Mutation::failed, this, [&] {
        listAtFailure = h->client.queryData({"posts"});
        detailAtFailure = h->client.queryData({"posts", 7});
        detailInvalidated = h->client.query({"posts", 7})->isInvalidated();
    });
    QSignalSpy failed(m, &Mutation::failed), succeeded(m, &Mutation::succeeded);
    h->fixture.clearLog();
    h->fixture.releaseAll();
    QVERIFY(failed.wait());
    QCOMPARE(succeeded.count(), 0);
    QCOMPARE(m->status(), Mutation::Status::Failed);
    QCOMPARE(listAtFailure, listBefore);
    if (changedMeanwhile) {
        QCOMPARE(detailAtFailure, theirs);   // not clobbered...
        QVERIFY(detailInvalidated);          // ...but checked with the server
        QTRY_COMPARE(h->fixture.count("GET", "/posts/7"), 1);
    } else {
        QCOMPARE(detailAtFailure, detailBefore);
        QVERIFY(!detailInvalidated);
    }
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("GET", "/posts"), 0);   // the restored list needs no request
    QCOMPARE(h->fixture.count("GET"), changedMeanwhile ? 1 : 0);

    // The error is readable, and the form still has what the user typed.
    const MutationError *e = m->error();
    QVERIFY(e);
    QCOMPARE(e->httpStatus(), 500);
    QCOMPARE(e->serverMessage, QStringLiteral("storage is down"));
    QCOMPARE(e->kind, MutationError::Kind::Failed);
    QVERIFY(e->toString().contains(QStringLiteral("PATCH")));
    QVERIFY(e->toString().contains(QStringLiteral("/posts/7")));
    QVERIFY(e->toString().contains(QStringLiteral("500")));
    QCOMPARE(m->variables().value("title").toString(), QStringLiteral("new"));
    QCOMPARE(failed.first().first().value<MutationError>().httpStatus(), 500);
}

void tst_Mutation::optimisticDelete_data()
{
    QTest::addColumn<QByteArray>("listBody");
    QTest::addColumn<int>("status");
    QTest::newRow("array, deleted") << ListBody << 204;
    QTest::newRow("envelope, deleted") << EnvelopeBody << 204;
    QTest::newRow("array, refused") << ListBody << 403;
    QTest::newRow("envelope, refused") << EnvelopeBody << 403;
}

void tst_Mutation::optimisticDelete()
{
    QFETCH(QByteArray, listBody);
    QFETCH(int, status);
    const bool envelope = listBody == EnvelopeBody;
    observeList(listBody);
    observeDetail();
    settle();
    const Json listBefore = h->client.queryData({"posts"});
    const Json detailBefore = h->client.queryData({"posts", 7});
    h->fixture.route("DELETE", "/posts/7", [status](const RecordedRequest &) {
        return held(Response{.status = status, .body = status == 204 ? QByteArray() : QByteArray(R"({"error":"not yours"})"),
                             .headers = {{"Content-Type", "application/json"}}});
    });
    Mutation *m = queue->mutate(MutationOptions{.method = "DELETE", .path = "/posts/7", .resource = "posts", .id = 7,
                                                .mode = MutationMode::Optimistic, .invalidatesTags = posts.list()});
    // Gone from the list at once (and the envelope's total follows); the detail keeps its data.
    const Json now = h->client.queryData({"posts"});
    QCOMPARE(rows(now).size(), 1);
    QCOMPARE(rows(now).at(0).value("id").toInteger(), 8);
    if (envelope)
        QCOMPARE(now.value("total").toInteger(), 1);
    QVERIFY(h->client.queryData({"posts", 7}).identical(detailBefore));
    QVERIFY(m->data().body.isUndefined());

    QTRY_COMPARE(h->fixture.heldRequests().size(), 1);
    QVERIFY(h->fixture.requests().constLast().body.isEmpty());
    if (status == 204)
        h->fixture.setJson("/posts", envelope ? QByteArray(R"({"data":[{"id":8,"title":"b"}],"total":1})")
                                              : QByteArray(R"([{"id":8,"title":"b"}])"));
    QSignalSpy settled(m, &Mutation::settled);
    h->fixture.releaseAll();
    QVERIFY(settled.wait());
    if (status == 204) {
        QCOMPARE(m->status(), Mutation::Status::Succeeded);
        QVERIFY(m->result().isNull());
        QTRY_COMPARE(h->fixture.count("GET", "/posts"), 1);
        QTRY_COMPARE(h->client.fetchingCount(), 0);
        QCOMPARE(rows(h->client.queryData({"posts"})).size(), 1);
    } else {
        QCOMPARE(m->status(), Mutation::Status::Failed);
        QCOMPARE(h->client.queryData({"posts"}), listBefore);
        QCOMPARE(m->error()->httpStatus(), 403);
        QCOMPARE(m->error()->serverMessage, QStringLiteral("not yours"));
    }
}

void tst_Mutation::undoableUndo()
{
    observeList();
    observeDetail();
    settle();
    const Json listBefore = h->client.queryData({"posts"});
    const Json detailBefore = h->client.queryData({"posts", 7});
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &) { return Response::json(R"({"id":7})"); });

    Mutation *m = queue->mutate(patch7(MutationMode::Undoable), Json::parse(R"({"id":7,"title":"new"})"));
    QSignalSpy undone(m, &Mutation::undone), settled(m, &Mutation::settled), started(m, &Mutation::started),
        failed(m, &Mutation::failed), succeeded(m, &Mutation::succeeded);
    QCOMPARE(h->client.queryData({"posts", 7}).value("title").toString(), QStringLiteral("new"));
    QCOMPARE(rows(h->client.queryData({"posts"})).at(0).value("title").toString(), QStringLiteral("new"));
    QTRY_COMPARE(started.count(), 1);
    QCOMPARE(m->status(), Mutation::Status::Waiting);
    QVERIFY(m->canUndo());
    h->clock.advance(4s);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("PATCH"), 0);

    QVERIFY(m->undo());
    QCOMPARE(m->status(), Mutation::Status::Undone);
    QCOMPARE(undone.count(), 1);
    QCOMPARE(settled.count(), 1);
    QCOMPARE(failed.count() + succeeded.count(), 0);
    QCOMPARE(h->client.queryData({"posts"}), listBefore);
    QCOMPARE(h->client.queryData({"posts", 7}), detailBefore);
    QVERIFY(!m->undo());
    QVERIFY(!m->canUndo());
    h->clock.advance(10s);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count(), 0);   // nothing sent, nothing refetched
    QVERIFY(queue->mutations().isEmpty());
}

void tst_Mutation::undoableSendsAfterDelay()
{
    observeList();
    observeDetail();
    settle();
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &) { return Response::json(R"({"id":7,"title":"new"})"); });
    // The server keeps the write, as a real one does: the refetch after it reads "new" (it read "old"
    // before, and the test passed only when it looked before the refetch's answer came).
    h->fixture.setJson("/posts", R"([{"id":7,"title":"new"},{"id":8,"title":"b"}])");
    h->fixture.setJson("/posts/7", R"({"id":7,"title":"new"})");
    MutationOptions o = patch7(MutationMode::Undoable);
    o.undoDelay = 3s;
    Mutation *m = queue->mutate(o, Json::parse(R"({"id":7,"title":"new"})"));
    QSignalSpy succeeded(m, &Mutation::succeeded);
    QTRY_COMPARE(m->status(), Mutation::Status::Waiting);
    h->clock.advance(2999ms);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("PATCH"), 0);
    h->clock.advance(1ms);
    QTRY_COMPARE(h->fixture.count("PATCH", "/posts/7"), 1);
    QVERIFY(!m->undo());
    QTRY_COMPARE(succeeded.count(), 1);
    QTRY_COMPARE(h->fixture.count("GET", "/posts"), 1);
    QTRY_COMPARE(h->fixture.count("GET", "/posts/7"), 1);
    QTRY_COMPARE(h->client.queryData({"posts", 7}).value("title").toString(), QStringLiteral("new"));
    QTRY_VERIFY(!h->client.query({"posts", 7})->isFetching());
    QCOMPARE(h->client.queryData({"posts", 7}).value("title").toString(), QStringLiteral("new"));
}

void tst_Mutation::conflict412_data()
{
    QTest::addColumn<bool>("bodyIsRecord");
    QTest::newRow("the 412 body is the record") << true;
    QTest::newRow("the record is fetched") << false;
}

void tst_Mutation::conflict412()
{
    QFETCH(bool, bodyIsRecord);
    // The record on the server, with an ETag the test controls.
    Json record = Json::parse(R"({"id":7,"title":"old","body":"text"})");
    QByteArray etag = "\"v1\"";
    h->fixture.route("GET", "/posts/7", [&](const RecordedRequest &) {
        Response r = Response::json(record.toJson());
        r.headers.append({"ETag", etag});
        return r;
    });
    h->fixture.route("PATCH", "/posts/7", [&](const RecordedRequest &req) {
        if (req.headers.value("if-match") != etag) {
            Response r = Response::json(bodyIsRecord ? record.toJson() : QByteArray(R"({"error":"precondition failed"})"), 412);
            r.headers.append({"ETag", etag});
            return r;
        }
        record = record.merged(Json::parse(req.body));
        etag = "\"v3\"";
        Response r = Response::json(record.toJson());
        r.headers.append({"ETag", etag});
        return r;
    });
    QueryOptions o{.key = QueryKey{"posts", 7}, .fn = h->endpoint->get("/posts/7")};
    posts.provideDetail(o, 7);
    observers.push_back(std::make_unique<QueryObserver>(&h->client, o));
    QueryObserver *detail = observers.back().get();
    settle();
    QCOMPARE(detail->query()->etag(), QByteArray("\"v1\""));

    // Someone else saves first.
    record = record.withValue(u"title", "theirs");
    etag = "\"v2\"";
    int getsAtFailure = -1;
    const Json mine = Json::parse(R"({"title":"mine"})");
    Mutation *m = queue->mutate(MutationOptions{.method = "PATCH", .path = "/posts/7", .resource = "posts", .id = 7,
                                                .mode = MutationMode::Optimistic}, mine);
    connect(m, &Mutation::failed, this, [&] { getsAtFailure = h->fixture.count("GET", "/posts/7"); });
    QSignalSpy failed(m, &Mutation::failed);
    QVERIFY(failed.wait());
    QCOMPARE(h->fixture.requests().at(0).headers.value("if-match"), QByteArray("\"v1\""));

    const MutationError *e = m->error();
    QVERIFY(e);
    QCOMPARE(e->kind, MutationError::Kind::Conflict);
    QVERIFY(e->isConflict());
    QCOMPARE(e->httpStatus(), 412);
    QCOMPARE(e->mine, mine);
    QCOMPARE(e->theirs.value("title").toString(), QStringLiteral("theirs"));
    QCOMPARE(e->theirs.value("body").toString(), QStringLiteral("text"));
    QCOMPARE(e->theirsEtag, QByteArray("\"v2\""));
    QCOMPARE(getsAtFailure, bodyIsRecord ? 0 : 1);
    QVERIFY(e->toString().contains(QStringLiteral("412")));
    // The optimistic change is gone and the detail is refetched: the cache shows the server's record.
    QTRY_COMPARE(detail->data().value("title").toString(), QStringLiteral("theirs"));
    QTRY_COMPARE(detail->query()->etag(), QByteArray("\"v2\""));

    // The user chooses to overwrite: the same change against their version goes through.
    Mutation *again = queue->mutate(MutationOptions{.method = "PATCH", .path = "/posts/7", .resource = "posts", .id = 7,
                                                    .etag = e->theirsEtag, .invalidatesTags = posts.detail(7)},
                                    mine);
    QSignalSpy succeeded(again, &Mutation::succeeded);
    QVERIFY(succeeded.wait());
    QCOMPARE(again->resultEtag(), QByteArray("\"v3\""));
    QTRY_COMPARE(detail->data().value("title").toString(), QStringLiteral("mine"));
}

void tst_Mutation::validation422_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QStringList>("fields");   // "field: message", in order

    QTest::newRow("errors, field: message")
        << QByteArray(R"({"message":"The given data was invalid.","errors":{"title":"must not be empty"}})")
        << "The given data was invalid." << QStringList{"title: must not be empty"};
    QTest::newRow("errors, field: [messages]")
        << QByteArray(R"({"errors":{"title":["too short","no digits"],"body":["required"]}})")
        << "" << QStringList{"body: required", "title: too short", "title: no digits"};
    QTest::newRow("fields")
        << QByteArray(R"({"error":"Validation failed","fields":{"email":"taken","age":["under 18"]}})")
        << "Validation failed" << QStringList{"age: under 18", "email: taken"};
    QTest::newRow("errors, [{field, message}]")
        << QByteArray(R"({"errors":[{"field":"title","message":"too short"},{"field":"title","message":"no digits"},{"message":"general"}]})")
        << "general" << QStringList{"title: too short", "title: no digits"};
}

void tst_Mutation::validation422()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QFETCH(QStringList, fields);
    observeList();
    settle();
    const Json listBefore = h->client.queryData({"posts"});
    h->fixture.route("POST", "/posts", [body](const RecordedRequest &) { return Response::json(body, 422); });
    const Json variables = Json::parse(R"({"title":"","body":"x"})");
    Mutation *m = queue->mutate(MutationOptions{.method = "POST", .path = "/posts", .resource = "posts",
                                                .invalidatesTags = posts.list()}, variables);
    QSignalSpy failed(m, &Mutation::failed);
    QVERIFY(failed.wait());
    const MutationError *e = m->error();
    QVERIFY(e);
    QCOMPARE(e->kind, MutationError::Kind::Validation);
    QCOMPARE(e->httpStatus(), 422);
    QCOMPARE(e->serverMessage, message);
    QStringList got;
    for (auto it = e->fieldErrors.cbegin(); it != e->fieldErrors.cend(); ++it) {
        for (const QString &msg : it.value())
            got << it.key() + QStringLiteral(": ") + msg;
    }
    QCOMPARE(got, fields);
    QCOMPARE(e->body, Json::parse(body));
    QVERIFY(e->toString().contains(fields.first()));
    QCOMPARE(m->variables(), variables);   // the form shows them again
    QCOMPARE(m->failureCount(), 1);
    // A failed write invalidates nothing.
    QCoreApplication::processEvents();
    QVERIFY(!h->client.query({"posts"})->isInvalidated());
    QVERIFY(h->client.queryData({"posts"}).identical(listBefore));
    QCOMPARE(h->fixture.count("GET"), 0);
}

void tst_Mutation::functionTransport()
{
    HttpRequest seen;
    Json seenVariables;
    int calls = 0;
    bool sawError = false;
    MutationOptions o{
        .method = "put",
        .path = "/posts/7",
        .headers = {{"X-Form", "editor"}},
        .fn = [&](const MutationFnContext &ctx) {
            seen = ctx.request();
            seenVariables = ctx.variables();
            ++calls;
            ctx.resolve(MutationResult::success(Json::parse(R"({"id":7,"title":"saved"})"), "\"v9\""));
            ctx.resolve(Json("twice"));   // ignored
        },
        .resource = "posts",
        .etag = "\"v1\"",
        .invalidatesTagsFrom = [&](const Json &result, const MutationError *error, const Json &) {
            sawError = error != nullptr;
            return ResourceTags("posts").detail(result.value("id"));
        },
    };
    h->client.setQueryData({"posts", 7}, Json::parse(DetailBody), posts.detailTags(7));
    const Json variables = Json::parse(R"({"id":7,"title":"saved"})");
    Mutation *m = queue->mutate(o, variables);
    QSignalSpy succeeded(m, &Mutation::succeeded);
    QVERIFY(succeeded.wait());
    QCOMPARE(calls, 1);
    QCOMPARE(seen.method, QByteArray("PUT"));
    QCOMPARE(seen.url, h->endpoint->url("/posts/7"));
    QCOMPARE(seen.body, variables.toJson());
    QCOMPARE(seenVariables, variables);
    auto header = [&](const QByteArray &name) {
        for (const auto &[n, v] : seen.headers) {
            if (n == name)
                return v;
        }
        return QByteArray();
    };
    QCOMPARE(header("If-Match"), QByteArray("\"v1\""));
    QCOMPARE(header("X-Form"), QByteArray("editor"));
    QCOMPARE(header("Idempotency-Key"), m->idempotencyKey().toUtf8());
    QCOMPARE(m->result().value("title").toString(), QStringLiteral("saved"));
    QCOMPARE(m->resultEtag(), QByteArray("\"v9\""));
    QVERIFY(!sawError);
    QVERIFY(h->client.query({"posts", 7})->isInvalidated());
    QCOMPARE(h->fixture.count(), 0);
}

void tst_Mutation::invalidatesTagsFromOnFailure()
{
    h->client.setQueryData({"posts", 7}, Json::parse(DetailBody), posts.detailTags(7));
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &) { return Response::json(R"({"error":"gone"})", 409); });
    int withError = 0;
    MutationOptions o = patch7();
    o.invalidatesTags = {};
    o.invalidatesTagsFrom = [&](const Json &result, const MutationError *error, const Json &) {
        if (!error)
            return TagList{};
        ++withError;
        [&] { QVERIFY(result.isUndefined()); QCOMPARE(error->httpStatus(), 409); }();
        return posts.detail(7);   // the record is not what the form thought: check it
    };
    Mutation *m = queue->mutate(o, Json::parse(R"({"id":7})"));
    QSignalSpy failed(m, &Mutation::failed);
    QVERIFY(failed.wait());
    QCOMPARE(withError, 1);
    QVERIFY(h->client.query({"posts", 7})->isInvalidated());
}

void tst_Mutation::retryPolicy()
{
    h->fixture.enqueue("PATCH", "/posts/7", Response::json(R"({"error":"busy"})", 503));
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &) { return Response::json(R"({"id":7})"); });
    MutationOptions o = patch7();
    o.retry = RetryPolicy{.maxRetries = 1, .baseDelay = 2s};
    Mutation *m = queue->mutate(o, Json::parse(R"({"id":7})"));
    QSignalSpy succeeded(m, &Mutation::succeeded), failed(m, &Mutation::failed);
    QTRY_COMPARE(m->failureCount(), 1);
    QCOMPARE(m->status(), Mutation::Status::Sending);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("PATCH"), 1);
    h->clock.advance(2s);
    QVERIFY(succeeded.wait());
    QCOMPARE(h->fixture.count("PATCH"), 2);
    QCOMPARE(failed.count(), 0);
    // Both tries carry the same idempotency key.
    QCOMPARE(h->fixture.requests().at(0).headers.value("idempotency-key"), h->fixture.requests().at(1).headers.value("idempotency-key"));

    // The default is no retry at all.
    h->fixture.enqueue("PATCH", "/posts/7", Response::json(R"({"error":"busy"})", 503));
    Mutation *once = queue->mutate(patch7(), Json::parse(R"({"id":7})"));
    QSignalSpy failedOnce(once, &Mutation::failed);
    QVERIFY(failedOnce.wait());
    QCOMPARE(h->fixture.count("PATCH"), 3);
}

void tst_Mutation::unknownEndpointFailsReadably()
{
    MutationOptions o = patch7();
    o.endpoint = "nowhere";
    Mutation *m = queue->mutate(o, Json::parse(R"({"id":7})"));
    QSignalSpy failed(m, &Mutation::failed);
    QVERIFY(failed.wait());
    QVERIFY(m->error()->toString().contains(QStringLiteral("nowhere")));
    QCOMPARE(h->fixture.count(), 0);
}

void tst_Mutation::successWithoutJsonIsSuccess()
{
    h->client.setQueryData({"posts", 7}, Json::parse(DetailBody), posts.detailTags(7));
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &) {
        return Response{.status = 200, .body = "saved", .headers = {{"Content-Type", "text/plain"}}};
    });
    Mutation *m = queue->mutate(patch7(MutationMode::Optimistic), Json::parse(R"({"id":7,"title":"new"})"));
    QSignalSpy succeeded(m, &Mutation::succeeded);
    QVERIFY(succeeded.wait());
    QCOMPARE(m->result(), Json("saved"));
    // Not rolled back: the server did apply it.
    QCOMPARE(h->client.queryData({"posts", 7}).value("title").toString(), QStringLiteral("new"));
}

QTEST_GUILESS_MAIN(tst_Mutation)
#include "tst_mutation.moc"
