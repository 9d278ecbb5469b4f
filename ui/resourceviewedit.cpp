// ResourceView's cells edited in place: F2 or a double click opens the field's editor in the cell; Enter writes it
// through the form's update (a PATCH of that field, optimistic, with the version last read as If-Match).

#include "resourceview.h"

#include "celldelegate.h"
#include "fieldeditor.h"
#include "formdescription.h"
#include "icons.h"
#include "messagebar.h"

#include "core/models/pagedtablemodel.h"
#include "core/mutation/mutation.h"
#include "core/mutation/mutationerror.h"
#include "core/mutation/mutationqueue.h"
#include "core/providers/dataprovider.h"

#include <QItemSelectionModel>
#include <QLocale>
#include <QPushButton>
#include <QShortcut>

#include <utility>
#include <QTableView>

using namespace Qt::StringLiterals;

namespace refetch {

QList<Json> ResourceView::selectedIds() const
{
    QList<int> rows;
    if (const QItemSelectionModel *selection = m_table->selectionModel()) {
        for (const QModelIndex &index : selection->selectedRows())
            rows.append(index.row());
    }
    std::sort(rows.begin(), rows.end());
    QList<Json> ids;
    for (int row : std::as_const(rows)) {
        const Json id = m_model->rowId(row);
        if (!id.isUndefined() && !id.isNull())
            ids.append(id);
    }
    return ids;
}

void ResourceView::offerAllMatching()
{
    qint64 selected = 0;
    for (const QItemSelectionRange &range : m_table->selectionModel()->selection())
        selected += range.height();
    const qint64 total = m_model->totalCount();
    const bool everyRow = selected > 1 && selected >= m_model->rowCount();
    const bool more = m_model->hasMore() || (total > 0 && total > m_model->loadedCount());
    if (!everyRow || !more) {
        if (m_allMatching || m_offeringAll)
            setAllMatchingSelected(false);
        return;
    }
    if (m_allMatching || m_offeringAll)
        return;
    m_offeringAll = true;
    const QLocale locale;
    m_writeBar->showMessage(MessageBar::Kind::Information,
                            tr("The %1 rows loaded are selected.").arg(locale.toString(m_model->loadedCount())));
    QPushButton *all = m_writeBar->addButton(total > 0 ? tr("Select All %1 Matching").arg(locale.toString(total))
                                                       : tr("Select All Matching"));
    all->setObjectName(u"selectAllMatching"_s);
    connect(all, &QPushButton::clicked, this, [this] { setAllMatchingSelected(true); });
}

void ResourceView::setAllMatchingSelected(bool all)
{
    m_offeringAll = false;
    if (all == m_allMatching && !all) {
        if (m_writeBar->isVisible() && m_writeBar->kind() == MessageBar::Kind::Information)
            m_writeBar->hide();
        return;
    }
    m_allMatching = all;
    if (!all) {
        m_writeBar->hide();
        return;
    }
    const qint64 total = m_model->totalCount();
    const QLocale locale;
    m_writeBar->showMessage(MessageBar::Kind::Information,
                            (total > 0 ? tr("All %1 records of %2 that the list matches are selected, loaded or not.")
                                             .arg(locale.toString(total), m_resource)
                                       : tr("Every record of %1 that the list matches is selected, loaded or not.").arg(m_resource))
                                + u' ' + tr("Delete and Set Field act on them all."));
    connect(m_writeBar->addButton(tr("Clear Selection")), &QPushButton::clicked, this, [this] {
        m_table->clearSelection();
        setAllMatchingSelected(false);
    });
}

void ResourceView::setUpEditing()
{
    m_table->setEditTriggers(QAbstractItemView::EditKeyPressed | QAbstractItemView::DoubleClicked);
    m_delegate->setPicker(FormDescription::pickers(m_connection));
    m_model->setCellWriter([this](int row, const QString &field, const Json &value) { return writeCell(row, field, value); });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ResourceView::offerAllMatching);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { setAllMatchingSelected(false); });
    auto *paste = new QShortcut(QKeySequence::Paste, m_table);
    paste->setContext(Qt::WidgetWithChildrenShortcut);
    connect(paste, &QShortcut::activated, this, &ResourceView::pasteRequested);
}

bool ResourceView::writeCell(int row, const QString &field, const Json &value)
{
    if (!m_connection)
        return false;
    const Json id = m_model->rowId(row);
    if (id.isUndefined() || id.isNull())
        return false;
    // What the server's description already refuses is not sent (as in the form).
    if (const FieldSchema *described = m_delegate->schema().field(field)) {
        if (const QString problem = described->problemWith(value); !problem.isEmpty()) {
            const QString typed = value.isString() ? value.toString() : QString::fromUtf8(value.toJson());
            m_cellFailure = CellFailure{
                .text = tr("%1 · %2 was not saved: %3 “%4”: %5")
                            .arg(m_resource, DataProvider::idText(id), field, typed, problem),
                .id = id, .field = field, .value = value};
            showCellFailure();
            return false;
        }
    }
    MutationOptions options = m_connection->updateOptions(m_resource, id);
    Mutation *m = m_connection->queue()->mutate(options, Json::object({{QStringView(field), value}}));
    if (!m)
        return false;
    if (m_cellFailure) {
        m_cellFailure.reset();
        updateMessage();
    }
    connect(m, &Mutation::failed, this, [this, id, field, value](const MutationError &error) {
        cellWriteFailed(id, field, value, error);
    });
    return true;
}

void ResourceView::cellWriteFailed(const Json &id, const QString &field, const Json &value, const MutationError &error)
{
    const QString record = m_resource + u" · "_s + DataProvider::idText(id);
    const QString typed = value.isString() ? value.toString() : QString::fromUtf8(value.toJson());
    QString why;
    if (error.isConflict()) {
        why = tr("%1 was changed on the server since it was read, so your %2 “%3” was not saved; the row shows the "
                 "server's version.").arg(record, field, typed);
    } else if (error.isValidation() && error.fieldErrors.contains(field)) {
        why = tr("%1 was not saved: %2 “%3”: %4").arg(record, field, typed, error.fieldErrors.value(field).join(u' '));
    } else {
        why = tr("%1 was not saved: %2").arg(record, error.toString());
    }
    m_cellFailure = CellFailure{.text = why, .id = id, .field = field, .value = value};
    showCellFailure();
}

void ResourceView::showCellFailure()
{
    if (!m_cellFailure)
        return;
    if (m_message->isVisible() && m_message->text() == m_cellFailure->text)
        return;
    m_message->showMessage(MessageBar::Kind::Error, m_cellFailure->text);
    // The value typed is not lost: Edit Again opens the cell with it.
    connect(m_message->addButton(tr("Edit Again"), icons::icon(u"undo"_s)), &QPushButton::clicked, this, [this] {
        if (!m_cellFailure)
            return;
        const CellFailure failure = *std::exchange(m_cellFailure, std::nullopt);
        m_message->hide();
        const int row = m_model->rowOf(failure.id);
        const int column = m_model->columnOf(failure.field);
        if (row < 0 || column < 0)
            return;
        const QModelIndex index = m_model->index(row, column);
        m_table->setCurrentIndex(index);
        m_table->edit(index);
        for (FieldEditor *editor : m_table->findChildren<FieldEditor *>(u"cellEditor"_s)) {
            if (!editor->isVisible())
                continue;
            editor->setProperty("refetchFilled", true);
            editor->setValue(failure.value);
        }
    });
    connect(m_message->addButton(tr("Dismiss")), &QPushButton::clicked, this, [this] {
        m_cellFailure.reset();
        updateMessage();
    });
}

} // namespace refetch
