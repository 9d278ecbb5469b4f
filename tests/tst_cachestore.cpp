#include "core/persist/cachestore.h"
#include "core/persist/storefile.h"
#include "support/clientharness.h"
#include "support/storeinspection.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace std::chrono_literals;

namespace {

// One run of an app: a client, its file and its store. A second Session on the same path is the next start.
struct Session
{
    Session(const QString &path, ManualClock *clock, CacheStoreOptions options = {})
        : client(ClientConfig{.clock = clock, .focus = &focus, .online = &online})
    {
        if (!file.open(path))
            qFatal("cannot open %s", qPrintable(path));
        store = std::make_unique<CacheStore>(&file, &client, std::move(options));
    }
    ~Session() { store.reset(); }   // before the client, as the store asks

    FocusSource focus;
    OnlineSource online;
    QueryClient client;
    StoreFile file;
    std::unique_ptr<CacheStore> store;
};

Json post(int id, const QString &title)
{
    return Json::object({{u"id", id}, {u"title", title}});
}

} // namespace

// The query cache in SQLite: what is saved and put back, when it is written, and what happens to old, foreign,
// damaged or other-version files.
class tst_CacheStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void roundTrip();
    void numbersComeBackDigitForDigit();
    void onlyChangedRowsAreWritten();
    void writesAreDebounced();
    void steadyChangesAreStillWritten();
    void destructionWritesWhatIsPending();
    void hydratedDataShowsAtOnceAndRevalidates();
    void newerDataInTheCacheIsKept();
    void oldEntriesAreDroppedAtLoad();
    void removedEntriesAreDeleted();
    void entriesWithoutDataAreNotSaved();
    void anotherIdentityIsDropped();
    void keyPrefixLimitsWhatIsSaved();
    void sizeCaps();
    void otherSchemaVersionIsMovedAside();
    void garbageFileIsMovedAside();
    void damagedPagesAreMovedAside();
    void secondOpenOfTheSameFileClosesTheFirst();
    void removeDeletesTheFileAndWhatWasMovedAside();
    void hydrateTenThousandEntries();

private:
    QString path() const { return dir->filePath(QStringLiteral("api.sqlite")); }
    QueryOptions postsQuery() const
    {
        QueryOptions o = h->options(QueryKey{"api", "posts"}, QStringLiteral("/posts"));
        o.tagsFrom = [](const Json &rows) {
            TagList tags{{"Post", "LIST"}};
            for (const Json &row : rows)
                tags.append({"Post", row["id"]});
            return tags;
        };
        return o;
    }

    std::unique_ptr<QTemporaryDir> dir;
    std::unique_ptr<ClientHarness> h;
};

void tst_CacheStore::init()
{
    dir = std::make_unique<QTemporaryDir>();
    QVERIFY(dir->isValid());
    h = std::make_unique<ClientHarness>();
}

void tst_CacheStore::cleanup()
{
    h.reset();
    dir.reset();
}

