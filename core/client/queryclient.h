#pragma once

#include "core/client/clock.h"
#include "core/client/focussource.h"
#include "core/client/notifier.h"
#include "core/client/onlinesource.h"
#include "core/cache/query.h"
#include "core/cache/querycache.h"
#include "core/client/queryoptions.h"
#include "core/client/queryrecorder.h"
#include "core/client/scheduler.h"

#include <QObject>
#include <QSet>
#include <functional>

namespace refetch {

class QueryObserver;

// Which matched queries an invalidation refetches at once; the others are only marked stale.
enum class RefetchType { Active, Inactive, All, None };

// How a fetch treats one already under way for the same query.
enum class FetchMode {
    Dedupe,         // join it: one request in flight, however many callers
    AfterRunning,   // let it finish, then fetch once more (its data may predate what made us ask)
    CancelRunning,  // abort it and start again
};

// What a client is built with. Every pointer is optional: the client makes the default one.
struct ClientConfig
{
    Clock *clock = nullptr;          // default: the system clock
    FocusSource *focus = nullptr;    // default: follows the application's activation
    OnlineSource *online = nullptr;  // default: always online (the app passes a NetworkOnlineSource)
    Millis focusThrottle{5000};      // focus events closer than this refetch nothing more
    Millis defaultGcTime{std::chrono::minutes(5)};
};

// The facade views and forms talk to (query-core's QueryClient): read and write cached data, fetch,
// invalidate by key or tag, refetch, cancel, remove, reset. It also owns the life of every fetch: deduplication,
// retries with backoff, pausing while offline, and refetching on window focus and on reconnect.
class QueryClient : public QObject
{
    Q_OBJECT
public:
    explicit QueryClient(ClientConfig config = {}, QObject *parent = nullptr);
    ~QueryClient() override;

    QueryCache *cache() const { return m_cache; }
    Clock *clock() const { return m_clock; }
    Scheduler *scheduler() const { return m_scheduler; }
    Notifier *notifier() const { return m_notifier; }
    FocusSource *focusSource() const { return m_focus; }
    OnlineSource *onlineSource() const { return m_online; }
    TimePoint now() const { return m_clock->now(); }
    // Who records why entries changed and fetched (the cache inspector's CacheEventLog), or nullptr. At most one;
    // it must outlive the client or set nullptr before it goes.
    QueryRecorder *recorder() const { return m_recorder; }
    void setRecorder(QueryRecorder *recorder) { m_recorder = recorder; }

    // Cached data, or Undefined.
    Json queryData(const QueryKey &key) const;
    const Query *query(const QueryKey &key) const { return m_cache->find(key); }
    // Writes data as if fetched now (status success, fresh); creates the entry if needed. Equal data changes
    // nothing observers see.
    void setQueryData(const QueryKey &key, const Json &data);
    void setQueryData(const QueryKey &key, const Json &data, const TagList &tags);
    void updateQueryData(const QueryKey &key, const std::function<Json(const Json &)> &updater);
    // Puts saved data back as of its time, invalidated, so that observers show it at once and refetch on mount.
    // An entry holding newer data keeps it. Returns whether the saved data was used.
    bool hydrate(const DehydratedQuery &saved);

    // Fetches unless the cached data is fresh for options.staleTime; `done` runs (on `context`'s thread, never
    // after `context` is gone) once the query has settled, with its final state.
    void fetchQuery(const QueryOptions &options, QObject *context = nullptr,
                    std::function<void(const Query &)> done = {});
    // fetchQuery without an answer, to warm the cache.
    void prefetchQuery(const QueryOptions &options) { fetchQuery(options); }

    // Marks the matches stale and refetches those `refetch` names (by default the active ones), coalesced:
    // however many invalidations hit an entry in one event-loop turn, it refetches once; one already fetching
    // is refetched once more after its reply. Returns the number of matches.
    int invalidateQueries(const QueryFilters &filters, RefetchType refetch = RefetchType::Active);
    int invalidateTags(const TagList &tags, RefetchType refetch = RefetchType::Active);
    // Fetches the matches that are not disabled (entries without an enabled observer and a fetch function are
    // skipped). Returns how many fetches started or joined.
    int refetchQueries(const QueryFilters &filters, FetchMode mode = FetchMode::AfterRunning);
    // Aborts fetches under way; their entries keep their previous data and state.
    int cancelQueries(const QueryFilters &filters);
    // Deletes unobserved matches; observed ones lose their data and go back to pending (without a fetch).
    int removeQueries(const QueryFilters &filters);
    // Back to the initial state (no data, no error); active ones refetch.
    int resetQueries(const QueryFilters &filters);

