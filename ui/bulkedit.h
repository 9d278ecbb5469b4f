#pragma once

#include "core/json/json.h"
#include "core/mutation/bulkwrite.h"

#include <QDialog>
#include <QObject>
#include <QPointer>

#include <functional>

class QComboBox;
class QLabel;
class QVBoxLayout;

namespace refetch {


class FieldEditor;
class MutationQueue;
class ResourceView;
class UndoDelete;
struct FilterContext;
struct FieldSchema;

// Changes to many rows at once, from the rows selected in a list: Delete deletes them all behind one Undo (the
// window's undo bar), Edit > Set Field… sets one field of them all to one value. Each record is its own write
// (BulkWrite: optimistic, persisted, a few in flight at a time); the list's write bar says how far it is, then how
// it went: the records that failed are named with why (only they roll back), with Retry for them.
class BulkEdit : public QObject
{
    Q_OBJECT
public:
    BulkEdit(QWidget *window, UndoDelete *undo);

    // Deletes the records `ids` of `view`'s list (undoable for a few seconds, as one).
    BulkWrite *deleteRows(ResourceView *view, const QList<Json> &ids);
    // The ids of every record `view`'s list matches (its filter, search and sort), read page by page from the server
    // (the write bar counts them); `then` gets them, or is not called when the reading fails (the bar says why).
    void readMatchingIds(ResourceView *view, std::function<void(const QList<Json> &ids)> then);
    // Delete or Set Field with "all N matching" selected: asks first (they are not all in sight), reads their ids, then
    // as for the rows selected. `confirm` as for paste().
    void deleteAllMatching(ResourceView *view, std::function<bool(const QString &)> confirm = {});
    void setFieldOnAllMatching(ResourceView *view, const QString &field, const Json &value,
                               std::function<bool(const QString &)> confirm = {});
    // Asks for a field and a value, then sets it on the rows selected in `view`.
    void setField(ResourceView *view);
    // Sets `field` to `value` on the records `ids` of `view`'s list.
    BulkWrite *setFieldTo(ResourceView *view, const QList<Json> &ids, const QString &field, const Json &value);
    // Pastes a block of tab-separated cells (a spreadsheet's copy) into `view` from its current cell: each line a
    // row (the rows under it, as shown), each cell a column (the columns shown to its right); asks before writing
    // (`confirm`: yes or no, given the question; the default asks in a dialog), then one write per record. A cell
    // whose text is not a value of its field (a word in a number) or a column that cannot be written refuses the
    // whole paste, saying which. Returns the write, or null when nothing was written.
    using Confirm = std::function<bool(const QString &question)>;
    BulkWrite *paste(ResourceView *view, const QString &text, Confirm confirm = {});
    // The last bulk write (for tests and the window).
    BulkWrite *last() const { return m_last; }

Q_SIGNALS:
    void finished(refetch::BulkWrite *write);

private:
    void follow(ResourceView *view, BulkWrite *write, const QString &doing, const QString &done);

    QWidget *m_window;
    UndoDelete *m_undo;
    QPointer<BulkWrite> m_last;
};

// Edit > Set Field…: a field of the list and a value in its own editor, for the rows selected.
class BulkSetDialog : public QDialog
{
    Q_OBJECT
public:
    BulkSetDialog(const FilterContext &context, int rows, QWidget *parent = nullptr);
    QString field() const;
    // The value entered; Undefined while it is not one.
    Json value() const;
    QComboBox *fieldBox() const { return m_field; }
    FieldEditor *valueEditor() const { return m_value; }

private:
    void onFieldChanged();

    const FilterContext *m_context;
    QComboBox *m_field;
    QVBoxLayout *m_valueHolder;
    FieldEditor *m_value = nullptr;
    QLabel *m_summary;
    int m_rows;
};

} // namespace refetch
