#pragma once

#include "core/json/json.h"

#include "core/session/apiconnection.h"
#include "filtereditor.h"
#include "core/session/savedviews.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <memory>
#include <optional>

class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableView;
class QHBoxLayout;
class QToolButton;
class QVBoxLayout;

namespace refetch {

class ColumnLayout;
class FilterBar;
class SettingsStore;

class ApiConnection;
class EmptyState;
class MessageBar;
class CellDelegate;
class PagedTableModel;
class QueryObserver;
class ReferenceLabels;
struct MutationError;

// The list side of the window: one resource of an endpoint as a table over a PagedTableModel, with server-side
// sort (header clicks), a search field (q, debounced) and page-by-page loading while scrolling. The selected row
// is followed by id, so it stays selected across refetches, sorts and searches that keep it.
class ResourceView : public QWidget
{
    Q_OBJECT
public:
    ResourceView(ApiConnection *connection, const QString &resource, QWidget *parent = nullptr);
    // Remembers how the user arranges the columns (order, widths, hidden) in `store`, per endpoint and resource,
    // and puts it back when the list opens again.
    void rememberColumns(SettingsStore *store);
    ~ResourceView() override;

    ApiConnection *connection() const { return m_connection; }
    QString resource() const { return m_resource; }
    PagedTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLineEdit *searchField() const { return m_search; }
    MessageBar *messageBar() const { return m_message; }
    // Where writes of many rows report (BulkEdit): under the list's own messages, which never hide it.
    MessageBar *writeBar() const { return m_writeBar; }
    // The ids of the selected rows, in the list's order.
    QList<Json> selectedIds() const;
    // Every record the list matches is selected (Ctrl+A, then "Select all N matching" on the write bar), loaded or
    // not: Delete and Set Field act on them all (BulkEdit reads their ids from the server first).
    bool allMatchingSelected() const { return m_allMatching; }
    void setAllMatchingSelected(bool all);
    EmptyState *emptyState() const { return m_empty; }
    // Writes `value` to `field` of the record at `row` (a cell edited in place): the form's update (a PATCH of that
    // field, optimistic, If-Match with the version last read); a refusal says why above the list and offers to edit
    // again with the value typed. False when the row has no id.
    bool writeCell(int row, const QString &field, const Json &value);
    // The filter: its chips, and the header's button that adds a condition.
    FilterBar *filterBar() const { return m_filterBar; }
    QToolButton *filterButton() const { return m_filterButton; }
    // Shows only the records that meet every one of `conditions` (as the server filters them).
    void setConditions(const QList<FilterCondition> &conditions);
    QList<FilterCondition> conditions() const;
    // What a filter on this list is built from now: the fields (with types from the schema, else from the values
    // loaded), the references and their pickers.
    FilterContext filterContext() const;
    // The list's filter, search, sort and columns, as a saved view keeps them; and back.
    SavedView currentView() const;
    void applyView(const SavedView &view);
    // The references of this list's records and their labels.
    ReferenceLabels *references() const { return m_references; }

    // The id of the selected row; Undefined when none.
    Json currentId() const;
    Json currentRecord() const;
    // Selects the row of `id` (loading more pages, up to a limit, until it is there); false when it is not shown
    // and will not be looked for.
    bool selectId(const Json &id);
    // A record to shape a new one on: the selected row, else the first.
    Json sampleRecord() const;

    void refresh();
    void focusSearch();
    // Search text as applied to the query after the debounce.
    QString appliedSearch() const;