void tst_CacheStore::roundTrip()
{
    h->fixture.setJson(QStringLiteral("/posts"), R"([{"id":1,"title":"One"},{"id":2,"title":"Two"}])");
    h->fixture.route("GET", QStringLiteral("/page"), [](const RecordedRequest &) {
        Response r = Response::json(R"([{"id":3}])");
        r.headers.emplaceBack("X-Total-Count", "42");
        return r;
    });
    TimePoint fetchedAt;
    {
        Session first(path(), &h->clock);
        QueryObserver posts(&first.client, postsQuery());
        QueryObserver page(&first.client, h->options(QueryKey{"api", "page", Json::object({{u"_page", 1}})}, QStringLiteral("/page")));
        QTRY_VERIFY(posts.isSuccess() && page.isSuccess());
        fetchedAt = posts.dataUpdatedAt();
        h->clock.advance(10ms);
        first.client.setQueryData(QueryKey{"api", "users", 1}, Json::object({{u"id", 1}, {u"name", QStringLiteral("Zoë")}}),
                                  {{"User", 1}});
        QVERIFY(first.store->flush());
        QCOMPARE(first.store->stats().written, 3);
        QCOMPARE(first.store->stats().flushes, 1);
    }
    QCOMPARE(rowCount(path(), "queries"), 3);
    // Other users of the machine cannot read what the API answered.
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther
        | QFileDevice::WriteOther;
    QCOMPARE(QFileInfo(path()).permissions() & others, QFileDevice::Permissions());

    Session second(path(), &h->clock);
    QCOMPARE(second.store->stats().hydrated, 3);
    QCOMPARE(second.client.queryData(QueryKey{"api", "posts"}),
             Json::parse(R"([{"id":1,"title":"One"},{"id":2,"title":"Two"}])"));
    const Query *posts = second.client.query(QueryKey{"api", "posts"});
    QCOMPARE(posts->dataUpdatedAt(), fetchedAt);
    QVERIFY(!posts->etag().isEmpty());
    QVERIFY(!posts->lastModified().isEmpty());
    QCOMPARE(posts->status(), QueryStatus::Success);
    QCOMPARE(second.client.query(QueryKey{"api", "page", Json::object({{u"_page", 1}})})->meta()["total"].toInteger(), 42);
    QCOMPARE(second.client.queryData(QueryKey{"api", "users", 1})["name"].toString(), QStringLiteral("Zoë"));
    // The tags came back too: a write to post 2 or user 1 reaches the saved entries before any view asked.
    QCOMPARE(second.client.invalidateTags({{"Post", 2}}, RefetchType::None), 1);
    QCOMPARE(second.client.invalidateTags({{"User", 1}}, RefetchType::None), 1);

    // Mounting revalidates with the saved ETag: the server answers 304 and the data stays.
    QueryObserver view(&second.client, postsQuery());
    QTRY_COMPARE(h->fixture.count("GET", QStringLiteral("/posts")), 2);
    QTRY_VERIFY(!view.isFetching());
    QCOMPARE(h->fixture.requests().last().headers.value("if-none-match"), posts->etag());
    QCOMPARE(view.data().size(), 2);
}

// Numbers that neither an int64 nor a double holds (Json keeps them as their text) come back from the file as
// the server sent them, in the data, in a key and in a tag: nothing rounds on the way through SQLite.
void tst_CacheStore::numbersComeBackDigitForDigit()
{
    const QByteArray body = R"([{"id":12345678901234567890123,"price":0.1000000000000000055511151231257827,)"
                            R"("id64":9007199254740993,"huge":1e400,"tiny":-2.5e-400,"ratio":0.5}])";
    h->fixture.setJson(QStringLiteral("/posts"), body);
    const QueryKey bigKey{"api", "posts", Json::parse("12345678901234567890124")};
    {
        Session first(path(), &h->clock);
        QueryObserver posts(&first.client, postsQuery());
        QTRY_VERIFY(posts.isSuccess());
        QVERIFY(posts.data()[0]["id"].isTextNumber());
        first.client.setQueryData(bigKey, Json::parse(R"({"id":12345678901234567890124,"n":3.141592653589793238462643383279})"));
        QVERIFY(first.store->flush());
    }
    Session second(path(), &h->clock);
    QCOMPARE(second.store->stats().hydrated, 2);
    const Json rows = second.client.queryData(QueryKey{"api", "posts"});
    QCOMPARE(rows.toJson(), body);
    QVERIFY(rows[0]["id"].isTextNumber());
    QVERIFY(rows[0]["price"].isTextNumber());
    QVERIFY(rows[0]["id64"].isInteger());
    QCOMPARE(second.client.queryData(bigKey).toJson(),
             QByteArray(R"({"id":12345678901234567890124,"n":3.141592653589793238462643383279})"));
    // The key is found by the same number however it is written, and not by its neighbour.
    QVERIFY(!second.client.queryData(QueryKey{"api", "posts", Json::parse("1.2345678901234567890124e22")}).isUndefined());
    QVERIFY(second.client.queryData(QueryKey{"api", "posts", Json::parse("12345678901234567890123")}).isUndefined());
    // The tag of the 23-digit id came back too: a write to that record reaches the saved list.
    QCOMPARE(second.client.invalidateTags({{"Post", Json::parse("12345678901234567890123")}}, RefetchType::None), 1);
    QCOMPARE(second.client.invalidateTags({{"Post", Json::parse("12345678901234567890122")}}, RefetchType::None), 0);
}

