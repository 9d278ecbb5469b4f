#include "query.h"

#include "queryobserver.h"

namespace refetch {

bool Query::isStaleAt(TimePoint now, Millis staleTime) const
{
    if (m_invalidated || m_status != QueryStatus::Success)
        return true;
    if (staleTime == Millis::max())
        return false;
    return now - m_dataUpdatedAt >= staleTime;
}

bool Query::isActive() const
{
    for (const QueryObserver *o : m_observers) {
        if (o->isEnabled())
            return true;
    }
    return false;
}

} // namespace refetch

namespace refetch {
Query::~Query() = default;
}
