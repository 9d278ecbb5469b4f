#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QHttpServerResponder;
class QTcpSocket;
class QWebSocket;
class QWebSocketServer;
QT_END_NAMESPACE

namespace refetch::sampleapi {

// The sample API's change stream: every record a write creates, updates or deletes becomes an event
// {"resource", "id", "action"} with an id ("<run>-<n>", so that an id from another run of the server is told
// apart), kept in a ring of the last `capacity` for clients that come back; sent to every Server-Sent Events
// subscriber (GET /events) and WebSocket subscriber (its own port: QHttpServer 6.4 cannot upgrade a
// connection). A client that comes back with the id of the last event it saw (Last-Event-ID, or
// ?lastEventId= on the WebSocket) gets what it missed, and a greeting saying whether it could ("ready",
// {"resumed": true}); when the id left the ring, {"resumed": false}, and the client refetches everything.
class ChangeFeed : public QObject
{
    Q_OBJECT
public:
    struct Event
    {
        QString id;
        QByteArray data;   // {"resource": "posts", "id": 7, "action": "updated"}
    };

    explicit ChangeFeed(int capacity = 1000, QObject *parent = nullptr);
    ~ChangeFeed() override;

    void publish(const QString &resource, const QJsonValue &id, const char *action);
    // The events after `lastEventId`; nullopt when some of them already left the ring or the id is not one of
    // this run's.
    std::optional<QList<Event>> since(const QString &lastEventId) const;
    // The id of the last event ("<run>-0" before any): the position a client that saw everything is at.
    QString lastEventId() const;

    // Takes over an answer to GET /events: the headers, the greeting, what `lastEventId` missed, then every
    // event as it comes, with a keep-alive comment every keepAliveInterval(), until the client leaves.
    void addSseClient(std::unique_ptr<QHttpServerResponder> responder, QTcpSocket *socket, const QString &lastEventId);
    // Listens for WebSocket subscribers on 127.0.0.1 (`port`, 0: a free one).
    bool listenWebSocket(quint16 port, QString *error);
    QUrl webSocketUrl() const;

    void setKeepAliveInterval(std::chrono::milliseconds interval);
    int subscriberCount() const;
    // Drops every subscriber's connection (a test's network failure); they come back by themselves.
    void dropSubscribers();

Q_SIGNALS:
    void published(const QString &eventId);

private:
    struct SseClient;
    void onWebSocket();
    QByteArray greeting(const QString &lastEventId, QList<Event> *missed) const;
    static QByteArray sseText(const Event &event);
    static QByteArray socketText(const Event &event);
    void keepAlive();

    QString m_run;
    qint64 m_next = 1;
    int m_capacity;
    std::deque<Event> m_ring;
    std::vector<std::unique_ptr<SseClient>> m_sse;
    QList<QPointer<QWebSocket>> m_sockets;
    QWebSocketServer *m_socketServer = nullptr;
    QTimer m_keepAlive;
};

} // namespace refetch::sampleapi