void tst_CacheStore::onlyChangedRowsAreWritten()
{
    Session s(path(), &h->clock);
    for (int i = 0; i < 100; ++i)
        s.client.setQueryData(QueryKey{"api", "posts", i}, post(i, QStringLiteral("Post %1").arg(i)));
    QCOMPARE(s.store->pendingCount(), 100);
    QVERIFY(s.store->flush());
    QCOMPARE(s.store->stats().written, 100);
    QCOMPARE(rowCount(path(), "queries"), 100);

    // One entry changes: one row is written, in one transaction.
    h->clock.advance(1s);
    s.client.setQueryData(QueryKey{"api", "posts", 7}, post(7, QStringLiteral("Edited")));
    QCOMPARE(s.store->pendingCount(), 1);
    QVERIFY(s.store->flush());
    QCOMPARE(s.store->stats().written, 101);
    QCOMPARE(s.store->stats().flushes, 2);
    QCOMPARE(storedData(path(), QueryKey{"api", "posts", 7})["title"].toString(), QStringLiteral("Edited"));

    // The same JSON again (a refetch that changed nothing): only its time is updated, the data is not rewritten.
    h->clock.advance(1s);
    s.client.setQueryData(QueryKey{"api", "posts", 8}, post(8, QStringLiteral("Post 8")));
    QVERIFY(s.store->flush());
    QCOMPARE(s.store->stats().written, 101);
    QCOMPARE(s.store->stats().touched, 1);
    QCOMPARE(storedUpdatedAt(path(), QueryKey{"api", "posts", 8}), h->clock.now());

    // Nothing pending: no transaction at all.
    QVERIFY(s.store->flush());
    QCOMPARE(s.store->stats().flushes, 3);
}

void tst_CacheStore::writesAreDebounced()
{
    Session s(path(), &h->clock, {.writeDelay = 1000ms, .maxWriteDelay = 10000ms});
    s.client.setQueryData(QueryKey{"api", "a"}, post(1, QStringLiteral("a")));
    h->clock.advance(999ms);
    QCOMPARE(rowCount(path(), "queries"), 0);
    // A change before the delay is over starts it again.
    s.client.setQueryData(QueryKey{"api", "b"}, post(2, QStringLiteral("b")));
    h->clock.advance(999ms);
    QCOMPARE(rowCount(path(), "queries"), 0);
    QCOMPARE(s.store->stats().flushes, 0);
    h->clock.advance(1ms);
    QCOMPARE(rowCount(path(), "queries"), 2);
    QCOMPARE(s.store->stats().flushes, 1);
    QCOMPARE(s.store->pendingCount(), 0);
}

void tst_CacheStore::steadyChangesAreStillWritten()
{
    // A poll every 500 ms never leaves the cache alone for the write delay: the maximum delay still writes.
    Session s(path(), &h->clock, {.writeDelay = 1000ms, .maxWriteDelay = 5000ms});
    int flushedAt = -1;
    for (int step = 1; step <= 12 && flushedAt < 0; ++step) {
        s.client.setQueryData(QueryKey{"api", "polled"}, post(1, QString::number(step)));
        h->clock.advance(500ms);
        if (s.store->stats().flushes > 0)
            flushedAt = step * 500;
    }
    QCOMPARE(flushedAt, 5000);
    QCOMPARE(rowCount(path(), "queries"), 1);
}

void tst_CacheStore::destructionWritesWhatIsPending()
{
    {
        Session s(path(), &h->clock, {.writeDelay = 60000ms});
        s.client.setQueryData(QueryKey{"api", "a"}, post(1, QStringLiteral("a")));
        QCOMPARE(rowCount(path(), "queries"), 0);
    }
    QCOMPARE(rowCount(path(), "queries"), 1);
}

