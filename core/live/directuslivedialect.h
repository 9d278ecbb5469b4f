#pragma once

#include "core/live/livedialect.h"

namespace refetch {

// Directus's WebSocket subscriptions (/websocket): once open, {"type": "auth", "access_token"} when the
// endpoint has a token, then {"type": "subscribe", "collection": "posts", "uid": "posts"} for each resource;
// changes come as {"type": "subscription", "event": "create|update|delete", "uid": "posts", "data": [...]}
// (whole items for create and update, ids for delete), and {"type": "ping"} is answered {"type": "pong"}.
// Read from Directus's documentation (guides/real-time/subscriptions/websockets), not run against a Directus.
class DirectusLiveDialect final : public LiveDialect
{
public:
    QString name() const override { return QStringLiteral("directus"); }
    QList<QByteArray> openingMessages(const LiveSubscription &subscription) const override;
    LiveReading read(const QString &type, const QByteArray &data, const LiveSubscription &subscription) const override;
};

} // namespace refetch
