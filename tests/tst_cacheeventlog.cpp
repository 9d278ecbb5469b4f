#include "core/inspect/cacheeventlog.h"
#include "core/mutation/mutation.h"
#include "core/mutation/mutationqueue.h"
#include "support/clientharness.h"

#include <QSignalSpy>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

// Why the cache did what it did, against a real HTTP server: each event the client records, with its cause
// (the tag and the mutation behind an invalidation and the refetch it queued), the request behind a fetch,
// stale times and gc on a manual clock, and a bounded ring.
class tst_CacheEventLog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void mountFetchAndRequest();
    void revalidationIsNotModified();
    void invalidatedByTagFromMutation();
    void invalidatedByKeyAndByHand();
    void windowFocusAndReconnect();
    void whyNothingRefetched();
    void intervalRetryAndFailure();
    void cancelled();
    void becameStaleOnTime();
    void evictedAndRemoved();
    void optionsAndUnmount();
    void restoredFromTheSavedCache();
    void requestHidesCredentials();
    void batchedOncePerTurn();
    void ringIsBounded();
    void withoutLogTheClientWorks();

private:
    QueryObserver *observe(const QueryKey &key, const QString &path, QueryOptions o = {});
    // The kinds of the events about `key`, oldest first.
    QList<CacheEventKind> kindsOf(const QueryKey &key) const;
    QStringList textsOf(const QueryKey &key) const;
    QList<CacheEvent> eventsOf(const QueryKey &key) const;

    std::unique_ptr<ClientHarness> h;
    std::unique_ptr<CacheEventLog> log;
    std::vector<std::unique_ptr<QueryObserver>> observers;
};

void tst_CacheEventLog::init()
{
    h = std::make_unique<ClientHarness>();
    log = std::make_unique<CacheEventLog>(&h->client);
    QCOMPARE(CacheEventLog::of(&h->client), log.get());
}

void tst_CacheEventLog::cleanup()
{
    observers.clear();
    log.reset();
    h.reset();
}

QueryObserver *tst_CacheEventLog::observe(const QueryKey &key, const QString &path, QueryOptions o)
{
    o.key = key;
    o.fn = h->endpoint->get(path);
    observers.push_back(std::make_unique<QueryObserver>(&h->client, std::move(o)));
    return observers.back().get();
}

QList<CacheEvent> tst_CacheEventLog::eventsOf(const QueryKey &key) const
{
    QList<CacheEvent> out;
    for (quint64 seq = log->firstSeq(); seq < log->endSeq(); ++seq) {
        const CacheEvent &e = log->at(seq);
        if (e.slot != CacheEvent::NoSlot && log->keyOf(e.serial, e.slot) == key)
            out.append(e);
    }
    return out;
}

QList<CacheEventKind> tst_CacheEventLog::kindsOf(const QueryKey &key) const
{
    QList<CacheEventKind> out;
    for (const CacheEvent &e : eventsOf(key))
        out.append(e.kind);
    return out;
}

QStringList tst_CacheEventLog::textsOf(const QueryKey &key) const
{
    QStringList out;
    for (const CacheEvent &e : eventsOf(key))
        out.append(log->describe(e));
    return out;
}

void tst_CacheEventLog::mountFetchAndRequest()
{
    const QByteArray body = R"([{"id":1},{"id":2}])";
    h->fixture.setJson("/posts", body);
    QueryObserver *o = observe({"posts"}, "/posts");
    QTRY_VERIFY(o->isSuccess());
    using K = CacheEventKind;
    QCOMPARE(kindsOf({"posts"}), (QList<K>{K::Created, K::Mounted, K::FetchStarted, K::Fetched}));
    const QList<CacheEvent> events = eventsOf({"posts"});
    QCOMPARE(events[1].value, 1);
    QCOMPARE(events[2].reason, FetchReason::Mount);
    QCOMPARE(events[3].value, 1);   // new data
    QCOMPARE(textsOf({"posts"}), (QStringList{"created", "mounted (1 observer)", "fetch: mount", "fetched: new data"}));
    QVERIFY(log->entry(events[0]) == o->query());

    const std::optional<CacheRequestRecord> request = log->lastRequest(o->query());
    QVERIFY(request);
    QCOMPARE(request->request.method, QByteArray("GET"));
    QCOMPARE(request->request.url, h->fixture.baseUrl().resolved(QUrl("/posts")));
    QCOMPARE(request->request.status, 200);
    QCOMPARE(request->request.bytes, body.size());
    QVERIFY(!request->request.notModified);
    QCOMPARE(request->at, h->clock.now());
}

