#include "recordmodel.h"

#include "core/models/fieldvalue.h"
#include "core/models/jsontablemodel.h"
#include "core/models/recordwrites.h"
#include "core/models/rowdiff.h"
#include "core/mutation/mutationqueue.h"
#include "core/cache/query.h"
#include "core/client/queryobserver.h"

#include <QSet>

namespace refetch {

namespace {

const QList<int> ValueRoles = {Qt::DisplayRole, Qt::EditRole, RecordModel::ValueJsonRole};
const QList<int> ErrorRoles = {Qt::ToolTipRole, RecordModel::FieldErrorRole, RecordModel::FieldErrorsRole};

} // namespace

RecordModel::RecordModel(MutationQueue *queue, QueryOptions detail, RecordModelOptions options, QObject *parent)
    : QAbstractTableModel(parent), m_queue(queue), m_options(std::move(options))
{
    detail.notifyOn = AllChanges;
    m_observer = new QueryObserver(queue->client(), std::move(detail), this);
    connect(m_observer, &QueryObserver::changed, this, &RecordModel::onQueryChanged);
    readServer();
    // Writes of this record made earlier (by a form since closed, or in the last run) and not settled: the form
    // shows them as its own, waiting, and gets their values back as edits if they fail.
    const MutationOptions &w = m_options.submit;
    if (w.method != "POST" && !w.id.isUndefined()) {
        for (Mutation *m : queue->mutations()) {
            const PersistedMutation &d = m->data();
            if (d.endpoint == w.endpoint && d.resource == w.resource && d.recordId == w.id && d.method != "DELETE"
                && d.variables.isObject())
                watchWrite(m, d.variables, Json::object({}));
        }
    }
    m_fields = fieldOrder();
    m_submitting = isSubmitting();
    updateState();
}

RecordModel::~RecordModel() = default;

int RecordModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_fields.size());
}

int RecordModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : 3;
}

RecordModel::FieldView RecordModel::current(const QString &field) const
{
    FieldView v;
    v.server = m_server.value(QStringView(field));
    const auto edit = m_edits.constFind(field);
    v.dirty = edit != m_edits.constEnd();
    const RecordWrites::Write *write = v.dirty ? nullptr : m_writes.latestWith(field);
    v.shown = v.dirty ? *edit : write ? write->fields.value(QStringView(field)) : v.server;
    v.waiting = write && write->mutation->isWaitingForServer();
    v.errors = m_errors.value(field);
    return v;
}

RecordModel::FieldView RecordModel::viewOf(const QString &field) const
{
    if (m_transition) {
        const auto it = m_transition->constFind(field);
        if (it != m_transition->constEnd())
            return *it;
    }
    return current(field);
}

QVariant RecordModel::data(const QModelIndex &index, int role) const
{
    // An invalid index is a normal question (views and QAbstractItemModelTester ask); checkIndex() would warn.
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const QString &field = m_fields[index.row()];
    if (role == FieldNameRole)
        return field;
    switch (index.column()) {
    case NameColumn:
        return role == Qt::DisplayRole || role == Qt::EditRole ? QVariant(field) : QVariant();
    case TypeColumn:
        return role == Qt::DisplayRole || role == Qt::EditRole ? QVariant(fieldvalue::typeName(viewOf(field).shown)) : QVariant();
    default:
        break;
    }
    const FieldView v = viewOf(field);
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return JsonTableModel::displayValue(v.shown);
    case Qt::ToolTipRole:
        return v.errors.isEmpty() ? QVariant() : QVariant(v.errors.join(QStringLiteral("; ")));
    case ValueJsonRole:
        return QVariant::fromValue(v.shown);
    case ServerValueRole:
        return QVariant::fromValue(v.server);
    case DirtyRole:
        return v.dirty;
    case WaitingRole:
        return v.waiting;
    case FieldErrorRole:
        return v.errors.join(QStringLiteral("; "));
    case FieldErrorsRole:
        return v.errors;
    default:
        return QVariant();
    }
}

