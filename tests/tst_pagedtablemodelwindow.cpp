#include "core/client/queryobserver.h"
#include "core/models/pagedtablemodel.h"
#include "core/mutation/optimisticupdate.h"
#include "core/mutation/resourcetags.h"
#include "core/providers/jsonserverprovider.h"
#include "support/clientharness.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

#include <set>

using namespace refetch;
using namespace refetch::test;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace {

// A resource of `total` records made from their position (ids 1..total, less those deleted), served in json-server's
// dialect: X-Total-Count, _page/_limit or _start/_end, _sort=id with _order=desc. `cap` is the largest page the
// server hands out (0: what is asked).
struct Rows
{
    qint64 total = 1000000;
    std::set<qint64> deleted;   // ids gone since
    std::pair<qint64, qint64> swapped{-1, -1};   // two positions whose records changed places (a sort key changed)
    std::pair<qint64, qint64> twin{-1, -1};      // the record at .first has the id of the one at .second (bad data)
    int cap = 0;

    qint64 count() const { return total - qint64(deleted.size()); }
    qint64 idAt(qint64 position) const
    {
        if (position == twin.first)
            position = twin.second;
        if (position == swapped.first)
            position = swapped.second;
        else if (position == swapped.second)
            position = swapped.first;
        qint64 id = position + 1;
        for (qint64 d : deleted) {
            if (d <= id)
                ++id;
        }
        return id;
    }

    Response serve(const RecordedRequest &request) const
    {
        const QUrlQuery &q = request.query;
        qint64 start = 0, end = count();
        if (q.hasQueryItem("_page")) {
            const qint64 limit = q.queryItemValue("_limit").toLongLong();
            start = (q.queryItemValue("_page").toLongLong() - 1) * limit;
            end = start + limit;
        } else if (q.hasQueryItem("_start")) {
            start = q.queryItemValue("_start").toLongLong();
            end = q.queryItemValue("_end").toLongLong();
        }
        start = std::clamp<qint64>(start, 0, count());
        end = std::clamp<qint64>(end, start, count());
        if (cap > 0)
            end = std::min(end, start + cap);
        const bool desc = q.queryItemValue("_order") == u"desc";
        QByteArray body = "[";
        for (qint64 k = start; k < end; ++k) {
            const qint64 id = idAt(desc ? count() - 1 - k : k);
            body += (k > start ? "," : "") + QByteArray("{\"id\":") + QByteArray::number(id)
                + ",\"title\":\"row " + QByteArray::number(id) + "\"}";
        }
        body += "]";
        Response r = Response::json(body);
        r.headers.append({"X-Total-Count", QByteArray::number(count())});
        return r;
    }
};

} // namespace

// The windowed paged model (PagedTableOptions::windowFrom): a long list with a known total has a row for every
// record, placeholders until their page comes; pages are asked for where rows are shown (counted at the server) and
// let go away from them; rows of two states of the list never mix.
class tst_PagedTableModelWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void jumpToTheMiddleOfAMillionRows();
    void aDragAsksOnlyWhereItStops();
    void pagesAwayFromTheViewAreLetGo();
    void aChangedTotalReadsTheRowsAgain();
    void aDeleteShowsAtOnceAndUndoBringsItBack();
    void aRecordThatMovedShowsOnce();
    void aFailedRefetchKeepsTheRows();
    void twoRecordsWithOneIdOnAPageAreSaid();
    void offsetPagingAsksForTheRowsOfThePage();
    void sortedWindow();
    void listsThatCannotBeWindowedGrow_data();
    void listsThatCannotBeWindowedGrow();

private:
    PagedTableModel *makeModel(PagedTableOptions options);
    void serve();
    // What a view does to show rows first..last: asks for their cells (the model asks for their pages at the end
    // of the turn).
    void show(int first, int last);
    // The ids of the rows loaded, in row order.
    QList<qint64> loadedIds() const;

    std::unique_ptr<ClientHarness> h;
    Rows rows;
    std::unique_ptr<PagedTableModel> model;
    std::unique_ptr<QAbstractItemModelTester> tester;
};

void tst_PagedTableModelWindow::init()
{
    h = std::make_unique<ClientHarness>();
    rows = Rows{};
}

void tst_PagedTableModelWindow::cleanup()
{
    tester.reset();
    model.reset();
    h.reset();
}

void tst_PagedTableModelWindow::serve()
{
    h->fixture.route("GET", "/items", [this](const RecordedRequest &r) { return rows.serve(r); });
}