void tst_CacheEventLog::revalidationIsNotModified()
{
    h->fixture.setJson("/posts", "[1,2]");
    QueryObserver *o = observe({"posts"}, "/posts");
    QTRY_VERIFY(o->isSuccess());
    o->refetch();
    QTRY_COMPARE(kindsOf({"posts"}).last(), CacheEventKind::NotModified);
    QCOMPARE(h->fixture.count("GET", "/posts"), 2);
    const QList<CacheEvent> events = eventsOf({"posts"});
    QCOMPARE(events[events.size() - 2].reason, FetchReason::Manual);
    QCOMPARE(log->describe(events.last()), QStringLiteral("304 Not Modified: the cached data is current"));
    const std::optional<CacheRequestRecord> request = log->lastRequest(o->query());
    QVERIFY(request && request->request.notModified);
    QCOMPARE(request->request.status, 304);
    QCOMPARE(request->request.bytes, 0);
}

void tst_CacheEventLog::invalidatedByTagFromMutation()
{
    h->fixture.setJson("/posts", R"([{"id":1,"title":"a"}])");
    h->fixture.route("PATCH", "/posts/1", [](const RecordedRequest &) { return Response::json(R"({"id":1,"title":"b"})"); });
    QueryOptions list;
    list.tags = {Tag("Post", "LIST")};
    QueryObserver *o = observe({"posts"}, "/posts", list);
    QTRY_VERIFY(o->isSuccess());
    // An unobserved entry with the same tag: marked, not refetched.
    h->client.setQueryData({"posts", "old"}, Json::array({}), {Tag("Post", "LIST")});

    MutationQueue queue(&h->client);
    queue.addEndpoint(h->endpoint.get());
    Mutation *m = queue.mutate({.method = "PATCH", .path = "/posts/1", .invalidatesTags = {Tag("Post", "LIST")}},
                               Json::object({{u"title", "b"}}));
    QSignalSpy succeeded(m, &Mutation::succeeded);
    QVERIFY(succeeded.wait());
    QTRY_COMPARE(h->fixture.count("GET", "/posts"), 2);
    QTRY_VERIFY(!o->isFetching());

    const QString why = QStringLiteral("tag Post:LIST from mutation PATCH /posts/1");
    const QStringList texts = textsOf({"posts"});
    QVERIFY2(texts.contains(QStringLiteral("invalidated by ") + why), qPrintable(texts.join(u'\n')));
    QVERIFY2(texts.contains(QStringLiteral("fetch: invalidated by ") + why), qPrintable(texts.join(u'\n')));
    // The entry no view shows says why it did not refetch.
    QCOMPARE(textsOf({"posts", "old"}).last(), QStringLiteral("invalidated by ") + why
                                                   + QStringLiteral("; not refetched: no view shows it (it refetches when one does)"));
    QVERIFY(!kindsOf({"posts", "old"}).contains(CacheEventKind::FetchStarted));

    // The refetch names the write: its id links the timeline to the mutation.
    for (const CacheEvent &e : eventsOf({"posts"})) {
        if (e.kind != CacheEventKind::FetchStarted || e.reason != FetchReason::Invalidated)
            continue;
        const CacheEventDetail *d = log->detail(e.detail);
        QVERIFY(d);
        QCOMPARE(d->mutationId, m->idempotencyKey());
        QCOMPARE(d->tag, Tag("Post", "LIST"));
    }
}

