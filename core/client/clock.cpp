#include "core/client/clock.h"

#include <QDateTime>
#include <limits>

namespace refetch {

TimePoint SystemClock::now() const
{
    return TimePoint{QDateTime::currentMSecsSinceEpoch()};
}

void ManualClock::advance(Millis by)
{
    m_now += by;
    Q_EMIT advanced();
}

void ManualClock::setNow(TimePoint t)
{
    m_now = t;
    Q_EMIT advanced();
}

int toTimerInterval(Millis d)
{
    const auto ms = d.count();
    if (ms <= 0)
        return 0;
    return ms > std::numeric_limits<int>::max() ? std::numeric_limits<int>::max() : int(ms);
}

} // namespace refetch
