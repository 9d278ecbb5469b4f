#pragma once

#include "core/json/json.h"
#include "core/persist/draftstore.h"

#include "core/schema/resourceschema.h"
#include "core/session/apiconnection.h"

#include <QPointer>
#include <QWidget>
#include <memory>
#include <optional>

class QLabel;
class QScrollArea;
class QStackedWidget;
class QToolButton;

namespace refetch {

class ApiConnection;
class EmptyState;
class FormDescription;
class ReferringRecords;
class MessageBar;
class Mutation;
class MutationError;
class QueryObserver;
class RecordForm;
class RecordModel;

// The detail side of the window: one record of a resource as a form (RecordForm over a RecordModel of its detail
// query), saved as a PATCH of the changed fields; or a new record, saved as a POST. A failed save keeps the edits
// and shows the server's words, in place.
class RecordPane : public QWidget
{
    Q_OBJECT
public:
    enum class SaveOutcome { Saved, Waiting, Failed };
    Q_ENUM(SaveOutcome)

    explicit RecordPane(QWidget *parent = nullptr);
    ~RecordPane() override;

    // Shows record `id` of `resource` (the connection must outlive the pane's use of it, or clear() first).
    void showRecord(ApiConnection *connection, const QString &resource, const Json &id);
    // A form for a new record of `resource` with the fields (and types) of `sample`, the id left to the server.
    void showNewRecord(ApiConnection *connection, const QString &resource, const Json &sample);
    // Nothing selected; `hint` says what to do, under `title` (by default "No record selected").
    void clear(const QString &hint = {}, const QString &title = {});

    ApiConnection *connection() const { return m_connection; }
    QString resource() const { return m_resource; }
    Json recordId() const { return m_id; }
    bool isCreating() const { return m_creating; }
    bool hasRecord() const { return m_model != nullptr; }
    // Unsaved edits: fields changed in the model, and entries in the form that are not values (bad JSON).
    bool isDirty() const;
    // The fields with unsaved edits, valid or not.
    QStringList changedFields() const;
    bool isSubmitting() const;
    bool canSave() const;
    RecordModel *model() const { return m_model; }
    RecordForm *form() const { return m_form; }
    MessageBar *messageBar() const { return m_message; }

    // The unsaved edits, to keep as a draft; nothing when there are none or they are being sent (the queued
    // write is kept by then). The base values are those the edits were made on.
    std::optional<Draft> draft() const;
    // Shows the draft's record (or a new record) with its edits applied and marked, under a bar that says where
    // they come from and when, what the server has now if the record changed or went since, and offers Discard.
    void restoreDraft(ApiConnection *connection, const Draft &draft);
    // A restored draft is shown and not settled yet.
    bool isRestoredDraft() const { return m_restored.has_value(); }

public Q_SLOTS:
    // Sends the changes (or the new record). False when there is nothing to send or an entry is not valid.
    bool save();
    // Drops the edits (a new record: its form goes back to the blank one).
    void revert();
    // Reads the record from the server again; the edits stay.
    void reload();

Q_SIGNALS:
    // Dirty, submitting, validity or the record shown changed: actions follow it.
    void stateChanged();
    // A new record was created; `id` is its id on the server.
    void recordCreated(const QString &resource, const refetch::Json &id);
    void saved();
    // What became of the last save(): the server has it, it waits for the server (kept, sent later: no longer an
    // unsaved edit), or it failed (the edits are back in the form). Once per save.
    void saveFinished(refetch::RecordPane::SaveOutcome outcome);
    void deleteRequested();
    // A record that points at the one shown was clicked in the lists under the form: open it.
    void referringRecordActivated(const QString &resource, const refetch::Json &id);
    // "Show all" on the records pointing here: `resource`'s list filtered to `field` = `id`.
    void referringListRequested(const QString &resource, const QString &field, const refetch::Json &id);
    // A record is shown (not a new one): for the window's Back and Forward.
    void recordShown(const QString &endpoint, const QString &resource, const refetch::Json &id);

private:
    void setModel(RecordModel *model);
    void updateHeader();
    void updateMessage();
    void onSubmitFailed(const MutationError &error);
    void onSubmitSucceeded(const Json &result);
    void showRestoredMessage();
    void showWaitingMessage(const QList<Mutation *> &waiting);
    // A new record's fields the schema names and the form does not have yet, at their start values.
    void addSchemaFields();

    QPointer<ApiConnection> m_connection;
    QString m_resource;
    Json m_id;
    Json m_sample;
    Json m_blank;              // a new record's fields as the form started them
    bool m_creating = false;
    RecordModel *m_model = nullptr;

    QStackedWidget *m_stack;
    EmptyState *m_empty;
    QWidget *m_page;
    QLabel *m_title;
    QLabel *m_subtitle;
    QToolButton *m_saveButton;
    QToolButton *m_revertButton;
    QToolButton *m_deleteButton;
    MessageBar *m_message;
    QScrollArea *m_scroll;
    RecordForm *m_form;
    FormDescription *m_description;   // the schema and references of what the form shows
    ReferringRecords *m_referring;     // under the form: the records that point at this one
    QString m_submitMessage;   // the last failed save, in a sentence
    bool m_conflict = false;
    bool m_saveUnderWay = false;   // save() made a write whose outcome saveFinished() has not said yet
    void finishSave(SaveOutcome outcome);
    std::optional<Draft> m_restored;   // the draft the edits came from, until they are saved or discarded
};

} // namespace refetch
