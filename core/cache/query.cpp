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

} // namespace refetch

namespace refetch {

Query::~Query() = default;

Query *Query::create(QueryCache *cache, quint32 slot, const QueryKey &key)
{
    static_assert(alignof(Query) <= alignof(std::max_align_t));
    const size_t length = size_t(key.text().size());
    char *memory = static_cast<char *>(cache->arena().allocate(keyStorage(length) + sizeof(Query)));
    std::memcpy(memory + keyStorage(length) - length, key.text().data(), length);
    return new (memory + keyStorage(length)) Query(cache, slot, key);
}

void Query::destroy(Query *q)
{
    char *memory = reinterpret_cast<char *>(q) - keyStorage(q->m_keyLength);
    QueryArena &arena = q->m_cache->arena();
    const size_t bytes = keyStorage(q->m_keyLength) + sizeof(Query);
    q->~Query();
    arena.deallocate(memory, bytes);
}

}
