#include "jsontablemodel.h"

#include "core/mutation/pendingwrites.h"

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QLoggingCategory>
#include <QScopeGuard>

#include <algorithm>

Q_LOGGING_CATEGORY(lcModels, "refetch.core.models", QtInfoMsg)

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

// What came where rows were expected, for an error: "an object with members error, status", "a string"...
QString describe(const Json &v)
{
    switch (v.type()) {
    case Json::Type::Undefined:
        return QStringLiteral("nothing there");
    case Json::Type::Null:
        return QStringLiteral("null");
    case Json::Type::Bool:
        return QStringLiteral("a boolean");
    case Json::Type::Integer:
    case Json::Type::Double:
        return QStringLiteral("a number");
    case Json::Type::String:
        return QStringLiteral("a string");
    case Json::Type::Array:
        return QStringLiteral("an array");
    case Json::Type::Object:
        break;
    }
    if (v.isEmpty())
        return QStringLiteral("an empty object");
    QStringList keys;
    for (qsizetype i = 0; i < std::min<qsizetype>(v.size(), 5); ++i)
        keys.append(v.keyAt(i));
    return QStringLiteral("an object with members %1%2").arg(keys.join(QStringLiteral(", ")),
                                                            v.size() > 5 ? QStringLiteral("...") : QString());
}

bool isUsableId(const Json &id)
{
    const Json::Type t = id.type();
    return t == Json::Type::String || t == Json::Type::Integer || t == Json::Type::Double;
}

QVariant idVariant(const Json &id)
{
    switch (id.type()) {
    case Json::Type::Integer:
        return QVariant(id.toInteger());
    case Json::Type::Double:
        return QVariant(id.toDouble());
    case Json::Type::String:
        return QVariant(id.toString());
    default:
        return QVariant();
    }
}

const QList<int> CellRoles = {Qt::DisplayRole, Qt::EditRole, JsonTableModel::CellJsonRole,
                              JsonTableModel::RowJsonRole, JsonTableModel::RowObjectRole};
const QList<int> RowRoles = {JsonTableModel::RowJsonRole, JsonTableModel::RowObjectRole};

} // namespace

JsonTableModel::JsonTableModel(TableModelOptions options, QObject *parent)
    : QAbstractTableModel(parent), m_options(std::move(options)), m_idField(m_options.idField.toUtf8()),
      m_columns(m_options.nested)
{
    if (!m_options.columns.isEmpty())
        m_columns.setGiven(m_options.columns);
}

JsonTableModel::~JsonTableModel() = default;

int JsonTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rowCount;
}

int JsonTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_columns.size();
}

QVariant JsonTableModel::displayValue(const Json &value)
{
    switch (value.type()) {
    case Json::Type::Undefined:
    case Json::Type::Null:
        return QVariant();
    case Json::Type::Bool:
        return QVariant(value.toBool());
    case Json::Type::Integer:
        return QVariant(value.toInteger());
    case Json::Type::Double:
        // A number no double holds exactly shows (and edits) as its text, every digit.
        return value.isTextNumber() ? QVariant(value.numberText()) : QVariant(value.toDouble());
    case Json::Type::String:
        return QVariant(value.toString());
    case Json::Type::Array:
    case Json::Type::Object:
        return QVariant(QString::fromUtf8(value.toJson()));
    }
    return QVariant();
}

Qt::ItemFlags JsonTableModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (!m_cellWriter || !index.isValid())
        return f;
    const QString field = columnName(index.column());
    if (field.isEmpty() || field == m_options.idField)
        return f;
    const Json record = rowJson(index.row());
    const Json value = record.value(QStringView(field));
    if (value.isObject() || value.isArray() || !record.isObject())
        return f;
    return f | Qt::ItemIsEditable;
}

bool JsonTableModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!(flags(index) & Qt::ItemIsEditable) || (role != Qt::EditRole && role != CellJsonRole))
        return false;
    Json json = value.value<Json>();
    if (json.isUndefined() && !value.canConvert<Json>())
        json = Json(value.toJsonValue());
    if (json.isUndefined())
        return false;
    return m_cellWriter(index.row(), columnName(index.column()), json);
}

