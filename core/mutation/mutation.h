#pragma once

#include "core/http/httptransport.h"
#include "core/mutation/mutationerror.h"
#include "core/mutation/persistedmutation.h"
#include "core/cache/querycache.h"
#include "core/client/queryclient.h"
#include "core/client/retrypolicy.h"
#include "core/client/scheduler.h"

#include <QObject>
#include <functional>
#include <memory>
#include <optional>

namespace refetch {

class DataProvider;
class Endpoint;
class MutationQueue;
class MutationAttempt;

// What a mutation's transport hands back: the server's answer, or an error with the error body.
struct MutationResult
{
    Json data;                        // the answer (null for an empty body); with an error, the body when it is JSON
    QByteArray etag;                  // the record's ETag after the write (or, with a 412, the server's current one)
    std::optional<QueryError> error;

    static MutationResult success(Json data, QByteArray etag = {})
    {
        return MutationResult{.data = std::move(data), .etag = std::move(etag)};
    }
    static MutationResult failure(QueryError error, Json body = {})
    {
        return MutationResult{.data = std::move(body), .error = std::move(error)};
    }
};

// What a mutation's transport gets: the request as built (method, URL, the endpoint's headers and the
// mutation's, If-Match, Idempotency-Key, body), the variables, and the way to answer. Answering more than once,
// or after the attempt was abandoned, does nothing.
class MutationFnContext
{
public:
    explicit MutationFnContext(std::shared_ptr<MutationAttempt> attempt) : m_attempt(std::move(attempt)) {}

    const HttpRequest &request() const;
    const Json &variables() const;
    const Json &body() const;
    int attempt() const;   // 0 for the first try, n for retry n

    void resolve(MutationResult result) const;
    void resolve(Json data) const { resolve(MutationResult::success(std::move(data))); }
    void reject(QueryError error, Json body = {}) const { resolve(MutationResult::failure(std::move(error), std::move(body))); }
    // How to abort the work (e.g. QNetworkReply::abort); called at most once, if the attempt is abandoned.
    void onCancel(std::function<void()> cancel) const;
    bool isCancelled() const;

private:
    std::shared_ptr<MutationAttempt> m_attempt;
};

// A mutation's transport, the counterpart of QueryFn: HTTP through the endpoint by default, any function
// otherwise (a benchmark, a local database, a test).
using MutationFn = std::function<void(const MutationFnContext &)>;
// Tags to invalidate from the outcome, as in RTK Query: called on success (error null) and on failure (result
// Undefined); the tags it returns are invalidated either way.
using InvalidatesFn = std::function<TagList(const Json &result, const MutationError *error, const Json &variables)>;
// The record as the write will leave it, for optimistic modes; Undefined: the record is gone.
using RecordUpdateFn = std::function<Json(const Json &record, const Json &variables)>;

// Everything a form says about one write, as a plain struct:
// MutationOptions{.method = "PATCH", .path = "/posts/7", .resource = "posts", .invalidatesTags = posts.list()}.
struct MutationOptions
{
    // The request.
    QByteArray method = "POST";
    QString endpoint = QStringLiteral("default");           // an EndpointConfig::name known to the queue
    QString path;
    std::function<QString(const Json &variables)> pathFrom;  // instead of `path`
    std::function<Json(const Json &variables)> bodyFrom;     // default: the variables (no body for DELETE)
    HttpHeaders headers;
    MutationFn fn;                                           // default: HTTP through the endpoint

    // The record it writes: finds its cached lists and details, orders writes to it, and gives its ETag.
    QString resource;
    Json id;                                                 // default: variables[idField], except for POST
    QString idField = QStringLiteral("id");
    QByteArray etag;                                         // If-Match; default: the cached detail's ETag
    QString scope;                                           // same scope, one after another; default: the record
    // Writes made together (rows deleted at once): a UI undoes them together, after a restart too. Any text.
    QString batch;
    // The write's own id, which is also its Idempotency-Key; default: a new UUID. Given by a caller that must know
    // after a crash whether this write was made (an import resuming: MutationQueue::find()).
    QString mutationId;

