#pragma once

#include "core/client/clock.h"
#include "core/client/queryerror.h"
#include "core/cache/querykey.h"
#include "core/client/queryoptions.h"
#include "core/client/queryrecorder.h"
#include "core/cache/querystate.h"
#include "core/client/scheduler.h"
#include "core/cache/tag.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <deque>
#include <optional>
#include <vector>

namespace refetch {

class Mutation;
class Query;
class QueryCache;
class QueryClient;
struct QueryFilters;


// One event: 32 bytes in a ring. An entry is named by its slot and by a serial number that tells apart the
// entries that held the same slot one after another.
struct CacheEvent
{
    static constexpr quint32 NoSlot = 0xffffffffu;

    TimePoint time{0};
    quint32 slot = NoSlot;
    quint32 serial = 0;
    quint32 detail = 0;        // a CacheEventDetail id; 0 for none
    qint32 value = 0;          // per kind (see CacheEventKind)
    CacheEventKind kind = CacheEventKind::Created;
    FetchReason reason = FetchReason::Mount;
    quint16 attempt = 0;
};

// What an event refers to beyond its entry: the tag or key that invalidated it and who did (a mutation, a
// person), or an error. One detail serves every entry one invalidation matched.
struct CacheEventDetail
{
    enum class Kind : quint8 { Tag, Key, Filter, Origin, Error };

    Kind kind = Kind::Origin;
    Tag tag;               // Kind::Tag
    QString text;          // Key: the key; Filter: what it matched; Error: the message
    QString mutationId;    // the mutation behind it (its idempotency key); empty for none
    QString origin;        // "mutation PATCH /posts/7", "by hand"; empty when unknown
};

// The last HTTP request of an entry, as the inspector shows it.
struct CacheRequestRecord
{
    RequestRecord request;
    TimePoint at{0};
};

// Why the cache did what it did: a bounded ring of compact events fed by the QueryClient (mounted, stale,
// invalidated by tag X from mutation Y, fetch started and why, retry N, cancelled, evicted...), the last request
// of each entry, and a batched signal once per event-loop turn for the views that follow it. Attach at most one
// per client; without one the client's cost is a null-pointer check.
class CacheEventLog : public QObject, public QueryRecorder
{
    Q_OBJECT
public:
    // Attaches itself to `client` (which must outlive it or be deleted first); keeps the last `capacity` events.
    explicit CacheEventLog(QueryClient *client, int capacity = 50000, QObject *parent = nullptr);
    ~CacheEventLog() override;

    QueryClient *client() const;
    int capacity() const { return int(m_ring.size()); }

    // Events carry sequence numbers from 0; [firstSeq(), endSeq()) are still held.
    quint64 firstSeq() const { return m_end > m_ring.size() ? m_end - m_ring.size() : 0; }
    quint64 endSeq() const { return m_end; }
    const CacheEvent &at(quint64 seq) const { return m_ring[seq % m_ring.size()]; }
    // A detail by id; nullptr for 0 or one dropped from its ring.
    const CacheEventDetail *detail(quint32 id) const;
    quint32 firstDetail() const { return m_detailBase; }
    quint32 endDetail() const { return m_detailBase + quint32(m_details.size()); }

    // The serial of the entry in `slot` now (0 for a free slot).
    quint32 serialOf(quint32 slot) const { return slot < m_slots.size() ? m_slots[slot].serial : 0; }
    quint32 serialOf(const Query *q) const;
    // The live entry an event is about, or nullptr when it is gone.
    const Query *entry(const CacheEvent &e) const;
    // The key of entry `serial` (live, or as it was when it went); empty once forgotten.
    QueryKey keyOf(quint32 serial, quint32 slot) const;
    // "invalidated by tag posts:7 from mutation PATCH /posts/7", "fetch: window focus", "retry 2 in 2 s: ..."
    QString describe(const CacheEvent &e) const;
    static QString kindName(CacheEventKind kind);
    static QString reasonName(FetchReason reason);
    // The entry's last HTTP request, when it was fetched through an Endpoint since the log was attached.
    std::optional<CacheRequestRecord> lastRequest(const Query *q) const;

    // Who makes the changes that follow, while the scope lives: a mutation (invalidation and rollback on its
    // result), or a person at the inspector. Nothing without a log.
    class Origin
    {
    public:
        Origin(CacheEventLog *log, const Mutation *mutation);
        Origin(CacheEventLog *log, const QString &origin);
        ~Origin();
        Q_DISABLE_COPY_MOVE(Origin)

    private:
        CacheEventLog *m_log = nullptr;
        QString m_mutationId, m_origin;
        quint32 m_detail = 0;
    };

    // The log attached to `client`, or nullptr.
    static CacheEventLog *of(const QueryClient *client);

    // QueryRecorder: what the client tells the log (see CacheEventKind for each event's value).
    void record(const Query *q, const QueryEvent &event) override;
    void invalidationStarted(const Tag &tag) override;
    void invalidationStarted(const QueryFilters &filters) override;
    void invalidated(quint32 slot, qint32 why) override;

    // Emits eventsAdded() now when events wait for it (it comes by itself at the end of the turn); for tests and
    // benchmarks.
    void flush();

Q_SIGNALS:
    // Events were recorded since the last time; at most once per event-loop turn.
    void eventsAdded();

private:
    struct StaleMark
    {
        TimePoint at;
        quint32 slot;
        quint32 serial;
        bool operator>(const StaleMark &o) const { return at > o.at; }
    };

    CacheEvent &append(TimePoint time, quint32 slot, quint32 serial, CacheEventKind kind);
    quint32 addDetail(CacheEventDetail detail);
    quint32 originDetail();
    void post();
    void onAdded(Query *q);
    void onRemoved(Query *q);
    void detach();
    // Schedules the "became stale" event of an observed entry with fresh data.
    void watchStale(const Query *q);
    void armStale();
    void runStale();
    void forgetGone();

    QPointer<QueryClient> m_client;
    QueryCache *m_cache = nullptr;
    std::vector<CacheEvent> m_ring;
    quint64 m_end = 0;
    std::deque<CacheEventDetail> m_details;
    quint32 m_detailBase = 1;
    size_t m_detailCapacity;
    // By slot, side by side so that an invalidation touches one cache line per entry.
    struct SlotState
    {
        quint32 serial = 0;   // the entry's; 0 for a free slot
        quint32 cause = 0;    // the detail of its last invalidation
    };
    std::vector<SlotState> m_slots;
    void ensureSlot(quint32 slot);
    quint32 m_nextSerial = 0;
    QHash<quint32, QueryKey> m_goneKeys; // by serial: entries that went while their events are still held
    std::deque<std::pair<quint64, quint32>> m_goneOrder;   // (seq of the going event, serial)
    QHash<quint32, CacheRequestRecord> m_requests;          // by slot
    quint32 m_invalidation = 0;          // the detail of the invalidation under way
    TimePoint m_invalidationTime{0};
    quint32 m_removingSerial = 0;        // removeQueries is removing this entry: not an eviction
    // The origin in force (Origin scopes nest).
    QString m_mutationId, m_origin;
    quint32 m_originDetail = 0;
    std::vector<StaleMark> m_stale;      // a min-heap by time
    Scheduler::TaskId m_staleTask = 0;
    TimePoint m_staleTaskAt = TimePoint::max();
    bool m_posted = false;
};

} // namespace refetch