bool RecordModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    // An invalid index is a normal question (views and QAbstractItemModelTester ask); checkIndex() would warn.
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    if (role != Qt::EditRole || index.column() != ValueColumn)
        return false;
    const QString field = m_fields[index.row()];
    bool ok = false;
    const Json v = fieldvalue::fromVariant(value, current(field).shown.type(), &ok);
    if (!ok)
        return false;
    return setField(field, v);
}

Qt::ItemFlags RecordModel::flags(const QModelIndex &index) const
{
    // An invalid index is a normal question (views and QAbstractItemModelTester ask); checkIndex() would warn.
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemNeverHasChildren;
    if (index.column() == ValueColumn && m_fields[index.row()] != m_options.idField)
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant RecordModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole) {
        switch (section) {
        case NameColumn:
            return tr("Field");
        case ValueColumn:
            return tr("Value");
        case TypeColumn:
            return tr("Type");
        default:
            return QVariant();
        }
    }
    if (orientation == Qt::Vertical && (section < 0 || section >= rowCount()))
        return QVariant();
    return QAbstractTableModel::headerData(section, orientation, role);
}

QHash<int, QByteArray> RecordModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(FieldNameRole, "fieldName");
    names.insert(ValueJsonRole, "valueJson");
    names.insert(ServerValueRole, "serverValue");
    names.insert(DirtyRole, "dirty");
    names.insert(WaitingRole, "waiting");
    names.insert(FieldErrorRole, "fieldError");
    names.insert(FieldErrorsRole, "fieldErrors");
    return names;
}

QString RecordModel::fieldName(int row) const
{
    return row >= 0 && row < m_fields.size() ? m_fields[row] : QString();
}

int RecordModel::rowOf(QStringView field) const
{
    for (int i = 0; i < m_fields.size(); ++i) {
        if (m_fields[i] == field)
            return i;
    }
    return -1;
}

Json RecordModel::record() const
{
    Json r = m_server;
    for (const QString &f : m_fields) {
        const auto it = m_edits.constFind(f);
        if (it != m_edits.constEnd())
            r = r.withValue(f, *it);
    }
    return r;
}

Json RecordModel::changes() const
{
    Json out = Json::object({});
    for (const QString &f : m_fields) {
        const auto it = m_edits.constFind(f);
        if (it != m_edits.constEnd())
            out = out.withValue(f, *it);
    }
    return out;
}

Json RecordModel::fieldValue(QStringView field) const
{
    return current(field.toString()).shown;
}

bool RecordModel::isFieldDirty(QStringView field) const
{
    return m_edits.contains(field.toString());
}

QStringList RecordModel::dirtyFields() const
{
    QStringList out;
    for (const QString &f : m_fields) {
        if (m_edits.contains(f))
            out.append(f);
    }
    return out;
}

bool RecordModel::isLoading() const
{
    return m_observer->isLoading();
}

QString RecordModel::errorString() const
{
    return m_error;
}

QStringList RecordModel::fieldOrder() const
{
    // The server's members in its order (a repeated key once), then fields only the user has, as they were.
    QStringList order;
    QSet<QString> seen;
    for (qsizetype i = 0; i < m_server.size(); ++i) {
        QString key = m_server.keyAt(i);
        if (!seen.contains(key)) {
            seen.insert(key);
            order.append(std::move(key));
        }
    }
    auto pending = [this](const QString &f) {
        return m_edits.contains(f) || m_writes.latestWith(f) != nullptr;
    };
    for (const QString &f : m_fields) {
        if (!seen.contains(f) && pending(f)) {
            seen.insert(f);
            order.append(f);
        }
    }
    QStringList added;
    for (auto it = m_edits.constBegin(); it != m_edits.constEnd(); ++it) {
        if (!seen.contains(it.key()))
            added.append(it.key());
    }
    for (const QString &f : m_writes.fields()) {
        if (!seen.contains(f) && !added.contains(f))
            added.append(f);
    }
    added.sort();
    order += added;
    return order;
}