void tst_CacheEventLog::invalidatedByKeyAndByHand()
{
    h->client.setQueryData({"posts", 1}, Json::object({{u"id", 1}}));
    h->client.invalidateQueries({.key = QueryKey{"posts"}});
    const QString notShown = QStringLiteral("; not refetched: no view shows it (it refetches when one does)");
    QCOMPARE(textsOf({"posts", 1}).last(), QStringLiteral("invalidated by key [\"posts\"] (as a prefix)") + notShown);
    {
        const CacheEventLog::Origin origin(log.get(), QStringLiteral("the inspector"));
        h->client.invalidateQueries({.key = QueryKey{"posts", 1}, .exact = true});
        h->client.setQueryData({"posts", 1}, Json::object({{u"id", 2}}));
        h->client.invalidateQueries({});
    }
    const QStringList texts = textsOf({"posts", 1});
    QCOMPARE(texts.mid(texts.size() - 3), (QStringList{"invalidated by key [\"posts\",1] from the inspector" + notShown,
                                                       "data set from the inspector",
                                                       "invalidated by invalidating everything from the inspector" + notShown}));
    // Outside the scope nobody is named.
    h->client.setQueryData({"posts", 1}, Json::object({{u"id", 2}}));
    QCOMPARE(textsOf({"posts", 1}).last(), QStringLiteral("data set (the same)"));
}

void tst_CacheEventLog::windowFocusAndReconnect()
{
    h->fixture.setJson("/posts", "[1]");
    QueryObserver *o = observe({"posts"}, "/posts");
    QTRY_VERIFY(o->isSuccess());
    h->focus.setFocused(false);
    h->focus.setFocused(true);
    QTRY_COMPARE(h->fixture.count("GET", "/posts"), 2);
    QList<CacheEvent> events = eventsOf({"posts"});
    QVERIFY(std::any_of(events.cbegin(), events.cend(), [](const CacheEvent &e) {
        return e.kind == CacheEventKind::FetchStarted && e.reason == FetchReason::WindowFocus;
    }));
    bool focusTold = false;
    for (quint64 seq = log->firstSeq(); seq < log->endSeq(); ++seq) {
        const CacheEvent &e = log->at(seq);
        if (e.kind == CacheEventKind::WindowFocus) {
            QCOMPARE(e.slot, CacheEvent::NoSlot);
            QCOMPARE(log->describe(e), QStringLiteral("window focus: 1 refetched"));
            focusTold = true;
        }
    }
    QVERIFY(focusTold);
    QTRY_VERIFY(!o->isFetching());

    h->online.setOnline(false);
    o->refetch();
    QCOMPARE(kindsOf({"posts"}).last(), CacheEventKind::Paused);
    h->online.setOnline(true);
    QTRY_COMPARE(h->fixture.count("GET", "/posts"), 3);
    const QStringList texts = textsOf({"posts"});
    QVERIFY2(texts.contains(QStringLiteral("paused: waiting for the network")), qPrintable(texts.join(u'\n')));
    QVERIFY2(texts.contains(QStringLiteral("resumed: the network is back")), qPrintable(texts.join(u'\n')));
    QStringList cacheWide;
    for (quint64 seq = log->firstSeq(); seq < log->endSeq(); ++seq) {
        if (log->at(seq).slot == CacheEvent::NoSlot)
            cacheWide.append(log->describe(log->at(seq)));
    }
    QCOMPARE(cacheWide, (QStringList{"window focus: 1 refetched", "offline: fetches wait for the network",
                                     "back online: 0 refetched"}));
}

