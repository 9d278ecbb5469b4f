#pragma once

#include "core/client/clock.h"
#include "core/live/changeevent.h"
#include "core/cache/tag.h"

#include <QHash>
#include <QObject>
#include <QPointer>

namespace refetch {

class Mutation;
class MutationQueue;
class QueryClient;
class ResourceTags;

struct LiveInvalidatorOptions
{
    QString endpoint;                        // the endpoint whose queries the changes concern (ResourceTags')
    QString idField = QStringLiteral("id");
    // How long after one of our own writes succeeded its echo from the server is expected: a change of that
    // record in that time, when no echo came while the write was under way, is taken for it.
    Millis echoWindow{3000};
};

// Turns a server's changes into exactly the invalidations a write of the same change would make (ResourceTags,
// as ApiConnection's mutation options name them): created -> the resource's lists; updated and deleted -> the
// lists and every entry holding the record (its detail, the reference labels naming it). Active entries refetch
// at the end of the turn, inactive ones are only marked stale. The cache inspector's timeline names the event
// behind each invalidation ("from live event: updated posts 7 (id 42)").
//
// Our own writes come back as events too. A change of a record one of our writes to it is under way for waits
// for that write: when it succeeds, the write's own invalidation (made after the event came) covers it and the
// event is dropped; when it fails, the event is applied then. A write that succeeded with no such event
// expects its echo for `echoWindow`, and the first matching change in that time is dropped as that echo. So
// a save refetches its record once, not twice.
class LiveInvalidator : public QObject
{
    Q_OBJECT
public:
    // `queue` may be null (no echo handling).
    LiveInvalidator(QueryClient *client, MutationQueue *queue, LiveInvalidatorOptions options, QObject *parent = nullptr);
    ~LiveInvalidator() override;

    // Applies one change; `source` says where it came from, for the timeline ("SSE", "WebSocket").
    void apply(const ChangeEvent &change, const QString &source = {});
    // Everything of the endpoint may have changed (the server lost track, or a reconnect could not resume).
    void invalidateAll(const QString &why);

    // The tags `change` makes out of date.
    static TagList tagsFor(const ChangeEvent &change, const ResourceTags &tags);

    int appliedCount() const { return m_applied; }
    int echoCount() const { return m_dropped; }

Q_SIGNALS:
    // A change invalidated `matched` entries.
    void applied(const refetch::ChangeEvent &change, int matched);
    // A change was our own write's echo, already covered by its invalidation.
    void echoDropped(const refetch::ChangeEvent &change);

private:
    struct Echo
    {
        QString resource;
        Json id;
        ChangeAction action;
        TimePoint until;
    };
    void watch(Mutation *mutation);
    void onSettled(Mutation *mutation);
    void invalidate(const ChangeEvent &change, const QString &source);
    Mutation *writeUnderWay(const ChangeEvent &change) const;
    bool takeEcho(const ChangeEvent &change);

    QPointer<QueryClient> m_client;
    QPointer<MutationQueue> m_queue;
    LiveInvalidatorOptions m_options;
    QList<QPointer<Mutation>> m_underWay;
    QHash<const Mutation *, QList<std::pair<ChangeEvent, QString>>> m_held;   // changes waiting for a write
    QList<Echo> m_expected;
    int m_applied = 0;
    int m_dropped = 0;
};

} // namespace refetch
