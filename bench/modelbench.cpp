// The model workloads of refetch-bench: a QueryTableModel over 100,000 rows refetched with one field of one row
// changed (model_diff_one) and with 1% of rows changed, 0.1% removed and 0.1% inserted (model_diff_percent), and
// the memory a shown row costs (model_memory, 1,000,000 rows). The refetch goes the way of a real one, minus the
// network: a fetch function resolves Json::parse(bytes) at once, then the notifier's end-of-turn flush delivers the
// change to the model, which diffs and signals. apply_ns runs from the bytes to the model's last signal.

#include "benchutil.h"
#include "core/models/querytablemodel.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <algorithm>
#include <cstdio>
#include <malloc.h>
#include <vector>

using namespace refetch;
using namespace refetch::bench;

namespace {






constexpr int Rows = 100000;
constexpr int MemoryRows = 1000000;
const char *const MemoryChildVariable = "REFETCH_BENCH_MODEL_MEMORY_CHILD";

void appendRow(QByteArray &out, int id, bool done, const char *title = "some title")
{
    out += R"({"id":)";
    out += QByteArray::number(id);
    out += R"(,"title":")";
    out += title;
    out += ' ';
    out += QByteArray::number(id);
    out += R"(","done":)";
    out += done ? "true" : "false";
    out += R"(,"score":)";
    out += QByteArray::number(id * 0.5);
    out += R"(,"tags":["a","b"],"owner":{"name":"x","age":3},"note":null})";
}

// Rows 0..n-1 as in WORKLOADS: {"id":i,"title":"some title i","done":false,"score":i*0.5,...}; `doneRow` has done
// true.
QByteArray payload(int n, int doneRow = -1)
{
    QByteArray out;
    out.reserve(qsizetype(n) * 130);
    out += '[';
    for (int i = 0; i < n; ++i) {
        if (i)
            out += ',';
        appendRow(out, i, i == doneRow);
    }
    out += ']';
    return out;
}

// 1% of rows with a new title (every 100th, from 7), 0.1% removed (every 1000th, from 500), 0.1% inserted (after
// every 1000th, from 250, with new ids).
QByteArray percentPayload(int n)
{
    QByteArray out;
    out.reserve(qsizetype(n) * 131);
    out += '[';
    bool first = true;
    auto comma = [&] {
        if (!first)
            out += ',';
        first = false;
    };
    for (int i = 0; i < n; ++i) {
        if (i % 1000 == 500)
            continue;
        comma();
        appendRow(out, i, false, i % 100 == 7 ? "changed title" : "some title");
        if (i % 1000 == 250) {
            comma();
            appendRow(out, n + i, false);
        }
    }
    out += ']';
    return out;
}

// Counts the model's signals and keeps the time of the last one.
struct SignalCounter
{
    int dataChanged = 0, rowsInserted = 0, rowsRemoved = 0, rowsMoved = 0, modelReset = 0, layoutChanged = 0;
    qint64 lastNs = 0;
    const QElapsedTimer *timer = nullptr;

    void connectTo(QAbstractItemModel *model, QObject *context)
    {
        auto stamp = [this] { lastNs = timer->nsecsElapsed(); };
        QObject::connect(model, &QAbstractItemModel::dataChanged, context, [this, stamp] { ++dataChanged; stamp(); });
        QObject::connect(model, &QAbstractItemModel::rowsInserted, context, [this, stamp] { ++rowsInserted; stamp(); });
        QObject::connect(model, &QAbstractItemModel::rowsRemoved, context, [this, stamp] { ++rowsRemoved; stamp(); });
        QObject::connect(model, &QAbstractItemModel::rowsMoved, context, [this, stamp] { ++rowsMoved; stamp(); });
        QObject::connect(model, &QAbstractItemModel::modelReset, context, [this, stamp] { ++modelReset; stamp(); });
        QObject::connect(model, &QAbstractItemModel::layoutChanged, context, [this, stamp] { ++layoutChanged; stamp(); });
    }
    void clear() { *this = SignalCounter{.timer = timer}; }
};

// A client and a table model whose fetch function parses `*bytes` at once.
struct Bench
{
    explicit Bench(const QByteArray *bytes) : current(bytes)
    {
        QueryOptions o;
        o.key = QueryKey{"items"};
        o.fn = [this](const QueryFnContext &ctx) { ctx.resolve(Json::parse(*current)); };
        o.staleTime = Millis::max();
        o.refetchOnWindowFocus = FocusRefetch::Never;
        model = std::make_unique<QueryTableModel>(&client, o);
        client.notifier()->flush();
    }

    // From the bytes to the model's last signal: the fetch parses and settles, the flush delivers.
    qint64 refetch(const QByteArray *bytes, SignalCounter &counter, QElapsedTimer &timer)
    {
        current = bytes;
        counter.clear();
        timer.start();
        model->refetch();
        client.notifier()->flush();
        return counter.lastNs;
    }

    QueryClient client{ClientConfig{.defaultGcTime = Millis::max()}};
    const QByteArray *current;
    std::unique_ptr<QueryTableModel> model;
    QObject context;
};

double parseNs(const QByteArray &bytes)
{
    std::vector<double> samples;
    for (int r = 0; r <= reps(); ++r) {
        QElapsedTimer t;
        t.start();
        const QJsonDocument doc = QJsonDocument::fromJson(bytes);
        const qint64 ns = t.nsecsElapsed();
        if (!doc.isArray())
            fail("parse");
        if (r > 0)
            samples.push_back(double(ns));
    }
    return median(samples);
}