// The timeline also says why something did not fetch when a person might expect it to.
void tst_CacheEventLog::whyNothingRefetched()
{
    h->fixture.setJson("/fresh", "[1]");
    h->fixture.setJson("/hidden", "[2]");
    h->fixture.setJson("/disabled", "[3]");
    QueryOptions fresh;
    fresh.staleTime = std::chrono::minutes(2);
    fresh.tags = {Tag("Post")};
    QueryObserver *o = observe({"fresh"}, "/fresh", fresh);
    QTRY_VERIFY(o->isSuccess());
    // A window focus that refetches nothing says which entries were fresh, and for how long.
    h->clock.advance(std::chrono::seconds(30));
    h->focus.setFocused(false);
    h->focus.setFocused(true);
    QVERIFY2(textsOf({"fresh"}).contains(u"not refetched on window focus: still fresh for 90 s"_s),
             qPrintable(textsOf({"fresh"}).join(u'\n')));
    // A second focus within the throttle says the throttle held it back.
    h->focus.setFocused(false);
    h->focus.setFocused(true);
    bool throttled = false;
    for (quint64 seq = log->firstSeq(); seq < log->endSeq(); ++seq) {
        const CacheEvent &e = log->at(seq);
        if (e.kind == CacheEventKind::FocusThrottled) {
            QVERIFY2(log->describe(e).startsWith(u"window focus: nothing refetched"_s), qPrintable(log->describe(e)));
            throttled = true;
        }
    }
    QVERIFY(throttled);

    // An invalidation that skips an entry no view shows, or one whose views are disabled, says so.
    QueryOptions tagged;
    tagged.tags = {Tag("Post")};
    observe({"hidden"}, "/hidden", tagged);
    QTRY_VERIFY(observers.back()->isSuccess());
    observers.pop_back();   // unobserved now, still cached
    QueryOptions disabled = tagged;
    disabled.enabled = false;
    h->client.setQueryData({"disabled"}, Json::array({3}));
    observe({"disabled"}, "/disabled", disabled);
    h->fixture.clearLog();
    h->client.invalidateTags({Tag("Post")});
    QTRY_COMPARE(h->fixture.count("GET", "/fresh"), 1);
    QCOMPARE(h->fixture.count(), 1);
    const QStringList hidden = textsOf({"hidden"});
    QVERIFY2(hidden.last().startsWith(u"invalidated by tag Post"_s)
                 && hidden.last().endsWith(u"not refetched: no view shows it (it refetches when one does)"_s),
             qPrintable(hidden.join(u'\n')));
    // (A disabled view never fetched, so its entry provides no tag yet: by key.)
    h->client.invalidateQueries({.key = QueryKey{"disabled"}});
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count("GET", "/disabled"), 0);
    const QStringList off = textsOf({"disabled"});
    QVERIFY2(off.last().endsWith(u"not refetched: its views are disabled"_s), qPrintable(off.join(u'\n')));
}

void tst_CacheEventLog::intervalRetryAndFailure()
{
    h->fixture.setJson("/poll", "[1]");
    QueryOptions polled;
    polled.refetchInterval = 10s;
    QueryObserver *o = observe({"poll"}, "/poll", polled);
    QTRY_VERIFY(o->isSuccess());
    h->fixture.enqueue("GET", "/poll", Response::json(R"({"error":"down"})", 503));
    h->clock.advance(10s);
    QTRY_VERIFY(kindsOf({"poll"}).contains(CacheEventKind::Retry));
    const QList<CacheEvent> events = eventsOf({"poll"});
    const auto interval = std::find_if(events.cbegin(), events.cend(), [](const CacheEvent &e) {
        return e.kind == CacheEventKind::FetchStarted && e.reason == FetchReason::Interval;
    });
    QVERIFY(interval != events.cend());
    const CacheEvent retry = events.last();
    QCOMPARE(retry.kind, CacheEventKind::Retry);
    QCOMPARE(retry.attempt, 1);
    QCOMPARE(retry.value, 1000);
    QVERIFY2(log->describe(retry).startsWith(QStringLiteral("retry 1 in 1 s: GET http://127.0.0.1:")), qPrintable(log->describe(retry)));
    QVERIFY(log->describe(retry).contains(QStringLiteral("503")));
    h->clock.advance(1s);
    QTRY_COMPARE(h->fixture.count("GET", "/poll"), 3);
    QTRY_VERIFY(!o->isFetching());
    QCOMPARE(kindsOf({"poll"}).last(), CacheEventKind::NotModified);   // the retry sent the ETag

    h->fixture.route("GET", "/missing", [](const RecordedRequest &) { return Response::json(R"({"error":"no"})", 404); });
    QueryObserver *missing = observe({"missing"}, "/missing");
    QTRY_VERIFY(missing->isError());
    QCOMPARE(kindsOf({"missing"}).last(), CacheEventKind::Failed);
    QVERIFY(textsOf({"missing"}).last().startsWith(QStringLiteral("failed: GET http://127.0.0.1:")));
    QVERIFY(textsOf({"missing"}).last().contains(QStringLiteral("404")));
    QCOMPARE(log->lastRequest(missing->query())->request.status, 404);
}

