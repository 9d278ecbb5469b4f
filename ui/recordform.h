#pragma once

#include "fieldeditor.h"

#include "core/models/recordmodel.h"
#include "core/models/referencelabels.h"
#include "core/schema/resourceschema.h"

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QWidget>

#include <functional>

class QFormLayout;
class QLabel;

namespace refetch {



// The fields of one record as a form, generated from a RecordModel: one editor per field, picked by its JSON type
// (FieldEditor), the changed fields marked, and the server's messages about a field under its editor. What the
// user types goes into the model at once (setField); the model's changes (a refetch, a failed save's field errors)
// come back into the editors, except into the one being typed in. An entry that is not a value (JSON that does
// not parse, text that is not a number) cannot go into the model: the form keeps it as typed, as an unsaved edit
// that holds back a save, until it is corrected or discarded.
class RecordForm : public QWidget
{
    Q_OBJECT
public:
    explicit RecordForm(QWidget *parent = nullptr);
    ~RecordForm() override;

    // The model (not owned) and its id field, shown but not editable; nullptr empties the form.
    void setModel(RecordModel *model, const QString &idField = QStringLiteral("id"));
    RecordModel *model() const { return m_model; }
    // Whether changed fields are marked (not for a new record, where every field is new).
    void setShowDirty(bool show);
    // Editor kinds to use instead of the values' own (a new record's blank text is still a long text or a date).
    void setKindHints(const QHash<QString, FieldEditor::Kind> &hints) { m_kindHints = hints; }
    // What the server says about the fields (empty: nothing): their editors, labels, help, required marks and the
    // checks made before a save. A field it does not describe keeps the editor its value calls for.
    void setSchema(const ResourceSchema &schema);
    const ResourceSchema &schema() const { return m_schema; }
    // The fields that hold ids of other records, edited with a picker that `makePicker` makes (a ReferencePicker
    // searching the referenced resource). A field the server sets stays read-only.
    using PickerFn = std::function<FieldEditor *(const Reference &reference, QWidget *parent)>;
    void setReferences(const QList<Reference> &references, PickerFn makePicker);
    // For a new record: every field is checked (a required field left blank), not only the changed ones.
    void setCheckAll(bool all);

    // The fields whose value the server would refuse, by what its description says (checked: the changed fields,
    // or every field with setCheckAll), and why; shown under each. A save sends none of these.
    QList<std::pair<QString, QString>> schemaProblems() const;

    QStringList fields() const;
    FieldEditor *editor(const QString &field) const;
    // The message under a field: the server's error, or why the entry is not valid; empty when none.
    QString messageOf(const QString &field) const;
    // Fields whose entry is not a value (e.g. JSON that does not parse): unsaved edits that hold back a save.
    QStringList invalidFields() const;
    // The text typed in one of invalidFields(); empty for other fields.
    QString invalidEntry(const QString &field) const { return m_entries.value(field); }
    // Shows `text` in `field`'s editor as if typed (an entry restored from a draft): kept as an entry that is not a
    // value, or given to the model if it is one. A field the form does not show yet gets it when it comes.
    void setEntry(const QString &field, const QString &text);
    // Drops the entries that are not values: their editors show the model's values again.
    void discardInvalidEntries();
    // Moves the keyboard focus to the first field that has a message, or the first editable one.
    void focusFirstField();

Q_SIGNALS:
    void validityChanged(bool valid);
    // An entry that is not a value came, went or was typed in: the form's unsaved edits changed beyond the model's.
    void invalidEntriesChanged();

private:
    struct Row
    {
        QLabel *label = nullptr;
        QWidget *box = nullptr;
        FieldEditor *editor = nullptr;
        QLabel *message = nullptr;
    };

    void rebuild();
    void clearRows();
    Row makeRow(const QString &field);
    // An editor for `field` showing `shown`, of `kind` if that can hold it, else of the kind the value calls for;
    // with the field's entry that is not a value, if it has one.
    FieldEditor *makeEditor(FieldEditor::Kind kind, const QString &field, const Json &shown, QWidget *parent);
    void replaceEditor(Row &row, const QString &field, FieldEditor::Kind kind, const Json &shown);
    void syncRow(int modelRow);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight);
    void onEdited(const QString &field);
    void updateMessage(const QString &field);
    void updateValidity();
    // The field's description, or null.
    const FieldSchema *schemaOf(const QString &field) const { return m_schema.field(field); }
    const Reference *referenceOf(const QString &field) const;
    FieldEditor::Kind kindOf(const QString &field, const Json &value) const;
    QString labelOf(const QString &field) const;
    // Why the server would refuse the field's value, when it is checked now; empty otherwise.
    QString schemaProblem(const QString &field) const;

    QPointer<RecordModel> m_model;
    ResourceSchema m_schema;
    bool m_checkAll = false;
    QString m_idField;
    bool m_showDirty = true;
    bool m_valid = true;
    QFormLayout *m_layout;
    QStringList m_order;
    QHash<QString, Row> m_rows;
    QHash<QString, FieldEditor::Kind> m_kindHints;
    QList<Reference> m_references;
    PickerFn m_makePicker;
    QHash<QString, QString> m_entries;   // field -> text typed that is not a value
    QSet<QString> m_touched;             // fields the user typed in since the model was set
    QList<QMetaObject::Connection> m_connections;
};

} // namespace refetch