    MutationMode mode = MutationMode::Pessimistic;
    Millis undoDelay{5000};                                  // Undoable: how long undo() is possible
    // Undoable: restored after a restart before it was sent, it waits this long again, counted from the restore,
    // so that the user can still undo it (a UI offers it from MutationStore::restored()); 0: it goes at once.
    Millis undoDelayAfterRestart{0};
    RecordUpdateFn optimisticUpdate;                         // default: PUT and PATCH merge the body; DELETE removes

    // What success makes out of date.
    TagList invalidatesTags;
    InvalidatesFn invalidatesTagsFrom;
    QList<QueryFilters> invalidatesQueries;
    RefetchType refetchType = RefetchType::Active;           // active matches refetch, the others are marked stale

    RetryPolicy retry = RetryPolicy::none();
};

// One write and its life (query-core's mutation, KDE's KJob): one object a form holds to follow it, read its
// readable error and the variables it sent, and undo it while it has not been sent. The MutationQueue owns it
// and deletes it MutationQueue::settledLifetime() after it settled: hold it in a QPointer.
class Mutation : public QObject
{
    Q_OBJECT
    Q_PROPERTY(refetch::Mutation::Status status READ status NOTIFY statusChanged)
public:
    enum class Status {
        Idle,       // made; it starts when control returns to the event loop
        Waiting,    // its undo delay runs, or an earlier write of the same scope has not settled
        Paused,     // offline, or the server could not be reached: resumes, in order, when the network returns
        // A create restored after a crash whose request may have arrived, to a server that does not honour
        // Idempotency-Key, and records like it exist: it waits for the user (confirmSend(), confirmCreated(),
        // undo()), holding up the writes behind it. matches() are those records.
        Sending,    // the request is under way (or waits for a retry)
        Succeeded,
        Failed,
        Undone,     // undo() before it was sent: nothing was sent
        Unconfirmed,
    };
    Q_ENUM(Status)

    ~Mutation() override;

    MutationQueue *queue() const { return m_queue; }
    // The write as plain data: what is persisted while it is queued.
    const PersistedMutation &data() const { return m_data; }
    QString idempotencyKey() const { return m_data.id; }
    MutationMode mode() const { return m_data.mode; }
    Status status() const { return m_status; }
    bool isSettled() const { return m_status == Status::Succeeded || m_status == Status::Failed || m_status == Status::Undone; }
    bool isPaused() const { return m_status == Status::Paused; }
    const Json &variables() const { return m_data.variables; }
    // The server's answer, after success.
    const Json &result() const { return m_result; }
    QByteArray resultEtag() const { return m_resultEtag; }
    const MutationError *error() const { return m_error ? &*m_error : nullptr; }
    int failureCount() const { return m_failureCount; }

    // Re-created by MutationQueue::restore() (made in an earlier run).
    bool isRestored() const { return m_restoredAt.has_value(); }
    // Undoable: when its undo time ends and it may be sent (a restored unsent one: its new undo time); else its
    // creation time.
    TimePoint undoDeadline() const;
    // It waits for the server as a person sees it (the outbox lists it, a form marks its fields): unsettled and
    // not simply under way, because the server does not answer (paused), an earlier write of its scope has not
    // settled, it comes from the last run, it waits for the user (Unconfirmed) or for a retry. Not in an undo time
    // (it is not made yet), nor in its first request.
    bool isWaitingForServer() const;

    // Possible until the request is sent (Undoable's delay, waiting for an earlier write, paused offline).
    // Not once its request may have reached the server (a restored write that was under way, or one paused after
    // a timeout): putting the record back would show what the server may no longer have. An Unconfirmed create
    // can be dropped: the user decides it is not sent again.
    bool canUndo() const
    {
        if (m_status == Status::Unconfirmed)
            return true;
        return !m_data.attempted
            && (m_status == Status::Idle || m_status == Status::Waiting || m_status == Status::Paused);
    }
    // Puts back what the write changed in the cache and sends nothing. False when it is too late.
    bool undo();

