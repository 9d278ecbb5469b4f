#pragma once

#include "fieldeditor.h"

#include "core/models/recordmodel.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QFormLayout;
class QLabel;

namespace refetch {



// The fields of one record as a form, generated from a RecordModel: one editor per field, picked by its JSON type
// (FieldEditor), the changed fields marked, and the server's messages about a field under its editor. What the
// user types goes into the model at once (setField); the model's changes (a refetch, a failed save's field errors)
// come back into the editors, except into the one being typed in.
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

    QStringList fields() const;
    FieldEditor *editor(const QString &field) const;
    // The message under a field: the server's error, or why the entry is not valid; empty when none.
    QString messageOf(const QString &field) const;
    // Fields whose entry is not a value (e.g. JSON that does not parse): they hold back a save.
    QStringList invalidFields() const;
    // Moves the keyboard focus to the first field that has a message, or the first editable one.
    void focusFirstField();

Q_SIGNALS:
    void validityChanged(bool valid);

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
    void syncRow(int modelRow);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight);
    void onEdited(const QString &field);
    void updateMessage(const QString &field);
    void updateValidity();

    QPointer<RecordModel> m_model;
    QString m_idField;
    bool m_showDirty = true;
    bool m_valid = true;
    QFormLayout *m_layout;
    QStringList m_order;
    QHash<QString, Row> m_rows;
    QHash<QString, FieldEditor::Kind> m_kindHints;
    QList<QMetaObject::Connection> m_connections;
};

} // namespace refetch
