#include "rawhttpserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <limits>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

// Design: a plain QTcpServer and our own HTTP/1.1 request reader, because the faults under test are exactly what
// a well-behaved HTTP server never sends. Each connection runs one script at a time; its steps resume from timers
// and from bytesWritten, so nothing blocks and a 50 MB body is never held in memory.

namespace refetch::test {

namespace {

QByteArray routeKey(const QByteArray &method, const QString &path)
{
    return method.toUpper() + ' ' + path.toUtf8();
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
    }
}

int toTimerInterval(std::chrono::milliseconds d)
{
    return int(std::clamp<qint64>(d.count(), 0, std::numeric_limits<int>::max()));
}

QByteArray chunkBytes(const QByteArray &bytes)
{
    return QByteArray::number(bytes.size(), 16) + "\r\n" + bytes + "\r\n";
}

// Written while less than this waits in the socket: the generator runs only as fast as the client reads.
constexpr qint64 HighWater = 1024 * 1024;

} // namespace

RawScript &RawScript::write(const QByteArray &bytes)
{
    m_steps.append(Step{.kind = Step::Kind::Write, .bytes = bytes});
    return *this;
}

RawScript &RawScript::head(int status, const Headers &headers, qint64 contentLength, const QByteArray &reason)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + (reason.isEmpty() ? reasonPhrase(status) : reason)
        + "\r\n";
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
    if (contentLength >= 0)
        out += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
    out += "\r\n";
    return write(out);
}

RawScript &RawScript::pause(std::chrono::milliseconds duration)
{
    m_steps.append(Step{.kind = Step::Kind::Pause, .duration = duration});
    return *this;
}

RawScript &RawScript::drip(const QByteArray &bytes, int piece, std::chrono::milliseconds interval)
{
    piece = std::max(1, piece);
    for (qsizetype i = 0; i < bytes.size(); i += piece) {
        if (i > 0)
            pause(interval);
        write(bytes.mid(i, piece));
    }
    return *this;
}

RawScript &RawScript::chunk(const QByteArray &bytes)
{
    return write(chunkBytes(bytes));
}

RawScript &RawScript::generate(Generator next, bool chunked)
{
    m_steps.append(Step{.kind = Step::Kind::Generate, .next = std::move(next), .chunked = chunked});
    return *this;
}

RawScript &RawScript::close()
{
    m_steps.append(Step{.kind = Step::Kind::Close});
    return *this;
}

RawScript &RawScript::reset()
{
    m_steps.append(Step{.kind = Step::Kind::Reset});
    return *this;
}

RawScript &RawScript::stall()
{
    m_steps.append(Step{.kind = Step::Kind::Stall});
    return *this;
}

RawScript RawScript::response(int status, const QByteArray &body, const Headers &headers)
{
    RawScript s;
    s.head(status, headers, body.size());
    if (!body.isEmpty())
        s.write(body);
    return s;
}

RawScript RawScript::json(const QByteArray &body, int status)
{
    return response(status, body, {{"Content-Type", "application/json"}});
}

RawScript RawScript::chunked(int status, const QList<QByteArray> &chunks, const Headers &headers,
                             std::chrono::milliseconds pause)
{
    RawScript s;
    s.head(status, Headers(headers) << std::pair<QByteArray, QByteArray>("Transfer-Encoding", "chunked"));
    for (const QByteArray &c : chunks) {
        if (c.isEmpty())
            continue; // an empty chunk would end the body early
        s.chunk(c);
        if (pause.count() > 0)
            s.pause(pause);
    }
    return s.chunk({});
}

// One client connection: what it sent that is not read yet, and where its current script is.
struct RawHttpServer::Connection
{
    QPointer<QTcpSocket> socket;
    int id = 0;
    QByteArray buffer;
    bool busy = false;        // a script is running
    bool ended = false;       // closed, reset or stalled: nothing more is read or written
    bool draining = false;    // a generator waits for the socket to drain
    RawScript script;
    qsizetype step = 0;
};

RawHttpServer::RawHttpServer(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &RawHttpServer::onNewConnection);
}

RawHttpServer::~RawHttpServer()
{
    // The sockets are children of m_server, which goes after our other members: nothing may call back.
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it) {
        if (it.value()->socket)
            disconnect(it.value()->socket, nullptr, this, nullptr);
    }
    m_connections.clear();
}

bool RawHttpServer::start()
{
    if (m_server.isListening())
        return true;
    if (!m_server.listen(QHostAddress::LocalHost, 0)) {
        qWarning("RawHttpServer: cannot listen on 127.0.0.1: %s", qPrintable(m_server.errorString()));
        return false;
    }
    return true;
}

QUrl RawHttpServer::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port()));
}

void RawHttpServer::route(const QByteArray &method, const QString &path, Handler handler)
{
    m_routes.insert(routeKey(method, path), std::move(handler));
}

void RawHttpServer::enqueue(const QByteArray &method, const QString &path, RawScript script)
{
    m_scripted[routeKey(method, path)].enqueue(std::move(script));
}