    // Requests for queries under way (paused ones excluded), for a busy indicator.
    int fetchingCount() const { return m_fetchingCount; }

    // Starts (or joins, per `mode`) a fetch of `q` with its current options.
    void fetch(Query *q, FetchReason reason, FetchMode mode = FetchMode::Dedupe);

Q_SIGNALS:
    void fetchingCountChanged(int count);
    // A fetch started for `query`, and why (for the cache inspector and logs).
    void fetchStarted(const refetch::Query *query, refetch::FetchReason reason);

private:
    friend class QueryObserver;
    friend class FetchAttempt;

    // Observer wiring.
    void attach(QueryObserver *o);
    void detach(QueryObserver *o);

    // Fetch life cycle: when each of the entry's transitions happens; each tells observers what changed and the
    // recorder what happened.
    void startAttempt(Query *q);
    void onAttemptResult(FetchAttempt *attempt, FetchResult result);
    void settleSuccess(Query *q, FetchResult &result, const RequestRecord *request);
    void settleError(Query *q, const QueryError &error, int failures, const RequestRecord *request = nullptr);
    void finishFetch(Query *q, QueryChanges changes);
    void abortFetch(Query *q);
    // The entry's fetch status, and the client's count of fetches and list of paused ones with it.
    QueryChanges setFetchStatus(Query *q, FetchStatus status);
    void pause(Query *q, const RequestRecord *request = nullptr);
    void queueRefetch(Query *q);
    void unqueueRefetch(Query *q);
    // Marks the entry in `slot` invalidated, queues its refetch if `refetch` says so, and tells the recorder why.
    void invalidateSlot(quint32 slot, RefetchType refetch);
    qint32 markInvalidated(quint32 slot, RefetchType refetch); // 0 (refetching), or why it is not refetched
    void flushRefetches();
    void updateTags(Query *q);
    void notify(Query *q, QueryChanges changes);
    // Tells the recorder, when there is one, what happened to `q` (nullptr: to the whole cache).
    void record(const Query *q, const QueryEvent &event)
    {
        if (m_recorder)
            m_recorder->record(q, event);
    }
    void resetQuery(Query *q);

    void onFocusChanged(bool focused);
    void onOnlineChanged(bool online);
    void refetchObserved(FetchReason reason);

    Clock *m_clock;
    Scheduler *m_scheduler;
    Notifier *m_notifier;
    QueryCache *m_cache;
    FocusSource *m_focus;
    OnlineSource *m_online;
    Millis m_focusThrottle;
    TimePoint m_lastFocusRefetch = TimePoint::min();
    QSet<QueryObserver *> m_observers;
    QList<Query *> m_paused;          // in the order they paused
    QList<Query *> m_refetchQueue;    // this turn's coalesced refetches
    int m_fetchingCount = 0;
    QueryRecorder *m_recorder = nullptr;
};

// One try of one fetch: the link between a fetch function and the query it answers for. A reply that comes
// after the query moved on (cancelled, superseded, removed) finds the attempt dead and is dropped.
class FetchAttempt
{
public:
    FetchAttempt(QueryClient *client, Query *query, quint32 generation, int attempt)
        : m_client(client), m_query(query), m_generation(generation), m_attempt(attempt), m_key(query->key()) {}

    bool isAlive() const { return m_query != nullptr; }
    void kill();   // cancel: runs the fetch function's cancel hook once
    void resolve(FetchResult result);

private:
    friend class QueryClient;
    friend class QueryFnContext;

    QueryClient *m_client;
    Query *m_query;
    quint32 m_generation;
    int m_attempt;
    QueryKey m_key;
    QByteArray m_etag, m_lastModified;
    std::function<void()> m_cancel;
    bool m_resolved = false;
};

} // namespace refetch
