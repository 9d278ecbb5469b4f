// libFuzzer target: arbitrary bytes through what a response goes through once it has arrived — the JSON decoder
// with the transport's limits, the response-meta parsers (Link, Retry-After), the cache, a table model's keyed
// diff and a record model with edits — with QAbstractItemModelTester watching both models.
//
// An input is up to eight steps separated by 0xFF bytes (never valid in UTF-8 JSON); the first byte of a step
// says what it is: 0 list data, 1 detail data, 2 Link + Retry-After headers, 3 an edit of the record's fields.
// Each step is checked against an oracle: the table shows exactly the records, in order; the record model shows
// the server's record with the edits.

#include "core/http/httptransport.h"
#include "core/json/json.h"
#include "core/models/querytablemodel.h"
#include "core/models/recordmodel.h"
#include "core/mutation/mutationqueue.h"
#include "core/client/queryclient.h"

#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QDateTime>
#include <QSet>
#include <QTimeZone>
#include "core/client/queryobserver.h"

#include <cstdio>
#include <cstdlib>

using namespace refetch;

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_response: %s\n", what);
    std::abort();
}

QueryOptions optionsFor(QueryKey key)
{
    QueryOptions o;
    o.key = std::move(key);
    o.enabled = false;  // data comes from the steps, never from a server
    return o;
}

struct World
{
    QueryClient client;
    MutationQueue queue{&client};
    QueryTableModel table{&client, optionsFor(QueryKey{"posts", "list"})};
    RecordModel record{&queue, optionsFor(QueryKey{"posts", "detail", 1})};
    QAbstractItemModelTester tableTester{&table, QAbstractItemModelTester::FailureReportingMode::Fatal};
    QAbstractItemModelTester recordTester{&record, QAbstractItemModelTester::FailureReportingMode::Fatal};

    void settle() { client.notifier()->flush(); }

    void checkTable(const Json &data)
    {
        const Json records = data.isArray() ? data : data.isObject() ? data.value("data") : Json();
        if (!records.isArray())
            return;  // not rows: the model says why, which the tester has already checked for consistency
        if (table.rowCount() != records.size())
            fail("the table's row count differs from the records");
        for (int i = 0; i < records.size(); ++i) {
            if (!(table.rowJson(i) == records.at(i)))
                fail("a table row differs from its record (the keyed diff lost or misplaced a row)");
        }
    }

    void step(quint8 kind, QByteArrayView payload)
    {
        const ResponseLimits limits;
        JsonParseError error;
        switch (kind % 4) {
        case 0:
        case 1: {
            const Json data = Json::parse(payload, &error, JsonLimits{limits.maxDepth, limits.maxBytes});
            if (data.isUndefined())
                return;
            // The writer must give text that parses back to the same value.
            if (!(Json::parse(data.toJson()) == data))
                fail("toJson() did not round-trip");
            client.setQueryData(kind % 4 == 0 ? table.observer()->options().key : record.observer()->options().key,
                                data);
            settle();
            if (kind % 4 == 0)
                checkTable(data);
            break;
        }
        case 2: {
            const qsizetype half = payload.size() / 2;
            HttpTransport::parseLinkHeader(payload.first(half).toByteArray(), QUrl(QStringLiteral("http://127.0.0.1/posts")));
            HttpTransport::parseRetryAfter(payload.sliced(half).toByteArray(),
                                           QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC));
            break;
        }
        case 3: {
            const Json edits = Json::parse(payload, &error);
            if (!edits.isObject())
                return;
            QSet<QString> taken;  // the edits the model accepted (not the id; nothing while there is no record)
            for (qsizetype i = 0; i < edits.size(); ++i) {
                if (record.setField(edits.keyAt(i), edits.valueAt(i)))
                    taken.insert(edits.keyAt(i));
            }
            settle();
            const Json shown = record.record();
            for (const QString &field : std::as_const(taken)) {
                if (!(shown.value(field) == edits.value(field)))
                    fail("an accepted edit is not in the record model's record");
            }
            record.revertChanges();
            if (record.isDirty())
                fail("revertChanges() left the record dirty");
            break;
        }
        }
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int argc = 1;
    static char arg0[] = "fuzz_response";
    static char *argv[] = {arg0, nullptr};
    static QCoreApplication *app = new QCoreApplication(argc, argv);
    Q_UNUSED(app);

    World world;
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    qsizetype from = 0;
    for (int steps = 0; steps < 8 && from < input.size(); ++steps) {
        qsizetype to = input.indexOf('\xff', from);
        if (to < 0)
            to = input.size();
        const QByteArrayView stepBytes = input.sliced(from, to - from);
        if (!stepBytes.isEmpty())
            world.step(quint8(stepBytes.front()), stepBytes.sliced(1));
        from = to + 1;
    }
    return 0;
}
