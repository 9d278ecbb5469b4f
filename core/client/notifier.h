#pragma once

#include <QObject>
#include <functional>
#include <vector>

namespace refetch {

class QueryObserver;

// Batches change notification: whatever happens to a query during one turn of the event loop, each of its
// observers signals once, when the turn ends (query-core's notifyManager).
class Notifier : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~Notifier() override;

    void schedule(QueryObserver *observer);
    void unschedule(QueryObserver *observer);
    // Work to run once at the end of this turn, after observers were told (e.g. a batch of refetches).
    void atTurnEnd(std::function<void()> fn);
    // Delivers everything pending now. Runs by itself at the end of the turn; tests and benchmarks may call it.
    void flush();
    bool hasPending() const { return !m_observers.empty() || !m_tasks.empty(); }

private:
    void arm();

    std::vector<QueryObserver *> m_observers;  // a removed observer leaves a nullptr
    std::vector<std::function<void()>> m_tasks;
    void onPosted();

    bool m_posted = false;   // a queued flush is in the event queue; never more than one
    bool m_flushing = false;
};

} // namespace refetch
