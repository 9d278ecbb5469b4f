#pragma once

#include "core/cache/keyindex.h"
#include "core/cache/queryarena.h"
#include "core/cache/query.h"
#include "core/cache/querytable.h"
#include "core/client/scheduler.h"
#include "core/cache/tagindex.h"

#include <QObject>
#include <functional>
#include <optional>

namespace refetch {

// Which queries a client call applies to (TanStack's QueryFilters). Everything given must hold.
struct QueryFilters
{
    enum class Type { All, Active, Inactive };

    std::optional<QueryKey> key;     // prefix (partial) match, or the exact key with `exact`
    bool exact = false;
    Type type = Type::All;           // active: observed by an enabled observer
    std::optional<bool> stale;
    std::optional<FetchStatus> fetchStatus;
    std::function<bool(const Query &)> predicate;
};

// The entries, the indexes that find them without a scan, and garbage collection of unobserved ones.
class QueryCache : public QObject
{
    Q_OBJECT
public:
    explicit QueryCache(Scheduler *scheduler, QObject *parent = nullptr);
    ~QueryCache() override;

    // Per-slot flags, kept densely beside the entries (see Query).
    enum Flag : quint8 { Invalidated = 0x1, Observed = 0x2, Active = 0x4 };

    Query *find(const QueryKey &key) const
    {
        const QueryTable::Found found = m_table.find(key);
        return found ? m_bySlot[found.slot] : nullptr;
    }
    // The entry for `key`, created (pending, unobserved) when missing.
    Query *findOrCreate(const QueryKey &key, bool *created = nullptr);
    qsizetype size() const { return m_table.size(); }
    QList<Query *> all() const;

    // Calls fn for each query the filters match. Key filters read the key index (a prefix bucket, or the exact
    // entry), never the whole cache, unless the filter key starts with an object part.
    void forEach(const QueryFilters &filters, const std::function<void(Query *)> &fn) const;
    // The same, by slot: the entries' own memory is touched only for filters that need it.
    void forEachSlot(const QueryFilters &filters, const std::function<void(quint32)> &fn) const;
    QList<Query *> findAll(const QueryFilters &filters) const;
    void forEachWithTag(const Tag &tag, const std::function<void(Query *)> &fn) const
    {
        m_tags.forEachMatch(tag, [&](quint32 slot) { fn(m_bySlot[slot]); });
    }
    // A template, not a std::function: called for every single-tag invalidation, its callback is inlined.
    template <typename F>
    void forEachSlotWithTag(const Tag &tag, F &&fn) const
    {
        m_tags.forEachMatch(tag, fn);
    }
    // A tag from its text (Tag::toString()), read against the tag types entries provide: a known type is a bare
    // type ("rest:api/posts"), else the text is "type:id" split at its last ':' ("rest:api/posts:7").
    Tag tagFromText(const QString &text) const;

    Query *at(quint32 slot) const { return m_bySlot[slot]; }
    quint8 flags(quint32 slot) const { return m_flags[slot]; }
    // Sets or clears the invalidated flag; returns whether it changed.
    bool setInvalidated(quint32 slot, bool on)
    {
        const quint8 before = m_flags[slot];
        m_flags[slot] = on ? (before | Invalidated) : (before & ~Invalidated);
        return before != m_flags[slot];
    }
    // Recomputes Observed and Active from the query's observers (after one attached, left, or was toggled).
    void updateActivity(Query *q);

    void setTags(Query *q, const TagList &tags) { m_tags.setTags(q, tags); }
    // Told by the client when an entry's data was set (fetched, written, hydrated or cleared), for persisters:
    // emits queryUpdated only once someone connected to it, so that nobody pays for it otherwise.
    void dataUpdated(Query *q, QueryChanges changes)
    {
        if (m_updatesWatched)
            Q_EMIT queryUpdated(q, changes);
    }
    // Deletes the entry now. The client makes sure it is idle and unobserved.
    void remove(Query *q);
    void clear();

    // Unobserved entries are collected `gcTime` after they lost their last observer (or were created).
    Millis defaultGcTime() const { return m_defaultGcTime; }
    void setDefaultGcTime(Millis t) { m_defaultGcTime = t; }
    void scheduleGc(Query *q);
    void cancelGc(Query *q) { q->m_gcAt = TimePoint{0}; }
    // Evicts every entry whose time is up; returns how many. Runs by itself from the scheduler.
    int collectGarbage();

    // Whether `q` is stale as its observers see it (any of them), or, unobserved, invalidated or without data.
    bool isStale(const Query &q) const;
    TimePoint now() const { return m_scheduler->clock()->now(); }
    Scheduler *scheduler() const { return m_scheduler; }
    QueryArena &arena() { return m_arena; }
    QueryArena &keyArena() { return m_keyArena; }

Q_SIGNALS:
    void queryAdded(refetch::Query *query);
    void queryRemoved(refetch::Query *query);  // emitted before the entry is deleted
    // A fetch succeeded (also a 304: `changes` then lacks Data), data was written, or the data was cleared.
    void queryUpdated(refetch::Query *query, refetch::QueryChanges changes);

protected:
    void connectNotify(const QMetaMethod &signal) override;

private:
    bool matches(const QueryFilters &f, const Query &q) const;
    void armGcSweep(TimePoint at);

    Scheduler *m_scheduler;
    QueryArena m_arena;      // declared before everything that holds entries, so it outlives them
    QueryArena m_keyArena;   // the entries' keys (StoredKey), packed apart from the entries for the table's lookups
    QueryTable m_table;
    std::vector<Query *> m_bySlot;   // nullptr for a free slot
    std::vector<quint8> m_flags;
    std::vector<quint32> m_freeSlots;
    KeyIndex m_keys;
    TagIndex m_tags;
    Millis m_defaultGcTime{std::chrono::minutes(5)};
    Scheduler::TaskId m_gcTask = 0;
    TimePoint m_gcTaskAt = TimePoint::max();
    TimePoint m_lastSweep{0};
    bool m_updatesWatched = false;   // raised when queryUpdated is first connected; never lowered
    bool m_addsWatched = false;      // the same for queryAdded (the cache inspector's log)
};

} // namespace refetch
