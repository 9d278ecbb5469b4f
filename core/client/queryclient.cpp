#include "core/client/queryclient.h"

#include "core/inspect/cacheeventlog.h"
#include "core/client/queryobserver.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcCache)

namespace refetch {

// ---------------------------------------------------------------- FetchAttempt / QueryFnContext

void FetchAttempt::kill()
{
    m_query = nullptr;
    if (auto cancel = std::exchange(m_cancel, {}))
        cancel();
}

void FetchAttempt::resolve(FetchResult result)
{
    if (m_resolved || !m_query)
        return;
    m_resolved = true;
    m_cancel = {};
    m_client->onAttemptResult(this, std::move(result));
}

const QueryKey &QueryFnContext::key() const { return m_attempt->m_key; }
QByteArray QueryFnContext::etag() const { return m_attempt->m_etag; }
QByteArray QueryFnContext::lastModified() const { return m_attempt->m_lastModified; }
int QueryFnContext::attempt() const { return m_attempt->m_attempt; }
void QueryFnContext::resolve(FetchResult result) const { m_attempt->resolve(std::move(result)); }
bool QueryFnContext::isCancelled() const { return !m_attempt->isAlive(); }

void QueryFnContext::onCancel(std::function<void()> cancel) const
{
    if (m_attempt->isAlive() && !m_attempt->m_resolved)
        m_attempt->m_cancel = std::move(cancel);
}

// ---------------------------------------------------------------- QueryClient

QueryClient::QueryClient(ClientConfig config, QObject *parent)
    : QObject(parent)
    , m_clock(config.clock ? config.clock : new SystemClock(this))
    , m_scheduler(new Scheduler(m_clock, this))
    , m_notifier(new Notifier(this))
    , m_cache(new QueryCache(m_scheduler, this))
    , m_focus(config.focus ? config.focus : new ApplicationFocusSource(this))
    , m_online(config.online ? config.online : new OnlineSource(this))
    , m_focusThrottle(config.focusThrottle)
{
    m_cache->setDefaultGcTime(config.defaultGcTime);
    connect(m_focus, &FocusSource::focusChanged, this, &QueryClient::onFocusChanged);
    connect(m_online, &OnlineSource::onlineChanged, this, &QueryClient::onOnlineChanged);
    // The gc sweep may evict an entry between an invalidation and the end of its turn.
    connect(m_cache, &QueryCache::queryRemoved, this, [this](Query *q) {
        if (q->m_refetchQueued)
            m_refetchQueue.removeOne(q);
        m_paused.removeOne(q);
    });
}

QueryClient::~QueryClient()
{
    // Observers outlive nothing: detach the ones still around so they do not touch a dead cache.
    for (QueryObserver *o : std::as_const(m_observers)) {
        m_notifier->unschedule(o);
        o->cancelTimers();
        o->m_query = nullptr;
    }
    m_cache->forEach({}, [](Query *q) {
        if (q->m_inflight) {
            if (q->m_inflight->attempt)
                q->m_inflight->attempt->kill();
            q->m_inflight.reset();
        }
        q->m_observers.clear();
    });
    m_observers.clear();
    // The cache goes first: its entries and its gc task belong to the scheduler, which is deleted after this body.
    delete std::exchange(m_cache, nullptr);
}

Json QueryClient::queryData(const QueryKey &key) const
{
    const Query *q = m_cache->find(key);
    return q ? q->m_data : Json();
}

void QueryClient::setQueryData(const QueryKey &key, const Json &data)
{
    bool created = false;
    Query *q = m_cache->findOrCreate(key, &created);
    QueryChanges changes = QueryChange::UpdatedAt;
    if (!(q->m_data == data)) {
        q->m_data = data;
        changes |= QueryChange::Data;
    }
    changes |= markSucceeded(q);
    if (created)
        m_cache->scheduleGc(q);
    notify(q, changes);
    m_cache->dataUpdated(q, changes);
    if (m_events)
        m_events->record(q, CacheEventKind::DataSet, (changes & QueryChange::Data) ? 1 : 0);
}

QueryChanges QueryClient::markSucceeded(Query *q)
{
    QueryChanges changes;
    if (q->m_status != QueryStatus::Success) {
        q->m_status = QueryStatus::Success;
        changes |= QueryChange::Status;
    }
    if (q->m_error) {
        q->m_error.reset();
        changes |= QueryChange::Error;
    }
    if (m_cache->setInvalidated(q->m_slot, false))
        changes |= QueryChange::Stale;
    q->m_dataUpdatedAt = m_clock->now();
    return changes;
}

void QueryClient::setQueryData(const QueryKey &key, const Json &data, const TagList &tags)
{
    setQueryData(key, data);
    m_cache->setTags(m_cache->find(key), tags);
}

void QueryClient::updateQueryData(const QueryKey &key, const std::function<Json(const Json &)> &updater)
{
    setQueryData(key, updater(queryData(key)));
}

bool QueryClient::hydrate(const DehydratedQuery &saved)
{
    bool created = false;
    Query *q = m_cache->findOrCreate(saved.key, &created);
    if (!created && q->hasData() && q->m_dataUpdatedAt >= saved.updatedAt)
        return false;
    QueryChanges changes = QueryChange::UpdatedAt;
    if (!(q->m_data == saved.data)) {
        q->m_data = saved.data;
        changes |= QueryChange::Data;
    }
    q->m_meta = saved.meta;
    changes |= markSucceeded(q);
    // As of when it was fetched, and stale whatever the observers' stale time: what a restart shows is revalidated.
    q->m_dataUpdatedAt = saved.updatedAt;
    if (m_cache->setInvalidated(q->m_slot, true))
        changes |= QueryChange::Stale;
    if (!saved.etag.isEmpty() || !saved.lastModified.isEmpty())
        q->m_validators = std::make_unique<Query::Validators>(Query::Validators{saved.etag, saved.lastModified});
    if (!saved.tags.isEmpty())
        m_cache->setTags(q, saved.tags);
    if (created)
        m_cache->scheduleGc(q);
    notify(q, changes);
    if (m_events)
        m_events->record(q, CacheEventKind::Restored);
    if (q->isActive())
        queueRefetch(q);
    return true;
}

void QueryClient::fetchQuery(const QueryOptions &options, QObject *context, std::function<void(const Query &)> done)
{
    bool created = false;
    Query *q = m_cache->findOrCreate(options.key, &created);
    if (!q->isObserved())
        adoptOptions(q, std::make_shared<QueryOptions>(options));
    else if (!q->m_options || !q->m_options->fn)
        adoptOptions(q, std::make_shared<QueryOptions>(options));
    if (created)
        m_cache->scheduleGc(q);

    if (!q->isFetching() && !q->isStaleAt(now(), options.staleTime)) {
        if (done) {
            QPointer<QObject> guard(context);
            const QueryKey key = q->key();
            QMetaObject::invokeMethod(context ? context : this, [this, guard, hasContext = bool(context), key, done] {
                if (hasContext && !guard)
                    return;
                if (const Query *current = m_cache->find(key))
                    done(*current);
            }, Qt::QueuedConnection);
        }
        return;
    }
    fetch(q, FetchReason::Prefetch, FetchMode::Dedupe);
    if (done) {
        if (q->m_inflight)
            q->m_inflight->waiters.append({context ? QPointer<QObject>(context) : QPointer<QObject>(this), std::move(done)});
        else
            done(*q);   // settled synchronously
    }
}

void QueryClient::adoptOptions(Query *q, const std::shared_ptr<QueryOptions> &options)
{
    q->m_options = options;
}

void QueryClient::fetch(Query *q, FetchReason reason, FetchMode mode)
{
    if (q->isFetching()) {
        switch (mode) {
        case FetchMode::Dedupe:
            return;
        case FetchMode::AfterRunning:
            q->m_inflight->refetchAfter = true;
            q->m_inflight->refetchReason = reason;
            return;
        case FetchMode::CancelRunning:
            abortFetch(q);
            break;
        }
    }
    if (!q->m_options || !q->m_options->fn) {
        qCWarning(lcCache) << "no fetch function for" << q->key().toString();
        if (q->m_status != QueryStatus::Success)
            settleError(q, QueryError::other(QStringLiteral("no fetch function for query %1").arg(q->key().toString())));
        return;
    }
    ++q->m_generation;
    q->m_lastReason = reason;
    q->m_inflight = std::make_unique<Query::Inflight>();
    QueryChanges changes;
    if (q->m_failureCount) {
        q->m_failureCount = 0;
        changes |= QueryChange::FailureCount;
    }
    Q_EMIT fetchStarted(q, reason);
    if (m_events)
        m_events->recordFetch(q, reason);
    if (!m_online->isOnline()) {
        pause(q);
        notify(q, changes);
        return;
    }
    setFetchStatus(q, FetchStatus::Fetching);
    notify(q, changes | QueryChange::FetchStatus);
    startAttempt(q);
}

void QueryClient::setFetchStatus(Query *q, FetchStatus status)
{
    if (q->m_fetchStatus == status)
        return;
    const bool was = q->m_fetchStatus == FetchStatus::Fetching;
    const bool is = status == FetchStatus::Fetching;
    if (q->m_fetchStatus == FetchStatus::Paused)
        m_paused.removeOne(q);
    q->m_fetchStatus = status;
    if (status == FetchStatus::Paused)
        m_paused.append(q);
    if (was != is) {
        m_fetchingCount += is ? 1 : -1;
        Q_EMIT fetchingCountChanged(m_fetchingCount);
    }
}

void QueryClient::pause(Query *q)
{
    if (m_events)
        m_events->record(q, CacheEventKind::Paused);
    setFetchStatus(q, FetchStatus::Paused);
    notify(q, QueryChange::FetchStatus);
}

void QueryClient::startAttempt(Query *q)
{
    Query::Inflight &inflight = *q->m_inflight;
    inflight.retryTask = 0;
    auto attempt = std::make_shared<FetchAttempt>(this, q, q->m_generation, int(q->m_failureCount));
    attempt->m_etag = q->etag();
    attempt->m_lastModified = q->lastModified();
    inflight.attempt = attempt;
    // Hold the options: a fetch function may replace them (setOptions) while it runs.
    const std::shared_ptr<const QueryOptions> options = q->m_options;
    options->fn(QueryFnContext(attempt));
}

void QueryClient::onAttemptResult(FetchAttempt *attempt, FetchResult result)
{
    Query *q = attempt->m_query;
    if (!q || !q->m_inflight || q->m_inflight->attempt.get() != attempt || q->m_generation != attempt->m_generation) {
        qCDebug(lcCache) << "dropped a superseded reply for" << attempt->m_key.toString();
        return;
    }
    // Keep the attempt alive until we are done with it: the inflight record lets go of it below.
    const std::shared_ptr<FetchAttempt> keep = q->m_inflight->attempt;
    q->m_inflight->attempt.reset();
    attempt->m_query = nullptr;
    if (m_events && result.request)
        m_events->recordRequest(q, *result.request);

    if (!result.error) {
        settleSuccess(q, result);
        return;
    }
    const QueryError &error = *result.error;
    const RetryPolicy &retry = q->m_options->retry;
    const int failures = q->m_failureCount + 1;
    if (retry.retries(failures, error)) {
        q->m_failureCount = quint16(failures);
        const Millis delay = retry.delay(failures, error);
        qCDebug(lcCache).noquote() << "retry" << failures << "in" << delay.count() << "ms:" << error.toString();
        notify(q, QueryChange::FailureCount);
        if (m_events)
            m_events->recordRetry(q, failures, delay, error);
        q->m_inflight->retryTask = m_scheduler->scheduleIn(delay, [this, q] {
            if (!q->m_inflight)
                return;
            q->m_inflight->retryTask = 0;
            if (!m_online->isOnline()) {
                pause(q);
                return;
            }
            startAttempt(q);
        });
        return;
    }
    // A connection failure while the network is known to be gone waits for it instead of failing.
    if (!m_online->isOnline() && (error.kind == QueryError::Kind::Network || error.kind == QueryError::Kind::Timeout)) {
        pause(q);
        return;
    }
    q->m_failureCount = quint16(failures);
    settleError(q, error);
}

void QueryClient::settleSuccess(Query *q, FetchResult &result)
{
    QueryChanges changes = QueryChange::UpdatedAt | QueryChange::FetchStatus;
    if (result.notModified) {
        // 304: the cached JSON is still the server's; nothing to parse or compare.
        if (!q->hasData()) {
            settleError(q, QueryError::other(QStringLiteral("304 Not Modified for a query without cached data")));
            return;
        }
    } else {
        if (!(q->m_data == result.data)) {
            q->m_data = std::move(result.data);
            changes |= QueryChange::Data;
        }
        // A new total or new links change what a view shows (a row count, a next page).
        if (!(q->m_meta == result.meta)) {
            q->m_meta = std::move(result.meta);
            changes |= QueryChange::Data;
        }
    }
    if (!result.etag.isEmpty() || !result.lastModified.isEmpty()) {
        if (!q->m_validators)
            q->m_validators = std::make_unique<Query::Validators>();
        if (!result.etag.isEmpty())
            q->m_validators->etag = result.etag;
        if (!result.lastModified.isEmpty())
            q->m_validators->lastModified = result.lastModified;
    }
    changes |= markSucceeded(q);
    if (q->m_failureCount) {
        q->m_failureCount = 0;
        changes |= QueryChange::FailureCount;
    }
    updateTags(q);
    m_cache->dataUpdated(q, changes);
    if (m_events)
        m_events->record(q, result.notModified ? CacheEventKind::NotModified : CacheEventKind::Fetched,
                         (changes & QueryChange::Data) ? 1 : 0);
    finishFetch(q, changes);
}

void QueryClient::settleError(Query *q, const QueryError &error)
{
    QueryChanges changes = QueryChange::Error | QueryChange::UpdatedAt | QueryChange::FetchStatus;
    q->m_error = std::make_unique<QueryError>(error);
    q->m_errorUpdatedAt = m_clock->now();
    // Data already shown stays (and stays success): the error is reported beside it.
    if (!q->hasData() && q->m_status != QueryStatus::Error) {
        q->m_status = QueryStatus::Error;
        changes |= QueryChange::Status;
    }
    qCInfo(lcCache).noquote() << "fetch failed:" << error.toString();
    if (m_events)
        m_events->recordFailure(q, error);
    updateTags(q);
    finishFetch(q, changes);
}

void QueryClient::finishFetch(Query *q, QueryChanges changes)
{
    std::unique_ptr<Query::Inflight> inflight = std::move(q->m_inflight);
    setFetchStatus(q, FetchStatus::Idle);
    notify(q, changes);
    if (inflight) {
        for (const Query::Waiter &w : std::as_const(inflight->waiters)) {
            if (w.context && w.done)
                w.done(*q);
        }
        if (inflight->refetchAfter)
            fetch(q, inflight->refetchReason, FetchMode::Dedupe);
    }
}

void QueryClient::abortFetch(Query *q)
{
    if (!q->m_inflight)
        return;
    if (m_events)
        m_events->record(q, CacheEventKind::Cancelled);
    std::unique_ptr<Query::Inflight> inflight = std::move(q->m_inflight);
    m_scheduler->cancel(inflight->retryTask);
    if (inflight->attempt)
        inflight->attempt->kill();
    setFetchStatus(q, FetchStatus::Idle);
    notify(q, QueryChange::FetchStatus);
    for (const Query::Waiter &w : std::as_const(inflight->waiters)) {
        if (w.context && w.done)
            w.done(*q);
    }
}

void QueryClient::updateTags(Query *q)
{
    const QueryOptions *o = q->m_options.get();
    if (!o || (o->tags.isEmpty() && !o->tagsFrom))
        return;
    TagList tags = o->tags;
    if (o->tagsFrom && q->hasData())
        tags += o->tagsFrom(q->m_data);
    m_cache->setTags(q, tags);
}

void QueryClient::notify(Query *q, QueryChanges changes)
{
    if (!changes)
        return;
    for (QueryObserver *o : std::as_const(q->m_observers))
        o->queryChanged(changes);
}

// ---------------------------------------------------------------- filters

qint32 QueryClient::invalidateSlot(quint32 slot, RefetchType refetch)
{
    // Flags first: an unobserved entry that needs no refetch is never touched itself.
    const quint8 flags = m_cache->flags(slot);
    if (!(flags & QueryCache::Invalidated)) {
        m_cache->setInvalidated(slot, true);
        if (flags & QueryCache::Observed)
            notify(m_cache->at(slot), QueryChange::Stale);
    }
    const bool active = flags & QueryCache::Active;
    // Observed, and only by disabled observers: a disabled query ignores invalidations that would refetch it (as in
    // TanStack Query), whatever the refetch type; it is only marked.
    const bool disabled = (flags & QueryCache::Observed) && !active;
    if (refetch != RefetchType::None && !disabled
        && (refetch == RefetchType::All || active == (refetch == RefetchType::Active))) {
        queueRefetch(m_cache->at(slot));
        return CacheEventLog::Refetching;
    }
    // Why it stays as it is, for the inspector's timeline: a person may have expected a refetch.
    return refetch == RefetchType::None        ? CacheEventLog::OnlyMarked
         : active                              ? CacheEventLog::OnlyInactive
         : (flags & QueryCache::Observed)      ? CacheEventLog::ViewsDisabled
                                               : CacheEventLog::NotShown;
}

int QueryClient::invalidateQueries(const QueryFilters &filters, RefetchType refetch)
{
    int count = 0;
    // The event log is asked for once per call, not per entry: without one, the loop is what it always was.
    if (CacheEventLog *log = m_events) {
        log->beginInvalidation(filters);
        m_cache->forEachSlot(filters, [&](quint32 slot) {
            ++count;
            log->recordInvalidation(slot, invalidateSlot(slot, refetch));
        });
        return count;
    }
    m_cache->forEachSlot(filters, [&](quint32 slot) {
        ++count;
        invalidateSlot(slot, refetch);
    });
    return count;
}

int QueryClient::invalidateTags(const TagList &tags, RefetchType refetch)
{
    if (tags.size() == 1) {
        int count = 0;
        if (CacheEventLog *log = m_events) {
            log->beginInvalidation(tags.first());
            m_cache->forEachSlotWithTag(tags.first(), [&](quint32 slot) {
                ++count;
                log->recordInvalidation(slot, invalidateSlot(slot, refetch));
            });
            return count;
        }
        m_cache->forEachSlotWithTag(tags.first(), [&](quint32 slot) {
            ++count;
            invalidateSlot(slot, refetch);
        });
        return count;
    }
    // Several tags may share entries: count (and queue) each once.
    QSet<quint32> seen;
    for (const Tag &tag : tags) {
        if (m_events)
            m_events->beginInvalidation(tag);
        m_cache->forEachSlotWithTag(tag, [&](quint32 slot) {
            if (!seen.contains(slot)) {
                seen.insert(slot);
                const qint32 why = invalidateSlot(slot, refetch);
                if (m_events)
                    m_events->recordInvalidation(slot, why);
            }
        });
    }
    return int(seen.size());
}

void QueryClient::queueRefetch(Query *q)
{
    if (q->m_refetchQueued)
        return;
    q->m_refetchQueued = true;
    if (m_refetchQueue.isEmpty())
        m_notifier->atTurnEnd([this] { flushRefetches(); });
    m_refetchQueue.append(q);
}

void QueryClient::flushRefetches()
{
    const QList<Query *> queue = std::exchange(m_refetchQueue, {});
    for (Query *q : queue) {
        q->m_refetchQueued = false;
        if (q->m_options && q->m_options->fn)
            fetch(q, FetchReason::Invalidated, FetchMode::AfterRunning);
    }
}

int QueryClient::refetchQueries(const QueryFilters &filters, FetchMode mode)
{
    QList<Query *> targets;
    m_cache->forEach(filters, [&](Query *q) {
        const bool disabled = q->isObserved() && !q->isActive();
        if (!disabled && q->m_options && q->m_options->fn)
            targets.append(q);
    });
    for (Query *q : std::as_const(targets))
        fetch(q, FetchReason::Manual, mode);
    return int(targets.size());
}

int QueryClient::cancelQueries(const QueryFilters &filters)
{
    QList<Query *> targets;
    m_cache->forEach(filters, [&](Query *q) {
        if (q->isFetching())
            targets.append(q);
    });
    for (Query *q : std::as_const(targets))
        abortFetch(q);
    return int(targets.size());
}

void QueryClient::resetQuery(Query *q)
{
    abortFetch(q);
    QueryChanges changes;
    if (q->hasData()) {
        q->m_data = Json();
        changes |= QueryChange::Data;
    }
    if (q->m_error) {
        q->m_error.reset();
        changes |= QueryChange::Error;
    }
    if (q->m_status != QueryStatus::Pending) {
        q->m_status = QueryStatus::Pending;
        changes |= QueryChange::Status;
    }
    if (m_cache->setInvalidated(q->m_slot, false))
        changes |= QueryChange::Stale;
    q->m_failureCount = 0;
    q->m_dataUpdatedAt = q->m_errorUpdatedAt = TimePoint{0};
    q->m_validators.reset();
    m_cache->setTags(q, {});
    if (m_events)
        m_events->record(q, CacheEventKind::Reset);
    notify(q, changes);
    if (changes & QueryChange::Data)
        m_cache->dataUpdated(q, changes);
}

int QueryClient::removeQueries(const QueryFilters &filters)
{
    const QList<Query *> targets = m_cache->findAll(filters);
    for (Query *q : targets) {
        if (q->m_refetchQueued) {
            m_refetchQueue.removeOne(q);
            q->m_refetchQueued = false;
        }
        if (q->isObserved()) {
            resetQuery(q);
            continue;
        }
        abortFetch(q);
        if (m_events)
            m_events->record(q, CacheEventKind::Removed);
        m_cache->remove(q);
    }
    return int(targets.size());
}

int QueryClient::resetQueries(const QueryFilters &filters)
{
    const QList<Query *> targets = m_cache->findAll(filters);
    for (Query *q : targets)
        resetQuery(q);
    for (Query *q : targets) {
        if (q->isActive())
            fetch(q, FetchReason::Reset);
    }
    return int(targets.size());
}

// ---------------------------------------------------------------- observers

void QueryClient::attach(QueryObserver *o)
{
    m_observers.insert(o);
    Query *q = m_cache->findOrCreate(o->m_options->key);
    o->m_query = q;
    q->m_observers.append(o);
    m_cache->updateActivity(q);
    m_cache->cancelGc(q);
    if (m_events)
        m_events->record(q, CacheEventKind::Mounted, int(q->m_observers.size()));
    // The latest observer's options drive fetching (TanStack: the query takes the options of whoever built it).
    if (o->m_options->fn || !q->m_options)
        adoptOptions(q, o->m_options);
    if (o->isEnabled() && o->m_options->refetchOnMount && (q->isStaleAt(now(), o->m_options->staleTime)))
        fetch(q, FetchReason::Mount, FetchMode::Dedupe);
    o->scheduleInterval();
    o->scheduleStaleMark();
}

void QueryClient::detach(QueryObserver *o)
{
    m_observers.remove(o);
    m_notifier->unschedule(o);
    o->cancelTimers();
    Query *q = std::exchange(o->m_query, nullptr);
    if (!q)
        return;
    q->m_observers.removeOne(o);
    m_cache->updateActivity(q);
    if (m_events)
        m_events->record(q, CacheEventKind::Unmounted, int(q->m_observers.size()));
    if (q->m_options == o->m_options && !q->m_observers.isEmpty())
        adoptOptions(q, q->m_observers.constLast()->m_options);
    if (q->m_observers.isEmpty())
        m_cache->scheduleGc(q);
}

void QueryClient::onFocusChanged(bool focused)
{
    if (!focused)
        return;
    const TimePoint t = now();
    if (m_lastFocusRefetch != TimePoint::min() && t - m_lastFocusRefetch < m_focusThrottle) {
        if (m_events)
            m_events->recordCacheWide(CacheEventKind::FocusThrottled,
                                      qint32(std::chrono::duration_cast<Millis>(m_focusThrottle - (t - m_lastFocusRefetch)).count()));
        return;
    }
    m_lastFocusRefetch = t;
    refetchObserved(FetchReason::WindowFocus);
}

void QueryClient::onOnlineChanged(bool online)
{
    if (m_events && !online)
        m_events->recordCacheWide(CacheEventKind::Offline);
    if (!online)
        return;
    // Paused fetches first, in the order they paused; then observed stale data.
    const QList<Query *> paused = m_paused;
    for (Query *q : paused) {
        if (q->m_fetchStatus != FetchStatus::Paused || !q->m_inflight)
            continue;
        if (m_events)
            m_events->record(q, CacheEventKind::Resumed);
        setFetchStatus(q, FetchStatus::Fetching);
        notify(q, QueryChange::FetchStatus);
        if (!q->m_inflight->retryTask)
            startAttempt(q);
    }
    refetchObserved(FetchReason::Reconnect);
}

void QueryClient::refetchObserved(FetchReason reason)
{
    // Observers, not entries: the work is proportional to what is on screen, not to the cache.
    const TimePoint t = now();
    QList<Query *> targets;
    QSet<Query *> seen;
    QSet<Query *> fresh;
    for (QueryObserver *o : std::as_const(m_observers)) {
        Query *q = o->m_query;
        if (!q || !o->isEnabled() || q->isFetching() || seen.contains(q))
            continue;
        const QueryOptions &options = *o->m_options;
        const bool always = reason == FetchReason::WindowFocus && options.refetchOnWindowFocus == FocusRefetch::Always;
        const bool wanted = reason == FetchReason::WindowFocus ? options.refetchOnWindowFocus != FocusRefetch::Never
                                                               : options.refetchOnReconnect;
        if (!wanted)
            continue;
        if (always || q->isStaleAt(t, options.staleTime)) {
            seen.insert(q);
            fresh.remove(q);
            targets.append(q);
        } else if (m_events) {
            fresh.insert(q);
        }
    }
    // Why what is on screen did not refetch: it is fresh, and until when.
    if (m_events) {
        for (Query *q : std::as_const(fresh)) {
            Millis staleTime{0};
            for (const QueryObserver *o : std::as_const(q->m_observers))
                staleTime = std::max(staleTime, o->m_options->staleTime);
            const Millis left = std::chrono::duration_cast<Millis>(q->m_dataUpdatedAt + staleTime - t);
            m_events->recordStillFresh(q, reason, std::max(left, Millis{0}));
        }
    }
    if (m_events)
        m_events->recordCacheWide(reason == FetchReason::WindowFocus ? CacheEventKind::WindowFocus : CacheEventKind::Online,
                                  int(targets.size()));
    for (Query *q : std::as_const(targets))
        fetch(q, reason, FetchMode::Dedupe);
}

} // namespace refetch
