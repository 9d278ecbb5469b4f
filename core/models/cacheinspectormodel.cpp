#include "cacheinspectormodel.h"

#include "core/inspect/cacheeventlog.h"
#include "core/cache/query.h"
#include "core/cache/querycache.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"

#include <QDateTime>
#include <QLocale>
#include <algorithm>

namespace refetch {

namespace {

// The roles a state change can alter: what dataChanged names.
const QList<int> &changedRoles()
{
    static const QList<int> roles{Qt::DisplayRole, Qt::ToolTipRole, CacheInspectorModel::SortRole};
    return roles;
}

QString statusText(QueryStatus s)
{
    switch (s) {
    case QueryStatus::Pending: return QStringLiteral("pending");
    case QueryStatus::Success: return QStringLiteral("success");
    case QueryStatus::Error: return QStringLiteral("error");
    }
    return QString();
}

QString fetchStatusText(FetchStatus s)
{
    switch (s) {
    case FetchStatus::Idle: return QStringLiteral("idle");
    case FetchStatus::Fetching: return QStringLiteral("fetching");
    case FetchStatus::Paused: return QStringLiteral("paused");
    }
    return QString();
}

QString tagsText(const TagList &tags)
{
    QStringList parts;
    parts.reserve(tags.size());
    for (const Tag &t : tags)
        parts.append(t.toString());
    return parts.join(QStringLiteral(", "));
}

int freshnessRank(const QueryCache *cache, const Query &q)
{
    if (cache->flags(q.slot()) & QueryCache::Invalidated)
        return 2;
    return cache->isStale(q) ? 1 : 0;
}

} // namespace

CacheInspectorModel::CacheInspectorModel(CacheEventLog *log, QObject *parent)
    : QAbstractTableModel(parent), m_log(log), m_cache(log->client()->cache())
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &CacheInspectorModel::apply);
    connect(m_cache, &QueryCache::queryAdded, this, &CacheInspectorModel::onAdded);
    connect(m_cache, &QueryCache::queryRemoved, this, &CacheInspectorModel::onRemoved);
    connect(m_cache, &QObject::destroyed, this, &CacheInspectorModel::onCacheGone);
    connect(m_log, &CacheEventLog::eventsAdded, this, &CacheInspectorModel::onEvents);
    connect(m_log, &QObject::destroyed, this, &CacheInspectorModel::onCacheGone);
    m_seen = m_log->endSeq();
    m_cache->forEachSlot({}, [this](quint32 slot) {
        ensureSlot(slot);
        m_rowOfSlot[slot] = int(m_rows.size());
        m_rows.push_back(slot);
    });
}

CacheInspectorModel::~CacheInspectorModel() = default;

void CacheInspectorModel::ensureSlot(quint32 slot)
{
    if (slot >= m_rowOfSlot.size())
        m_rowOfSlot.resize(size_t(slot) + 1, NoRow);
}

const Query *CacheInspectorModel::queryAt(int row) const
{
    if (!m_cache || row < 0 || size_t(row) >= m_rows.size() || m_rows[size_t(row)] == DeadRow)
        return nullptr;
    return m_cache->at(m_rows[size_t(row)]);
}

QueryKey CacheInspectorModel::keyAt(int row) const
{
    const Query *q = queryAt(row);
    return q ? q->key() : QueryKey();
}

int CacheInspectorModel::rowOf(const QueryKey &key) const
{
    const Query *q = m_cache ? m_cache->find(key) : nullptr;
    if (!q || q->slot() >= m_rowOfSlot.size())
        return -1;
    return std::max(m_rowOfSlot[q->slot()], -1);
}

void CacheInspectorModel::setUpdateInterval(Millis interval)
{
    m_interval = std::max(interval, Millis{0});
}

// ---------------------------------------------------------------- following the cache

void CacheInspectorModel::onAdded(Query *q)
{
    ensureSlot(q->slot());
    m_rowOfSlot[q->slot()] = PendingRow;
    m_added.push_back(q->slot());
}

