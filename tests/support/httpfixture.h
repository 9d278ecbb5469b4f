#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QQueue>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <utility>

QT_BEGIN_NAMESPACE
class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;
class QTcpServer;
class QTcpSocket;
QT_END_NAMESPACE

namespace refetch::test {

// One request as the fixture received it.
struct RecordedRequest
{
    int id = 0;                                // from 1, never reused, not reset by clearLog()
    QByteArray method{};                       // upper case: "GET", "POST", ...
    QString path{};                            // decoded path, without the query
    QUrlQuery query{};
    QHash<QByteArray, QByteArray> headers{};   // lower-case names; repeated headers joined with ", "
    QByteArray body{};
    int connection = 0;                        // which TCP connection carried it (1, 2, ...): shows keep-alive
};

// What the fixture answers; faults make the answer go wrong in the ways a real network does.
struct Response
{
    int status = 200;
    QByteArray body{};
    QList<std::pair<QByteArray, QByteArray>> headers{}; // e.g. Content-Type, ETag, Retry-After; Content-Length is computed
    std::chrono::milliseconds delay{0};              // real time before the answer goes out; for Hold, counted from release()
    enum class Fault {
        None,
        DropAfterHeaders, // status line and headers (Content-Length > 0), then the connection closes
        DropMidBody,      // headers and half the body, then the connection closes
        Hold,             // no answer until release() or releaseAll()
    } fault = Fault::None;

    static Response json(const QByteArray &body, int status = 200);
};

// An in-process HTTP/1.1 server on 127.0.0.1 that tests script per path: handlers, one-shot answers,
// ETag resources and network faults, with a log of every request it received.
class HttpFixture : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<Response(const RecordedRequest &)>;

    explicit HttpFixture(QObject *parent = nullptr);
    ~HttpFixture() override;

    // Listens on 127.0.0.1 on a free port; true when listening (also when already started).
    bool start();
    QUrl baseUrl() const; // "http://127.0.0.1:PORT"
    quint16 port() const;

    // Exact path match; the query string is recorded but not matched. A later route for the same
    // method and path replaces the earlier one. Unmatched requests get 404 {"error":"not found","path":...}.
    void route(const QByteArray &method, const QString &path, Handler handler);
    // A GET (and HEAD) JSON resource with a strong ETag and a Last-Modified that change with the body,
    // answering If-None-Match and If-Modified-Since with 304. Calling it again replaces the body.
    void setJson(const QString &path, const QByteArray &body);
    // A one-shot answer for the next matching request; several are used first in, first out,
    // before the route for that path (if any) is consulted.
    void enqueue(const QByteArray &method, const QString &path, Response response);

    // Lets a held request be answered (after its delay, if any). False when the id is not held,
    // for example because its client went away.
    bool release(int requestId);
    // Releases every held request, oldest first; returns how many.
    int releaseAll();
    QList<int> heldRequests() const; // ids, oldest first

    QList<RecordedRequest> requests() const;
    // Requests in the log matching method and path; an empty argument matches anything.
    int count(const QByteArray &method = {}, const QString &path = {}) const;
    void clearLog();
    // Requests received but not answered yet (held and delayed ones). A request whose client
    // disconnected is dropped, since no answer can reach it.
    int inFlight() const;

Q_SIGNALS:
    // Emitted once the request is logged and its answer sent, scheduled or held,
    // so a slot can already release() it.
    void requestReceived(int id);

private:
    struct JsonResource
    {
        QByteArray body;
        QByteArray etag;
        QDateTime lastModified;
    };
    // An answer that is not sent right away.
    struct Pending
    {
        std::unique_ptr<QHttpServerResponder> responder;
        QPointer<QTcpSocket> socket;
        Response response;
        bool headOnly = false;
        bool held = false;
        QMetaObject::Connection disconnectWatch{};
    };

    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    RecordedRequest record(const QHttpServerRequest &request, QTcpSocket *socket);
    Response answerFor(const RecordedRequest &request);
    Response serveResource(const QString &path, const RecordedRequest &request) const;
    void schedule(int id);
    void answer(int id);

    QHttpServer *m_server = nullptr;
    QTcpServer *m_tcpServer = nullptr;
    QHash<QByteArray, Handler> m_routes;            // key: "METHOD path"
    QHash<QByteArray, QQueue<Response>> m_scripted; // key: "METHOD path"
    QHash<QString, JsonResource> m_resources;
    int m_resourceVersion = 0;
    QList<RecordedRequest> m_log;
    std::map<int, Pending> m_pending; // ordered by id, so releaseAll() goes oldest first
    int m_nextRequestId = 1;
    int m_connections = 0;
};

} // namespace refetch::test
