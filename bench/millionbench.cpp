// A million rows (#16): a list of 1,000,000 records served over HTTP on 127.0.0.1 by the built-in sample API in this
// process (a generated collection: records made from their position, nothing held), read as the window reads it
// (ApiConnection's list options, PagedTableModel windowed) and exported as File > Export does (ListExport, CSV of
// the columns shown).
//
//   million_jump    a view scrolled to a row it never showed (the middle first): requests sent, and the time until
//                   its rows are there as a ratio of one page's round trip and parse alone (a QueryObserver of
//                   another page, through the same provider, in the same repetition); on 127.0.0.1 as it is, and
//                   with the server answering 10 ms late
//   million_memory  resident memory after showing 10 and 100 random positions, in a fresh process
//   million_export  1,000,000 rows (and 100,000) to a device that discards them: rows per second and the process's
//                   peak resident memory, each in a fresh process
#include "benchutil.h"

#include "app/sampleapi/sampleapi.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"
#include "core/http/httptransport.h"
#include "core/models/pagedtablemodel.h"
#include "core/mutation/mutationqueue.h"
#include "core/providers/dataprovider.h"
#include "core/session/apiconnection.h"
#include "core/session/listexport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QTemporaryDir>

#include <cstdio>

using namespace refetch;
using namespace refetch::bench;

namespace {

constexpr qint64 Million = 1000000;
constexpr int ViewRows = 30;   // the rows a list shows in a window of ordinary height

// The process's peak resident set (VmHWM), in bytes.
qint64 peakResidentBytes()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return 0;
}

// The sample API with `rows` generated records, and the endpoint as the window has it (given, not detected).
struct MillionServer
{
    explicit MillionServer(qint64 rows, std::chrono::milliseconds latency = {})
    {
        QString error;
        if (!api.start({.databasePath = dir.filePath(QStringLiteral("million.sqlite")), .latency = latency,
                        .generated = {{QStringLiteral("rows"), rows}}}, &error))
            fail(qPrintable(QStringLiteral("million: the sample API did not start: ") + error));
        QObject::connect(&api, &SampleApi::requestHandled, [this](const QByteArray &, const QString &path) {
            requests += path == u"/rows";
        });
        EndpointSettings settings;
        settings.id = QStringLiteral("million");
        settings.baseUrl = api.baseUrl();
        settings.dialect = QStringLiteral("json-server");
        settings.resources = {QStringLiteral("rows")};
        connection = std::make_unique<ApiConnection>(settings, &client, &queue, &transport);
    }

    QTemporaryDir dir;
    SampleApi api;
    int requests = 0;
    QNetworkAccessManager nam;
    HttpTransport transport{&nam};
    QueryClient client;
    MutationQueue queue{&client};
    std::unique_ptr<ApiConnection> connection;
};

// What a view scrolled to `row` does: asks for the cells it shows.
void show(const PagedTableModel &model, int row)
{
    for (int r = row; r < row + ViewRows; ++r) {
        for (int c = 0; c < model.columnCount(); ++c)
            model.data(model.index(r, c));
    }
}

bool shown(const PagedTableModel &model, int row)
{
    for (int r = row; r < row + ViewRows; ++r) {
        if (!model.isRowLoaded(r))
            return false;
    }
    return true;
}

std::unique_ptr<PagedTableModel> openList(MillionServer &m)
{
    auto model = std::make_unique<PagedTableModel>(&m.client, m.connection->endpoint(),
                                                   m.connection->listOptions(QStringLiteral("rows")));
    waitFor([&] { return model->isWindowed(); }, "million: the list is not windowed", 60000);
    if (model->rowCount() != Million)
        fail("million: not a million rows");
    return model;
}

// A row at the top of a page (so that the rows shown are one page) no one has asked for.
int randomRow(Lcg &lcg, int pageSize)
{
    return int(2 + lcg.next() % quint32(Million / pageSize - 3)) * pageSize;
}

