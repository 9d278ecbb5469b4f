#pragma once

#include "core/json/json.h"

#include <QList>
#include <QString>

#include <optional>

namespace refetch {

// What a server's change stream says happened to one record.
enum class ChangeAction : quint8 { Created, Updated, Deleted };

// One change a server announced: a record of `resource` created, updated or deleted (Refine's live event), and
// the stream's id for it, when it has one. Whatever the dialect, its messages are read into these.
struct ChangeEvent
{
    QString resource;
    Json id;                 // Undefined when the server did not say (a create announced without its record)
    ChangeAction action = ChangeAction::Updated;
    QString eventId;         // the stream's id of the event (SSE's id, a sequence number); empty when none

    // "updated posts 7", "created posts", "deleted users 3"
    QString describe() const;
    static QString actionName(ChangeAction action);   // "created", "updated", "deleted"
    // "created", "create", "insert", "INSERT" ... -> the action; nullopt for anything else.
    static std::optional<ChangeAction> actionFrom(QStringView name);

    friend bool operator==(const ChangeEvent &, const ChangeEvent &) = default;
};

// What one message of a stream says: changes, and what the stream itself should do about it.
struct LiveReading
{
    QList<ChangeEvent> changes;
    bool resync = false;       // the server cannot say what changed (it lost track): everything may have
    std::optional<bool> resumed; // a greeting: whether the server resumed after the last event id we sent
    QByteArray reply;          // to send back (a pong to a ping); empty: nothing
    QString eventId;           // the stream's position after this message, when the message carries one
};

} // namespace refetch
