#pragma once

#include "apidetector.h"

#include "core/http/endpoint.h"

#include <functional>
#include <memory>

namespace refetch {

// The probes of one detection (ApiDetector::query's fetch), answered in any order: /db, /openapi.json and the
// root at once; then the OpenAPI document's other usual places; then one list request for the first resource.
// It resolves the query with DetectedApi::toJson() or rejects it with the most telling error, and keeps itself
// alive until then.
class DetectionProbes : public std::enable_shared_from_this<DetectionProbes>
{
public:
    DetectionProbes(QueryFnContext c, Endpoint e, DetectionHints h) : ctx(std::move(c)), endpoint(std::move(e)), hints(std::move(h)) {}

    void start();

private:
    // One probe's answer.
    struct Answer
    {
        bool done = false;
        FetchResult result;
        QByteArray contentType;
        QByteArray raw;           // the body as sent (an HTML page is no JSON)
    };

    void get(const QString &path, Answer *into, std::function<void()> then, const QUrlQuery &query = {},
             const HttpHeaders &headers = {});
    static bool unreachable(const Answer &a);
    static bool ok(const Answer &a) { return a.done && !a.result.error; }
    // Failed for a reason of its own (too large, a server error, a timeout), not "nothing here".
    static bool failedOnItsOwn(const Answer &a);

    void firstRound();
    // `document` found at `path`: its resources, if it is an OpenAPI document that lists any.
    bool tryOpenApi(const Json &document, const QString &path);
    static bool isOpenApiDocument(const Json &document);
    bool tryRoot();
    void openApiFallbacks();
    void giveUp();
    // One list request for the first resource: its paging, envelope and total.
    void probeList(DetectedApi api);
    void finish(DetectedApi api);

    QueryFnContext ctx;
    Endpoint endpoint;
    DetectionHints hints;
    Answer db, openapi, root;
    int openapiFallback = 0;
};

} // namespace refetch
