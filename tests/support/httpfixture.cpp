#include "httpfixture.h"

#include "app/sampleapi/localhttpserver.h"

#include <QCryptographicHash>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <limits>

// Design: QHttpServer 6.4 parses requests, owns the connections (keep-alive, several requests per
// connection) and writes the answers through its responder. Its router stays empty: every request reaches
// the missing handler, because exact matching, one-shot answers and holds are the fixture's own.
// The responder's socket is used for two things the 6.4 responder API cannot do: closing the connection
// mid-answer for the drop faults, and noticing that a client left while its answer waits. Later Qt versions
// removed QHttpServerResponder::socket(): when the floor moves past 6.4, the drop faults need their own
// QTcpServer.

namespace refetch::test {

namespace {

const char *const ConnectionProperty = "refetchFixtureConnection";

QByteArray routeKey(const QByteArray &method, const QString &path)
{
    return method.toUpper() + ' ' + path.toUtf8();
}

// These statuses never carry a body (RFC 9110 6.4.1), so they get no Content-Length either.
bool statusHasBody(int status)
{
    return status >= 200 && status != 204 && status != 304;
}

// IMF-fixdate, the only date format HTTP senders use: "Sun, 06 Nov 1994 08:49:37 GMT".
const QString HttpDateFormat = QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'");

QByteArray toHttpDate(const QDateTime &utc)
{
    return QLocale::c().toString(utc.toUTC(), HttpDateFormat).toLatin1();
}

QDateTime fromHttpDate(const QByteArray &value)
{
    QDateTime dt = QLocale::c().toDateTime(QString::fromLatin1(value.trimmed()), HttpDateFormat);
    dt.setTimeSpec(Qt::UTC);
    return dt;
}

// If-None-Match uses the weak comparison (RFC 9110 13.1.2): "W/" is ignored on both sides.
bool etagListMatches(const QByteArray &ifNoneMatch, const QByteArray &etag)
{
    const auto opaque = [](QByteArray tag) {
        tag = tag.trimmed();
        return tag.startsWith("W/") ? tag.mid(2) : tag;
    };
    const QList<QByteArray> candidates = ifNoneMatch.split(',');
    return std::any_of(candidates.cbegin(), candidates.cend(), [&](const QByteArray &candidate) {
        return candidate.trimmed() == "*" || opaque(candidate) == opaque(etag);
    });
}

int toTimerInterval(std::chrono::milliseconds d)
{
    return int(std::clamp<qint64>(d.count(), 0, std::numeric_limits<int>::max()));
}

// A drop fault leaves the announced Content-Length unmet and closes the connection,
// which is what a crashed or cut-off server looks like to a client.
void writeResponse(QHttpServerResponder &responder, const Response &response, bool headOnly)
{
    using Fault = Response::Fault;
    QByteArray body = response.body;
    if (response.fault == Fault::DropMidBody && body.size() < 2)
        body = QByteArray(64, 'x'); // there has to be a middle to stop in
    qsizetype contentLength = body.size();
    if (response.fault == Fault::DropAfterHeaders)
        contentLength = std::max<qsizetype>(contentLength, 1);

    // Any int goes: 6.4 writes a code missing from its table without a reason phrase.
    responder.writeStatusLine(QHttpServerResponder::StatusCode(response.status));
    for (const auto &[name, value] : response.headers) {
        if (name.compare("content-length", Qt::CaseInsensitive) != 0)
            responder.writeHeader(name, value);
    }
    if (statusHasBody(response.status))
        responder.writeHeader("Content-Length", QByteArray::number(contentLength));

    switch (response.fault) {
    case Fault::DropAfterHeaders:
        responder.writeBody(QByteArray()); // ends the header block
        responder.socket()->disconnectFromHost(); // sends what is buffered, then closes
        return;
    case Fault::DropMidBody:
        responder.writeBody(body.left(body.size() / 2));
        responder.socket()->disconnectFromHost();
        return;
    case Fault::None:
    case Fault::Hold:
        break;
    }
    responder.writeBody(headOnly || !statusHasBody(response.status) ? QByteArray() : body);
}

} // namespace

Response Response::json(const QByteArray &body, int status)
{
    return Response{.status = status,
                    .body = body,
                    .headers = {{"Content-Type", "application/json"}}};
}

HttpFixture::HttpFixture(QObject *parent)
    : QObject(parent)
    , m_server(new QHttpServer(this))
{
    m_server->setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        handle(request, std::move(responder));
    });
}

// m_pending (and its responders) goes before the QHttpServer child and its sockets; nothing is written on the way out.
HttpFixture::~HttpFixture() = default;

bool HttpFixture::start()
{
    if (m_tcpServer)
        return true;
    QString error;
    m_tcpServer = listenOnLoopback(m_server, &error);
    if (!m_tcpServer)
        qWarning("HttpFixture: %s", qPrintable(error));
    return m_tcpServer != nullptr;
}

QUrl HttpFixture::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port()));
}

quint16 HttpFixture::port() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : 0;
}

void HttpFixture::route(const QByteArray &method, const QString &path, Handler handler)
{
    m_routes.insert(routeKey(method, path), std::move(handler));
}

void HttpFixture::setJson(const QString &path, const QByteArray &body)
{
    JsonResource &resource = m_resources[path];
    if (!resource.etag.isEmpty() && resource.body == body)
        return; // same representation: same validators
    resource.body = body;
    resource.etag = '"' + QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex().left(32) + '"';
    // A synthetic clock a minute per version: strictly increasing, so If-Modified-Since can tell
    // versions apart even when a test sets two bodies within the same second.
    ++m_resourceVersion;
    resource.lastModified = QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC).addSecs(60 * m_resourceVersion);

    const Handler serve = [this, path](const RecordedRequest &request) { return serveResource(path, request); };
    route("GET", path, serve);
    route("HEAD", path, serve);
}

