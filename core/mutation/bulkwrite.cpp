#include "bulkwrite.h"

#include "mutationqueue.h"

namespace refetch {

BulkWrite::BulkWrite(MutationQueue *queue, QList<Item> items, QObject *parent) : QObject(parent), m_queue(queue)
{
    m_items.reserve(items.size());
    for (Item &item : items)
        m_items.append(Entry{.item = std::move(item)});
}

BulkWrite::~BulkWrite()
{
    for (const Entry &e : std::as_const(m_items)) {
        if (e.mutation)
            e.mutation->disconnect(this);
    }
}

void BulkWrite::start()
{
    m_reportedDone = false;
    for (Entry &e : m_items) {
        if (!e.mutation && e.status == Mutation::Status::Idle)
            launch(e);
    }
    if (m_items.isEmpty())
        QMetaObject::invokeMethod(this, &BulkWrite::onSettled, Qt::QueuedConnection);
}

void BulkWrite::launch(Entry &e)
{
    e.error.reset();
    e.status = Mutation::Status::Idle;
    e.mutation = m_queue->mutate(e.item.options, e.item.variables);
    if (!e.mutation) {
        e.status = Mutation::Status::Failed;
        return;
    }
    Mutation *m = e.mutation;
    connect(m, &Mutation::failed, this, [this, m](const MutationError &error) {
        for (Entry &x : m_items) {
            if (x.mutation == m)
                x.error = error;
        }
    });
    connect(m, &Mutation::settled, this, [this, m] {
        for (Entry &x : m_items) {
            if (x.mutation == m)
                x.status = m->status();
        }
        onSettled();
    });
}

void BulkWrite::onSettled()
{
    Q_EMIT progressed();
    if (isDone() && !m_reportedDone) {
        m_reportedDone = true;
        Q_EMIT finished();
    }
}

void BulkWrite::retryFailed()
{
    m_reportedDone = false;
    bool any = false;
    for (Entry &e : m_items) {
        if (e.status == Mutation::Status::Failed) {
            launch(e);
            any = true;
        }
    }
    if (any)
        Q_EMIT progressed();
}

bool BulkWrite::undo()
{
    // Newest first: each puts back what it changed in the cache, which is what it holds once the later ones are undone.
    bool any = false;
    for (auto it = m_items.crbegin(); it != m_items.crend(); ++it) {
        if (it->mutation && it->mutation->canUndo())
            any = it->mutation->undo() || any;
    }
    return any;
}

bool BulkWrite::canUndo() const
{
    return std::any_of(m_items.cbegin(), m_items.cend(), [](const Entry &e) { return e.mutation && e.mutation->canUndo(); });
}

int BulkWrite::succeeded() const
{
    return int(std::count_if(m_items.cbegin(), m_items.cend(), [](const Entry &e) { return e.status == Mutation::Status::Succeeded; }));
}

int BulkWrite::failed() const
{
    return int(std::count_if(m_items.cbegin(), m_items.cend(), [](const Entry &e) { return e.status == Mutation::Status::Failed; }));
}

int BulkWrite::undone() const
{
    return int(std::count_if(m_items.cbegin(), m_items.cend(), [](const Entry &e) { return e.status == Mutation::Status::Undone; }));
}

int BulkWrite::pending() const
{
    return total() - succeeded() - failed() - undone();
}

QList<BulkWrite::Failure> BulkWrite::failures() const
{
    QList<Failure> out;
    for (const Entry &e : m_items) {
        if (e.status != Mutation::Status::Failed)
            continue;
        const MutationError error = e.error.value_or(MutationError{});
        out.append(Failure{.id = e.item.id, .why = e.error ? e.error->toString() : tr("not sent"), .error = error});
    }
    return out;
}

QList<Mutation *> BulkWrite::mutations() const
{
    QList<Mutation *> out;
    for (const Entry &e : m_items) {
        if (e.mutation)
            out.append(e.mutation);
    }
    return out;
}

} // namespace refetch
