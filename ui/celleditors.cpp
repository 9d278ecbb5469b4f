// CellDelegate's editors: a cell edited in place in the list (F2, a double click), with the editor the form would
// give the field, written through the same update as the form's (ResourceView::writeCell).

#include "celldelegate.h"

#include "fieldeditor.h"
#include "schemaeditors.h"

#include "core/models/jsontablemodel.h"
#include "core/models/referencelabels.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QKeyEvent>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

// Enter, Return and Tab write the cell, Escape leaves it: the keys reach the editor's inner widget (its focus
// proxy), not the editor the view knows, so they are caught there and said for the editor.
class EditorKeys : public QObject
{
public:
    EditorKeys(FieldEditor *editor, QAbstractItemDelegate *delegate) : QObject(editor), m_editor(editor), m_delegate(delegate) {}

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() != QEvent::KeyPress)
            return QObject::eventFilter(watched, event);
        // A picker's list of choices takes its own keys.
        if (QApplication::activePopupWidget())
            return false;
        const auto *key = static_cast<QKeyEvent *>(event);
        switch (key->key()) {
        case Qt::Key_Return:
        case Qt::Key_Enter:
        case Qt::Key_Tab:
        case Qt::Key_Backtab:
            Q_EMIT m_delegate->commitData(m_editor);
            Q_EMIT m_delegate->closeEditor(m_editor, key->key() == Qt::Key_Tab ? QAbstractItemDelegate::EditNextItem
                                                   : key->key() == Qt::Key_Backtab ? QAbstractItemDelegate::EditPreviousItem
                                                                                   : QAbstractItemDelegate::NoHint);
            return true;
        case Qt::Key_Escape:
            Q_EMIT m_delegate->closeEditor(m_editor, QAbstractItemDelegate::RevertModelCache);
            return true;
        default:
            return false;
        }
    }

private:
    FieldEditor *m_editor;
    QAbstractItemDelegate *m_delegate;
};

} // namespace

QWidget *CellDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &, const QModelIndex &index) const
{
    const auto *model = qobject_cast<const JsonTableModel *>(index.model());
    if (!model)
        return nullptr;
    const QString name = model->columnName(index.column());
    const Json value = index.data(JsonTableModel::CellJsonRole).value<Json>();
    const FieldSchema *field = m_schema.field(name);
    if (field && field->readOnly)
        return nullptr;   // the server sets it
    FieldEditor *editor = nullptr;
    if (const Reference *ref = referenceOf(index); ref && m_picker) {
        editor = m_picker(*ref, parent);
    } else {
        FieldEditor::Kind kind = field ? SchemaEditors::kindFor(*field, value) : FieldEditor::kindFor(value);
        if (kind == FieldEditor::Kind::Structured || kind == FieldEditor::Kind::ReadOnly)
            return nullptr;
        if (kind == FieldEditor::Kind::LongText)
            kind = FieldEditor::Kind::Text;   // one line in a cell; the form has the box
        editor = field ? SchemaEditors::create(*field, kind, parent) : FieldEditor::create(kind, parent);
    }
    if (!editor)
        return nullptr;
    editor->setObjectName(u"cellEditor"_s);
    editor->setAutoFillBackground(true);
    editor->setAccessibleName(tr("%1, row %2").arg(name).arg(index.row() + 1));
    if (QWidget *target = editor->focusTarget(); target && target != editor) {
        editor->setFocusProxy(target);
        target->installEventFilter(new EditorKeys(editor, const_cast<CellDelegate *>(this)));
    }
    return editor;
}

void CellDelegate::setEditorData(QWidget *editor, const QModelIndex &index) const
{
    auto *field = qobject_cast<FieldEditor *>(editor);
    if (!field)
        return QStyledItemDelegate::setEditorData(editor, index);
    // Once: a refetch while the user types does not overwrite what they typed.
    if (field->property("refetchFilled").toBool())
        return;
    field->setProperty("refetchFilled", true);
    field->setValue(index.data(JsonTableModel::CellJsonRole).value<Json>());
}

void CellDelegate::setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const
{
    auto *field = qobject_cast<FieldEditor *>(editor);
    if (!field)
        return QStyledItemDelegate::setModelData(editor, model, index);
    if (!field->isValid())
        return;   // not a value (a number half typed): nothing is written
    const Json value = field->value();
    if (value == index.data(JsonTableModel::CellJsonRole).value<Json>())
        return;   // unchanged: no request
    model->setData(index, QVariant::fromValue(value), JsonTableModel::CellJsonRole);
}

void CellDelegate::updateEditorGeometry(QWidget *editor, const QStyleOptionViewItem &option, const QModelIndex &) const
{
    // At least as tall as the editor needs (a date editor, a picker with its id beside it).
    QRect r = option.rect;
    r.setHeight(std::max(r.height(), editor->sizeHint().height()));
    r.setWidth(std::max(r.width(), std::min(editor->sizeHint().width(), 320)));
    editor->setGeometry(r);
}

} // namespace refetch
