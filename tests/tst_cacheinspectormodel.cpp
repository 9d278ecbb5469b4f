#include "core/inspect/cacheeventlog.h"
#include "core/models/cacheinspectorfilter.h"
#include "core/models/cacheinspectormodel.h"
#include "support/clientharness.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace std::chrono_literals;

namespace {

// The row ranges of a spy on rowsInserted/rowsRemoved/dataChanged, as {first, last}.
QList<std::pair<int, int>> ranges(const QSignalSpy &spy, bool indexes = false)
{
    QList<std::pair<int, int>> out;
    for (const QList<QVariant> &args : spy) {
        if (indexes)
            out.append({args.at(0).toModelIndex().row(), args.at(1).toModelIndex().row()});
        else
            out.append({args.at(1).toInt(), args.at(2).toInt()});
    }
    return out;
}

} // namespace

// The inspector's table of entries, live against a real HTTP server and a manual clock: entries appearing,
// changing state and being evicted, in batches (one per event-loop turn, whatever happened in it), with only
// the rows that changed signalled; and its filter.
class tst_CacheInspectorModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void showsEntriesAlreadyThere();
    void liveInsertChangeAndEviction();
    void oneBatchPerTurn();
    void onlyDirtyRowsChange();
    void removalsInRuns();
    void madeAndGoneInOneTurn();
    void slotReusedInOneTurn();
    void scatteredRemovalsReset();
    void overflowMarksEveryRow();
    void coalescedOnATimer();
    void cellsReadTheEntry();
    void filterByKeyStateAndTag();
    void sortsOnTheEntries();
    void clientGoesFirst();

private:
    CacheInspectorModel *makeModel();
    void setItems(int from, int to);

    std::unique_ptr<ClientHarness> h;
    std::unique_ptr<CacheEventLog> log;
    std::unique_ptr<CacheInspectorModel> model;
    std::unique_ptr<QAbstractItemModelTester> tester;
    std::vector<std::unique_ptr<QueryObserver>> observers;
};

void tst_CacheInspectorModel::init()
{
    h = std::make_unique<ClientHarness>();
    log = std::make_unique<CacheEventLog>(&h->client);
}

void tst_CacheInspectorModel::cleanup()
{
    observers.clear();
    tester.reset();
    model.reset();
    log.reset();
    h.reset();
}

