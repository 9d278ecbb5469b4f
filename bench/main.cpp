// refetch-bench: the workloads of shared/bench/WORKLOADS.md on Refetch's query cache, printed as JSON lines
// (one per workload, one per n in a sweep) to compare side by side with the anchors (TanStack Query, RTK Query).
//
//   refetch-bench                      every workload
//   refetch-bench --only set_get,notify
//   REPS=9 refetch-bench               more repetitions (at least 5)

#include "benchutil.h"
#include "core/cache/hugepages.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <functional>
#include <malloc.h>

using namespace refetch;
using namespace refetch::bench;

namespace {

constexpr int Resources = 100;
constexpr int Pages = 1000;
constexpr int Entries = Resources * Pages;
constexpr int NotifyEntries = 10000;







QString resource(const char *prefix, int k)
{
    return QLatin1String(prefix) + QString::number(k);
}

// "r<k>" or "t<i>" formatted on the stack, for keys and data built in a timed loop: what C++ that makes many small
// strings does (QString::number + operator+ is two allocations and a copy, some 400-750 instructions per op that
// would be the benchmark's own).
class ShortText
{
public:
    ShortText(char prefix, qint64 k) : m_size(std::to_chars(m_text + 1, m_text + sizeof m_text, k).ptr - m_text)
    {
        m_text[0] = prefix;
    }
    QLatin1StringView view() const { return QLatin1StringView(m_text, m_size); }
    QString toString() const { return QString::fromLatin1(m_text, m_size); } // one allocation

private:
    char m_text[24];
    qsizetype m_size;
};

Json pageData(int p)
{
    return Json::object({{u"id", p}, {u"title", Json(u't' + QString::number(p))}});
}

// 100 resources x `pages` pages, key ["r<k>", {"page": p}], as in the anchors.
void populatePages(QueryClient &client, int pages)
{
    for (int k = 0; k < Resources; ++k) {
        const Json r(resource("r", k));
        for (int p = 0; p < pages; ++p)
            client.setQueryData(QueryKey{r, Json::object({{u"page", p}})}, pageData(p));
    }
}

// Entry i: key ["R<i%100>", i], tags {R<i%100>, i} and the bare type R<i%100>.
void populateTagged(QueryClient &client, int n)
{
    for (int i = 0; i < n; ++i) {
        const QString type = resource("R", i % Resources);
        client.setQueryData(QueryKey{Json(type), i}, Json::object({{u"id", i}, {u"title", Json(u't' + QString::number(i))}}),
                            TagList{Tag(type, qint64(i)), Tag(type)});
    }
}

int countInvalidated(const QueryClient &client)
{
    int c = 0;
    client.cache()->forEach({}, [&](Query *q) { c += q->isInvalidated(); });
    return c;
}

// Makes every entry valid again (untimed), as the anchors do between repetitions: setting the data anew.
void revalidateAll(QueryClient &client)
{
    client.cache()->forEach({}, [&](Query *q) {
        if (q->isInvalidated())
            client.setQueryData(q->key(), q->data());
    });
    client.notifier()->flush();
}

ClientConfig benchConfig()
{
    // gc as in the anchors (Node runs query-core with gcTime Infinity): no sweeps during a measurement.
    return ClientConfig{.defaultGcTime = Millis::max()};
}

void prefixInvalidate()
{
    QueryClient client(benchConfig());
    populatePages(client, Pages);
    const int ops = 100;
    const Timing t = measure([&] { revalidateAll(client); },
        [&] {
            for (int op = 0; op < ops; ++op)
                client.invalidateQueries({.key = QueryKey{ShortText('r', op % Resources).view()}}, RefetchType::None);
            return ops;
        },
        [&](int) { if (countInvalidated(client) != Entries) fail("prefix invalidated"); });
    printLine({{"workload", "prefix_invalidate"}, {"n", Entries}, {"ns_per_op", qRound(t.nsPerOp)}, {"ops", t.ops}, {"reps", reps()},
          {"note", "invalidateQueries({key:[r<k>]}, RefetchType::None): one key-index bucket, 1,000 entries touched"}});
}

void exactInvalidate(int n)
{
    QueryClient client(benchConfig());
    const int pages = n / Resources;
    populatePages(client, pages);
    const int ops = 1000;
    Seen seen(qsizetype(Resources) * pages);
    Lcg lcg;
    const Timing t = measure([&] { revalidateAll(client); seen.clear(); lcg = Lcg{}; },
        [&] {
            for (int op = 0; op < ops; ++op) {
                const int k = int(lcg.next() % Resources);
                const int p = int(lcg.next() % pages);
                client.invalidateQueries({.key = QueryKey{ShortText('r', k).view(), {{u"page", p}}}, .exact = true},
                                         RefetchType::None);
                seen.insert(k * pages + p);
            }
            return ops;
        },
        [&](int) { if (countInvalidated(client) != seen.size()) fail("exact invalidated"); });
    printLine({{"workload", "exact_invalidate"}, {"n", n}, {"ns_per_op", qRound(t.nsPerOp)}, {"ops", t.ops}, {"reps", reps()},
          {"huge_pages", hugePagesEnabled()},
          {"note", "invalidateQueries({key:[r<k>,{page:p}], exact:true}, None): key built and hashed, one table lookup"}});
}

void tagInvalidate(int n)
{
    QueryClient client(benchConfig());
    populateTagged(client, n);
    const int ops = 1000;
    Seen seen(n);
    Lcg lcg;
    const Timing t = measure([&] { revalidateAll(client); seen.clear(); lcg = Lcg{}; },
        [&] {
            for (int op = 0; op < ops; ++op) {
                const int i = int(lcg.next() % quint32(n));
                client.invalidateTags({Tag(ShortText('R', i % Resources).toString(), qint64(i))}, RefetchType::None);
                seen.insert(i);
            }
            return ops;
        },
        [&](int) { if (countInvalidated(client) != seen.size()) fail("tag invalidated"); });
    printLine({{"workload", "tag_invalidate"}, {"n", n}, {"ns_per_op", qRound(t.nsPerOp)}, {"ops", t.ops}, {"reps", reps()},
          {"huge_pages", hugePagesEnabled()},
          {"note", "invalidateTags({R<k>, i}, None): tag index lookup, one entry touched"}});
}

void typeInvalidate()
{
    QueryClient client(benchConfig());
    populateTagged(client, Entries);
    const int ops = 100;
    const Timing t = measure([&] { revalidateAll(client); },
        [&] {
            for (int op = 0; op < ops; ++op)
                client.invalidateTags({Tag(ShortText('R', op % Resources).toString())}, RefetchType::None);
            return ops;
        },
        [&](int) { if (countInvalidated(client) != Entries) fail("type invalidated"); });
    printLine({{"workload", "type_invalidate"}, {"n", Entries}, {"ns_per_op", qRound(t.nsPerOp)}, {"ops", t.ops}, {"reps", reps()},
          {"note", "invalidateTags({R<k>}, None): tag index lookup, 1,000 entries touched"}});
}

void setGet()
{
    std::unique_ptr<QueryClient> client;
    qint64 sum = 0;
    const qint64 expected = qint64(Entries) * (Entries - 1) / 2;
    const Timing t = measure([&] { client = std::make_unique<QueryClient>(benchConfig()); },
        [&] {
            qint64 s = 0;
            const Json item("item");
            for (int i = 0; i < Entries; ++i) {
                client->setQueryData(QueryKey{item, i}, Json::object({{u"id", i}, {u"title", ShortText('t', i).view()}}));
                s += client->queryData(QueryKey{item, i}).value(u"id").toInteger();
            }
            sum = s;
            return Entries;
        },
        [&](int) {
            if (sum != expected) fail("set_get checksum");
            if (client->cache()->size() != Entries) fail("set_get size");
            client.reset();
        });
    printLine({{"workload", "set_get"}, {"n", Entries}, {"ns_per_op", qRound(t.nsPerOp)}, {"ops", t.ops}, {"reps", reps()},
          {"note", "setQueryData([item,i],data) + queryData([item,i]) on a fresh client; data and key built in the loop"}});
}

void notifyWorkload()
{
    QueryClient client(benchConfig());
    for (int i = 0; i < NotifyEntries; ++i)
        client.setQueryData(QueryKey{"item", i}, Json::object({{u"id", i}, {u"v", -1}}));
    int calls = 0;
    int lastCalled = -1;
    std::vector<std::unique_ptr<QueryObserver>> observers;
    for (int i = 0; i < NotifyEntries; ++i) {
        QueryOptions o;
        o.key = QueryKey{"item", i};
        o.fn = [](const QueryFnContext &ctx) { ctx.resolve(Json::object({{u"id", ctx.key().part(1)}, {u"v", 0}})); };
        o.staleTime = Millis::max();
        observers.push_back(std::make_unique<QueryObserver>(&client, std::move(o)));
        QObject::connect(observers.back().get(), &QueryObserver::changed, [&calls, &lastCalled, i] { ++calls; lastCalled = i; });
    }
    client.notifier()->flush();
    const int ops = 10000;
    int version = 0;
    Lcg lcg;
    const Timing t = measure([&] { calls = 0; lcg = Lcg{}; },
        [&] {
            for (int op = 0; op < ops; ++op) {
                const int i = int(lcg.next() % NotifyEntries);
                client.setQueryData(QueryKey{"item", i}, Json::object({{u"id", i}, {u"v", ++version}}));
                // Observers signal once per event-loop turn: end the turn here.
                client.notifier()->flush();
                if (lastCalled != i)
                    fail("observer not called");
            }
            return ops;
        },
        [&](int ops) { if (calls != ops) fail("notify: one observer call per op"); });
    printLine({{"workload", "notify"}, {"n", NotifyEntries}, {"ns_per_op", qRound(t.nsPerOp)}, {"ops", t.ops}, {"reps", reps()},
          {"note", "QueryObserver per entry (staleTime max); setQueryData then the end-of-turn batch delivers one changed()"}});
}


// Run in a child process, so that every repetition starts from a fresh heap (freed memory is not given back).
int memoryChild()
{
    const qint64 rss0 = residentBytes();
    const size_t heap0 = mallinfo2().uordblks;
    auto client = std::make_unique<QueryClient>(benchConfig());
    populatePages(*client, Pages);
    const qint64 rss1 = residentBytes();
    const size_t heap1 = mallinfo2().uordblks;
    if (client->cache()->size() != Entries)
        fail("memory populated");
    std::printf("%lld %lld\n", (long long)(rss1 - rss0), (long long)(heap1 - heap0));
    return 0;
}

void memoryWorkload(const QString &self)
{
    std::vector<double> rss, heap;
    for (int r = 0; r <= reps(); ++r) {
        QProcess child;
        child.start(self, {QStringLiteral("--memory-child")});
        if (!child.waitForFinished(120000) || child.exitCode() != 0)
            fail("memory child");
        const QList<QByteArray> v = child.readAllStandardOutput().trimmed().split(' ');
        if (v.size() != 2)
            fail("memory child output");
        if (r > 0) {
            rss.push_back(v[0].toDouble() / Entries);
            heap.push_back(v[1].toDouble() / Entries);
        }
    }
    printLine({{"workload", "memory"}, {"n", Entries}, {"bytes_per_entry", qRound(median(rss))}, {"heap_bytes_per_entry", qRound(median(heap))},
          {"reps", reps()},
          {"note", "resident set growth for 100,000 entries set with setQueryData, in a fresh process per repetition; heap_bytes_per_entry: malloc in-use growth"}});
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("refetch-bench"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Runs the cache workloads of WORKLOADS.md and prints JSON lines."));
    parser.addHelpOption();
    QCommandLineOption only(QStringLiteral("only"), QStringLiteral("Comma-separated workloads to run."), QStringLiteral("ids"));
    QCommandLineOption child(QStringLiteral("memory-child"), QStringLiteral("Internal: one memory measurement."));
    QCommandLineOption sweep(QStringLiteral("sweep"), QStringLiteral("Entry counts for the exact/tag sweeps."), QStringLiteral("n,n"),
                             QStringLiteral("10000,100000,1000000"));
    QCommandLineOption soakCycles(QStringLiteral("soak-cycles"), QStringLiteral("Cycles of the soak run (--only soak)."),
                                  QStringLiteral("n"), QStringLiteral("10000"));
    QCommandLineOption noHugePages(QStringLiteral("no-huge-pages"),
                                   QStringLiteral("The cache's tables and arena on ordinary pages for the whole run (by default "
                                                  "they ask for huge pages, and the sweeps at 1,000,000 entries and more also "
                                                  "run once without)."));
    QCommandLineOption millionChildOption(QStringLiteral("million-child"),
                                          QStringLiteral("Internal: one measurement of a million rows."), QStringLiteral("what"));
    parser.addOptions({only, child, sweep, soakCycles, noHugePages, millionChildOption});
    parser.process(app);
    if (parser.isSet(noHugePages))
        setHugePagesEnabled(false);
    if (parser.isSet(child))
        return memoryChild();
    int millionChild(const QString &what);
    if (parser.isSet(millionChildOption))
        return millionChild(parser.value(millionChildOption));

    const QStringList wanted = parser.value(only).split(u',', Qt::SkipEmptyParts);
    auto want = [&](const char *id) { return wanted.isEmpty() || wanted.contains(QLatin1String(id)); };
    QList<int> sizes;
    for (const QString &s : parser.value(sweep).split(u',', Qt::SkipEmptyParts))
        sizes.append(s.toInt());

    // At a million entries the probe and the entry are trips to main memory: show them with and without huge pages.
    auto sweepRun = [&](const std::function<void(int)> &run) {
        for (int n : std::as_const(sizes))
            run(n);
        if (!hugePagesEnabled())
            return;
        setHugePagesEnabled(false);
        for (int n : std::as_const(sizes)) {
            if (n >= 1000000)
                run(n);
        }
        setHugePagesEnabled(true);
    };

    if (want("prefix_invalidate"))
        prefixInvalidate();
    if (want("exact_invalidate"))
        sweepRun(exactInvalidate);
    if (want("tag_invalidate"))
        sweepRun(tagInvalidate);
    if (want("type_invalidate"))
        typeInvalidate();
    if (want("set_get"))
        setGet();
    if (want("notify"))
        notifyWorkload();
    void mutationInvalidateWorkload();
    if (want("mutation_invalidate"))
        mutationInvalidateWorkload();
    if (want("memory"))
        memoryWorkload(QCoreApplication::applicationFilePath());
    void modelDiffOneWorkload();
    void modelDiffPercentWorkload();
    void modelMemoryWorkload();
    if (want("model_diff_one"))
        modelDiffOneWorkload();
    if (want("model_diff_percent"))
        modelDiffPercentWorkload();
    if (want("model_memory"))
        modelMemoryWorkload();
    void jsonParseWorkload();
    if (want("json_parse"))
        jsonParseWorkload();
    void inspectorUpdateWorkload();
    void inspectorOverheadWorkload();
    if (want("inspector_update"))
        inspectorUpdateWorkload();
    if (want("inspector_overhead"))
        inspectorOverheadWorkload();
    void persistHydrateWorkload();
    void persistFlushWorkload();
    if (want("persist_hydrate"))
        persistHydrateWorkload();
    if (want("persist_flush"))
        persistFlushWorkload();
    void referencePageWorkload();
    if (want("reference_page"))
        referencePageWorkload();
    void millionJumpWorkload();
    void millionMemoryWorkload();
    void millionExportWorkload();
    if (want("million_jump"))
        millionJumpWorkload();
    if (want("million_memory"))
        millionMemoryWorkload();
    if (want("million_export"))
        millionExportWorkload();
    void liveSseWorkload();
    void liveWebSocketWorkload();
    if (want("live_sse"))
        liveSseWorkload();
    if (want("live_websocket"))
        liveWebSocketWorkload();
    // The soak run takes a minute or two: only when asked for by name.
    void soakWorkload(int cycles);
    if (wanted.contains(QLatin1String("soak")))
        soakWorkload(parser.value(soakCycles).toInt());
    return 0;
}
