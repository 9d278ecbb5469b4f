#include "query.h"

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
}
