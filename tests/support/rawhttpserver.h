#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QQueue>
#include <QString>
#include <QTcpServer>
#include <QUrl>
#include <QUrlQuery>

#include <chrono>
#include <functional>
#include <memory>
#include <utility>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace refetch::test {

// One request as the raw server read it off the wire.
struct RawRequest
{
    int id = 0;                                // from 1, never reused
    int connection = 0;                        // which TCP connection carried it (1, 2, ...)
    QByteArray method{};                       // as sent: "GET", "PATCH", ...
    QByteArray target{};                       // the request target exactly as sent (percent-encoded)
    QString path{};                            // decoded path, without the query
    QUrlQuery query{};
    QHash<QByteArray, QByteArray> headers{};   // lower-case names; repeated headers joined with ", "
    QByteArray body{};
};

// What the raw server does on one connection for one request: a list of steps run in order, so that an answer
// can be anything a broken server or network produces (bad framing, pauses, a close or a reset mid-body, no
// answer at all, a body too large to hold in memory). Built with chained calls:
//   RawScript().head(200, {{"Content-Type", "application/json"}}, 10).write("[1,").pause(50ms).reset()
// A script that ends without close(), reset() or stall() leaves the connection open for the next request.
class RawScript
{
public:
    using Headers = QList<std::pair<QByteArray, QByteArray>>;
    // Hands out the body piece by piece; an empty piece ends it. Called only as the socket drains.
    using Generator = std::function<QByteArray()>;

    // These bytes, as they are.
    RawScript &write(const QByteArray &bytes);
    // A status line and headers ending with the blank line; Content-Length when `contentLength` >= 0.
    RawScript &head(int status, const Headers &headers = {}, qint64 contentLength = -1, const QByteArray &reason = {});
    // Waits (a timer; the event loop keeps running).
    RawScript &pause(std::chrono::milliseconds duration);
    // `bytes` in pieces of `piece` bytes with `interval` between them: a slow network.
    RawScript &drip(const QByteArray &bytes, int piece, std::chrono::milliseconds interval);
    // One chunk of a chunked body (its size line, the bytes, CRLF); an empty `bytes` is the last chunk.
    RawScript &chunk(const QByteArray &bytes);
    // A body generated as it is sent (never held whole), optionally as chunks; written while less than 1 MB
    // waits in the socket.
    RawScript &generate(Generator next, bool chunked = false);
    // A graceful close (FIN) after what was written has gone out.
    RawScript &close();
    // An abortive close: RST (SO_LINGER 0), whatever is still buffered is thrown away.
    RawScript &reset();
    // Never answers any further; the connection stays open until the client gives up.
    RawScript &stall();

    // A complete answer with Content-Length.
    static RawScript response(int status, const QByteArray &body, const Headers &headers = {});
    static RawScript json(const QByteArray &body, int status = 200);
    // A complete answer in chunked transfer encoding, `pause` between chunks.
    static RawScript chunked(int status, const QList<QByteArray> &chunks, const Headers &headers = {},
                             std::chrono::milliseconds pause = std::chrono::milliseconds(0));

private:
    friend class RawHttpServer;
    struct Step
    {
        enum class Kind { Write, Pause, Generate, Close, Reset, Stall } kind;
        QByteArray bytes{};
        std::chrono::milliseconds duration{0};
        Generator next{};
        bool chunked = false;
    };
    QList<Step> m_steps;
};

// A TCP server on 127.0.0.1 that reads HTTP/1.1 requests itself and answers each with a RawScript: for the
// faults QHttpServer cannot produce (malformed framing, resets, stalls, huge generated bodies, slow drips).
// Scripts are picked like the HTTP fixture's answers: one-shot ones first, then a route, else a 404.
class RawHttpServer : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<RawScript(const RawRequest &)>;

    explicit RawHttpServer(QObject *parent = nullptr);
    ~RawHttpServer() override;

    // Listens on 127.0.0.1 on a free port; true when listening (also when already started).
    bool start();
    QUrl baseUrl() const; // "http://127.0.0.1:PORT"
    quint16 port() const { return m_server.serverPort(); }

    // Exact match on the decoded path; an empty method matches any. A later route for the same key replaces it.
    void route(const QByteArray &method, const QString &path, Handler handler);
    // The answer to the next matching request (first in, first out), before the route.
    void enqueue(const QByteArray &method, const QString &path, RawScript script);

    QList<RawRequest> requests() const { return m_log; }
    // Requests matching method and path; an empty argument matches anything.
    int count(const QByteArray &method = {}, const QString &path = {}) const;
    void clearLog() { m_log.clear(); }
    // Connections open now (a stalled one stays open until the client leaves).
    int openConnections() const { return int(m_connections.size()); }

Q_SIGNALS:
    void requestReceived(int id);

private:
    struct Connection;

    void onNewConnection();
    void readRequests(Connection *c);
    void runScript(Connection *c);
    void finishConnection(Connection *c);
    RawScript scriptFor(const RawRequest &request);

    QTcpServer m_server;
    QHash<QByteArray, Handler> m_routes;            // key: "METHOD path" (method may be empty)
    QHash<QByteArray, QQueue<RawScript>> m_scripted;
    QList<RawRequest> m_log;
    QHash<QTcpSocket *, std::shared_ptr<Connection>> m_connections;
    int m_nextRequestId = 1;
    int m_connectionCount = 0;
};

} // namespace refetch::test
