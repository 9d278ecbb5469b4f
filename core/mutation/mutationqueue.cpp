#include "core/mutation/mutationqueue.h"

#include "core/inspect/cacheeventlog.h"
#include "core/http/endpoint.h"
#include "core/mutation/resourcetags.h"

#include <QUuid>

namespace refetch {

namespace {

bool isConditional(const QByteArray &method)
{
    return method == "PUT" || method == "PATCH" || method == "DELETE";
}

// What an optimistic write does to the record when the form does not say: PUT and PATCH merge the fields the
// form submitted (its variables: the body may be the dialect's wrapping of them, such as JSON:API's document)
// into it, or else the body (a PUT body may lack fields a list shows, such as the id); DELETE removes it; POST
// changes nothing cached. Plain data decides it, so that a restored write knows it too.
OptimisticUpdate::RecordFn defaultChange(const PersistedMutation &d)
{
    if (d.method == "DELETE")
        return [](const Json &) { return Json(); };
    if (d.method == "PATCH" || d.method == "PUT") {
        const Json &fields = d.variables.isObject() ? d.variables : d.body;
        if (fields.isObject())
            return [fields](const Json &record) { return record.merged(fields); };
    }
    return {};
}

OptimisticUpdate::RecordFn recordChange(const MutationOptions &options, const PersistedMutation &d)
{
    if (options.optimisticUpdate) {
        return [fn = options.optimisticUpdate, variables = d.variables](const Json &record) { return fn(record, variables); };
    }
    return defaultChange(d);
}

bool hasRecord(const PersistedMutation &d)
{
    return !d.resource.isEmpty() && !d.recordId.isUndefined();
}

} // namespace

MutationQueue::MutationQueue(QueryClient *client, QObject *parent)
    : QObject(parent), m_client(client)
{
    connect(client->onlineSource(), &OnlineSource::onlineChanged, this, &MutationQueue::onOnlineChanged);
}

MutationQueue::~MutationQueue()
{
    if (m_client) {
        m_client->scheduler()->cancel(m_probeTask);
        m_client->scheduler()->cancel(m_settledSweep);
    }
    // The handles reach back into the queue while they go: delete them while it is still whole.
    const QList<Mutation *> children = findChildren<Mutation *>(Qt::FindDirectChildrenOnly);
    m_mutations.clear();
    qDeleteAll(children);
}

void MutationQueue::addEndpoint(const Endpoint *endpoint)
{
    if (!endpoint)
        return;
    m_endpoints.insert(endpoint->name(), endpoint);
    // Writes that waited for a sign-in go once requests carry something new.
    if (const auto &credentials = endpoint->config().credentials)
        connect(credentials.get(), &Credentials::renewed, this, &MutationQueue::pumpLater, Qt::UniqueConnection);
    // Another endpoint of a name writes wait for (new settings: a token given where the last was refused) may
    // take them now.
    pumpLater();
}

bool MutationQueue::needsSignIn(const QString &endpoint) const
{
    const Endpoint *e = m_endpoints.value(endpoint);
    return e && e->config().credentials && e->config().credentials->state() == Credentials::State::SignInNeeded;
}

void MutationQueue::removeEndpoint(const QString &name)
{
    m_endpoints.remove(name);
}

void MutationQueue::setReconnectDelay(Millis first, Millis max)
{
    m_reconnectDelay = std::max(first, Millis{1});
    m_maxReconnectDelay = std::max(max, m_reconnectDelay);
}

bool MutationQueue::isOnline() const
{
    return m_client && m_client->onlineSource()->isOnline();
}

QByteArray MutationQueue::cachedEtag(const PersistedMutation &d) const
{
    // The record's detail entry knows the version the user edited; a list's ETag is the list's, not the record's.
    QByteArray etag;
    const Tag tag = ResourceTags(d.resource, d.endpoint, d.idField).recordTag(d.recordId);
    m_client->cache()->forEachWithTag(tag, [&](Query *q) {
        if (etag.isEmpty() && !q->etag().isEmpty() && q->data().isObject()
            && ResourceTags::sameId(q->data().value(d.idField), d.recordId))
            etag = q->etag();
    });
    return etag;
}

Mutation *MutationQueue::mutate(const MutationOptions &options, const Json &variables)
{
    PersistedMutation d;
    d.id = options.mutationId.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : options.mutationId;
    d.method = options.method.toUpper();
    d.endpoint = options.endpoint.isEmpty() ? QStringLiteral("default") : options.endpoint;
    d.path = options.pathFrom ? options.pathFrom(variables) : options.path;
    const bool bodiless = d.method == "DELETE" || d.method == "GET" || d.method == "HEAD";
    d.body = options.bodyFrom ? options.bodyFrom(variables) : (bodiless ? Json() : variables);
    d.headers = options.headers;
    d.mode = options.mode;
    d.resource = options.resource;
    d.idField = options.idField.isEmpty() ? QStringLiteral("id") : options.idField;
    d.recordId = options.id;
    if (d.recordId.isUndefined() && !d.resource.isEmpty() && d.method != "POST" && variables.isObject()) {
        const Json id = variables.value(d.idField);
        if (!id.isNull())
            d.recordId = id;
    }
    const bool hasRecord = !d.resource.isEmpty() && !d.recordId.isUndefined();
    d.scope = options.scope;
    if (d.scope.isEmpty() && hasRecord)
        d.scope = ResourceTags(d.resource, d.endpoint, d.idField).recordTag(d.recordId).toString();
    d.etag = options.etag;
    if (d.etag.isEmpty() && hasRecord && isConditional(d.method))
        d.etag = cachedEtag(d);
    d.invalidates = options.invalidatesTags;
    for (const QueryFilters &f : options.invalidatesQueries) {
        if (f.key)
            d.invalidateKeys.append({*f.key, f.exact});
    }
    d.refetch = options.refetchType;
    d.batch = options.batch;
    if (const Endpoint *endpoint = m_endpoints.value(d.endpoint))
        d.keyHonoured = endpoint->config().honoursIdempotencyKey;
    d.createdAt = m_client->now();
    const bool undoable = options.mode == MutationMode::Undoable;
    d.undoDelay = undoable ? std::max(options.undoDelay, Millis{0}) : Millis{0};
    d.undoDelayAfterRestart = undoable ? std::max(options.undoDelayAfterRestart, Millis{0}) : Millis{0};
    d.variables = variables;

    OptimisticUpdate::RecordFn change;
    if (options.mode != MutationMode::Pessimistic && hasRecord) {
        change = recordChange(options, d);
        d.customChange = bool(options.optimisticUpdate);
        if (change) {
            const Tag tag = ResourceTags(d.resource, d.endpoint, d.idField).recordTag(d.recordId);
            d.optimistic = OptimisticUpdate::apply(m_client, tag, d.recordId, d.idField, change);
        }
    }
    return add(std::move(d), Mutation::Live{.fn = options.fn,
                                            .invalidatesFrom = options.invalidatesTagsFrom,
                                            .filters = options.invalidatesQueries,
                                            .retry = options.retry,
                                            .change = std::move(change)});
}

Mutation *MutationQueue::add(PersistedMutation data, Mutation::Live live, std::optional<TimePoint> restoredAt)
{
    if (live.change && !m_watchingUpdates) {
        // Only once some write has a change to hold: watching every update has a cost.
        m_watchingUpdates = true;
        connect(m_client->cache(), &QueryCache::queryUpdated, this, &MutationQueue::onQueryUpdated);
    }
    auto *m = new Mutation(this, std::move(data), std::move(live));
    m->m_restoredAt = restoredAt;
    m_mutations.append(m);
    // Started from the event loop: the caller connects to the handle first, and the writes made in one turn
    // begin in the order they were made.
    QMetaObject::invokeMethod(m, &Mutation::begin, Qt::QueuedConnection);
    Q_EMIT mutationAdded(m);
    Q_EMIT changed();
    return m;
}

Mutation *MutationQueue::find(const QString &id) const
{
    for (const QPointer<Mutation> &m : m_mutations) {
        if (m && !m->isSettled() && m->data().id == id)
            return m;
    }
    return nullptr;
}

QList<Mutation *> MutationQueue::mutations() const
{
    QList<Mutation *> out;
    for (const QPointer<Mutation> &m : m_mutations) {
        if (m && !m->isSettled())
            out.append(m);
    }
    return out;
}

int MutationQueue::pausedCount() const
{
    return int(std::count_if(m_mutations.cbegin(), m_mutations.cend(),
                             [](const QPointer<Mutation> &m) { return m && m->isPaused(); }));
}

void MutationQueue::resumePaused()
{
    m_client->scheduler()->cancel(std::exchange(m_probeTask, 0));
    m_networkDown = false;
    pump();
}

int MutationQueue::discard(const QString &endpoint)
{
    // No write starts while they go: the settling of one would otherwise send the next one of its record.
    const bool nested = std::exchange(m_pumping, true);
    int count = 0;
    const QList<QPointer<Mutation>> snapshot = m_mutations;
    for (const QPointer<Mutation> &m : snapshot) {
        if (!m || m->isSettled() || m->m_data.endpoint != endpoint)
            continue;
        ++count;
        if (!m->undo())
            m->abort(QStringLiteral("cancelled: its endpoint was removed"));
    }
    if (!nested) {
        m_pumping = false;
        pump();
    }
    return count;
}

void MutationQueue::pumpLater()
{
    if (m_pumpQueued)
        return;
    m_pumpQueued = true;
    QMetaObject::invokeMethod(this, [this] {
        m_pumpQueued = false;
        pump();
    }, Qt::QueuedConnection);
}

// Starts every write whose turn has come. Writes of one scope go one after another; once a write had to wait
// for the network, it and every later write go one at a time, in order (an outbox replay: a comment made
// offline must not reach the server before the post it belongs to).
void MutationQueue::pump()
{
    if (m_pumping) {
        m_pumpAgain = true;
        return;
    }
    m_pumping = true;
    do {
        m_pumpAgain = false;
        const bool sendableAnywhere = canSend();
        QSet<QString> busyScopes;
        bool inOutbox = false;
        bool outboxBusy = false;
        const QList<QPointer<Mutation>> snapshot = m_mutations;
        QHash<QString, int> inFlight;   // per endpoint
        for (const QPointer<Mutation> &p : snapshot) {
            if (p && !p->isSettled() && p->m_status == Mutation::Status::Sending)
                ++inFlight[p->m_data.endpoint];
        }
        for (const QPointer<Mutation> &p : snapshot) {
            Mutation *m = p;
            if (!m || m->isSettled())
                continue;
            const bool held = m->m_status == Mutation::Status::Unconfirmed;   // the user decides, nothing else
            // Writes wait for the network, and those to an endpoint that refused its sign-in for the user to sign in.
            const bool sendable = sendableAnywhere && !needsSignIn(m->m_data.endpoint);
            if (!sendable && m->m_ready && m->m_status != Mutation::Status::Sending && !held) {
                m->m_serial = true;
                m->setStatus(Mutation::Status::Paused);
            }
            inOutbox = inOutbox || m->m_serial;
            const QString &scope = m->m_data.scope;
            const bool blocked = (!scope.isEmpty() && busyScopes.contains(scope)) || (inOutbox && outboxBusy);
            if (!scope.isEmpty())
                busyScopes.insert(scope);
            // A write still in its undo time is not made yet: it holds up nothing behind it.
            if (inOutbox && m->m_ready)
                outboxBusy = true;
            if (!m->m_ready || m->m_status == Mutation::Status::Sending || held
                || (m->m_status == Mutation::Status::Paused && !sendable))
                continue;
            if (blocked || inFlight.value(m->m_data.endpoint) >= m_maxInFlight) {
                m->setStatus(Mutation::Status::Waiting);
                continue;
            }
            ++inFlight[m->m_data.endpoint];
            m->send();
        }
    } while (m_pumpAgain);
    m_pumping = false;
}

void MutationQueue::onOnlineChanged(bool online)
{
    if (online) {
        m_client->scheduler()->cancel(std::exchange(m_probeTask, 0));
        m_probeFailures = 0;
        m_networkDown = false;
    }
    pump();
}

void MutationQueue::networkFailed()
{
    m_networkDown = true;
    // Offline by the OnlineSource: its return resumes the writes. Online by it yet unreachable: probe, backing off.
    if (!m_probeTask && isOnline()) {
        const int shift = std::min(m_probeFailures, 16);
        const Millis delay = std::min(Millis{m_reconnectDelay.count() << shift}, m_maxReconnectDelay);
        ++m_probeFailures;
        m_probeTask = m_client->scheduler()->scheduleIn(delay, [this] {
            m_probeTask = 0;
            m_networkDown = false;
            pump();
        });
    }
    pump();
}

void MutationQueue::serverReached()
{
    m_probeFailures = 0;
    if (!m_networkDown && !m_probeTask)
        return;
    m_client->scheduler()->cancel(std::exchange(m_probeTask, 0));
    m_networkDown = false;
    pumpLater();
}

void MutationQueue::passEtagOn(const Mutation *done)
{
    // The next writes of the record were made against the version this one replaced: they now expect the
    // version it made (or, when the server sent no ETag, none: their old one would fail for certain).
    const QString &scope = done->m_data.scope;
    if (scope.isEmpty())
        return;
    bool passed = false;
    for (const QPointer<Mutation> &m : std::as_const(m_mutations)) {
        if (!m || m == done || m->isSettled() || m->m_data.scope != scope || !isConditional(m->m_data.method))
            continue;
        if (m->m_data.etag != done->m_resultEtag) {
            m->m_data.etag = done->m_resultEtag;
            passed = true;
        }
    }
    if (passed)
        Q_EMIT changed();
}

void MutationQueue::onSettled(Mutation *m)
{
    m_mutations.removeOne(m);
    Q_EMIT mutationSettled(m);
    Q_EMIT changed();
    m_settled.emplace_back(m, m_client->now() + m_settledLifetime);
    sweepSettled();
    pump();
}

void MutationQueue::sweepSettled()
{
    const TimePoint now = m_client->now();
    while (!m_settled.empty()) {
        const auto &[handle, expires] = m_settled.front();
        if (handle && expires > now && qsizetype(m_settled.size()) <= m_settledLimit)
            break;
        if (handle)
            handle->deleteLater();
        m_settled.pop_front();
    }
    // One task, at the oldest handle's time: moved only when the oldest changed (not on every settle).
    Scheduler *scheduler = m_client->scheduler();
    const TimePoint next = m_settled.empty() ? TimePoint::max() : m_settled.front().second;
    if (m_settledSweep && next == m_settledSweepAt)
        return;
    scheduler->cancel(m_settledSweep);
    m_settledSweep = 0;
    m_settledSweepAt = next;
    if (!m_settled.empty()) {
        m_settledSweep = scheduler->schedule(next, [this] {
            m_settledSweep = 0;
            sweepSettled();
        });
    }
}

void MutationQueue::reapplyChange(Mutation *m, const Query *only)
{
    const PersistedMutation &d = m->m_data;
    if (!m->m_live.change || m->isSettled() || !hasRecord(d))
        return;
    const Tag tag = ResourceTags(d.resource, d.endpoint, d.idField).recordTag(d.recordId);
    QList<QueryKey> keys;
    if (only) {
        if (only->tags().contains(tag))
            keys.append(only->key());
    } else {
        m_client->cache()->forEachWithTag(tag, [&](Query *q) { keys.append(q->key()); });
    }
    bool changed = false;
    const CacheEventLog::Origin origin(CacheEventLog::of(m_client), m);
    for (const QueryKey &key : std::as_const(keys))
        changed = m->m_data.optimistic.reapply(m_client, key, d.recordId, d.idField, m->m_live.change) || changed;
    if (changed)
        Q_EMIT this->changed();
}

void MutationQueue::onQueryUpdated(Query *q, QueryChanges changes)
{
    // A fetch replaced data a pending write had changed: the server's copy predates the write, whose change holds
    // until it settles. Data written by code (setQueryData, another write) is left alone: it knows better.
    const bool fetched = (changes & QueryChange::Data) && (changes & QueryChange::FetchStatus);
    if (m_reapplying || !fetched || !q->hasData())
        return;
    m_reapplying = true;
    const QList<QPointer<Mutation>> snapshot = m_mutations;
    for (const QPointer<Mutation> &m : snapshot) {
        if (m)
            reapplyChange(m, q);
    }
    m_reapplying = false;
}

QList<PersistedMutation> MutationQueue::persisted() const
{
    QList<PersistedMutation> out;
    for (const QPointer<Mutation> &m : m_mutations) {
        if (m && !m->isSettled())
            out.append(m->m_data);
    }
    return out;
}

Json MutationQueue::toJson() const
{
    Json out = Json::array({});
    for (const PersistedMutation &d : persisted())
        out = out.withAppended(d.toJson());
    return out;
}

QList<Mutation *> MutationQueue::restore(const QList<PersistedMutation> &list)
{
    QList<Mutation *> out;
    for (const PersistedMutation &d : list) {
        const bool known = std::any_of(m_mutations.cbegin(), m_mutations.cend(),
                                       [&](const QPointer<Mutation> &m) { return m && m->m_data.id == d.id; });
        if (known)
            continue;
        // The change is applied again to what is fetched while it waits: known for the default ones only.
        Mutation::Live live;
        if (d.mode != MutationMode::Pessimistic && hasRecord(d) && !d.customChange)
            live.change = defaultChange(d);
        Mutation *m = add(d, std::move(live), m_client->now());
        // Written while the app last ran and not known to be done: they go as an outbox replay, one at a time in
        // the order they were made (a comment must not reach the server before the post it belongs to), and the
        // writes made from now on queue behind them.
        m->m_serial = true;
        out.append(m);
    }
    return out;
}

QList<Mutation *> MutationQueue::restore(const Json &json, QStringList *errors)
{
    QList<PersistedMutation> list;
    for (const Json &item : json) {
        QString error;
        if (std::optional<PersistedMutation> d = PersistedMutation::fromJson(item, &error))
            list.append(std::move(*d));
        else if (errors)
            errors->append(error);
    }
    return restore(list);
}

} // namespace refetch