PagedTableModel *tst_PagedTableModelWindow::makeModel(PagedTableOptions options)
{
    options.resource = "items";
    model = std::make_unique<PagedTableModel>(&h->client, h->endpoint.get(), std::move(options));
    tester = std::make_unique<QAbstractItemModelTester>(model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    return model.get();
}

void tst_PagedTableModelWindow::show(int first, int last)
{
    for (int r = first; r <= last; ++r) {
        for (int c = 0; c < model->columnCount(); ++c)
            model->data(model->index(r, c));
    }
}

QList<qint64> tst_PagedTableModelWindow::loadedIds() const
{
    QList<qint64> ids;
    for (int r = model->nextLoadedRow(0); r >= 0; r = model->nextLoadedRow(r + 1))
        ids.append(model->rowId(r).toInteger());
    return ids;
}

void tst_PagedTableModelWindow::jumpToTheMiddleOfAMillionRows()
{
    serve();
    PagedTableModel *m = makeModel({.pageSize = 50});
    QTRY_VERIFY(m->isWindowed());
    QCOMPARE(m->rowCount(), 1000000);
    QCOMPARE(m->totalCount(), 1000000);
    QCOMPARE(m->pageCount(), 1);
    QVERIFY(!m->canFetchMore());
    QCOMPARE(m->rowId(49), Json(50));
    // The middle is there, as placeholders: no record, nothing shown, "not loaded".
    const QModelIndex middle = m->index(500000, m->columnOf(u"title"));
    QVERIFY(!m->isRowLoaded(500000));
    QVERIFY(m->rowId(500000).isUndefined());
    QVERIFY(!m->data(middle).isValid());
    QCOMPARE(m->data(middle, JsonTableModel::RowStateRole).toInt(), int(JsonTableModel::RowState::NotLoaded));
    QCOMPARE(h->fixture.count("GET", "/items"), 1);

    // A view scrolled there shows 30 rows: their page is asked for once, at the end of the turn.
    QSignalSpy changed(m, &QAbstractItemModel::dataChanged), inserted(m, &QAbstractItemModel::rowsInserted),
        removed(m, &QAbstractItemModel::rowsRemoved), reset(m, &QAbstractItemModel::modelReset);
    QVERIFY(changed.isValid() && inserted.isValid() && removed.isValid() && reset.isValid());
    show(500000, 500029);
    show(500000, 500029);   // painted again before the page came: still one request
    QCOMPARE(h->fixture.count("GET", "/items"), 1);
    QTRY_VERIFY(m->isRowLoaded(500000));
    QCOMPARE(m->rowId(500000), Json(500001));
    QCOMPARE(m->data(m->index(500049, m->columnOf(u"title"))).toString(), QStringLiteral("row 500050"));
    QVERIFY(!m->isRowLoaded(500050));
    QCOMPARE(m->rowCount(), 1000000);
    // The rows came in place: one dataChanged over the page, nothing moved.
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().at(0).value<QModelIndex>().row(), 500000);
    QCOMPARE(changed.first().at(1).value<QModelIndex>().row(), 500049);
    QCOMPARE(inserted.count() + removed.count() + reset.count(), 0);

    QTRY_COMPARE(h->client.fetchingCount(), 0);
    QCoreApplication::processEvents();
    const QList<RecordedRequest> log = h->fixture.requests();
    QCOMPARE(log.size(), 2);   // page 1, then the jump: one request
    QCOMPARE(log.at(1).query.queryItemValue("_page"), QStringLiteral("10001"));
    QCOMPARE(log.at(1).query.queryItemValue("_limit"), QStringLiteral("50"));
    QCOMPARE(m->pageCount(), 2);
    QCOMPARE(loadedIds().size(), 100);
}

void tst_PagedTableModelWindow::aDragAsksOnlyWhereItStops()
{
    rows.total = 100000;
    serve();
    PagedTableModel *m = makeModel({.pageSize = 50});
    QTRY_VERIFY(m->isWindowed());
    // A drag of the scroll bar: the rows on the way are shown a turn each, and ask for nothing.
    m->setPageRequestsPaused(true);
    for (int row : {10000, 30000, 52000, 77000, 61210}) {
        show(row, row + 20);
        QCoreApplication::processEvents();
    }
    QCOMPARE(h->fixture.count("GET", "/items"), 1);
    // Let go: the page of the rows shown last.
    m->setPageRequestsPaused(false);
    QTRY_VERIFY(m->isRowLoaded(61210));
    QCOMPARE(m->rowId(61230), Json(61231));
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("GET", "/items"), 2);
    QCOMPARE(h->fixture.requests().constLast().query.queryItemValue("_page"), QStringLiteral("1225"));
    QVERIFY(!m->isRowLoaded(10000) && !m->isRowLoaded(77000));

    // Let go in the very turn the last rows were shown (a view painting where the bar stopped, then letting go):
    // their page, not the one shown a turn before.
    m->setPageRequestsPaused(true);
    show(20000, 20010);
    QCoreApplication::processEvents();
    show(90010, 90020);
    m->setPageRequestsPaused(false);
    QTRY_VERIFY(m->isRowLoaded(90010));
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("GET", "/items"), 3);
    QVERIFY(!m->isRowLoaded(20000));
}

