#pragma once

#include "core/json/json.h"
#include "core/client/queryerror.h"
#include "core/cache/querykey.h"
#include "core/client/queryoptions.h"
#include "core/cache/querystate.h"
#include "core/client/scheduler.h"
#include "core/cache/tag.h"

#include <QList>
#include <QPointer>
#include <cstring>
#include <memory>

namespace refetch {

class QueryObserver;
class QueryCache;
class FetchAttempt;

// One entry as a persister saved it (TanStack's dehydrated query): QueryClient::hydrate() puts it back.
struct DehydratedQuery
{
    QueryKey key;
    Json data;
    Json meta;
    TimePoint updatedAt{0};
    TagList tags;
    QByteArray etag;
    QByteArray lastModified;
};

// A query's key as the cache keeps it: its canonical text and number of parts, in a block of the cache's key arena,
// apart from the query. The cache's table points here, so that a lookup reads keys packed densely (a million of them
// in some 32 MB) and never touches the query itself: finding an entry to invalidate reads the table's slot, then
// this block and the cache's flag at once.
struct StoredKey
{
    quint32 length;
    quint32 parts;
    const char *text() const { return reinterpret_cast<const char *>(this + 1); }
    char *text() { return reinterpret_cast<char *>(this + 1); }
    QByteArrayView view() const { return QByteArrayView(text(), length); }
    // The text follows the header at a fixed place: it is read while the length is still on its way.
    bool equals(QByteArrayView other) const
    {
        const size_t n = size_t(other.size());
        return length == n && std::memcmp(text(), other.data(), n) == 0;
    }
    static size_t bytesFor(size_t length) { return sizeof(StoredKey) + length; }
};

// One cache entry: its key, its data and error, where its fetching stands, and who observes it. Owned by the
// QueryCache. Its state moves only through the transitions below, each an event that happened to the entry which
// updates it and returns what observers see changed (as query-core's query reduces its actions). When a transition
// happens (deduplication, retries, pausing, invalidation) is the QueryClient's to decide; telling observers and
// the recorder what changed is the client's too.
class Query
{
public:
    // A query (from the cache's arena) and its key (from the cache's key arena).
    static Query *create(QueryCache *cache, quint32 slot, const QueryKey &key);
    static void destroy(Query *q);
    Q_DISABLE_COPY_MOVE(Query)

    // The key, its hash computed again from the text (the cache's table keeps the hash, not the entry).
    QueryKey key() const { return QueryKey(keyText(), QueryKey::hashText(keyText()), keySize()); }
    QByteArrayView keyText() const { return m_key->view(); }
    int keySize() const { return int(m_key->parts); }
    bool hasKey(const QueryKey &key) const { return m_key->equals(key.text()); }
    const StoredKey *storedKey() const { return m_key; }
    const Json &data() const { return m_data; }
    // What the last response said about the data besides the data itself (e.g. {"total": 1000} from
    // X-Total-Count, "links" from a Link header); Undefined when it said nothing.
    const Json &meta() const;
    const QueryError *error() const { return m_error.get(); }
    QueryStatus status() const { return m_status; }
    FetchStatus fetchStatus() const { return m_fetchStatus; }
    bool isFetching() const { return m_fetchStatus != FetchStatus::Idle; }
    bool hasData() const { return !m_data.isUndefined(); }
    TimePoint dataUpdatedAt() const { return m_dataUpdatedAt; }
    TimePoint errorUpdatedAt() const { return m_errorUpdatedAt; }
    int failureCount() const { return m_failureCount; }
    bool isInvalidated() const;
    // Stale for a given stale time: invalidated, without data, or older than staleTime.
    bool isStaleAt(TimePoint now, Millis staleTime) const;
    const TagList &tags() const { return m_tags; }
    quint32 generation() const { return m_generation; }
    // Its place in the cache's per-slot arrays; a slot is reused once its entry is gone.
    quint32 slot() const { return m_slot; }
    const QueryOptions *options() const { return m_options.get(); }
    const std::shared_ptr<const QueryOptions> &sharedOptions() const { return m_options; }
    const QList<QueryObserver *> &observers() const { return m_observers; }
    bool isObserved() const { return !m_observers.isEmpty(); }
    // Observed by at least one enabled observer (TanStack's "active").
    bool isActive() const;
    QByteArray etag() const { return m_extras ? m_extras->etag : QByteArray(); }
    QByteArray lastModified() const { return m_extras ? m_extras->lastModified : QByteArray(); }
    // The validators a conditional GET may send (and a persister may keep): none while the data is not the server's
    // answer for them (an optimistic change, setQueryData), since a 304 would then keep the local data as the
    // server's. etag() stays the version a write's If-Match names.
    QByteArray revalidationEtag() const { return m_localData ? QByteArray() : etag(); }
    QByteArray revalidationLastModified() const { return m_localData ? QByteArray() : lastModified(); }
    FetchReason lastFetchReason() const { return m_lastReason; }

