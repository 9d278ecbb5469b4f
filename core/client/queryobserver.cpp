#include "core/client/queryobserver.h"

#include "core/cache/query.h"
#include "core/client/queryclient.h"

namespace refetch {

QueryObserver::QueryObserver(QueryClient *client, QueryOptions options, QObject *parent)
    : QObject(parent), m_client(client), m_options(std::make_shared<QueryOptions>(std::move(options)))
{
    m_client->attach(this);
}

QueryObserver::~QueryObserver()
{
    if (m_query)
        m_client->detach(this);
}

void QueryObserver::setOptions(QueryOptions options)
{
    const bool sameKey = options.key == m_options->key;
    auto next = std::make_shared<QueryOptions>(std::move(options));
    if (!sameKey) {
        m_client->detach(this);
        m_options = next;
        m_selectedFrom = Json();
        m_client->attach(this);
        // A different query: everything the view shows may have changed.
        queryChanged(AllChanges);
        return;
    }
    const bool wasEnabled = m_options->enabled;
    if (m_query && m_query->sharedOptions() == m_options)
        m_query->setOptions(next);
    m_options = next;
    if (m_query) {
        m_client->cache()->updateActivity(m_query);
        if (wasEnabled != m_options->enabled)
            m_client->record(m_query, {.kind = CacheEventKind::OptionsChanged, .value = m_options->enabled ? 1 : 0});
    }
    m_selectedFrom = Json();
    cancelTimers();
    scheduleInterval();
    scheduleStaleMark();
    if (!wasEnabled && m_options->enabled && m_query && m_query->isStaleAt(m_client->now(), m_options->staleTime))
        m_client->fetch(m_query, FetchReason::Mount, FetchMode::Dedupe);
}

void QueryObserver::setEnabled(bool enabled)
{
    if (enabled == m_options->enabled)
        return;
    QueryOptions o = *m_options;
    o.enabled = enabled;
    setOptions(std::move(o));
}

Json QueryObserver::data() const
{
    if (!m_query)
        return Json();
    const Json &raw = m_query->data();
    if (!m_options->select || raw.isUndefined())
        return raw;
    if (!m_selectedFrom.identical(raw) || m_selectedFrom.isUndefined()) {
        m_selected = m_options->select(raw);
        m_selectedFrom = raw;
    }
    return m_selected;
}

Json QueryObserver::meta() const { return m_query ? m_query->meta() : Json(); }
const QueryError *QueryObserver::error() const { return m_query ? m_query->error() : nullptr; }
QueryStatus QueryObserver::status() const { return m_query ? m_query->status() : QueryStatus::Pending; }
FetchStatus QueryObserver::fetchStatus() const { return m_query ? m_query->fetchStatus() : FetchStatus::Idle; }
TimePoint QueryObserver::dataUpdatedAt() const { return m_query ? m_query->dataUpdatedAt() : TimePoint{0}; }
int QueryObserver::failureCount() const { return m_query ? m_query->failureCount() : 0; }

bool QueryObserver::isStale() const
{
    return !m_query || m_query->isStaleAt(m_client->now(), m_options->staleTime);
}

void QueryObserver::refetch(bool cancelRunning)
{
    if (m_query)
        m_client->fetch(m_query, FetchReason::Manual, cancelRunning ? FetchMode::CancelRunning : FetchMode::Dedupe);
}

void QueryObserver::queryChanged(QueryChanges what)
{
    if (what & (QueryChange::Data | QueryChange::UpdatedAt | QueryChange::Stale)) {
        // New data (or a new fetch time) restarts the countdown to stale, and the polling interval.
        if (what & (QueryChange::UpdatedAt | QueryChange::Data))
            scheduleStaleMark();
    }
    if (what & QueryChange::Data && m_options->select) {
        // With select, only a change of the selected value counts as a data change.
        const Json before = m_selected;
        const bool had = !m_selectedFrom.isUndefined();
        const Json after = data();
        if (had && before == after)
            what &= ~QueryChanges(QueryChange::Data);
    }
    const QueryChanges wanted = what & m_options->notifyOn;
    if (!wanted)
        return;
    m_pending |= wanted;
    m_client->notifier()->schedule(this);
}

void QueryObserver::deliver()
{
    const QueryChanges what = std::exchange(m_pending, {});
    if (what)
        Q_EMIT changed(what);
}

void QueryObserver::scheduleStaleMark()
{
    Scheduler *s = m_client->scheduler();
    s->cancel(m_staleTask);
    m_staleTask = 0;
    if (!m_query || !(m_options->notifyOn & QueryChange::Stale) || m_options->staleTime == Millis::max())
        return;
    if (m_query->status() != QueryStatus::Success || m_query->isInvalidated())
        return;
    const TimePoint at = m_query->dataUpdatedAt() + m_options->staleTime;
    if (at <= m_client->now())
        return;
    m_staleTask = s->schedule(at, [this] {
        m_staleTask = 0;
        queryChanged(QueryChange::Stale);
    });
}

void QueryObserver::scheduleInterval()
{
    Scheduler *s = m_client->scheduler();
    s->cancel(m_intervalTask);
    m_intervalTask = 0;
    if (!m_query || !m_options->enabled || m_options->refetchInterval <= Millis{0})
        return;
    m_intervalTask = s->scheduleIn(m_options->refetchInterval, [this] {
        m_intervalTask = 0;
        if (m_query && !(m_options->intervalPaused && m_options->intervalPaused()))
            m_client->fetch(m_query, FetchReason::Interval, FetchMode::Dedupe);
        scheduleInterval();
    });
}

void QueryObserver::cancelTimers()
{
    Scheduler *s = m_client->scheduler();
    s->cancel(m_staleTask);
    s->cancel(m_intervalTask);
    m_staleTask = m_intervalTask = 0;
}

} // namespace refetch
