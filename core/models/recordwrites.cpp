#include "recordwrites.h"

#include "core/mutation/mutation.h"

namespace refetch {

void RecordWrites::add(Mutation *m, const Json &fields, const Json &base)
{
    m_writes.append(Write{m, fields, base});
}

void RecordWrites::remove(const Mutation *m)
{
    m_writes.removeIf([m](const Write &w) { return w.mutation == m || !w.mutation; });
}

const RecordWrites::Write *RecordWrites::find(const Mutation *m) const
{
    const auto it = std::find_if(m_writes.cbegin(), m_writes.cend(), [m](const Write &w) { return w.mutation == m; });
    return it != m_writes.cend() ? &*it : nullptr;
}

const RecordWrites::Write *RecordWrites::latestWith(const QString &field) const
{
    for (auto it = m_writes.crbegin(); it != m_writes.crend(); ++it) {
        // A write that just settled is still here until its outcome is handled: what it carried shows till then.
        if (it->mutation && it->fields.contains(field))
            return &*it;
    }
    return nullptr;
}

QStringList RecordWrites::fields() const
{
    QStringList out;
    for (const Write &w : m_writes) {
        for (qsizetype i = 0; i < w.fields.size(); ++i) {
            const QString f = w.fields.keyAt(i);
            if (!out.contains(f))
                out.append(f);
        }
    }
    return out;
}

bool RecordWrites::isAnyUnderWay() const
{
    return std::any_of(m_writes.cbegin(), m_writes.cend(), [](const Write &w) {
        return w.mutation && !w.mutation->isSettled() && !w.mutation->isWaitingForServer();
    });
}

QList<Mutation *> RecordWrites::unsettled() const
{
    QList<Mutation *> out;
    for (const Write &w : m_writes) {
        if (w.mutation && !w.mutation->isSettled())
            out.append(w.mutation);
    }
    return out;
}

QList<Mutation *> RecordWrites::waiting() const
{
    QList<Mutation *> out;
    for (const Write &w : m_writes) {
        if (w.mutation && w.mutation->isWaitingForServer())
            out.append(w.mutation);
    }
    return out;
}

} // namespace refetch