void HttpFixture::enqueue(const QByteArray &method, const QString &path, Response response)
{
    m_scripted[routeKey(method, path)].enqueue(std::move(response));
}

bool HttpFixture::release(int requestId)
{
    const auto it = m_pending.find(requestId);
    if (it == m_pending.end() || !it->second.held)
        return false;
    it->second.held = false;
    schedule(requestId);
    return true;
}

int HttpFixture::releaseAll()
{
    const QList<int> ids = heldRequests();
    int released = 0;
    for (int id : ids)
        released += release(id) ? 1 : 0;
    return released;
}

QList<int> HttpFixture::heldRequests() const
{
    QList<int> ids;
    for (const auto &[id, pending] : m_pending) {
        if (pending.held)
            ids.append(id);
    }
    return ids;
}

QList<RecordedRequest> HttpFixture::requests() const
{
    return m_log;
}

int HttpFixture::count(const QByteArray &method, const QString &path) const
{
    const QByteArray upper = method.toUpper();
    return int(std::count_if(m_log.cbegin(), m_log.cend(), [&](const RecordedRequest &r) {
        return (upper.isEmpty() || r.method == upper) && (path.isEmpty() || r.path == path);
    }));
}

void HttpFixture::clearLog()
{
    m_log.clear();
}

int HttpFixture::inFlight() const
{
    return int(m_pending.size());
}

void HttpFixture::handle(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    QTcpSocket *socket = responder.socket();
    const RecordedRequest recorded = record(request, socket);
    m_log.append(recorded);
    const Response response = answerFor(recorded);
    const bool headOnly = recorded.method == "HEAD";

    const bool later = response.fault == Response::Fault::Hold || response.delay.count() > 0;
    if (later) {
        // The 6.4 responder points at the socket and its request without tracking them, and both are
        // deleted when the client disconnects: the QPointer and the disconnect watch guard every later write.
        const int id = recorded.id;
        Pending pending{.responder = std::make_unique<QHttpServerResponder>(std::move(responder)),
                        .socket = socket,
                        .response = response,
                        .headOnly = headOnly,
                        .held = response.fault == Response::Fault::Hold};
        pending.disconnectWatch = connect(socket, &QTcpSocket::disconnected, this, [this, id] {
            m_pending.erase(id);
        });
        m_pending.emplace(id, std::move(pending));
        if (!m_pending.at(id).held)
            schedule(id);
    } else {
        writeResponse(responder, response, headOnly);
    }
    Q_EMIT requestReceived(recorded.id);
}

RecordedRequest HttpFixture::record(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QVariant connection = socket->property(ConnectionProperty);
    if (!connection.isValid()) {
        connection = ++m_connections;
        socket->setProperty(ConnectionProperty, connection);
    }

    RecordedRequest recorded{.id = m_nextRequestId++,
                             .method = methodName(request.method()),
                             .path = request.url().path(),
                             .query = request.query(),
                             .body = request.body(),
                             .connection = connection.toInt()};
    for (const auto &[name, value] : request.headers()) {
        QByteArray &slot = recorded.headers[name.toLower()];
        slot = slot.isEmpty() ? value : slot + ", " + value;
    }
    return recorded;
}

Response HttpFixture::answerFor(const RecordedRequest &request)
{
    const QByteArray key = routeKey(request.method, request.path);
    if (auto it = m_scripted.find(key); it != m_scripted.end() && !it->isEmpty())
        return it->dequeue();
    if (auto it = m_routes.constFind(key); it != m_routes.cend())
        return (*it)(request);
    const QJsonObject error{{QStringLiteral("error"), QStringLiteral("not found")},
                            {QStringLiteral("path"), request.path}};
    return Response::json(QJsonDocument(error).toJson(QJsonDocument::Compact), 404);
}

Response HttpFixture::serveResource(const QString &path, const RecordedRequest &request) const
{
    const JsonResource resource = m_resources.value(path);
    const QList<std::pair<QByteArray, QByteArray>> validators{
        {"ETag", resource.etag}, {"Last-Modified", toHttpDate(resource.lastModified)}};

    // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2).
    bool notModified = false;
    if (const QByteArray inm = request.headers.value("if-none-match"); !inm.isEmpty()) {
        notModified = etagListMatches(inm, resource.etag);
    } else if (const QByteArray ims = request.headers.value("if-modified-since"); !ims.isEmpty()) {
        const QDateTime since = fromHttpDate(ims);
        notModified = since.isValid() && resource.lastModified <= since;
    }
    if (notModified)
        return Response{.status = 304, .headers = validators};

    Response response = Response::json(resource.body);
    response.headers += validators;
    return response;
}

void HttpFixture::schedule(int id)
{
    const std::chrono::milliseconds delay = m_pending.at(id).response.delay;
    if (delay.count() <= 0) {
        answer(id);
        return;
    }
    QTimer::singleShot(toTimerInterval(delay), Qt::PreciseTimer, this, [this, id] { answer(id); });
}

void HttpFixture::answer(int id)
{
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return; // the client went away meanwhile
    Pending pending = std::move(it->second);
    m_pending.erase(it);
    disconnect(pending.disconnectWatch);
    if (pending.socket && pending.socket->state() == QAbstractSocket::ConnectedState)
        writeResponse(*pending.responder, pending.response, pending.headOnly);
}

} // namespace refetch::test
