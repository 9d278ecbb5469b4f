#include "changefeed.h"

#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

#include <algorithm>

namespace refetch::sampleapi {

// One GET /events answer held open. The 6.4 responder does not track its socket, which is deleted when the
// client leaves: the QPointer and the disconnect watch guard the writes.
struct ChangeFeed::SseClient
{
    std::unique_ptr<QHttpServerResponder> responder;
    QPointer<QTcpSocket> socket;
    QMetaObject::Connection disconnectWatch;

    void write(const QByteArray &bytes)
    {
        if (socket && socket->state() == QAbstractSocket::ConnectedState)
            responder->writeBody(bytes);
    }
};

ChangeFeed::ChangeFeed(int capacity, QObject *parent)
    : QObject(parent)
    , m_run(QString::number(QRandomGenerator::global()->generate() & 0xffffff, 36))
    , m_capacity(std::max(1, capacity))
{
    m_keepAlive.setInterval(15000);
    connect(&m_keepAlive, &QTimer::timeout, this, &ChangeFeed::keepAlive);
    m_keepAlive.start();
}

ChangeFeed::~ChangeFeed()
{
    for (auto &client : m_sse)
        disconnect(client->disconnectWatch);
    m_sse.clear();   // responders go before the server and its sockets
    for (const QPointer<QWebSocket> &socket : std::as_const(m_sockets)) {
        if (socket)
            socket->abort();
    }
}

void ChangeFeed::setKeepAliveInterval(std::chrono::milliseconds interval)
{
    m_keepAlive.setInterval(int(std::clamp<qint64>(interval.count(), 10, 24 * 3600 * 1000)));
}

int ChangeFeed::subscriberCount() const
{
    return int(m_sse.size()) + int(std::count_if(m_sockets.cbegin(), m_sockets.cend(), [](const auto &s) { return !s.isNull(); }));
}

QString ChangeFeed::lastEventId() const
{
    // Before any event: the position before the first, so that a client has one to come back with.
    return m_run + u'-' + QString::number(m_next - 1);
}

void ChangeFeed::publish(const QString &resource, const QJsonValue &id, const char *action)
{
    Event event{.id = m_run + u'-' + QString::number(m_next++),
                .data = QJsonDocument(QJsonObject{{QStringLiteral("resource"), resource},
                                                  {QStringLiteral("id"), id},
                                                  {QStringLiteral("action"), QString::fromLatin1(action)}})
                            .toJson(QJsonDocument::Compact)};
    const QByteArray sse = sseText(event);
    const QByteArray socket = socketText(event);
    m_ring.push_back(event);
    while (m_ring.size() > size_t(m_capacity))
        m_ring.pop_front();
    for (auto &client : m_sse)
        client->write(sse);
    for (const QPointer<QWebSocket> &s : std::as_const(m_sockets)) {
        if (s)
            s->sendTextMessage(QString::fromUtf8(socket));
    }
    Q_EMIT published(event.id);
}

std::optional<QList<ChangeFeed::Event>> ChangeFeed::since(const QString &lastEventId) const
{
    const qsizetype dash = lastEventId.lastIndexOf(u'-');
    bool ok = false;
    const qint64 n = dash > 0 ? QStringView(lastEventId).sliced(dash + 1).toLongLong(&ok) : 0;
    if (!ok || QStringView(lastEventId).first(dash) != m_run || n >= m_next)
        return std::nullopt;
    // The ring holds ids first..m_next-1 without gaps; what follows n must all still be there.
    const qint64 first = m_next - qint64(m_ring.size());
    if (n + 1 < first)
        return std::nullopt;
    QList<Event> missed;
    for (qint64 i = n + 1; i < m_next; ++i)
        missed.append(m_ring.at(size_t(i - first)));
    return missed;
}

QByteArray ChangeFeed::sseText(const Event &event)
{
    return "id: " + event.id.toUtf8() + "\nevent: change\ndata: " + event.data + "\n\n";
}

QByteArray ChangeFeed::socketText(const Event &event)
{
    QJsonObject object = QJsonDocument::fromJson(event.data).object();
    object.insert(QStringLiteral("type"), QStringLiteral("change"));
    object.insert(QStringLiteral("eventId"), event.id);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray ChangeFeed::greeting(const QString &lastEventId, QList<Event> *missed) const
{
    bool resumed = false;
    if (!lastEventId.isEmpty()) {
        if (auto after = since(lastEventId)) {
            *missed = *after;
            resumed = true;
        }
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("resumed"), resumed}}).toJson(QJsonDocument::Compact);
}