void tst_CacheEventLog::cancelled()
{
    h->fixture.route("GET", "/slow", [](const RecordedRequest &) {
        Response r = Response::json("[1]");
        r.fault = Response::Fault::Hold;
        return r;
    });
    QueryObserver *o = observe({"slow"}, "/slow");
    QTRY_COMPARE(h->fixture.inFlight(), 1);
    QCOMPARE(h->client.cancelQueries({.key = QueryKey{"slow"}}), 1);
    QCOMPARE(kindsOf({"slow"}).last(), CacheEventKind::Cancelled);
    QCOMPARE(textsOf({"slow"}).last(), QStringLiteral("cancelled"));
    QVERIFY(!o->isFetching());
}

void tst_CacheEventLog::becameStaleOnTime()
{
    h->fixture.setJson("/posts", "[1]");
    QueryOptions o30;
    o30.staleTime = 30s;
    QueryObserver *o = observe({"posts"}, "/posts", o30);
    QTRY_VERIFY(o->isSuccess());
    const TimePoint fetchedAt = h->clock.now();
    h->clock.advance(29s);
    QVERIFY(!kindsOf({"posts"}).contains(CacheEventKind::BecameStale));
    h->clock.advance(1s);
    QCOMPARE(kindsOf({"posts"}).last(), CacheEventKind::BecameStale);
    QCOMPARE(eventsOf({"posts"}).last().time, fetchedAt + 30s);
    QCOMPARE(textsOf({"posts"}).last(), QStringLiteral("became stale (stale time 30 s)"));

    // A refetch starts the count again; an invalidation before the time is up tells it instead.
    o->refetch();
    QTRY_COMPARE(kindsOf({"posts"}).last(), CacheEventKind::NotModified);
    h->clock.advance(10s);
    h->client.invalidateQueries({.key = QueryKey{"posts"}, .exact = true}, RefetchType::None);
    h->clock.advance(30s);
    QCOMPARE(kindsOf({"posts"}).count(CacheEventKind::BecameStale), 1);
}

void tst_CacheEventLog::evictedAndRemoved()
{
    h->client.setQueryData({"gone"}, Json::object({{u"id", 1}}));
    h->client.setQueryData({"removed"}, Json::object({{u"id", 2}}));
    const CacheEvent created = eventsOf({"gone"}).first();
    QCOMPARE(h->client.removeQueries({.key = QueryKey{"removed"}, .exact = true}), 1);
    QCOMPARE(kindsOf({"removed"}).last(), CacheEventKind::Removed);
    QVERIFY(!kindsOf({"removed"}).contains(CacheEventKind::Evicted));

    h->clock.advance(5min);
    QVERIFY(!h->client.query({"gone"}));
    // The entry is gone; its events still name it.
    QCOMPARE(log->keyOf(created.serial, created.slot), QueryKey{"gone"});
    QVERIFY(!log->entry(created));
    QCOMPARE(kindsOf({"gone"}).last(), CacheEventKind::Evicted);
    QCOMPARE(textsOf({"gone"}).last(), QStringLiteral("evicted by gc"));

    // A new entry in the same slot is another entry.
    h->client.setQueryData({"next"}, Json::object({{u"id", 3}}));
    const CacheEvent next = eventsOf({"next"}).first();
    QCOMPARE(next.slot, created.slot);
    QVERIFY(next.serial != created.serial);
    QCOMPARE(log->keyOf(created.serial, created.slot), QueryKey{"gone"});
}

void tst_CacheEventLog::optionsAndUnmount()
{
    h->fixture.setJson("/posts", "[1]");
    QueryOptions fresh;
    fresh.staleTime = Millis::max();   // enabling it again fetches nothing
    QueryObserver *o = observe({"posts"}, "/posts", fresh);
    QTRY_VERIFY(o->isSuccess());
    o->setEnabled(false);
    o->setEnabled(true);
    observers.clear();
    const QStringList texts = textsOf({"posts"});
    QCOMPARE(texts.mid(texts.size() - 3), (QStringList{"disabled by its view", "enabled by its view",
                                                       "unmounted (0 observers left)"}));
}

