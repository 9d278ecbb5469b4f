// The persistence workloads of refetch-bench (core/persist): how long a start takes to put 10,000 saved entries
// back into a fresh client (persist_hydrate), and what one write of 100 changed entries out of 10,000 costs
// (persist_flush). Both on a SQLite file in a temporary folder.

#include "benchutil.h"
#include "core/persist/cachestore.h"
#include "core/persist/storefile.h"
#include "core/client/queryclient.h"

#include <QTemporaryDir>

#include <memory>

using namespace refetch;
using namespace refetch::bench;

namespace {

constexpr int Entries = 10000;
constexpr int Changed = 100;

// A typical list row, about 170 bytes of JSON, with its detail tag.
Json record(int i, int version)
{
    return Json::object({{u"id", i}, {u"userId", i % 10}, {u"title", QStringLiteral("Post number %1").arg(i)},
                         {u"body", QStringLiteral("Some text of a typical record, about a hundred bytes long: %1").arg(i)},
                         {u"version", version}});
}

void fill(QueryClient &client, int version, int count)
{
    for (int i = 0; i < count; ++i)
        client.setQueryData(QueryKey{"bench", "posts", i}, record(i, version), {{"Post", i}});
}

} // namespace

void persistHydrateWorkload()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bench.sqlite"));
    {
        QueryClient client(ClientConfig{.defaultGcTime = Millis::max()});
        StoreFile file;
        if (!file.open(path))
            fail("persist_hydrate: cannot open the file");
        CacheStore store(&file, &client);
        fill(client, 0, Entries);
        if (!store.flush())
            fail("persist_hydrate: cannot write");
    }
    std::unique_ptr<QueryClient> client;
    std::unique_ptr<StoreFile> file;
    std::unique_ptr<CacheStore> store;
    const Timing t = measure([&] { client = std::make_unique<QueryClient>(ClientConfig{.defaultGcTime = Millis::max()}); },
        [&] {
            file = std::make_unique<StoreFile>();
            file->open(path);
            store = std::make_unique<CacheStore>(file.get(), client.get());
            return Entries;
        },
        [&](int) {
            if (store->stats().hydrated != Entries || client->cache()->size() != Entries)
                fail("persist_hydrate: not every entry came back");
            store.reset();
            file.reset();
            client.reset();
        });
    printLine({{"workload", "persist_hydrate"}, {"n", Entries}, {"ns_per_op", qRound(t.nsPerOp)},
               {"total_ms", qRound(t.nsPerOp * Entries / 1e4) / 100.0}, {"ops", t.ops}, {"reps", reps()},
               {"note", "open the SQLite file and put 10,000 saved entries (~170 B of JSON, one tag each) into a fresh client"}});
}

void persistFlushWorkload()
{
    QTemporaryDir dir;
    QueryClient client(ClientConfig{.defaultGcTime = Millis::max()});
    StoreFile file;
    if (!file.open(dir.filePath(QStringLiteral("bench.sqlite"))))
        fail("persist_flush: cannot open the file");
    CacheStore store(&file, &client);
    fill(client, 0, Entries);
    store.flush();
    int version = 0;
    qint64 writtenBefore = 0;
    const Timing t = measure([&] {
            ++version;
            writtenBefore = store.stats().written;
            // 100 entries spread over the cache change: the rest stay as they are on disk.
            for (int i = 0; i < Changed; ++i)
                client.setQueryData(QueryKey{"bench", "posts", i * (Entries / Changed)}, record(i, version), {{"Post", i}});
        },
        [&] {
            store.flush();
            return Changed;
        },
        [&](int) {
            if (store.stats().written - writtenBefore != Changed)
                fail("persist_flush: not exactly the changed rows were written");
        });
    printLine({{"workload", "persist_flush"}, {"n", Entries}, {"ns_per_op", qRound(t.nsPerOp)},
               {"total_us", qRound(t.nsPerOp * Changed / 1e3)}, {"ops", t.ops}, {"reps", reps()},
               {"note", "one transaction writing the 100 changed entries of 10,000 (synchronous=NORMAL, WAL)"}});
}
