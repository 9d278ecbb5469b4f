#pragma once

#include "core/json/json.h"
#include "core/mutation/mutation.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

namespace refetch {

class MutationQueue;

// The writes a person waits on (what a mail client's outbox shows): the unsettled writes that are not simply under
// way (Mutation::isWaitingForServer(): the server does not answer, an earlier write of the same record has not
// settled, they come from the last run, or they wait for a retry). A write in its first request, or in an undo time
// the window offers itself (a delete's Undo bar), is not listed. The list row, the form and the status bar read it.
class PendingWrites : public QObject
{
    Q_OBJECT
public:
    // `queue` must outlive this.
    explicit PendingWrites(MutationQueue *queue, QObject *parent = nullptr);

    MutationQueue *queue() const { return m_queue; }
    // The waiting writes, in the order they were made.
    QList<Mutation *> writes() const;
    int count() const;
    int count(const QString &endpoint) const;
    bool isWaiting(const Mutation *m) const;
    // The waiting writes of one record, in order.
    QList<Mutation *> writesOf(const QString &endpoint, const QString &resource, const Json &id) const;
    bool hasWrites(const QString &endpoint, const QString &resource) const;

    // "tasks · 16: title, done" / "new tasks record: title" / "delete tasks · 16"
    static QString describe(const Mutation *m);
    // Why it waits, in a few words: "the server does not answer", "after an earlier change to tasks · 16",
    // "from the last session", "retry 2 after: HTTP 503".
    static QString reason(const Mutation *m);

Q_SIGNALS:
    // The list or a write's reason changed.
    void changed();
    // A write of this record started or stopped waiting, or its reason changed.
    void recordChanged(const QString &endpoint, const QString &resource, const refetch::Json &id);

private:
    void track(Mutation *m);
    void update(Mutation *m);

    MutationQueue *m_queue;
    QList<QPointer<Mutation>> m_waiting;   // in the order they were made
};

} // namespace refetch
