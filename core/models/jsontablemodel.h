#pragma once

#include <QPointer>

#include "core/json/json.h"
#include "core/models/gapbuffer.h"
#include "core/models/rowdiff.h"
#include "core/models/tablecolumns.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <deque>
#include <functional>
#include <vector>

namespace refetch {

class PendingWrites;

// Where a table finds its rows and how it names and keys them.
struct TableModelOptions
{
    // Where the rows are in the data: empty for the data itself when it is an array, or its "data" array when it
    // is an object (json-server's and Refine's envelope {"data": [...], "total": N}); otherwise a path such as
    // "items" or "result.items".
    QString rowsPath;
    QString totalPath = QStringLiteral("total");  // an envelope's total, when the response has no X-Total-Count
    QString idField = QStringLiteral("id");       // what identifies a row across refetches
    QStringList columns;                          // given columns as paths ("owner.name"); empty: inferred
    NestedColumns nested = NestedColumns::Flatten;
    int maxMoves = 64;  // a refetch that would move more runs of rows reorders in one layout change
};

// The rows of JSON records shown as a table, kept in segments (a paged table has one per page) that each follow
// one query: new data is diffed against what the segment shows, by row id, and applied as the minimal
// rowsRemoved / rowsMoved / rowsInserted / dataChanged (exact roles, contiguous runs merged), so that selection
// and scroll position survive a refetch. A reset happens only when the column set changes. QueryTableModel and
// PagedTableModel feed it from observers.
//
// A segment may also stand for rows not loaded yet (placeholders: a windowed list's pages away from the view): they
// count in rowCount() and answer RowStateRole NotLoaded and nothing else, and cost a few bytes per segment, not
// per row.
//
// Every role is answered on every column. A cell's dataChanged carries the row roles (RowJsonRole,
// RowObjectRole) too; when only members that have no column changed, one dataChanged spans the row with just
// the row roles.
class JsonTableModel : public QAbstractTableModel
{
    Q_OBJECT
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(bool fetching READ isFetching NOTIFY fetchingChanged)
    Q_PROPERTY(bool stale READ isStale NOTIFY staleChanged)
    Q_PROPERTY(bool hasError READ hasError NOTIFY errorChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorChanged)
    Q_PROPERTY(QDateTime lastUpdated READ lastUpdated NOTIFY lastUpdatedChanged)
public:
    enum Role {
        CellJsonRole = Qt::UserRole + 1,  // the cell's value as refetch::Json (Undefined when the row lacks it)
        RowJsonRole,                      // the row's record as refetch::Json
        RowObjectRole,                    // the row's record as QJsonObject
        RowIdRole,                        // the row's id (qint64, double or QString); invalid without one
        RowStateRole,                     // RowState, as int
        RowErrorRole,                     // what is wrong with the row, readable; empty when nothing is
        WaitingRole,                      // the row's saved changes that wait for the server, readable; or empty
    };
    Q_ENUM(Role)

    // Rows without a usable id are shown, marked, and keyed by their content; a repeated id keys by its repeat.
    // NotLoaded: a placeholder for a row whose page has not come yet; it has no record and no id.
    enum class RowState { Ok, MissingId, DuplicateId, NotLoaded };
    Q_ENUM(RowState)

    ~JsonTableModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    const TableModelOptions &options() const { return m_options; }
    const TableColumns &columns() const { return m_columns; }
    QString columnName(int column) const;
    // Titles to show for columns instead of their field names (the server's labels: "Author" for userId); the name
    // stays in the header's tooltip. Fields not named keep their name.
    void setColumnTitles(const QHash<QString, QString> &titles);
    int columnOf(QStringView name) const { return m_columns.indexOf(name); }

    Json rowJson(int row) const;
    Json rowId(int row) const;
    RowState rowState(int row) const;
    QString rowError(int row) const;
    // The row whose id equals `id`, or -1 (a scan of the loaded rows: for actions, not for painting).
    int rowOf(const Json &id) const;
    // Whether the row holds a record (false for a placeholder).
    bool isRowLoaded(int row) const;
    // The first loaded row at `row` or after it, or -1: walks what a windowed list holds without touching (and
    // asking for) its placeholders.
    int nextLoadedRow(int row) const;

    // Rows of `resource` at `endpoint` whose writes wait for the server (PendingWrites) answer WaitingRole and
    // say so in their tooltip; they show the written values already when the writes are optimistic. `writes`
    // must outlive the model, or be unset (nullptr) first.
    void setPendingWrites(const PendingWrites *writes, const QString &endpoint, const QString &resource);
    QString waitingText(int row) const;

    // Displayed form of a JSON value: null and Undefined as an invalid QVariant, numbers and bools as
    // themselves (a number no double holds exactly as its text), strings as QString, arrays and objects as
    // compact JSON text.
    static QVariant displayValue(const Json &value);

    // Cells a view may edit in place (F2): `writer` writes `value` to `field` of the record at `row` and says whether
    // it took it (an optimistic write shows it at once through the cache). Without one, the model is read-only.
    // The id and cells holding objects or arrays are never editable here (the form edits those).
    using CellWriter = std::function<bool(int row, const QString &field, const Json &value)>;
    void setCellWriter(CellWriter writer) { m_cellWriter = std::move(writer); }
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    // CellJsonRole (a Json) or EditRole (a QVariant read as its JSON): handed to the cell writer.
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