void tst_CacheStore::hydratedDataShowsAtOnceAndRevalidates()
{
    {
        Session first(path(), &h->clock);
        first.client.setQueryData(QueryKey{"api", "posts"}, Json::parse(R"([{"id":1,"title":"Saved"}])"));
    }
    h->fixture.setJson(QStringLiteral("/posts"), R"([{"id":1,"title":"Current"}])");
    h->clock.advance(1min);

    Session second(path(), &h->clock);
    // Before any view: the saved data is there, and stale.
    QCOMPARE(second.client.queryData(QueryKey{"api", "posts"})[0]["title"].toString(), QStringLiteral("Saved"));
    QVERIFY(second.client.query(QueryKey{"api", "posts"})->isInvalidated());

    // A view that thinks its data never goes stale still shows the saved rows at once and refetches them.
    QueryOptions o = postsQuery();
    o.staleTime = Millis::max();
    QueryObserver view(&second.client, o);
    QVERIFY(view.isSuccess());
    QVERIFY(!view.isLoading());
    QVERIFY(view.isStale());
    QCOMPARE(view.data()[0]["title"].toString(), QStringLiteral("Saved"));
    QTRY_COMPARE(view.data()[0]["title"].toString(), QStringLiteral("Current"));
    QCOMPARE(h->fixture.count("GET", QStringLiteral("/posts")), 1);
    QVERIFY(!view.isStale());
}

void tst_CacheStore::newerDataInTheCacheIsKept()
{
    {
        Session first(path(), &h->clock);
        first.client.setQueryData(QueryKey{"api", "a"}, post(1, QStringLiteral("saved")));
    }
    h->clock.advance(1s);
    FocusSource focus;
    OnlineSource online;
    QueryClient client(ClientConfig{.clock = &h->clock, .focus = &focus, .online = &online});
    client.setQueryData(QueryKey{"api", "a"}, post(1, QStringLiteral("newer")));
    StoreFile file;
    QVERIFY(file.open(path()));
    CacheStore store(&file, &client);
    QCOMPARE(store.stats().hydrated, 0);
    QCOMPARE(client.queryData(QueryKey{"api", "a"})["title"].toString(), QStringLiteral("newer"));
}

void tst_CacheStore::oldEntriesAreDroppedAtLoad()
{
    const TimePoint start = h->clock.now();
    {
        Session first(path(), &h->clock);
        first.client.setQueryData(QueryKey{"api", "old"}, post(1, QStringLiteral("old")));
    }
    h->clock.advance(2h);
    {
        Session later(path(), &h->clock);
        later.client.setQueryData(QueryKey{"api", "recent"}, post(2, QStringLiteral("recent")));
    }
    QCOMPARE(rowCount(path(), "queries"), 2);

    h->clock.setNow(start + 25h);   // "old" is 25 h old, "recent" 23 h
    {
        Session second(path(), &h->clock);
        QCOMPARE(second.store->stats().hydrated, 1);
        QCOMPARE(second.store->stats().dropped, 1);
        QVERIFY(second.client.queryData(QueryKey{"api", "old"}).isUndefined());
        QCOMPARE(second.client.queryData(QueryKey{"api", "recent"})["title"].toString(), QStringLiteral("recent"));
    }
    QCOMPARE(rowCount(path(), "queries"), 1);

    // The maximum age is an option.
    Session third(path(), &h->clock, {.maxAge = 1h});
    QCOMPARE(third.store->stats().hydrated, 0);
    QCOMPARE(rowCount(path(), "queries"), 0);
}

void tst_CacheStore::removedEntriesAreDeleted()
{
    Session s(path(), &h->clock);
    for (int i = 0; i < 3; ++i)
        s.client.setQueryData(QueryKey{"api", "posts", i}, post(i, QStringLiteral("p")));
    QVERIFY(s.store->flush());
    QCOMPARE(rowCount(path(), "queries"), 3);

    s.client.removeQueries({.key = QueryKey{"api", "posts", 0}, .exact = true});
    QVERIFY(s.store->flush());
    QCOMPARE(rowCount(path(), "queries"), 2);
    QCOMPARE(s.store->stats().deleted, 1);

    // An observed entry that is reset loses its data, and its row.
    h->fixture.route("GET", QStringLiteral("/posts/1"), [](const RecordedRequest &) {
        Response r = Response::json("{}");
        r.fault = Response::Fault::Hold;
        return r;
    });
    QueryObserver view(&s.client, h->options(QueryKey{"api", "posts", 1}, QStringLiteral("/posts/1")));
    s.client.resetQueries({.key = QueryKey{"api", "posts", 1}, .exact = true});
    QVERIFY(s.store->flush());
    QCOMPARE(rowCount(path(), "queries"), 1);

    // Entries evicted by gc go from the file too (the file follows the cache).
    h->clock.advance(6min);
    QVERIFY(s.client.queryData(QueryKey{"api", "posts", 2}).isUndefined());
    QVERIFY(s.store->flush());
    QCOMPARE(rowCount(path(), "queries"), 0);

    // Removed, then made again before the write: the new one is saved.
    s.client.setQueryData(QueryKey{"api", "again"}, post(9, QStringLiteral("first")));
    QVERIFY(s.store->flush());
    s.client.removeQueries({.key = QueryKey{"api", "again"}, .exact = true});
    s.client.setQueryData(QueryKey{"api", "again"}, post(9, QStringLiteral("second")));
    QVERIFY(s.store->flush());
    QCOMPARE(storedData(path(), QueryKey{"api", "again"})["title"].toString(), QStringLiteral("second"));
}

