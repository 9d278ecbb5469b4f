#include "mutationlistmodel.h"

#include "core/inspect/cacheeventlog.h"
#include "core/mutation/mutationqueue.h"

#include <QDateTime>

namespace refetch {

namespace {

QStringList tagTexts(const TagList &tags)
{
    QStringList out;
    for (const Tag &t : tags)
        out.append(t.toString());
    return out;
}

QString elided(const QString &text, qsizetype max)
{
    return text.size() <= max ? text : text.left(max - 1) + u'…';
}

} // namespace

MutationListModel::MutationListModel(MutationQueue *queue, CacheEventLog *log, QObject *parent)
    : QAbstractTableModel(parent), m_queue(queue), m_log(log)
{
    connect(queue, &MutationQueue::mutationAdded, this, &MutationListModel::add);
    const QList<Mutation *> unsettled = queue->mutations();
    for (Mutation *m : unsettled)
        add(m);
    if (m_log) {
        m_seen = m_log->endSeq();
        m_seenDetail = m_log->endDetail();
        connect(m_log, &CacheEventLog::eventsAdded, this, &MutationListModel::onEvents);
    }
}

QString MutationListModel::statusText(Mutation::Status status)
{
    switch (status) {
    case Mutation::Status::Idle: return tr("idle");
    case Mutation::Status::Waiting: return tr("waiting");
    case Mutation::Status::Paused: return tr("paused");
    case Mutation::Status::Unconfirmed: return tr("may already be created");
    case Mutation::Status::Sending: return tr("sending");
    case Mutation::Status::Succeeded: return tr("succeeded");
    case Mutation::Status::Failed: return tr("failed");
    case Mutation::Status::Undone: return tr("undone");
    }
    return QString();
}

void MutationListModel::add(Mutation *m)
{
    if (m_idRow.contains(m->idempotencyKey()))
        return;
    if (int(m_rows.size()) >= m_maxRows) {
        beginRemoveRows({}, 0, 0);
        m_idRow.remove(m_rows.front().id);
        m_rows.erase(m_rows.begin());
        ++m_dropped;
        endRemoveRows();
    }
    const PersistedMutation &d = m->data();
    Row row;
    row.mutation = m;
    row.id = m->idempotencyKey();
    row.request = QString::fromLatin1(d.method) + u' ' + d.path;
    row.mode = d.mode;
    row.status = m->status();
    row.created = d.createdAt;
    row.variables = d.variables;
    row.declaredTags = tagTexts(d.invalidates);
    const int at = int(m_rows.size());
    beginInsertRows({}, at, at);
    m_idRow.insert(row.id, at + m_dropped);
    m_rows.push_back(std::move(row));
    endInsertRows();
    connect(m, &Mutation::statusChanged, this, [this, m] { update(m); });
}

void MutationListModel::update(Mutation *m)
{
    const int row = rowOfId(m->idempotencyKey());
    if (row < 0)
        return;
    Row &r = m_rows[size_t(row)];
    r.status = m->status();
    r.error = m->error() ? m->error()->toString() : QString();
    changed(row, Status, Status);
}

void MutationListModel::changed(int row, int firstColumn, int lastColumn)
{
    Q_EMIT dataChanged(index(row, firstColumn), index(row, lastColumn));
}

void MutationListModel::onEvents()
{
    if (!m_log)
        return;
    QSet<int> touched;
    for (quint32 id = std::max(m_seenDetail, m_log->firstDetail()); id < m_log->endDetail(); ++id) {
        const CacheEventDetail *d = m_log->detail(id);
        if (!d || d->mutationId.isEmpty() || (d->kind != CacheEventDetail::Kind::Tag && d->kind != CacheEventDetail::Kind::Key))
            continue;
        const int row = rowOfId(d->mutationId);
        if (row < 0)
            continue;
        const QString text = d->kind == CacheEventDetail::Kind::Tag ? d->tag.toString() : d->text;
        QStringList &tags = m_rows[size_t(row)].tags;
        if (!tags.contains(text)) {
            tags.append(text);
            touched.insert(row);
        }
    }
    m_seenDetail = m_log->endDetail();

    for (quint64 seq = std::max(m_seen, m_log->firstSeq()); seq < m_log->endSeq(); ++seq) {
        const CacheEvent &e = m_log->at(seq);
        if (e.kind != CacheEventKind::Invalidated
            && !(e.kind == CacheEventKind::FetchStarted && e.reason == FetchReason::Invalidated))
            continue;
        const CacheEventDetail *d = m_log->detail(e.detail);
        if (!d || d->mutationId.isEmpty())
            continue;
        const int row = rowOfId(d->mutationId);
        if (row < 0)
            continue;
        Row &r = m_rows[size_t(row)];
        if (e.kind == CacheEventKind::Invalidated) {
            ++r.invalidatedEntries;
        } else if (!r.refetchedSerials.contains(e.serial)) {
            r.refetchedSerials.insert(e.serial);
            r.refetched.append(m_log->keyOf(e.serial, e.slot));
        }
        touched.insert(row);
    }
    m_seen = m_log->endSeq();
    for (int row : std::as_const(touched))
        changed(row, Invalidated, Refetched);
}

int MutationListModel::rowOfId(const QString &id) const
{
    const auto it = m_idRow.constFind(id);
    if (it == m_idRow.cend())
        return -1;
    const int row = *it - m_dropped;
    return row >= 0 && row < int(m_rows.size()) ? row : -1;
}

Mutation *MutationListModel::mutationAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)].mutation.data() : nullptr;
}

