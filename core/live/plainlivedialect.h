#pragma once

#include "core/live/livedialect.h"

namespace refetch {

// The plain change stream, the built-in sample API's: one event per change, its data
// {"resource": "posts", "id": 7, "action": "created|updated|deleted"} (an array of them is read too). Over SSE
// the event's type says what it is ("change" or "message"; "ready" with {"resumed": bool} greets each
// connection, "resync" says the server lost track); over a WebSocket each text message is such an object with
// "type" and "eventId" beside, and the last event id goes back as ?lastEventId= on reconnecting.
class PlainLiveDialect final : public LiveDialect
{
public:
    QString name() const override { return QStringLiteral("plain"); }
    QString resumeParameter() const override { return QStringLiteral("lastEventId"); }
    LiveReading read(const QString &type, const QByteArray &data, const LiveSubscription &subscription) const override;
};

} // namespace refetch
