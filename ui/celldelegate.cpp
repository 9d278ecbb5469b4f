#include "celldelegate.h"

#include "core/models/jsontablemodel.h"
#include "core/models/referencelabels.h"
#include "core/providers/dataprovider.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QPainter>
#include <QDateTime>
#include <QHelpEvent>
#include <QLocale>
#include <QToolTip>

using namespace Qt::StringLiterals;

namespace refetch {

QString CellDelegate::localDate(const QString &format, const QString &text)
{
    if (format == u"date") {
        const QDate date = QDate::fromString(text, Qt::ISODate);
        return date.isValid() && text.size() == 10 ? QLocale().toString(date, QLocale::ShortFormat) : QString();
    }
    if (format == u"date-time") {
        QDateTime dt = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!dt.isValid())
            return {};
        // With a zone (Z, +02:00): the user's own time; without one, the wall-clock time as written.
        if (dt.timeSpec() != Qt::LocalTime)
            dt = dt.toLocalTime();
        return QLocale().toString(dt, QLocale::ShortFormat);
    }
    return {};
}

QString CellDelegate::formatOf(const QModelIndex &index) const
{
    if (m_schema.isEmpty())
        return {};
    const auto *model = qobject_cast<const JsonTableModel *>(index.model());
    const FieldSchema *field = model ? m_schema.field(model->columnName(index.column())) : nullptr;
    return field && field->type == FieldSchema::Type::String ? field->format : QString();
}

const Reference *CellDelegate::referenceOf(const QModelIndex &index) const
{
    const auto *model = qobject_cast<const JsonTableModel *>(index.model());
    return m_labels && model ? m_labels->referenceOf(model->columnName(index.column())) : nullptr;
}

void CellDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    if (index.data(JsonTableModel::RowStateRole).toInt() != int(JsonTableModel::RowState::NotLoaded)) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    // A row whose page is on its way (asking for the cell asks for the page): the cell's background (selection,
    // alternate rows), and a grey bar where its text will be.
    QStyleOptionViewItem cell = option;
    initStyleOption(&cell, index);
    cell.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &cell, painter, widget);
    QColor bar = cell.palette.color(QPalette::PlaceholderText);
    bar.setAlphaF(0.3);
    const QRect r = cell.rect.adjusted(6, cell.rect.height() / 3, -std::max(6, cell.rect.width() / 3),
                                       -cell.rect.height() / 3);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(bar);
    painter->drawRoundedRect(r, 3, 3);
    painter->restore();
}

void CellDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const Json cell = index.data(JsonTableModel::CellJsonRole).value<Json>();
    if (const Reference *ref = referenceOf(index); ref && (cell.isInteger() || cell.isString())) {
        // The record it points at, by name: in the link colour once known; its id until then.
        const Json id = ref->idOf(cell);
        if (const QString label = m_labels->label(ref->resource, id); !label.isEmpty()) {
            option->text = label;
            option->palette.setColor(QPalette::Text, option->palette.color(QPalette::Link));
            return;
        }
        if (m_labels->isMissing(ref->resource, id)) {
            option->font.setItalic(true);
            option->palette.setColor(QPalette::Text, option->palette.color(QPalette::PlaceholderText));
        }
    }
    switch (cell.type()) {
    case Json::Type::Integer:
    case Json::Type::Double:
        option->text = QString::fromUtf8(cell.toJson());
        option->displayAlignment = Qt::AlignRight | Qt::AlignVCenter;
        break;
    case Json::Type::Null:
        option->text = u"null"_s;
        option->font.setItalic(true);
        option->palette.setColor(QPalette::Text, option->palette.color(QPalette::PlaceholderText));
        break;
    case Json::Type::String: {
        if (const QString local = localDate(formatOf(index), cell.toString()); !local.isEmpty()) {
            option->text = local;
            break;
        }
        QString text = cell.toString();
        text.replace(u'\n', u' ');
        option->text = text;
        break;
    }
    case Json::Type::Bool:
        // A check mark, not editable here (the form edits it).
        option->features |= QStyleOptionViewItem::HasCheckIndicator;
        option->checkState = cell.toBool() ? Qt::Checked : Qt::Unchecked;
        option->text.clear();
        break;
    default:
        break;
    }
    // Saved values whose write waits for the server: shown, marked as not there yet (the tooltip says why).
    if (!index.data(JsonTableModel::WaitingRole).toString().isEmpty()) {
        option->font.setItalic(true);
        option->palette.setColor(QPalette::Text, QColor(0xb4, 0x53, 0x09));
        option->palette.setColor(QPalette::HighlightedText, QColor(0xfd, 0xe6, 0x8a));
    }
}

bool CellDelegate::helpEvent(QHelpEvent *event, QAbstractItemView *view, const QStyleOptionViewItem &option,
                             const QModelIndex &index)
{
    // A date shown in the user's locale: the value as the server sent it (and why a write waits, if it does).
    if (event && event->type() == QEvent::ToolTip && index.isValid()) {
        const Json cell = index.data(JsonTableModel::CellJsonRole).value<Json>();
        if (const Reference *ref = referenceOf(index); ref && (cell.isInteger() || cell.isString())) {
            // Which record it is: "users · 31" (and its link, when the field holds links), and whether it exists.
            const Json id = ref->idOf(cell);
            QString tip = u"%1 · %2"_s.arg(ref->resource, DataProvider::idText(id));
            if (!ref->link.isEmpty())
                tip += u"\n"_s + cell.toString();
            if (m_labels->isMissing(ref->resource, id))
                tip += u"\n"_s + tr("The server has no such record.");
            if (const QString more = index.data(Qt::ToolTipRole).toString(); !more.isEmpty())
                tip += u"\n"_s + more;
            QToolTip::showText(event->globalPos(), tip, view);
            return true;
        }
        if (cell.isString() && !localDate(formatOf(index), cell.toString()).isEmpty()) {
            QString tip = cell.toString();
            if (const QString more = index.data(Qt::ToolTipRole).toString(); !more.isEmpty())
                tip += u"\n"_s + more;
            QToolTip::showText(event->globalPos(), tip, view);
            return true;
        }
    }
    return QStyledItemDelegate::helpEvent(event, view, option, index);
}

} // namespace refetch