bool RecordModel::setField(const QString &field, const Json &value)
{
    if (field == m_options.idField || field.isEmpty() || value.isUndefined())
        return false;
    update([&] {
        m_edits.insert(field, value);
        m_errors.remove(field);
    });
    return true;
}

void RecordModel::revertField(const QString &field)
{
    update([&] {
        m_edits.remove(field);
        m_errors.remove(field);
    });
}

void RecordModel::revertChanges()
{
    update([&] {
        m_edits.clear();
        m_errors.clear();
    });
    m_editedOver.clear();
    setSubmitError(QString());
}

void RecordModel::update(const std::function<void()> &change)
{
    QHash<QString, FieldView> before;
    before.reserve(m_fields.size());
    for (const QString &f : std::as_const(m_fields))
        before.insert(f, current(f));
    const bool wasDirty = isDirty();

    change();
    // An edit the server agrees with is no edit.
    for (auto it = m_edits.begin(); it != m_edits.end();) {
        const Json server = m_server.value(QStringView(it.key()));
        if (!server.isUndefined() && fieldvalue::same(server, *it))
            it = m_edits.erase(it);
        else
            ++it;
    }

    const QStringList next = fieldOrder();
    if (next != m_fields) {
        // Rows come, go and move first, still showing what they showed; then their changes are announced.
        m_transition = &before;
        std::vector<RowKey> oldKeys, newKeys;
        for (const QString &f : std::as_const(m_fields))
            oldKeys.push_back(RowKey{Json(f)});
        for (const QString &f : next)
            newKeys.push_back(RowKey{Json(f)});
        const RowDiff diff = RowDiff::compute(oldKeys, newKeys);
        RowDiff::Steps steps;
        steps.remove = [&](int first, int last) {
            beginRemoveRows(QModelIndex(), first, last);
            m_fields.remove(first, last - first + 1);
            endRemoveRows();
        };
        steps.move = [&](int first, int last, int destination) {
            if (!beginMoveRows(QModelIndex(), first, last, QModelIndex(), destination))
                return;
            QStringList block = m_fields.mid(first, last - first + 1);
            m_fields.remove(first, last - first + 1);
            const int at = destination > last ? destination - int(block.size()) : destination;
            for (int i = 0; i < block.size(); ++i)
                m_fields.insert(at + i, block[i]);
            endMoveRows();
        };
        steps.insert = [&](int first, int last) {
            beginInsertRows(QModelIndex(), first, last);
            for (int i = first; i <= last; ++i)
                m_fields.insert(i, next[i]);
            endInsertRows();
        };
        diff.apply(steps);
        m_transition = nullptr;
        Q_ASSERT(m_fields == next);
    }

    // dataChanged per column, consecutive rows with the same roles merged.
    struct Pending
    {
        int top = -1, bottom = -1;
        QList<int> roles;
    };
    Pending value, type;
    auto flush = [this](Pending &p, int column) {
        if (p.top >= 0)
            Q_EMIT dataChanged(index(p.top, column), index(p.bottom, column), p.roles);
        p = Pending();
    };
    auto add = [&](Pending &p, int column, int row, const QList<int> &roles) {
        if (p.top >= 0 && (p.bottom != row - 1 || p.roles != roles))
            flush(p, column);
        if (p.top < 0)
            p = Pending{row, row, roles};
        else
            p.bottom = row;
    };
    for (int row = 0; row < m_fields.size(); ++row) {
        const auto it = before.constFind(m_fields[row]);
        if (it == before.constEnd())
            continue;   // inserted: its row brought its data
        const FieldView now = current(m_fields[row]);
        QList<int> roles;
        if (!fieldvalue::same(it->shown, now.shown))
            roles += ValueRoles;
        if (!fieldvalue::same(it->server, now.server))
            roles.append(ServerValueRole);
        if (it->dirty != now.dirty)
            roles.append(DirtyRole);
        if (it->waiting != now.waiting)
            roles.append(WaitingRole);
        if (it->errors != now.errors)
            roles += ErrorRoles;
        if (!roles.isEmpty())
            add(value, ValueColumn, row, roles);
        if (fieldvalue::typeName(it->shown) != fieldvalue::typeName(now.shown))
            add(type, TypeColumn, row, {Qt::DisplayRole, Qt::EditRole});
    }
    flush(value, ValueColumn);
    flush(type, TypeColumn);

    if (wasDirty != isDirty())
        Q_EMIT dirtyChanged(isDirty());
}