QString MutationListModel::idAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)].id : QString();
}

Json MutationListModel::variablesAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)].variables : Json();
}

QString MutationListModel::errorAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)].error : QString();
}

QStringList MutationListModel::tagsAt(int row) const
{
    if (row < 0 || row >= int(m_rows.size()))
        return {};
    const Row &r = m_rows[size_t(row)];
    return r.tags.isEmpty() && r.status != Mutation::Status::Succeeded ? r.declaredTags : r.tags;
}

QList<QueryKey> MutationListModel::refetchedAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)].refetched : QList<QueryKey>();
}

int MutationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int MutationListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MutationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Created: return QDateTime::fromMSecsSinceEpoch(r.created.count()).toString(QStringLiteral("HH:mm:ss"));
        case Request: return r.request;
        case Mode: return mutationModeName(r.mode);
        case Status: return statusText(r.status);
        case Variables: return r.variables.isUndefined() ? QString() : elided(QString::fromUtf8(r.variables.toJson()), 200);
        case Invalidated: {
            const QStringList tags = tagsAt(index.row());
            QString text = tags.join(QStringLiteral(", "));
            if (r.invalidatedEntries > 0)
                text += r.invalidatedEntries == 1 ? tr(" (1 entry)") : tr(" (%1 entries)").arg(r.invalidatedEntries);
            return text;
        }
        case Refetched: return int(r.refetched.size());
        }
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Status: return r.error.isEmpty() ? statusText(r.status) : r.error;
        case Variables: return r.variables.isUndefined() ? QVariant() : QString::fromUtf8(r.variables.toJson(Json::Format::Indented));
        case Invalidated:
            return r.tags.isEmpty() && r.status != Mutation::Status::Succeeded
                ? tr("Invalidates on success: %1").arg(r.declaredTags.join(QStringLiteral(", ")))
                : tr("Invalidated %1, matching %2 entries").arg(r.tags.join(QStringLiteral(", "))).arg(r.invalidatedEntries);
        case Refetched: {
            QStringList keys;
            for (const QueryKey &k : r.refetched)
                keys.append(k.toString());
            return keys.isEmpty() ? tr("Nothing refetched because of it") : keys.join(u'\n');
        }
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::TextAlignmentRole:
        return index.column() == Refetched ? QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case IdRole:
        return r.id;
    case PausedRole:
        return r.status == Mutation::Status::Paused;
    case StatusRole:
        return int(r.status);
    default:
        return {};
    }
}

QVariant MutationListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Created: return tr("Made");
    case Request: return tr("Request");
    case Mode: return tr("Mode");
    case Status: return tr("Status");
    case Variables: return tr("Variables");
    case Invalidated: return tr("Invalidated");
    case Refetched: return tr("Refetched");
    }
    return {};
}

} // namespace refetch
