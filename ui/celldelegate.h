#pragma once

#include "core/schema/resourceschema.h"

#include <QStyledItemDelegate>

#include <functional>

namespace refetch {

class FieldEditor;
class ReferenceLabels;
struct Reference;

// Cells as JSON reads: numbers as written (no group separators: ids and counts are data) and to the right, null in
// grey, strings on one line, booleans as check marks; where the server describes a field as a date or a date and
// time, the value in the user's locale (in local time), the ISO text as sent in the tooltip. Saved values whose
// write waits for the server are marked. A row whose page has not come (a windowed list) shows a grey bar.
class CellDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void setSchema(const ResourceSchema &schema) { m_schema = schema; }
    // Reference columns show the referenced record's label, its resource and id in the tooltip.
    void setReferenceLabels(const ReferenceLabels *labels) { m_labels = labels; }
    const ResourceSchema &schema() const { return m_schema; }
    // Editing a cell in place (celleditors.cpp): the field's own editor (the schema's, else the value's type; a
    // reference's picker from `picker`), Enter or Tab to write, Escape to leave it as it was.
    using PickerFn = std::function<FieldEditor *(const Reference &reference, QWidget *parent)>;
    void setPicker(PickerFn picker) { m_picker = std::move(picker); }
    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    void setEditorData(QWidget *editor, const QModelIndex &index) const override;
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override;
    void updateEditorGeometry(QWidget *editor, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // `text` of a field of `format` ("date", "date-time") as the user's locale writes it; empty when it is not one.
    static QString localDate(const QString &format, const QString &text);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
    bool helpEvent(QHelpEvent *event, QAbstractItemView *view, const QStyleOptionViewItem &option,
                   const QModelIndex &index) override;

private:
    QString formatOf(const QModelIndex &index) const;
    const Reference *referenceOf(const QModelIndex &index) const;

    ResourceSchema m_schema;
    const ReferenceLabels *m_labels = nullptr;
    PickerFn m_picker;
};

} // namespace refetch
