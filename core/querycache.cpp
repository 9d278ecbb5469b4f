#include "querycache.h"

#include "prefetch.h"
#include "queryobserver.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcCache, "refetch.core.cache")

namespace refetch {

namespace {
// Sweeps run at most this often: eviction may be up to this late, and a sweep's scan is paid once per period.
constexpr Millis GcSweepPeriod{1000};
}

QueryCache::QueryCache(Scheduler *scheduler, QObject *parent)
    : QObject(parent), m_scheduler(scheduler)
{
}

QueryCache::~QueryCache()
{
    clear();
}

Query *QueryCache::findOrCreate(const QueryKey &key, bool *created)
{
    if (Query *q = m_table.find(key)) {
        if (created)
            *created = false;
        return q;
    }
    auto *q = new Query(key);
    m_table.insert(q);
    m_keys.insert(q);
    if (created)
        *created = true;
    Q_EMIT queryAdded(q);
    return q;
}

QList<Query *> QueryCache::all() const
{
    QList<Query *> out;
    out.reserve(m_table.size());
    m_table.forEach([&](Query *q) { out.append(q); });
    return out;
}

bool QueryCache::isStale(const Query &q) const
{
    if (q.m_observers.isEmpty())
        return q.m_invalidated || q.m_status != QueryStatus::Success;
    const TimePoint t = now();
    for (const QueryObserver *o : q.m_observers) {
        if (q.isStaleAt(t, o->options().staleTime))
            return true;
    }
    return false;
}

bool QueryCache::matches(const QueryFilters &f, const Query &q) const
{
    if (f.type != QueryFilters::Type::All) {
        const bool active = q.isActive();
        if (active != (f.type == QueryFilters::Type::Active))
            return false;
    }
    if (f.fetchStatus && q.m_fetchStatus != *f.fetchStatus)
        return false;
    if (f.stale && isStale(q) != *f.stale)
        return false;
    if (f.predicate && !f.predicate(q))
        return false;
    return true;
}

void QueryCache::forEach(const QueryFilters &f, const std::function<void(Query *)> &fn) const
{
    if (!f.key || f.key->isEmpty()) {
        m_table.forEach([&](Query *q) {
            if (matches(f, *q))
                fn(q);
        });
        return;
    }
    const QueryKey &key = *f.key;
    if (f.exact) {
        if (Query *q = m_table.find(key); q && matches(f, *q))
            fn(q);
        return;
    }
    // Leading scalar parts select a bucket by text; object or array parts after them are matched partially.
    const Json parts = key.parts();
    int scalar = 0;
    while (scalar < key.size() && !parts.at(scalar).isObject() && !parts.at(scalar).isArray())
        ++scalar;
    if (scalar == key.size()) {
        if (Query *q = m_table.find(key); q && matches(f, *q))
            fn(q);
        if (const QSet<Query *> *b = m_keys.bucket(key, scalar)) {
            forEachPrefetched(*b, [&](Query *q) {
                if (matches(f, *q))
                    fn(q);
            });
        }
        return;
    }
    auto visit = [&](Query *q) {
        if (key.matchesPrefixOf(q->key()) && matches(f, *q))
            fn(q);
    };
    if (scalar == 0) {
        m_table.forEach(visit);
        return;
    }
    if (const QSet<Query *> *b = m_keys.bucket(key, scalar)) {
        forEachPrefetched(*b, visit);
    }
}

QList<Query *> QueryCache::findAll(const QueryFilters &filters) const
{
    QList<Query *> out;
    forEach(filters, [&](Query *q) { out.append(q); });
    return out;
}

void QueryCache::remove(Query *q)
{
    Q_ASSERT(q->m_observers.isEmpty());
    Q_EMIT queryRemoved(q);
    m_tags.remove(q);
    m_keys.remove(q);
    m_table.erase(q);
    delete q;
}

void QueryCache::clear()
{
    const QList<Query *> entries = all();
    m_table.clear();
    m_keys.clear();
    m_tags.clear();
    for (Query *q : entries)
        delete q;
    m_scheduler->cancel(m_gcTask);
    m_gcTask = 0;
    m_gcTaskAt = TimePoint::max();
}

void QueryCache::scheduleGc(Query *q)
{
    const Millis gcTime = q->m_options ? q->m_options->gcTime : m_defaultGcTime;
    if (gcTime == Millis::max()) {
        q->m_gcAt = TimePoint{0};
        return;
    }
    q->m_gcAt = now() + gcTime;
    armGcSweep(q->m_gcAt);
}

void QueryCache::armGcSweep(TimePoint at)
{
    at = std::max(at, m_lastSweep + GcSweepPeriod);
    if (m_gcTask && m_gcTaskAt <= at)
        return;
    m_scheduler->cancel(m_gcTask);
    m_gcTaskAt = at;
    m_gcTask = m_scheduler->schedule(at, [this] {
        m_gcTask = 0;
        m_gcTaskAt = TimePoint::max();
        collectGarbage();
    });
}

int QueryCache::collectGarbage()
{
    const TimePoint t = now();
    m_lastSweep = t;
    QList<Query *> doomed;
    TimePoint next = TimePoint::max();
    m_table.forEach([&](Query *q) {
        if (q->m_gcAt == TimePoint{0} || !q->m_observers.isEmpty())
            return;
        // A fetch under way keeps its entry: its answer is wanted by whoever asked.
        if (q->m_gcAt <= t && !q->isFetching())
            doomed.append(q);
        else
            next = std::min(next, std::max(q->m_gcAt, t));
    });
    for (Query *q : doomed)
        remove(q);
    if (next != TimePoint::max())
        armGcSweep(next);
    if (!doomed.isEmpty())
        qCDebug(lcCache) << "gc evicted" << doomed.size() << "entries," << m_table.size() << "left";
    return int(doomed.size());
}

} // namespace refetch