    bool isLoading() const { return m_state.loading; }     // the first load: nothing to show yet
    bool isFetching() const { return m_state.fetching; }   // a request is under way (first load or background)
    bool isStale() const { return m_state.stale; }
    bool hasError() const { return !m_state.error.isEmpty(); }
    QString errorString() const { return m_state.error; }  // the last fetch's error, or why the data has no rows
    QDateTime lastUpdated() const { return m_state.lastUpdated; }  // when the rows shown were fetched

Q_SIGNALS:
    void loadingChanged(bool loading);
    void fetchingChanged(bool fetching);
    void staleChanged(bool stale);
    void errorChanged();
    void lastUpdatedChanged(const QDateTime &lastUpdated);

protected:
    JsonTableModel(TableModelOptions options, QObject *parent);

    struct ViewState
    {
        bool loading = false;
        bool fetching = false;
        bool stale = false;
        QString error;
        QDateTime lastUpdated;
    };
    // Emits the change signals of what differs.
    void setViewState(const ViewState &state);

    // The rows array of `data` per options().rowsPath. Undefined (and *error set) when there is none; Undefined
    // data (nothing fetched yet) gives Undefined without an error.
    Json recordsOf(const Json &data, QString *error) const;

    // While new data is being applied (the model's own signals are being emitted). A subclass ignores requests
    // that would change the rows from a slot of those signals, or defers them.
    bool isApplying() const { return m_applying > 0; }
    // Brackets a subclass's own reset (or other signals) as applying.
    void enterApplying() { ++m_applying; }
    void leaveApplying() { --m_applying; }

    int segmentCount() const { return int(m_segments.size()); }
    int segmentSize(int segment) const { return m_segments[size_t(segment)].size(); }
    int segmentOffset(int segment) const { return m_segments[size_t(segment)].offset; }
    bool isSegmentLoaded(int segment) const { return m_segments[size_t(segment)].placeholders < 0; }
    // The segment that holds `row` (0 <= row < rowCount()).
    int segmentOf(int row) const;
    // A new empty segment after the last one.
    int appendSegment();
    // Shows `records` (an array; anything else shows no rows) in `segment`: diffed against what it shows, or a
    // reset when the column set changes. A segment of placeholders takes them in place: its count is made the
    // records' (placeholders inserted or removed at its end), then one dataChanged over its rows.
    void setSegmentRecords(int segment, const Json &records);

    // Placeholders. `count` segments after the last one, of `rows` placeholders each and `lastRows` for the last,
    // in one insertion (none inside a reset).
    void appendPlaceholderSegments(int count, int rows, int lastRows, bool inReset);
    // The segment's rows become as many placeholders, in place (one dataChanged): the same records come back there
    // when it is loaded again.
    void releaseSegment(int segment);
    // The segment's rows are removed and `placeholders` come in their place (removal, then insertion): what stood
    // there is no longer known to belong there, so persistent indexes (a selection) do not follow it.
    void discardSegment(int segment, int placeholders);
    // A segment of placeholders stands for `rows` rows now (inserted or removed at its end).
    void resizePlaceholders(int segment, int rows);
    // Removes the last `count` segments and their rows, in one removal.
    void removeTrailingSegments(int count);
    // Columns stay once seen, even when no row shown has them any more (a windowed list releases pages as it goes).
    void setKeepColumns(bool keep) { m_keepColumns = keep; }
    // data() asked for a cell of `segment` to show it (DisplayRole or CellJsonRole): a windowed list loads the pages
    // views show, and keeps those it showed last.
    virtual void segmentShown(int segment, bool loaded) const;
    // Between beginResetModel() and endResetModel(): forgets every segment and row; columns are kept, in order,
    // until the next commit decides which of them rows still have.
    void clearSegmentsForReset();
    // Between beginResetModel() and endResetModel(): fills an (empty) segment without signals.
    void fillSegmentForReset(int segment, const Json &records);
    // Between beginResetModel() and endResetModel(): settles the column set after clearSegmentsForReset/fill.
    void commitColumnsForReset();

private:
    struct Row
    {
        Json record;
        quint32 occurrence = 0;
        RowState state = RowState::Ok;
    };
    struct Segment
    {
        GapBuffer<Row> rows;
        int offset = 0;         // the model row of its first row
        int placeholders = -1;  // >= 0: not loaded, standing for that many rows (and `rows` empty)
        int size() const { return placeholders >= 0 ? placeholders : rows.size(); }
    };

    // Null for a placeholder.
    const Row *rowAt(int row) const;
    bool dropsEmptyColumns(int rowsAfter) const { return rowsAfter > 0 && !m_keepColumns; }
    void countColumns(const Segment &segment, int delta);
    RowKey keyOf(const Row &row) const;
    // Keys and states of new records (ids repeated within `segment` count as duplicates).
    std::vector<Row> makeRows(const Json &records, std::vector<RowKey> *keys) const;
    void shiftOffsets(int fromSegment, int delta);
    // setSegmentRecords() of a segment of placeholders.
    void loadPlaceholders(int segment, const Json &records);
    void emitChanges(int segment, const std::vector<Json> &previous, const std::vector<int> &sources,
                     const std::vector<char> &changed);

    TableModelOptions m_options;
    QByteArray m_idField;
    TableColumns m_columns;
    QHash<QString, QString> m_titles;   // column titles by field name (setColumnTitles)
    std::deque<Segment> m_segments;  // a deque: a segment appended from a slot of our own signals moves no other
    int m_rowCount = 0;
    int m_applying = 0;              // inside setSegmentRecords(): our own signals are being emitted
    bool m_keepColumns = false;
    ViewState m_state;
    QPointer<const PendingWrites> m_pending;
    QString m_pendingEndpoint;
    QString m_pendingResource;
    QMetaObject::Connection m_pendingConnection;
    CellWriter m_cellWriter;
};

} // namespace refetch
