#pragma once

#include "core/live/changestream.h"

#include <QPointer>
#include <QSslCertificate>
#include <QUrl>

QT_BEGIN_NAMESPACE
class QWebSocket;
QT_END_NAMESPACE

namespace refetch {

struct WebSocketStreamOptions
{
    QUrl url;                                           // ws:// or wss://
    QList<std::pair<QByteArray, QByteArray>> headers;   // sent with the opening handshake (Authorization...)
    QList<QSslCertificate> caCertificates;              // trusted besides the system's
    // The query parameter that carries the last event id on reconnecting; empty: none is sent.
    QString resumeParameter;
    // Nothing (not even the answer to our ping) for this long counts as a dead connection; a ping goes every
    // third of it.
    Millis idleTimeout{45000};
};

// A change stream over a WebSocket (QWebSocket), with ChangeStream's reconnecting: every text message is a
// message of the stream. Here rather than in core/live because it links Qt6::WebSockets, which only
// refetch_session needs: refetch_core stays Qt Core and Network.
class WebSocketStream : public ChangeStream
{
    Q_OBJECT
public:
    WebSocketStream(Scheduler *scheduler, WebSocketStreamOptions options, BackoffOptions backoff = {},
                    QObject *parent = nullptr);
    ~WebSocketStream() override;

    const WebSocketStreamOptions &options() const { return m_options; }
    bool send(const QByteArray &message) override;
    // The URL the next connection goes to (with the last event id, when resuming).
    QUrl connectionUrl() const;

protected:
    void connectTransport() override;
    void disconnectTransport() override;

private:
    void watchIdle();

    WebSocketStreamOptions m_options;
    QPointer<QWebSocket> m_socket;
    TimePoint m_lastHeard{0};
    Scheduler::TaskId m_idleTask = 0;
};

} // namespace refetch
