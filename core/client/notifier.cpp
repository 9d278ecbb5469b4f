#include "core/client/notifier.h"

#include "core/client/queryobserver.h"

namespace refetch {

Notifier::~Notifier()
{
    for (QueryObserver *o : m_observers) {
        if (o)
            o->m_notifySlot = -1;
    }
}

void Notifier::schedule(QueryObserver *observer)
{
    if (observer->m_notifySlot >= 0)
        return;
    observer->m_notifySlot = int(m_observers.size());
    m_observers.push_back(observer);
    arm();
}

void Notifier::unschedule(QueryObserver *observer)
{
    if (observer->m_notifySlot < 0)
        return;
    m_observers[size_t(observer->m_notifySlot)] = nullptr;
    observer->m_notifySlot = -1;
}

void Notifier::atTurnEnd(std::function<void()> fn)
{
    m_tasks.push_back(std::move(fn));
    arm();
}

void Notifier::arm()
{
    // A flush already queued (even if someone flushed by hand since) will deliver this too.
    if (m_posted || m_flushing)
        return;
    m_posted = true;
    QMetaObject::invokeMethod(this, &Notifier::onPosted, Qt::QueuedConnection);
}

void Notifier::onPosted()
{
    m_posted = false;
    flush();
}

void Notifier::flush()
{
    if (m_flushing)
        return;
    m_flushing = true;
    // Signals may cause more changes (a slot sets data, a task refetches): deliver until nothing is left.
    // Observers are taken by index, so that one destroyed by another's slot is skipped (unschedule nulls it).
    while (!m_observers.empty() || !m_tasks.empty()) {
        for (size_t i = 0; i < m_observers.size(); ++i) {
            QueryObserver *o = m_observers[i];
            if (!o)
                continue;
            m_observers[i] = nullptr;
            o->m_notifySlot = -1;
            o->deliver();
        }
        m_observers.clear();
        std::vector<std::function<void()>> tasks;
        tasks.swap(m_tasks);
        for (auto &t : tasks)
            t();
    }
    m_flushing = false;
}

} // namespace refetch