QVariant JsonTableModel::data(const QModelIndex &index, int role) const
{
    // An invalid index is a normal question (views and QAbstractItemModelTester ask); checkIndex() would warn.
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const Row *row = rowAt(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return displayValue(m_columns.cell(row->record, index.column()));
    case Qt::ToolTipRole:
        if (row->state == RowState::Ok) {
            const QString waiting = waitingText(index.row());
            return waiting.isEmpty() ? QVariant() : QVariant(waiting);
        }
        return QVariant(rowError(index.row()));
    case WaitingRole:
        return waitingText(index.row());
    case CellJsonRole:
        return QVariant::fromValue(m_columns.cell(row->record, index.column()));
    case RowJsonRole:
        return QVariant::fromValue(row->record);
    case RowObjectRole:
        return QVariant(row->record.toQJsonValue().toObject());
    case RowIdRole:
        return row->state == RowState::MissingId ? QVariant() : idVariant(row->record.value(QByteArrayView(m_idField)));
    case RowStateRole:
        return QVariant(int(row->state));
    case RowErrorRole:
        return QVariant(rowError(index.row()));
    default:
        return QVariant();
    }
}

QVariant JsonTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal) {
        if (section < 0 || section >= m_columns.size())
            return QVariant();
        const QString &name = m_columns.at(section).name;
        const QString title = m_titles.value(name);
        if (role == Qt::DisplayRole)
            return title.isEmpty() ? name : title;
        if (role == Qt::ToolTipRole)
            return title.isEmpty() ? name : u"%1 (%2)"_s.arg(title, name);
        return QVariant();
    }
    if (section < 0 || section >= m_rowCount)
        return QVariant();
    return QAbstractTableModel::headerData(section, orientation, role);
}

void JsonTableModel::setColumnTitles(const QHash<QString, QString> &titles)
{
    if (titles == m_titles)
        return;
    m_titles = titles;
    if (m_columns.size() > 0)
        Q_EMIT headerDataChanged(Qt::Horizontal, 0, int(m_columns.size()) - 1);
}

QHash<int, QByteArray> JsonTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(CellJsonRole, "cellJson");
    names.insert(RowJsonRole, "rowJson");
    names.insert(RowObjectRole, "rowObject");
    names.insert(RowIdRole, "rowId");
    names.insert(RowStateRole, "rowState");
    names.insert(RowErrorRole, "rowError");
    names.insert(WaitingRole, "waiting");
    return names;
}

QString JsonTableModel::columnName(int column) const
{
    return column >= 0 && column < m_columns.size() ? m_columns.at(column).name : QString();
}

Json JsonTableModel::rowJson(int row) const
{
    return row >= 0 && row < m_rowCount ? rowAt(row)->record : Json();
}

Json JsonTableModel::rowId(int row) const
{
    if (row < 0 || row >= m_rowCount)
        return Json();
    const Row *r = rowAt(row);
    return r->state == RowState::MissingId ? Json() : r->record.value(QByteArrayView(m_idField));
}

JsonTableModel::RowState JsonTableModel::rowState(int row) const
{
    return row >= 0 && row < m_rowCount ? rowAt(row)->state : RowState::Ok;
}

QString JsonTableModel::rowError(int row) const
{
    if (row < 0 || row >= m_rowCount)
        return QString();
    const Row *r = rowAt(row);
    switch (r->state) {
    case RowState::Ok:
        return QString();
    case RowState::MissingId: {
        // No row number in the text: it stays true when rows above come and go.
        if (!r->record.isObject())
            return QStringLiteral("the row is not a JSON object, so it has no \"%1\"").arg(m_options.idField);
        const Json id = r->record.value(QByteArrayView(m_idField));
        if (id.isUndefined())
            return QStringLiteral("the row has no \"%1\": it is shown, but it cannot be followed across refetches")
                .arg(m_options.idField);
        return QStringLiteral("the row's \"%1\" is not a string or a number: %2")
            .arg(m_options.idField, QString::fromUtf8(id.toJson()));
    }
    case RowState::DuplicateId:
        return QStringLiteral("the row repeats the \"%1\" %2 of an earlier row")
            .arg(m_options.idField, QString::fromUtf8(r->record.value(QByteArrayView(m_idField)).toJson()));
    }
    return QString();
}

int JsonTableModel::rowOf(const Json &id) const
{
    for (const Segment &s : m_segments) {
        for (int i = 0; i < s.rows.size(); ++i) {
            const Row &r = s.rows[i];
            if (r.state != RowState::MissingId && r.record.value(QByteArrayView(m_idField)) == id)
                return s.offset + i;
        }
    }
    return -1;
}

