#include "liveconnection.h"

#include "websocketstream.h"

#include "core/client/queryclient.h"
#include "core/live/liveinvalidator.h"
#include "core/live/ssestream.h"
#include "core/client/queryerror.h"
#include "core/http/httptransport.h"
#include "core/http/redirectingreply.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcLive)

namespace refetch {

namespace {

// A reconnect that sent the last event id waits this long for the server's word that it resumed.
constexpr Millis ResumeGrace{2000};

// Whether the stream is on the endpoint's own origin (scheme, host, port; ws counting as http, wss as https).
bool sameOrigin(const QUrl &stream, const QUrl &base)
{
    QUrl asHttp = stream;
    if (asHttp.scheme() == u"ws")
        asHttp.setScheme(QStringLiteral("http"));
    else if (asHttp.scheme() == u"wss")
        asHttp.setScheme(QStringLiteral("https"));
    return RedirectingReply::sameOrigin(asHttp, base);
}

// The endpoint's headers for its stream: all of them on its own origin, none that carries a secret anywhere else,
// as for a redirect to another origin.
QList<std::pair<QByteArray, QByteArray>> streamHeaders(const EndpointConfig &config, bool ownOrigin)
{
    if (ownOrigin)
        return config.headers;
    QList<std::pair<QByteArray, QByteArray>> kept;
    for (const auto &header : config.headers) {
        if (!HttpTransport::isSecretHeader(header.first))
            kept.append(header);
    }
    return kept;
}

} // namespace

LiveConnection::LiveConnection(const EndpointSettings &settings, const EndpointConfig &config, QueryClient *client,
                               MutationQueue *queue, QNetworkAccessManager *nam, QObject *parent)
    : QObject(parent), m_settings(settings), m_client(client)
{
    m_url = settings.liveUrl;
    if (m_url.isEmpty() && settings.baseUrl.isValid()) {
        // The well-known place, asked once: a server without it answers 404 and the endpoint is not live.
        m_url = settings.baseUrl;
        QString path = m_url.path();
        if (!path.endsWith(u'/'))
            path += u'/';
        m_url.setPath(path + QStringLiteral("events"));
        m_url.setQuery(QString());
    }
    m_dialect = LiveDialect::create(settings.liveDialect.isEmpty() ? QStringLiteral("plain") : settings.liveDialect);
    if (!m_dialect)
        m_dialect = LiveDialect::create(QStringLiteral("plain"));
    m_subscription.resources = settings.resources;
    m_subscription.idField = settings.idField;

    m_invalidator = new LiveInvalidator(client, queue, {.endpoint = settings.id, .idField = settings.idField}, this);
    if (!settings.live || !isStreamUrl(m_url))
        return;

    m_ownOrigin = sameOrigin(m_url, config.baseUrl);
    const QList<std::pair<QByteArray, QByteArray>> headers = streamHeaders(config, m_ownOrigin);
    const bool socket = m_url.scheme() == u"ws" || m_url.scheme() == u"wss";
    if (socket) {
        m_stream = std::make_unique<WebSocketStream>(client->scheduler(),
                                                     WebSocketStreamOptions{.url = m_url,
                                                                            .headers = headers,
                                                                            .caCertificates = config.caCertificates,
                                                                            .resumeParameter = m_dialect->resumeParameter()});
    } else {
        m_stream = std::make_unique<SseStream>(nam, client->scheduler(),
                                               SseStreamOptions{.url = m_url,
                                                                .headers = headers,
                                                                .caCertificates = config.caCertificates});
    }
    if (m_ownOrigin)
        m_stream->setCredentials(config.credentials);
    connect(m_stream.get(), &ChangeStream::stateChanged, this, &LiveConnection::onStreamState);
    connect(m_stream.get(), &ChangeStream::opened, this, &LiveConnection::onOpened);
    connect(m_stream.get(), &ChangeStream::messageReceived, this, &LiveConnection::onMessage);
    // The network came back: no need to wait out the backoff.
    if (OnlineSource *online = client->onlineSource()) {
        connect(online, &OnlineSource::onlineChanged, this, [this](bool isOnline) {
            if (isOnline && m_stream)
                m_stream->reconnectNow();
        });
    }
}

LiveConnection::~LiveConnection()
{
    if (m_client) {
        m_client->scheduler()->cancel(m_resumeTask);
        m_client->scheduler()->cancel(m_heartbeatTask);
    }
    // The stream goes first: its last signals must not reach a half-destroyed connection.
    if (m_stream)
        disconnect(m_stream.get(), nullptr, this, nullptr);
    m_stream.reset();
}

bool LiveConnection::isStreamUrl(const QUrl &url)
{
    const QString scheme = url.scheme();
    return url.isValid() && !url.host().isEmpty()
        && (scheme == u"http" || scheme == u"https" || scheme == u"ws" || scheme == u"wss");
}

void LiveConnection::start()
{
    if (!m_stream || std::exchange(m_started, true))
        return;
    setStatus(Status::Connecting);
    m_stream->start();
}

void LiveConnection::setResources(const QStringList &resources)
{
    if (resources == m_subscription.resources)
        return;
    const QStringList before = std::exchange(m_subscription.resources, resources);
    if (!m_stream || !m_stream->isOpen())
        return;
    // Subscribe to the ones that are new (the others were subscribed to when it opened).
    LiveSubscription added = m_subscription;
    added.resources.clear();
    added.token.clear();
    for (const QString &r : resources) {
        if (!before.contains(r))
            added.resources.append(r);
    }
    if (added.resources.isEmpty())
        return;
    for (const QByteArray &message : m_dialect->openingMessages(added))
        m_stream->send(message);
}

void LiveConnection::onStreamState(ChangeStream::State state)
{
    switch (state) {
    case ChangeStream::State::Idle:
        setStatus(Status::Off);
        break;
    case ChangeStream::State::Connecting:
        if (m_status != Status::Reconnecting)
            setStatus(m_stream->openCount() == 0 ? Status::Connecting : Status::Reconnecting);
        break;
    case ChangeStream::State::Open:
        setStatus(Status::Live);
        break;
    case ChangeStream::State::Waiting:
        m_client->scheduler()->cancel(m_heartbeatTask);
        m_heartbeatTask = 0;
        setStatus(Status::Reconnecting);
        break;
    case ChangeStream::State::Unavailable:
        setStatus(Status::Unavailable);
        break;
    }
}

QString LiveConnection::bearerToken()
{
    if (!m_ownOrigin || !m_stream || !m_stream->credentials())
        return {};
    // What the credentials put on a request, read without counting as a connection's signing (sign() would note
    // their generation, and a later 401 of the connection signed before would not renew).
    HttpRequest request;
    m_stream->credentials()->apply(request);
    for (const auto &[name, value] : std::as_const(request.headers)) {
        if (name.compare("Authorization", Qt::CaseInsensitive) == 0 && value.startsWith("Bearer "))
            return QString::fromUtf8(value.mid(7).trimmed());
    }
    return {};
}

void LiveConnection::onOpened(bool resuming)
{
    // Dialects that authenticate in a message (Directus, Supabase) get the token the connection was signed with.
    m_subscription.token = bearerToken();
    for (const QByteArray &message : m_dialect->openingMessages(m_subscription))
        m_stream->send(message);
    scheduleHeartbeat();
    if (m_stream->openCount() <= 1) {
        // What was read before the server knew of the stream (a list loaded while it opened) may have missed a
        // change made in between: read again (a fetch under way goes again after it). What is read from now on
        // is followed by the events.
        m_invalidator->invalidateAll(tr("the stream opened after these were read"));
        return;
    }
    // Reconnected: what changed while it was down is known only if the server resumes from our last event id.
    const bool canResume = resuming && (qobject_cast<SseStream *>(m_stream.get()) || !m_dialect->resumeParameter().isEmpty());
    if (!canResume) {
        m_invalidator->invalidateAll(tr("reconnected; what changed meanwhile is not known"));
        return;
    }
    m_awaitingResume = true;
    m_client->scheduler()->cancel(m_resumeTask);
    m_resumeTask = m_client->scheduler()->scheduleIn(ResumeGrace, [this] {
        m_resumeTask = 0;
        if (m_awaitingResume)
            settleResume(false);
    });
}

void LiveConnection::settleResume(bool resumed)
{
    m_awaitingResume = false;
    m_client->scheduler()->cancel(m_resumeTask);
    m_resumeTask = 0;
    if (!resumed)
        m_invalidator->invalidateAll(tr("reconnected; the server did not resume from the last event"));
}

void LiveConnection::onMessage(const QString &type, const QByteArray &data, const QString &eventId)
{
    ++m_messages;
    const LiveReading reading = m_dialect->read(type, data, m_subscription);
    if (!reading.reply.isEmpty())
        m_stream->send(reading.reply);
    if (!reading.eventId.isEmpty())
        m_stream->setLastEventId(reading.eventId);
    if (m_awaitingResume)
        settleResume(reading.resumed.value_or(false));
    if (reading.resync) {
        m_invalidator->invalidateAll(tr("the server lost track of its changes"));
        return;
    }
    const QString source = qobject_cast<SseStream *>(m_stream.get()) ? QStringLiteral("SSE") : QStringLiteral("WebSocket");
    for (ChangeEvent change : reading.changes) {
        if (change.eventId.isEmpty())
            change.eventId = eventId.isEmpty() ? reading.eventId : eventId;
        m_invalidator->apply(change, source);
    }
}

void LiveConnection::scheduleHeartbeat()
{
    const Millis every = m_dialect->heartbeatInterval();
    if (every <= Millis{0})
        return;
    m_client->scheduler()->cancel(m_heartbeatTask);
    m_heartbeatTask = m_client->scheduler()->scheduleIn(every, [this] {
        m_heartbeatTask = 0;
        if (!m_stream || !m_stream->isOpen())
            return;
        m_stream->send(m_dialect->heartbeat(++m_heartbeatRef));
        scheduleHeartbeat();
    });
}

void LiveConnection::setStatus(Status status)
{
    if (m_status == status)
        return;
    m_status = status;
    qCDebug(lcLive) << "endpoint" << m_settings.id << "live status" << status;
    Q_EMIT statusChanged(status);
}

QString LiveConnection::statusText() const
{
    switch (m_status) {
    case Status::Off:
        if (!m_settings.live)
            return tr("Not live: turned off in the endpoint's settings");
        if (m_stream && !m_started)
            return tr("Live: connecting…");   // it starts once the server answered its first request
        if (m_stream)
            return tr("Not live: stopped");
        return tr("Not live: the change stream's URL is not an http(s) or ws(s) URL");
    case Status::Connecting:
        return tr("Live: connecting…");
    case Status::Live:
        return tr("Live");
    case Status::Reconnecting: {
        if (!m_stream || m_stream->state() != ChangeStream::State::Waiting)
            return tr("Live: reconnecting…");
        const qint64 ms = (m_stream->retryAt() - m_client->now()).count();
        const qint64 s = std::max<qint64>(1, (ms + 999) / 1000);
        // Never open yet (the server was down when the endpoint connected): it is not live, it tries.
        if (m_stream->openCount() == 0)
            return tr("Not live: the change stream cannot be reached; trying again in %1 s").arg(s);
        return tr("Live: reconnecting in %1 s").arg(s);
    }
    case Status::Unavailable:
        if (m_stream && m_stream->failure() == ChangeStream::Failure::Refused)
            return tr("Not live: the change stream refused the endpoint's credentials");
        return tr("Not live: the server offers no change stream");
    }
    return QString();
}

QString LiveConnection::detailText() const
{
    QString text = m_url.isEmpty() ? tr("No change stream") : tr("Change stream: %1 (%2)")
                                                                 .arg(QueryError::displayUrl(m_url).toDisplayString(), dialectName());
    if (m_stream && !m_stream->errorString().isEmpty() && m_status != Status::Live)
        text += u'\n' + m_stream->errorString();
    if (m_status == Status::Reconnecting || m_status == Status::Unavailable)
        text += u'\n' + tr("Meanwhile what is shown refetches when the window comes back to the front%1.")
                           .arg(m_settings.pollInterval.count() > 0 ? tr(" and every %1 s").arg(m_settings.pollInterval.count() / 1000)
                                                                    : QString());
    return text;
}

} // namespace refetch