void RecordModel::readServer()
{
    const Json data = m_observer->data();
    m_serverFrom = data;
    m_serverEtag = m_observer->query() ? m_observer->query()->etag() : QByteArray();
    m_shapeError.clear();
    if (data.isObject()) {
        m_server = data;
    } else if (data.isUndefined()) {
        m_server = Json::object({});
    } else {
        // Not a record: the fields last read stay, with the error.
        m_shapeError = QStringLiteral("expected a JSON object (the record), got: %1").arg(QString::fromUtf8(data.toJson().left(80)));
    }
}

void RecordModel::onQueryChanged(QueryChanges what)
{
    // Every settled fetch reads the record again: it also replaces what a submit's answer showed meanwhile.
    const bool read = ((what & (QueryChange::Data | QueryChange::UpdatedAt)) && !m_observer->data().identical(m_serverFrom))
        || ((what & QueryChange::UpdatedAt) && m_observer->isSuccess() && !m_server.identical(m_serverFrom));
    if (read) {
        update([this] {
            const Json before = m_server;
            const QByteArray beforeEtag = m_serverEtag;
            readServer();
            // Someone else changed a field being edited (a refetch on focus, a live event) to another value than
            // the edit's: the save must not write over it unseen. The version the edits were made over goes with
            // it, and the server refuses it. Decided before views hear of the change (one may accept it).
            if (m_edits.isEmpty() || !m_editedOver.isEmpty() || beforeEtag.isEmpty() || beforeEtag == m_serverEtag)
                return;
            for (auto it = m_edits.cbegin(); it != m_edits.cend(); ++it) {
                const Json now = m_server.value(QStringView(it.key()));
                if (!fieldvalue::same(before.value(QStringView(it.key())), now) && !fieldvalue::same(now, *it)) {
                    m_editedOver = beforeEtag;
                    break;
                }
            }
        });
    }
    if (!isDirty())
        m_editedOver.clear();
    updateState();
}

Mutation *RecordModel::submitChanges()
{
    if (!isDirty() || isSubmitting())
        return nullptr;
    const Json submitted = changes();
    MutationOptions o = m_options.submit;
    if (o.id.isUndefined() && o.method != "POST")
        o.id = m_server.value(QStringView(m_options.idField));
    // If-Match with the version this form last showed: a write over someone else's newer one is refused (412).
    if (o.etag.isEmpty() && !m_editedOver.isEmpty())
        o.etag = std::exchange(m_editedOver, {});
    else if (o.etag.isEmpty() && m_observer->query())
        o.etag = m_observer->query()->etag();
    // The record refetches after the write, so that the form shows what the server keeps.
    o.invalidatesQueries.append(QueryFilters{.key = m_observer->options().key, .exact = true});
    Json base = Json::object({});
    for (qsizetype i = 0; i < submitted.size(); ++i) {
        const Json server = m_server.value(QStringView(submitted.keyAt(i)));
        if (!server.isUndefined())
            base = base.withValue(submitted.keyAt(i), server);
    }
    setSubmitError(QString());

    // The edits become the write's: no longer unsaved, shown (marked while the write waits) until it settles.
    // An optimistic write changes the cached record at once, which this model reads back as the server's.
    Mutation *m = m_queue->mutate(o, submitted);
    update([&] {
        m_errors.clear();
        watchWrite(m, submitted, base);
        for (qsizetype i = 0; i < submitted.size(); ++i)
            m_edits.remove(submitted.keyAt(i));
    });
    onWriteStatus();
    return m;
}