    // A fetch under way: the attempt that runs, a retry's timer, who waits for the outcome. Exists only while a
    // fetch is under way: most entries never pay for it.
    struct Waiter { QPointer<QObject> context; std::function<void(const Query &)> done; };
    struct Inflight {
        std::shared_ptr<FetchAttempt> attempt;
        Scheduler::TaskId retryTask = 0;
        bool refetchAfter = false;
        FetchReason refetchReason = FetchReason::Mount;   // why the fetch after this one was asked for
        QList<Waiter> waiters;
    };
    Inflight *inflight() const { return m_inflight.get(); }

    // ---- Transitions
    // Data written by code (setQueryData, an optimistic write, a rollback) as if fetched `now`: success, fresh.
    QueryChanges dataSet(const Json &data, TimePoint now);
    // Data a persister saved, as of its time and invalidated, so that it shows at once and is revalidated.
    QueryChanges hydrated(const DehydratedQuery &saved);
    // A fetch starts: a new generation (replies of older fetches are dropped), the inflight record, no failures.
    QueryChanges fetchStarted(FetchReason reason);
    // The fetch runs, waits for the network, or is over.
    QueryChanges fetchStatusChanged(FetchStatus status);
    // An attempt failed and another follows: `failures` so far.
    QueryChanges retrying(int failures);
    // The server answered with data (and meta and validators): success, fresh, no error, no failures.
    QueryChanges succeeded(FetchResult &result, TimePoint now);
    // The server answered 304: the cached data is the server's still (the entry must have data).
    QueryChanges notModified(const FetchResult &result, TimePoint now);
    // The fetch failed for good after `failures` attempts. Data already shown stays (and stays success): the error
    // is reported beside it.
    QueryChanges failed(const QueryError &error, TimePoint now, int failures);
    // Marked stale whatever its stale time, until data comes.
    QueryChanges invalidated();
    // Back to its first state: no data, no error, pending, no validators or tags.
    QueryChanges reset();
    // The fetch is over (settled or aborted): hands back its inflight record, for its waiters and what follows.
    std::unique_ptr<Inflight> fetchEnded();

    // ---- What the client and the cache keep on the entry
    // The options its fetches run with (the latest observer's, or a fetchQuery's).
    void setOptions(std::shared_ptr<const QueryOptions> options) { m_options = std::move(options); }
    void addObserver(QueryObserver *o) { m_observers.append(o); }
    void removeObserver(QueryObserver *o) { m_observers.removeOne(o); }
    void clearObservers() { m_observers.clear(); }
    // In the client's end-of-turn refetch batch.
    bool isRefetchQueued() const { return m_refetchQueued; }
    void setRefetchQueued(bool queued) { m_refetchQueued = queued; }

private:
    Query(QueryCache *cache, quint32 slot, StoredKey *key) : m_key(key), m_cache(cache), m_slot(slot) {}
    ~Query();

    // Success now: status, no error, not invalidated, updated at `now`.
    QueryChanges markSucceeded(TimePoint now);
    // The tail of succeeded() and notModified(): the server answered, so keep its validators, mark the entry a
    // success and forget past failures.
    QueryChanges answered(const FetchResult &result, TimePoint now);
    void setValidators(const QByteArray &etag, const QByteArray &lastModified);

    // The cache's index of entries by slot, gc and tags.
    friend class QueryCache;
    friend class TagIndex;

    // What only some entries have: a response's meta and its validators. Apart, so that an entry without them is 16
    // bytes smaller (a granule of the arena).
    struct Extras { Json meta; QByteArray etag; QByteArray lastModified; };
    Extras &extras();

    // The invalidated, observed and active flags live in the cache's dense per-slot array, so that an
    // invalidation of a thousand entries reads and writes a few kilobytes instead of a thousand heap objects.
    StoredKey *m_key;              // in the cache's key arena
    QueryCache *m_cache;
    quint32 m_slot;
    bool m_refetchQueued = false;  // in the client's end-of-turn refetch batch
    QueryStatus m_status = QueryStatus::Pending;
    FetchStatus m_fetchStatus = FetchStatus::Idle;
    FetchReason m_lastReason = FetchReason::Mount;
    quint16 m_failureCount = 0;
    bool m_localData = false;      // the data was set here after the validators came (revalidationEtag); in padding
    quint32 m_generation = 0;      // bumped by every fetch; replies of older fetches are dropped
    QList<QueryObserver *> m_observers;
    Json m_data;
    TimePoint m_dataUpdatedAt{0};
    TimePoint m_errorUpdatedAt{0};
    TimePoint m_gcAt{0};           // 0: not due for collection (observed, or kept forever)
    std::unique_ptr<QueryError> m_error;
    std::shared_ptr<const QueryOptions> m_options;
    std::unique_ptr<Extras> m_extras;
    std::unique_ptr<Inflight> m_inflight;
    TagList m_tags;
};

} // namespace refetch
