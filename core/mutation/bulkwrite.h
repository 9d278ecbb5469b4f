#pragma once

#include "core/json/json.h"
#include "core/mutation/mutation.h"
#include "core/mutation/mutationerror.h"

#include <QList>
#include <QObject>
#include <QPointer>

namespace refetch {

class MutationQueue;

// One write of many records (delete the 50 rows selected, set their status): a write per record through the queue,
// so that each is optimistic, persisted before it is sent (a crash in the middle loses nothing and sends nothing
// twice), ordered after earlier writes to its record, and sent a few at a time (MutationQueue::maxInFlight). It
// follows them as one: how many went through, which failed and why (only those roll back), a retry of the failed
// ones, and an undo of those not sent yet.
class BulkWrite : public QObject
{
    Q_OBJECT
public:
    struct Item
    {
        Json id;                  // the record, to name it
        MutationOptions options;
        Json variables;
    };
    struct Failure
    {
        Json id;
        QString why;
        MutationError error;
    };

    BulkWrite(MutationQueue *queue, QList<Item> items, QObject *parent = nullptr);
    ~BulkWrite() override;

    void start();
    // Sends the failed ones again (a new write each, as made by the same options).
    void retryFailed();
    // Undoes every write still in its undo time (nothing of it was sent); true when there was one.
    bool undo();
    bool canUndo() const;

    int total() const { return int(m_items.size()); }
    int succeeded() const;
    int failed() const;
    int undone() const;
    int pending() const;   // not settled yet
    bool isDone() const { return pending() == 0; }
    QList<Failure> failures() const;
    QList<Mutation *> mutations() const;

Q_SIGNALS:
    // A write settled, or the counts changed otherwise.
    void progressed();
    // Every write settled (after start(), and after each retryFailed()).
    void finished();

private:
    struct Entry
    {
        Item item;
        QPointer<Mutation> mutation;
        Mutation::Status status = Mutation::Status::Idle;
        std::optional<MutationError> error;
    };
    void launch(Entry &entry);
    void onSettled();

    MutationQueue *m_queue;
    QList<Entry> m_items;
    bool m_reportedDone = false;
};

} // namespace refetch
