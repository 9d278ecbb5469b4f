// reference_page (#15): what it costs to show a page of 50 comments with its two reference columns (postId -> posts,
// userId -> users) by name: requests and time, with an empty cache and from the cache. Over HTTP to the built-in
// sample API in this process (its own data: 1,500 comments, 500 posts, 50 users).
#include "benchutil.h"

#include "app/sampleapi/sampleapi.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"
#include "core/http/endpoint.h"
#include "core/http/httptransport.h"
#include "core/models/referencelabels.h"
#include "core/mutation/resourcetags.h"
#include "core/providers/dataprovider.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QTemporaryDir>

using namespace refetch;
using namespace refetch::bench;

namespace {

constexpr int Rows = 50;

} // namespace

void referencePageWorkload()
{
    QTemporaryDir dir;
    SampleApi api;
    SampleApi::Options options;
    options.databasePath = dir.filePath(QStringLiteral("refs.sqlite"));
    QString error;
    if (!api.start(options, &error))
        fail(qPrintable(QStringLiteral("reference_page: the sample API did not start: ") + error));
    int requests = 0;
    QObject::connect(&api, &SampleApi::requestHandled, [&](const QByteArray &, const QString &, int) { ++requests; });

    QNetworkAccessManager nam;
    HttpTransport transport(&nam);
    const Endpoint endpoint(&transport, EndpointConfig{.name = QStringLiteral("refs"), .baseUrl = api.baseUrl()});
    const DataProvider *provider = endpoint.provider();
    const QStringList resources{QStringLiteral("comments"), QStringLiteral("posts"), QStringLiteral("users")};

    std::vector<double> coldMs, cachedUs;
    int coldRequests = 0, cachedRequests = 0, references = 0;
    for (int rep = 0; rep <= reps(); ++rep) {   // the first is a warm-up
        QueryClient client;
        // The page itself, as the list fetches it.
        QueryOptions page;
        page.key = QueryKey{"refs", "comments", {{u"page", 1}}};
        page.fn = provider->listFn(endpoint, QStringLiteral("comments"), ListParams{.page = 1, .pageSize = Rows});
        QueryObserver list(&client, page);
        waitFor([&] { return list.isSuccess(); }, "reference_page: the page did not load");
        const Json rows = DataProvider::pageOf(list.data()).rows;
        if (rows.size() != Rows)
            fail("reference_page: not a page of 50");

        auto detail = [&](const QString &resource, const Json &id) {
            QueryOptions o;
            o.key = QueryKey{"refs", resource, id};
            o.fn = provider->recordFn(endpoint, resource, id);
            return o;
        };
        auto tags = [&](const QString &resource, const Json &id) {
            return ResourceTags(resource, endpoint.name()).detailTags(id);
        };
        auto allNamed = [&](const ReferenceLabels &labels) {
            for (const Reference &ref : labels.references()) {
                for (qsizetype r = 0; r < rows.size(); ++r) {
                    if (labels.label(ref.resource, rows.at(r).value(ref.field)).isEmpty())
                        return false;
                }
            }
            return true;
        };
        const QList<Reference> found = ReferenceFinder::find({}, rows, resources, QStringLiteral("id"));
        references = int(found.size());

        // One list showing the page: the time until every reference is named (in `unit`s of a second), and the
        // requests it made (counted after the event loop has run once more).
        auto showPage = [&](std::vector<double> &times, double unit, int &requestsMade) {
            ReferenceLabels labels(&client, &endpoint, detail, tags);
            labels.setReferences(found);
            const int before = requests;
            QElapsedTimer t;
            t.start();
            labels.request(rows);
            waitFor([&] { return allNamed(labels); }, "reference_page: the labels did not come");
            if (rep > 0)
                times.push_back(double(t.nsecsElapsed()) / 1e9 * unit);
            QCoreApplication::processEvents();
            requestsMade = requests - before;
        };
        showPage(coldMs, 1e3, coldRequests);      // cold: nothing of posts or users cached
        showPage(cachedUs, 1e6, cachedRequests);  // another list on the same page: the labels' queries cached
    }
    printLine({{"workload", "reference_page"}, {"rows", Rows}, {"references", references},
               {"cold_requests", coldRequests}, {"cold_ms", median(coldMs)},
               {"cached_requests", cachedRequests}, {"cached_us", median(cachedUs)}, {"reps", reps()},
               {"note", "50 comments, postId -> posts and userId -> users by name: one getMany per resource "
                        "(json-server ?id=); the same page again from the cache"}});
}
