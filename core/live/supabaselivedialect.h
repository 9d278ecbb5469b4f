#pragma once

#include "core/live/livedialect.h"

namespace refetch {

// Supabase Realtime's Postgres changes (Phoenix channels over a WebSocket): once open, a phx_join of topic
// "realtime:refetch" asking for every change of schema public (with the access token when the endpoint has
// one), a heartbeat on topic "phoenix" every 25 s; a change reads the same in each of the shapes it comes in:
// {"event": "postgres_changes", "payload": {"data": {"type": "UPDATE", "table": "posts", "record", "old_record"}}}
// (Realtime v2), {"event": "UPDATE", "payload": {"type", "table", "record", "old_record"}} (v1), or the change
// itself, {"type": "UPDATE", "table": "posts", "record": {...}, "old_record": {...}} (also a database webhook's
// body). The id comes from the record, else from old_record (a DELETE has only that). Read from Supabase's
// documentation and client libraries, not run against a Supabase.
class SupabaseLiveDialect final : public LiveDialect
{
public:
    QString name() const override { return QStringLiteral("supabase"); }
    QList<QByteArray> openingMessages(const LiveSubscription &subscription) const override;
    QByteArray heartbeat(quint64 ref) const override;
    Millis heartbeatInterval() const override { return Millis{25000}; }
    LiveReading read(const QString &type, const QByteArray &data, const LiveSubscription &subscription) const override;
};

} // namespace refetch
