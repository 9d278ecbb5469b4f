#include "core/mutation/pendingwrites.h"

#include "core/mutation/mutationqueue.h"
#include "core/mutation/resourcetags.h"
#include "core/providers/dataprovider.h"

namespace refetch {

namespace {

QString fieldsOf(const Json &variables, const QString &idField)
{
    QStringList fields;
    for (qsizetype i = 0; variables.isObject() && i < variables.size(); ++i) {
        if (variables.keyAt(i) != idField)
            fields.append(variables.keyAt(i));
    }
    if (fields.size() > 4)
        return PendingWrites::tr("%1 and %2 more fields").arg(fields.mid(0, 3).join(u", ")).arg(fields.size() - 3);
    return fields.join(u", ");
}

} // namespace

PendingWrites::PendingWrites(MutationQueue *queue, QObject *parent) : QObject(parent), m_queue(queue)
{
    connect(queue, &MutationQueue::mutationAdded, this, &PendingWrites::track);
    connect(queue, &MutationQueue::mutationSettled, this, &PendingWrites::update);
    for (Mutation *m : queue->mutations())
        track(m);
}

void PendingWrites::track(Mutation *m)
{
    connect(m, &Mutation::statusChanged, this, [this, m] { update(m); });
    update(m);
}

bool PendingWrites::isWaiting(const Mutation *m) const
{
    return std::any_of(m_waiting.cbegin(), m_waiting.cend(), [m](const QPointer<Mutation> &p) { return p == m; });
}

void PendingWrites::update(Mutation *m)
{
    const bool waits = m->isWaitingForServer();
    const bool was = isWaiting(m);
    if (waits && !was) {
        // In the queue's order.
        const QList<Mutation *> order = m_queue->mutations();
        const qsizetype at = order.indexOf(m);
        qsizetype i = 0;
        while (i < m_waiting.size() && m_waiting[i] && order.indexOf(m_waiting[i].data()) < at)
            ++i;
        m_waiting.insert(i, m);
    } else if (!waits && was) {
        m_waiting.removeIf([m](const QPointer<Mutation> &p) { return p == m || !p; });
    } else if (!waits) {
        return;
    }
    Q_EMIT recordChanged(m->data().endpoint, m->data().resource, m->data().recordId);
    Q_EMIT changed();
}

QList<Mutation *> PendingWrites::writes() const
{
    QList<Mutation *> out;
    for (const QPointer<Mutation> &p : m_waiting) {
        if (p && !p->isSettled())
            out.append(p);
    }
    return out;
}

int PendingWrites::count() const
{
    return int(writes().size());
}

int PendingWrites::count(const QString &endpoint) const
{
    const QList<Mutation *> all = writes();
    return int(std::count_if(all.cbegin(), all.cend(), [&](const Mutation *m) { return m->data().endpoint == endpoint; }));
}

QList<Mutation *> PendingWrites::writesOf(const QString &endpoint, const QString &resource, const Json &id) const
{
    QList<Mutation *> out;
    for (Mutation *m : writes()) {
        const PersistedMutation &d = m->data();
        if (d.endpoint == endpoint && d.resource == resource && !d.recordId.isUndefined() && ResourceTags::sameId(d.recordId, id))
            out.append(m);
    }
    return out;
}

bool PendingWrites::hasWrites(const QString &endpoint, const QString &resource) const
{
    const QList<Mutation *> all = writes();
    return std::any_of(all.cbegin(), all.cend(), [&](const Mutation *m) {
        return m->data().endpoint == endpoint && m->data().resource == resource;
    });
}

QString PendingWrites::describe(const Mutation *m)
{
    const PersistedMutation &d = m->data();
    const QString resource = d.resource.isEmpty() ? d.path : d.resource;
    const QString fields = fieldsOf(d.variables, d.idField);
    if (d.method == "DELETE")
        return tr("delete %1 · %2").arg(resource, DataProvider::idText(d.recordId));
    if (d.method == "POST" && d.recordId.isUndefined())
        return fields.isEmpty() ? tr("new %1 record").arg(resource) : tr("new %1 record: %2").arg(resource, fields);
    const QString record = d.recordId.isUndefined()
        ? resource
        : QStringLiteral("%1 · %2").arg(resource, DataProvider::idText(d.recordId));
    return fields.isEmpty() ? record : u"%1: %2"_qs.arg(record, fields);
}

QString PendingWrites::reason(const Mutation *m)
{
    switch (m->status()) {
    case Mutation::Status::Paused:
        if (m->queue() && m->queue()->needsSignIn(m->data().endpoint))
            return tr("waiting for you to sign in again");
        return tr("the server does not answer");
    case Mutation::Status::Unconfirmed:
        return m->matches().isEmpty()
            ? tr("may already have been created before Refetch stopped; the server could not be asked")
            : m->matches().size() == 1
            ? tr("may already have been created before Refetch stopped: 1 record like it is on the server")
            : tr("may already have been created before Refetch stopped: %1 records like it are on the server")
                  .arg(m->matches().size());
    case Mutation::Status::Waiting:
        return m->isRestored() ? tr("from the last session, after the changes made before it")
                               : tr("after an earlier change");
    case Mutation::Status::Sending:
        if (m->failureCount() > 0)
            return (m->failureCount() == 1 ? tr("tried once; trying again") : tr("tried %1 times; trying again").arg(m->failureCount()));
        return tr("from the last session; checking whether it already arrived");
    case Mutation::Status::Idle:
        return tr("from the last session");
    default:
        return QString();
    }
}

} // namespace refetch
