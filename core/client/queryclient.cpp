#include "core/client/queryclient.h"

#include "core/client/queryobserver.h"

#include <QLoggingCategory>
#include <limits>

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
        if (q->isRefetchQueued())
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
        if (std::unique_ptr<Query::Inflight> inflight = q->fetchEnded(); inflight && inflight->attempt)
            inflight->attempt->kill();
        q->clearObservers();
    });
    m_observers.clear();
    // The cache goes first: its entries and its gc task belong to the scheduler, which is deleted after this body.
    delete std::exchange(m_cache, nullptr);
}

Json QueryClient::queryData(const QueryKey &key) const
{
    const Query *q = m_cache->find(key);
    return q ? q->data() : Json();
}

void QueryClient::setQueryData(const QueryKey &key, const Json &data)
{
    bool created = false;
    Query *q = m_cache->findOrCreate(key, &created);
    const QueryChanges changes = q->dataSet(data, m_clock->now());
    if (created)
        m_cache->scheduleGc(q);
    notify(q, changes);
    m_cache->dataUpdated(q, changes);
    record(q, {.kind = CacheEventKind::DataSet, .value = (changes & QueryChange::Data) ? 1 : 0});
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
    if (!created && q->hasData() && q->dataUpdatedAt() >= saved.updatedAt)
        return false;
    const QueryChanges changes = q->hydrated(saved);
    if (created)
        m_cache->scheduleGc(q);
    notify(q, changes);
    record(q, {.kind = CacheEventKind::Restored});
    if (q->isActive())
        queueRefetch(q);
    return true;
}

void QueryClient::fetchQuery(const QueryOptions &options, QObject *context, std::function<void(const Query &)> done)
{
    bool created = false;
    Query *q = m_cache->findOrCreate(options.key, &created);
    if (!q->isObserved() || !q->options() || !q->options()->fn)
        q->setOptions(std::make_shared<QueryOptions>(options));
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
        if (Query::Inflight *inflight = q->inflight())
            inflight->waiters.append({context ? QPointer<QObject>(context) : QPointer<QObject>(this), std::move(done)});
        else
            done(*q);   // settled synchronously
    }
}


void QueryClient::fetch(Query *q, FetchReason reason, FetchMode mode)
{
    if (q->isFetching()) {
        switch (mode) {
        case FetchMode::Dedupe:
            return;
        case FetchMode::AfterRunning:
            q->inflight()->refetchAfter = true;
            q->inflight()->refetchReason = reason;
            return;
        case FetchMode::CancelRunning:
            abortFetch(q);
            break;
        }
    }
    if (!q->options() || !q->options()->fn) {
        qCWarning(lcCache) << "no fetch function for" << q->key().toString();
        if (q->status() != QueryStatus::Success)
            settleError(q, QueryError::other(QStringLiteral("no fetch function for query %1").arg(q->key().toString())),
                        q->failureCount());
        return;
    }
    QueryChanges changes = q->fetchStarted(reason);
    Q_EMIT fetchStarted(q, reason);
    record(q, {.kind = CacheEventKind::FetchStarted, .reason = reason});
    if (!m_online->isOnline()) {
        notify(q, changes);
        pause(q);
        return;
    }
    notify(q, changes | setFetchStatus(q, FetchStatus::Fetching));
    startAttempt(q);
}

QueryChanges QueryClient::setFetchStatus(Query *q, FetchStatus status)
{
    const FetchStatus was = q->fetchStatus();
    const QueryChanges changes = q->fetchStatusChanged(status);
    if (!changes)
        return changes;
    if (was == FetchStatus::Paused)
        m_paused.removeOne(q);
    if (status == FetchStatus::Paused)
        m_paused.append(q);
    if ((was == FetchStatus::Fetching) != (status == FetchStatus::Fetching)) {
        m_fetchingCount += status == FetchStatus::Fetching ? 1 : -1;
        Q_EMIT fetchingCountChanged(m_fetchingCount);
    }
    return changes;
}

