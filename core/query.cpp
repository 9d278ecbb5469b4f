#include "query.h"

#include <cstring>

#include "querycache.h"
#include "queryobserver.h"

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

} // namespace refetch

namespace refetch {

Query::~Query() = default;

Query *Query::create(QueryCache *cache, quint32 slot, const QueryKey &key)
{
    static_assert(alignof(Query) <= alignof(std::max_align_t));
    void *memory = ::operator new(sizeof(Query) + size_t(key.canonical().size()));
    auto *q = new (memory) Query(cache, slot, key);
    std::memcpy(q + 1, key.canonical().constData(), size_t(key.canonical().size()));
    return q;
}

void Query::destroy(Query *q)
{
    q->~Query();
    ::operator delete(q);
}

}
