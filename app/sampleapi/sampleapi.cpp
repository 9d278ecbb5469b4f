#include "sampleapi.h"

#include "changefeed.h"
#include "localhttpserver.h"
#include "restrouter.h"
#include "sampledatabase.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QLoggingCategory>
#include <QPointer>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <limits>

Q_LOGGING_CATEGORY(lcSampleApi, "refetch.sampleapi", QtInfoMsg)

namespace refetch {

using sampleapi::Reply;
using sampleapi::Request;

namespace {

Request toRequest(const QHttpServerRequest &request, quint16 port)
{
    Request r{.method = methodName(request.method()),
              .path = request.url().path(QUrl::FullyDecoded),
              .query = request.url().query(QUrl::FullyEncoded).toUtf8(),
              .body = request.body()};
    for (const auto &[name, value] : request.headers())
        r.headers.emplaceBack(name.toLower(), value);
    const QByteArray host = r.header("host");
    r.origin = QStringLiteral("http://") + (host.isEmpty() ? QStringLiteral("127.0.0.1:%1").arg(port) : QString::fromUtf8(host));
    return r;
}

// The built-in seed: one JSON array per resource in resources/sample, named after its file.
QByteArray builtinSeed(QString *error)
{
    const QDir dir(QStringLiteral(":/sample"));
    const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    if (files.isEmpty()) {
        *error = QStringLiteral("the built-in sample data is missing from the executable");
        return {};
    }
    // Assembled as a db.json, so that both seeds take the same path.
    QByteArray db = "{";
    for (const QString &name : files) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1").arg(file.fileName());
            return {};
        }
        if (db.size() > 1)
            db += ',';
        db += '"' + QFileInfo(name).completeBaseName().toUtf8() + "\":" + file.readAll();
    }
    db += '}';
    return db;
}

// A drop fault announces the whole body, sends half of it and closes the connection: what a crashed server
// looks like to a client.
void writeReply(QHttpServerResponder &responder, const Reply &reply, bool headOnly, bool drop)
{
    const bool hasBody = reply.status >= 200 && reply.status != 204 && reply.status != 304;
    QByteArray body = hasBody && !headOnly ? reply.body : QByteArray();
    if (drop && body.size() < 2)
        body = QByteArray(64, ' '); // there has to be a middle to stop in
    responder.writeStatusLine(QHttpServerResponder::StatusCode(reply.status));
    for (const auto &[name, value] : reply.headers)
        responder.writeHeader(name, value);
    if (hasBody || drop) {
        responder.writeHeader("Content-Type", "application/json; charset=utf-8");
        responder.writeHeader("Content-Length", QByteArray::number(drop ? body.size() : reply.body.size()));
    }
    if (drop) {
        responder.writeBody(body.left(body.size() / 2));
        responder.socket()->disconnectFromHost();
        return;
    }
    responder.writeBody(body);
}

int toTimerInterval(std::chrono::milliseconds d)
{
    return int(std::clamp<qint64>(d.count(), 0, std::numeric_limits<int>::max()));
}

} // namespace

// An answer waiting out its latency. The 6.4 responder does not track its socket, which is deleted when the
// client leaves: the QPointer and the disconnect watch guard the write.
struct SampleApi::Pending
{
    std::unique_ptr<QHttpServerResponder> responder;
    QPointer<QTcpSocket> socket;
    Reply reply;
    bool headOnly = false;
    bool drop = false;
    QMetaObject::Connection disconnectWatch;
};

SampleApi::SampleApi(QObject *parent)
    : QObject(parent)
{
}

SampleApi::~SampleApi()
{
    for (auto &[id, pending] : m_pending)
        disconnect(pending->disconnectWatch);
    m_pending.clear(); // responders go before the server and its sockets
    if (m_db)
        m_db->setChangeHandler({});
    m_feed.reset();
}

QString SampleApi::defaultDatabasePath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("sample-api.sqlite"));
}

bool SampleApi::start(const Options &options, QString *error)
{
    QString why;
    auto failed = [&](const QString &message) {
        if (error)
            *error = message;
        qCWarning(lcSampleApi).noquote() << message;
        return false;
    };
    if (m_tcpServer)
        return failed(QStringLiteral("the sample API is already running"));
    if (!(options.failRate >= 0 && options.failRate <= 1) || !(options.dropRate >= 0 && options.dropRate <= 1))
        return failed(QStringLiteral("fault rates must be between 0 and 1"));
    m_options = options;
    if (m_options.databasePath.isEmpty())
        m_options.databasePath = defaultDatabasePath();
    m_random.seed(options.randomSeed ? options.randomSeed : QRandomGenerator::system()->generate());

    QByteArray seed;
    QString source;
    if (!options.seedFile.isEmpty()) {
        QFile file(options.seedFile);
        if (!file.open(QIODevice::ReadOnly))
            return failed(QStringLiteral("cannot read the seed file %1: %2").arg(options.seedFile, file.errorString()));
        seed = file.readAll();
        source = QStringLiteral("file:");
    } else {
        seed = builtinSeed(&why);
        if (seed.isEmpty())
            return failed(why);
        source = QStringLiteral("builtin:");
    }
    source += QString::fromLatin1(QCryptographicHash::hash(seed, QCryptographicHash::Sha256).toHex());

    auto db = std::make_unique<sampleapi::SampleDatabase>();
    if (!db->open(m_options.databasePath, &why))
        return failed(QStringLiteral("cannot open the sample database: %1").arg(why));
    if (options.reset || db->seedSource() != source) {
        const auto resources = sampleapi::SampleDatabase::parseSeed(seed, &why);
        if (!resources)
            return failed(QStringLiteral("cannot seed from %1: %2").arg(options.seedFile.isEmpty() ? QStringLiteral("the built-in data") : options.seedFile, why));
        if (!db->seed(*resources, source, &why))
            return failed(why);
        qCDebug(lcSampleApi).noquote() << "seeded" << m_options.databasePath;
    }

    auto server = std::make_unique<QHttpServer>();
    QTcpServer *listener = listenOnLoopback(server.get(), &why, options.port);
    if (!listener)
        return failed(why);
    auto feed = std::make_unique<sampleapi::ChangeFeed>(options.eventBuffer);
    feed->setKeepAliveInterval(options.keepAlive);
    if (options.webSocket && !feed->listenWebSocket(options.webSocketPort, &why))
        return failed(why);
    m_feed = std::move(feed);
    m_db = std::move(db);
    // Every write's changes go out on the change stream as soon as they are saved, before the write's answer.
    m_db->setChangeHandler([feed = m_feed.get()](const QString &resource, const QJsonValue &id, const char *action) {
        feed->publish(resource, id, action);
    });
    m_router = std::make_unique<sampleapi::RestRouter>(m_db.get(), &m_random);
    QList<sampleapi::GeneratedCollection> generated;
    for (const auto &[name, count] : options.generated)
        generated.append(sampleapi::GeneratedCollection(name, std::max<qint64>(0, count)));
    m_router->setGenerated(std::move(generated));
    if (options.seedFile.isEmpty()) {
        // The built-in data's description: its fields, which are required, their choices, and the references
        // between the resources (resources/sample-schema/openapi.json).
        QFile document(QStringLiteral(":/sample-schema/openapi.json"));
        if (document.open(QIODevice::ReadOnly))
            m_router->setOpenApi(document.readAll());
    }
    m_server = server.release();
    m_server->setParent(this);
    m_server->setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        handle(request, std::move(responder));
    });
    m_tcpServer = listener;
    return true;
}

