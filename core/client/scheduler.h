#pragma once

#include "core/client/clock.h"

#include <QObject>
#include <QTimer>
#include <functional>
#include <map>
#include <unordered_map>

namespace refetch {

// One timer for every deadline in the cache (retries, intervals, stale marks, gc sweeps): a deadline is an
// entry in an ordered queue, never a QTimer of its own.
class Scheduler : public QObject
{
    Q_OBJECT
public:
    using TaskId = quint64;

    explicit Scheduler(Clock *clock, QObject *parent = nullptr);

    Clock *clock() const { return m_clock; }
    // Runs `task` once, at `at` or as soon after as the event loop allows. Returns an id for cancel().
    TaskId schedule(TimePoint at, std::function<void()> task);
    TaskId scheduleIn(Millis delay, std::function<void()> task) { return schedule(m_clock->now() + delay, std::move(task)); }
    // Cancelling an id that already ran, or 0, does nothing.
    void cancel(TaskId id);
    bool isScheduled(TaskId id) const { return m_byId.contains(id); }
    qsizetype pending() const { return qsizetype(m_byId.size()); }
    // The earliest deadline, or TimePoint::max() when nothing is scheduled.
    TimePoint nextDeadline() const;

    // Runs every task that is due now. Called by the timer, and when a manual clock advances.
    void runDue();

private:
    void rearm();

    struct Task { TaskId id; std::function<void()> fn; };
    using Queue = std::multimap<TimePoint, Task>;
    Clock *m_clock;
    QTimer m_timer;
    Queue m_queue;
    std::unordered_map<TaskId, Queue::iterator> m_byId;
    TaskId m_nextId = 1;
    bool m_running = false;
};

} // namespace refetch