void RecordModel::watchWrite(Mutation *m, const Json &submitted, const Json &base)
{
    m_writes.add(m, submitted, base);
    connect(m, &Mutation::succeeded, this, [this, m, submitted](const Json &result) { onSucceeded(m, submitted, result); });
    connect(m, &Mutation::failed, this, [this, m](const MutationError &error) { onFailed(m, error); });
    connect(m, &Mutation::statusChanged, this, &RecordModel::onWriteStatus);
    connect(m, &Mutation::settled, this, [this, m] {
        if (m_writes.find(m))
            update([&] { m_writes.remove(m); });
        onWriteStatus();
    });
}

bool RecordModel::isSubmitting() const
{
    return m_writes.isAnyUnderWay();
}

QList<Mutation *> RecordModel::pendingWrites() const
{
    return m_writes.unsettled();
}

QList<Mutation *> RecordModel::waitingWrites() const
{
    return m_writes.waiting();
}

QStringList RecordModel::waitingFields() const
{
    QStringList out;
    for (const QString &f : m_fields) {
        if (current(f).waiting)
            out.append(f);
    }
    return out;
}

void RecordModel::onWriteStatus()
{
    // The fields' waiting marks follow the writes' states.
    update([] {});
    const bool submitting = isSubmitting();
    if (submitting != m_submitting) {
        m_submitting = submitting;
        Q_EMIT submittingChanged(submitting);
    }
    Q_EMIT waitingChanged();
}

void RecordModel::onSucceeded(Mutation *m, const Json &submitted, const Json &result)
{
    update([&] {
        m_writes.remove(m);
        // Until the refetch comes, the server's record is what it answered (or, without an answer, what was sent).
        Json confirmed = m_server.merged(submitted);
        if (result.isObject())
            confirmed = confirmed.merged(result);
        m_server = confirmed;
        // Edits the server now agrees with are done (update() drops them); those made since stay.
    });
    Q_EMIT submitSucceeded(result);
}

void RecordModel::onFailed(Mutation *m, const MutationError &error)
{
    update([&] {
        if (const RecordWrites::Write *found = m_writes.find(m)) {
            const RecordWrites::Write w = *found;
            m_writes.remove(m);
            // Its optimistic change is already rolled back in the cache.
            if (!m_observer->data().identical(m_serverFrom))
                readServer();
            // The write's values are the user's edits again (unless typed over since, or carried by a later
            // write); the record is the server's as before it (its optimistic change is rolled back).
            for (qsizetype i = 0; i < w.fields.size(); ++i) {
                const QString f = w.fields.keyAt(i);
                const Json base = w.base.value(QStringView(f));
                if (!base.isUndefined() && fieldvalue::same(m_server.value(QStringView(f)), w.fields.valueAt(i)))
                    m_server = m_server.withValue(f, base);
                if (!m_edits.contains(f) && !m_writes.latestWith(f))
                    m_edits.insert(f, w.fields.valueAt(i));
            }
        }
        m_errors = error.fieldErrors;
    });
    setSubmitError(error.toString());
    Q_EMIT submitFailed(error);
}

void RecordModel::setSubmitError(const QString &message)
{
    m_submitError = message;
    updateState();
}

void RecordModel::updateState()
{
    const bool loading = m_observer->isLoading();
    if (loading != m_loading) {
        m_loading = loading;
        Q_EMIT loadingChanged(loading);
    }
    QString error = m_submitError;
    if (error.isEmpty()) {
        if (const QueryError *e = m_observer->error())
            error = e->toString();
        else
            error = m_shapeError;
    }
    if (error != m_error) {
        m_error = error;
        Q_EMIT errorChanged();
    }
}

} // namespace refetch