void tst_PagedTableModelWindow::pagesAwayFromTheViewAreLetGo()
{
    rows.total = 20000;
    serve();
    PagedTableModel *m = makeModel({.pageSize = 20, .staleTime = std::chrono::minutes(5), .keptPages = 3});
    QTRY_VERIFY(m->isWindowed());
    QCOMPARE(m->rowCount(), 20000);
    const QList<int> visits{1000, 5000, 9000, 13000, 17000, 19990};
    for (int row : visits) {
        show(row, row + 9);
        QTRY_VERIFY(m->isRowLoaded(row));
        QVERIFY(m->pageCount() <= 4);   // page 1 and the three shown last
    }
    QCOMPARE(h->fixture.count("GET", "/items"), 7);
    // The first visits were let go: placeholders again, their observers gone, their data left to the cache.
    QVERIFY(!m->isRowLoaded(1000) && !m->isRowLoaded(5000) && !m->isRowLoaded(9000));
    QVERIFY(!m->pageObserver(51));
    QVERIFY(h->client.query(m->pageKey(51))->hasData());
    QCOMPARE(m->rowCount(), 20000);
    QCOMPARE(loadedIds().size(), 20 + 3 * 20);
    // Back there: the cache still has the page, fresh, so it shows without a request.
    show(1000, 1009);
    QTRY_VERIFY(m->isRowLoaded(1000));
    QCOMPARE(m->rowId(1000), Json(1001));
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("GET", "/items"), 7);
    // Ids in order, none twice.
    const QList<qint64> ids = loadedIds();
    QVERIFY(std::is_sorted(ids.begin(), ids.end()));
    QCOMPARE(std::set<qint64>(ids.begin(), ids.end()).size(), size_t(ids.size()));
}

void tst_PagedTableModelWindow::aChangedTotalReadsTheRowsAgain()
{
    rows.total = 20000;
    serve();
    PagedTableModel *m = makeModel({.pageSize = 20, .staleTime = std::chrono::minutes(5)});
    QTRY_VERIFY(m->isWindowed());
    show(4000, 4019);   // page 201
    QTRY_VERIFY(m->isRowLoaded(4000));
    show(10000, 10019);   // page 501, shown last
    QTRY_VERIFY(m->isRowLoaded(10000));
    QCOMPARE(m->rowId(10000), Json(10001));

    // Records 11 and 12 are deleted on the server: every row after them moves up two places. Page 501, read again,
    // says 19,998 records; page 201, shown before with the old total, would now show rows two places off.
    rows.deleted = {11, 12};
    QSignalSpy notices(m, &PagedTableModel::noticeChanged);
    QVERIFY(notices.isValid());
    m->pageObserver(501)->refetch();
    QTRY_COMPARE(m->totalCount(), 19998);
    QCOMPARE(m->rowCount(), 19998);
    QVERIFY(!notices.isEmpty());
    QVERIFY(notices.first().at(0).toString().contains(u"changed on the server"));
    QCOMPARE(m->rowId(10000), Json(10003));
    // Page 201, placed with the old total, was let go (a view showing it asks again, and it is read again); page 1
    // is read again: never two states of the list side by side. Every row loaded is the record the server has there
    // now. (QAbstractItemModelTester asks for the rows around each change: their pages come too.)
    QTRY_VERIFY(m->isRowLoaded(10));
    QCOMPARE(m->rowId(10), Json(13));
    QTRY_VERIFY(m->notice().isEmpty());
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    int loaded = 0;
    for (int r = m->nextLoadedRow(0); r >= 0; r = m->nextLoadedRow(r + 1), ++loaded)
        QCOMPARE(m->rowId(r).toInteger(), rows.idAt(r));
    QVERIFY(loaded >= 40);
    QVERIFY(!m->isRowLoaded(4000) || m->rowId(4000) == Json(4003));
}