QJsonObject counts(const SignalCounter &c)
{
    return QJsonObject{{"dataChanged", c.dataChanged}, {"rowsInserted", c.rowsInserted}, {"rowsRemoved", c.rowsRemoved},
                       {"rowsMoved", c.rowsMoved}, {"modelReset", c.modelReset}, {"layoutChanged", c.layoutChanged}};
}

// Refetches alternating between `a` and `b` (the model starts on `a`), timing each; checks every repetition.
void diffWorkload(const char *name, const QByteArray &a, const QByteArray &b, int rowsA, int rowsB,
                  const std::function<void(const SignalCounter &)> &check, const char *note)
{
    Bench bench(&a);
    if (bench.model->rowCount() != rowsA)
        fail("model loaded");
    QElapsedTimer timer;
    SignalCounter counter;
    counter.timer = &timer;
    counter.connectTo(bench.model.get(), &bench.context);
    std::vector<double> samples;
    SignalCounter last;
    for (int r = 0; r <= reps(); ++r) {
        const bool toB = r % 2 == 0;
        const qint64 ns = bench.refetch(toB ? &b : &a, counter, timer);
        if (bench.model->rowCount() != (toB ? rowsB : rowsA))
            fail("rows after the refetch");
        check(counter);
        if (r > 0)
            samples.push_back(double(ns));
        last = counter;
    }
    const double parse = parseNs(b);
    const double apply = median(samples);
    printLine({{"workload", name}, {"n", Rows}, {"parse_ns", qRound64(parse)}, {"apply_ns", qRound64(apply)},
               {"ratio", qRound(apply / parse * 100) / 100.0}, {"signals", counts(last)}, {"reps", reps()},
               {"bytes", b.size()}, {"note", note}});
}

int modelMemoryChild()
{
    malloc_trim(0);
    const qint64 rss0 = residentBytes();
    const size_t heap0 = mallinfo2().uordblks + mallinfo2().hblkhd;
    int rows = 0;
    {
        auto bytes = std::make_unique<QByteArray>(payload(MemoryRows));
        auto bench = std::make_unique<Bench>(bytes.get());
        rows = bench->model->rowCount();
        bytes.reset();   // the reply's bytes are gone once parsed
        malloc_trim(0);
        const qint64 rss1 = residentBytes();
        const size_t heap1 = mallinfo2().uordblks + mallinfo2().hblkhd;
        if (rows != MemoryRows)
            fail("model memory rows");
        std::printf("%lld %lld\n", (long long)(rss1 - rss0), (long long)(heap1 - heap0));
        std::fflush(stdout);
        std::_Exit(0);   // skip freeing a million rows
    }
}

} // namespace

void modelDiffOneWorkload()
{
    const QByteArray a = payload(Rows);
    const QByteArray b = payload(Rows, 63712);
    diffWorkload("model_diff_one", a, b, Rows, Rows,
        [](const SignalCounter &c) {
            if (c.dataChanged != 1 || c.rowsInserted || c.rowsRemoved || c.rowsMoved || c.modelReset || c.layoutChanged)
                fail("model_diff_one must emit exactly one dataChanged and nothing else");
        },
        "QueryTableModel over 100,000 rows; a refetch where row 63712's done flipped: fetch fn parses with "
        "Json::parse, client settles, notifier flush, keyed diff, one dataChanged; parse_ns: QJsonDocument::fromJson "
        "of the same bytes");
}

void modelDiffPercentWorkload()
{
    // Alternating between the plain rows and the changed ones: each way 1% of rows change, 0.1% go, 0.1% come.
    const QByteArray plain = payload(Rows);
    const QByteArray changed = percentPayload(Rows);
    diffWorkload("model_diff_percent", plain, changed, Rows, Rows,
        [](const SignalCounter &c) {
            if (c.modelReset || c.layoutChanged || c.rowsMoved)
                fail("model_diff_percent: no reset, layout change or move");
            if (c.dataChanged != Rows / 100)
                fail("model_diff_percent: one dataChanged per changed row");
            if (c.rowsRemoved != Rows / 1000 || c.rowsInserted != Rows / 1000)
                fail("model_diff_percent: one rowsRemoved and one rowsInserted per scattered row");
        },
        "QueryTableModel over 100,000 rows; refetches alternating between the plain rows and rows with 1% of titles "
        "changed, 0.1% removed and 0.1% inserted (scattered): 1,000 dataChanged, 100 rowsRemoved, 100 rowsInserted");
}

void modelMemoryWorkload()
{
    if (qEnvironmentVariableIsSet(MemoryChildVariable))
        std::exit(modelMemoryChild());
    std::vector<double> rss, heap;
    for (int r = 0; r <= reps(); ++r) {
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QString::fromLatin1(MemoryChildVariable), QStringLiteral("1"));
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--only"), QStringLiteral("model_memory")});
        if (!child.waitForFinished(300000) || child.exitCode() != 0)
            fail("model memory child");
        const QList<QByteArray> v = child.readAllStandardOutput().trimmed().split(' ');
        if (v.size() != 2)
            fail("model memory child output");
        if (r > 0) {
            rss.push_back(v[0].toDouble() / MemoryRows);
            heap.push_back(v[1].toDouble() / MemoryRows);
        }
    }
    printLine({{"workload", "model_memory"}, {"n", MemoryRows}, {"bytes_per_row", qRound(median(rss))},
               {"heap_bytes_per_row", qRound(median(heap))}, {"reps", reps()},
               {"note", "resident set growth for a QueryTableModel showing 1,000,000 rows of the model_diff rows (the "
                        "cached JSON document, which the model shares, and the model's rows), the reply's bytes freed; "
                        "a fresh process per repetition; heap_bytes_per_row: malloc in-use growth, mmapped blocks included"}});
}
