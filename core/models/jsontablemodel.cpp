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
    if (role == Qt::DisplayRole || role == CellJsonRole)
        segmentShown(segmentOf(index.row()), row != nullptr);
    if (!row) {
        // A placeholder: nothing to show until its page comes, and says so.
        switch (role) {
        case Qt::ToolTipRole:
            return tr("Loading…");
        case CellJsonRole:
        case RowJsonRole:
            return QVariant::fromValue(Json());
        case RowStateRole:
            return QVariant(int(RowState::NotLoaded));
        case WaitingRole:
        case RowErrorRole:
            return QString();
        default:
            return QVariant();
        }
    }
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return displayValue(m_columns.cell(row->record, index.column()));
    case Qt::ToolTipRole:
        if (row->state == RowState::Ok || row->state == RowState::NotLoaded) {
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
    const Row *r = row >= 0 && row < m_rowCount ? rowAt(row) : nullptr;
    return r ? r->record : Json();
}

Json JsonTableModel::rowId(int row) const
{
    const Row *r = row >= 0 && row < m_rowCount ? rowAt(row) : nullptr;
    return !r || r->state == RowState::MissingId ? Json() : r->record.value(QByteArrayView(m_idField));
}

JsonTableModel::RowState JsonTableModel::rowState(int row) const
{
    if (row < 0 || row >= m_rowCount)
        return RowState::Ok;
    const Row *r = rowAt(row);
    return r ? r->state : RowState::NotLoaded;
}

bool JsonTableModel::isRowLoaded(int row) const
{
    return row >= 0 && row < m_rowCount && rowAt(row) != nullptr;
}

int JsonTableModel::nextLoadedRow(int row) const
{
    if (row < 0)
        row = 0;
    if (row >= m_rowCount)
        return -1;
    for (size_t k = size_t(segmentOf(row)); k < m_segments.size(); ++k) {
        const Segment &s = m_segments[k];
        if (s.placeholders < 0 && s.rows.size() > 0)
            return std::max(row, s.offset);
    }
    return -1;
}

int JsonTableModel::segmentOf(int row) const
{
    // The last segment that starts at or before `row` (an empty one starts where the next does).
    const auto it = std::upper_bound(m_segments.begin(), m_segments.end(), row,
                                     [](int r, const Segment &s) { return r < s.offset; });
    return int(it - m_segments.begin()) - 1;
}

void JsonTableModel::segmentShown(int segment, bool loaded) const
{
    Q_UNUSED(segment)
    Q_UNUSED(loaded)
}

QString JsonTableModel::rowError(int row) const
{
    if (row < 0 || row >= m_rowCount)
        return QString();
    const Row *r = rowAt(row);
    if (!r)
        return QString();
    switch (r->state) {
    case RowState::NotLoaded:
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
    const Segment &s = m_segments.size() == 1 ? m_segments.front() : m_segments[size_t(segmentOf(row))];
    return s.placeholders >= 0 ? nullptr : &s.rows[row - s.offset];
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