void CacheInspectorModel::onRemoved(Query *q)
{
    const quint32 slot = q->slot();
    if (slot >= m_rowOfSlot.size())
        return;
    const int row = m_rowOfSlot[slot];
    // A row stays until the batch removes it, showing nothing; an entry made and gone in one turn never shows.
    if (row >= 0) {
        m_rows[size_t(row)] = DeadRow;
        m_deadRows.push_back(row);
    }
    m_rowOfSlot[slot] = NoRow;
}

void CacheInspectorModel::onEvents()
{
    // Every change of an entry is an event (made, gone, state): the log's once-a-turn signal is the batch.
    if (m_interval.count() == 0)
        apply();
    else if (!m_timer.isActive())
        m_timer.start(toTimerInterval(m_interval));
}

void CacheInspectorModel::flush()
{
    if (m_log)
        m_log->flush();
    m_timer.stop();
    apply();
}

void CacheInspectorModel::onCacheGone()
{
    beginResetModel();
    m_rows.clear();
    m_rowOfSlot.clear();
    m_added.clear();
    m_deadRows.clear();
    m_cache = nullptr;
    if (m_log)
        disconnect(m_log, nullptr, this, nullptr);
    m_log = nullptr;
    endResetModel();
}

void CacheInspectorModel::renumber(int fromRow)
{
    for (size_t row = size_t(std::max(fromRow, 0)); row < m_rows.size(); ++row)
        m_rowOfSlot[m_rows[row]] = int(row);
}

void CacheInspectorModel::resetRows()
{
    // Too many scattered removals to signal one by one: the same rows, rebuilt.
    beginResetModel();
    std::erase(m_rows, DeadRow);
    for (quint32 slot : m_added) {
        if (m_rowOfSlot[slot] == PendingRow && m_cache->at(slot)) {
            m_rowOfSlot[slot] = NoRow;
            m_rows.push_back(slot);
        }
    }
    m_added.clear();
    m_deadRows.clear();
    renumber(0);
    endResetModel();
}

void CacheInspectorModel::apply()
{
    if (!m_log || !m_cache)
        return;
    ++m_batches;

    // Gone entries: runs of rows, the last first, so that earlier rows keep their numbers while we go.
    if (!m_deadRows.empty()) {
        std::sort(m_deadRows.begin(), m_deadRows.end());
        std::vector<std::pair<int, int>> runs;
        for (int row : m_deadRows) {
            if (!runs.empty() && runs.back().second + 1 == row)
                runs.back().second = row;
            else
                runs.emplace_back(row, row);
        }
        if (int(runs.size()) > m_maxRemovalRuns) {
            resetRows();
            m_seen = m_log->endSeq();
            Q_EMIT batchApplied();
            return;
        }
        for (auto run = runs.crbegin(); run != runs.crend(); ++run) {
            beginRemoveRows({}, run->first, run->second);
            m_rows.erase(m_rows.begin() + run->first, m_rows.begin() + run->second + 1);
            endRemoveRows();
        }
        renumber(runs.front().first);
        m_deadRows.clear();
    }

    // New entries: one block at the end, in the order they were made.
    const int firstNew = int(m_rows.size());
    std::vector<quint32> fresh;
    for (quint32 slot : m_added) {
        if (m_rowOfSlot[slot] == PendingRow && m_cache->at(slot)) {
            m_rowOfSlot[slot] = NoRow;   // once, however often the slot was listed
            fresh.push_back(slot);
        }
    }
    m_added.clear();
    if (!fresh.empty()) {
        beginInsertRows({}, firstNew, firstNew + int(fresh.size()) - 1);
        for (quint32 slot : fresh) {
            m_rowOfSlot[slot] = int(m_rows.size());
            m_rows.push_back(slot);
        }
        endInsertRows();
    }

    // Changed entries: the rows the new events are about (rows inserted now are already current).
    const quint64 end = m_log->endSeq();
    const bool overflow = m_seen < m_log->firstSeq();
    std::vector<int> dirty;
    if (!overflow) {
        for (quint64 seq = m_seen; seq < end; ++seq) {
            const CacheEvent &e = m_log->at(seq);
            if (e.slot >= m_rowOfSlot.size() || m_log->serialOf(e.slot) != e.serial)
                continue;
            const int row = m_rowOfSlot[e.slot];
            if (row >= 0 && row < firstNew)
                dirty.push_back(row);
        }
    }
    m_seen = end;
    const int last = ColumnCount - 1;
    if (overflow && firstNew > 0) {
        // More events than the log holds came at once: every row may have changed.
        Q_EMIT dataChanged(index(0, 0), index(firstNew - 1, last), changedRoles());
    } else if (!dirty.empty()) {
        std::sort(dirty.begin(), dirty.end());
        dirty.erase(std::unique(dirty.begin(), dirty.end()), dirty.end());
        size_t i = 0;
        while (i < dirty.size()) {
            size_t j = i;
            while (j + 1 < dirty.size() && dirty[j + 1] == dirty[j] + 1)
                ++j;
            Q_EMIT dataChanged(index(dirty[i], 0), index(dirty[j], last), changedRoles());
            i = j + 1;
        }
    }
    Q_EMIT batchApplied();
}

