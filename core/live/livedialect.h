#pragma once

#include "core/client/clock.h"
#include "core/live/changeevent.h"

#include <QByteArray>
#include <QStringList>

#include <memory>

namespace refetch {

// What a stream is asked to follow: the endpoint's resources, how its records are identified, its token.
struct LiveSubscription
{
    QStringList resources;
    QString idField = QStringLiteral("id");
    QString token;          // the bearer token of the endpoint's Authorization header, for dialects that send it
};

// How one kind of server words its change stream (Refine's live provider per backend): what to send once
// connected (subscriptions), what to send to stay connected (a heartbeat), and how a message reads as changes
// {resource, id, action}. Pure functions of their input: the stream and its transport are ChangeStream's.
class LiveDialect
{
public:
    virtual ~LiveDialect() = default;

    // "plain", "directus", "supabase", "strapi"
    virtual QString name() const = 0;
    // Messages to send once a WebSocket opens (authentication, subscriptions); none for SSE.
    virtual QList<QByteArray> openingMessages(const LiveSubscription &subscription) const;
    // A message to send every heartbeatInterval() while open, numbered by `ref`; empty: none.
    virtual QByteArray heartbeat(quint64 ref) const;
    virtual Millis heartbeatInterval() const { return Millis{0}; }
    // The WebSocket URL's query parameter that carries the last event id on reconnecting; empty: the server
    // cannot resume (SSE always sends Last-Event-ID).
    virtual QString resumeParameter() const { return {}; }
    // Reads one message: an SSE event's type and data, or a WebSocket text message (type empty).
    virtual LiveReading read(const QString &type, const QByteArray &data, const LiveSubscription &subscription) const = 0;

    // The dialect of that name, or nullptr.
    static std::unique_ptr<LiveDialect> create(const QString &name);
    static QStringList names();

    // The endpoint's resource a server's name for a collection means: the same name (any case), a resource
    // whose last path segment it is ("items/posts" for Directus's "posts"), or its plural ("post" ->
    // "posts", "category" -> "categories"); the name itself when none is.
    static QString resourceFor(const QString &name, const QStringList &resources);
};

} // namespace refetch
