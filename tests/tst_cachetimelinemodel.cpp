#include "core/inspect/cacheeventlog.h"
#include "core/models/cachetimelinemodel.h"
#include "core/mutation/mutation.h"
#include "core/mutation/mutationqueue.h"
#include "support/clientharness.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace std::chrono_literals;

// The timeline of "why it fetched": the whole cache's events or one entry's, following the event log once per
// turn, dropping from the top what the log's ring dropped.
class tst_CacheTimelineModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void wholeCacheFollowsTheLog();
    void ringDropsFromTheTop();
    void oneEntryOnly();
    void showsTheInvalidatingMutation();

private:
    CacheTimelineModel *makeModel();
    QStringList texts() const;

    std::unique_ptr<ClientHarness> h;
    std::unique_ptr<CacheEventLog> log;
    std::unique_ptr<CacheTimelineModel> model;
    std::unique_ptr<QAbstractItemModelTester> tester;
};

void tst_CacheTimelineModel::init()
{
    h = std::make_unique<ClientHarness>();
    log = std::make_unique<CacheEventLog>(&h->client);
}

void tst_CacheTimelineModel::cleanup()
{
    tester.reset();
    model.reset();
    log.reset();
    h.reset();
}

CacheTimelineModel *tst_CacheTimelineModel::makeModel()
{
    model = std::make_unique<CacheTimelineModel>(log.get());
    tester = std::make_unique<QAbstractItemModelTester>(model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    return model.get();
}

QStringList tst_CacheTimelineModel::texts() const
{
    QStringList out;
    for (int row = 0; row < model->rowCount(); ++row)
        out.append(model->index(row, CacheTimelineModel::Event).data().toString());
    return out;
}

void tst_CacheTimelineModel::wholeCacheFollowsTheLog()
{
    h->client.setQueryData({"a"}, Json(1));
    CacheTimelineModel *m = makeModel();
    QCOMPARE(m->rowCount(), 2);   // what the log held already
    QSignalSpy inserted(m, &QAbstractItemModel::rowsInserted);
    h->client.setQueryData({"b"}, Json(2));
    h->online.setOnline(false);
    QCOMPARE(m->rowCount(), 2);
    QTRY_COMPARE(m->rowCount(), 5);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(texts(), (QStringList{"created", "data set", "created", "data set", "offline: fetches wait for the network"}));
    QCOMPARE(m->index(2, CacheTimelineModel::Entry).data().toString(), QStringLiteral("[\"b\"]"));
    QCOMPARE(m->index(4, CacheTimelineModel::Entry).data().toString(), QStringLiteral("(the cache)"));
    QCOMPARE(m->index(2, CacheTimelineModel::Time).data().toString(),
             QDateTime::fromMSecsSinceEpoch(h->clock.now().count()).toString(QStringLiteral("HH:mm:ss.zzz")));
    QCOMPARE(m->index(2, 0).data(CacheTimelineModel::KeyRole).value<QueryKey>(), QueryKey{"b"});
    QCOMPARE(m->index(2, 0).data(CacheTimelineModel::KindRole).toInt(), int(CacheEventKind::Created));
    QCOMPARE(m->index(4, 0).data(CacheTimelineModel::SeqRole).toULongLong(), 4u);
}

void tst_CacheTimelineModel::ringDropsFromTheTop()
{
    log.reset();
    log = std::make_unique<CacheEventLog>(&h->client, 16);
    CacheTimelineModel *m = makeModel();
    for (int i = 0; i < 5; ++i)
        h->client.setQueryData({"item", i}, Json(i));
    QTRY_COMPARE(m->rowCount(), 10);
    QSignalSpy removed(m, &QAbstractItemModel::rowsRemoved);
    for (int i = 5; i < 10; ++i)
        h->client.setQueryData({"item", i}, Json(i));
    QTRY_COMPARE(m->rowCount(), 16);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.first().at(1).toInt(), 0);
    QCOMPARE(removed.first().at(2).toInt(), 3);
    QCOMPARE(m->index(0, CacheTimelineModel::Entry).data().toString(), QStringLiteral("[\"item\",2]"));

    // More at once than the ring holds: the old rows all go, the newest 16 come.
    for (int i = 10; i < 40; ++i)
        h->client.setQueryData({"item", i}, Json(i));
    QTRY_COMPARE(m->index(15, CacheTimelineModel::Entry).data().toString(), QStringLiteral("[\"item\",39]"));
    QCOMPARE(m->rowCount(), 16);
}

void tst_CacheTimelineModel::oneEntryOnly()
{
    h->client.setQueryData({"a"}, Json(1));
    h->client.setQueryData({"b"}, Json(1));
    CacheTimelineModel *m = makeModel();
    m->showEntry({"a"});
    QVERIFY(!m->isShowingAll());
    QVERIFY(m->serial() != 0);
    QCOMPARE(texts(), (QStringList{"created", "data set"}));
    h->client.setQueryData({"b"}, Json(2));
    h->client.setQueryData({"a"}, Json(2));
    h->client.invalidateQueries({.key = QueryKey{"a"}, .exact = true}, RefetchType::None);
    QTRY_COMPARE(m->rowCount(), 4);
    QCOMPARE(texts().mid(2), (QStringList{"data set",
                                          "invalidated by key [\"a\"]; not refetched: the invalidation only marks it stale"}));
    // Gone, it keeps its story, its end included.
    h->clock.advance(5min);
    QTRY_COMPARE(m->rowCount(), 5);
    QCOMPARE(texts().last(), QStringLiteral("evicted by gc"));
    QCOMPARE(m->index(4, CacheTimelineModel::Entry).data().toString(), QStringLiteral("[\"a\"]"));

    m->showEntry({"nothing"});
    QCOMPARE(m->rowCount(), 0);
    m->showAll();
    QVERIFY(m->isShowingAll());
    QCOMPARE(m->rowCount(), int(log->endSeq() - log->firstSeq()));
}

void tst_CacheTimelineModel::showsTheInvalidatingMutation()
{
    h->fixture.setJson("/posts", R"([{"id":1}])");
    h->fixture.route("PATCH", "/posts/1", [](const RecordedRequest &) { return Response::json(R"({"id":1})"); });
    QueryOptions o = h->options({"posts"}, "/posts");
    o.tags = {Tag("Post", "LIST")};
    QueryObserver list(&h->client, o);
    QTRY_VERIFY(list.isSuccess());
    CacheTimelineModel *m = makeModel();
    m->showEntry({"posts"});
    MutationQueue queue(&h->client);
    queue.addEndpoint(h->endpoint.get());
    Mutation *save = queue.mutate({.method = "PATCH", .path = "/posts/1", .invalidatesTags = {Tag("Post", "LIST")}});
    QTRY_COMPARE(h->fixture.count("GET", "/posts"), 2);
    QTRY_VERIFY(texts().contains(QStringLiteral("fetch: invalidated by tag Post:LIST from mutation PATCH /posts/1")));
    const int row = int(texts().indexOf(QStringLiteral("invalidated by tag Post:LIST from mutation PATCH /posts/1")));
    QVERIFY(row >= 0);
    QCOMPARE(m->index(row, 0).data(CacheTimelineModel::MutationIdRole).toString(), save->idempotencyKey());
    QVERIFY(m->index(row, CacheTimelineModel::Event).data(Qt::ToolTipRole).toString().contains(save->idempotencyKey()));
}

QTEST_GUILESS_MAIN(tst_CacheTimelineModel)
#include "tst_cachetimelinemodel.moc"