void QueryClient::pause(Query *q, const RequestRecord *request)
{
    record(q, {.kind = CacheEventKind::Paused, .request = request});
    notify(q, setFetchStatus(q, FetchStatus::Paused));
}

void QueryClient::startAttempt(Query *q)
{
    Query::Inflight &inflight = *q->inflight();
    inflight.retryTask = 0;
    auto attempt = std::make_shared<FetchAttempt>(this, q, q->generation(), q->failureCount());
    attempt->m_etag = q->revalidationEtag();
    attempt->m_lastModified = q->revalidationLastModified();
    inflight.attempt = attempt;
    // Hold the options: a fetch function may replace them (setOptions) while it runs.
    const std::shared_ptr<const QueryOptions> options = q->sharedOptions();
    options->fn(QueryFnContext(attempt));
}

void QueryClient::onAttemptResult(FetchAttempt *attempt, FetchResult result)
{
    Query *q = attempt->m_query;
    if (!q || !q->inflight() || q->inflight()->attempt.get() != attempt || q->generation() != attempt->m_generation) {
        qCDebug(lcCache) << "dropped a superseded reply for" << attempt->m_key.toString();
        return;
    }
    // Keep the attempt alive until we are done with it: the inflight record lets go of it below.
    const std::shared_ptr<FetchAttempt> keep = std::exchange(q->inflight()->attempt, {});
    attempt->m_query = nullptr;
    const RequestRecord *request = result.request ? &*result.request : nullptr;

    if (!result.error) {
        settleSuccess(q, result, request);
        return;
    }
    const QueryError &error = *result.error;
    const RetryPolicy &retry = q->options()->retry;
    const int failures = q->failureCount() + 1;
    if (retry.retries(failures, error)) {
        const Millis delay = retry.delay(failures, error);
        qCDebug(lcCache).noquote() << "retry" << failures << "in" << delay.count() << "ms:" << error.toString();
        notify(q, q->retrying(failures));
        record(q, {.kind = CacheEventKind::Retry,
                   .value = qint32(std::min<qint64>(delay.count(), std::numeric_limits<qint32>::max())),
                   .attempt = failures, .error = &error, .request = request});
        q->inflight()->retryTask = m_scheduler->scheduleIn(delay, [this, q] {
            if (!q->inflight())
                return;
            q->inflight()->retryTask = 0;
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
        pause(q, request);
        return;
    }
    settleError(q, error, failures, request);
}

void QueryClient::settleSuccess(Query *q, FetchResult &result, const RequestRecord *request)
{
    if (result.notModified && !q->hasData()) {
        settleError(q, QueryError::other(QStringLiteral("304 Not Modified for a query without cached data")),
                    q->failureCount(), request);
        return;
    }
    const QueryChanges changes = result.notModified ? q->notModified(result, m_clock->now())
                                                    : q->succeeded(result, m_clock->now());
    updateTags(q);
    // With FetchStatus (the fetch ends with this data): that is how listeners tell a fetch's data from data written
    // by code (the write queue puts its pending changes back over the one, not the other).
    m_cache->dataUpdated(q, changes | QueryChange::FetchStatus);
    record(q, {.kind = result.notModified ? CacheEventKind::NotModified : CacheEventKind::Fetched,
               .value = (changes & QueryChange::Data) ? 1 : 0, .request = request});
    finishFetch(q, changes);
}

void QueryClient::settleError(Query *q, const QueryError &error, int failures, const RequestRecord *request)
{
    const QueryChanges changes = q->failed(error, m_clock->now(), failures);
    qCInfo(lcCache).noquote() << "fetch failed:" << error.toString();
    record(q, {.kind = CacheEventKind::Failed, .error = &error, .request = request});
    updateTags(q);
    finishFetch(q, changes);
}

void QueryClient::finishFetch(Query *q, QueryChanges changes)
{
    std::unique_ptr<Query::Inflight> inflight = q->fetchEnded();
    notify(q, changes | setFetchStatus(q, FetchStatus::Idle));
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
    if (!q->inflight())
        return;
    record(q, {.kind = CacheEventKind::Cancelled});
    std::unique_ptr<Query::Inflight> inflight = q->fetchEnded();
    m_scheduler->cancel(inflight->retryTask);
    if (inflight->attempt)
        inflight->attempt->kill();
    notify(q, setFetchStatus(q, FetchStatus::Idle));
    for (const Query::Waiter &w : std::as_const(inflight->waiters)) {
        if (w.context && w.done)
            w.done(*q);
    }
}

void QueryClient::updateTags(Query *q)
{
    const QueryOptions *o = q->options();
    if (!o || (o->tags.isEmpty() && !o->tagsFrom))
        return;
    TagList tags = o->tags;
    if (o->tagsFrom && q->hasData())
        tags += o->tagsFrom(q->data());
    m_cache->setTags(q, tags);
}

void QueryClient::notify(Query *q, QueryChanges changes)
{
    if (!changes)
        return;
    for (QueryObserver *o : q->observers())
        o->queryChanged(changes);
}

// ---------------------------------------------------------------- observers

void QueryClient::attach(QueryObserver *o)
{
    m_observers.insert(o);
    Query *q = m_cache->findOrCreate(o->m_options->key);
    o->m_query = q;
    q->addObserver(o);
    m_cache->updateActivity(q);
    m_cache->cancelGc(q);
    record(q, {.kind = CacheEventKind::Mounted, .value = int(q->observers().size())});
    // The latest observer's options drive fetching (TanStack: the query takes the options of whoever built it).
    if (o->m_options->fn || !q->options())
        q->setOptions(o->m_options);
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
    q->removeObserver(o);
    m_cache->updateActivity(q);
    record(q, {.kind = CacheEventKind::Unmounted, .value = int(q->observers().size())});
    if (q->sharedOptions() == o->m_options && q->isObserved())
        q->setOptions(q->observers().constLast()->m_options);
    if (!q->isObserved())
        m_cache->scheduleGc(q);
}

void QueryClient::onFocusChanged(bool focused)
{
    if (!focused)
        return;
    const TimePoint t = now();
    if (m_lastFocusRefetch != TimePoint::min() && t - m_lastFocusRefetch < m_focusThrottle) {
        record(nullptr, {.kind = CacheEventKind::FocusThrottled,
                         .value = qint32(std::chrono::duration_cast<Millis>(m_focusThrottle - (t - m_lastFocusRefetch)).count())});
        return;
    }
    m_lastFocusRefetch = t;
    refetchObserved(FetchReason::WindowFocus);
}

void QueryClient::onOnlineChanged(bool online)
{
    if (!online) {
        record(nullptr, {.kind = CacheEventKind::Offline});
        return;
    }
    // Paused fetches first, in the order they paused; then observed stale data.
    const QList<Query *> paused = m_paused;
    for (Query *q : paused) {
        if (q->fetchStatus() != FetchStatus::Paused || !q->inflight())
            continue;
        record(q, {.kind = CacheEventKind::Resumed});
        notify(q, setFetchStatus(q, FetchStatus::Fetching));
        if (!q->inflight()->retryTask)
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
        } else if (m_recorder) {
            fresh.insert(q);
        }
    }
    // Why what is on screen did not refetch: it is fresh, and until when.
    for (Query *q : std::as_const(fresh)) {
        Millis staleTime{0};
        for (const QueryObserver *o : q->observers())
            staleTime = std::max(staleTime, o->m_options->staleTime);
        const Millis left = std::max(std::chrono::duration_cast<Millis>(q->dataUpdatedAt() + staleTime - t), Millis{0});
        record(q, {.kind = CacheEventKind::StillFresh,
                   .value = qint32(std::min<qint64>(left.count(), std::numeric_limits<qint32>::max())),
                   .reason = reason});
    }
    record(nullptr, {.kind = reason == FetchReason::WindowFocus ? CacheEventKind::WindowFocus : CacheEventKind::Online,
                     .value = int(targets.size())});
    for (Query *q : std::as_const(targets))
        fetch(q, reason, FetchMode::Dedupe);
}

} // namespace refetch
