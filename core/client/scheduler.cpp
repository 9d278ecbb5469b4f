#include "core/client/scheduler.h"

namespace refetch {

Scheduler::Scheduler(Clock *clock, QObject *parent)
    : QObject(parent), m_clock(clock)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::CoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, &Scheduler::runDue);
    connect(m_clock, &Clock::advanced, this, &Scheduler::runDue);
}

Scheduler::TaskId Scheduler::schedule(TimePoint at, std::function<void()> task)
{
    const TaskId id = m_nextId++;
    auto it = m_queue.emplace(at, Task{id, std::move(task)});
    m_byId.emplace(id, it);
    if (!m_running && it == m_queue.begin())
        rearm();
    return id;
}

void Scheduler::cancel(TaskId id)
{
    auto found = m_byId.find(id);
    if (found == m_byId.end())
        return;
    const bool wasFirst = found->second == m_queue.begin();
    m_queue.erase(found->second);
    m_byId.erase(found);
    if (wasFirst && !m_running)
        rearm();
}

TimePoint Scheduler::nextDeadline() const
{
    return m_queue.empty() ? TimePoint::max() : m_queue.begin()->first;
}

void Scheduler::runDue()
{
    if (m_running)
        return;
    m_running = true;
    // Tasks may schedule or cancel others; take one due task at a time.
    while (!m_queue.empty() && m_queue.begin()->first <= m_clock->now()) {
        auto it = m_queue.begin();
        Task task = std::move(it->second);
        m_byId.erase(task.id);
        m_queue.erase(it);
        if (task.fn)
            task.fn();
    }
    m_running = false;
    rearm();
}

void Scheduler::rearm()
{
    if (m_queue.empty()) {
        m_timer.stop();
        return;
    }
    const Millis delay = m_queue.begin()->first - m_clock->now();
    // A manual clock only moves when told (advanced() runs what became due); what is due already runs next turn.
    if (!m_clock->isRealTime() && delay.count() > 0) {
        m_timer.stop();
        return;
    }
    m_timer.start(toTimerInterval(delay));
}

} // namespace refetch
