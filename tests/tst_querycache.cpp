#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"
#include "core/cache/querytable.h"

#include <QtTest>

using namespace refetch;
using namespace std::chrono_literals;

// The cache's storage and indexes: lookups, prefix and tag matches that touch only what matches, removal
// keeping the indexes right, and gc.
class tst_QueryCache : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void findAndCreate();
    void tableSurvivesManyRemovals();
    void tableFingerprintCollisions_data();
    void tableFingerprintCollisions();
    void prefixFilterReadsBucket();
    void prefixBucketsAfterRemovalAndReuse();
    void objectPartFilter();
    void filtersCombine();
    void tagsFollowRemoval();
    void gcSweepIsBatched();
    void gcSkipsFetching();
};

void tst_QueryCache::findAndCreate()
{
    ManualClock clock;
    Scheduler scheduler(&clock);
    QueryCache cache(&scheduler);
    QSignalSpy added(&cache, &QueryCache::queryAdded);
    bool created = false;
    Query *a = cache.findOrCreate({"a", 1}, &created);
    QVERIFY(created);
    QCOMPARE(cache.findOrCreate({"a", 1}, &created), a);
    QVERIFY(!created);
    QCOMPARE(cache.find({"a", 1}), a);
    QVERIFY(!cache.find({"a", 2}));
    QCOMPARE(cache.size(), 1);
    QCOMPARE(added.size(), 1);
    QCOMPARE(a->status(), QueryStatus::Pending);
    QCOMPARE(a->fetchStatus(), FetchStatus::Idle);
}

void tst_QueryCache::prefixBucketsAfterRemovalAndReuse()
{
    // A bucket forgets removed entries lazily (their slot's generation moves on) and drops them once they are half
    // of it: whatever the order of removals and of slots reused, a prefix finds each live entry exactly once.
    ManualClock clock;
    Scheduler scheduler(&clock);
    QueryCache cache(&scheduler);
    auto slotsUnder = [&](const QueryKey &prefix) {
        QList<quint32> found;
        cache.forEachSlot({.key = prefix}, [&](quint32 slot) { found.append(slot); });
        return found;
    };
    QSet<int> live;
    for (int i = 0; i < 100; ++i) {
        cache.findOrCreate({"a", i});
        live.insert(i);
    }
    // Remove 70 (past half: the bucket is compacted on the way), one at a time, checking after each.
    for (int i = 0; i < 70; ++i) {
        const int id = (i * 37) % 100;
        cache.remove(cache.find({"a", id}));
        live.remove(id);
        if (i % 10 == 9)
            QCOMPARE(slotsUnder(QueryKey{"a"}).size(), live.size());
    }
    // The freed slots go to entries under another prefix, and to entries under the same prefix again.
    for (int i = 0; i < 30; ++i)
        cache.findOrCreate({"b", i});
    for (int i = 0; i < 70; ++i) {
        const int id = (i * 37) % 100;
        if (i % 2) {
            cache.findOrCreate({"a", id});
            live.insert(id);
        }
    }
    const QList<quint32> a = slotsUnder(QueryKey{"a"});
    QCOMPARE(a.size(), live.size());
    QCOMPARE(QSet<quint32>(a.begin(), a.end()).size(), a.size());   // no entry twice
    for (quint32 slot : a)
        QVERIFY(live.contains(int(cache.at(slot)->key().part(1).toInteger())));
    QCOMPARE(slotsUnder(QueryKey{"b"}).size(), 30);
    // Every entry of a prefix gone: the bucket itself goes.
    const qsizetype before = cache.findAll({}).size();
    for (int i = 0; i < 30; ++i)
        cache.remove(cache.find({"b", i}));
    QCOMPARE(slotsUnder(QueryKey{"b"}).size(), 0);
    QCOMPARE(cache.findAll({}).size(), before - 30);
}

void tst_QueryCache::tableSurvivesManyRemovals()
{
    ManualClock clock;
    Scheduler scheduler(&clock);
    QueryCache cache(&scheduler);
    const int n = 20000;
    for (int i = 0; i < n; ++i)
        cache.findOrCreate({"k", i % 37, i});
    QCOMPARE(cache.size(), n);
    // Remove every third entry, then check every lookup (backward-shift deletion must keep probe chains whole).
    for (int i = 0; i < n; i += 3)
        cache.remove(cache.find({"k", i % 37, i}));
    for (int i = 0; i < n; ++i)
        QCOMPARE(bool(cache.find({"k", i % 37, i})), i % 3 != 0);
    // Prefix buckets lost the removed entries too.
    int inBucket = 0;
    cache.forEach({.key = QueryKey{"k", 5}}, [&](Query *) { ++inBucket; });
    int expected = 0;
    for (int i = 5; i < n; i += 37)
        expected += i % 3 != 0;
    QCOMPARE(inBucket, expected);
}