    static constexpr int SearchDelayMs = 300;
    // How many more pages selectId() loads to find a row.
    static constexpr int RevealPageLimit = 20;

Q_SIGNALS:
    // The selected record changed (Undefined: none).
    void currentIdChanged(const refetch::Json &id);
    // Loading, fetching, stale, error, last-updated or total changed: for the status bar.
    void stateChanged();
    void activated(const refetch::Json &id);
    // The empty state's buttons: a new record, the settings.
    void createRequested();
    void settingsRequested();
    // The user followed a reference (a click on its name, Ctrl+Enter): open record `id` of `resource`.
    void referenceFollowed(const QString &resource, const refetch::Json &id);
    // The filter bar's Save View….
    void saveViewRequested();
    // Ctrl+V in the table: paste a block of cells from the current one (BulkEdit::paste).
    void pasteRequested();
    // Export… under a copy that could not hold every selected row: File > Export… for the list.
    void exportRequested();

private:
    void applySearch();
    // Ctrl+C: the selected rows as tab-separated text, for a spreadsheet; rows that are not loaded are said.
    void copySelectedRows();
    // The Filter button in `header`, and the chips under it in `layout` (resourceviewfilter.cpp).
    void setUpFilter(QHBoxLayout *header, QVBoxLayout *layout);
    // Cells edited in place (resourceviewedit.cpp).
    void setUpEditing();
    void cellWriteFailed(const Json &id, const QString &field, const Json &value, const MutationError &error);
    // The last cell write the server refused, above the list until Edit Again, dismissed, or another write.
    struct CellFailure
    {
        QString text;
        Json id;
        QString field;
        Json value;
    };
    std::optional<CellFailure> m_cellFailure;
    bool m_allMatching = false;
    bool m_offeringAll = false;   // the write bar offers "Select all N matching"
    void offerAllMatching();
    void showCellFailure();
    // The header's sort indicator on the column the query sorts by (once the column is there).
    void syncSortIndicator();
    void updatePage();
    void updateMessage();
    void updateTitle();
    // Follows the selected record across removals, resets and (windowed) records coming in place
    // (resourceviewselection.cpp).
    void followSelection();
    void checkSelectedRow(int first, int last);
    void onSelectionChanged();
    void restoreSelection();
    // selectId() of a row not loaded yet: one more page, or select it once it is there.
    void continueReveal();
    void fitColumns();
    int currentRow() const;
    void widenReferenceColumns();
    // What the server's answer said of its fields (JSON:API relationships: field -> type).
    QMap<QString, QString> relationsOfFirstPage() const;
    // The search field and the sort headers offer what the server can do (the model's provider).
    void updateCapabilities();
    // A click on a header the server cannot sort on: the indicator goes back to the sort in use.
    void onSortIndicatorChanged(int column, Qt::SortOrder order);
    void applySchema();
    // Finds the references (once there are rows) and asks for the labels of rows first..last.
    void updateReferences(int first, int last);
    void followCurrentReference();
    bool eventFilter(QObject *watched, QEvent *event) override;

    QPointer<ApiConnection> m_connection;
    QString m_resource;
    ColumnLayout *m_columns = nullptr;
    PagedTableModel *m_model;
    QLabel *m_title;
    QLabel *m_count;
    QLineEdit *m_search;
    QToolButton *m_filterButton = nullptr;
    FilterBar *m_filterBar = nullptr;
    MessageBar *m_message;
    MessageBar *m_writeBar;
    QStackedWidget *m_stack;
    QTableView *m_table;
    EmptyState *m_empty;
    CellDelegate *m_delegate = nullptr;
    ReferenceLabels *m_references = nullptr;
    bool m_referencesFound = false;
    std::unique_ptr<QueryObserver> m_schemaObserver;
    QTimer m_searchTimer;
    Json m_selectedId;         // followed across refetches and resets
    Json m_revealId;           // selectId() is loading pages to find it
    int m_revealPages = 0;
    bool m_revealQueued = false;
    bool m_restoring = false;
    bool m_losingSelection = false;   // the selected row is being removed
    bool m_selectedPlaceholder = false;   // a row clicked before its record came
    int m_keptTopRow = -1;            // a window's top row across a reset
    PageQuery m_shownQuery;
    bool m_columnsFitted = false;
    SavedView m_pendingColumns;   // a view's columns, put on once the list has them
};

} // namespace refetch
