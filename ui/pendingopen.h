#pragma once

#include "core/persist/draftstore.h"

#include <QString>
#include <optional>

namespace refetch {

class ApiConnection;
class SettingsStore;

// What the window opens by itself once an endpoint lists its resources: the list the user had open last time, the
// endpoint given on the command line, a new endpoint added in the settings, the list whose settings changed, or
// the record whose unsaved edits were kept as a draft. One wish at a time: each replaces the last, the user's own
// choice drops it, and the window asks next() what to do whenever an endpoint may be ready.
class PendingOpen
{
public:
    // What the window does for a connection now.
    struct Step
    {
        enum class Kind {
            Nothing,        // not the endpoint wanted
            OpenResource,   // it lists its resources: open `resource` (the wish is done)
            ShowEndpoint,   // it lists none yet: show its page, which says why (looking, or could not reach it)
        };
        Kind kind = Kind::Nothing;
        QString resource;
    };

    // Starts with the list the user had open last time, as `settings` remember it (see remember()).
    explicit PendingOpen(SettingsStore *settings);

    // Opens `resource` of endpoint `endpointId` once it is listed; empty, or not listed: its first resource.
    void open(const QString &endpointId, const QString &resource);
    // Opens endpoint `endpointId`: the resource wanted already if the user was on this endpoint last time, else
    // its first.
    void openEndpoint(const QString &endpointId);
    // When the endpoint wanted is none of `connections` (or none is wanted): the first of them, with the resource
    // wanted if it lists it.
    void fallBackTo(const QList<ApiConnection *> &connections);
    // The user chose, or a list was shown: nothing opens by itself any more.
    void clear();
    // The list shown, to open first at the next start.
    void remember(const QString &endpointId, const QString &resource);

    QString endpoint() const { return m_endpoint; }
    QString resource() const { return m_resource; }
    bool wants(const QString &endpointId) const { return endpointId == m_endpoint; }

    // What to do for `connection` now that it may list its resources. Opening a resource ends the wish; so does
    // an endpoint that could not be reached (its page says why, and nothing opens when it answers later).
    Step next(const ApiConnection *connection);

    // At start: the newest draft of unsaved edits any of `connections` kept. Its endpoint and resource are wanted
    // then, and takeDraft() gives it once its resource is open. False when there is none.
    bool findDraft(const QList<ApiConnection *> &connections);
    // The draft found at start, when it belongs to `connection` (once: it is not given again). A draft of a
    // resource the endpoint no longer lists is dropped, with its file, and not given.
    std::optional<Draft> takeDraft(ApiConnection *connection);

private:
    SettingsStore *m_settings;
    QString m_endpoint;     // open this endpoint's resource once it is listed
    QString m_resource;     // empty: its first resource
    std::optional<Draft> m_draft;   // found at start, shown once its resource is open
};

} // namespace refetch