void tst_CacheStore::entriesWithoutDataAreNotSaved()
{
    h->fixture.route("GET", QStringLiteral("/broken"), [](const RecordedRequest &) {
        return Response::json(R"({"error":"down"})", 503);
    });
    h->fixture.route("GET", QStringLiteral("/slow"), [](const RecordedRequest &) {
        Response r = Response::json("[]");
        r.fault = Response::Fault::Hold;
        return r;
    });
    Session s(path(), &h->clock);
    QueryOptions broken = h->options(QueryKey{"api", "broken"}, QStringLiteral("/broken"));
    broken.retry = RetryPolicy::none();
    QueryObserver failing(&s.client, broken);
    QueryObserver pending(&s.client, h->options(QueryKey{"api", "slow"}, QStringLiteral("/slow")));
    QTRY_VERIFY(failing.isError());
    QTRY_COMPARE(h->fixture.heldRequests().size(), 1);
    QVERIFY(pending.isPending());
    QVERIFY(s.store->flush());
    QCOMPARE(rowCount(path(), "queries"), 0);

    // Data that a failed refetch keeps is saved: it is what the view shows.
    s.client.setQueryData(QueryKey{"api", "broken"}, Json::parse("[1]"));
    failing.refetch();
    QTRY_VERIFY(failing.error());
    QVERIFY(s.store->flush());
    QCOMPARE(rowCount(path(), "queries"), 1);
    h->fixture.releaseAll();
}

void tst_CacheStore::anotherIdentityIsDropped()
{
    {
        Session a(path(), &h->clock, {.identity = QStringLiteral("https://one.example")});
        a.client.setQueryData(QueryKey{"api", "posts"}, post(1, QStringLiteral("from one")));
    }
    {
        Session again(path(), &h->clock, {.identity = QStringLiteral("https://one.example")});
        QCOMPARE(again.store->stats().hydrated, 1);
    }
    // Same endpoint id, another server: nothing of the first may show, and nothing of it stays.
    Session b(path(), &h->clock, {.identity = QStringLiteral("https://two.example")});
    QCOMPARE(b.store->stats().hydrated, 0);
    QCOMPARE(b.store->stats().dropped, 1);
    QVERIFY(b.client.queryData(QueryKey{"api", "posts"}).isUndefined());
    QCOMPARE(rowCount(path(), "queries"), 0);
}

void tst_CacheStore::keyPrefixLimitsWhatIsSaved()
{
    {
        Session s(path(), &h->clock, {.keyPrefix = QueryKey{"api"}});
        s.client.setQueryData(QueryKey{"api", 1}, post(1, QStringLiteral("mine")));
        s.client.setQueryData(QueryKey{"other", 1}, post(1, QStringLiteral("not mine")));
        s.client.removeQueries({.key = QueryKey{"other"}});
    }
    QCOMPARE(rowCount(path(), "queries"), 1);
    Session next(path(), &h->clock, {.keyPrefix = QueryKey{"api"}});
    QCOMPARE(next.store->stats().hydrated, 1);
    QVERIFY(next.client.queryData(QueryKey{"other", 1}).isUndefined());
}

