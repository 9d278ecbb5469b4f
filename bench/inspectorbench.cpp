// The inspector workloads of refetch-bench: what the cache inspector costs with 100,000 entries.
//
// inspector_update: the event log and the inspector's table model (alone, then under its filter proxy) attached to
// a cache of 100,000 entries; one turn's changes, then the batch that applies them: an invalidation of a tag
// that 500 scattered entries provide, and setQueryData on 1,000 entries in a row. Timed: the change itself, and
// the batch (the log's signal, the model's dataChanged per run of rows, the proxy's remapping).
//
// inspector_overhead: tag_invalidate (one entry) and type_invalidate (1,000 entries) with and without the event
// log attached: what recording "why it fetched" adds to an invalidation.

#include "benchutil.h"
#include "core/inspect/cacheeventlog.h"
#include "core/models/cacheinspectorfilter.h"
#include "core/models/cacheinspectormodel.h"
#include "core/client/queryclient.h"

#include <QElapsedTimer>
#include <QJsonObject>

#include <memory>
#include <vector>

using namespace refetch;
using namespace refetch::bench;

namespace {

constexpr int Entries = 100000;
constexpr int Resources = 100;
constexpr int Groups = 200;           // tag G<i % 200>: 500 entries each, 200 rows apart in the table
constexpr int Written = 1000;         // setQueryData on entries [k * 1000, k * 1000 + 1000)

QString typeName(const char *prefix, int k)
{
    return QLatin1String(prefix) + QString::number(k);
}

Json record(int i, int v)
{
    return Json::object({{u"id", i}, {u"v", v}});
}

// Entry i: key ["item", i], tags {R<i%100>, i}, the bare type R<i%100>, and the group G<i%200>.
void populate(QueryClient &client)
{
    for (int i = 0; i < Entries; ++i) {
        const QString type = typeName("R", i % Resources);
        client.setQueryData(QueryKey{"item", i}, record(i, 0),
                            TagList{Tag(type, qint64(i)), Tag(type), Tag(typeName("G", i % Groups))});
    }
}

void revalidate(QueryClient &client)
{
    client.cache()->forEach({}, [&](Query *q) {
        if (q->isInvalidated())
            client.setQueryData(q->key(), q->data());
    });
}

struct BatchTiming
{
    double changeNs = 0;   // the change itself (log recording included)
    double batchNs = 0;    // the batch that shows it
    int signalCount = 0;       // dataChanged signals of the model in one batch
};

// Times `change` then the batch, median over the repetitions; `setup` (untimed) restores the cache.
BatchTiming timeBatches(QueryClient &client, CacheInspectorModel &model, const std::function<void()> &setup,
                        const std::function<void(int rep)> &change, int expectedDirty)
{
    std::vector<double> changes, batches;
    int signalCount = 0;
    int dirty = 0;
    const QMetaObject::Connection counting = QObject::connect(&model, &QAbstractItemModel::dataChanged,
        [&](const QModelIndex &from, const QModelIndex &to) {
            ++signalCount;
            dirty += to.row() - from.row() + 1;
        });
    for (int r = 0; r <= reps(); ++r) {
        setup();
        model.flush();
        signalCount = dirty = 0;
        QElapsedTimer t;
        t.start();
        change(r);
        const qint64 changeNs = t.nsecsElapsed();
        t.restart();
        model.flush();
        const qint64 batchNs = t.nsecsElapsed();
        if (dirty != expectedDirty)
            fail("inspector_update: the batch signals exactly the changed rows");
        if (r > 0) {
            changes.push_back(double(changeNs));
            batches.push_back(double(batchNs));
        }
    }
    QObject::disconnect(counting);
    return {median(changes), median(batches), signalCount};
}

void report(const char *variant, const char *change, int entries, const BatchTiming &t, const char *note)
{
    printLine({{"workload", "inspector_update"},
               {"variant", QLatin1String(variant)},
               {"change", QLatin1String(change)},
               {"n", Entries},
               {"entries_changed", entries},
               {"change_ns", qRound(t.changeNs)},
               {"batch_ns", qRound(t.batchNs)},
               {"batch_ns_per_entry", qRound(t.batchNs / entries)},
               {"data_changed_signals", t.signalCount},
               {"reps", reps()},
               {"note", QLatin1String(note)}});
}

} // namespace

