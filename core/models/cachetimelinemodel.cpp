#include "cachetimelinemodel.h"

#include "core/inspect/cacheeventlog.h"
#include "core/cache/query.h"
#include "core/cache/querycache.h"
#include "core/client/queryclient.h"

#include <QDateTime>

namespace refetch {

CacheTimelineModel::CacheTimelineModel(CacheEventLog *log, QObject *parent)
    : QAbstractTableModel(parent), m_log(log)
{
    connect(m_log, &CacheEventLog::eventsAdded, this, &CacheTimelineModel::onEvents);
    connect(m_log, &QObject::destroyed, this, &CacheTimelineModel::onLogGone);
    m_from = m_log->firstSeq();
    m_to = m_log->endSeq();
}

void CacheTimelineModel::showAll()
{
    if (!m_log)
        return;
    beginResetModel();
    m_all = true;
    m_serial = 0;
    m_seqs.clear();
    m_from = m_log->firstSeq();
    m_to = m_log->endSeq();
    endResetModel();
}

void CacheTimelineModel::showEntry(const QueryKey &key)
{
    if (!m_log)
        return;
    const Query *q = m_log->client() ? m_log->client()->query(key) : nullptr;
    const quint32 serial = q ? m_log->serialOf(q) : 0;
    if (!m_all && serial == m_serial && serial != 0)
        return;
    beginResetModel();
    m_all = false;
    m_serial = serial;
    m_slot = q ? q->slot() : 0;
    m_seqs.clear();
    m_scanned = m_log->endSeq();
    if (serial) {
        for (quint64 seq = m_log->firstSeq(); seq < m_scanned; ++seq) {
            if (m_log->at(seq).serial == serial)
                m_seqs.push_back(seq);
        }
    }
    endResetModel();
}

void CacheTimelineModel::flush()
{
    if (m_log)
        m_log->flush();
    onEvents();
}

void CacheTimelineModel::onLogGone()
{
    beginResetModel();
    m_log = nullptr;
    m_seqs.clear();
    m_from = m_to = 0;
    endResetModel();
}

void CacheTimelineModel::onEvents()
{
    if (!m_log)
        return;
    const quint64 first = m_log->firstSeq();
    const quint64 end = m_log->endSeq();
    if (m_all) {
        // The ring dropped the oldest: they leave from the top.
        if (first > m_from) {
            const quint64 gone = std::min(first, m_to) - m_from;
            if (gone > 0) {
                beginRemoveRows({}, 0, int(gone) - 1);
                m_from += gone;
                endRemoveRows();
            }
            m_from = std::max(m_from, first);
            m_to = std::max(m_to, m_from);
        }
        if (end > m_to) {
            const int count = int(m_to - m_from);
            beginInsertRows({}, count, count + int(end - m_to) - 1);
            m_to = end;
            endInsertRows();
        }
        return;
    }
    if (!m_serial)
        return;
    size_t gone = 0;
    while (gone < m_seqs.size() && m_seqs[gone] < first)
        ++gone;
    if (gone > 0) {
        beginRemoveRows({}, 0, int(gone) - 1);
        m_seqs.erase(m_seqs.begin(), m_seqs.begin() + qsizetype(gone));
        endRemoveRows();
    }
    std::vector<quint64> fresh;
    for (quint64 seq = std::max(m_scanned, first); seq < end; ++seq) {
        if (m_log->at(seq).serial == m_serial)
            fresh.push_back(seq);
    }
    m_scanned = end;
    if (!fresh.empty()) {
        const int count = int(m_seqs.size());
        beginInsertRows({}, count, count + int(fresh.size()) - 1);
        m_seqs.insert(m_seqs.end(), fresh.cbegin(), fresh.cend());
        endInsertRows();
    }
}

const CacheEvent *CacheTimelineModel::eventAt(int row) const
{
    if (!m_log || row < 0 || row >= rowCount())
        return nullptr;
    const quint64 seq = seqAt(row);
    if (seq < m_log->firstSeq() || seq >= m_log->endSeq())
        return nullptr;
    return &m_log->at(seq);
}

QString CacheTimelineModel::textAt(int row) const
{
    const CacheEvent *e = eventAt(row);
    return e ? m_log->describe(*e) : QString();
}

int CacheTimelineModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return m_all ? int(m_to - m_from) : int(m_seqs.size());
}

int CacheTimelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CacheTimelineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CacheEvent *e = eventAt(index.row());
    if (!e)
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Time: {
            const QDateTime at = QDateTime::fromMSecsSinceEpoch(e->time.count());
            return role == Qt::DisplayRole ? at.toString(QStringLiteral("HH:mm:ss.zzz")) : at.toString(Qt::ISODateWithMs);
        }
        case Entry:
            return e->slot == CacheEvent::NoSlot ? tr("(the cache)") : m_log->keyOf(e->serial, e->slot).toString();
        case Event: {
            QString text = m_log->describe(*e);
            if (role == Qt::ToolTipRole) {
                if (const CacheEventDetail *d = m_log->detail(e->detail); d && !d->mutationId.isEmpty())
                    text += u'\n' + tr("Mutation %1").arg(d->mutationId);
            }
            return text;
        }
        }
        return {};
    case SeqRole:
        return seqAt(index.row());
    case KindRole:
        return int(e->kind);
    case KeyRole:
        return e->slot == CacheEvent::NoSlot ? QVariant() : QVariant::fromValue(m_log->keyOf(e->serial, e->slot));
    case MutationIdRole:
        if (const CacheEventDetail *d = m_log->detail(e->detail))
            return d->mutationId.isEmpty() ? QVariant() : QVariant(d->mutationId);
        return {};
    default:
        return {};
    }
}

QVariant CacheTimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time: return tr("Time");
    case Entry: return tr("Entry");
    case Event: return tr("What happened");
    }
    return {};
}

} // namespace refetch