void tst_CacheStore::sizeCaps()
{
    const QString big(400, u'x');
    {
        Session s(path(), &h->clock, {.maxEntryBytes = 200});
        QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral("not saving .*over the limit of 200")));
        s.client.setQueryData(QueryKey{"api", "big"}, post(1, big));
        for (int i = 0; i < 3; ++i) {
            h->clock.advance(1s);
            s.client.setQueryData(QueryKey{"api", "small", i}, post(i, QStringLiteral("small")));
        }
    }
    QCOMPARE(rowCount(path(), "queries"), 3);
    // Each small entry is 24 bytes of JSON: a cap of 60 keeps the two newest.
    Session next(path(), &h->clock, {.maxBytes = 60});
    QCOMPARE(next.store->stats().hydrated, 2);
    QVERIFY(next.client.queryData(QueryKey{"api", "small", 0}).isUndefined());
    QVERIFY(!next.client.queryData(QueryKey{"api", "small", 2}).isUndefined());
    QCOMPARE(rowCount(path(), "queries"), 2);
}

void tst_CacheStore::otherSchemaVersionIsMovedAside()
{
    {
        const QString name = QStringLiteral("tst-version");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(path());
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE queries (k TEXT)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO queries VALUES ('from the future')")));
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version=99")));
        }
        QSqlDatabase::removeDatabase(name);
    }
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("moved .*api.sqlite aside to .*api.sqlite.version-99 "
                                                                         "because it has schema version 99")));
    Session s(path(), &h->clock);
    QCOMPARE(s.file.movedAside(), path() + QStringLiteral(".version-99"));
    QVERIFY(QFile::exists(s.file.movedAside()));
    QCOMPARE(s.store->stats().hydrated, 0);
    QCOMPARE(userVersion(path()), StoreFile::SchemaVersion);
    // A clean start that works.
    s.client.setQueryData(QueryKey{"api", "a"}, post(1, QStringLiteral("a")));
    QVERIFY(s.store->flush());
    QCOMPARE(rowCount(path(), "queries"), 1);
}

void tst_CacheStore::garbageFileIsMovedAside()
{
    QByteArray garbage;
    for (int i = 0; i < 8192; ++i)
        garbage.append(char((i * 7919) & 0xff));
    {
        QFile f(path());
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(garbage);
    }
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("moved .* aside to .*api.sqlite.corrupt because SQLite cannot read it")));
    {
        Session s(path(), &h->clock);
        QCOMPARE(s.file.movedAside(), path() + QStringLiteral(".corrupt"));
        QCOMPARE(s.store->stats().hydrated, 0);
        s.client.setQueryData(QueryKey{"api", "a"}, post(1, QStringLiteral("after")));
    }
    // Nothing lost: the bad file is kept as it was, beside the new one.
    QFile aside(path() + QStringLiteral(".corrupt"));
    QVERIFY(aside.open(QIODevice::ReadOnly));
    QCOMPARE(aside.readAll(), garbage);
    Session next(path(), &h->clock);
    QCOMPARE(next.store->stats().hydrated, 1);
    QVERIFY(next.file.movedAside().isEmpty());
}

void tst_CacheStore::damagedPagesAreMovedAside()
{
    // A real SQLite file whose header is fine but whose data pages are not: found while reading the entries.
    {
        Session s(path(), &h->clock);
        for (int i = 0; i < 200; ++i)
            s.client.setQueryData(QueryKey{"api", i}, post(i, QString(300, QChar(u'a' + i % 26))));
    }
    QFile f(path());
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.size() > 16 * 4096);
    QVERIFY(f.seek(4 * 4096));
    f.write(QByteArray(8 * 4096, '\xa5'));
    f.close();

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("SQLite: database disk image is malformed")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("moved .* aside to .*api.sqlite.corrupt because SQLite cannot read it")));
    Session s(path(), &h->clock);
    QCOMPARE(s.file.movedAside(), path() + QStringLiteral(".corrupt"));
    QVERIFY(QFile::exists(s.file.movedAside()));
    // Whatever was read before the damage showed is shown, and saved again into the new file, which works.
    const int shown = s.store->stats().hydrated;
    QVERIFY(shown < 200);
    s.client.setQueryData(QueryKey{"api", "after"}, post(1, QStringLiteral("after")));
    QVERIFY(s.store->flush());
    QCOMPARE(rowCount(path(), "queries"), shown + 1);
    QCOMPARE(userVersion(path()), StoreFile::SchemaVersion);
}