void tst_QueryCache::tableFingerprintCollisions_data()
{
    QTest::addColumn<quint64>("hashMask");
    QTest::newRow("every key collides") << quint64(0);
    QTest::newRow("16 homes, fingerprints shared") << quint64(0xf);
    QTest::newRow("fingerprints shared, homes apart") << quint64(0xffff000000000000ull);
    QTest::newRow("the whole hash") << ~quint64(0);
}

void tst_QueryCache::tableFingerprintCollisions()
{
    // The table compares 48 bits of the hash in its slots and touches a query only when they agree: keys whose
    // fingerprints agree (of the same length or not) must still be told apart by their text, and removal must keep
    // the probe runs of the keys that share a home whole.
    QFETCH(quint64, hashMask);
    ManualClock clock;
    Scheduler scheduler(&clock);
    QueryCache cache(&scheduler);   // makes the entries; the table under test is a second one over them
    QueryTable table{size_t(hashMask)};
    QList<QueryKey> keys;
    for (int i = 0; i < 300; ++i)
        keys.append(i % 2 ? QueryKey{"k", i} : QueryKey{"key", i, "same length, other text"});
    for (const QueryKey &key : std::as_const(keys)) {
        const Query *q = cache.findOrCreate(key);
        table.insert(q->storedKey(), key.hash(), q->slot());
    }
    QCOMPARE(table.size(), keys.size());
    for (const QueryKey &key : std::as_const(keys)) {
        const QueryTable::Found found = table.find(key);
        QVERIFY(found);
        QCOMPARE(found.key, cache.find(key)->storedKey());
        QCOMPARE(found.slot, cache.find(key)->slot());
        QCOMPARE(found.key->view(), key.text());
    }
    QVERIFY(!table.find(QueryKey{"k", 300}));
    QVERIFY(!table.find(QueryKey{"k", 3, 0}));
    // Remove every third key, then every lookup again.
    for (int i = 0; i < keys.size(); i += 3)
        QVERIFY(table.erase(cache.find(keys[i])->storedKey()));
    QVERIFY(!table.erase(cache.find(keys[0])->storedKey()));
    QCOMPARE(table.size(), keys.size() - 100);
    for (int i = 0; i < keys.size(); ++i) {
        const QueryTable::Found found = table.find(keys[i]);
        QCOMPARE(bool(found), i % 3 != 0);
        if (found)
            QCOMPARE(found.slot, cache.find(keys[i])->slot());
    }
}

void tst_QueryCache::prefixFilterReadsBucket()
{
    ManualClock clock;
    Scheduler scheduler(&clock);
    QueryCache cache(&scheduler);
    for (int r = 0; r < 10; ++r)
        for (int p = 0; p < 100; ++p)
            cache.findOrCreate({QStringLiteral("r%1").arg(r), Json::object({{u"page", p}})});
    cache.findOrCreate({"r1"});   // the prefix itself is a key too
    int visited = 0;
    int predicateCalls = 0;
    cache.forEach({.key = QueryKey{"r1"}, .predicate = [&](const Query &) { ++predicateCalls; return true; }},
                  [&](Query *q) {
                      ++visited;
                      QCOMPARE(q->key().parts().at(0).toString(), QStringLiteral("r1"));
                  });
    QCOMPARE(visited, 101);
    // Only the bucket was read: the predicate saw the matches and nothing else.
    QCOMPARE(predicateCalls, 101);
    QCOMPARE(cache.findAll({.key = QueryKey{"r1"}, .exact = true}).size(), 1);
    QCOMPARE(cache.findAll({.key = QueryKey{"nope"}}).size(), 0);
    QCOMPARE(cache.findAll({}).size(), 1001);
}

void tst_QueryCache::objectPartFilter()
{
    ManualClock clock;
    Scheduler scheduler(&clock);
    QueryCache cache(&scheduler);
    cache.findOrCreate({"posts", Json::object({{u"page", 1}, {u"sort", "id"}})});
    cache.findOrCreate({"posts", Json::object({{u"page", 1}, {u"sort", "title"}})});
    cache.findOrCreate({"posts", Json::object({{u"page", 2}, {u"sort", "id"}})});
    cache.findOrCreate({"posts", 7});
    cache.findOrCreate({"users", Json::object({{u"page", 1}})});
    QCOMPARE(cache.findAll({.key = QueryKey{"posts", Json::object({{u"page", 1}})}}).size(), 2);
    QCOMPARE(cache.findAll({.key = QueryKey{"posts", Json::object({{u"sort", "id"}})}}).size(), 2);
    QCOMPARE(cache.findAll({.key = QueryKey{"posts", Json::object({})}}).size(), 3);
    // A filter that starts with an object part scans (nothing to index by), and still matches right.
    QCOMPARE(cache.findAll({.key = QueryKey{Json::object({})}}).size(), 0);
}