void JsonTableModel::setViewState(const ViewState &state)
{
    const ViewState old = std::exchange(m_state, state);
    if (old.loading != state.loading)
        Q_EMIT loadingChanged(state.loading);
    if (old.fetching != state.fetching)
        Q_EMIT fetchingChanged(state.fetching);
    if (old.stale != state.stale)
        Q_EMIT staleChanged(state.stale);
    if (old.error != state.error)
        Q_EMIT errorChanged();
    if (old.lastUpdated != state.lastUpdated)
        Q_EMIT lastUpdatedChanged(state.lastUpdated);
}

Json JsonTableModel::recordsOf(const Json &data, QString *error) const
{
    if (data.isUndefined())
        return Json();
    if (m_options.rowsPath.isEmpty()) {
        if (data.isArray())
            return data;
        const Json inner = data.value(QByteArrayView("data"));
        if (inner.isArray())
            return inner;
        if (error)
            *error = QStringLiteral("expected an array of records (or an object with a \"data\" array), got %1").arg(describe(data));
        return Json();
    }
    Json v = data;
    for (const QString &part : m_options.rowsPath.split(u'.'))
        v = v.value(QStringView(part));
    if (v.isArray())
        return v;
    if (error)
        *error = QStringLiteral("expected an array of records at \"%1\", got %2").arg(m_options.rowsPath, describe(v));
    return Json();
}

const JsonTableModel::Row *JsonTableModel::rowAt(int row) const
{
    if (m_segments.size() == 1)
        return &m_segments.front().rows[row];
    // The last segment that starts at or before `row` holds it (an empty one starts where the next does).
    const auto it = std::upper_bound(m_segments.begin(), m_segments.end(), row,
                                     [](int r, const Segment &s) { return r < s.offset; });
    const Segment &s = *(it - 1);
    return &s.rows[row - s.offset];
}

RowKey JsonTableModel::keyOf(const Row &row) const
{
    if (row.state == RowState::MissingId)
        return RowKey{row.record, row.occurrence, true};
    return RowKey{row.record.value(QByteArrayView(m_idField)), row.occurrence, false};
}

std::vector<JsonTableModel::Row> JsonTableModel::makeRows(const Json &records, std::vector<RowKey> *keysOut) const
{
    const qsizetype n = records.isArray() ? records.size() : 0;
    std::vector<RowKey> keys(static_cast<size_t>(n));
    std::vector<Row> rows(static_cast<size_t>(n));
    for (qsizetype i = 0; i < n; ++i) {
        Row &r = rows[size_t(i)];
        r.record = records.at(i);
        Json id = r.record.isObject() ? r.record.value(QByteArrayView(m_idField)) : Json();
        if (isUsableId(id)) {
            keys[size_t(i)].id = std::move(id);
        } else {
            // Rows without an id are keyed by their content: identical ones count as repeats.
            keys[size_t(i)].id = r.record;
            keys[size_t(i)].keyedByContent = true;
            r.state = RowState::MissingId;
        }
    }
    RowDiff::numberRepeats(keys);
    for (qsizetype i = 0; i < n; ++i) {
        Row &r = rows[size_t(i)];
        r.occurrence = keys[size_t(i)].occurrence;
        if (r.occurrence && r.state == RowState::Ok)
            r.state = RowState::DuplicateId;
    }
    if (keysOut)
        *keysOut = std::move(keys);
    return rows;
}

int JsonTableModel::appendSegment()
{
    Segment s;
    s.offset = m_rowCount;
    m_segments.push_back(std::move(s));
    return int(m_segments.size()) - 1;
}

void JsonTableModel::shiftOffsets(int fromSegment, int delta)
{
    for (size_t k = size_t(fromSegment); k < m_segments.size(); ++k)
        m_segments[k].offset += delta;
}

void JsonTableModel::clearSegmentsForReset()
{
    m_segments.clear();
    m_rowCount = 0;
    m_columns.clearCounts();
}

void JsonTableModel::fillSegmentForReset(int segment, const Json &records)
{
    Segment &seg = m_segments[size_t(segment)];
    std::vector<Row> rows = makeRows(records, nullptr);
    for (const Row &r : rows)
        m_columns.count(r.record, +1);
    for (int i = 0; i < seg.rows.size(); ++i)
        m_columns.count(seg.rows[i].record, -1);
    const int delta = int(rows.size()) - seg.rows.size();
    seg.rows.assign(std::move(rows));
    m_rowCount += delta;
    shiftOffsets(segment + 1, delta);
}