bool SampleApi::isListening() const
{
    return m_tcpServer && m_tcpServer->isListening();
}

QUrl SampleApi::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port()));
}

quint16 SampleApi::port() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : 0;
}

QString SampleApi::databasePath() const
{
    return m_db ? m_db->path() : QString();
}

QUrl SampleApi::eventsUrl() const
{
    QUrl url = baseUrl();
    url.setPath(QStringLiteral("/events"));
    return url;
}

QUrl SampleApi::webSocketUrl() const
{
    return m_feed ? m_feed->webSocketUrl() : QUrl();
}

QString SampleApi::announcement() const
{
    return QStringLiteral("Sample API at ") + baseUrl().toString();
}

bool SampleApi::chance(double rate)
{
    return rate > 0 && (rate >= 1 || m_random.generateDouble() < rate);
}

void SampleApi::handle(const QHttpServerRequest &httpRequest, QHttpServerResponder &&responder)
{
    const Request request = toRequest(httpRequest, port());
    // The change stream, unless the data has a collection of that name and the client asks for JSON. No
    // faults or latency: they are the REST API's.
    if (request.method == "GET" && (request.path == u"/events" || request.path == u"/events/")
        && (request.header("accept").contains("text/event-stream") || !m_db->resource(u"events"))) {
        qCDebug(lcSampleApi).noquote() << "GET /events: change stream, from" << request.header("last-event-id");
        Q_EMIT requestHandled(request.method, request.path, 200);
        QTcpSocket *socket = responder.socket();
        m_feed->addSseClient(std::make_unique<QHttpServerResponder>(std::move(responder)), socket,
                             QString::fromUtf8(request.header("last-event-id")));
        return;
    }
    Reply reply;
    if (chance(m_options.failRate)) {
        reply = Reply::error(503, QStringLiteral("service unavailable"),
                             {{QStringLiteral("detail"), QStringLiteral("a fault injected by --demo-fail-rate")}});
        reply.headers.emplaceBack("Retry-After", "1");
    } else {
        reply = m_router->handle(request);
    }
    const bool drop = chance(m_options.dropRate);
    const bool headOnly = request.method == "HEAD";
    qCDebug(lcSampleApi).noquote() << request.method << request.path << request.query << "->" << reply.status
                                   << (drop ? "(dropped)" : "");
    Q_EMIT requestHandled(request.method, request.path, reply.status);

    // json-server's own per-request delay, ?_delay=MS, adds to the configured latency.
    std::chrono::milliseconds delay = m_options.latency;
    for (const auto &[key, value] : sampleapi::parseQuery(request.query)) {
        if (key == u"_delay")
            delay += std::chrono::milliseconds(qint64(std::max(0.0, value.toDouble())));
    }
    if (delay.count() <= 0) {
        writeReply(responder, reply, headOnly, drop);
        return;
    }
    QTcpSocket *socket = responder.socket();
    const int id = m_nextPending++;
    auto pending = std::make_unique<Pending>(Pending{.responder = std::make_unique<QHttpServerResponder>(std::move(responder)),
                                                     .socket = socket,
                                                     .reply = reply,
                                                     .headOnly = headOnly,
                                                     .drop = drop});
    pending->disconnectWatch = connect(socket, &QTcpSocket::disconnected, this, [this, id] { m_pending.erase(id); });
    m_pending.emplace(id, std::move(pending));
    QTimer::singleShot(toTimerInterval(delay), Qt::PreciseTimer, this, [this, id] { answerPending(id); });
}

void SampleApi::answerPending(int id)
{
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return; // the client went away meanwhile
    std::unique_ptr<Pending> pending = std::move(it->second);
    m_pending.erase(it);
    disconnect(pending->disconnectWatch);
    if (pending->socket && pending->socket->state() == QAbstractSocket::ConnectedState)
        writeReply(*pending->responder, pending->reply, pending->headOnly, pending->drop);
}

} // namespace refetch
