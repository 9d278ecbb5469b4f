#include "core/mutation/mutation.h"

#include "core/providers/dataprovider.h"

#include "core/inspect/cacheeventlog.h"
#include "core/http/endpoint.h"
#include "core/mutation/mutationqueue.h"
#include "core/mutation/resourcetags.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcMutation, "refetch.core.mutation", QtInfoMsg)

namespace refetch {

// One try of one write: the link between a transport and the mutation it answers for. An answer after the
// mutation moved on (or went away) finds the attempt dead and is dropped.
class MutationAttempt
{
public:
    MutationAttempt(Mutation *mutation, int attempt, HttpRequest request)
        : m_mutation(mutation), m_attempt(attempt), m_request(std::move(request)),
          m_variables(mutation->m_data.variables), m_body(mutation->m_data.body) {}

    bool isAlive() const { return !m_done && m_mutation && m_mutation->m_attempt.get() == this; }
    void kill()
    {
        m_done = true;
        if (auto cancel = std::exchange(m_cancel, {}))
            cancel();
    }
    void resolve(MutationResult result)
    {
        if (!isAlive())
            return;
        m_done = true;
        m_cancel = {};
        m_mutation->onResult(this, std::move(result));
    }

private:
    friend class MutationFnContext;

    QPointer<Mutation> m_mutation;
    int m_attempt;
    HttpRequest m_request;
    Json m_variables;
    Json m_body;
    std::function<void()> m_cancel;
    bool m_done = false;
};

const HttpRequest &MutationFnContext::request() const { return m_attempt->m_request; }
const Json &MutationFnContext::variables() const { return m_attempt->m_variables; }
const Json &MutationFnContext::body() const { return m_attempt->m_body; }
int MutationFnContext::attempt() const { return m_attempt->m_attempt; }
void MutationFnContext::resolve(MutationResult result) const { m_attempt->resolve(std::move(result)); }
bool MutationFnContext::isCancelled() const { return !m_attempt->isAlive(); }

void MutationFnContext::onCancel(std::function<void()> cancel) const
{
    if (m_attempt->isAlive())
        m_attempt->m_cancel = std::move(cancel);
}

// ---------------------------------------------------------------- Mutation

namespace {

bool isConditional(const QByteArray &method)
{
    return method == "PUT" || method == "PATCH" || method == "DELETE";
}

} // namespace

Mutation::Mutation(MutationQueue *queue, PersistedMutation data, Live live)
    : QObject(queue), m_queue(queue), m_data(std::move(data)), m_live(std::move(live))
{
}

Mutation::~Mutation()
{
    if (QueryClient *c = client())
        c->scheduler()->cancel(m_task);
    abandonAttempt();
}

QueryClient *Mutation::client() const
{
    return m_queue->client();
}

void Mutation::abandonAttempt()
{
    if (std::shared_ptr<MutationAttempt> attempt = std::exchange(m_attempt, {}))
        attempt->kill();
}

void Mutation::abort(const QString &why)
{
    client()->scheduler()->cancel(std::exchange(m_task, 0));
    abandonAttempt();
    QueryError e;
    e.kind = QueryError::Kind::Cancelled;
    e.method = m_data.method;
    e.url = QUrl(m_data.path);
    e.message = why;
    fail(MutationError::fromFailure(e));
}

void Mutation::setStatus(Status status)
{
    if (m_status == status)
        return;
    m_status = status;
    Q_EMIT statusChanged(status);
}

TimePoint Mutation::undoDeadline() const
{
    if (m_data.mode != MutationMode::Undoable)
        return m_data.createdAt;
    TimePoint at = m_data.createdAt + m_data.undoDelay;
    // Restored before it was sent: its first undo time ran out unseen (the app was gone), it gets a new one.
    if (m_restoredAt && !m_data.attempted && m_data.undoDelayAfterRestart.count() > 0)
        at = std::max(at, *m_restoredAt + m_data.undoDelayAfterRestart);
    return at;
}

bool Mutation::isWaitingForServer() const
{
    switch (m_status) {
    case Status::Paused:
    case Status::Unconfirmed:
        return true;
    case Status::Waiting:
        // In an undo time the window offers itself (the delete's Undo bar) it is not made yet.
        return undoDeadline() <= client()->now();
    case Status::Sending:
        return m_failureCount > 0 || (isRestored() && m_data.attempted);
    case Status::Idle:
        return isRestored();
    default:
        return false;   // settled
    }
}

void Mutation::begin()
{
    if (m_status != Status::Idle)
        return;   // undone before it started
    // Saved data put back since the restore may predate the change (the cache was saved before it).
    if (m_restoredAt)
        m_queue->reapplyChange(this);
    Q_EMIT started();
    if (m_data.mode == MutationMode::Undoable) {
        const TimePoint at = undoDeadline();
        if (at > client()->now()) {
            setStatus(Status::Waiting);
            m_task = client()->scheduler()->schedule(at, [this] {
                m_task = 0;
                markReady();
            });
            return;
        }
    }
    markReady();
}

void Mutation::markReady()
{
    m_ready = true;
    m_queue->pump();
}

bool Mutation::undo()
{
    if (!canUndo())
        return false;
    client()->scheduler()->cancel(std::exchange(m_task, 0));
    m_ready = false;
    m_live.change = {};   // no longer held: the rollback below must stick
    const OptimisticUpdate::Outcome outcome = m_data.optimistic.rollback(client());
    qCDebug(lcMutation) << "undone" << m_data.method << m_data.path << "restored" << outcome.restored
                        << "invalidated" << outcome.invalidated;
    setStatus(Status::Undone);
    Q_EMIT undone();
    settle();
    return true;
}

bool Mutation::needsCheckBeforeResend() const
{
    // Restored after a crash with its request possibly out: a server that does not honour Idempotency-Key (most
    // do not) would apply it twice, or refuse its old If-Match with a conflict against the user's own save. Only
    // a write to one known record can be checked; a POST is sent again with its key (see the README).
    if (!m_restoredAt || !m_data.attempted || m_checkedBeforeResend || m_live.fn)
        return false;
    // A create: unless its server honours the key, records like it are looked for first.
    if (m_data.method == "POST")
        return !m_data.keyHonoured && !m_data.resource.isEmpty() && m_data.variables.isObject();
    return !m_data.recordId.isUndefined() && isConditional(m_data.method);
}

void Mutation::readBeforeResend(const std::function<HttpRequest(const Endpoint &)> &makeRequest,
                                const std::function<void(const FetchResult &answer, int status, const QUrl &url)> &onAnswer)
{
    m_checkedBeforeResend = true;
    const Endpoint *endpoint = m_queue->endpoint(m_data.endpoint);
    QNetworkReply *reply = endpoint && endpoint->transport()
        ? endpoint->transport()->send(makeRequest(*endpoint), endpoint->config().limits)
        : nullptr;
    if (!reply) {
        send();
        return;
    }
    setStatus(Status::Sending);
    connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    connect(reply, &QNetworkReply::finished, this, [this, reply, limits = endpoint->config().limits, onAnswer] {
        if (isSettled())
            return;   // aborted meanwhile (its endpoint was removed)
        const FetchResult answer = HttpTransport::readJson(reply, limits);
        if (answer.error && MutationError::isConnectionFailure(*answer.error)) {
            // The server is not there to ask: the write waits, still unchecked, and asks again when it is back
            // (sending it now would skip the check; its earlier request may have arrived).
            m_checkedBeforeResend = false;
            pauseForNetwork();
            return;
        }
        onAnswer(answer, reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->url());
    });
}

void Mutation::pauseForNetwork()
{
    m_serial = true;
    setStatus(Status::Paused);
    m_queue->networkFailed();
}

void Mutation::checkCreatedBeforeResend()
{
    const Endpoint *endpoint = m_queue->endpoint(m_data.endpoint);
    const std::shared_ptr<const DataProvider> provider = endpoint ? endpoint->providerPtr() : nullptr;
    ListParams params;
    if (provider) {
        params.pageSize = 50;
        // The newest first, where the server can say: a record just made is there even if the filters are ignored.
        if (provider->canSort(m_data.resource, m_data.idField)) {
            params.sort = m_data.idField;
            params.order = Qt::DescendingOrder;
        }
        for (qsizetype i = 0; i < m_data.variables.size(); ++i) {
            const QString field = m_data.variables.keyAt(i);
            const Json value = m_data.variables.valueAt(i);
            if (field == m_data.idField)
                continue;
            if (value.isString() && !value.toString().isEmpty() && value.toString().size() <= 200)
                params.filters.append({field, value.toString()});
            else if (value.isNumber() || value.isBool())
                params.filters.append({field, QString::fromUtf8(value.toJson())});
        }
    }
    readBeforeResend([&](const Endpoint &e) {
        HttpRequest request = provider->listRequest(e, m_data.resource, params);
        request.headers += provider->readHeaders();
        return request;
    }, [this, provider, params](const FetchResult &answer, int, const QUrl &) {
        // The records whose every sent field is what the create sent.
        Json matches = Json::array({});
        if (!answer.error) {
            const ListPage page = provider->parseList(answer.data, answer.meta, params);
            for (qsizetype r = 0; r < page.rows.size(); ++r) {
                const Json row = page.rows.at(r);
                bool same = row.isObject();
                for (qsizetype i = 0; same && i < m_data.variables.size(); ++i) {
                    const QString field = m_data.variables.keyAt(i);
                    if (field != m_data.idField)
                        same = row.value(field) == m_data.variables.valueAt(i);
                }
                if (same)
                    matches = matches.withAppended(row);
            }
        }
        if (!answer.error && matches.isEmpty()) {
            qCInfo(lcMutation).noquote() << "not created before the restart, sending again:" << m_data.method << m_data.path;
            send();
            return;
        }
        // It may have been created: the user says (the server could not be asked, or records like it exist).
        m_matches = matches;
        qCInfo(lcMutation).noquote() << "may already have been created before the restart:" << m_data.method
                                     << m_data.path << "-" << matches.size() << "record(s) like it"
                                     << (answer.error ? answer.error->toString() : QString());
        setStatus(Status::Unconfirmed);
    });
}

bool Mutation::confirmSend()
{
    if (m_status != Status::Unconfirmed)
        return false;
    m_matches = Json();
    send();
    return true;
}

bool Mutation::confirmCreated(const Json &record)
{
    if (m_status != Status::Unconfirmed)
        return false;
    qCInfo(lcMutation).noquote() << "confirmed as created before the restart:" << m_data.method << m_data.path;
    m_matches = Json();
    succeed(MutationResult::success(record.isObject() ? record : Json(nullptr)));
    return true;
}

void Mutation::checkBeforeResend()
{
    const Endpoint *endpoint = m_queue->endpoint(m_data.endpoint);
    const std::shared_ptr<const DataProvider> provider = endpoint ? endpoint->providerPtr() : nullptr;
    readBeforeResend([&](const Endpoint &e) {
        HttpRequest request = e.request("GET", m_data.path);
        request.headers += provider->readHeaders();
        return request;
    }, [this, provider](const FetchResult &current, int status, const QUrl &url) {
        if (m_data.method == "DELETE") {
            if (status == 404 || status == 410) {
                qCInfo(lcMutation).noquote() << "already applied before the restart:" << m_data.method << m_data.path;
                succeed(MutationResult::success(Json(nullptr)));
                return;
            }
        } else if (!current.error) {
            const Json record = provider->parseRecord(current.data);
            bool applied = record.isObject() && m_data.variables.isObject();
            for (qsizetype i = 0; applied && i < m_data.variables.size(); ++i) {
                if (m_data.variables.keyAt(i) != m_data.idField)
                    applied = record.value(m_data.variables.keyAt(i)) == m_data.variables.valueAt(i);
            }
            if (applied) {
                qCInfo(lcMutation).noquote() << "already applied before the restart:" << m_data.method << m_data.path;
                succeed(MutationResult::success(record, current.etag));
                return;
            }
            if (!m_data.etag.isEmpty() && !current.etag.isEmpty() && current.etag != m_data.etag) {
                // Someone else changed the record since the write was made: the user decides, as for a 412.
                MutationError error = MutationError::fromFailure(QueryError::other(
                    QStringLiteral("the record changed on the server while the app was closed")));
                error.kind = MutationError::Kind::Conflict;
                error.error.method = m_data.method;
                error.error.url = QueryError::displayUrl(url);
                error.mine = m_data.variables;
                error.theirs = record;
                error.theirsEtag = current.etag;
                fail(std::move(error));
                return;
            }
        }
        if (!current.error && !current.etag.isEmpty() && !m_data.etag.isEmpty())
            m_data.etag = current.etag;
        send();
    });
}

void Mutation::send()
{
    if (needsCheckBeforeResend()) {
        if (m_data.method == "POST")
            checkCreatedBeforeResend();
        else
            checkBeforeResend();
        return;
    }
    const Endpoint *endpoint = m_queue->endpoint(m_data.endpoint);
    MutationFn fn = m_live.fn;
    if (!fn && endpoint)
        fn = httpTransport(*endpoint);
    if (!fn) {
        QueryError e = QueryError::other(QStringLiteral("no endpoint named \"%1\" to send it to").arg(m_data.endpoint));
        e.method = m_data.method;
        fail(MutationError::fromFailure(e));
        return;
    }
    const QByteArray body = m_data.body.isUndefined() ? QByteArray() : m_data.body.toJson();
    HttpRequest request = endpoint ? endpoint->request(m_data.method, m_data.path, {}, body)
                                   : HttpRequest{.method = m_data.method, .url = QUrl(m_data.path), .body = body};
    request.headers += m_data.headers;
    if (!m_data.etag.isEmpty() && isConditional(m_data.method))
        request.headers.append({"If-Match", m_data.etag});
    request.headers.append({"Idempotency-Key", m_data.id.toUtf8()});
    if (!m_data.attempted) {
        // On disk before the request goes: a write the server may have seen is never offered for undo again, and
        // after a crash it is checked against the record before it is sent again.
        m_data.attempted = true;
        Q_EMIT m_queue->changed();
    }

    auto attempt = std::make_shared<MutationAttempt>(this, m_failureCount, std::move(request));
    m_attempt = attempt;
    setStatus(Status::Sending);
    fn(MutationFnContext(attempt));
}

void Mutation::onResult(MutationAttempt *, MutationResult result)
{
    m_attempt.reset();
    if (!result.error) {
        m_queue->serverReached();
        succeed(result);
        return;
    }
    const QueryError &error = *result.error;
    const bool unreachable = MutationError::isConnectionFailure(error)
        || (!m_queue->isOnline() && (error.kind == QueryError::Kind::Network || error.kind == QueryError::Kind::Timeout));
    if (unreachable) {
        // Not a failure: the write waits for the network, with the others, in order. A connection that was never
        // made carried nothing: after a crash it needs no check.
        if (error.networkError == QNetworkReply::ConnectionRefusedError || error.networkError == QNetworkReply::HostNotFoundError)
            m_data.attempted = false;
        qCInfo(lcMutation).noquote() << "paused:" << error.toString();
        pauseForNetwork();
        return;
    }
    m_queue->serverReached();
    if (error.kind == QueryError::Kind::Http && error.httpStatus == 401 && m_queue->needsSignIn(m_data.endpoint)) {
        // Not a failure either: the credentials were refused and could not be renewed (sendSigned tried). The write
        // waits, with the others to that endpoint, in order, until the user signs in again; it is kept across a
        // restart like any unsettled write.
        qCInfo(lcMutation).noquote() << "paused until signed in again:" << error.toString();
        m_serial = true;
        setStatus(Status::Paused);
        m_queue->pumpLater();
        return;
    }
    ++m_failureCount;
    if (error.kind == QueryError::Kind::Http && error.httpStatus == 412) {
        resolveConflict(result);
        return;
    }
    if (m_live.retry.retries(m_failureCount, error)) {
        const Millis delay = m_live.retry.delay(m_failureCount, error);
        qCInfo(lcMutation).noquote() << "retry" << m_failureCount << "in" << delay.count() << "ms:" << error.toString();
        m_task = client()->scheduler()->scheduleIn(delay, [this] {
            m_task = 0;
            if (!m_queue->canSend()) {
                m_serial = true;
                setStatus(Status::Paused);
                return;
            }
            send();
        });
        return;
    }
    fail(MutationError::fromFailure(error, result.data));
}

void Mutation::resolveConflict(const MutationResult &result)
{
    MutationError error = MutationError::fromFailure(*result.error, result.data);
    error.kind = MutationError::Kind::Conflict;
    error.mine = m_data.body.isUndefined() ? m_data.variables : m_data.body;

    // The 412 body may already be the record as the server has it.
    const Json &body = result.data;
    const bool bodyIsRecord = body.isObject()
        && (m_data.recordId.isUndefined()
                ? !body.contains(QLatin1StringView("error")) && !body.contains(QLatin1StringView("errors"))
                      && !body.contains(QLatin1StringView("message"))
                : ResourceTags::sameId(body.value(m_data.idField), m_data.recordId));
    if (bodyIsRecord) {
        error.theirs = body;
        error.theirsEtag = result.etag;
        fail(std::move(error));
        return;
    }
    const Endpoint *endpoint = m_queue->endpoint(m_data.endpoint);
    QNetworkReply *reply = endpoint && endpoint->transport()
        ? endpoint->transport()->send(endpoint->request("GET", m_data.path), endpoint->config().limits)
        : nullptr;
    if (!reply) {
        fail(std::move(error));
        return;
    }
    const ResponseLimits limits = endpoint->config().limits;
    connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    connect(reply, &QNetworkReply::finished, this, [this, reply, error = std::move(error), limits]() mutable {
        if (isSettled())
            return;   // aborted meanwhile (its endpoint was removed)
        FetchResult current = HttpTransport::readJson(reply, limits);
        if (!current.error) {
            error.theirs = current.data;
            error.theirsEtag = current.etag;
        } else {
            qCInfo(lcMutation).noquote() << "the record in conflict could not be read:" << current.error->toString();
        }
        fail(std::move(error));
    });
}

void Mutation::succeed(const MutationResult &result)
{
    m_result = result.data;
    m_resultEtag = result.etag;
    m_live.change = {};   // the server has it now: what it answers next is the truth
    m_queue->passEtagOn(this);

    // Invalidate before telling anyone: a slot of `succeeded` sees the stale marks. The client coalesces
    // refetches at the end of the turn, so several writes (and tags) hitting one entry refetch it once.
    QueryClient *c = client();
    // The inspector tells which entries this write invalidated and refetched.
    const CacheEventLog::Origin origin(CacheEventLog::of(c), this);
    TagList tags = m_data.invalidates;
    if (m_live.invalidatesFrom)
        tags += m_live.invalidatesFrom(m_result, nullptr, m_data.variables);
    if (!tags.isEmpty())
        c->invalidateTags(tags, m_data.refetch);
    invalidateQueries();
    m_data.optimistic.refetchCancelled(c);

    setStatus(Status::Succeeded);
    Q_EMIT succeeded(m_result);
    settle();
}

void Mutation::invalidateQueries()
{
    QueryClient *c = client();
    if (!m_live.filters.isEmpty()) {
        for (const QueryFilters &f : std::as_const(m_live.filters))
            c->invalidateQueries(f, m_data.refetch);
    } else {
        for (const PersistedMutation::KeyFilter &f : std::as_const(m_data.invalidateKeys))
            c->invalidateQueries({.key = f.key, .exact = f.exact}, m_data.refetch);
    }
}

void Mutation::fail(MutationError error)
{
    qCInfo(lcMutation).noquote() << "failed:" << error.toString();
    m_error = std::move(error);
    QueryClient *c = client();
    const CacheEventLog::Origin origin(CacheEventLog::of(c), this);
    m_live.change = {};
    m_data.optimistic.rollback(c);
    if (m_error->isConflict() && !m_data.resource.isEmpty() && !m_data.recordId.isUndefined())
        c->invalidateTags(ResourceTags(m_data.resource, m_data.endpoint, m_data.idField).detail(m_data.recordId));
    // A 2xx whose answer could not be read may have been applied: refresh what a success would have.
    if (const int status = m_error->httpStatus(); status >= 200 && status < 300) {
        if (!m_data.invalidates.isEmpty())
            c->invalidateTags(m_data.invalidates, m_data.refetch);
        invalidateQueries();
    }
    if (m_live.invalidatesFrom) {
        const TagList tags = m_live.invalidatesFrom(Json(), &*m_error, m_data.variables);
        if (!tags.isEmpty())
            c->invalidateTags(tags, m_data.refetch);
    }
    setStatus(Status::Failed);
    Q_EMIT failed(*m_error);
    settle();
}

void Mutation::settle()
{
    Q_EMIT settled();
    m_queue->onSettled(this);
}

MutationFn Mutation::httpTransport(const Endpoint &endpoint)
{
    const QPointer<HttpTransport> transport = endpoint.transport();
    const ResponseLimits limits = endpoint.config().limits;
    // The dialect reads the answer into a flat record (JSON:API's {"data": {...}}); kept alive with the write.
    const std::shared_ptr<const DataProvider> provider = endpoint.providerPtr();
    // Signed as it is sent: a write that waited for a sign-in carries the new token.
    return [transport, limits, provider, credentials = endpoint.config().credentials](const MutationFnContext &ctx) {
        HttpRequest request = ctx.request();
        request.headers += provider->writeHeaders();
        sendSigned(ctx, transport.data(), request, limits, credentials,
                   [ctx, limits, provider](QNetworkReply *reply) -> std::function<void()> {
            MutationResult result = readResult(reply, limits, *provider);
            return [ctx, result] { ctx.resolve(result); };
        });
    };
}

MutationResult Mutation::readResult(QNetworkReply *reply, const ResponseLimits &limits, const DataProvider &provider)
{
    // readJson reads the body; an error's body is kept for its message, field errors or record.
    const QByteArray raw = reply->isOpen() ? reply->peek(reply->bytesAvailable()) : QByteArray();
    const QByteArray etag = reply->rawHeader("ETag");
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    FetchResult read = HttpTransport::readJson(reply, limits);
    if (!read.error)
        return MutationResult::success(provider.parseRecord(read.data), etag);
    // A 2xx is a done write whatever plain text it answers ("OK"), but not when the answer is an HTML page
    // (a login or proxy page answered, not the API) or JSON that came damaged: then nobody knows, and the
    // edits must stay. fail() refreshes what a success would have, in case it was applied.
    const QByteArray type = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    const bool unreadable = type.toLower().contains("json") || HttpTransport::isHtml(type, raw);
    if (read.error->kind == QueryError::Kind::Parse && status >= 200 && status < 300) {
        if (!unreadable)
            return MutationResult::success(Json(QString::fromUtf8(raw)), etag);
        read.error->message += QStringLiteral("; the change may or may not have been saved");
    }
    Json body;
    if (!raw.trimmed().isEmpty() && raw.size() <= limits.maxBytes)
        body = Json::parse(raw, nullptr, JsonLimits{.maxDepth = limits.maxDepth, .maxBytes = limits.maxBytes});
    return MutationResult{.data = body, .etag = etag, .error = std::move(read.error)};
}

} // namespace refetch