// Runs this executable with --million-child `what`; its output line split at spaces.
QList<QByteArray> child(const QString &what)
{
    QProcess process;
    process.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--million-child"), what});
    if (!process.waitForFinished(600000) || process.exitCode() != 0)
        fail(qPrintable(QStringLiteral("million child ") + what + QStringLiteral(": ") + QString::fromUtf8(process.readAllStandardError())));
    return process.readAllStandardOutput().trimmed().split(' ');
}

} // namespace

void millionJumpWorkload(std::chrono::milliseconds latency)
{
    MillionServer m(Million, latency);
    std::unique_ptr<PagedTableModel> model = openList(m);
    const int pageSize = model->pageSize();
    const Endpoint &endpoint = *m.connection->endpoint();
    Lcg lcg;
    std::vector<double> jumpMs, pageMs, ratios;
    int mostRequests = 0;
    for (int rep = 0; rep <= reps(); ++rep) {   // the first a warm-up; then the middle, then random rows
        // One page's round trip and parse, alone: another page no one asked for, through the same provider.
        const int alone = randomRow(lcg, pageSize) / pageSize + 1;
        QueryOptions o;
        o.key = QueryKey{"bench-alone", alone};
        o.fn = m.connection->provider()->listFn(endpoint, QStringLiteral("rows"),
                                                ListParams{.page = alone, .pageSize = pageSize,
                                                           .offset = qint64(alone - 1) * pageSize});
        QElapsedTimer t;
        t.start();
        QueryObserver page(&m.client, o);
        waitFor([&] { return page.isSuccess(); }, "million: the page alone did not come", 60000);
        const double pageTime = double(t.nsecsElapsed()) / 1e6;

        // The jump: a view shows rows it never showed; the end of the turn asks for their page.
        const int row = rep == 1 ? int(Million / 2) : randomRow(lcg, pageSize);
        const int before = m.requests;
        t.restart();
        show(*model, row);
        waitFor([&] { return shown(*model, row); }, "million: the rows did not come", 60000);
        const double jumpTime = double(t.nsecsElapsed()) / 1e6;
        QCoreApplication::processEvents();
        if (rep == 0)
            continue;
        mostRequests = std::max(mostRequests, m.requests - before);
        jumpMs.push_back(jumpTime);
        pageMs.push_back(pageTime);
        ratios.push_back(jumpTime / pageTime);
    }
    printLine({{"workload", "million_jump"}, {"n", Million}, {"latency_ms", qint64(latency.count())},
               {"page_size", pageSize}, {"view_rows", ViewRows},
               {"requests", mostRequests}, {"jump_ms", median(jumpMs)}, {"page_ms", median(pageMs)},
               {"ratio", median(ratios)}, {"reps", reps()},
               {"note", "a view shows 30 rows it never showed (the middle, then random pages): requests sent (the "
                        "most in a repetition) and the time until they are there over one page's round trip and "
                        "parse alone; the sample API answers in this process, after latency_ms"}});
}

void millionJumpWorkload()
{
    using namespace std::chrono_literals;
    millionJumpWorkload(0ms);
    millionJumpWorkload(10ms);   // a server across a network
}

// In a fresh process: the list opened, then 100 random positions shown one after the other.
int millionMemoryChild()
{
    MillionServer m(Million);
    std::unique_ptr<PagedTableModel> model = openList(m);
    const qint64 opened = residentBytes();
    Lcg lcg;
    qint64 after10 = 0;
    for (int visit = 1; visit <= 100; ++visit) {
        const int row = int(lcg.next() % quint32(Million - ViewRows));
        show(*model, row);
        waitFor([&] { return shown(*model, row); }, "million memory: the rows did not come", 60000);
        if (visit == 10)
            after10 = residentBytes();
    }
    QCoreApplication::processEvents();
    std::printf("%lld %lld %lld %d %lld %d\n", (long long)opened, (long long)after10, (long long)residentBytes(),
                model->pageCount(), (long long)model->loadedCount(), m.requests);
    return 0;
}

