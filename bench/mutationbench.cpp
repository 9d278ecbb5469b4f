// The mutation_invalidate workload of refetch-bench: a write whose success invalidates one tag type that 2,000 of
// 100,000 cached entries provide, 500 of them observed. Timed from the write's reply to the change signal of the
// last observer whose entry was refetched; the refetches are answered at once by their fetch functions, and the
// write's reply comes from a transport function: nothing goes over the network.

#include "benchutil.h"
#include "core/mutation/mutationqueue.h"
#include "core/client/queryobserver.h"
#include "core/mutation/resourcetags.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace refetch;
using namespace refetch::bench;

namespace {





constexpr int Entries = 100000;
constexpr int Matching = 2000;         // entries 0..1999 provide the invalidated tag type
constexpr int ObservedMatching = 500;  // entries 0..499
constexpr int Observed = 1000;         // and 500 unmatched ones: 2000..2499
constexpr int Resources = 100;

Json record(int i, int v)
{
    return Json::object({{u"id", i}, {u"v", v}});
}

} // namespace

void mutationInvalidateWorkload()
{
    QueryClient client(ClientConfig{.defaultGcTime = Millis::max()});
    MutationQueue queue(&client);
    const ResourceTags things(QStringLiteral("things"), QStringLiteral("bench"));

    // The matching entries are details of "things" on endpoint "bench"; the others carry tags of 100 other types.
    for (int i = 0; i < Entries; ++i) {
        const QString other = u'R' + QString::number(i % Resources);
        client.setQueryData(QueryKey{"item", i}, record(i, 0),
                            i < Matching ? things.detailTags(i) : TagList{Tag(other, qint64(i)), Tag(other)});
    }

    int refetches = 0;
    int changes = 0;
    int strayChanges = 0;
    int version = 0;
    qint64 lastChangeNs = 0;
    QElapsedTimer timer;
    std::vector<std::unique_ptr<QueryObserver>> observers;
    observers.reserve(Observed);
    for (int n = 0; n < Observed; ++n) {
        const int i = n < ObservedMatching ? n : Matching + (n - ObservedMatching);
        QueryOptions o;
        o.key = QueryKey{"item", i};
        o.fn = [&refetches, &version, i](const QueryFnContext &ctx) {
            ++refetches;
            ctx.resolve(record(i, ++version));
        };
        o.staleTime = Millis::max();
        if (i < Matching) {
            things.provideDetail(o, i);
        } else {
            const QString other = u'R' + QString::number(i % Resources);
            o.tags = {Tag(other, qint64(i)), Tag(other)};
        }
        observers.push_back(std::make_unique<QueryObserver>(&client, std::move(o)));
        QObject::connect(observers.back().get(), &QueryObserver::changed, [&, matched = i < Matching] {
            if (!matched) {
                ++strayChanges;
                return;
            }
            if (++changes == ObservedMatching)
                lastChangeNs = timer.nsecsElapsed();
        });
    }
    client.notifier()->flush();
    if (refetches != 0)
        fail("mutation_invalidate: observers fetched on attach");

    // The write's transport keeps its context: the benchmark answers it when the clock runs.
    std::optional<MutationFnContext> pending;
    const MutationOptions options{.method = "PATCH",
                                  .endpoint = QStringLiteral("bench"),
                                  .path = QStringLiteral("/things"),
                                  .fn = [&pending](const MutationFnContext &ctx) { pending = ctx; },
                                  .invalidatesTags = things.resourceAll()};
    const QueryKey firstUnobserved{"item", ObservedMatching};

    std::vector<double> samples;
    int lastRefetches = 0;
    int lastObservedMatches = 0;
    for (int r = 0; r <= reps(); ++r) {
        // Untimed: every entry valid again, counters reset, the write made and its request under way.
        client.cache()->forEach({}, [&](Query *q) {
            if (q->isInvalidated())
                client.setQueryData(q->key(), q->data());
        });
        client.notifier()->flush();
        refetches = changes = strayChanges = 0;
        lastChangeNs = 0;
        pending.reset();
        Mutation *m = queue.mutate(options, Json::object({{u"v", r}}));
        while (!pending)
            QCoreApplication::processEvents();

        timer.start();
        pending->resolve(Json::object({{u"ok", true}}));
        // The end of the event-loop turn: coalesced refetches, then the observers' signals.
        client.notifier()->flush();
        if (changes != ObservedMatching || lastChangeNs == 0)
            fail("mutation_invalidate: every refetched observer signals once");

        // Untimed checks.
        if (m->status() != Mutation::Status::Succeeded)
            fail("mutation_invalidate: the write succeeded");
        if (refetches != ObservedMatching || strayChanges != 0)
            fail("mutation_invalidate: exactly the observed matches refetched");
        int observedMatches = 0, staleKept = 0, invalidated = 0;
        client.cache()->forEachWithTag(things.resourceAll().first(), [&](Query *q) {
            if (q->isObserved()) {
                ++observedMatches;
                if (q->isInvalidated() || q->data().value(u"v").toInteger() == 0)
                    fail("mutation_invalidate: an observed match was not refetched");
            } else if (q->isInvalidated() && q->hasData() && q->data() == record(int(q->data().value(u"id").toInteger()), 0)) {
                ++staleKept;
            }
        });
        client.cache()->forEach({}, [&](Query *q) { invalidated += q->isInvalidated(); });
        if (observedMatches != ObservedMatching)
            fail("mutation_invalidate: 500 observed matches");
        if (staleKept != Matching - ObservedMatching)
            fail("mutation_invalidate: the 1,500 unobserved matches are stale and keep their data");
        if (invalidated != Matching - ObservedMatching)
            fail("mutation_invalidate: nothing outside the tag type was invalidated");
        if (!client.query(firstUnobserved)->isInvalidated())
            fail("mutation_invalidate: an unobserved match is marked stale");
        lastRefetches = refetches;
        lastObservedMatches = observedMatches;
        if (r > 0)
            samples.push_back(double(lastChangeNs));
    }

    printLine({{"workload", "mutation_invalidate"},
               {"n", Entries},
               {"ns_per_op", qRound(median(samples))},
               {"ops", 1},
               {"reps", reps()},
               {"refetches", lastRefetches},
               {"observed_matches", lastObservedMatches},
               {"stale_unobserved", Matching - ObservedMatching},
               {"note", "PATCH through a transport function; on its reply invalidateTags({rest:bench/things}) hits 2,000 of "
                        "100,000 entries (500 observed): ns from the reply to the last observer's changed(), refetches answered at once"}});
}
