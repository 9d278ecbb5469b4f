#pragma once

#include "core/client/clock.h"
#include "core/json/json.h"
#include "core/client/queryerror.h"
#include "core/cache/querykey.h"
#include "core/cache/querystate.h"
#include "core/client/retrypolicy.h"
#include "core/cache/tag.h"

#include <functional>
#include <memory>
#include <optional>

namespace refetch {

class FetchAttempt;

// The HTTP request behind a fetch's answer, as the cache inspector shows it: no headers, the URL without
// credentials.
struct RequestRecord
{
    QByteArray method;
    QUrl url;
    int status = 0;            // 0: no HTTP answer
    qint64 bytes = 0;          // the body's size
    Millis duration{0};
    bool notModified = false;  // a 304 served it
};

// What a fetch function hands back: data, or a 304 that keeps the cached data, or an error.
struct FetchResult
{
    Json data;
    bool notModified = false;  // 304: the cached data is still current; nothing to parse
    QByteArray etag;           // validators to send back on the next fetch
    QByteArray lastModified;
    Json meta;                 // what the response says about the data: {"total": N, "links": {"next": url, ...}}
    std::optional<QueryError> error;
    std::optional<RequestRecord> request;   // set by Endpoint::get, for the cache inspector

    static FetchResult success(Json data) { return FetchResult{.data = std::move(data)}; }
    static FetchResult failure(QueryError error) { return FetchResult{.error = std::move(error)}; }
};

// What a fetch function gets: the key, the validators of the cached data, and the way to answer. Answering
// more than once, or after the fetch was cancelled or superseded, does nothing.
class QueryFnContext
{
public:
    explicit QueryFnContext(std::shared_ptr<FetchAttempt> attempt) : m_attempt(std::move(attempt)) {}

    const QueryKey &key() const;
    QByteArray etag() const;          // send as If-None-Match
    QByteArray lastModified() const;  // send as If-Modified-Since
    int attempt() const;              // 0 for the first try, n for retry n

    void resolve(FetchResult result) const;
    void resolve(Json data) const { resolve(FetchResult::success(std::move(data))); }
    void reject(QueryError error) const { resolve(FetchResult::failure(std::move(error))); }
    // How to abort the work (e.g. QNetworkReply::abort); called at most once, on cancel.
    void onCancel(std::function<void()> cancel) const;
    bool isCancelled() const;

private:
    std::shared_ptr<FetchAttempt> m_attempt;
};

using QueryFn = std::function<void(const QueryFnContext &)>;
using TagsFn = std::function<TagList(const Json &data)>;

// When the window comes back to the front (TanStack's refetchOnWindowFocus: false, true, 'always').
enum class FocusRefetch : quint8 {
    Never,
    WhenStale,  // only data past its stale time
    Always,     // whatever is on screen, however fresh: a change made elsewhere a moment ago shows
};
using SelectFn = std::function<Json(const Json &data)>;

// Everything a view says about one query, as a plain struct: QueryOptions{.key = k, .fn = f, .staleTime = 30s}.
struct QueryOptions
{
    QueryKey key;
    QueryFn fn;
    bool enabled = true;
    Millis staleTime{0};                          // how long fetched data counts as fresh
    Millis gcTime{std::chrono::minutes(5)};       // how long unobserved data is kept
    Millis refetchInterval{0};                    // poll while observed; 0 = never
    std::function<bool()> intervalPaused;         // while it answers true, a poll is skipped (a change stream
                                                  // keeps the data current); empty: never
    FocusRefetch refetchOnWindowFocus = FocusRefetch::WhenStale;
    bool refetchOnReconnect = true;
    bool refetchOnMount = true;                   // fetch on attach when the data is missing or stale
    RetryPolicy retry;
    TagList tags;                                 // tags the query always provides
    TagsFn tagsFrom;                              // tags computed from its data
    SelectFn select;                              // what an observer shows of the data
    QueryChanges notifyOn = DefaultNotifyOn;      // what an observer signals
};

} // namespace refetch