int RawHttpServer::count(const QByteArray &method, const QString &path) const
{
    const QByteArray upper = method.toUpper();
    return int(std::count_if(m_log.cbegin(), m_log.cend(), [&](const RawRequest &r) {
        return (upper.isEmpty() || r.method == upper) && (path.isEmpty() || r.path == path);
    }));
}

void RawHttpServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        // Every write goes out as it is made: a drip of one byte is one segment, not one per delayed ACK (Nagle).
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        auto c = std::make_shared<Connection>();
        c->socket = socket;
        c->id = ++m_connectionCount;
        m_connections.insert(socket, c);
        connect(socket, &QTcpSocket::readyRead, this, [this, c] {
            if (c->socket && !c->ended)
                c->buffer += c->socket->readAll();
            readRequests(c.get());
        });
        connect(socket, &QTcpSocket::bytesWritten, this, [this, c] {
            if (c->draining) {
                c->draining = false;
                runScript(c.get());
            }
        });
        connect(socket, &QTcpSocket::disconnected, this, [this, c] { finishConnection(c.get()); });
    }
}

void RawHttpServer::finishConnection(Connection *c)
{
    c->ended = true;
    if (QTcpSocket *socket = c->socket) {
        disconnect(socket, nullptr, this, nullptr);
        socket->deleteLater();
        m_connections.remove(socket); // may drop the last reference to c: nothing after this
    }
}

void RawHttpServer::readRequests(Connection *c)
{
    if (c->busy || c->ended)
        return;
    const qsizetype headerEnd = c->buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return;
    const QList<QByteArray> lines = c->buffer.left(headerEnd).split('\n');
    RawRequest r;
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    r.method = requestLine.value(0);
    r.target = requestLine.value(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        QByteArray &slot = r.headers[line.left(colon).trimmed().toLower()];
        const QByteArray value = line.mid(colon + 1).trimmed();
        slot = slot.isEmpty() ? value : slot + ", " + value;
    }
    const qint64 length = r.headers.value("content-length").toLongLong();
    if (c->buffer.size() < headerEnd + 4 + length)
        return; // the body is still coming
    r.body = c->buffer.mid(headerEnd + 4, length);
    c->buffer.remove(0, headerEnd + 4 + length);

    const QUrl url = QUrl::fromEncoded(r.target);
    r.path = url.path(QUrl::FullyDecoded);
    r.query = QUrlQuery(url);
    r.id = m_nextRequestId++;
    r.connection = c->id;
    m_log.append(r);

    c->script = scriptFor(r);
    c->step = 0;
    c->busy = true;
    Q_EMIT requestReceived(r.id);
    runScript(c);
}

RawScript RawHttpServer::scriptFor(const RawRequest &request)
{
    for (const QByteArray &key : {routeKey(request.method, request.path), routeKey({}, request.path)}) {
        if (auto it = m_scripted.find(key); it != m_scripted.end() && !it->isEmpty())
            return it->dequeue();
    }
    for (const QByteArray &key : {routeKey(request.method, request.path), routeKey({}, request.path)}) {
        if (auto it = m_routes.constFind(key); it != m_routes.cend())
            return (*it)(request);
    }
    const QJsonObject error{{QStringLiteral("error"), QStringLiteral("not found")},
                            {QStringLiteral("path"), request.path}};
    return RawScript::json(QJsonDocument(error).toJson(QJsonDocument::Compact), 404);
}

void RawHttpServer::runScript(Connection *c)
{
    // The connection may go while a step runs (a reset disconnects at once): hold it.
    const std::shared_ptr<Connection> hold = c->socket ? m_connections.value(c->socket) : nullptr;
    if (!hold || c->ended)
        return;
    QTcpSocket *socket = c->socket;
    while (c->step < c->script.m_steps.size()) {
        RawScript::Step &step = c->script.m_steps[c->step];
        using Kind = RawScript::Step::Kind;
        switch (step.kind) {
        case Kind::Write:
            socket->write(step.bytes);
            ++c->step;
            break;
        case Kind::Pause:
            ++c->step;
            QTimer::singleShot(toTimerInterval(step.duration), socket, [this, hold] { runScript(hold.get()); });
            return;
        case Kind::Generate:
            while (socket->bytesToWrite() < HighWater) {
                const QByteArray piece = step.next();
                if (piece.isEmpty()) {
                    if (step.chunked)
                        socket->write(chunkBytes({}));
                    ++c->step;
                    break;
                }
                socket->write(step.chunked ? chunkBytes(piece) : piece);
            }
            if (c->step < c->script.m_steps.size() && &c->script.m_steps[c->step] == &step) {
                c->draining = true; // resumed from bytesWritten
                return;
            }
            break;
        case Kind::Close:
            c->ended = true;
            socket->disconnectFromHost(); // sends what is buffered, then FIN
            return;
        case Kind::Reset: {
            c->ended = true;
            socket->flush();
#ifdef Q_OS_UNIX
            // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            const linger noLinger{1, 0};
            ::setsockopt(int(socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &noLinger, sizeof noLinger);
#endif
            socket->abort();
            return;
        }
        case Kind::Stall:
            c->ended = true;
            return;
        }
    }
    c->busy = false;
    readRequests(c); // a request that came meanwhile on this keep-alive connection
}

} // namespace refetch::test
