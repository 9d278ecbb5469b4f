#include "core/inspect/cacheeventlog.h"

#include "core/mutation/mutation.h"
#include "core/cache/query.h"
#include "core/cache/querycache.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"

#include <QLocale>
#include <algorithm>
#include <bit>
#include <limits>

namespace refetch {

namespace {

QString durationText(Millis d)
{
    if (d.count() < 1000)
        return QStringLiteral("%1 ms").arg(d.count());
    if (d.count() % 1000 == 0)
        return QStringLiteral("%1 s").arg(d.count() / 1000);
    return QStringLiteral("%1 s").arg(double(d.count()) / 1000.0, 0, 'f', 1);
}

// The smallest stale time of the entry's observers: the one its "became stale" follows.
Millis observedStaleTime(const Query *q)
{
    Millis stale = Millis::max();
    for (const QueryObserver *o : q->observers())
        stale = std::min(stale, o->options().staleTime);
    return stale;
}

} // namespace

CacheEventLog::CacheEventLog(QueryClient *client, int capacity, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_cache(client->cache())
    , m_ring(std::bit_ceil(size_t(std::max(capacity, 16))))
    , m_detailCapacity(std::max<size_t>(256, m_ring.size() / 4))
{
    Q_ASSERT_X(!client->recorder(), "CacheEventLog", "a client takes one recorder");
    client->setRecorder(this);
    connect(m_cache, &QueryCache::queryAdded, this, &CacheEventLog::onAdded);
    connect(m_cache, &QueryCache::queryRemoved, this, &CacheEventLog::onRemoved);
    // The client deletes its cache in its destructor, without a signal per entry.
    connect(m_cache, &QObject::destroyed, this, &CacheEventLog::detach);
    m_cache->forEachSlot({}, [this](quint32 slot) {
        ensureSlot(slot);
        m_slots[slot].serial = ++m_nextSerial;
    });
}

void CacheEventLog::ensureSlot(quint32 slot)
{
    if (slot >= m_slots.size())
        m_slots.resize(size_t(slot) + 1);
}

CacheEventLog::~CacheEventLog()
{
    detach();
}

QueryClient *CacheEventLog::client() const
{
    return m_client;
}

void CacheEventLog::detach()
{
    if (m_client) {
        if (m_client->recorder() == this)
            m_client->setRecorder(nullptr);
        if (m_cache)
            m_client->scheduler()->cancel(m_staleTask);
    }
    m_staleTask = 0;
    m_client = nullptr;
    m_cache = nullptr;
}

const CacheEventDetail *CacheEventLog::detail(quint32 id) const
{
    if (id < m_detailBase || id >= endDetail())
        return nullptr;
    return &m_details[id - m_detailBase];
}

quint32 CacheEventLog::serialOf(const Query *q) const
{
    return serialOf(q->slot());
}

const Query *CacheEventLog::entry(const CacheEvent &e) const
{
    if (!m_cache || e.slot == CacheEvent::NoSlot || e.serial == 0 || serialOf(e.slot) != e.serial)
        return nullptr;
    return m_cache->at(e.slot);
}

QueryKey CacheEventLog::keyOf(quint32 serial, quint32 slot) const
{
    if (m_cache && serial && slot != CacheEvent::NoSlot && serialOf(slot) == serial) {
        if (const Query *q = m_cache->at(slot))
            return q->key();
    }
    return m_goneKeys.value(serial);
}

std::optional<CacheRequestRecord> CacheEventLog::lastRequest(const Query *q) const
{
    const auto it = m_requests.constFind(q->slot());
    if (it == m_requests.cend())
        return std::nullopt;
    return *it;
}

// ---------------------------------------------------------------- recording

CacheEvent &CacheEventLog::append(TimePoint time, quint32 slot, quint32 serial, CacheEventKind kind)
{
    CacheEvent &e = m_ring[m_end & (m_ring.size() - 1)];
    e = CacheEvent{.time = time, .slot = slot, .serial = serial, .kind = kind};
    ++m_end;
    post();
    return e;
}

void CacheEventLog::post()
{
    if (m_posted)
        return;
    m_posted = true;
    QMetaObject::invokeMethod(this, &CacheEventLog::flush, Qt::QueuedConnection);
}

void CacheEventLog::flush()
{
    if (!m_posted)
        return;
    m_posted = false;
    Q_EMIT eventsAdded();
}

quint32 CacheEventLog::addDetail(CacheEventDetail detail)
{
    m_details.push_back(std::move(detail));
    if (m_details.size() > m_detailCapacity) {
        m_details.pop_front();
        ++m_detailBase;
    }
    return endDetail() - 1;
}

quint32 CacheEventLog::originDetail()
{
    if (m_mutationId.isEmpty() && m_origin.isEmpty())
        return 0;
    if (!detail(m_originDetail))
        m_originDetail = addDetail({.kind = CacheEventDetail::Kind::Origin, .mutationId = m_mutationId, .origin = m_origin});
    return m_originDetail;
}

CacheEventLog *CacheEventLog::of(const QueryClient *client)
{
    return client ? dynamic_cast<CacheEventLog *>(client->recorder()) : nullptr;
}

void CacheEventLog::record(const Query *q, const QueryEvent &event)
{
    if (!m_client)
        return;
    const TimePoint now = m_client->now();
    if (!q) {
        append(now, CacheEvent::NoSlot, 0, event.kind).value = event.value;
        return;
    }
    const quint32 slot = q->slot();
    if (event.request)
        m_requests.insert(slot, CacheRequestRecord{*event.request, now});
    CacheEvent &e = append(now, slot, serialOf(slot), event.kind);
    e.value = event.value;
    e.reason = event.reason;
    switch (event.kind) {
    case CacheEventKind::FetchStarted:
        // A refetch queued by an invalidation is the invalidation's doing: the tag and the mutation behind it.
        e.detail = event.reason == FetchReason::Invalidated && slot < m_slots.size() ? m_slots[slot].cause : originDetail();
        break;
    case CacheEventKind::Retry:
    case CacheEventKind::Failed:
        e.attempt = quint16(std::min(event.attempt, 0xffff));
        e.detail = event.error ? addDetail({.kind = CacheEventDetail::Kind::Error, .text = event.error->toString()}) : 0;
        break;
    default:
        e.detail = originDetail();
        break;
    }
    switch (event.kind) {
    case CacheEventKind::Mounted:
    case CacheEventKind::Fetched:
    case CacheEventKind::NotModified:
    case CacheEventKind::DataSet:
        watchStale(q);
        break;
    case CacheEventKind::Removed:
        m_removingSerial = e.serial;
        break;
    default:
        break;
    }
}

void CacheEventLog::invalidationStarted(const Tag &tag)
{
    if (!m_client)
        return;
    m_invalidationTime = m_client->now();
    m_invalidation = addDetail({.kind = CacheEventDetail::Kind::Tag, .tag = tag, .mutationId = m_mutationId,
                                .origin = m_origin});
}

void CacheEventLog::invalidationStarted(const QueryFilters &filters)
{
    if (!m_client)
        return;
    CacheEventDetail d{.kind = CacheEventDetail::Kind::Filter, .mutationId = m_mutationId, .origin = m_origin};
    if (filters.key && !filters.key->isEmpty()) {
        d.kind = CacheEventDetail::Kind::Key;
        d.text = filters.key->toString();
        if (!filters.exact)
            d.text += QStringLiteral(" (as a prefix)");
    } else {
        d.text = filters.predicate || filters.stale || filters.fetchStatus || filters.type != QueryFilters::Type::All
            ? QStringLiteral("a filter")
            : QStringLiteral("invalidating everything");
    }
    m_invalidationTime = m_client->now();
    m_invalidation = addDetail(std::move(d));
}

void CacheEventLog::invalidated(quint32 slot, qint32 why)
{
    if (!m_client)
        return;
    if (slot >= m_slots.size())
        return;
    SlotState &state = m_slots[slot];
    state.cause = m_invalidation;
    CacheEvent &e = append(m_invalidationTime, slot, state.serial, CacheEventKind::Invalidated);
    e.detail = m_invalidation;
    e.value = why;
}

void CacheEventLog::onAdded(Query *q)
{
    const quint32 slot = q->slot();
    ensureSlot(slot);
    m_slots[slot] = SlotState{++m_nextSerial, 0};
    record(q, {.kind = CacheEventKind::Created});
}

void CacheEventLog::onRemoved(Query *q)
{
    const quint32 slot = q->slot();
    const quint32 serial = serialOf(slot);
    if (serial != m_removingSerial && m_client)
        append(m_client->now(), slot, serial, CacheEventKind::Evicted);
    m_removingSerial = 0;
    m_goneKeys.insert(serial, q->key());
    m_goneOrder.emplace_back(m_end - 1, serial);
    m_requests.remove(slot);
    if (slot < m_slots.size())
        m_slots[slot] = SlotState{};
    forgetGone();
}

void CacheEventLog::forgetGone()
{
    const quint64 first = firstSeq();
    while (!m_goneOrder.empty() && m_goneOrder.front().first < first) {
        m_goneKeys.remove(m_goneOrder.front().second);
        m_goneOrder.pop_front();
    }
}

// ---------------------------------------------------------------- stale marks

void CacheEventLog::watchStale(const Query *q)
{
    if (!m_client || q->observers().isEmpty() || q->status() != QueryStatus::Success || q->isInvalidated())
        return;
    const Millis stale = observedStaleTime(q);
    if (stale == Millis::max())
        return;
    const TimePoint at = q->dataUpdatedAt() + stale;
    if (at <= m_client->now())
        return;
    m_stale.push_back({at, q->slot(), serialOf(q)});
    std::push_heap(m_stale.begin(), m_stale.end(), std::greater<>());
    armStale();
}

void CacheEventLog::armStale()
{
    if (m_stale.empty() || !m_client)
        return;
    const TimePoint at = m_stale.front().at;
    if (m_staleTask && m_staleTaskAt <= at)
        return;
    Scheduler *s = m_client->scheduler();
    s->cancel(m_staleTask);
    m_staleTaskAt = at;
    m_staleTask = s->schedule(at, [this] {
        m_staleTask = 0;
        m_staleTaskAt = TimePoint::max();
        runStale();
    });
}

void CacheEventLog::runStale()
{
    if (!m_client || !m_cache)
        return;
    const TimePoint now = m_client->now();
    while (!m_stale.empty() && m_stale.front().at <= now) {
        const StaleMark mark = m_stale.front();
        std::pop_heap(m_stale.begin(), m_stale.end(), std::greater<>());
        m_stale.pop_back();
        // A mark outlived by a newer fetch, an invalidation, an observer that left or the entry itself is dropped.
        if (serialOf(mark.slot) != mark.serial)
            continue;
        const Query *q = m_cache->at(mark.slot);
        if (!q || q->observers().isEmpty() || q->status() != QueryStatus::Success || q->isInvalidated())
            continue;
        const Millis stale = observedStaleTime(q);
        if (stale == Millis::max() || q->dataUpdatedAt() + stale != mark.at)
            continue;
        append(mark.at, mark.slot, mark.serial, CacheEventKind::BecameStale).value =
            qint32(std::min<qint64>(stale.count(), std::numeric_limits<qint32>::max()));
    }
    armStale();
}

// ---------------------------------------------------------------- origins

CacheEventLog::Origin::Origin(CacheEventLog *log, const Mutation *mutation)
    : m_log(log)
{
    if (!m_log)
        return;
    m_mutationId = std::exchange(log->m_mutationId, mutation->idempotencyKey());
    m_origin = std::exchange(log->m_origin, QStringLiteral("mutation %1 %2")
                                                .arg(QString::fromLatin1(mutation->data().method), mutation->data().path));
    m_detail = std::exchange(log->m_originDetail, 0);
}

CacheEventLog::Origin::Origin(CacheEventLog *log, const QString &origin)
    : m_log(log)
{
    if (!m_log)
        return;
    m_mutationId = std::exchange(log->m_mutationId, QString());
    m_origin = std::exchange(log->m_origin, origin);
    m_detail = std::exchange(log->m_originDetail, 0);
}

CacheEventLog::Origin::~Origin()
{
    if (!m_log)
        return;
    m_log->m_mutationId = m_mutationId;
    m_log->m_origin = m_origin;
    m_log->m_originDetail = m_detail;
}

// ---------------------------------------------------------------- text

QString CacheEventLog::kindName(CacheEventKind kind)
{
    switch (kind) {
    case CacheEventKind::Created: return QStringLiteral("created");
    case CacheEventKind::Mounted: return QStringLiteral("mounted");
    case CacheEventKind::Unmounted: return QStringLiteral("unmounted");
    case CacheEventKind::OptionsChanged: return QStringLiteral("options changed");
    case CacheEventKind::BecameStale: return QStringLiteral("became stale");
    case CacheEventKind::Invalidated: return QStringLiteral("invalidated");
    case CacheEventKind::FetchStarted: return QStringLiteral("fetch");
    case CacheEventKind::Paused: return QStringLiteral("paused");
    case CacheEventKind::Resumed: return QStringLiteral("resumed");
    case CacheEventKind::Retry: return QStringLiteral("retry");
    case CacheEventKind::Fetched: return QStringLiteral("fetched");
    case CacheEventKind::NotModified: return QStringLiteral("not modified");
    case CacheEventKind::Failed: return QStringLiteral("failed");
    case CacheEventKind::Cancelled: return QStringLiteral("cancelled");
    case CacheEventKind::DataSet: return QStringLiteral("data set");
    case CacheEventKind::Restored: return QStringLiteral("restored");
    case CacheEventKind::Reset: return QStringLiteral("reset");
    case CacheEventKind::Removed: return QStringLiteral("removed");
    case CacheEventKind::Evicted: return QStringLiteral("evicted");
    case CacheEventKind::WindowFocus: return QStringLiteral("window focus");
    case CacheEventKind::Online: return QStringLiteral("online");
    case CacheEventKind::Offline: return QStringLiteral("offline");
    case CacheEventKind::StillFresh: return QStringLiteral("still fresh");
    case CacheEventKind::FocusThrottled: return QStringLiteral("focus throttled");
    }
    return QString();
}

QString CacheEventLog::reasonName(FetchReason reason)
{
    switch (reason) {
    case FetchReason::Mount: return QStringLiteral("mount");
    case FetchReason::Manual: return QStringLiteral("refetch");
    case FetchReason::Invalidated: return QStringLiteral("invalidated");
    case FetchReason::WindowFocus: return QStringLiteral("window focus");
    case FetchReason::Reconnect: return QStringLiteral("reconnect");
    case FetchReason::Interval: return QStringLiteral("interval");
    case FetchReason::Prefetch: return QStringLiteral("prefetch");
    case FetchReason::Reset: return QStringLiteral("reset");
    }
    return QString();
}

QString CacheEventLog::describe(const CacheEvent &e) const
{
    const CacheEventDetail *d = detail(e.detail);
    // " from mutation PATCH /posts/7"
    const QString from = d && !d->origin.isEmpty() ? QStringLiteral(" from ") + d->origin : QString();
    auto cause = [&] {
        if (!d)
            return QString();
        switch (d->kind) {
        case CacheEventDetail::Kind::Tag: return QStringLiteral("tag ") + d->tag.toString() + from;
        case CacheEventDetail::Kind::Key: return QStringLiteral("key ") + d->text + from;
        case CacheEventDetail::Kind::Filter: return d->text + from;
        case CacheEventDetail::Kind::Origin: return d->origin;
        case CacheEventDetail::Kind::Error: return d->text;
        }
        return QString();
    };
    switch (e.kind) {
    case CacheEventKind::Mounted:
        return QStringLiteral("mounted (%1 observer%2)").arg(e.value).arg(e.value == 1 ? "" : "s");
    case CacheEventKind::Unmounted:
        return QStringLiteral("unmounted (%1 observer%2 left)").arg(e.value).arg(e.value == 1 ? "" : "s");
    case CacheEventKind::OptionsChanged:
        return e.value ? QStringLiteral("enabled by its view") : QStringLiteral("disabled by its view");
    case CacheEventKind::BecameStale:
        return QStringLiteral("became stale (stale time %1)").arg(durationText(Millis{e.value}));
    case CacheEventKind::Invalidated: {
        const QString text = d ? QStringLiteral("invalidated by ") + cause() : QStringLiteral("invalidated");
        switch (e.value) {
        case NotShown: return text + QStringLiteral("; not refetched: no view shows it (it refetches when one does)");
        case ViewsDisabled: return text + QStringLiteral("; not refetched: its views are disabled");
        case OnlyMarked: return text + QStringLiteral("; not refetched: the invalidation only marks it stale");
        case OnlyInactive: return text + QStringLiteral("; not refetched: the invalidation refetches only what no view shows");
        default: return text;
        }
    }
    case CacheEventKind::FetchStarted: {
        if (e.reason == FetchReason::Invalidated && d && d->kind != CacheEventDetail::Kind::Origin)
            return QStringLiteral("fetch: invalidated by ") + cause();
        QString text = QStringLiteral("fetch: ") + reasonName(e.reason);
        return text + from;
    }
    case CacheEventKind::Paused:
        return QStringLiteral("paused: waiting for the network");
    case CacheEventKind::Resumed:
        return QStringLiteral("resumed: the network is back");
    case CacheEventKind::Retry:
        return QStringLiteral("retry %1 in %2: %3").arg(e.attempt).arg(durationText(Millis{e.value}), cause());
    case CacheEventKind::Fetched:
        return e.value ? QStringLiteral("fetched: new data") : QStringLiteral("fetched: the same data");
    case CacheEventKind::NotModified:
        return QStringLiteral("304 Not Modified: the cached data is current");
    case CacheEventKind::Failed:
        return QStringLiteral("failed: ") + cause();
    case CacheEventKind::DataSet:
        return (e.value ? QStringLiteral("data set") : QStringLiteral("data set (the same)")) + from;
    case CacheEventKind::Restored:
        return QStringLiteral("restored from the saved cache (stale until refetched)");
    case CacheEventKind::Evicted:
        return QStringLiteral("evicted by gc");
    case CacheEventKind::WindowFocus:
        return QStringLiteral("window focus: %1 refetched").arg(e.value);
    case CacheEventKind::Online:
        return QStringLiteral("back online: %1 refetched").arg(e.value);
    case CacheEventKind::Offline:
        return QStringLiteral("offline: fetches wait for the network");
    case CacheEventKind::StillFresh:
        return QStringLiteral("not refetched on %1: still fresh for %2")
            .arg(e.reason == FetchReason::Reconnect ? QStringLiteral("reconnect") : QStringLiteral("window focus"),
                 durationText(Millis{e.value}));
    case CacheEventKind::FocusThrottled:
        return QStringLiteral("window focus: nothing refetched, the last refetch on focus was moments ago "
                              "(the next may come in %1)").arg(durationText(Millis{e.value}));
    case CacheEventKind::Created:
    case CacheEventKind::Cancelled:
    case CacheEventKind::Reset:
    case CacheEventKind::Removed:
        return kindName(e.kind) + from;
    }
    return kindName(e.kind);
}

} // namespace refetch