void tst_PagedTableModelWindow::aDeleteShowsAtOnceAndUndoBringsItBack()
{
    rows.total = 20000;
    serve();
    PagedTableModel *m = makeModel({.pageSize = 20, .staleTime = std::chrono::minutes(5)});
    QTRY_VERIFY(m->isWindowed());
    show(5000, 5019);
    QTRY_VERIFY(m->isRowLoaded(5000));
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    const int requests = h->fixture.count();

    // What a delete does before its request: the record leaves every cached page that holds it (and the page's
    // total is one less).
    QSignalSpy removed(m, &QAbstractItemModel::rowsRemoved), inserted(m, &QAbstractItemModel::rowsInserted);
    QVERIFY(removed.isValid() && inserted.isValid());
    const OptimisticUpdate update = OptimisticUpdate::apply(&h->client, ResourceTags("items", "default").recordTag(5006),
                                                            Json(5006), "id", [](const Json &) { return Json(); });
    QTRY_COMPARE(removed.count(), 1);
    QCOMPARE(removed.first().at(1).toInt(), 5005);
    QCOMPARE(m->rowId(5005), Json(5007));
    QCOMPARE(m->rowCount(), 19999);
    QCOMPARE(m->totalCount(), 20000);   // the window's; nothing read again
    QVERIFY(m->notice().isEmpty());
    QVERIFY(m->isRowLoaded(0) && m->isRowLoaded(5000));

    // Undo: it comes back where it was.
    update.rollback(&h->client);
    QTRY_COMPARE(inserted.count(), 1);
    QCOMPARE(m->rowId(5005), Json(5006));
    QCOMPARE(m->rowCount(), 20000);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count(), requests);
}

void tst_PagedTableModelWindow::aRecordThatMovedShowsOnce()
{
    rows.total = 20000;
    serve();
    PagedTableModel *m = makeModel({.pageSize = 20, .staleTime = std::chrono::minutes(5)});
    QTRY_VERIFY(m->isWindowed());
    show(5000, 5039);   // pages 251 and 252
    QTRY_VERIFY(m->isRowLoaded(5000) && m->isRowLoaded(5039));
    QTRY_COMPARE(h->client.fetchingCount(), 0);

    // Records 5006 and 5021 change places on the server (the total stays). Page 251, read again, holds 5021, which
    // page 252 (not read again yet) shows too: it shows on page 251 only.
    rows.swapped = {5005, 5020};
    m->pageObserver(251)->refetch();
    QTRY_COMPARE(m->rowId(5005), Json(5021));
    QCOMPARE(m->rowCount(), 19999);
    QCOMPARE(m->rowId(5020), Json(5022));
    QVERIFY(m->notice().isEmpty());
    QList<qint64> ids = loadedIds();
    QCOMPARE(std::set<qint64>(ids.begin(), ids.end()).size(), size_t(ids.size()));
    QVERIFY(!ids.contains(5006));   // on page 252 now, which has not been read again
    // Page 252 read again: 5006 shows there, every row once.
    m->pageObserver(252)->refetch();
    QTRY_COMPARE(m->rowId(5020), Json(5006));
    QCOMPARE(m->rowCount(), 20000);
    ids = loadedIds();
    QCOMPARE(std::set<qint64>(ids.begin(), ids.end()).size(), size_t(ids.size()));
    QCOMPARE(ids.size(), 60);
}

// Two records of one page with one id (the server's data is wrong): the window shows the first, once, and says so.
void tst_PagedTableModelWindow::twoRecordsWithOneIdOnAPageAreSaid()
{
    rows.total = 20000;
    rows.twin = {5005, 5002};   // page 251 (positions 5000..5019): ids 5001, 5002, 5003, 5004, 5005, 5003, 5007 ...
    serve();
    PagedTableModel *m = makeModel({.pageSize = 20, .staleTime = std::chrono::minutes(5)});
    QTRY_VERIFY(m->isWindowed());
    show(5000, 5019);
    QTRY_VERIFY(m->isRowLoaded(5000) && !m->isFetching());
    QTRY_COMPARE(m->rowCount(), 19999);
    const QList<qint64> ids = loadedIds();
    QCOMPARE(std::set<qint64>(ids.begin(), ids.end()).size(), size_t(ids.size()));
    QVERIFY(!ids.contains(5006));   // its record carries 5003's id: it is the one left out
    QVERIFY2(m->notice().contains(u"with the id of another record on the same page (“5003”)"_s), qPrintable(m->notice()));
}

