#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>

namespace refetch {

class Mutation;
class MutationQueue;
class StoreFile;

// Which writes a MutationStore keeps.
struct MutationStoreOptions
{
    QString endpoint;   // only the writes to this endpoint (EndpointConfig::name); empty: every write
};

// Keeps a MutationQueue's unsettled writes (paused, waiting, in flight) in a StoreFile, so that they survive a
// crash: at construction it restores the saved ones into the queue (sent again with their Idempotency-Key);
// then every change of the queue is committed durably (synchronous=FULL) from the queue's changed() signal,
// which a new write emits before its request can be sent. A write therefore reaches the disk before the
// server can see it, and leaves the disk once it settled: delivery is at least once.
class MutationStore : public QObject
{
    Q_OBJECT
public:
    MutationStore(StoreFile *file, MutationQueue *queue, MutationStoreOptions options = {}, QObject *parent = nullptr);
    ~MutationStore() override;

    // The writes restored at construction, in their order.
    QList<Mutation *> restored() const;
    // Saved writes that could not be read: left in the file untouched, and not restored.
    QStringList errors() const { return m_errors; }
    // Saves the queue's current state now (done on every change). False when the write failed.
    bool flush();
    // Transactions committed, for tests.
    int commits() const { return m_commits; }

private:
    void restore();
    void detach();

    StoreFile *m_file;
    QPointer<MutationQueue> m_queue;
    MutationStoreOptions m_options;
    QHash<QString, QByteArray> m_saved;   // id -> the JSON on disk
    QHash<QString, qint64> m_seq;         // id -> its place in the order
    qint64 m_lastSeq = 0;
    QList<QPointer<Mutation>> m_restored;
    QStringList m_errors;
    int m_commits = 0;
};

} // namespace refetch
