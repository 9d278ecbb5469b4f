// live_sse, live_websocket (#17): a change made on the server by another client, until the new value is shown by a
// view of this one, through the endpoint's change stream (Server-Sent Events, or the WebSocket), with no focus
// and no polling: the time from the change being saved at the server (the sample API's change feed publishing
// it) to the observer of the record telling its new value, and the requests the change cost (counted at the
// server). A view of the record and a view of the list page holding it are open, and a view of another record
// and of another resource's list, which must not refetch: 2 requests per change. Over HTTP to the built-in
// sample API in this process; live_sse_10ms with the server answering every request 10 ms late (a server
// elsewhere: the refetch's round trip, which the stream cannot save).
#include "benchutil.h"

#include "app/sampleapi/changefeed.h"
#include "app/sampleapi/sampleapi.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"
#include "core/http/httptransport.h"
#include "core/mutation/mutationqueue.h"
#include "core/session/apiconnection.h"
#include "core/session/liveconnection.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>

using namespace refetch;
using namespace refetch::bench;

namespace {

constexpr int Changes = 100;

// `latency`: the sample API answers every request that late (the stream's events are not delayed).
void liveWorkload(const char *name, bool webSocket, std::chrono::milliseconds latency)
{
    QTemporaryDir dir;
    SampleApi api;
    QString error;
    if (!api.start({.databasePath = dir.filePath(QStringLiteral("live.sqlite")), .latency = latency}, &error))
        fail(qPrintable(QStringLiteral("%1: the sample API did not start: %2").arg(QLatin1String(name), error)));
    int gets = 0;
    QElapsedTimer clock;
    clock.start();
    qint64 changedAt = 0;
    QObject::connect(&api, &SampleApi::requestHandled, [&](const QByteArray &method, const QString &, int) { gets += method == "GET"; });
    QObject::connect(api.changeFeed(), &sampleapi::ChangeFeed::published, [&] { changedAt = clock.nsecsElapsed(); });

    QueryClient client;
    MutationQueue queue(&client);
    QNetworkAccessManager nam;
    HttpTransport transport(&nam);
    EndpointSettings e;
    e.id = QStringLiteral("live");
    e.baseUrl = api.baseUrl();
    e.dialect = QStringLiteral("json-server");
    e.resources = {QStringLiteral("posts"), QStringLiteral("users")};
    e.staleTime = std::chrono::minutes(10);
    e.refetchOnFocus = false;
    if (webSocket)
        e.liveUrl = api.webSocketUrl();
    ApiConnection connection(e, &client, &queue, &transport);
    connection.startLive();
    waitFor([&] { return connection.live()->isLive(); }, "the stream did not open");

    QueryObserver record(&client, connection.detailQuery(QStringLiteral("posts"), 3));
    QueryObserver list(&client, connection.listQuery(QStringLiteral("posts"), ListParams{.page = 1, .pageSize = 20}));
    QueryObserver other(&client, connection.detailQuery(QStringLiteral("posts"), 4));
    QueryObserver users(&client, connection.listQuery(QStringLiteral("users"), ListParams{.page = 1, .pageSize = 20}));
    waitFor([&] { return record.isSuccess() && list.isSuccess() && other.isSuccess() && users.isSuccess(); }, "the views did not load");

    QString expected;
    qint64 shownAt = 0;
    QObject::connect(&record, &QueryObserver::changed, [&] {
        if (!shownAt && record.data()["title"].toString() == expected)
            shownAt = clock.nsecsElapsed();
    });
    auto listShows = [&] {
        const Json rows = list.data()["data"];
        for (qsizetype i = 0; i < rows.size(); ++i) {
            if (rows.at(i)["id"].toInteger() == 3)
                return rows.at(i)["title"].toString() == expected;
        }
        return false;
    };

    QNetworkAccessManager otherClient;
    std::vector<double> ms;
    int requests = 0;
    for (int i = 0; i < Changes; ++i) {
        expected = QStringLiteral("Live change %1").arg(i);
        shownAt = 0;
        changedAt = 0;
        const int before = gets;
        QNetworkRequest request(api.baseUrl().resolved(QUrl(QStringLiteral("/posts/3"))));
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        QNetworkReply *reply = otherClient.sendCustomRequest(request, "PATCH", "{\"title\":\"" + expected.toUtf8() + "\"}");
        waitFor([&] { return shownAt != 0 && listShows() && reply->isFinished() && !record.isFetching() && !list.isFetching(); },
                "the change was not shown");
        reply->deleteLater();
        if (reply->error() != QNetworkReply::NoError)
            fail("the PATCH failed");
        ms.push_back(double(shownAt - changedAt) / 1e6);
        requests += gets - before;
    }
    // Exactly the affected views: the record and its list page, not the other record or the other resource.
    if (requests != 2 * Changes || other.isFetching() || users.isFetching())
        fail("a change refetched more than the views it affects");
    const double worst = *std::max_element(ms.begin(), ms.end());
    printLine({{"workload", QLatin1String(name)},
               {"changes", Changes},
               {"median_ms", qRound(median(ms) * 100) / 100.0},
               {"worst_ms", qRound(worst * 100) / 100.0},
               {"requests_per_change", double(requests) / Changes},
               {"affected_views", 2},
               {"server_latency_ms", qint64(latency.count())}});
}

} // namespace

void liveSseWorkload()
{
    liveWorkload("live_sse", false, std::chrono::milliseconds(0));
    liveWorkload("live_sse_10ms", false, std::chrono::milliseconds(10));
}

void liveWebSocketWorkload()
{
    liveWorkload("live_websocket", true, std::chrono::milliseconds(0));
}
