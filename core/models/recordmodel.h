#pragma once

#include "core/json/json.h"
#include "core/mutation/mutation.h"
#include "core/client/queryoptions.h"
#include "core/cache/querystate.h"
#include "core/models/recordwrites.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QMap>
#include <QStringList>

namespace refetch {

class MutationQueue;
class QueryObserver;

struct RecordModelOptions
{
    QString idField = QStringLiteral("id");           // shown, never editable; names the record for the write
    // The write that submitChanges() makes: set .path (or .pathFrom), .resource and what it invalidates. The body
    // is the changed fields only; .id defaults to the record's id.
    MutationOptions submit{.method = "PATCH"};
};

// One record of a detail query as a form: its fields as rows (columns: name, value, JSON type), editable, with
// per-field dirty tracking and revert. submitChanges() sends only the changed fields as one write (a PATCH by
// default) through the MutationQueue; once it succeeds the fields show the server's values again (its answer at
// once, then the refetched record), and if it fails the edits stay and the server's field errors (a 422's) show on
// their rows. A refetch that comes while fields are dirty updates the fields the user did not touch and each
// field's ServerValueRole; an edit the server now agrees with stops being an edit.
//
// Editing (setData with Qt::EditRole on the value column) takes a refetch::Json as is; other values are read as
// the field's current JSON type: numbers from numbers or numeric text, booleans from bools or "true"/"false",
// arrays and objects (and null) from JSON text. Per-field roles are answered on the value column.
class RecordModel : public QAbstractTableModel
{
    Q_OBJECT
    Q_PROPERTY(bool dirty READ isDirty NOTIFY dirtyChanged)
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(bool submitting READ isSubmitting NOTIFY submittingChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorChanged)
public:
    enum Column { NameColumn, ValueColumn, TypeColumn };
    Q_ENUM(Column)
    enum Role {
        FieldNameRole = Qt::UserRole + 1,  // every column
        ValueJsonRole,                     // what the field shows: the edit, or the server's value
        ServerValueRole,                   // the server's value (Undefined for a field only the user added)
        DirtyRole,                         // bool: the user changed it
        FieldErrorRole,                    // the server's messages about it from the last failed submit, joined
        FieldErrorsRole,                   // the same as a QStringList
        WaitingRole,                       // bool: its saved value waits for the server (queued, not an edit)
    };
    Q_ENUM(Role)

    // `queue` must outlive the model; the detail query is observed at once (cached data shows at once).
    RecordModel(MutationQueue *queue, QueryOptions detail, RecordModelOptions options = {}, QObject *parent = nullptr);
    ~RecordModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    QueryObserver *observer() const { return m_observer; }
    const RecordModelOptions &options() const { return m_options; }

    QString fieldName(int row) const;
    int rowOf(QStringView field) const;
    Json serverRecord() const { return m_server; }     // as last fetched (or as the last submit's answer said)
    Json record() const;                               // the server's record with the edits
    Json changes() const;                              // the edited fields only: what submitChanges() sends
    Json fieldValue(QStringView field) const;          // as shown
    // Edits not saved yet. A saved value whose write is queued (the server does not answer, an earlier write
    // runs, it waits for a retry) is no longer an edit: it shows, marked WaitingRole, until the write settles; if
    // it fails, the value is an edit again with the server's errors.
    bool isDirty() const { return !m_edits.isEmpty(); }
    // Whether the server changed an edited field since the edit began (someone else's change, read by a refetch):
    // a save is then sent over the version the edits were made on, and refused (412) rather than writing over it.
    bool serverChangedEditedFields() const { return !m_editedOver.isEmpty(); }
    // The user was shown those changes (a restored draft's warning says a save overwrites them): a save goes over
    // the version the form shows now.
    void acceptServerChanges() { m_editedOver.clear(); }
    bool isFieldDirty(QStringView field) const;
    QStringList dirtyFields() const;
    QMap<QString, QStringList> fieldErrors() const { return m_errors; }

    // An edit by field name, as setData on its value cell; an unknown name adds a field. False for the id.
    bool setField(const QString &field, const Json &value);
    void revertField(const QString &field);
    // Drops every edit and field error. (QAbstractItemModel::revert() and submit(), which views call when an editor
    // closes, are left alone: a form saves when the user says so.)
    void revertChanges();
    // Sends the changed fields. Returns the write (owned by the queue), or nullptr when nothing is dirty or a
    // submit is under way. Earlier writes that wait (queued) do not stop a new one: the queue sends it after them.
    Mutation *submitChanges();

    bool isLoading() const;
    // A write of the form is under way (made, or its request out); one that waits for the server is not.
    bool isSubmitting() const;
    // Writes of the form that wait for the server (queued, not under way); and every unsettled one.
    QList<Mutation *> waitingWrites() const;
    QList<Mutation *> pendingWrites() const;
    // Fields whose saved value waits for the server.
    QStringList waitingFields() const;
    // The last submit's error, else the detail query's error, else why the data is not a record.
    QString errorString() const;

Q_SIGNALS:
    void dirtyChanged(bool dirty);
    void loadingChanged(bool loading);
    void submittingChanged(bool submitting);
    // A write of the form started or stopped waiting for the server, or settled.
    void waitingChanged();
    void errorChanged();
    void submitSucceeded(const refetch::Json &result);
    void submitFailed(const refetch::MutationError &error);

private:
    struct FieldView
    {
        Json shown;
        Json server;
        bool dirty = false;
        bool waiting = false;
        QStringList errors;
    };

    FieldView current(const QString &field) const;
    FieldView viewOf(const QString &field) const;
    QStringList fieldOrder() const;
    // Runs `change` (on m_server, m_edits, m_errors), then tells views exactly what it changed.
    void update(const std::function<void()> &change);
    void onQueryChanged(QueryChanges what);
    void readServer();
    void onSucceeded(Mutation *m, const Json &submitted, const Json &result);
    void onFailed(Mutation *m, const MutationError &error);
    void onWriteStatus();
    void watchWrite(Mutation *m, const Json &submitted, const Json &base);
    void setSubmitError(const QString &message);
    void updateState();

    MutationQueue *m_queue;
    QueryObserver *m_observer = nullptr;
    RecordModelOptions m_options;
    Json m_server = Json::object({});
    Json m_serverFrom;                      // the query data m_server was read from
    QByteArray m_serverEtag;                // the version m_server is (its query's ETag when it was read)
    // The version the edits were made over, kept once a refetch brought another value of an edited field: the
    // save goes with it as If-Match and is refused (412, the conflict shown) instead of writing over their change.
    // Empty while no edited field changed on the server (a change to other fields merges: only edits are sent).
    QByteArray m_editedOver;
    QStringList m_fields;                   // rows
    QHash<QString, Json> m_edits;
    QMap<QString, QStringList> m_errors;
    QString m_submitError;
    QString m_shapeError;
    RecordWrites m_writes;                  // unsettled, in the order they were made
    bool m_submitting = false;
    const QHash<QString, FieldView> *m_transition = nullptr;  // while rows move: what the rows showed before
    bool m_loading = false;
    QString m_error;
};

} // namespace refetch
