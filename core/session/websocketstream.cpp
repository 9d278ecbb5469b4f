#include "websocketstream.h"

#include "core/client/queryerror.h"

#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QUrlQuery>
#include <QWebSocket>

namespace refetch {

WebSocketStream::WebSocketStream(Scheduler *scheduler, WebSocketStreamOptions options, BackoffOptions backoff,
                                 QObject *parent)
    : ChangeStream(scheduler, backoff, parent), m_options(std::move(options))
{
}

WebSocketStream::~WebSocketStream()
{
    disconnectTransport();
}

QUrl WebSocketStream::connectionUrl() const
{
    QUrl url = m_options.url;
    if (!m_options.resumeParameter.isEmpty() && !lastEventId().isEmpty()) {
        QUrlQuery query(url);
        query.removeAllQueryItems(m_options.resumeParameter);
        query.addQueryItem(m_options.resumeParameter, lastEventId());
        url.setQuery(query);
    }
    return url;
}

bool WebSocketStream::send(const QByteArray &message)
{
    if (!m_socket || !isOpen())
        return false;
    return m_socket->sendTextMessage(QString::fromUtf8(message)) >= 0;
}

void WebSocketStream::connectTransport()
{
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = socket;
    HttpRequest signedRequest{.url = connectionUrl(), .headers = m_options.headers};
    sign(signedRequest);
    QNetworkRequest request(signedRequest.url);
    for (const auto &[name, value] : std::as_const(signedRequest.headers))
        request.setRawHeader(name, value);
    if (!m_options.caCertificates.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(m_options.caCertificates);
        socket->setSslConfiguration(tls);
    }
    const QString url = QueryError::displayUrl(m_options.url).toDisplayString();
    connect(socket, &QWebSocket::connected, this, [this, socket] {
        if (socket != m_socket)
            return;
        m_lastHeard = scheduler()->clock()->now();
        transportOpened();
        watchIdle();
    });
    connect(socket, &QWebSocket::textMessageReceived, this, [this, socket](const QString &message) {
        if (socket != m_socket)
            return;
        m_lastHeard = scheduler()->clock()->now();
        transportMessage(QString(), message.toUtf8(), QString());
    });
    connect(socket, &QWebSocket::pong, this, [this, socket] {
        if (socket == m_socket)
            m_lastHeard = scheduler()->clock()->now();
    });
    // A refused connection or handshake only errs; a connection that was open errs and disconnects: the first
    // of them counts.
    auto lost = [this, socket, url] {
        if (socket != m_socket)
            return;
        const bool wasOpen = isOpen();
        const QString reason = socket->closeReason();
        const QString error = socket->error() == QAbstractSocket::UnknownSocketError ? QString() : socket->errorString();
        m_socket = nullptr;
        disconnect(socket, nullptr, this, nullptr);
        socket->deleteLater();
        scheduler()->cancel(m_idleTask);
        m_idleTask = 0;
        if (wasOpen)
            transportFailed(!reason.isEmpty() ? QStringLiteral("the server closed the change stream: %1").arg(reason)
                            : !error.isEmpty() ? QStringLiteral("the change stream was cut: %1").arg(error)
                                               : QStringLiteral("the server closed the change stream"));
        else
            transportFailed(QStringLiteral("cannot open %1: %2").arg(url, error.isEmpty() ? QStringLiteral("the connection closed") : error));
    };
    connect(socket, &QWebSocket::disconnected, this, lost);
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    connect(socket, &QWebSocket::errorOccurred, this, lost);
#else
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, lost);
#endif
    socket->open(request);
}

void WebSocketStream::disconnectTransport()
{
    scheduler()->cancel(m_idleTask);
    m_idleTask = 0;
    if (!m_socket)
        return;
    QWebSocket *socket = m_socket;
    m_socket = nullptr;
    disconnect(socket, nullptr, this, nullptr);
    socket->abort();
    socket->deleteLater();
}

void WebSocketStream::watchIdle()
{
    const Millis every = std::max(Millis{100}, m_options.idleTimeout / 3);
    m_idleTask = scheduler()->scheduleIn(every, [this] {
        m_idleTask = 0;
        if (!m_socket || !isOpen())
            return;
        if (scheduler()->clock()->now() - m_lastHeard > m_options.idleTimeout) {
            disconnectTransport();
            transportFailed(QStringLiteral("the change stream went silent (no answer to a ping for %1 s)")
                                .arg(m_options.idleTimeout.count() / 1000));
            return;
        }
        m_socket->ping();
        watchIdle();
    });
}

} // namespace refetch
