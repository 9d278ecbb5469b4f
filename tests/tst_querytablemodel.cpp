#include "core/models/querytablemodel.h"
#include "support/clientharness.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QtTest>

#include <random>

using namespace refetch;
using namespace refetch::test;
using namespace std::chrono_literals;

namespace {

// Every structural and data signal of a model, in order, as short text: "remove 1 2", "insert 0 0",
// "move 3 3 0" (first, last, destination row), "data 1,2 1,2 cell" (top-left, bottom-right, roles), "reset",
// "layout", "columns".
class SignalLog : public QObject
{
public:
    explicit SignalLog(QAbstractItemModel *model)
    {
        connect(model, &QAbstractItemModel::rowsRemoved, this,
                [this](const QModelIndex &, int f, int l) { events << QStringLiteral("remove %1 %2").arg(f).arg(l); });
        connect(model, &QAbstractItemModel::rowsInserted, this,
                [this](const QModelIndex &, int f, int l) { events << QStringLiteral("insert %1 %2").arg(f).arg(l); });
        connect(model, &QAbstractItemModel::rowsMoved, this,
                [this](const QModelIndex &, int f, int l, const QModelIndex &, int to) {
                    events << QStringLiteral("move %1 %2 %3").arg(f).arg(l).arg(to);
                });
        connect(model, &QAbstractItemModel::dataChanged, this,
                [this](const QModelIndex &tl, const QModelIndex &br, const QList<int> &roles) {
                    events << QStringLiteral("data %1,%2 %3,%4 %5")
                                  .arg(tl.row()).arg(tl.column()).arg(br.row()).arg(br.column()).arg(rolesName(roles));
                });
        connect(model, &QAbstractItemModel::modelReset, this, [this] { events << QStringLiteral("reset"); });
        connect(model, &QAbstractItemModel::layoutChanged, this, [this] { events << QStringLiteral("layout"); });
        connect(model, &QAbstractItemModel::columnsInserted, this, [this] { events << QStringLiteral("columns"); });
        connect(model, &QAbstractItemModel::columnsRemoved, this, [this] { events << QStringLiteral("columns"); });
    }

    static QString rolesName(QList<int> roles)
    {
        std::sort(roles.begin(), roles.end());
        QList<int> cell = {Qt::DisplayRole, Qt::EditRole, JsonTableModel::CellJsonRole, JsonTableModel::RowJsonRole,
                           JsonTableModel::RowObjectRole};
        QList<int> row = {JsonTableModel::RowJsonRole, JsonTableModel::RowObjectRole};
        std::sort(cell.begin(), cell.end());
        if (roles == cell)
            return QStringLiteral("cell");
        if (roles == row)
            return QStringLiteral("row");
        QStringList names;
        for (int r : roles)
            names << QString::number(r);
        return names.join(u'|');
    }

    QStringList events;
};

Json records(const QByteArray &text)
{
    const Json data = Json::parse(text);
    return data.isArray() ? data : data.value("data");
}

} // namespace

// The table model of one list query: rows from arrays and envelopes, ids, columns, and above all the keyed diff of
// a refetch into the minimal row signals, against a real HTTP server.
class tst_QueryTableModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void firstLoadShowsRecords();
    void envelopeAndTotal();
    void diff_data();
    void diff();
    void randomRefetches();
    void oneChangedFieldIsOneCell();
    void selectionSurvivesRefetch();
    void manyMovesAreOneLayoutChange();
    void rowsWithoutIdOrRepeated();
    void emptyAndBackKeepsTheColumns();
    void givenColumnsAndRowOnlyChanges();
    void nestedObjects_data();
    void nestedObjects();
    void viewState();
    void errorKeepsRowsAndSaysWhy();
    void notAListSaysWhy();
    void setQueryResetsToTheOtherKey();
    void cachedRowsShowAtOnce();

private:
    QueryTableModel *makeModel(const QByteArray &body, TableModelOptions options = {}, Millis staleTime = Millis{0});
    void refetchAndWait(QueryTableModel *model);

    std::unique_ptr<ClientHarness> h;
    std::unique_ptr<QueryTableModel> model;
    std::unique_ptr<QAbstractItemModelTester> tester;
};

void tst_QueryTableModel::init()
{
    h = std::make_unique<ClientHarness>();
}

void tst_QueryTableModel::cleanup()
{
    tester.reset();
    model.reset();
    h.reset();
}

