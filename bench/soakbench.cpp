// The soak workload of refetch-bench: 10,000 cycles of fetch, mutate and invalidate against the built-in sample
// API over real HTTP on 127.0.0.1, with garbage collection on, watching resident memory. A cycle mounts a list
// page and a record (both fetched or served from cache), saves the record (PATCH through the MutationQueue,
// invalidating its tags: the record and the lists holding it refetch), invalidates the posts list prefix by
// hand, then unmounts both; unobserved entries are collected after a 50 ms gc time, and the queue keeps its
// default 1,000 settled writes at most. Pages and records rotate, so the cache keeps creating and collecting
// entries. Passes when the resident set after the run is within 10%
// of what it was after the first 1,000 cycles.

#include "benchutil.h"
#include "app/sampleapi/sampleapi.h"
#include "core/http/endpoint.h"
#include "core/mutation/mutationqueue.h"
#include "core/client/queryobserver.h"
#include "core/mutation/resourcetags.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QTemporaryDir>

#include <malloc.h>

using namespace refetch;
using namespace refetch::bench;
using namespace std::chrono_literals;

namespace {

constexpr int Pages = 400;    // distinct list keys (page size 5)
constexpr int Records = 300;  // distinct records saved

} // namespace

void soakWorkload(int cycles)
{
    QTemporaryDir dir;
    SampleApi api;
    SampleApi::Options apiOptions;
    apiOptions.databasePath = dir.filePath(QStringLiteral("soak.sqlite"));
    QString error;
    if (!api.start(apiOptions, &error))
        fail(qPrintable(u"soak: the sample API did not start: "_qs + error));

    QNetworkAccessManager nam;
    HttpTransport transport(&nam);
    const Endpoint endpoint(&transport, EndpointConfig{.name = QStringLiteral("soak"), .baseUrl = api.baseUrl()});
    QueryClient client(ClientConfig{.defaultGcTime = 50ms});
    MutationQueue queue(&client);
    queue.addEndpoint(&endpoint);
    const ResourceTags posts(QStringLiteral("posts"), endpoint.name());

    qint64 rssAt1000 = 0;
    int requests = 0, failures = 0;
    QObject::connect(&api, &SampleApi::requestHandled, [&](const QByteArray &, const QString &, int status) {
        ++requests;
        failures += status >= 400;
    });
    QElapsedTimer elapsed;
    elapsed.start();
    for (int i = 0; i < cycles; ++i) {
        const int page = i % Pages + 1;
        const int id = i % Records + 1;

        QueryOptions list;
        list.key = QueryKey{"soak", "posts", "list", Json::object({{u"_page", page}, {u"_limit", 5}})};
        list.fn = endpoint.get(QStringLiteral("/posts"),
                               QUrlQuery{{QStringLiteral("_page"), QString::number(page)}, {QStringLiteral("_limit"), QStringLiteral("5")}});
        posts.provideList(list);
        list.gcTime = 50ms;
        QueryOptions detail;
        detail.key = QueryKey{"soak", "posts", "detail", id};
        detail.fn = endpoint.get(u"/posts/"_qs + QString::number(id));
        posts.provideDetail(detail, Json(id));
        detail.gcTime = 50ms;

        auto listObserver = std::make_unique<QueryObserver>(&client, list);
        auto detailObserver = std::make_unique<QueryObserver>(&client, detail);
        auto settledFetch = [&] {
            const Query *l = listObserver->query(), *d = detailObserver->query();
            return l && d && l->hasData() && d->hasData() && l->fetchStatus() == FetchStatus::Idle
                   && d->fetchStatus() == FetchStatus::Idle;
        };
        waitFor(settledFetch, "soak: a fetch did not settle");

        bool settled = false;
        Mutation *save = queue.mutate(MutationOptions{.method = "PATCH",
                                                      .endpoint = endpoint.name(),
                                                      .path = u"/posts/"_qs + QString::number(id),
                                                      .resource = QStringLiteral("posts"),
                                                      .id = Json(id),
                                                      .invalidatesTags = posts.detail(Json(id))},
                                      Json::object({{u"views", i}}));
        QObject::connect(save, &Mutation::settled, [&settled] { settled = true; });
        waitFor([&] { return settled; }, "soak: a save did not settle");
        waitFor(settledFetch, "soak: the refetch after a save did not settle");
        if (detailObserver->query()->data().value(u"views").toInteger() != i)
            fail("soak: the record does not show the saved value after the refetch");

        client.invalidateQueries({.key = QueryKey{"soak", "posts", "list"}});
        waitFor(settledFetch, "soak: the refetch after an invalidation did not settle");

        listObserver.reset();
        detailObserver.reset();
        if (i + 1 == 1000) {
            // Let the last collections run, then measure.
            waitFor([&] { return client.cache()->size() == 0; }, "soak: gc did not run");
            malloc_trim(0);
            rssAt1000 = residentBytes();
        }
    }
    waitFor([&] { return client.cache()->size() == 0; }, "soak: gc did not run");
    waitFor([&] { return queue.mutations().isEmpty(); }, "soak: a write did not settle");
    malloc_trim(0);
    const qint64 rssEnd = residentBytes();
    const double growth = rssAt1000 > 0 ? double(rssEnd - rssAt1000) / double(rssAt1000) : 0;
    printLine({{"workload", "soak"}, {"cycles", cycles}, {"seconds", qRound(elapsed.elapsed() / 100.0) / 10.0},
               {"requests", requests}, {"failed_requests", failures},
               {"rss_after_1000_kb", rssAt1000 / 1024}, {"rss_after_run_kb", rssEnd / 1024},
               {"growth_percent", qRound(growth * 1000) / 10.0}, {"ok", growth <= 0.10 && failures == 0},
               {"note", "fetch list+record, PATCH invalidating its tags, invalidate the list prefix, unmount; gc 50 ms; "
                        "resident set after the run vs after the first 1,000 cycles (target: within 10%)"}});
    if (growth > 0.10)
        fail("soak: resident memory grew more than 10% after the first 1,000 cycles");
    if (failures)
        fail("soak: the server answered errors");
}
