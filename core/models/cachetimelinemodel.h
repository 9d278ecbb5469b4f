#pragma once

#include "core/inspect/cacheeventlog.h"
#include "core/cache/querykey.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <vector>

namespace refetch {

class CacheEventLog;
struct CacheEvent;

// "Why it fetched": the events of one entry, or of the whole cache, oldest first, as the CacheEventLog holds them
// (time, entry, what happened and why). Rows follow the log once per event-loop turn: new events are inserted at
// the end, the ones the log's ring dropped are removed from the start.
class CacheTimelineModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Entry, Event, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        SeqRole = Qt::UserRole + 1,  // the event's sequence number in the log (quint64)
        KindRole,                    // CacheEventKind, as int
        KeyRole,                     // the entry's QueryKey (empty for the whole cache)
        MutationIdRole,              // the mutation behind it, when one is
    };

    explicit CacheTimelineModel(CacheEventLog *log, QObject *parent = nullptr);

    // Every event of the cache (the default).
    void showAll();
    // The events of the entry with `key` now; an unknown key shows nothing.
    void showEntry(const QueryKey &key);
    bool isShowingAll() const { return m_all; }
    // The entry shown (its serial in the log); 0 when showing all or nothing.
    quint32 serial() const { return m_serial; }

    // The event in `row`; nullptr when the log dropped it since the last batch.
    const CacheEvent *eventAt(int row) const;
    // The event's text, as the Event column shows it.
    QString textAt(int row) const;
    // Applies the log's new events now (they come by themselves at the end of the turn).
    void flush();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    quint64 seqAt(int row) const { return m_all ? m_from + quint64(row) : m_seqs[size_t(row)]; }
    void onEvents();
    void onLogGone();

    QPointer<CacheEventLog> m_log;
    bool m_all = true;
    quint32 m_serial = 0;
    quint32 m_slot = 0;
    quint64 m_from = 0;            // all: rows are the events [m_from, m_to)
    quint64 m_to = 0;
    std::vector<quint64> m_seqs;   // one entry: its events' sequence numbers
    quint64 m_scanned = 0;         // one entry: the log was read up to here
};

} // namespace refetch
