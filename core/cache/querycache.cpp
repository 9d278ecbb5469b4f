#include "core/cache/querycache.h"

#include "core/client/queryobserver.h"

#include <QLoggingCategory>
#include <QMetaMethod>

Q_LOGGING_CATEGORY(lcCache, "refetch.core.cache", QtInfoMsg)

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

void QueryCache::connectNotify(const QMetaMethod &signal)
{
    if (signal == QMetaMethod::fromSignal(&QueryCache::queryUpdated))
        m_updatesWatched = true;
    else if (signal == QMetaMethod::fromSignal(&QueryCache::queryAdded))
        m_addsWatched = true;
}

Query *QueryCache::findOrCreate(const QueryKey &key, bool *created)
{
    if (const QueryTable::Found found = m_table.find(key)) {
        if (created)
            *created = false;
        return m_bySlot[found.slot];
    }
    quint32 slot;
    if (!m_freeSlots.empty()) {
        slot = m_freeSlots.back();
        m_freeSlots.pop_back();
    } else {
        slot = quint32(m_bySlot.size());
        m_bySlot.push_back(nullptr);
        m_flags.push_back(0);
    }
    Query *q = Query::create(this, slot, key);
    m_bySlot[slot] = q;
    m_flags[slot] = 0;
    m_table.insert(q->storedKey(), key.hash(), slot);
    m_keys.insert(q);
    if (created)
        *created = true;
    if (m_addsWatched)
        Q_EMIT queryAdded(q);
    return q;
}

Tag QueryCache::tagFromText(const QString &text) const
{
    const QString t = text.trimmed();
    const qsizetype colon = t.lastIndexOf(u':');
    if (m_tags.hasType(t) || colon <= 0 || colon == t.size() - 1)
        return Tag(t);
    return Tag(t.left(colon), t.mid(colon + 1));
}

QList<Query *> QueryCache::all() const
{
    QList<Query *> out;
    out.reserve(m_table.size());
    for (Query *q : m_bySlot) {
        if (q)
            out.append(q);
    }
    return out;
}

void QueryCache::updateActivity(Query *q)
{
    quint8 f = m_flags[q->m_slot] & ~(Observed | Active);
    if (!q->m_observers.isEmpty())
        f |= Observed;
    for (const QueryObserver *o : std::as_const(q->m_observers)) {
        if (o->isEnabled()) {
            f |= Active;
            break;
        }
    }
    m_flags[q->m_slot] = f;
}

bool QueryCache::isStale(const Query &q) const
{
    if (q.m_observers.isEmpty())
        return q.isInvalidated() || q.m_status != QueryStatus::Success;
    const TimePoint t = now();
    for (const QueryObserver *o : q.m_observers) {
        if (q.isStaleAt(t, o->options().staleTime))
            return true;
    }
    return false;
}

bool QueryCache::matches(const QueryFilters &f, const Query &q) const
{
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
    forEachSlot(f, [&](quint32 slot) { fn(m_bySlot[slot]); });
}

void QueryCache::forEachSlot(const QueryFilters &f, const std::function<void(quint32)> &fn) const
{
    // Flag-only filters are decided from the dense array; the others need the entry.
    const bool needsEntry = f.fetchStatus || f.stale || f.predicate;
    auto accept = [&](quint32 slot) {
        if (f.type != QueryFilters::Type::All) {
            const bool active = m_flags[slot] & Active;
            if (active != (f.type == QueryFilters::Type::Active))
                return;
        }
        if (needsEntry && !matches(f, *m_bySlot[slot]))
            return;
        fn(slot);
    };
    if (!f.key || f.key->isEmpty()) {
        for (quint32 slot = 0; slot < m_bySlot.size(); ++slot) {
            if (m_bySlot[slot])
                accept(slot);
        }
        return;
    }
    const QueryKey &key = *f.key;
    if (f.exact) {
        // The slot comes from the table: the entry's flags are read while its key's text is compared.
        if (const QueryTable::Found found = m_table.find(key))
            accept(found.slot);
        return;
    }
    // Leading scalar parts select a bucket by text; object or array parts after them are matched partially.
    const Json parts = key.parts();
    int scalar = 0;
    while (scalar < key.size() && !parts.at(scalar).isObject() && !parts.at(scalar).isArray())
        ++scalar;
    if (scalar == key.size()) {
        if (const QueryTable::Found found = m_table.find(key))
            accept(found.slot);
        m_keys.forEachInBucket(key, scalar, accept);
        return;
    }
    auto visit = [&](quint32 slot) {
        const Query *q = m_bySlot[slot];
        if (key.matchesPrefixOf(q->keyText(), q->keySize()))
            accept(slot);
    };
    if (scalar == 0) {
        for (quint32 slot = 0; slot < m_bySlot.size(); ++slot) {
            if (m_bySlot[slot])
                visit(slot);
        }
        return;
    }
    m_keys.forEachInBucket(key, scalar, visit);
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
    m_table.erase(q->storedKey());
    m_bySlot[q->m_slot] = nullptr;
    m_flags[q->m_slot] = 0;
    m_freeSlots.push_back(q->m_slot);
    Query::destroy(q);
}

void QueryCache::clear()
{
    const QList<Query *> entries = all();
    m_table.clear();
    m_keys.clear();
    m_tags.clear();
    m_bySlot.clear();
    m_flags.clear();
    m_freeSlots.clear();
    for (Query *q : entries)
        Query::destroy(q);
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
    for (Query *q : m_bySlot) {
        if (!q || q->m_gcAt == TimePoint{0} || !q->m_observers.isEmpty())
            continue;
        // A fetch under way keeps its entry: its answer is wanted by whoever asked.
        if (q->m_gcAt <= t && !q->isFetching())
            doomed.append(q);
        else
            next = std::min(next, std::max(q->m_gcAt, t));
    }
    for (Query *q : doomed)
        remove(q);
    if (next != TimePoint::max())
        armGcSweep(next);
    if (!doomed.isEmpty())
        qCDebug(lcCache) << "gc evicted" << doomed.size() << "entries," << m_table.size() << "left";
    return int(doomed.size());
}

} // namespace refetch
