#pragma once

#include "core/mutation/mutation.h"
#include "core/mutation/persistedmutation.h"

#include <QHash>
#include <QObject>

#include <deque>
#include <QPointer>

namespace refetch {

class Endpoint;

// The writes of one client (query-core's mutationCache): it makes and owns them, runs the writes of one record
// one after another in the order they were made, pauses them while the network is gone and replays them in
// order when it returns, and hands them out as plain data to persist and re-create after a restart.
class MutationQueue : public QObject
{
    Q_OBJECT
public:
    // The queue follows the client's OnlineSource and uses its clock and scheduler. It must go before the client.
    explicit MutationQueue(QueryClient *client, QObject *parent = nullptr);
    ~MutationQueue() override;

    QueryClient *client() const { return m_client; }

    // Endpoints by EndpointConfig::name (a later one with the same name replaces the earlier one, and writes
    // paused for its sign-in go if its credentials are good); they must outlive the queue or be removed first.
    void addEndpoint(const Endpoint *endpoint);
    void removeEndpoint(const QString &name);
    const Endpoint *endpoint(const QString &name) const { return m_endpoints.value(name); }

    // Makes a write of `variables`. An optimistic or undoable one changes the cache now, and again in the data
    // fetched until it settles (a refetch does not bring a deleted row back meanwhile); the request starts (or
    // waits its turn) once control is back in the event loop, so connect to the handle's signals first.
    Mutation *mutate(const MutationOptions &options, const Json &variables = {});

    // Unsettled mutations, in the order they were made.
    QList<Mutation *> mutations() const;
    // The unsettled mutation of that id (MutationOptions::mutationId), restored ones included; null when none.
    Mutation *find(const QString &id) const;
    int pausedCount() const;
    // Whether the writes to `endpoint` wait for the user to sign in again: the server refused its credentials and
    // they could not be renewed (Credentials::State::SignInNeeded). They go, in order, once they are renewed.
    bool needsSignIn(const QString &endpoint) const;
    // Tries paused writes again now (a "retry now" button). They also resume, in order, when the OnlineSource
    // comes back online, and, when it never went offline, after a growing delay (reconnectDelay()).
    void resumePaused();
    // Drops the unsettled writes to `endpoint` (it is being removed), so that none is sent or sent again: one not
    // sent yet is undone, one under way has its request aborted and fails as cancelled. Returns how many.
    int discard(const QString &endpoint);

    // The unsettled writes as plain data, in order: save them with the cache.
    QList<PersistedMutation> persisted() const;
    Json toJson() const;
    // Re-creates writes saved earlier (call it before making new ones): they run in their order, with their
    // idempotency keys; their cache changes are not applied again, and roll back as usual on failure. Their
    // default optimistic changes (not a MutationOptions::optimisticUpdate) hold over data put back or fetched
    // while they wait, and an undoable one not sent yet waits its undoDelayAfterRestart again.
    // A write already in the queue (same id) is skipped; entries that cannot be read are reported in `errors`.
    QList<Mutation *> restore(const QList<PersistedMutation> &mutations);
    QList<Mutation *> restore(const Json &json, QStringList *errors = nullptr);

    // How long a settled handle stays alive for its holders (then it is deleted).
    Millis settledLifetime() const { return m_settledLifetime; }
    void setSettledLifetime(Millis t) { m_settledLifetime = std::max(t, Millis{0}); }
    // At most this many settled writes are kept for their lifetime; past it the oldest go at once (a burst of
    // thousands of saves does not hold thousands of handles for minutes).
    int settledLimit() const { return m_settledLimit; }
    void setSettledLimit(int limit) { m_settledLimit = std::max(limit, 0); }
    // After a connection failure while the OnlineSource says online: the first retry delay, doubled up to `max`.
    Millis reconnectDelay() const { return m_reconnectDelay; }
    void setReconnectDelay(Millis first, Millis max);
    // Writes in flight to one endpoint at most (the others wait their turn, in order): a bulk edit of 500 rows sends
    // 6 requests at a time, as a browser talks to one host, and none waits in the network stack long enough to time
    // out there.
    int maxInFlight() const { return m_maxInFlight; }
    void setMaxInFlight(int n) { m_maxInFlight = std::max(1, n); }
    static constexpr int DefaultMaxInFlight = 6;

Q_SIGNALS:
    void mutationAdded(refetch::Mutation *mutation);
    void mutationSettled(refetch::Mutation *mutation);
    // The persisted form changed (a write was added or settled, an ETag was passed on): time to save it.
    void changed();

private:
    friend class Mutation;

    Mutation *add(PersistedMutation data, Mutation::Live live, std::optional<TimePoint> restoredAt = {});
    QByteArray cachedEtag(const PersistedMutation &data) const;
    bool isOnline() const;
    bool canSend() const { return isOnline() && !m_networkDown; }
    void pump();
    void pumpLater();
    void onOnlineChanged(bool online);
    void networkFailed();
    void serverReached();
    void onSettled(Mutation *m);
    void passEtagOn(const Mutation *m);
    // Applies `m`'s optimistic change again to the entries of its record (only `only`, when given).
    void reapplyChange(Mutation *m, const Query *only = nullptr);
    void onQueryUpdated(Query *q, QueryChanges changes);

    QPointer<QueryClient> m_client;
    QHash<QString, const Endpoint *> m_endpoints;
    QList<QPointer<Mutation>> m_mutations;   // unsettled, in the order they were made
    // Settled, not yet deleted, oldest first, with when each goes: one scheduled sweep serves them all.
    std::deque<std::pair<QPointer<Mutation>, TimePoint>> m_settled;
    int m_settledLimit = 1000;
    Scheduler::TaskId m_settledSweep = 0;
    TimePoint m_settledSweepAt = TimePoint::max();
    void sweepSettled();
    bool m_networkDown = false;              // a request could not connect; cleared by the next probe
    int m_probeFailures = 0;
    Scheduler::TaskId m_probeTask = 0;
    Millis m_reconnectDelay{1000};
    int m_maxInFlight = DefaultMaxInFlight;
    Millis m_maxReconnectDelay{60000};
    Millis m_settledLifetime{std::chrono::minutes(5)};
    bool m_watchingUpdates = false;
    bool m_reapplying = false;
    bool m_pumping = false;
    bool m_pumpAgain = false;
    bool m_pumpQueued = false;
};

} // namespace refetch