void tst_PagedTableModelWindow::aFailedRefetchKeepsTheRows()
{
    rows.total = 20000;
    serve();
    PagedTableModel *m = makeModel({.pageSize = 20, .configure = [](QueryOptions &o) { o.retry = RetryPolicy::none(); }});
    QTRY_VERIFY(m->isWindowed());
    show(8000, 8019);
    QTRY_VERIFY(m->isRowLoaded(8000));
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    h->fixture.enqueue("GET", "/items", Response::json(R"({"error":"down"})", 503));
    m->pageObserver(401)->refetch();
    QTRY_VERIFY(m->hasError());
    QVERIFY(m->errorString().contains("503"));
    QVERIFY(m->isRowLoaded(8000));
    QCOMPARE(m->rowId(8019), Json(8020));
    // Shown again: no request by itself (the error stays until a refresh); a refresh brings it back.
    show(8000, 8019);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("GET", "/items"), 3);
    m->refetch();
    QTRY_VERIFY(!m->hasError());
    QVERIFY(m->isRowLoaded(8000));
}

void tst_PagedTableModelWindow::offsetPagingAsksForTheRowsOfThePage()
{
    rows.total = 50000;
    serve();
    h->endpoint->setProvider(DataProvider::create(JsonServerProvider::Dialect, ProviderOptions{.paging = Paging::Offset}));
    PagedTableModel *m = makeModel({.pageSize = 25});
    QTRY_VERIFY(m->isWindowed());
    show(30010, 30020);
    QTRY_VERIFY(m->isRowLoaded(30010));
    QCOMPARE(m->rowId(30010), Json(30011));
    const RecordedRequest last = h->fixture.requests().constLast();
    QCOMPARE(last.query.queryItemValue("_start"), QStringLiteral("30000"));
    QCOMPARE(last.query.queryItemValue("_end"), QStringLiteral("30025"));
}

void tst_PagedTableModelWindow::sortedWindow()
{
    rows.total = 30000;
    serve();
    PagedTableModel *m = makeModel({.pageSize = 50});
    QTRY_VERIFY(m->isWindowed());
    QSignalSpy reset(m, &QAbstractItemModel::modelReset);
    QVERIFY(reset.isValid());
    m->sort(m->columnOf(u"id"), Qt::DescendingOrder);
    QCOMPARE(reset.count(), 1);
    QVERIFY(!m->isWindowed());   // from page 1 again
    QTRY_VERIFY(m->isWindowed());
    QCOMPARE(m->rowCount(), 30000);
    QCOMPARE(m->rowId(0), Json(30000));
    show(29990, 29999);
    QTRY_VERIFY(m->isRowLoaded(29999));
    QCOMPARE(m->rowId(29999), Json(1));
    QCOMPARE(h->fixture.requests().constLast().query.queryItemValue("_order"), QStringLiteral("desc"));
}

void tst_PagedTableModelWindow::listsThatCannotBeWindowedGrow_data()
{
    QTest::addColumn<qint64>("total");
    QTest::addColumn<int>("cap");
    QTest::addColumn<qint64>("windowFrom");
    QTest::addColumn<bool>("windowed");
    QTest::newRow("under the threshold") << qint64(5000) << 0 << qint64(10000) << false;
    QTest::newRow("a threshold of 0: never") << qint64(50000) << 0 << qint64(0) << false;
    QTest::newRow("a server that caps its pages") << qint64(50000) << 20 << qint64(10000) << false;
    QTest::newRow("a lower threshold") << qint64(500) << 0 << qint64(100) << true;
}

void tst_PagedTableModelWindow::listsThatCannotBeWindowedGrow()
{
    QFETCH(qint64, total);
    QFETCH(int, cap);
    QFETCH(qint64, windowFrom);
    QFETCH(bool, windowed);
    rows.total = total;
    rows.cap = cap;
    serve();
    PagedTableModel *m = makeModel({.pageSize = 50, .windowFrom = windowFrom});
    QTRY_VERIFY(m->rowCount() > 0);
    QCoreApplication::processEvents();
    QCOMPARE(m->isWindowed(), windowed);
    QCOMPARE(m->rowCount(), windowed ? int(total) : std::min(50, cap > 0 ? cap : 50));
    QCOMPARE(m->canFetchMore(), !windowed);
}

QTEST_GUILESS_MAIN(tst_PagedTableModelWindow)
#include "tst_pagedtablemodelwindow.moc"
