#pragma once

#include "core/client/clock.h"
#include "core/cache/querykey.h"
#include "core/cache/querystate.h"
#include "core/client/scheduler.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>

namespace refetch {

class Query;
class QueryClient;
class StoreFile;

// What a CacheStore keeps, and when it writes.
struct CacheStoreOptions
{
    QueryKey keyPrefix;                          // only the entries under this key (e.g. {endpointId}); empty: all
    QString identity;                            // whose data it is (e.g. base URL and credentials): the saved
                                                 // entries of another identity are dropped, never shown
    Millis maxAge{std::chrono::hours(24)};       // older entries are dropped at load
    Millis writeDelay{1000};                     // changes are written this long after the last one...
    Millis maxWriteDelay{10000};                 // ...and at the latest this long after the first unwritten one
    qint64 maxEntryBytes = qint64(8) << 20;      // an entry whose JSON is larger is not saved
    qint64 maxBytes = qint64(64) << 20;          // at load, the newest entries up to this much JSON are kept
};

// Keeps a QueryClient's cache in a StoreFile across restarts, one row per entry: at construction it puts the
// saved entries back (as of their time, stale, so that observers show them at once and refetch); then it writes
// the entries whose data changed, and deletes the rows of removed ones, in one transaction a short while after
// the last change (and on destruction). Entries without data (pending, or only an error) are never saved.
// Construct it before views attach, and destroy it before the client.
class CacheStore : public QObject
{
    Q_OBJECT
public:
    CacheStore(StoreFile *file, QueryClient *client, CacheStoreOptions options = {}, QObject *parent = nullptr);
    ~CacheStore() override;   // writes what is pending

    const CacheStoreOptions &options() const { return m_options; }
    // Writes what is pending now. False when the write failed (it is tried again with the next change).
    bool flush();
    // Entries changed or removed since the last write.
    int pendingCount() const { return int(m_dirty.size() + m_removed.size()); }

    // What the store did, for tests, logs and the cache inspector.
    struct Stats
    {
        int hydrated = 0;        // entries put back at load
        int dropped = 0;         // saved entries dropped at load: too old, over the size cap, unreadable, another identity
        qint64 hydrateNs = 0;    // how long the load took
        qint64 written = 0;      // rows written whole
        qint64 touched = 0;      // rows whose time and validators were updated (a 304, or the same JSON again)
        qint64 deleted = 0;      // rows deleted
        int flushes = 0;         // transactions
    };
    const Stats &stats() const { return m_stats; }

private:
    void hydrate();
    // Drops what may not show and hydrates the rest; false (and why) when the file turned out damaged.
    bool readSaved(QList<QByteArray> *unwanted, QString *damage);
    bool owns(const Query *q) const;
    void onUpdated(Query *q, QueryChanges changes);
    void onRemoved(Query *q);
    void scheduleFlush();
    void onRecovered();
    void detach();

    StoreFile *m_file;
    QPointer<QueryClient> m_client;
    CacheStoreOptions m_options;
    QHash<Query *, bool> m_dirty;        // entry -> whether its data changed (else only its time/validators)
    QSet<QByteArray> m_removed;          // keys of removed entries
    Scheduler::TaskId m_flushTask = 0;
    TimePoint m_flushAt{0};
    TimePoint m_firstPendingAt{0};
    Stats m_stats;
};

} // namespace refetch