void ChangeFeed::addSseClient(std::unique_ptr<QHttpServerResponder> responder, QTcpSocket *socket, const QString &lastEventId)
{
    auto client = std::make_unique<SseClient>();
    client->responder = std::move(responder);
    client->socket = socket;
    SseClient *raw = client.get();
    client->disconnectWatch = connect(socket, &QTcpSocket::disconnected, this, [this, raw] {
        const auto it = std::find_if(m_sse.begin(), m_sse.end(), [raw](const auto &c) { return c.get() == raw; });
        if (it != m_sse.end())
            m_sse.erase(it);
    });
    QHttpServerResponder &r = *client->responder;
    r.writeStatusLine(QHttpServerResponder::StatusCode::Ok);
    r.writeHeader("Content-Type", "text/event-stream; charset=utf-8");
    r.writeHeader("Cache-Control", "no-cache");
    if (m_socketServer)
        r.writeHeader("Link", "<" + webSocketUrl().toEncoded() + ">; rel=\"alternate\"; type=\"websocket\"");
    QList<Event> missed;
    // The greeting carries the current position: a client that saw no event yet still has one to resume from.
    QByteArray start = "retry: 1000\n: Refetch sample API change stream\n\nid: " + this->lastEventId().toUtf8()
        + "\nevent: ready\ndata: " + greeting(lastEventId, &missed) + "\n\n";
    for (const Event &event : std::as_const(missed))
        start += sseText(event);
    r.writeBody(start);
    m_sse.push_back(std::move(client));
}

bool ChangeFeed::listenWebSocket(quint16 port, QString *error)
{
    if (m_socketServer)
        return true;
    auto *server = new QWebSocketServer(QStringLiteral("Refetch sample API"), QWebSocketServer::NonSecureMode, this);
    if (!server->listen(QHostAddress::LocalHost, port)) {
        if (error)
            *error = QStringLiteral("cannot listen for WebSockets on 127.0.0.1: %1").arg(server->errorString());
        delete server;
        return false;
    }
    m_socketServer = server;
    connect(server, &QWebSocketServer::newConnection, this, &ChangeFeed::onWebSocket);
    return true;
}

QUrl ChangeFeed::webSocketUrl() const
{
    if (!m_socketServer)
        return {};
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/events").arg(m_socketServer->serverPort()));
}

void ChangeFeed::onWebSocket()
{
    while (QWebSocket *socket = m_socketServer->nextPendingConnection()) {
        socket->setParent(this);
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        m_sockets.removeAll(nullptr);
        m_sockets.append(socket);
        const QString lastEventId = QUrlQuery(socket->requestUrl()).queryItemValue(QStringLiteral("lastEventId"),
                                                                                    QUrl::FullyDecoded);
        QList<Event> missed;
        QJsonObject ready = QJsonDocument::fromJson(greeting(lastEventId, &missed)).object();
        ready.insert(QStringLiteral("type"), QStringLiteral("ready"));
        ready.insert(QStringLiteral("eventId"), this->lastEventId());
        socket->sendTextMessage(QString::fromUtf8(QJsonDocument(ready).toJson(QJsonDocument::Compact)));
        for (const Event &event : std::as_const(missed))
            socket->sendTextMessage(QString::fromUtf8(socketText(event)));
    }
}

void ChangeFeed::keepAlive()
{
    for (auto &client : m_sse)
        client->write(": keep-alive\n\n");
}

void ChangeFeed::dropSubscribers()
{
    // Collected first: a socket may tell of its disconnection at once, which takes its client out of m_sse.
    QList<QPointer<QTcpSocket>> sockets;
    for (auto &client : m_sse)
        sockets.append(client->socket);
    for (const QPointer<QTcpSocket> &socket : std::as_const(sockets)) {
        if (socket)
            socket->disconnectFromHost();
    }
    for (const QPointer<QWebSocket> &s : std::as_const(m_sockets)) {
        if (s)
            s->abort();
    }
}

} // namespace refetch::sampleapi