CacheInspectorModel *tst_CacheInspectorModel::makeModel()
{
    model = std::make_unique<CacheInspectorModel>(log.get());
    tester = std::make_unique<QAbstractItemModelTester>(model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    return model.get();
}

void tst_CacheInspectorModel::setItems(int from, int to)
{
    for (int i = from; i < to; ++i)
        h->client.setQueryData({"item", i}, Json::object({{u"id", i}}), {Tag("Item", qint64(i)), Tag(i % 2 ? "Odd" : "Even")});
}

void tst_CacheInspectorModel::showsEntriesAlreadyThere()
{
    setItems(0, 3);
    CacheInspectorModel *m = makeModel();
    QCOMPARE(m->rowCount(), 3);
    QCOMPARE(m->columnCount(), int(CacheInspectorModel::ColumnCount));
    QCOMPARE(m->index(0, CacheInspectorModel::Key).data().toString(), QStringLiteral("[\"item\",0]"));
    QCOMPARE(m->keyAt(2), (QueryKey{"item", 2}));
    QCOMPARE(m->rowOf({"item", 1}), 1);
    QCOMPARE(m->rowOf({"nope"}), -1);
}

void tst_CacheInspectorModel::liveInsertChangeAndEviction()
{
    CacheInspectorModel *m = makeModel();
    h->fixture.route("GET", "/posts", [](const RecordedRequest &) {
        Response r = Response::json(R"([{"id":1,"title":"a"}])");
        r.fault = Response::Fault::Hold;
        return r;
    });
    QSignalSpy inserted(m, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(m, &QAbstractItemModel::dataChanged);

    // An entry appears: pending and fetching.
    QueryOptions o = h->options({"posts"}, "/posts");
    o.tags = {Tag("Post", "LIST")};
    observers.push_back(std::make_unique<QueryObserver>(&h->client, o));
    QTRY_COMPARE(m->rowCount(), 1);
    QCOMPARE(inserted.count(), 1);
    auto cell = [&](int column) { return m->index(0, column).data().toString(); };
    QCOMPARE(cell(CacheInspectorModel::Key), QStringLiteral("[\"posts\"]"));
    QCOMPARE(cell(CacheInspectorModel::Status), QStringLiteral("pending"));
    QCOMPARE(cell(CacheInspectorModel::FetchStatus), QStringLiteral("fetching"));
    QCOMPARE(m->index(0, CacheInspectorModel::Observers).data().toInt(), 1);

    // It changes state: fetched.
    QTRY_COMPARE(h->fixture.inFlight(), 1);
    changed.clear();
    h->fixture.releaseAll();
    QTRY_COMPARE(cell(CacheInspectorModel::Status), QStringLiteral("success"));
    // Cells read the entry as it is; the batch that tells views about it comes at the end of the turn.
    QTRY_VERIFY(changed.count() >= 1);
    for (const auto &[first, last] : ranges(changed, true))
        QVERIFY(first == 0 && last == 0);
    QCOMPARE(cell(CacheInspectorModel::FetchStatus), QStringLiteral("idle"));
    QCOMPARE(cell(CacheInspectorModel::Tags), QStringLiteral("Post:LIST"));
    QCOMPARE(cell(CacheInspectorModel::Freshness), QStringLiteral("stale"));   // staleTime 0
    QVERIFY(!cell(CacheInspectorModel::UpdatedAt).isEmpty());
    QVERIFY(!cell(CacheInspectorModel::Size).isEmpty());
    QCOMPARE(m->index(0, CacheInspectorModel::Failures).data().toInt(), 0);

    // Invalidated, then evicted by gc once nobody observes it.
    changed.clear();
    h->client.invalidateTags({Tag("Post", "LIST")}, RefetchType::None);
    QTRY_COMPARE(cell(CacheInspectorModel::Freshness), QStringLiteral("invalidated"));
    observers.clear();
    QTRY_COMPARE(m->index(0, CacheInspectorModel::Observers).data().toInt(), 0);
    QCOMPARE(removed.count(), 0);
    h->clock.advance(5min);
    QVERIFY(!h->client.query({"posts"}));
    QTRY_COMPARE(m->rowCount(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(inserted.count(), 1);
}

void tst_CacheInspectorModel::oneBatchPerTurn()
{
    CacheInspectorModel *m = makeModel();
    QSignalSpy inserted(m, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(m, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(m, &QAbstractItemModel::modelReset);
    QSignalSpy batches(m, &CacheInspectorModel::batchApplied);
    setItems(0, 1000);
    h->client.invalidateTags({Tag("Odd")}, RefetchType::None);
    QCOMPARE(m->rowCount(), 0);   // nothing until the turn ends
    QTRY_COMPARE(batches.count(), 1);
    QCOMPARE(m->rowCount(), 1000);
    QCOMPARE(ranges(inserted), (QList<std::pair<int, int>>{{0, 999}}));
    QCOMPARE(changed.count(), 0);   // rows inserted in this batch are already current
    QCOMPARE(reset.count(), 0);
    QCOMPARE(m->batchCount(), 1);
    QCoreApplication::processEvents();
    QCOMPARE(batches.count(), 1);
}

void tst_CacheInspectorModel::onlyDirtyRowsChange()
{
    setItems(0, 100);
    CacheInspectorModel *m = makeModel();
    QSignalSpy changed(m, &QAbstractItemModel::dataChanged);
    QSignalSpy batches(m, &CacheInspectorModel::batchApplied);
    // Rows 10-12 and 50 in one turn: two runs, two signals, every column, the changed roles.
    for (int i : {10, 11, 12, 50})
        h->client.setQueryData({"item", i}, Json::object({{u"id", -i}}));
    h->client.invalidateQueries({.key = QueryKey{"item", 11}, .exact = true}, RefetchType::None);
    QTRY_COMPARE(batches.count(), 1);
    QCOMPARE(ranges(changed, true), (QList<std::pair<int, int>>{{10, 12}, {50, 50}}));
    for (const QList<QVariant> &args : std::as_const(changed)) {
        QCOMPARE(args.at(0).toModelIndex().column(), 0);
        QCOMPARE(args.at(1).toModelIndex().column(), CacheInspectorModel::ColumnCount - 1);
        const QList<int> roles = args.at(2).value<QList<int>>();
        QVERIFY(roles.contains(Qt::DisplayRole));
    }
    QCOMPARE(m->index(11, CacheInspectorModel::Freshness).data().toString(), QStringLiteral("invalidated"));
    QCOMPARE(m->index(12, CacheInspectorModel::Freshness).data().toString(), QStringLiteral("fresh"));
}

void tst_CacheInspectorModel::removalsInRuns()
{
    setItems(0, 20);
    CacheInspectorModel *m = makeModel();
    QSignalSpy removed(m, &QAbstractItemModel::rowsRemoved);
    for (int i : {2, 3, 4, 9, 15, 16})
        h->client.removeQueries({.key = QueryKey{"item", i}, .exact = true});
    QTRY_COMPARE(m->rowCount(), 14);
    // The last run first, so that the others keep their numbers.
    QCOMPARE(ranges(removed), (QList<std::pair<int, int>>{{15, 16}, {9, 9}, {2, 4}}));
    QList<QueryKey> keys;
    for (int row = 0; row < m->rowCount(); ++row)
        keys.append(m->keyAt(row));
    QCOMPARE(keys.first(), (QueryKey{"item", 0}));
    QCOMPARE(keys[2], (QueryKey{"item", 5}));
    QCOMPARE(keys.last(), (QueryKey{"item", 19}));
    QCOMPARE(m->rowOf({"item", 19}), 13);
}

void tst_CacheInspectorModel::madeAndGoneInOneTurn()
{
    CacheInspectorModel *m = makeModel();
    QSignalSpy inserted(m, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m, &QAbstractItemModel::rowsRemoved);
    QSignalSpy batches(m, &CacheInspectorModel::batchApplied);
    h->client.setQueryData({"brief"}, Json(1));
    h->client.removeQueries({.key = QueryKey{"brief"}});
    QTRY_COMPARE(batches.count(), 1);
    QCOMPARE(m->rowCount(), 0);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(removed.count(), 0);
}

void tst_CacheInspectorModel::slotReusedInOneTurn()
{
    setItems(0, 3);
    CacheInspectorModel *m = makeModel();
    QSignalSpy inserted(m, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m, &QAbstractItemModel::rowsRemoved);
    const quint32 slot = h->client.query({"item", 1})->slot();
    h->client.removeQueries({.key = QueryKey{"item", 1}, .exact = true});
    h->client.setQueryData({"other"}, Json(7));
    QCOMPARE(h->client.query({"other"})->slot(), slot);
    QTRY_COMPARE(inserted.count(), 1);
    QCOMPARE(ranges(removed), (QList<std::pair<int, int>>{{1, 1}}));
    QCOMPARE(ranges(inserted), (QList<std::pair<int, int>>{{2, 2}}));
    QCOMPARE(m->keyAt(2), QueryKey{"other"});
    QCOMPARE(m->rowOf({"item", 2}), 1);
}

void tst_CacheInspectorModel::scatteredRemovalsReset()
{
    setItems(0, 40);
    CacheInspectorModel *m = makeModel();
    m->setMaxRemovalRuns(4);
    QSignalSpy removed(m, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(m, &QAbstractItemModel::modelReset);
    for (int i = 0; i < 40; i += 4)
        h->client.removeQueries({.key = QueryKey{"item", i}, .exact = true});
    h->client.setQueryData({"late"}, Json(1));
    QTRY_COMPARE(reset.count(), 1);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(m->rowCount(), 31);
    QCOMPARE(m->keyAt(0), (QueryKey{"item", 1}));
    QCOMPARE(m->keyAt(30), QueryKey{"late"});
    QCOMPARE(m->rowOf({"item", 39}), 29);
}

void tst_CacheInspectorModel::overflowMarksEveryRow()
{
    log.reset();
    log = std::make_unique<CacheEventLog>(&h->client, 16);
    setItems(0, 100);
    CacheInspectorModel *m = makeModel();
    QSignalSpy changed(m, &QAbstractItemModel::dataChanged);
    QSignalSpy batches(m, &CacheInspectorModel::batchApplied);
    h->client.invalidateTags({Tag("Even")}, RefetchType::None);
    QTRY_COMPARE(batches.count(), 1);
    // 50 events do not fit in 16: every row may have changed, said in one signal.
    QCOMPARE(ranges(changed, true), (QList<std::pair<int, int>>{{0, 99}}));
    QCOMPARE(m->index(98, CacheInspectorModel::Freshness).data().toString(), QStringLiteral("invalidated"));
}

void tst_CacheInspectorModel::coalescedOnATimer()
{
    CacheInspectorModel *m = makeModel();
    m->setUpdateInterval(200ms);
    QSignalSpy inserted(m, &QAbstractItemModel::rowsInserted);
    QSignalSpy batches(m, &CacheInspectorModel::batchApplied);
    setItems(0, 5);
    QCoreApplication::processEvents();
    setItems(5, 10);
    QCoreApplication::processEvents();
    QCOMPARE(batches.count(), 0);
    QTRY_COMPARE(batches.count(), 1);
    QCOMPARE(ranges(inserted), (QList<std::pair<int, int>>{{0, 9}}));
    m->flush();   // nothing pending: an empty batch
    QCOMPARE(m->rowCount(), 10);
}

void tst_CacheInspectorModel::cellsReadTheEntry()
{
    h->fixture.route("GET", "/bad", [](const RecordedRequest &) { return Response::json(R"({"error":"no"})", 404); });
    CacheInspectorModel *m = makeModel();
    observers.push_back(std::make_unique<QueryObserver>(&h->client, h->options({"bad"}, "/bad")));
    QTRY_COMPARE(m->index(0, CacheInspectorModel::Status).data().toString(), QStringLiteral("error"));
    QCOMPARE(m->index(0, CacheInspectorModel::Failures).data().toInt(), 1);
    QVERIFY(m->index(0, CacheInspectorModel::Status).data(Qt::ToolTipRole).toString().contains(QStringLiteral("404")));
    QCOMPARE(m->index(0, CacheInspectorModel::Key).data(CacheInspectorModel::KeyRole).value<QueryKey>(), QueryKey{"bad"});
    QCOMPARE(m->index(0, CacheInspectorModel::Status).data(CacheInspectorModel::SortRole).toInt(), int(QueryStatus::Error));
    QCOMPARE(m->headerData(CacheInspectorModel::Freshness, Qt::Horizontal).toString(), QStringLiteral("Freshness"));
}

void tst_CacheInspectorModel::filterByKeyStateAndTag()
{
    setItems(0, 10);
    h->client.setQueryData({"Posts", "list"}, Json::array({}), {Tag("rest:api/posts", "*list")});
    h->client.invalidateQueries({.key = QueryKey{"item", 3}, .exact = true}, RefetchType::None);
    CacheInspectorModel *m = makeModel();
    CacheInspectorFilter filter;
    filter.setSourceModel(m);
    QAbstractItemModelTester filterTester(&filter, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QCOMPARE(filter.rowCount(), 11);

    filter.setKeyText(QStringLiteral("POSTS"));   // ASCII in any case
    QCOMPARE(filter.rowCount(), 1);
    filter.setKeyText(QStringLiteral("\"item\",1"));
    QCOMPARE(filter.rowCount(), 1);
    filter.setKeyText({});

    filter.setState(CacheInspectorFilter::State::Invalidated);
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.index(0, 0).data(CacheInspectorModel::KeyRole).value<QueryKey>(), (QueryKey{"item", 3}));
    filter.setState(CacheInspectorFilter::State::Fresh);
    QCOMPARE(filter.rowCount(), 10);
    filter.setState(CacheInspectorFilter::State::Any);

    filter.setTagText(QStringLiteral("odd"));
    QCOMPARE(filter.rowCount(), 5);
    filter.setTagText(QStringLiteral("posts:*list"));
    QCOMPARE(filter.rowCount(), 1);

    // The filter follows the cache: a new matching entry shows, a changed one leaves.
    filter.setTagText({});
    filter.setState(CacheInspectorFilter::State::Invalidated);
    h->client.invalidateTags({Tag("Item", 7)}, RefetchType::None);
    QTRY_COMPARE(filter.rowCount(), 2);
    h->client.setQueryData({"item", 3}, Json::object({{u"id", 3}}));
    QTRY_COMPARE(filter.rowCount(), 1);
}

void tst_CacheInspectorModel::sortsOnTheEntries()
{
    for (int i : {3, 1, 2})
        h->client.setQueryData({"k", i}, i == 1 ? Json::array({1, 2, 3}) : Json::array({1}));
    CacheInspectorModel *m = makeModel();
    CacheInspectorFilter filter;
    filter.setSourceModel(m);
    QAbstractItemModelTester filterTester(&filter, QAbstractItemModelTester::FailureReportingMode::Fatal);
    filter.sort(CacheInspectorModel::Key);
    QCOMPARE(filter.index(0, 0).data().toString(), QStringLiteral("[\"k\",1]"));
    QCOMPARE(filter.index(2, 0).data().toString(), QStringLiteral("[\"k\",3]"));
    filter.sort(CacheInspectorModel::Size, Qt::DescendingOrder);
    QCOMPARE(filter.index(0, 0).data().toString(), QStringLiteral("[\"k\",1]"));
}

void tst_CacheInspectorModel::clientGoesFirst()
{
    setItems(0, 5);
    CacheInspectorModel *m = makeModel();
    QSignalSpy reset(m, &QAbstractItemModel::modelReset);
    observers.clear();
    h.reset();   // the client, its cache and its entries go; the log and the model stay
    QCOMPARE(reset.count(), 1);
    QCOMPARE(m->rowCount(), 0);
    QVERIFY(!m->queryAt(0));
    QVERIFY(!m->cache());
    QVERIFY(!log->client());
    m->flush();
    QCOMPARE(m->rowCount(), 0);
}

QTEST_GUILESS_MAIN(tst_CacheInspectorModel)
#include "tst_cacheinspectormodel.moc"
