#pragma once

#include "endpointsettings.h"

#include "core/live/changestream.h"
#include "core/live/livedialect.h"

#include <QObject>
#include <QPointer>
#include <memory>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
QT_END_NAMESPACE

namespace refetch {

class LiveInvalidator;
class MutationQueue;
class QueryClient;

// Live updates of one endpoint (Refine's live provider): finds its change stream (the settings' URL, else
// <base URL>/events, asked once), keeps it open (SseStream or WebSocketStream, reconnecting with backoff and
// resuming from the last event id), reads its messages in the stream's dialect and invalidates what they
// change through a LiveInvalidator. Says in a sentence whether the endpoint is live, and why not.
class LiveConnection : public QObject
{
    Q_OBJECT
public:
    enum class Status {
        Off,           // turned off in the settings
        Connecting,    // the first connection is being made
        Live,          // the stream is open: what changes on the server shows by itself
        Reconnecting,  // it dropped and connects again (meanwhile: focus and polling)
        Unavailable,   // the server has no stream, or refuses us
    };
    Q_ENUM(Status)

    // `config` is the endpoint's (its headers and credentials sign the stream in, on its own origin); `nam` carries
    // the SSE stream; `queue` (may be null) lets our own writes' echoes be recognised.
    LiveConnection(const EndpointSettings &settings, const EndpointConfig &config, QueryClient *client,
                   MutationQueue *queue, QNetworkAccessManager *nam, QObject *parent = nullptr);
    ~LiveConnection() override;

    // Starts following the stream (nothing when the settings turned live updates off); once: it reconnects by
    // itself from then on.
    void start();
    // The endpoint's resources, for dialects that subscribe per collection and to read their names.
    void setResources(const QStringList &resources);

    Status status() const { return m_status; }
    bool isLive() const { return m_status == Status::Live; }
    // "Live", "Live: connecting…", "Live: reconnecting in 4 s", "Not live: the server offers no change stream",
    // "Not live: the change stream cannot be reached; trying again in 8 s"
    QString statusText() const;
    // What lies behind it: the stream's URL and the last error, for a tooltip.
    QString detailText() const;
    QUrl streamUrl() const { return m_url; }
    QString dialectName() const { return m_dialect ? m_dialect->name() : QString(); }
    ChangeStream *stream() const { return m_stream.get(); }
    LiveInvalidator *invalidator() const { return m_invalidator; }
    // Messages read and changes applied so far.
    int messageCount() const { return m_messages; }

    // Whether a change stream of this kind is one the app can follow: http(s) or ws(s).
    static bool isStreamUrl(const QUrl &url);

Q_SIGNALS:
    void statusChanged(refetch::LiveConnection::Status status);

private:
    void onStreamState(ChangeStream::State state);
    void onOpened(bool resuming);
    void onMessage(const QString &type, const QByteArray &data, const QString &eventId);
    void settleResume(bool resumed);
    void scheduleHeartbeat();
    void setStatus(Status status);
    // The bearer token the stream's requests carry, for dialects that send it in a message.
    QString bearerToken();

    EndpointSettings m_settings;
    QPointer<QueryClient> m_client;
    QUrl m_url;
    bool m_ownOrigin = false;          // the stream is on the endpoint's origin: it may carry the credentials
    std::unique_ptr<LiveDialect> m_dialect;
    LiveSubscription m_subscription;
    std::unique_ptr<ChangeStream> m_stream;
    LiveInvalidator *m_invalidator = nullptr;
    Status m_status = Status::Off;
    bool m_started = false;
    bool m_awaitingResume = false;     // reconnected: does the server say it resumed?
    quint64 m_resumeTask = 0;
    quint64 m_heartbeatTask = 0;
    quint64 m_heartbeatRef = 1;
    int m_messages = 0;
};

} // namespace refetch