    // Unconfirmed: the records on the server that look like the one this create makes (its sent fields equal).
    const Json &matches() const { return m_matches; }
    // Unconfirmed: it was not created after all, send it again (a duplicate if it was).
    bool confirmSend();
    // Unconfirmed: it was created, as `record` (one of matches()): done, nothing sent.
    bool confirmCreated(const Json &record);

    // The default transport: HTTP through `endpoint`, reading the body of an error answer too.
    static MutationFn httpTransport(const Endpoint &endpoint);
    // A write's answer as its result: the record the dialect reads from it, or the error with its body.
    static MutationResult readResult(QNetworkReply *reply, const ResponseLimits &limits, const DataProvider &provider);

Q_SIGNALS:
    // Once, when the write starts (its optimistic change, if any, is already in the cache).
    void started();
    void statusChanged(refetch::Mutation::Status status);
    void succeeded(const refetch::Json &result);
    void failed(const refetch::MutationError &error);
    void undone();
    // Once, after succeeded, failed or undone.
    void settled();

private:
    friend class MutationQueue;
    friend class MutationAttempt;

    // The parts of the options that are functions: a restored mutation has none of them.
    struct Live
    {
        MutationFn fn;
        InvalidatesFn invalidatesFrom;
        QList<QueryFilters> filters;
        RetryPolicy retry = RetryPolicy::none();
        OptimisticUpdate::RecordFn change;   // its optimistic change, applied again to data fetched while it waits
    };

    Mutation(MutationQueue *queue, PersistedMutation data, Live live);

    QueryClient *client() const;
    void begin();
    void markReady();
    void send();
    bool needsCheckBeforeResend() const;
    // Restored after a crash with its request possibly out: reads the record first; already applied -> done,
    // changed by someone else since -> a conflict, else sent again with the record's current ETag.
    void checkBeforeResend();
    // The same for a create: looks for records like it (a list filtered by its fields, newest first).
    void checkCreatedBeforeResend();
    // Both checks' request: sent through the endpoint (without a transport, the write is sent as it is); a server
    // that does not answer pauses the write, still unchecked; any other answer goes to `onAnswer`.
    void readBeforeResend(const std::function<HttpRequest(const Endpoint &)> &makeRequest,
                          const std::function<void(const FetchResult &answer, int status, const QUrl &url)> &onAnswer);
    // Waits for the network with the other writes, in order (an outbox replay), and tells the queue.
    void pauseForNetwork();
    void onResult(MutationAttempt *attempt, MutationResult result);
    void resolveConflict(const MutationResult &result);
    void succeed(const MutationResult &result);
    void fail(MutationError error);
    // The queries named by invalidatesQueries (or, restored, its key filters).
    void invalidateQueries();
    void settle();
    void setStatus(Status status);
    void abandonAttempt();
    // Stops a write under way for good (its endpoint is removed): the request is aborted, it fails as cancelled.
    void abort(const QString &why);

    MutationQueue *m_queue;
    PersistedMutation m_data;
    Live m_live;
    Status m_status = Status::Idle;
    bool m_ready = false;           // its undo delay is over
    bool m_serial = false;          // it was paused: resumes one at a time with the others, in order
    bool m_checkedBeforeResend = false;
    int m_failureCount = 0;
    Scheduler::TaskId m_task = 0;   // the end of the undo delay, or the next retry
    std::optional<TimePoint> m_restoredAt;
    std::shared_ptr<MutationAttempt> m_attempt;
    Json m_result;
    Json m_matches;
    QByteArray m_resultEtag;
    std::optional<MutationError> m_error;
};

} // namespace refetch
