// QueryClient's operations over filters and tags: invalidate (mark stale, refetch what the refetch type says), the
// end-of-turn refetch queue, refetch, cancel, reset and remove. The fetch path and the observers are in
// queryclient.cpp.
#include "core/client/queryclient.h"

#include "core/client/queryobserver.h"

#include <QSet>

namespace refetch {

void QueryClient::invalidateSlot(quint32 slot, RefetchType refetch)
{
    const qint32 why = markInvalidated(slot, refetch);
    if (m_recorder)
        m_recorder->invalidated(slot, why);
}

qint32 QueryClient::markInvalidated(quint32 slot, RefetchType refetch)
{
    // Flags first: an unobserved entry that needs no refetch is never touched itself. (The invalidated flag lives in
    // the cache's per-slot array; Query::invalidated() is the same transition for an entry at hand.)
    const quint8 flags = m_cache->flags(slot);
    if (!(flags & QueryCache::Invalidated)) {
        m_cache->setInvalidated(slot, true);
        if (flags & QueryCache::Observed)
            notify(m_cache->at(slot), QueryChange::Stale);
    }
    const bool active = flags & QueryCache::Active;
    // Observed, and only by disabled observers: a disabled query ignores invalidations that would refetch it (as in
    // TanStack Query), whatever the refetch type; it is only marked.
    const bool disabled = (flags & QueryCache::Observed) && !active;
    if (refetch != RefetchType::None && !disabled
        && (refetch == RefetchType::All || active == (refetch == RefetchType::Active))) {
        queueRefetch(m_cache->at(slot));
        return QueryRecorder::Refetching;
    }
    // Why it stays as it is, for the inspector's timeline: a person may have expected a refetch.
    return refetch == RefetchType::None        ? QueryRecorder::OnlyMarked
         : active                              ? QueryRecorder::OnlyInactive
         : (flags & QueryCache::Observed)      ? QueryRecorder::ViewsDisabled
                                               : QueryRecorder::NotShown;
}

int QueryClient::invalidateQueries(const QueryFilters &filters, RefetchType refetch)
{
    // What the callback needs, behind one pointer: it then fits std::function's inline buffer (three captured
    // references would be a heap allocation on every call).
    struct Run
    {
        QueryClient *client;
        RefetchType refetch;
        int count;
    } run{this, refetch, 0};
    if (m_recorder)
        m_recorder->invalidationStarted(filters);
    m_cache->forEachSlot(filters, [&run](quint32 slot) {
        ++run.count;
        run.client->invalidateSlot(slot, run.refetch);
    });
    return run.count;
}

int QueryClient::invalidateTags(const TagList &tags, RefetchType refetch)
{
    if (tags.size() == 1) {
        int count = 0;
        if (m_recorder)
            m_recorder->invalidationStarted(tags.first());
        m_cache->forEachSlotWithTag(tags.first(), [&](quint32 slot) {
            ++count;
            invalidateSlot(slot, refetch);
        });
        return count;
    }
    // Several tags may share entries: count (and queue) each once.
    QSet<quint32> seen;
    for (const Tag &tag : tags) {
        if (m_recorder)
            m_recorder->invalidationStarted(tag);
        m_cache->forEachSlotWithTag(tag, [&](quint32 slot) {
            if (!seen.contains(slot)) {
                seen.insert(slot);
                invalidateSlot(slot, refetch);
            }
        });
    }
    return int(seen.size());
}

void QueryClient::queueRefetch(Query *q)
{
    if (q->isRefetchQueued())
        return;
    q->setRefetchQueued(true);
    if (m_refetchQueue.isEmpty())
        m_notifier->atTurnEnd([this] { flushRefetches(); });
    m_refetchQueue.append(q);
}

void QueryClient::unqueueRefetch(Query *q)
{
    if (!q->isRefetchQueued())
        return;
    m_refetchQueue.removeOne(q);
    q->setRefetchQueued(false);
}

void QueryClient::flushRefetches()
{
    const QList<Query *> queue = std::exchange(m_refetchQueue, {});
    for (Query *q : queue) {
        q->setRefetchQueued(false);
        if (q->options() && q->options()->fn)
            fetch(q, FetchReason::Invalidated, FetchMode::AfterRunning);
    }
}

int QueryClient::refetchQueries(const QueryFilters &filters, FetchMode mode)
{
    QList<Query *> targets;
    m_cache->forEach(filters, [&](Query *q) {
        const bool disabled = q->isObserved() && !q->isActive();
        if (!disabled && q->options() && q->options()->fn)
            targets.append(q);
    });
    for (Query *q : std::as_const(targets))
        fetch(q, FetchReason::Manual, mode);
    return int(targets.size());
}

int QueryClient::cancelQueries(const QueryFilters &filters)
{
    QList<Query *> targets;
    m_cache->forEach(filters, [&](Query *q) {
        if (q->isFetching())
            targets.append(q);
    });
    for (Query *q : std::as_const(targets))
        abortFetch(q);
    return int(targets.size());
}

void QueryClient::resetQuery(Query *q)
{
    abortFetch(q);
    const QueryChanges changes = q->reset();
    record(q, {.kind = CacheEventKind::Reset});
    notify(q, changes);
    if (changes & QueryChange::Data)
        m_cache->dataUpdated(q, changes);
}

int QueryClient::removeQueries(const QueryFilters &filters)
{
    const QList<Query *> targets = m_cache->findAll(filters);
    for (Query *q : targets) {
        unqueueRefetch(q);
        if (q->isObserved()) {
            resetQuery(q);
            continue;
        }
        abortFetch(q);
        record(q, {.kind = CacheEventKind::Removed});
        m_cache->remove(q);
    }
    return int(targets.size());
}

int QueryClient::resetQueries(const QueryFilters &filters)
{
    const QList<Query *> targets = m_cache->findAll(filters);
    for (Query *q : targets)
        resetQuery(q);
    for (Query *q : targets) {
        if (q->isActive())
            fetch(q, FetchReason::Reset);
    }
    return int(targets.size());
}

} // namespace refetch
