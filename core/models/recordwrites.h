#pragma once

#include "core/json/json.h"

#include <QList>
#include <QPointer>
#include <QStringList>

namespace refetch {

class Mutation;

// The writes of one record that RecordModel's form shows until they settle (those it submitted, and those of the
// record it found unsettled when it opened): each with the fields it carries and the server's values they were
// made on, in the order they were made.
class RecordWrites
{
public:
    // A write, until it settles: its fields, and the server's values they were made on.
    struct Write
    {
        QPointer<Mutation> mutation;
        Json fields;
        Json base;
    };

    void add(Mutation *m, const Json &fields, const Json &base);
    // Drops `m`'s write, and any whose mutation is gone.
    void remove(const Mutation *m);
    // `m`'s write, or nullptr.
    const Write *find(const Mutation *m) const;
    // The latest write that carries `field` and whose mutation is there, or nullptr.
    const Write *latestWith(const QString &field) const;
    // The fields the writes carry, each once, in the order the writes were made.
    QStringList fields() const;

    // Writes that wait for the server (Mutation::isWaitingForServer(), as the outbox lists them); every unsettled
    // one; whether one is under way (unsettled, not waiting).
    QList<Mutation *> waiting() const;
    QList<Mutation *> unsettled() const;
    bool isAnyUnderWay() const;

private:
    QList<Write> m_writes;
};

} // namespace refetch