void inspectorUpdateWorkload()
{
    QueryClient client(ClientConfig{.defaultGcTime = Millis::max()});
    populate(client);
    CacheEventLog log(&client);
    QElapsedTimer attach;
    attach.start();
    CacheInspectorModel model(&log);
    const qint64 attachNs = attach.nsecsElapsed();
    if (model.rowCount() != Entries)
        fail("inspector_update: one row per entry");

    const auto invalidateGroup = [&](int r) { client.invalidateTags({Tag(typeName("G", r % Groups))}, RefetchType::None); };
    const auto writeRun = [&](int r) {
        const int from = (r % (Entries / Written)) * Written;
        for (int i = from; i < from + Written; ++i)
            client.setQueryData(QueryKey{"item", i}, record(i, r + 1));
    };
    const auto invalidateAll = [&](int) { client.invalidateQueries({}, RefetchType::None); };
    const auto restore = [&] { revalidate(client); };

    report("model", "invalidate_tag", Entries / Groups, timeBatches(client, model, restore, invalidateGroup, Entries / Groups),
           "invalidateTags({G<k>}) marks 500 entries 200 rows apart: 500 dataChanged runs");
    report("model", "set_query_data", Written, timeBatches(client, model, restore, writeRun, Written),
           "setQueryData on 1,000 consecutive entries: one dataChanged run");
    report("model", "invalidate_all", Entries, timeBatches(client, model, restore, invalidateAll, Entries),
           "invalidateQueries({}) marks all 100,000: more events than the log's ring holds, one dataChanged over every row");

    // The table as the dock shows it: under the filter proxy (no filter text, so every row is mapped).
    CacheInspectorFilter filter;
    QElapsedTimer proxyAttach;
    proxyAttach.start();
    filter.setSourceModel(&model);
    if (filter.rowCount() != Entries)
        fail("inspector_update: the proxy maps every row");
    const qint64 proxyNs = proxyAttach.nsecsElapsed();
    report("model+proxy", "invalidate_tag", Entries / Groups, timeBatches(client, model, restore, invalidateGroup, Entries / Groups),
           "the same under CacheInspectorFilter (dynamic filter on, no filter text)");
    report("model+proxy", "set_query_data", Written, timeBatches(client, model, restore, writeRun, Written),
           "the same under CacheInspectorFilter");
    report("model+proxy", "invalidate_all", Entries, timeBatches(client, model, restore, invalidateAll, Entries),
           "the same under CacheInspectorFilter: every row tested again against the filter");
    filter.setKeyText(QStringLiteral("\"item\",9"));
    report("model+filtered", "invalidate_tag", Entries / Groups, timeBatches(client, model, restore, invalidateGroup, Entries / Groups),
           "under CacheInspectorFilter filtering by key text (11,111 rows shown)");
    printLine({{"workload", "inspector_attach"},
               {"n", Entries},
               {"model_ns", qRound(double(attachNs))},
               {"proxy_ns", qRound(double(proxyNs))},
               {"note", "building the inspector model over 100,000 entries, then mapping them through the filter proxy"}});
}

void inspectorOverheadWorkload()
{
    QueryClient client(ClientConfig{.defaultGcTime = Millis::max()});
    populate(client);
    auto run = [&](const char *what, int ops, const std::function<void(int op, Lcg &lcg)> &op, int perOp) {
        Lcg lcg;
        const Timing t = measure([&] { revalidate(client); lcg = Lcg{}; },
            [&] {
                for (int i = 0; i < ops; ++i)
                    op(i, lcg);
                return ops;
            },
            [&](int) {
                int invalidated = 0;
                client.cache()->forEach({}, [&](Query *q) { invalidated += q->isInvalidated(); });
                if (perOp > 1 && invalidated != ops * perOp)
                    fail(what);
            });
        return t.nsPerOp;
    };
    const auto tagOp = [&](int, Lcg &lcg) {
        const int i = int(lcg.next() % quint32(Entries));
        client.invalidateTags({Tag(typeName("R", i % Resources), qint64(i))}, RefetchType::None);
    };
    const auto typeOp = [&](int op, Lcg &) { client.invalidateTags({Tag(typeName("R", op % Resources))}, RefetchType::None); };

    const double tagWithout = run("inspector_overhead tag", 1000, tagOp, 1);
    const double typeWithout = run("inspector_overhead type", 100, typeOp, Entries / Resources);
    auto log = std::make_unique<CacheEventLog>(&client);
    const double tagWith = run("inspector_overhead tag", 1000, tagOp, 1);
    const double typeWith = run("inspector_overhead type", 100, typeOp, Entries / Resources);
    if (log->endSeq() == 0)
        fail("inspector_overhead: the log recorded the invalidations");
    // With the inspector's table too: the model is not on the invalidation's path (it reads the log once per turn).
    CacheInspectorModel model(log.get());
    const double typeWithModel = run("inspector_overhead type", 100, typeOp, Entries / Resources);
    printLine({{"workload", "inspector_overhead"},
               {"n", Entries},
               {"tag_invalidate_ns", qRound(tagWithout)},
               {"tag_invalidate_logged_ns", qRound(tagWith)},
               {"type_invalidate_ns", qRound(typeWithout)},
               {"type_invalidate_logged_ns", qRound(typeWith)},
               {"type_invalidate_logged_model_ns", qRound(typeWithModel)},
               {"reps", reps()},
               {"note", "invalidateTags(..., None) without the event log, with it, and with the inspector model too; "
                        "tag: one entry per op, type: 1,000 entries per op"}});
}