// ---------------------------------------------------------------- data

int CacheInspectorModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CacheInspectorModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString CacheInspectorModel::freshnessText(const QueryCache *cache, const Query &q)
{
    switch (freshnessRank(cache, q)) {
    case 2: return QStringLiteral("invalidated");
    case 1: return QStringLiteral("stale");
    default: return QStringLiteral("fresh");
    }
}

QVariant CacheInspectorModel::display(const Query &q, int column) const
{
    switch (column) {
    case Key: return QString::fromUtf8(q.keyText().data(), q.keyText().size());
    case Status: return statusText(q.status());
    case FetchStatus: return fetchStatusText(q.fetchStatus());
    case Freshness: return freshnessText(m_cache, q);
    case Observers: return int(q.observers().size());
    case Tags: return tagsText(q.tags());
    case UpdatedAt:
        return q.dataUpdatedAt().count() ? QDateTime::fromMSecsSinceEpoch(q.dataUpdatedAt().count()).toString(QStringLiteral("HH:mm:ss"))
                                         : QString();
    case Size: return q.hasData() ? QLocale().formattedDataSize(q.data().encodedSize()) : QString();
    case Failures: return int(q.failureCount());
    }
    return {};
}

QVariant CacheInspectorModel::sortValue(const Query &q, int column) const
{
    switch (column) {
    case Key: return QString::fromUtf8(q.keyText().data(), q.keyText().size());
    case Status: return int(q.status());
    case FetchStatus: return int(q.fetchStatus());
    case Freshness: return freshnessRank(m_cache, q);
    case Observers: return int(q.observers().size());
    case Tags: return tagsText(q.tags());
    case UpdatedAt: return qint64(q.dataUpdatedAt().count());
    case Size: return qint64(q.hasData() ? q.data().encodedSize() : 0);
    case Failures: return int(q.failureCount());
    }
    return {};
}

QVariant CacheInspectorModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Query *q = queryAt(index.row());
    if (!q)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return display(*q, index.column());
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Status:
            return q->error() ? q->error()->toString() : display(*q, Status);
        case Observers: {
            int enabled = 0;
            for (const QueryObserver *o : q->observers())
                enabled += o->isEnabled();
            return tr("%1 observing, %2 of them enabled").arg(q->observers().size()).arg(enabled);
        }
        case UpdatedAt:
            return q->dataUpdatedAt().count() ? QDateTime::fromMSecsSinceEpoch(q->dataUpdatedAt().count()).toString(Qt::ISODateWithMs)
                                              : QVariant();
        case Size:
            return q->hasData() ? tr("%1 bytes").arg(q->data().encodedSize()) : QVariant();
        default:
            return display(*q, index.column());
        }
    case Qt::TextAlignmentRole:
        if (index.column() == Observers || index.column() == Size || index.column() == Failures)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SlotRole:
        return q->slot();
    case KeyRole:
        return QVariant::fromValue(q->key());
    case SortRole:
        return sortValue(*q, index.column());
    default:
        return {};
    }
}

QVariant CacheInspectorModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Key: return tr("Key");
    case Status: return tr("Status");
    case FetchStatus: return tr("Fetch");
    case Freshness: return tr("Freshness");
    case Observers: return tr("Observers");
    case Tags: return tr("Tags");
    case UpdatedAt: return tr("Updated");
    case Size: return tr("Size");
    case Failures: return tr("Failures");
    }
    return {};
}

} // namespace refetch
