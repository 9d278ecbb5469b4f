#pragma once

#include "core/cache/querystate.h"
#include "core/client/clock.h"

#include <QtGlobal>

namespace refetch {

class Query;
struct QueryError;
struct QueryFilters;
struct RequestRecord;
class Tag;

// What happened to an entry, or to the whole cache, as the cache inspector's timeline tells it.
enum class CacheEventKind : quint8 {
    Created,        // the entry was made (by an observer, a fetch or setQueryData)
    Mounted,        // an observer attached; value: observers now
    Unmounted,      // an observer left; value: observers left
    OptionsChanged, // an observer was enabled or disabled; value: 1 when enabled
    BecameStale,    // its stale time ran out; value: the stale time in ms
    Invalidated,    // detail: the tag or key that matched, and who invalidated it; value: 0 a refetch is queued, else
                    // why not (CacheEventLog::NotRefetched...)
    FetchStarted,   // reason: why; detail: the invalidation that queued it, for FetchReason::Invalidated
    Paused,         // a fetch waits for the network
    Resumed,        // a paused fetch goes on: the network is back
    Retry,          // attempt: the retry's number; value: its delay in ms; detail: the error
    Fetched,        // value: 1 when the data changed
    NotModified,    // a 304 kept the cached data
    Failed,         // detail: the error
    Cancelled,      // a fetch under way was aborted
    DataSet,        // setQueryData (by code, an optimistic write, a rollback); value: 1 when the data changed
    Restored,       // hydrated from a persisted cache: shown at once, invalidated until refetched
    Reset,          // back to pending, without data
    Removed,        // removed by removeQueries
    Evicted,        // collected by gc
    StillFresh,     // reason: a window focus or reconnect that did not refetch it; value: ms until it goes stale
    // The whole cache (slot NoSlot).
    WindowFocus,    // the window came back; value: entries refetched
    Online,         // the network came back; value: entries refetched
    Offline,
    FocusThrottled, // the window came back too soon after the last refetch on focus; value: ms until one may run
};

// One thing that happened to an entry, as the client reports it to its recorder.
struct QueryEvent
{
    CacheEventKind kind = CacheEventKind::Created;
    qint32 value = 0;                        // per kind (see CacheEventKind)
    FetchReason reason = FetchReason::Mount; // FetchStarted, StillFresh
    int attempt = 0;                         // Retry: its number
    const QueryError *error = nullptr;       // Retry, Failed
    const RequestRecord *request = nullptr;  // the HTTP request whose answer made this happen, when there was one
};

// What the QueryClient tells whoever records why the cache does what it does (the cache inspector's CacheEventLog):
// one call per transition of an entry, and the entries an invalidation marks. The client calls it from one place
// for the transitions (QueryClient::record), and costs one null check without a recorder.
class QueryRecorder
{
public:
    virtual ~QueryRecorder() = default;

    // Something happened to `q`; nullptr: to the whole cache (a window focus, the network gone or back).
    virtual void record(const Query *q, const QueryEvent &event) = 0;

    // An invalidation by a tag or by filters starts; each entry it marks follows with `why` it is, or is not,
    // refetched.
    enum NotRefetchedBecause : qint32 { Refetching = 0, NotShown = 1, ViewsDisabled = 2, OnlyMarked = 3, OnlyInactive = 4 };
    virtual void invalidationStarted(const Tag &tag) = 0;
    virtual void invalidationStarted(const QueryFilters &filters) = 0;
    virtual void invalidated(quint32 slot, qint32 why) = 0;
};

} // namespace refetch