QueryTableModel *tst_QueryTableModel::makeModel(const QByteArray &body, TableModelOptions options, Millis staleTime)
{
    h->fixture.setJson("/items", body);
    QueryOptions o = h->options(QueryKey{"items"}, "/items");
    o.staleTime = staleTime;
    model = std::make_unique<QueryTableModel>(&h->client, o, std::move(options));
    tester = std::make_unique<QAbstractItemModelTester>(model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    return model.get();
}

// Refetches and waits until the model has applied the answer (its time of data moves with the clock).
void tst_QueryTableModel::refetchAndWait(QueryTableModel *m)
{
    h->clock.advance(1s);
    m->refetch();
    QTRY_COMPARE(m->lastUpdated().toMSecsSinceEpoch(), h->clock.now().count());
    QVERIFY(!m->isFetching());
}

void tst_QueryTableModel::firstLoadShowsRecords()
{
    QueryTableModel *m = makeModel(R"([{"id":1,"title":"a","done":false},{"id":2,"title":"b","done":true,"extra":3}])");
    QSignalSpy reset(m, &QAbstractItemModel::modelReset);
    QVERIFY(reset.isValid());
    QVERIFY(m->isLoading());
    QCOMPARE(m->rowCount(), 0);
    QTRY_COMPARE(m->rowCount(), 2);
    QVERIFY(!m->isLoading());
    // First load: the columns appear, which is a reset; first-seen order.
    QCOMPARE(reset.count(), 1);
    QCOMPARE(m->columns().names(), (QStringList{"id", "title", "done", "extra"}));
    QCOMPARE(m->headerData(1, Qt::Horizontal).toString(), QStringLiteral("title"));
    QCOMPARE(m->data(m->index(0, 1)).toString(), QStringLiteral("a"));
    QCOMPARE(m->data(m->index(1, 0)).toLongLong(), 2);
    QCOMPARE(m->data(m->index(1, 2)).toBool(), true);
    QVERIFY(!m->data(m->index(0, 3)).isValid());   // a member this record lacks
    QCOMPARE(m->data(m->index(1, 3)).toInt(), 3);
    QCOMPARE(m->data(m->index(1, 0), JsonTableModel::RowJsonRole).value<Json>(),
             Json::parse(R"({"id":2,"title":"b","done":true,"extra":3})"));
    QCOMPARE(m->data(m->index(1, 2), JsonTableModel::RowObjectRole).toJsonObject().value("title").toString(),
             QStringLiteral("b"));
    QCOMPARE(m->data(m->index(0, 1), JsonTableModel::CellJsonRole).value<Json>(), Json("a"));
    QCOMPARE(m->data(m->index(0, 1), JsonTableModel::RowIdRole).toLongLong(), 1);
    QCOMPARE(m->data(m->index(0, 1), JsonTableModel::RowStateRole).toInt(), int(JsonTableModel::RowState::Ok));
    QVERIFY(m->data(m->index(0, 1), JsonTableModel::RowErrorRole).toString().isEmpty());
    QCOMPARE(m->rowOf(Json(2)), 1);
    QCOMPARE(m->rowOf(Json(9)), -1);
    QVERIFY(m->roleNames().values().contains("rowJson"));
}

void tst_QueryTableModel::envelopeAndTotal()
{
    QueryTableModel *m = makeModel(R"({"data":[{"id":1},{"id":2}],"total":40})");
    QSignalSpy total(m, &QueryTableModel::totalCountChanged);
    QVERIFY(total.isValid());
    QTRY_COMPARE(m->rowCount(), 2);
    QCOMPARE(m->totalCount(), 40);
    QCOMPARE(total.count(), 1);

    // A configurable path.
    h->fixture.setJson("/deep", R"({"result":{"items":[{"key":"a"},{"key":"b"},{"key":"c"}]}})");
    QueryTableModel deep(&h->client, h->options(QueryKey{"deep"}, "/deep"),
                         TableModelOptions{.rowsPath = "result.items", .idField = "key"});
    QAbstractItemModelTester t(&deep, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QTRY_COMPARE(deep.rowCount(), 3);
    QCOMPARE(deep.rowId(2), Json("c"));
    QVERIFY(!deep.hasError());
}

void tst_QueryTableModel::diff_data()
{
    QTest::addColumn<QByteArray>("before");
    QTest::addColumn<QByteArray>("after");
    QTest::addColumn<QStringList>("events");

    QTest::newRow("unchanged, members reordered")
        << QByteArray(R"([{"id":1,"t":"a"},{"id":2,"t":"b"}])") << QByteArray(R"([{"t":"a","id":1},{"id":2,"t":"b"}])")
        << QStringList{};
    QTest::newRow("insert in the middle")
        << QByteArray(R"([{"id":1},{"id":2},{"id":3}])") << QByteArray(R"([{"id":1},{"id":2},{"id":4},{"id":3}])")
        << QStringList{"insert 2 2"};
    QTest::newRow("insert runs at both ends")
        << QByteArray(R"([{"id":1},{"id":2}])") << QByteArray(R"([{"id":8},{"id":9},{"id":1},{"id":2},{"id":3}])")
        << QStringList{"insert 0 1", "insert 4 4"};
    QTest::newRow("remove, last run first")
        << QByteArray(R"([{"id":1},{"id":2},{"id":3},{"id":4},{"id":5},{"id":6}])")
        << QByteArray(R"([{"id":1},{"id":3},{"id":6}])") << QStringList{"remove 3 4", "remove 1 1"};
    QTest::newRow("move up")
        << QByteArray(R"([{"id":1},{"id":2},{"id":3},{"id":4}])") << QByteArray(R"([{"id":4},{"id":1},{"id":2},{"id":3}])")
        << QStringList{"move 3 3 0"};
    QTest::newRow("move down")
        << QByteArray(R"([{"id":1},{"id":2},{"id":3},{"id":4}])") << QByteArray(R"([{"id":2},{"id":3},{"id":4},{"id":1}])")
        << QStringList{"move 0 0 4"};
    QTest::newRow("move a block")
        << QByteArray(R"([{"id":1},{"id":2},{"id":3},{"id":4},{"id":5},{"id":6}])")
        << QByteArray(R"([{"id":4},{"id":5},{"id":1},{"id":2},{"id":3},{"id":6}])") << QStringList{"move 3 4 0"};
    QTest::newRow("reverse three")
        << QByteArray(R"([{"id":1},{"id":2},{"id":3}])") << QByteArray(R"([{"id":3},{"id":2},{"id":1}])")
        << QStringList{"move 2 2 0", "move 2 2 1"};
    QTest::newRow("change one field")
        << QByteArray(R"([{"id":1,"t":"a","n":1},{"id":2,"t":"b","n":2}])")
        << QByteArray(R"([{"id":1,"t":"a","n":1},{"id":2,"t":"B","n":2}])") << QStringList{"data 1,1 1,1 cell"};
    QTest::newRow("adjacent fields merge")
        << QByteArray(R"([{"id":1,"t":"a","n":1,"x":0}])") << QByteArray(R"([{"id":1,"t":"A","n":9,"x":0}])")
        << QStringList{"data 0,1 0,2 cell"};
    QTest::newRow("apart fields do not")
        << QByteArray(R"([{"id":1,"t":"a","n":1,"x":0}])") << QByteArray(R"([{"id":1,"t":"A","n":1,"x":5}])")
        << QStringList{"data 0,1 0,1 cell", "data 0,3 0,3 cell"};
    QTest::newRow("a column on consecutive rows merges")
        << QByteArray(R"([{"id":1,"t":"a"},{"id":2,"t":"b"},{"id":3,"t":"c"},{"id":4,"t":"d"}])")
        << QByteArray(R"([{"id":1,"t":"A"},{"id":2,"t":"B"},{"id":3,"t":"c"},{"id":4,"t":"D"}])")
        << QStringList{"data 0,1 1,1 cell", "data 3,1 3,1 cell"};
    QTest::newRow("type change of a value")
        << QByteArray(R"([{"id":1,"v":1},{"id":2,"v":true}])") << QByteArray(R"([{"id":1,"v":"1"},{"id":2,"v":null}])")
        << QStringList{"data 0,1 1,1 cell"};
    QTest::newRow("1 and 1.0 are equal")
        << QByteArray(R"([{"id":1,"v":1}])") << QByteArray(R"([{"id":1,"v":1.0}])") << QStringList{};
    QTest::newRow("mixed")
        << QByteArray(R"([{"id":1,"t":"a"},{"id":2,"t":"b"},{"id":3,"t":"c"},{"id":4,"t":"d"},{"id":5,"t":"e"}])")
        << QByteArray(R"([{"id":5,"t":"e"},{"id":1,"t":"a"},{"id":6,"t":"f"},{"id":3,"t":"C"},{"id":4,"t":"d"}])")
        << QStringList{"remove 1 1", "move 3 3 0", "insert 2 2", "data 3,1 3,1 cell"};
    QTest::newRow("duplicate appears")
        << QByteArray(R"([{"id":1,"t":"a"},{"id":2,"t":"b"}])")
        << QByteArray(R"([{"id":1,"t":"a"},{"id":2,"t":"b"},{"id":2,"t":"c"}])") << QStringList{"insert 2 2"};
    QTest::newRow("duplicate goes")
        << QByteArray(R"([{"id":1,"t":"a"},{"id":1,"t":"b"},{"id":2,"t":"c"}])")
        << QByteArray(R"([{"id":1,"t":"a"},{"id":2,"t":"c"}])") << QStringList{"remove 1 1"};
    QTest::newRow("rows without id follow their content")
        << QByteArray(R"([{"id":1,"t":"a"},{"t":"x"},{"id":2,"t":"b"}])")
        << QByteArray(R"([{"t":"x"},{"id":1,"t":"a"},{"id":2,"t":"b"}])") << QStringList{"move 1 1 0"};
    QTest::newRow("row without id changes: replaced")
        << QByteArray(R"([{"id":1,"t":"a"},{"t":"x"}])") << QByteArray(R"([{"id":1,"t":"a"},{"t":"y"}])")
        << QStringList{"remove 1 1", "insert 1 1"};
    QTest::newRow("a new column resets")
        << QByteArray(R"([{"id":1,"t":"a"}])") << QByteArray(R"([{"id":1,"t":"a","new":1}])") << QStringList{"reset"};
    QTest::newRow("a column no row has any more resets")
        << QByteArray(R"([{"id":1,"t":"a"},{"id":2}])") << QByteArray(R"([{"id":1},{"id":2}])") << QStringList{"reset"};
    QTest::newRow("a column moving to another row does not")
        << QByteArray(R"([{"id":1,"t":"a"},{"id":2}])") << QByteArray(R"([{"id":1},{"id":2,"t":"b"}])")
        << QStringList{"data 0,1 1,1 cell"};
    QTest::newRow("empty to non-empty: the first columns are a reset")
        << QByteArray("[]") << QByteArray(R"([{"id":1,"t":"a"}])") << QStringList{"reset"};
    QTest::newRow("non-empty to empty keeps the columns")
        << QByteArray(R"([{"id":1,"t":"a"},{"id":2,"t":"b"}])") << QByteArray("[]") << QStringList{"remove 0 1"};
    QTest::newRow("envelope to array of the same rows")
        << QByteArray(R"({"data":[{"id":1},{"id":2}],"total":2})") << QByteArray(R"([{"id":1},{"id":2}])")
        << QStringList{};
}

void tst_QueryTableModel::diff()
{
    QFETCH(QByteArray, before);
    QFETCH(QByteArray, after);
    QFETCH(QStringList, events);

    QueryTableModel *m = makeModel(before);
    const Json beforeRows = records(before);
    QTRY_COMPARE(m->rowCount(), int(beforeRows.size()));
    // A persistent index on every row with a unique id, as a view's selection holds them.
    QList<std::pair<QPersistentModelIndex, Json>> persistent;
    for (int r = 0; r < m->rowCount(); ++r) {
        if (m->rowState(r) == JsonTableModel::RowState::Ok)
            persistent.append({QPersistentModelIndex(m->index(r, 0)), m->rowId(r)});
    }

    SignalLog log(m);
    h->fixture.setJson("/items", after);
    refetchAndWait(m);
    QCOMPARE(log.events, events);

    const Json afterRows = records(after);
    QCOMPARE(m->rowCount(), int(afterRows.size()));
    for (int r = 0; r < m->rowCount(); ++r)
        QCOMPARE(m->rowJson(r), afterRows.at(r));
    if (!events.contains("reset")) {
        for (const auto &[index, id] : persistent) {
            int expected = -1;
            for (int r = 0; r < int(afterRows.size()); ++r) {
                if (afterRows.at(r).value("id") == id) {
                    expected = r;
                    break;
                }
            }
            if (expected < 0) {
                QVERIFY(!index.isValid());
            } else {
                QVERIFY(index.isValid());
                QCOMPARE(index.row(), expected);
                QCOMPARE(m->rowId(index.row()), id);
            }
        }
    }
}

// Many random refetches (inserts, removals, moves, changes, repeats and rows without id, in any mix), written into
// the cache as a fetch would: every signal is checked by the model tester, the rows must end as the data says, and
// persistent indexes must follow their rows. A second model reorders with a layout change from 3 moves on.
void tst_QueryTableModel::randomRefetches()
{
    QRandomGenerator random(20240611);
    auto makeList = [&](const QList<int> &ids) {
        QJsonArray rows;
        for (int id : ids) {
            QJsonObject row{{"v", int(random.bounded(3))}};
            if (id >= 0)
                row.insert("id", id);
            rows.append(row);
        }
        return Json(rows);
    };
    QList<int> ids;
    for (int i = 0; i < 20; ++i)
        ids.append(i);
    const QueryKey key{"random"};
    h->client.setQueryData(key, makeList(ids));
    QueryOptions o{.key = key, .fn = [](const QueryFnContext &) {}, .staleTime = Millis::max()};
    QueryTableModel a(&h->client, o);
    QueryTableModel b(&h->client, o, TableModelOptions{.maxMoves = 3});
    QAbstractItemModelTester ta(&a, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester tb(&b, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy resetA(&a, &QAbstractItemModel::modelReset), resetB(&b, &QAbstractItemModel::modelReset),
        layoutB(&b, &QAbstractItemModel::layoutChanged), movedA(&a, &QAbstractItemModel::rowsMoved);
    QVERIFY(resetA.isValid() && resetB.isValid() && layoutB.isValid() && movedA.isValid());

    for (int round = 0; round < 300; ++round) {
        // Mostly small edits of the previous list; now and then a shuffle or a fresh list.
        const int kind = int(random.bounded(10));
        if (kind == 0) {
            std::shuffle(ids.begin(), ids.end(), std::mt19937(random.generate()));
        } else if (kind == 1) {
            ids.clear();
            for (int i = 0, n = int(random.bounded(25)); i < n; ++i)
                ids.append(int(random.bounded(40)) - 2);   // -1 and -2: no id; repeats possible
        } else {
            for (int e = 0, edits = int(random.bounded(1, 5)); e < edits; ++e) {
                const int op = int(random.bounded(3));
                if (op == 0 || ids.isEmpty())
                    ids.insert(int(random.bounded(ids.size() + 1)), int(random.bounded(40)));
                else if (op == 1)
                    ids.removeAt(int(random.bounded(ids.size())));
                else
                    ids.move(int(random.bounded(ids.size())), int(random.bounded(ids.size())));
            }
        }
        const Json data = makeList(ids);
        struct Held { QPersistentModelIndex index; Json id; };
        QList<Held> heldA, heldB;
        for (int r = 0; r < a.rowCount(); ++r) {
            if (a.rowState(r) == JsonTableModel::RowState::Ok)
                heldA.append({QPersistentModelIndex(a.index(r, 0)), a.rowId(r)});
        }
        for (int r = 0; r < b.rowCount(); ++r) {
            if (b.rowState(r) == JsonTableModel::RowState::Ok)
                heldB.append({QPersistentModelIndex(b.index(r, 0)), b.rowId(r)});
        }
        const int resetsBefore = resetA.count();
        h->client.setQueryData(key, data);
        h->client.notifier()->flush();

        for (QueryTableModel *m : {&a, &b}) {
            QCOMPARE(m->rowCount(), int(data.size()));
            for (int r = 0; r < m->rowCount(); ++r)
                QCOMPARE(m->rowJson(r), data.at(r));
        }
        if (resetA.count() != resetsBefore)
            continue;   // the column set changed
        for (const auto &[held, m] : {std::pair{&heldA, &a}, std::pair{&heldB, &b}}) {
            for (const Held &x : *held) {
                int expected = -1;
                for (int r = 0; r < int(data.size()) && expected < 0; ++r) {
                    if (data.at(r).value("id") == x.id)
                        expected = r;
                }
                QCOMPARE(x.index.row(), expected);
                if (expected >= 0)
                    QCOMPARE(m->rowId(x.index.row()), x.id);
            }
        }
    }
    QVERIFY(movedA.count() > 0);
    QVERIFY(layoutB.count() > 0);
    QCOMPARE(resetA.count(), resetB.count());
}

void tst_QueryTableModel::oneChangedFieldIsOneCell()
{
    QByteArray body = "[";
    for (int i = 0; i < 1000; ++i)
        body += (i ? "," : "") + QStringLiteral(R"({"id":%1,"title":"t%1","done":false,"score":%2})").arg(i).arg(i * 0.5).toUtf8();
    body += "]";
    QueryTableModel *m = makeModel(body);
    QTRY_COMPARE(m->rowCount(), 1000);
    QSignalSpy changed(m, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(m, &QAbstractItemModel::rowsInserted), removed(m, &QAbstractItemModel::rowsRemoved),
        moved(m, &QAbstractItemModel::rowsMoved), reset(m, &QAbstractItemModel::modelReset),
        layout(m, &QAbstractItemModel::layoutChanged);
    QVERIFY(changed.isValid() && inserted.isValid() && removed.isValid() && moved.isValid() && reset.isValid()
            && layout.isValid());

    h->fixture.setJson("/items", QByteArray(body).replace(R"("id":637,"title":"t637","done":false)",
                                                          R"("id":637,"title":"t637","done":true)"));
    refetchAndWait(m);
    QCOMPARE(changed.count(), 1);
    const auto index = changed.first().at(0).value<QModelIndex>();
    QCOMPARE(index, m->index(637, 2));
    QCOMPARE(changed.first().at(1).value<QModelIndex>(), index);
    QCOMPARE(inserted.count() + removed.count() + moved.count() + reset.count() + layout.count(), 0);
    QCOMPARE(m->data(index).toBool(), true);
}

void tst_QueryTableModel::selectionSurvivesRefetch()
{
    QueryTableModel *m = makeModel(R"([{"id":1},{"id":2},{"id":3},{"id":4},{"id":5}])");
    QTRY_COMPARE(m->rowCount(), 5);
    QItemSelectionModel selection(m);
    selection.select(m->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    selection.select(m->index(3, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    selection.setCurrentIndex(m->index(3, 0), QItemSelectionModel::NoUpdate);

    // 2 and 4 selected; 1 goes, 9 comes first, 4 moves before 2.
    h->fixture.setJson("/items", R"([{"id":9},{"id":4},{"id":2},{"id":3},{"id":5}])");
    refetchAndWait(m);
    QList<Json> selected;
    for (const QModelIndex &row : selection.selectedRows())
        selected.append(m->rowId(row.row()));
    std::sort(selected.begin(), selected.end(), [](const Json &a, const Json &b) { return a.toInteger() < b.toInteger(); });
    QCOMPARE(selected, (QList<Json>{Json(2), Json(4)}));
    QCOMPARE(m->rowId(selection.currentIndex().row()), Json(4));
}

void tst_QueryTableModel::manyMovesAreOneLayoutChange()
{
    QueryTableModel *m = makeModel(R"([{"id":1},{"id":2},{"id":3},{"id":4},{"id":5},{"id":6}])",
                                   TableModelOptions{.maxMoves = 2});
    QTRY_COMPARE(m->rowCount(), 6);
    QPersistentModelIndex two(m->index(1, 0)), six(m->index(5, 0));
    SignalLog log(m);
    h->fixture.setJson("/items", R"([{"id":6},{"id":5},{"id":4},{"id":3},{"id":2},{"id":1}])");
    refetchAndWait(m);
    QCOMPARE(log.events, QStringList{"layout"});
    QCOMPARE(two.row(), 4);
    QCOMPARE(six.row(), 0);
    for (int r = 0; r < 6; ++r)
        QCOMPARE(m->rowId(r), Json(6 - r));
}

void tst_QueryTableModel::rowsWithoutIdOrRepeated()
{
    QueryTableModel *m = makeModel(R"([{"id":1,"t":"a"},{"t":"no id"},{"id":1,"t":"again"},{"id":null},{"id":{"a":1}},7])");
    QTRY_COMPARE(m->rowCount(), 6);
    using S = JsonTableModel::RowState;
    QCOMPARE(m->rowState(0), S::Ok);
    QCOMPARE(m->rowState(1), S::MissingId);
    QCOMPARE(m->rowState(2), S::DuplicateId);
    QCOMPARE(m->rowState(3), S::MissingId);
    QCOMPARE(m->rowState(4), S::MissingId);
    QCOMPARE(m->rowState(5), S::MissingId);
    QCOMPARE(m->data(m->index(2, 0), JsonTableModel::RowStateRole).toInt(), int(S::DuplicateId));
    QVERIFY(m->data(m->index(1, 1), JsonTableModel::RowErrorRole).toString().contains("has no \"id\""));
    QVERIFY(m->data(m->index(2, 1), JsonTableModel::RowErrorRole).toString().contains("repeats the \"id\" 1"));
    QVERIFY(m->rowError(3).contains("not a string or a number: null"));
    QVERIFY(m->rowError(5).contains("not a JSON object"));
    QCOMPARE(m->data(m->index(1, 0), Qt::ToolTipRole).toString(), m->rowError(1));
    QVERIFY(!m->data(m->index(1, 0), JsonTableModel::RowIdRole).isValid());
    QCOMPARE(m->data(m->index(1, 1)).toString(), QStringLiteral("no id"));
    QCOMPARE(m->data(m->index(2, 1)).toString(), QStringLiteral("again"));
    QCOMPARE(m->rowOf(Json(1)), 0);
}

void tst_QueryTableModel::emptyAndBackKeepsTheColumns()
{
    QueryTableModel *m = makeModel(R"([{"id":1,"t":"a"},{"id":2,"t":"b"}])");
    QTRY_COMPARE(m->rowCount(), 2);
    SignalLog log(m);
    h->fixture.setJson("/items", "[]");
    refetchAndWait(m);
    QCOMPARE(log.events, QStringList{"remove 0 1"});
    QCOMPARE(m->columns().names(), (QStringList{"id", "t"}));   // a search with no match keeps the header
    log.events.clear();
    h->fixture.setJson("/items", R"([{"id":3,"t":"c"}])");
    refetchAndWait(m);
    QCOMPARE(log.events, QStringList{"insert 0 0"});
    log.events.clear();
    // Rows with other members after an empty list: those columns are a reset.
    h->fixture.setJson("/items", "[]");
    refetchAndWait(m);
    h->fixture.setJson("/items", R"([{"id":4,"other":1}])");
    refetchAndWait(m);
    QCOMPARE(log.events, (QStringList{"remove 0 0", "reset"}));
    QCOMPARE(m->columns().names(), (QStringList{"id", "other"}));
}

void tst_QueryTableModel::givenColumnsAndRowOnlyChanges()
{
    QueryTableModel *m = makeModel(R"([{"id":1,"title":"a","owner":{"name":"x"},"hidden":1},{"id":2,"title":"b"}])",
                                   TableModelOptions{.columns = {"title", "owner.name", "missing"}});
    QTRY_COMPARE(m->rowCount(), 2);
    QCOMPARE(m->columnCount(), 3);
    QCOMPARE(m->data(m->index(0, 1)).toString(), QStringLiteral("x"));
    QVERIFY(!m->data(m->index(1, 1)).isValid());
    SignalLog log(m);
    // A member without a column: the row roles change, nothing a cell shows. A new member: no reset.
    h->fixture.setJson("/items", R"([{"id":1,"title":"a","owner":{"name":"x"},"hidden":2},{"id":2,"title":"b","new":1}])");
    refetchAndWait(m);
    QCOMPARE(log.events, (QStringList{"data 0,0 1,2 row"}));
    log.events.clear();
    h->fixture.setJson("/items", "[]");
    refetchAndWait(m);
    QCOMPARE(log.events, (QStringList{"remove 0 1"}));
    log.events.clear();
    // Empty to non-empty with given columns: one insert, no reset.
    h->fixture.setJson("/items", R"([{"id":5,"title":"e"}])");
    refetchAndWait(m);
    QCOMPARE(log.events, (QStringList{"insert 0 0"}));
}

void tst_QueryTableModel::nestedObjects_data()
{
    QTest::addColumn<int>("nested");
    QTest::addColumn<QStringList>("columns");
    QTest::addColumn<QString>("ownerCell");
    QTest::newRow("flatten") << int(NestedColumns::Flatten)
                             << QStringList{"id", "tags", "owner.name", "owner.age", "note", "empty"} << "x";
    QTest::newRow("compact") << int(NestedColumns::CompactJson)
                             << QStringList{"id", "tags", "owner", "note", "empty"} << R"({"name":"x","age":3})";
}

void tst_QueryTableModel::nestedObjects()
{
    QFETCH(int, nested);
    QFETCH(QStringList, columns);
    QFETCH(QString, ownerCell);
    QueryTableModel *m = makeModel(R"([{"id":1,"tags":["a","b"],"owner":{"name":"x","age":3},"note":null,"empty":{}}])",
                                   TableModelOptions{.nested = NestedColumns(nested)});
    QTRY_COMPARE(m->rowCount(), 1);
    QCOMPARE(m->columns().names(), columns);
    QCOMPARE(m->data(m->index(0, 1)).toString(), QStringLiteral(R"(["a","b"])"));
    QCOMPARE(m->data(m->index(0, 2)).toString(), ownerCell);
    QVERIFY(!m->data(m->index(0, m->columnOf(u"note"))).isValid());
    QCOMPARE(m->data(m->index(0, m->columnOf(u"empty"))).toString(), QStringLiteral("{}"));
    QCOMPARE(m->data(m->index(0, 1), JsonTableModel::CellJsonRole).value<Json>(), Json::parse(R"(["a","b"])"));

    // A nested change is the one cell of that leaf (flattened) or of the whole object (compact).
    SignalLog log(m);
    h->fixture.setJson("/items", R"([{"id":1,"tags":["a","b"],"owner":{"name":"y","age":3},"note":null,"empty":{}}])");
    refetchAndWait(m);
    QCOMPARE(log.events, (QStringList{"data 0,2 0,2 cell"}));
}

void tst_QueryTableModel::viewState()
{
    QueryTableModel *m = makeModel(R"([{"id":1}])", {}, 10s);
    QSignalSpy loading(m, &JsonTableModel::loadingChanged), fetching(m, &JsonTableModel::fetchingChanged),
        stale(m, &JsonTableModel::staleChanged), updated(m, &JsonTableModel::lastUpdatedChanged);
    QVERIFY(loading.isValid() && fetching.isValid() && stale.isValid() && updated.isValid());
    QVERIFY(m->isLoading());
    QVERIFY(m->isFetching());
    QVERIFY(!m->lastUpdated().isValid());
    QTRY_VERIFY(!m->isLoading());
    QVERIFY(!m->isFetching());
    QVERIFY(!m->isStale());
    QCOMPARE(m->lastUpdated().toMSecsSinceEpoch(), h->clock.now().count());
    QCOMPARE(updated.count(), 1);
    QCOMPARE(loading.count(), 1);
    QCOMPARE(fetching.count(), 1);

    // Stale once staleTime has passed, on the test's clock.
    h->clock.advance(11s);
    QTRY_VERIFY(m->isStale());
    QCOMPARE(stale.count(), 1);

    // A background refetch: fetching, not loading; fresh again after.
    h->fixture.enqueue("GET", "/items", [] { Response r = Response::json(R"([{"id":1},{"id":2}])"); r.fault = Response::Fault::Hold; return r; }());
    m->refetch();
    QTRY_VERIFY(m->isFetching());
    QVERIFY(!m->isLoading());
    QCOMPARE(m->rowCount(), 1);
    QTRY_COMPARE(h->fixture.heldRequests().size(), 1);
    QCOMPARE(h->fixture.releaseAll(), 1);
    QTRY_COMPARE(m->rowCount(), 2);
    QVERIFY(!m->isFetching());
    QVERIFY(!m->isStale());
    QCOMPARE(m->lastUpdated().toMSecsSinceEpoch(), h->clock.now().count());
    QCOMPARE(loading.count(), 1);
}

void tst_QueryTableModel::errorKeepsRowsAndSaysWhy()
{
    QueryTableModel *m = makeModel(R"([{"id":1},{"id":2}])");
    QTRY_COMPARE(m->rowCount(), 2);
    QSignalSpy error(m, &JsonTableModel::errorChanged);
    QVERIFY(error.isValid());
    QueryOptions o = m->observer()->options();
    o.retry = RetryPolicy::none();
    m->setQuery(o);
    h->fixture.route("GET", "/items", [](const RecordedRequest &) { return Response::json(R"({"error":"down"})", 503); });
    m->refetch();
    QTRY_VERIFY(m->hasError());
    QCOMPARE(error.count(), 1);
    QVERIFY2(m->errorString().contains("503"), qPrintable(m->errorString()));
    QVERIFY(m->errorString().contains("/items"));
    QCOMPARE(m->rowCount(), 2);   // the last good rows stay
}

void tst_QueryTableModel::notAListSaysWhy()
{
    QueryTableModel *m = makeModel(R"({"id":1,"title":"not a list"})");
    QTRY_VERIFY(m->hasError());
    QVERIFY(m->errorString().contains("expected an array of records"));
    QCOMPARE(m->rowCount(), 0);
    h->fixture.setJson("/items", R"([{"id":1}])");
    refetchAndWait(m);
    QVERIFY(!m->hasError());
    QCOMPARE(m->rowCount(), 1);
}

void tst_QueryTableModel::setQueryResetsToTheOtherKey()
{
    QueryTableModel *m = makeModel(R"([{"id":1,"a":1}])");
    QTRY_COMPARE(m->rowCount(), 1);
    h->fixture.setJson("/other", R"([{"id":7,"b":2},{"id":8,"b":3}])");
    QSignalSpy reset(m, &QAbstractItemModel::modelReset);
    m->setQuery(h->options(QueryKey{"other"}, "/other"));
    QCOMPARE(reset.count(), 1);
    QTRY_COMPARE(m->rowCount(), 2);
    QCOMPARE(m->columns().names(), (QStringList{"id", "b"}));
    // Back to the first key: cached, at once, in the reset.
    m->setQuery(h->options(QueryKey{"items"}, "/items"));
    QCOMPARE(m->rowCount(), 1);
    QCOMPARE(m->columns().names(), (QStringList{"id", "a"}));
}

void tst_QueryTableModel::cachedRowsShowAtOnce()
{
    h->client.setQueryData(QueryKey{"items"}, Json::parse(R"([{"id":1},{"id":2},{"id":3}])"));
    QueryOptions o = h->options(QueryKey{"items"}, "/items");
    o.staleTime = Millis::max();
    QueryTableModel m(&h->client, o);
    QAbstractItemModelTester t(&m, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QCOMPARE(m.rowCount(), 3);
    QCOMPARE(m.columnCount(), 1);
    QVERIFY(!m.isLoading());
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count(), 0);
}

QTEST_GUILESS_MAIN(tst_QueryTableModel)
#include "tst_querytablemodel.moc"
