#pragma once

#include "core/inspect/cacheeventlog.h"
#include "core/client/clock.h"
#include "core/json/json.h"
#include "core/mutation/mutation.h"
#include "core/cache/querykey.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QSet>
#include <vector>

namespace refetch {

class CacheEventLog;
class MutationQueue;

// The writes of a MutationQueue, for the inspector: every mutation made while the model watched (and those not
// settled when it began), oldest first, with its state, mode and variables, the tags it invalidated and the
// entries that refetched because of it (both from the CacheEventLog, when one is given). A row stays after the
// queue deleted its handle; the oldest go past maxRows().
class MutationListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Created, Request, Mode, Status, Variables, Invalidated, Refetched, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        IdRole = Qt::UserRole + 1,   // the mutation's id (its idempotency key)
        PausedRole,                  // bool: waiting for the network (resumable)
        StatusRole,                  // Mutation::Status, as int
    };

    explicit MutationListModel(MutationQueue *queue, CacheEventLog *log = nullptr, QObject *parent = nullptr);

    MutationQueue *queue() const { return m_queue; }
    // The live handle, or nullptr once the queue deleted it.
    Mutation *mutationAt(int row) const;
    QString idAt(int row) const;
    int rowOfId(const QString &id) const;
    Json variablesAt(int row) const;
    QString errorAt(int row) const;
    // The tags it invalidated (as recorded by the log), or, before it succeeded, those it names.
    QStringList tagsAt(int row) const;
    // The entries that refetched because of it, in the order they started.
    QList<QueryKey> refetchedAt(int row) const;

    int maxRows() const { return m_maxRows; }
    void setMaxRows(int rows) { m_maxRows = std::max(rows, 1); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString statusText(Mutation::Status status);

private:
    struct Row
    {
        QPointer<Mutation> mutation;
        QString id;
        QString request;            // "PATCH /posts/7"
        MutationMode mode = MutationMode::Pessimistic;
        Mutation::Status status = Mutation::Status::Idle;
        TimePoint created{0};
        Json variables;
        QStringList declaredTags;
        QStringList tags;           // invalidated, from the log
        int invalidatedEntries = 0;
        QList<QueryKey> refetched;
        QSet<quint32> refetchedSerials;
        QString error;
    };

    void add(Mutation *m);
    void update(Mutation *m);
    void onEvents();
    void changed(int row, int firstColumn, int lastColumn);

    QPointer<MutationQueue> m_queue;
    QPointer<CacheEventLog> m_log;
    std::vector<Row> m_rows;
    QHash<QString, int> m_idRow;     // id -> index in m_rows + m_dropped
    int m_dropped = 0;               // rows dropped from the front so far
    quint64 m_seen = 0;
    quint32 m_seenDetail = 0;
    int m_maxRows = 1000;
};

} // namespace refetch