void millionMemoryWorkload()
{
    std::vector<double> opened, after10, after100;
    QList<QByteArray> v;
    for (int r = 0; r < 3; ++r) {
        v = child(QStringLiteral("memory"));
        if (v.size() != 6)
            fail("million memory: child output");
        opened.push_back(v[0].toDouble() / 1e6);
        after10.push_back(v[1].toDouble() / 1e6);
        after100.push_back(v[2].toDouble() / 1e6);
    }
    printLine({{"workload", "million_memory"}, {"n", Million}, {"rss_opened_mb", median(opened)},
               {"rss_10_visits_mb", median(after10)}, {"rss_100_visits_mb", median(after100)},
               {"pages_kept", v[3].toInt()}, {"rows_loaded", v[4].toInt()}, {"requests", v[5].toInt()}, {"runs", 3},
               {"note", "resident memory of the whole process (Qt, the sample API, the client) with the list of a "
                        "million rows open, after showing 10 and 100 random positions; pages kept and rows loaded "
                        "at the end"}});
}

// In a fresh process: every one of `rows` records exported as CSV of its five columns to a device that discards it.
int millionExportChild(qint64 rows)
{
    MillionServer m(rows);
    class Discard : public QIODevice
    {
    public:
        qint64 written = 0;

    protected:
        qint64 readData(char *, qint64) override { return -1; }
        qint64 writeData(const char *, qint64 len) override
        {
            written += len;
            return len;
        }
    } out;
    out.open(QIODevice::WriteOnly);
    ListExport job(m.connection.get(),
                   ExportRequest{.resource = QStringLiteral("rows"),
                                 .columns = {QStringLiteral("id"), QStringLiteral("title"), QStringLiteral("views"),
                                             QStringLiteral("published"), QStringLiteral("createdAt")}},
                   &out);
    bool ok = false;
    bool done = false;
    QObject::connect(&job, &ListExport::finished, [&](bool success, const QString &error) {
        ok = success;
        done = true;
        if (!success)
            std::fprintf(stderr, "%s\n", qPrintable(error));
    });
    QElapsedTimer t;
    t.start();
    job.start();
    waitFor([&] { return done; }, "million export: it did not finish", 600000);
    const qint64 ns = t.nsecsElapsed();
    if (!ok || job.rowsWritten() != rows)
        fail("million export: not every row");
    std::printf("%lld %lld %lld %lld %d\n", (long long)job.rowsWritten(), (long long)ns, (long long)out.written,
                (long long)peakResidentBytes(), m.requests);
    return 0;
}

void millionExportWorkload()
{
    for (const qint64 rows : {qint64(100000), Million}) {
        std::vector<double> rate, peak;
        QList<QByteArray> v;
        for (int r = 0; r < 3; ++r) {
            v = child(QStringLiteral("export:%1").arg(rows));
            if (v.size() != 5)
                fail("million export: child output");
            rate.push_back(v[0].toDouble() / (v[1].toDouble() / 1e9));
            peak.push_back(v[3].toDouble() / 1e6);
        }
        printLine({{"workload", "million_export"}, {"n", rows}, {"rows_per_s", qRound(median(rate))},
                   {"peak_rss_mb", median(peak)}, {"csv_mb", v[2].toDouble() / 1e6}, {"requests", v[4].toInt()},
                   {"runs", 3},
                   {"note", "ListExport of every row as CSV of its 5 columns (File > Export's path) to a device that "
                            "discards it, pages of 100 (the default without a declared maximum); peak resident "
                            "memory of the whole process, the sample API answering in it"}});
    }
}

int millionChild(const QString &what)
{
    if (what == u"memory")
        return millionMemoryChild();
    if (what.startsWith(u"export:"))
        return millionExportChild(what.mid(7).toLongLong());
    fail("million child: unknown");
}
