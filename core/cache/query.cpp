#include "core/cache/query.h"

#include <cstring>

#include "core/cache/querycache.h"
#include "core/client/queryobserver.h"

namespace refetch {

bool Query::isStaleAt(TimePoint now, Millis staleTime) const
{
    if (m_status != QueryStatus::Success || isInvalidated())
        return true;
    if (staleTime == Millis::max())
        return false;
    return now - m_dataUpdatedAt >= staleTime;
}

bool Query::isActive() const
{
    return m_cache->flags(m_slot) & QueryCache::Active;
}

bool Query::isInvalidated() const
{
    return m_cache->flags(m_slot) & QueryCache::Invalidated;
}

// ---------------------------------------------------------------- transitions

QueryChanges Query::markSucceeded(TimePoint now)
{
    QueryChanges changes;
    if (m_status != QueryStatus::Success) {
        m_status = QueryStatus::Success;
        changes |= QueryChange::Status;
    }
    if (m_error) {
        m_error.reset();
        changes |= QueryChange::Error;
    }
    if (m_cache->setInvalidated(m_slot, false))
        changes |= QueryChange::Stale;
    m_dataUpdatedAt = now;
    return changes;
}

const Json &Query::meta() const
{
    static const Json none;
    return m_extras ? m_extras->meta : none;
}

Query::Extras &Query::extras()
{
    if (!m_extras)
        m_extras = std::make_unique<Extras>();
    return *m_extras;
}

void Query::setValidators(const QByteArray &etag, const QByteArray &lastModified)
{
    if (etag.isEmpty() && lastModified.isEmpty())
        return;
    if (!etag.isEmpty())
        extras().etag = etag;
    if (!lastModified.isEmpty())
        extras().lastModified = lastModified;
}

QueryChanges Query::dataSet(const Json &data, TimePoint now)
{
    QueryChanges changes = QueryChange::UpdatedAt;
    if (!(m_data == data)) {
        m_data = data;
        changes |= QueryChange::Data;
        m_localData = true;
    }
    return changes | markSucceeded(now);
}

QueryChanges Query::hydrated(const DehydratedQuery &saved)
{
    QueryChanges changes = QueryChange::UpdatedAt;
    if (!(m_data == saved.data)) {
        m_data = saved.data;
        changes |= QueryChange::Data;
    }
    if (m_extras || !saved.meta.isUndefined())
        extras().meta = saved.meta;
    m_localData = false;   // saved with the validators of its data (the persister keeps none for local data)
    // As of when it was fetched, and stale whatever the observers' stale time: what a restart shows is revalidated.
    changes |= markSucceeded(saved.updatedAt);
    changes |= invalidated();
    if (!saved.etag.isEmpty() || !saved.lastModified.isEmpty()) {
        extras().etag = saved.etag;
        extras().lastModified = saved.lastModified;
    }
    if (!saved.tags.isEmpty())
        m_cache->setTags(this, saved.tags);
    return changes;
}

QueryChanges Query::fetchStarted(FetchReason reason)
{
    ++m_generation;
    m_lastReason = reason;
    m_inflight = std::make_unique<Inflight>();
    if (!m_failureCount)
        return {};
    m_failureCount = 0;
    return QueryChange::FailureCount;
}

QueryChanges Query::fetchStatusChanged(FetchStatus status)
{
    if (m_fetchStatus == status)
        return {};
    m_fetchStatus = status;
    return QueryChange::FetchStatus;
}

QueryChanges Query::retrying(int failures)
{
    m_failureCount = quint16(failures);
    return QueryChange::FailureCount;
}

QueryChanges Query::succeeded(FetchResult &result, TimePoint now)
{
    QueryChanges changes = QueryChange::UpdatedAt;
    if (!(m_data == result.data)) {
        m_data = std::move(result.data);
        changes |= QueryChange::Data;
    }
    // A new total or new links change what a view shows (a row count, a next page).
    if (!(meta() == result.meta)) {
        extras().meta = std::move(result.meta);
        changes |= QueryChange::Data;
    }
    return changes | answered(result, now);
}

QueryChanges Query::notModified(const FetchResult &result, TimePoint now)
{
    Q_ASSERT(hasData());
    // The cached JSON is still the server's: nothing to parse or compare.
    return QueryChange::UpdatedAt | answered(result, now);
}

QueryChanges Query::answered(const FetchResult &result, TimePoint now)
{
    setValidators(result.etag, result.lastModified);
    m_localData = false;
    QueryChanges changes = markSucceeded(now);
    if (m_failureCount) {
        m_failureCount = 0;
        changes |= QueryChange::FailureCount;
    }
    return changes;
}

QueryChanges Query::failed(const QueryError &error, TimePoint now, int failures)
{
    QueryChanges changes = QueryChange::Error | QueryChange::UpdatedAt;
    m_failureCount = quint16(failures);
    m_error = std::make_unique<QueryError>(error);
    m_errorUpdatedAt = now;
    if (!hasData() && m_status != QueryStatus::Error) {
        m_status = QueryStatus::Error;
        changes |= QueryChange::Status;
    }
    return changes;
}

QueryChanges Query::invalidated()
{
    return m_cache->setInvalidated(m_slot, true) ? QueryChanges(QueryChange::Stale) : QueryChanges();
}

QueryChanges Query::reset()
{
    QueryChanges changes;
    if (hasData()) {
        m_data = Json();
        changes |= QueryChange::Data;
    }
    if (m_error) {
        m_error.reset();
        changes |= QueryChange::Error;
    }
    if (m_status != QueryStatus::Pending) {
        m_status = QueryStatus::Pending;
        changes |= QueryChange::Status;
    }
    if (m_cache->setInvalidated(m_slot, false))
        changes |= QueryChange::Stale;
    m_failureCount = 0;
    m_dataUpdatedAt = m_errorUpdatedAt = TimePoint{0};
    // The validators go; the meta stays (as it always has) until the next answer replaces it.
    if (m_extras) {
        m_extras->etag.clear();
        m_extras->lastModified.clear();
    }
    m_cache->setTags(this, {});
    return changes;
}

std::unique_ptr<Query::Inflight> Query::fetchEnded()
{
    return std::move(m_inflight);
}

} // namespace refetch

namespace refetch {

Query::~Query() = default;

Query *Query::create(QueryCache *cache, quint32 slot, const QueryKey &key)
{
    const size_t length = size_t(key.text().size());
    auto *stored = static_cast<StoredKey *>(cache->keyArena().allocate(StoredKey::bytesFor(length)));
    stored->length = quint32(length);
    stored->parts = quint32(key.size());
    std::memcpy(stored->text(), key.text().data(), length);
    return new (cache->arena().allocate(sizeof(Query))) Query(cache, slot, stored);
}

void Query::destroy(Query *q)
{
    QueryCache *cache = q->m_cache;
    StoredKey *stored = q->m_key;
    q->~Query();
    cache->arena().deallocate(q, sizeof(Query));
    cache->keyArena().deallocate(stored, StoredKey::bytesFor(stored->length));
}

}
