#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"

#include <QSignalSpy>
#include <QtTest>

using namespace refetch;
using namespace std::chrono_literals;

// Observers: batched signals, what they report, select, enabling, stale marks; no network needed (the fetch
// functions answer at once, as the benchmark's do).
class tst_QueryObserver : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void oneSignalPerTurn();
    void notifyOnFilters();
    void selectNotifiesOnlyOnSelectedChange();
    void enableLaterFetches();
    void staleMarkScheduled();
    void changingKeyMovesObserver();
    void deletingInsideSlotIsSafe();
    void synchronousFetchFunction();
    void missingFetchFunctionIsAnError();

private:
    QueryOptions counting(const QueryKey &key);
    ManualClock *clock = nullptr;
    QueryClient *client = nullptr;
    int fetches = 0;
};

void tst_QueryObserver::init()
{
    clock = new ManualClock;
    client = new QueryClient(ClientConfig{.clock = clock});
    fetches = 0;
}

void tst_QueryObserver::cleanup()
{
    delete client;
    delete clock;
}

QueryOptions tst_QueryObserver::counting(const QueryKey &key)
{
    QueryOptions o;
    o.key = key;
    o.fn = [this](const QueryFnContext &ctx) {
        ++fetches;
        ctx.resolve(Json::object({{u"n", fetches}}));
    };
    return o;
}

void tst_QueryObserver::oneSignalPerTurn()
{
    QueryOptions o = counting({"a"});
    o.staleTime = 1h;
    QueryObserver obs(client, o);
    QSignalSpy spy(&obs, &QueryObserver::changed);
    QVERIFY(spy.isValid());
    QCOMPARE(fetches, 1);
    QVERIFY(obs.isSuccess());   // answered synchronously
    QCOMPARE(spy.size(), 0);    // ...but told at the end of the turn
    QTRY_COMPARE(spy.size(), 1);
    for (int i = 0; i < 5; ++i)
        client->setQueryData({"a"}, Json(i));
    QCOMPARE(spy.size(), 1);
    QTRY_COMPARE(spy.size(), 2);
    QCoreApplication::processEvents();
    QCOMPARE(spy.size(), 2);
    QCOMPARE(obs.data().toInteger(), 4);
    // Writing equal data tells nobody.
    client->setQueryData({"a"}, Json(4));
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
    QCOMPARE(spy.size(), 2);
}

void tst_QueryObserver::notifyOnFilters()
{
    QueryOptions o = counting({"a"});
    o.staleTime = 1h;
    QueryObserver dataOnly(client, o);
    o.notifyOn = AllChanges;
    QueryObserver all(client, o);
    client->notifier()->flush();
    QSignalSpy dataSpy(&dataOnly, &QueryObserver::changed);
    QSignalSpy allSpy(&all, &QueryObserver::changed);
    client->invalidateQueries({.key = QueryKey{"a"}}, RefetchType::None);
    client->notifier()->flush();
    QCOMPARE(dataSpy.size(), 0);
    QCOMPARE(allSpy.size(), 1);
    QCOMPARE(allSpy.at(0).at(0).value<QueryChanges>(), QueryChanges(QueryChange::Stale));
}

void tst_QueryObserver::selectNotifiesOnlyOnSelectedChange()
{
    client->setQueryData({"p"}, Json::object({{u"title", "x"}, {u"views", 1}}));
    QueryOptions o = counting({"p"});
    o.staleTime = 1h;
    int selects = 0;
    o.select = [&](const Json &d) { ++selects; return d.value(u"title"); };
    QueryObserver obs(client, o);
    QCOMPARE(obs.data().toString(), QStringLiteral("x"));
    QCOMPARE(obs.data().toString(), QStringLiteral("x"));
    QCOMPARE(selects, 1);   // once per data version
    QSignalSpy spy(&obs, &QueryObserver::changed);
    client->setQueryData({"p"}, Json::object({{u"title", "x"}, {u"views", 2}}));
    client->notifier()->flush();
    QCOMPARE(spy.size(), 0);   // the selected part did not change
    client->setQueryData({"p"}, Json::object({{u"title", "y"}, {u"views", 2}}));
    client->notifier()->flush();
    QCOMPARE(spy.size(), 1);
    QCOMPARE(obs.data().toString(), QStringLiteral("y"));
}

void tst_QueryObserver::enableLaterFetches()
{
    QueryOptions o = counting({"a"});
    o.enabled = false;
    QueryObserver obs(client, o);
    QCOMPARE(fetches, 0);
    QVERIFY(obs.isPending());
    obs.setEnabled(true);
    QCOMPARE(fetches, 1);
    QVERIFY(obs.isSuccess());
}

void tst_QueryObserver::staleMarkScheduled()
{
    QueryOptions o = counting({"a"});
    o.staleTime = 30s;
    o.notifyOn = QueryChange::Stale;
    QueryObserver obs(client, o);
    QSignalSpy spy(&obs, &QueryObserver::changed);
    client->notifier()->flush();
    QVERIFY(!obs.isStale());
    clock->advance(29s);
    client->notifier()->flush();
    QCOMPARE(spy.size(), 0);
    clock->advance(1s);
    QVERIFY(obs.isStale());
    client->notifier()->flush();
    QCOMPARE(spy.size(), 1);
    QCOMPARE(fetches, 1);   // becoming stale alone fetches nothing
}

void tst_QueryObserver::changingKeyMovesObserver()
{
    QueryOptions o = counting({"a"});
    o.staleTime = 1h;
    QueryObserver obs(client, o);
    QCOMPARE(fetches, 1);
    o.key = {"b"};
    obs.setOptions(o);
    QCOMPARE(fetches, 2);
    QCOMPARE(obs.query()->key(), QueryKey({"b"}));
    QVERIFY(!client->query({"a"})->isObserved());
    // Back to "a": cached and fresh, no fetch.
    o.key = {"a"};
    obs.setOptions(o);
    QCOMPARE(fetches, 2);
    QCOMPARE(obs.data().value(u"n").toInteger(), 1);
}

void tst_QueryObserver::deletingInsideSlotIsSafe()
{
    QueryOptions o = counting({"a"});
    o.staleTime = 1h;
    auto *first = new QueryObserver(client, o);
    auto *second = new QueryObserver(client, o);
    client->notifier()->flush();
    int firstCalls = 0;
    connect(first, &QueryObserver::changed, this, [&] { ++firstCalls; delete second; second = nullptr; });
    connect(second, &QueryObserver::changed, this, [] { QFAIL("a deleted observer was told"); });
    client->setQueryData({"a"}, Json(1));
    client->notifier()->flush();
    QCOMPARE(firstCalls, 1);
    QVERIFY(!second);
    delete first;
    QVERIFY(!client->query({"a"})->isObserved());
}

void tst_QueryObserver::synchronousFetchFunction()
{
    // Many observers on one key with a synchronous fetch function: still one fetch.
    std::vector<std::unique_ptr<QueryObserver>> v;
    for (int i = 0; i < 10; ++i) {
        QueryOptions o = counting({"sync"});
        o.staleTime = 1h;
        v.push_back(std::make_unique<QueryObserver>(client, o));
    }
    QCOMPARE(fetches, 1);
}

void tst_QueryObserver::missingFetchFunctionIsAnError()
{
    QueryOptions o;
    o.key = {"nofn"};
    QueryObserver obs(client, o);
    QVERIFY(obs.isError());
    QVERIFY(obs.error()->toString().contains(QStringLiteral("no fetch function")));
}

QTEST_GUILESS_MAIN(tst_QueryObserver)
#include "tst_queryobserver.moc"