void JsonTableModel::commitColumnsForReset()
{
    m_columns.commit(m_rowCount > 0);
}

void JsonTableModel::setSegmentRecords(int segment, const Json &records)
{
    Q_ASSERT(segment >= 0 && segment < segmentCount());
    ++m_applying;
    const auto done = qScopeGuard([this] { --m_applying; });
    Segment &seg = m_segments[size_t(segment)];
    std::vector<RowKey> after;
    std::vector<Row> next = makeRows(records, &after);
    const int n = seg.rows.size();
    const int m = int(next.size());

    std::vector<RowKey> before;
    before.reserve(size_t(n));
    for (int i = 0; i < n; ++i)
        before.push_back(keyOf(seg.rows[i]));
    const RowDiff diff = RowDiff::compute(before, after);
    before.clear();
    after.clear();
    const std::vector<int> &sources = diff.sources();

    // Which kept rows changed (two parses of equal text compare with one memcmp), and the column counts.
    std::vector<char> changed(size_t(m), 0);
    std::vector<char> kept(size_t(n), 0);
    bool anyChanged = false;
    for (int j = 0; j < m; ++j) {
        const int src = sources[size_t(j)];
        if (src < 0) {
            m_columns.count(next[size_t(j)].record, +1);
            continue;
        }
        kept[size_t(src)] = 1;
        const Json &old = seg.rows[src].record;
        if (old.identical(next[size_t(j)].record) || old == next[size_t(j)].record)
            continue;
        changed[size_t(j)] = 1;
        anyChanged = true;
        m_columns.count(old, -1);
        m_columns.count(next[size_t(j)].record, +1);
    }
    for (int i = 0; i < n; ++i) {
        if (!kept[size_t(i)])
            m_columns.count(seg.rows[i].record, -1);
    }

    const int rowsAfter = m_rowCount - n + m;
    if (m_columns.hasChanged(rowsAfter > 0)) {
        qCDebug(lcModels) << "column set changed: reset";
        beginResetModel();
        seg.rows.assign(std::move(next));
        m_rowCount = rowsAfter;
        shiftOffsets(segment + 1, m - n);
        m_columns.commit(rowsAfter > 0);
        endResetModel();
        return;
    }

    if (diff.isStructural()) {
        RowDiff::Steps steps;
        steps.remove = [&](int first, int last) {
            const int count = last - first + 1;
            beginRemoveRows(QModelIndex(), seg.offset + first, seg.offset + last);
            seg.rows.erase(first, count);
            m_rowCount -= count;
            shiftOffsets(segment + 1, -count);
            endRemoveRows();
        };
        steps.move = [&](int first, int last, int destination) {
            if (!beginMoveRows(QModelIndex(), seg.offset + first, seg.offset + last, QModelIndex(),
                               seg.offset + destination)) {
                qCWarning(lcModels) << "refused move" << first << last << destination;
                return;
            }
            if (destination < first)
                seg.rows.rotate(destination, first, last + 1);
            else
                seg.rows.rotate(first, last + 1, destination);
            endMoveRows();
        };
        steps.reorder = [&](int first, const std::vector<int> &order) {
            const int k = int(order.size());
            Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
            std::vector<int> moved(static_cast<size_t>(k));  // old position - first -> new position - first
            for (int i = 0; i < k; ++i)
                moved[size_t(order[size_t(i)])] = i;
            const QModelIndexList persistent = persistentIndexList();
            QModelIndexList from, to;
            const int top = seg.offset + first;
            for (const QModelIndex &idx : persistent) {
                const int r = idx.row() - top;
                if (r < 0 || r >= k)
                    continue;
                from.append(idx);
                to.append(index(top + moved[size_t(r)], idx.column()));
            }
            std::vector<Row> permuted(static_cast<size_t>(k));
            for (int i = 0; i < k; ++i)
                permuted[size_t(i)] = std::move(seg.rows[first + order[size_t(i)]]);
            for (int i = 0; i < k; ++i)
                seg.rows[first + i] = std::move(permuted[size_t(i)]);
            changePersistentIndexList(from, to);
            Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
        };
        steps.insert = [&](int first, int last) {
            const int count = last - first + 1;
            beginInsertRows(QModelIndex(), seg.offset + first, seg.offset + last);
            seg.rows.insert(first, next.begin() + first, next.begin() + last + 1);
            m_rowCount += count;
            shiftOffsets(segment + 1, count);
            endInsertRows();
        };
        diff.apply(steps, m_options.maxMoves);
        seg.rows.compact();
    }
    Q_ASSERT(seg.rows.size() == m);

    // The rows now stand where the new data has them: take the new records (freeing the old document), and tell
    // views about the cells that changed.
    std::vector<Json> previous;
    if (anyChanged)
        previous.resize(size_t(m));
    for (int j = 0; j < m; ++j) {
        if (sources[size_t(j)] < 0)
            continue;
        if (changed[size_t(j)])
            previous[size_t(j)] = std::move(seg.rows[j].record);
        seg.rows[j].record = std::move(next[size_t(j)].record);
    }
    if (anyChanged)
        emitChanges(segment, previous, sources, changed);
}