void tst_CacheEventLog::restoredFromTheSavedCache()
{
    QVERIFY(h->client.hydrate(DehydratedQuery{.key = {"saved"}, .data = Json::array({1}), .updatedAt = h->clock.now() - 1h}));
    QCOMPARE(kindsOf({"saved"}), (QList<CacheEventKind>{CacheEventKind::Created, CacheEventKind::Restored}));
    QCOMPARE(textsOf({"saved"}).last(), QStringLiteral("restored from the saved cache (stale until refetched)"));
}

void tst_CacheEventLog::requestHidesCredentials()
{
    h->fixture.setJson("/secret", "[]");
    QUrl base = h->fixture.baseUrl();
    base.setUserInfo(QStringLiteral("ada:hunter2"));
    Endpoint endpoint(&h->transport, EndpointConfig{.baseUrl = base, .headers = {{"Authorization", "Bearer t0k3n"}}});
    QueryOptions o;
    o.key = {"secret"};
    o.fn = endpoint.get("/secret", QUrlQuery("page=2&access_token=abc&api_key=xyz"));
    observers.push_back(std::make_unique<QueryObserver>(&h->client, o));
    QTRY_VERIFY(observers.back()->isSuccess());
    const std::optional<CacheRequestRecord> request = log->lastRequest(observers.back()->query());
    QVERIFY(request);
    const QString shown = request->request.url.toString();
    QVERIFY2(!shown.contains(u"ada") && !shown.contains(u"hunter2"), qPrintable(shown));
    QVERIFY2(!shown.contains(u"abc") && !shown.contains(u"xyz"), qPrintable(shown));
    QVERIFY2(shown.contains(u"page=2") && shown.contains(u"access_token=redacted"), qPrintable(shown));
}

void tst_CacheEventLog::batchedOncePerTurn()
{
    QSignalSpy added(log.get(), &CacheEventLog::eventsAdded);
    QVERIFY(added.isValid());
    for (int i = 0; i < 1000; ++i)
        h->client.setQueryData({"item", i}, Json::object({{u"id", i}}));
    QCOMPARE(added.count(), 0);
    QTRY_COMPARE(added.count(), 1);
    QCoreApplication::processEvents();
    QCOMPARE(added.count(), 1);
    QCOMPARE(log->endSeq() - log->firstSeq(), 2000u);   // created + data set, each
}

void tst_CacheEventLog::ringIsBounded()
{
    log.reset();
    log = std::make_unique<CacheEventLog>(&h->client, 16);
    QCOMPARE(log->capacity(), 16);
    for (int i = 0; i < 100; ++i) {
        h->client.setQueryData({"item", i}, Json::object({{u"id", i}}));
        h->client.removeQueries({.key = QueryKey{"item", i}, .exact = true});
    }
    QCOMPARE(log->endSeq(), 300u);
    QCOMPARE(log->firstSeq(), 284u);
    // Keys of gone entries are kept only while their events are.
    QCOMPARE(log->keyOf(log->at(log->endSeq() - 1).serial, CacheEvent::NoSlot), (QueryKey{"item", 99}));
    QVERIFY(log->keyOf(1, CacheEvent::NoSlot).isEmpty());
}

void tst_CacheEventLog::withoutLogTheClientWorks()
{
    log.reset();
    QVERIFY(!CacheEventLog::of(&h->client));
    h->fixture.setJson("/posts", "[1]");
    QueryObserver *o = observe({"posts"}, "/posts");
    QTRY_VERIFY(o->isSuccess());
    QCOMPARE(h->client.invalidateQueries({.key = QueryKey{"posts"}}), 1);
    QTRY_COMPARE(h->fixture.count("GET", "/posts"), 2);
}

QTEST_GUILESS_MAIN(tst_CacheEventLog)
#include "tst_cacheeventlog.moc"
