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
    enum class RowState { Ok, MissingId, DuplicateId };
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
    // The row whose id equals `id`, or -1 (a scan: for actions, not for painting).
    int rowOf(const Json &id) const;

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
    int segmentSize(int segment) const { return m_segments[size_t(segment)].rows.size(); }
    int segmentOffset(int segment) const { return m_segments[size_t(segment)].offset; }
    // A new empty segment after the last one.
    int appendSegment();
    // Shows `records` (an array; anything else shows no rows) in `segment`: diffed against what it shows, or a
    // reset when the column set changes.
    void setSegmentRecords(int segment, const Json &records);
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
        int offset = 0;  // the model row of its first row
    };

    const Row *rowAt(int row) const;
    RowKey keyOf(const Row &row) const;
    // Keys and states of new records (ids repeated within `segment` count as duplicates).
    std::vector<Row> makeRows(const Json &records, std::vector<RowKey> *keys) const;
    void shiftOffsets(int fromSegment, int delta);
    void emitChanges(int segment, const std::vector<Json> &previous, const std::vector<int> &sources,
                     const std::vector<char> &changed);

    TableModelOptions m_options;
    QByteArray m_idField;
    TableColumns m_columns;
    QHash<QString, QString> m_titles;   // column titles by field name (setColumnTitles)
    std::deque<Segment> m_segments;  // a deque: a segment appended from a slot of our own signals moves no other
    int m_rowCount = 0;
    int m_applying = 0;              // inside setSegmentRecords(): our own signals are being emitted
    ViewState m_state;
    QPointer<const PendingWrites> m_pending;
    QString m_pendingEndpoint;
    QString m_pendingResource;
    QMetaObject::Connection m_pendingConnection;
    CellWriter m_cellWriter;
};

} // namespace refetch