void JsonTableModel::emitChanges(int segment, const std::vector<Json> &previous, const std::vector<int> &sources,
                                 const std::vector<char> &changed)
{
    const int columns = m_columns.size();
    if (columns == 0)
        return;
    const Segment &seg = m_segments[size_t(segment)];
    // Rectangles of changed cells: within a row, contiguous changed columns; across rows, the same columns on
    // consecutive rows. A row whose changes have no column is one row-wide rectangle with the row roles only.
    struct Rect
    {
        int top, bottom, left, right;
        bool rowOnly;
    };
    std::vector<Rect> open, done, next;
    std::vector<std::pair<int, int>> runs;
    const int m = int(changed.size());
    for (int j = 0; j < m; ++j) {
        if (!changed[size_t(j)] || sources[size_t(j)] < 0)
            continue;
        const Json &before = previous[size_t(j)];
        const Json &after = seg.rows[j].record;
        runs.clear();
        for (int c = 0; c < columns; ++c) {
            if (m_columns.cell(before, c) == m_columns.cell(after, c))
                continue;
            if (!runs.empty() && runs.back().second == c - 1)
                runs.back().second = c;
            else
                runs.emplace_back(c, c);
        }
        const bool rowOnly = runs.empty();
        if (rowOnly)
            runs.emplace_back(0, columns - 1);
        next.clear();
        for (const auto &run : runs) {
            const int left = run.first, right = run.second;  // not a structured binding: clang 14 can't capture one
            auto it = std::find_if(open.begin(), open.end(), [&](const Rect &r) {
                return r.bottom == j - 1 && r.left == left && r.right == right && r.rowOnly == rowOnly;
            });
            if (it != open.end()) {
                it->bottom = j;
                next.push_back(*it);
                open.erase(it);
            } else {
                next.push_back(Rect{j, j, left, right, rowOnly});
            }
        }
        done.insert(done.end(), open.begin(), open.end());
        open.swap(next);
    }
    done.insert(done.end(), open.begin(), open.end());
    std::sort(done.begin(), done.end(), [](const Rect &a, const Rect &b) {
        return a.top != b.top ? a.top < b.top : a.left < b.left;
    });
    for (const Rect &r : done) {
        Q_EMIT dataChanged(index(seg.offset + r.top, r.left), index(seg.offset + r.bottom, r.right),
                           r.rowOnly ? RowRoles : CellRoles);
    }
}

void JsonTableModel::setPendingWrites(const PendingWrites *writes, const QString &endpoint, const QString &resource)
{
    disconnect(m_pendingConnection);
    m_pending = writes;
    m_pendingEndpoint = endpoint;
    m_pendingResource = resource;
    if (!writes)
        return;
    m_pendingConnection = connect(writes, &PendingWrites::recordChanged, this,
                                  [this](const QString &endpoint, const QString &resource, const Json &id) {
        if (endpoint != m_pendingEndpoint || resource != m_pendingResource || isApplying())
            return;
        const int row = rowOf(id);
        if (row >= 0 && columnCount() > 0)
            Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1), {WaitingRole, Qt::ToolTipRole});
    });
}

QString JsonTableModel::waitingText(int row) const
{
    if (!m_pending || m_pending->count() == 0 || row < 0 || row >= m_rowCount)
        return QString();
    const Json id = rowId(row);
    if (id.isUndefined())
        return QString();
    const QList<Mutation *> writes = m_pending->writesOf(m_pendingEndpoint, m_pendingResource, id);
    QStringList lines;
    for (const Mutation *m : writes)
        lines.append(tr("Waiting for the server: %1 (%2)").arg(PendingWrites::describe(m), PendingWrites::reason(m)));
    return lines.join(QLatin1Char('\n'));
}

} // namespace refetch
