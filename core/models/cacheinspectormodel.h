#pragma once

#include "core/inspect/cacheeventlog.h"
#include "core/client/clock.h"
#include "core/cache/querycache.h"
#include "core/cache/querykey.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QTimer>
#include <vector>

namespace refetch {

class CacheEventLog;
class Query;
class QueryCache;
class QueryClient;

// The cache as a table for the inspector: one row per live entry (key, status, fetch status, fresh/stale/
// invalidated, observers, tags, data updated at, size, failures), in the order the entries were made. It follows
// the cache through its event log in batches, once per event-loop turn (or per updateInterval()): new entries are
// inserted as one block at the end, gone ones removed in runs, and the rows that changed get one dataChanged per
// run of rows. An event never resets it; only a batch that would remove more than maxRemovalRuns() separate runs
// does. Reading a row reads the entry itself: nothing is copied.
class CacheInspectorModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Key, Status, FetchStatus, Freshness, Observers, Tags, UpdatedAt, Size, Failures, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        SlotRole = Qt::UserRole + 1,  // the entry's cache slot (quint32)
        KeyRole,                      // its QueryKey
        SortRole,                     // the raw value: numbers as numbers, times in ms
    };

    // Follows the log's client; the log must outlive the model or be deleted first.
    explicit CacheInspectorModel(CacheEventLog *log, QObject *parent = nullptr);
    ~CacheInspectorModel() override;

    CacheEventLog *log() const { return m_log; }
    QueryCache *cache() const { return m_cache; }
    // The entry shown in `row`; nullptr when it went since the last batch (its row goes in the next one).
    const Query *queryAt(int row) const;
    QueryKey keyAt(int row) const;
    // The row of a live entry, or -1 (also for an entry made since the last batch).
    int rowOf(const QueryKey &key) const;

    // How long changes are gathered before they are applied; 0 (the default): once per event-loop turn.
    Millis updateInterval() const { return m_interval; }
    void setUpdateInterval(Millis interval);
    // Applies the pending changes now (they come by themselves; for tests and benchmarks).
    void flush();
    // How many batches were applied since the model was made.
    int batchCount() const { return m_batches; }
    int maxRemovalRuns() const { return m_maxRemovalRuns; }
    void setMaxRemovalRuns(int runs) { m_maxRemovalRuns = std::max(runs, 1); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "fresh", "stale" or "invalidated", as the inspector shows it.
    static QString freshnessText(const QueryCache *cache, const Query &q);

Q_SIGNALS:
    // A batch was applied (after its row and data signals).
    void batchApplied();

private:
    static constexpr quint32 DeadRow = 0xffffffffu;
    static constexpr int NoRow = -1;
    static constexpr int PendingRow = -2;

    void onAdded(Query *q);
    void onRemoved(Query *q);
    void onEvents();
    void onCacheGone();
    void apply();
    void ensureSlot(quint32 slot);
    void renumber(int fromRow);
    void resetRows();
    QVariant display(const Query &q, int column) const;
    QVariant sortValue(const Query &q, int column) const;

    QPointer<CacheEventLog> m_log;
    QPointer<QueryCache> m_cache;
    std::vector<quint32> m_rows;         // slot by row; DeadRow for an entry gone since the last batch
    std::vector<int> m_rowOfSlot;        // row by slot; NoRow, or PendingRow for an entry not yet inserted
    std::vector<quint32> m_added;        // slots made since the last batch, in order
    std::vector<int> m_deadRows;
    quint64 m_seen = 0;                  // the log's events before this are applied
    Millis m_interval{0};
    QTimer m_timer;
    int m_batches = 0;
    int m_maxRemovalRuns = 512;
};

} // namespace refetch