void tst_CacheStore::secondOpenOfTheSameFileClosesTheFirst()
{
    // An endpoint made again (its settings changed) opens its file while the old one is still going away: the
    // old store writes what it held first, so the new one reads it.
    Session first(path(), &h->clock, {.writeDelay = 60000ms});
    first.client.setQueryData(QueryKey{"api", "a"}, post(1, QStringLiteral("a")));
    first.client.removeQueries({.key = QueryKey{"api"}});   // what the window does to a retired endpoint

    first.client.setQueryData(QueryKey{"api", "b"}, post(2, QStringLiteral("b")));
    Session second(path(), &h->clock);
    QVERIFY(!first.file.isOpen());
    QCOMPARE(second.store->stats().hydrated, 1);
    QVERIFY(second.client.queryData(QueryKey{"api", "a"}).isUndefined());
    // The old store is off the file for good.
    first.client.setQueryData(QueryKey{"api", "c"}, post(3, QStringLiteral("c")));
    QCOMPARE(first.store->pendingCount(), 0);
}

void tst_CacheStore::removeDeletesTheFileAndWhatWasMovedAside()
{
    // An endpoint removed for good: its file goes, open or not, with everything of it, and nothing of another's.
    const QStringList ours{QStringLiteral("api.sqlite.corrupt"), QStringLiteral("api.sqlite.corrupt-wal"),
                           QStringLiteral("api.sqlite.version-99"), QStringLiteral("api.sqlite.version-99-wal"),
                           QStringLiteral("api.sqlite.version-0-shm")};
    const QStringList others{QStringLiteral("api2.sqlite"), QStringLiteral("xapi.sqlite"), QStringLiteral("api.sqlite.bak"),
                             QStringLiteral("api.sqlite.version-x"), QStringLiteral("api.sqlite2.corrupt")};
    for (const QString &name : ours + others) {
        QFile f(dir->filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x");
    }
    Session s(path(), &h->clock, {.writeDelay = 60000ms});
    s.client.setQueryData(QueryKey{"api", "a"}, post(1, QStringLiteral("a")));
    QVERIFY(s.store->flush());
    s.client.setQueryData(QueryKey{"api", "b"}, post(2, QStringLiteral("b")));
    QVERIFY(QFile::exists(path() + QStringLiteral("-wal")));

    QVERIFY(StoreFile::remove(path()));
    QVERIFY(!s.file.isOpen());
    QStringList left = QDir(dir->path()).entryList(QDir::Files);
    QStringList expected = others;
    left.sort();
    expected.sort();
    QCOMPARE(left, expected);
    // The store that had it open writes nothing back.
    s.client.setQueryData(QueryKey{"api", "c"}, post(3, QStringLiteral("c")));
    QCOMPARE(s.store->pendingCount(), 0);
    QVERIFY(s.store->flush());
    QVERIFY(!QFile::exists(path()));
    // Nothing there: nothing to do.
    QVERIFY(StoreFile::remove(path()));
}

void tst_CacheStore::hydrateTenThousandEntries()
{
    constexpr int Entries = 10000;
    {
        Session s(path(), &h->clock);
        for (int i = 0; i < Entries; ++i) {
            s.client.setQueryData(QueryKey{"api", "posts", i},
                                  Json::object({{u"id", i}, {u"userId", i % 10}, {u"title", QStringLiteral("Post number %1").arg(i)},
                                                {u"body", QStringLiteral("Some text of a typical record, about a hundred bytes long: %1").arg(i)}}),
                                  {{"Post", i}});
        }
        QVERIFY(s.store->flush());
    }
    Session next(path(), &h->clock);
    QCOMPARE(next.store->stats().hydrated, Entries);
    QCOMPARE(next.client.cache()->size(), Entries);
    QCOMPARE(next.client.invalidateTags({{"Post", 4321}}, RefetchType::None), 1);
    // A figure for the README, not an assertion: machines differ.
    qInfo("hydrated %d entries (about 170 bytes of JSON each) in %.1f ms", Entries,
          double(next.store->stats().hydrateNs) / 1e6);
}

QTEST_GUILESS_MAIN(tst_CacheStore)
#include "tst_cachestore.moc"
