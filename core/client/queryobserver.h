#pragma once

#include "core/json/json.h"
#include "core/client/queryoptions.h"
#include "core/cache/querystate.h"
#include "core/client/scheduler.h"

#include <QObject>
#include <memory>

namespace refetch {

class Query;
class QueryClient;

// A view's subscription to one query: it holds the options the view wants (enabled, staleTime, select...),
// fetches on attach when the data is missing or stale, and signals changed() at most once per event-loop turn.
// Deleting the observer unsubscribes; the data stays cached for gcTime.
class QueryObserver : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool enabled READ isEnabled WRITE setEnabled)
    Q_PROPERTY(refetch::QueryStatus status READ status)
    Q_PROPERTY(refetch::FetchStatus fetchStatus READ fetchStatus)
public:
    QueryObserver(QueryClient *client, QueryOptions options, QObject *parent = nullptr);
    ~QueryObserver() override;

    QueryClient *client() const { return m_client; }
    const QueryOptions &options() const { return *m_options; }
    // Replaces the options; a new key moves the observer to that query (and fetches it if needed).
    void setOptions(QueryOptions options);
    bool isEnabled() const { return m_options->enabled; }
    void setEnabled(bool enabled);

    // The result, read from the query (data passes through `select`, computed once per data change).
    const Query *query() const { return m_query; }
    Json data() const;
    Json meta() const;   // Query::meta(): the total from X-Total-Count, links from a Link header
    const QueryError *error() const;
    QueryStatus status() const;
    FetchStatus fetchStatus() const;
    bool isPending() const { return status() == QueryStatus::Pending; }
    bool isSuccess() const { return status() == QueryStatus::Success; }
    bool isError() const { return status() == QueryStatus::Error; }
    bool isFetching() const { return fetchStatus() == FetchStatus::Fetching; }
    bool isPaused() const { return fetchStatus() == FetchStatus::Paused; }
    bool isLoading() const { return isPending() && isFetching(); }   // first load, nothing to show yet
    bool isStale() const;
    TimePoint dataUpdatedAt() const;
    int failureCount() const;

    // Fetches now; with `cancelRunning` a fetch under way is aborted and started again, otherwise it is reused.
    void refetch(bool cancelRunning = false);

Q_SIGNALS:
    // What changed since the last signal, restricted to options().notifyOn. At most once per event-loop turn.
    void changed(refetch::QueryChanges what);

private:
    friend class QueryClient;
    friend class Notifier;

    // Called by the client when the query changed; batched through the notifier.
    void queryChanged(QueryChanges what);
    void deliver();
    void scheduleStaleMark();
    void scheduleInterval();
    void cancelTimers();

    QueryClient *m_client;
    std::shared_ptr<QueryOptions> m_options;
    Query *m_query = nullptr;
    QueryChanges m_pending;
    int m_notifySlot = -1;                // index in the notifier's batch, -1 when not scheduled
    Scheduler::TaskId m_staleTask = 0;
    Scheduler::TaskId m_intervalTask = 0;
    // select() is applied once per data version.
    mutable Json m_selectedFrom;
    mutable Json m_selected;
};

} // namespace refetch
