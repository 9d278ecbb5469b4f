#pragma once

#include "core/live/livedialect.h"

namespace refetch {

// Strapi's change events, as its webhooks word them and a relay (SSE or WebSocket) passes them on:
// {"event": "entry.create|entry.update|entry.delete|entry.publish|entry.unpublish", "model": "post",
// "uid": "api::post.post", "entry": {"id": 1, "documentId": "...", ...}}. The model is singular, the resource
// its plural ("post" -> "posts"); the id is the entry's id field (Strapi 5's REST paths take documentId, which
// is used when the endpoint's id field is not in the entry). Strapi has no stream of its own: read from
// Strapi's webhook documentation, not run against a Strapi.
class StrapiLiveDialect final : public LiveDialect
{
public:
    QString name() const override { return QStringLiteral("strapi"); }
    LiveReading read(const QString &type, const QByteArray &data, const LiveSubscription &subscription) const override;
};

} // namespace refetch
