#pragma once

#include "core/client/scheduler.h"
#include "core/http/httptransport.h"
#include "core/live/reconnectbackoff.h"

#include <QObject>
#include <QString>

#include <memory>

namespace refetch {

class Credentials;

// A server's stream of change messages (Server-Sent Events, a WebSocket) kept open: it connects, and when the
// connection fails or drops it connects again after a backoff with jitter, on the scheduler's clock, sending
// where it was (the last event id) so that a server that can resumes from there. Subclasses carry the
// transport; what the messages mean is the dialect's (LiveDialect).
class ChangeStream : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Idle,         // not started, or stopped
        Connecting,   // a connection is being made
        Open,         // messages come
        Waiting,      // the connection failed or dropped: it connects again at retryAt()
        Unavailable,  // the server offers no stream there (404, not an event stream) or refuses us (401, 403):
                      // trying again would not help until the settings change
    };
    Q_ENUM(State)
    // Why it is Unavailable.
    enum class Failure {
        Transient,  // retried
        NoStream,   // nothing there: 404, 405, 406, 410, 501, or an answer that is not a stream
        Refused,    // 401, 403: the endpoint's credentials are not enough
    };
    Q_ENUM(Failure)

    ChangeStream(Scheduler *scheduler, BackoffOptions backoff, QObject *parent = nullptr);
    ~ChangeStream() override;

    void start();
    void stop();
    // Connects now instead of at retryAt() (the network came back, the user asked).
    void reconnectNow();

    State state() const { return m_state; }
    bool isOpen() const { return m_state == State::Open; }
    // Why the last connection failed or ended, in a sentence; empty before any did.
    const QString &errorString() const { return m_error; }
    Failure failure() const { return m_failure; }
    // When the next connection is made (Waiting).
    TimePoint retryAt() const { return m_retryAt; }
    // The position in the stream: sent on reconnecting (SSE's Last-Event-ID).
    const QString &lastEventId() const { return m_lastEventId; }
    void setLastEventId(const QString &id) { m_lastEventId = id; }
    // Connections opened so far; more than one means it reconnected.
    int openCount() const { return m_opens; }
    const ReconnectBackoff &backoff() const { return m_backoff; }
    Scheduler *scheduler() const { return m_scheduler; }

    // Sends a message to the server where the transport can (a WebSocket); SSE cannot and returns false.
    virtual bool send(const QByteArray &message);

    // What signs each connection in (the endpoint's credentials: a header, a query parameter, an OAuth token);
    // null: nothing. A 401 renews them once where they can be and connects again; refused for good, the stream is
    // Unavailable (Refused) until they change (the user signs in again), then it connects by itself.
    void setCredentials(std::shared_ptr<Credentials> credentials);
    // `request` as the next connection sends it: the credentials applied (and their generation noted for a 401).
    void sign(HttpRequest &request);
    const Credentials *credentials() const { return m_credentials.get(); }

Q_SIGNALS:
    void stateChanged(refetch::ChangeStream::State state);
    // The connection opened; `resuming` when it carried a last event id from an earlier one.
    void opened(bool resuming);
    // One message: an SSE event's type and data (with its id), or a WebSocket text message (type empty).
    void messageReceived(const QString &type, const QByteArray &data, const QString &eventId);

protected:
    // The transport's side: open a connection (to which the last event id goes), close it quietly.
    virtual void connectTransport() = 0;
    virtual void disconnectTransport() = 0;

    // Called by the transport as things happen.
    void transportOpened();
    void transportMessage(const QString &type, const QByteArray &data, const QString &eventId);
    // The connection failed or ended: connect again after the backoff, or, unless Transient, stay Unavailable.
    void transportFailed(const QString &why, Failure failure = Failure::Transient);
    // The server's word on the wait before reconnecting (SSE "retry").
    void setRetryDelay(Millis delay) { m_backoff.setInitial(delay); }
    // The server refused the connection's credentials: `status` 401 renews them (see setCredentials), 403 does not.
    void credentialsRefused(const QString &why, int status);

private:
    void setState(State state);
    void connectNow();
    void giveUp(const QString &why, Failure failure);

    Scheduler *m_scheduler;
    ReconnectBackoff m_backoff;
    State m_state = State::Idle;
    QString m_error;
    Failure m_failure = Failure::Transient;
    QString m_lastEventId;
    TimePoint m_retryAt{0};
    Scheduler::TaskId m_retryTask = 0;
    int m_opens = 0;
    bool m_resuming = false;
    std::shared_ptr<Credentials> m_credentials;
    quint64 m_signedWith = 0;   // the credentials' generation the last connection carried
};

} // namespace refetch
