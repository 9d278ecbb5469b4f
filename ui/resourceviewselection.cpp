// ResourceView's selection, followed by id: kept when its row goes, selected again when it comes back, looked for
// in pages not loaded yet; and, in a windowed list, where records come and go in place.

#include "resourceview.h"

#include "core/models/pagedtablemodel.h"
#include "core/mutation/resourcetags.h"

#include <QAbstractSlider>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QScrollBar>
#include <QTableView>
#include <QTimer>

namespace refetch {

void ResourceView::followSelection()
{
    // Before the table connects to the model: when the selected row goes (a delete, a refetch that no longer has
    // it), the table would select a neighbour, and the form would jump to a record nobody chose. The id is kept
    // instead, and selected again if it comes back.
    connect(m_model, &QAbstractItemModel::rowsAboutToBeRemoved, this, [this](const QModelIndex &, int first, int last) {
        const QModelIndexList rows = m_table->selectionModel() ? m_table->selectionModel()->selectedRows() : QModelIndexList();
        if (!rows.isEmpty() && rows.first().row() >= first && rows.first().row() <= last)
            m_losingSelection = true;
    });
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
        if (!m_losingSelection)
            return;
        m_losingSelection = false;
        m_restoring = true;
        m_table->selectionModel()->clearSelection();
        m_table->selectionModel()->setCurrentIndex(QModelIndex(), QItemSelectionModel::NoUpdate);
        m_restoring = false;
    });
    // A window's records come in place of placeholders and go back to placeholders: another record where the
    // selected one was is not the selection (the selection follows the record, as a removal would have it).
    connect(m_model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &from, const QModelIndex &to) { checkSelectedRow(from.row(), to.row()); });
    // A window reset (a column that came late) keeps the rows in view where they were.
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        m_keptTopRow = m_model->isWindowed() && m_model->query() == m_shownQuery ? m_table->rowAt(0) : -1;
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_shownQuery = m_model->query();
        if (m_keptTopRow <= 0 || !m_model->isWindowed())
            return;
        QTimer::singleShot(0, this, [this, row = m_keptTopRow] {
            if (row < m_model->rowCount())
                m_table->scrollTo(m_model->index(row, 0), QAbstractItemView::PositionAtTop);
        });
    });
    m_shownQuery = m_model->query();
    // A drag of the scroll bar through a window asks for the rows where it stops, not for those on the way.
    connect(m_table->verticalScrollBar(), &QAbstractSlider::sliderPressed, m_model,
            [this] { m_model->setPageRequestsPaused(true); });
    connect(m_table->verticalScrollBar(), &QAbstractSlider::sliderReleased, m_model, [this] {
        // The rows where it stopped, painted now: the page asked for is theirs even if the last move was not
        // painted yet.
        m_table->viewport()->repaint();
        m_model->setPageRequestsPaused(false);
    });
}

void ResourceView::checkSelectedRow(int first, int last)
{
    const int row = currentRow();
    if (row < first || row > last || m_restoring)
        return;
    const Json id = m_model->rowId(row);
    if (id.isUndefined())
        return;   // a placeholder now (its page let go): the same record comes back there
    if (m_selectedPlaceholder) {
        onSelectionChanged();   // the row clicked while it was loading
        return;
    }
    if (ResourceTags::sameId(id, m_selectedId))
        return;
    m_restoring = true;
    m_table->selectionModel()->clearSelection();
    m_table->selectionModel()->setCurrentIndex(QModelIndex(), QItemSelectionModel::NoUpdate);
    m_restoring = false;
    restoreSelection();
}

int ResourceView::currentRow() const
{
    // Of several selected rows, the one last clicked (or moved to with the keys); the first when it is not selected.
    const QItemSelectionModel *selection = m_table->selectionModel();
    const QModelIndex current = selection->currentIndex();
    if (current.isValid() && selection->isRowSelected(current.row()))
        return current.row();
    const QModelIndexList rows = selection->selectedRows();
    return rows.isEmpty() ? -1 : rows.first().row();
}

Json ResourceView::currentId() const
{
    const int row = currentRow();
    return row < 0 ? Json() : m_model->rowId(row);
}

Json ResourceView::currentRecord() const
{
    const int row = currentRow();
    return row < 0 ? Json() : m_model->rowJson(row);
}

Json ResourceView::sampleRecord() const
{
    const Json current = currentRecord();
    if (current.isObject())
        return current;
    return m_model->rowCount() > 0 ? m_model->rowJson(0) : Json::object({});
}

bool ResourceView::selectId(const Json &id)
{
    m_selectedId = id;
    const int row = m_model->rowOf(id);
    if (row >= 0) {
        m_revealId = Json();
        const QModelIndex index = m_model->index(row, 0);
        m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_table->scrollTo(index);
        return true;
    }
    // Not loaded yet: load pages until it comes (new records are often at the end), up to a limit. A window has
    // every row already, but only the pages shown: its last page is looked at, and no further.
    m_revealId = id;
    m_revealPages = 0;
    if (m_model->isWindowed() && m_model->rowCount() > 0) {
        ++m_revealPages;
        m_model->requestRows(m_model->rowCount() - 1, m_model->rowCount() - 1);
        return true;
    }
    if (m_model->canFetchMore()) {
        ++m_revealPages;
        m_model->fetchMore();
        return true;
    }
    return m_model->isFetching();
}

void ResourceView::onSelectionChanged()
{
    if (m_restoring || m_losingSelection)
        return;
    const Json id = currentId();
    if (id.isUndefined()) {
        // The row went away (a refetch, a delete) or the view was reset: the id is kept, to select it again when
        // it comes back. A placeholder clicked: its record is the one selected once it comes.
        const int row = currentRow();
        m_selectedPlaceholder = row >= 0 && !m_model->isRowLoaded(row);
        return;
    }
    m_selectedPlaceholder = false;
    if (ResourceTags::sameId(id, m_selectedId) && id.type() == m_selectedId.type())
        return;
    m_selectedId = id;
    m_revealId = Json();
    Q_EMIT currentIdChanged(id);
}

void ResourceView::continueReveal()
{
    if (m_revealId.isUndefined())
        return;
    if (m_model->rowOf(m_revealId) >= 0) {
        const Json id = m_revealId;
        selectId(id);
        Q_EMIT currentIdChanged(id);
        return;
    }
    if (m_revealQueued || m_model->isFetching() || !m_model->canFetchMore() || m_revealPages >= RevealPageLimit)
        return;
    ++m_revealPages;
    m_revealQueued = true;
    // Not from inside the model's signal: it is still emitting.
    QTimer::singleShot(0, this, [this] {
        m_revealQueued = false;
        if (!m_revealId.isUndefined() && m_model->canFetchMore())
            m_model->fetchMore();
    });
}

void ResourceView::restoreSelection()
{
    continueReveal();
    if (m_selectedId.isUndefined() || !currentId().isUndefined())
        return;
    const int row = m_model->rowOf(m_selectedId);
    if (row < 0)
        return;
    m_restoring = true;
    m_table->selectionModel()->setCurrentIndex(m_model->index(row, 0),
                                               QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_restoring = false;
}

} // namespace refetch
