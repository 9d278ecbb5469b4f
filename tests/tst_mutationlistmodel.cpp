#include "core/inspect/cacheeventlog.h"
#include "core/models/mutationlistmodel.h"
#include "core/mutation/mutation.h"
#include "core/mutation/mutationqueue.h"
#include "support/clientharness.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace std::chrono_literals;

// The inspector's list of writes: each mutation's state, mode and variables, the tags it invalidated and the
// entries that refetched because of it (from the event log), paused ones and their error.
class tst_MutationListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void followsAWriteToTheEnd();
    void pausedWhileOffline();
    void failureIsReadable();
    void keepsTheNewest();

private:
    MutationListModel *makeModel(CacheEventLog *withLog);
    QString cell(int row, int column) const { return model->index(row, column).data().toString(); }

    std::unique_ptr<ClientHarness> h;
    std::unique_ptr<MutationQueue> queue;
    std::unique_ptr<CacheEventLog> log;
    std::unique_ptr<MutationListModel> model;
    std::unique_ptr<QAbstractItemModelTester> tester;
};

void tst_MutationListModel::init()
{
    h = std::make_unique<ClientHarness>();
    log = std::make_unique<CacheEventLog>(&h->client);
    queue = std::make_unique<MutationQueue>(&h->client);
    queue->addEndpoint(h->endpoint.get());
}

void tst_MutationListModel::cleanup()
{
    tester.reset();
    model.reset();
    queue.reset();
    log.reset();
    h.reset();
}

MutationListModel *tst_MutationListModel::makeModel(CacheEventLog *withLog)
{
    model = std::make_unique<MutationListModel>(queue.get(), withLog);
    tester = std::make_unique<QAbstractItemModelTester>(model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    return model.get();
}

void tst_MutationListModel::followsAWriteToTheEnd()
{
    h->fixture.setJson("/posts", R"([{"id":7}])");
    h->fixture.route("PATCH", "/posts/7", [](const RecordedRequest &) { return Response::json(R"({"id":7,"title":"t"})"); });
    QueryOptions o = h->options({"posts"}, "/posts");
    o.tags = {Tag("Post", "LIST"), Tag("Post", 7)};
    QueryObserver list(&h->client, o);
    QTRY_VERIFY(list.isSuccess());
    h->client.setQueryData({"posts", "unobserved"}, Json::array({}), {Tag("Post", "LIST")});

    MutationListModel *m = makeModel(log.get());
    QSignalSpy inserted(m, &QAbstractItemModel::rowsInserted);
    Mutation *save = queue->mutate({.method = "PATCH", .path = "/posts/7", .mode = MutationMode::Optimistic,
                                    .invalidatesTags = {Tag("Post", "LIST"), Tag("Post", 7), Tag("Comment")}},
                                   Json::object({{u"id", 7}, {u"title", "t"}}));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(m->rowCount(), 1);
    QCOMPARE(cell(0, MutationListModel::Request), QStringLiteral("PATCH /posts/7"));
    QCOMPARE(cell(0, MutationListModel::Mode), QStringLiteral("optimistic"));
    QCOMPARE(cell(0, MutationListModel::Status), QStringLiteral("idle"));
    QCOMPARE(cell(0, MutationListModel::Variables), QStringLiteral(R"({"id":7,"title":"t"})"));
    QCOMPARE(m->tagsAt(0), (QStringList{"Post:LIST", "Post:7", "Comment"}));   // what it will invalidate
    QCOMPARE(m->mutationAt(0), save);
    QCOMPARE(m->idAt(0), save->idempotencyKey());
    QCOMPARE(m->rowOfId(save->idempotencyKey()), 0);

    QTRY_COMPARE(cell(0, MutationListModel::Status), QStringLiteral("succeeded"));
    QTRY_COMPARE(cell(0, MutationListModel::Refetched), QStringLiteral("1"));
    // The tags it did invalidate (a tag nobody provides included), the entries it marked, the one it refetched.
    QCOMPARE(m->tagsAt(0), (QStringList{"Post:LIST", "Post:7", "Comment"}));
    QCOMPARE(cell(0, MutationListModel::Invalidated), QStringLiteral("Post:LIST, Post:7, Comment (2 entries)"));
    QCOMPARE(m->refetchedAt(0), QList<QueryKey>{QueryKey{"posts"}});
    QCOMPARE(m->index(0, MutationListModel::Refetched).data(Qt::ToolTipRole).toString(), QStringLiteral("[\"posts\"]"));
    QVERIFY(!m->index(0, 0).data(MutationListModel::PausedRole).toBool());
}

void tst_MutationListModel::pausedWhileOffline()
{
    h->fixture.route("PATCH", "/posts/1", [](const RecordedRequest &) { return Response::json("{}"); });
    MutationListModel *m = makeModel(nullptr);
    h->online.setOnline(false);
    Mutation *save = queue->mutate({.method = "PATCH", .path = "/posts/1"}, Json::object({{u"id", 1}}));
    QTRY_VERIFY(save->isPaused());
    QTRY_COMPARE(cell(0, MutationListModel::Status), QStringLiteral("paused"));
    QVERIFY(m->index(0, 0).data(MutationListModel::PausedRole).toBool());
    h->online.setOnline(true);
    QTRY_COMPARE(cell(0, MutationListModel::Status), QStringLiteral("succeeded"));
    QCOMPARE(h->fixture.count("PATCH", "/posts/1"), 1);
    // Without a log: nothing known about what it refetched.
    QCOMPARE(cell(0, MutationListModel::Refetched), QStringLiteral("0"));
}

void tst_MutationListModel::failureIsReadable()
{
    h->fixture.route("DELETE", "/posts/2", [](const RecordedRequest &) { return Response::json(R"({"error":"storage is down"})", 500); });
    MutationListModel *m = makeModel(log.get());
    queue->mutate({.method = "DELETE", .path = "/posts/2"});
    QTRY_COMPARE(cell(0, MutationListModel::Status), QStringLiteral("failed"));
    QVERIFY2(m->errorAt(0).contains(QStringLiteral("500")), qPrintable(m->errorAt(0)));
    QCOMPARE(m->index(0, MutationListModel::Status).data(Qt::ToolTipRole).toString(), m->errorAt(0));
    QVERIFY(m->variablesAt(0).isUndefined());
}

void tst_MutationListModel::keepsTheNewest()
{
    h->online.setOnline(false);
    MutationListModel *m = makeModel(log.get());
    m->setMaxRows(3);
    QStringList ids;
    for (int i = 0; i < 5; ++i)
        ids.append(queue->mutate({.method = "POST", .path = "/posts"}, Json::object({{u"n", i}}))->idempotencyKey());
    QCOMPARE(m->rowCount(), 3);
    QCOMPARE(m->idAt(0), ids[2]);
    QCOMPARE(m->rowOfId(ids[4]), 2);
    QCOMPARE(m->rowOfId(ids[0]), -1);
}

QTEST_GUILESS_MAIN(tst_MutationListModel)
#include "tst_mutationlistmodel.moc"