void tst_QueryCache::filtersCombine()
{
    ManualClock clock;
    QueryClient client(ClientConfig{.clock = &clock, .defaultGcTime = Millis::max()});
    client.setQueryData({"a", 1}, Json(1));
    client.setQueryData({"a", 2}, Json(2));
    client.setQueryData({"b", 1}, Json(3));
    QueryOptions o;
    o.key = {"a", 1};
    o.staleTime = 1h;
    QueryObserver active(&client, o);
    o.key = {"a", 2};
    o.enabled = false;
    QueryObserver disabled(&client, o);
    QueryCache *cache = client.cache();
    QCOMPARE(cache->findAll({.type = QueryFilters::Type::Active}).size(), 1);
    QCOMPARE(cache->findAll({.type = QueryFilters::Type::Inactive}).size(), 2);
    QCOMPARE(cache->findAll({.key = QueryKey{"a"}, .type = QueryFilters::Type::Inactive}).size(), 1);
    QCOMPARE(cache->findAll({.fetchStatus = FetchStatus::Fetching}).size(), 0);
    // Stale as observers see it: {a,1} is fresh for an hour; unobserved {b,1} has data and is not invalidated.
    QCOMPARE(cache->findAll({.stale = true}).size(), 0);
    clock.advance(2h);
    QCOMPARE(cache->findAll({.stale = true}).size(), 2);
    client.invalidateQueries({.key = QueryKey{"b"}}, RefetchType::None);
    QCOMPARE(cache->findAll({.stale = true}).size(), 3);
}

void tst_QueryCache::tagsFollowRemoval()
{
    ManualClock clock;
    QueryClient client(ClientConfig{.clock = &clock});
    client.setQueryData({"p", 1}, Json(1), {Tag("Post", 1), Tag("Post", "LIST")});
    client.setQueryData({"p", 2}, Json(2), {Tag("Post", 2)});
    client.setQueryData({"u", 1}, Json(3), {Tag("User", 1)});
    auto hits = [&](const Tag &t) {
        int n = 0;
        client.cache()->forEachWithTag(t, [&](Query *) { ++n; });
        return n;
    };
    QCOMPARE(hits(Tag("Post")), 2);
    QCOMPARE(hits(Tag("Post", 1)), 1);
    QCOMPARE(hits(Tag("Post", "1")), 1);   // numbers and strings name the same id
    QCOMPARE(hits(Tag("Post", "LIST")), 1);
    QCOMPARE(hits(Tag("User")), 1);
    QCOMPARE(hits(Tag("Comment")), 0);
    // Retagging drops the old tags.
    client.setQueryData({"p", 1}, Json(1), {Tag("Post", "LIST")});
    QCOMPARE(hits(Tag("Post", 1)), 0);
    QCOMPARE(hits(Tag("Post")), 2);
    client.removeQueries({.key = QueryKey{"p"}});
    QCOMPARE(hits(Tag("Post")), 0);
    QCOMPARE(hits(Tag("Post", "LIST")), 0);
    QCOMPARE(hits(Tag("User")), 1);
}

void tst_QueryCache::gcSweepIsBatched()
{
    ManualClock clock;
    QueryClient client(ClientConfig{.clock = &clock, .defaultGcTime = 10s});
    for (int i = 0; i < 1000; ++i) {
        client.setQueryData({"x", i}, Json(i));
        clock.setNow(clock.now() + 1ms);   // staggered deadlines, one sweep per period
    }
    // One scheduled sweep for all of them: no per-entry timers.
    QCOMPARE(client.scheduler()->pending(), 1);
    clock.advance(8s);
    QCOMPARE(client.cache()->size(), 1000);
    clock.advance(3s);
    QCOMPARE(client.cache()->size(), 0);
}

void tst_QueryCache::gcSkipsFetching()
{
    ManualClock clock;
    QueryClient client(ClientConfig{.clock = &clock, .defaultGcTime = 1s});
    QueryOptions o;
    o.key = {"hang"};
    o.gcTime = 1s;
    o.fn = [](const QueryFnContext &) { /* never answers */ };
    client.prefetchQuery(o);
    clock.advance(5s);
    QVERIFY(client.query({"hang"}));     // a fetch under way keeps its entry
    client.cancelQueries({.key = QueryKey{"hang"}});
    clock.advance(2s);
    QVERIFY(!client.query({"hang"}));
}

QTEST_GUILESS_MAIN(tst_QueryCache)
#include "tst_querycache.moc"
