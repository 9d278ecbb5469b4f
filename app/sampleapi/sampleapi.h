#pragma once

#include <QObject>
#include <QRandomGenerator>
#include <QString>
#include <QUrl>

#include <chrono>
#include <map>
#include <memory>

QT_BEGIN_NAMESPACE
class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;
class QTcpServer;
QT_END_NAMESPACE

namespace refetch {

namespace sampleapi {
class ChangeFeed;
class RestRouter;
class SampleDatabase;
struct Reply;
} // namespace sampleapi

// An in-process REST API on 127.0.0.1 that speaks json-server 0.17's dialect over a SQLite store, and adds
// ETags, conditional writes, validation errors and injectable faults: the data behind `refetch --demo`, and a
// peer for the tests.
//
// Routes: GET /db; GET|POST /<collection>; GET|PUT|PATCH|DELETE /<collection>/<id>;
// GET|POST /<collection>/<id>/<nested> (the nested records whose "<singular>Id" is <id>);
// GET|POST|PUT|PATCH /<singular resource>. Error bodies are JSON: {"error": "...", ...}. A write whose body is
// not a JSON object, or that changes a record's id, gets 422 {"error":"validation failed","fields":{...}},
// where the field "$" stands for the body as a whole.
class SampleApi : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString databasePath;                 // empty: defaultDatabasePath()
        bool reset = false;                   // seed again even when the database has data
        QString seedFile;                     // a db.json in json-server's format; empty: the built-in sample data
        std::chrono::milliseconds latency{0}; // added before every answer
        double failRate = 0;                  // share of requests answered 503 with Retry-After, not carried out
        double dropRate = 0;                  // share of answers whose connection closes mid-body (after the work)
        quint32 randomSeed = 0;               // for faults and generated string ids; 0 picks one at random
        quint16 port = 0;                     // 0: a free one (a test brings a server back where it was)
        // Read-only collections of records made from their position, beside the data: {"rows", 1000000} serves a
        // million rows without holding them (GeneratedCollection). /db names them with no records.
        QList<std::pair<QString, qint64>> generated;
        // The change stream: GET /events (Server-Sent Events) and a WebSocket on its own port.
        bool webSocket = true;                       // false: SSE only
        quint16 webSocketPort = 0;                   // 0: a free one
        std::chrono::milliseconds keepAlive{15000};  // a comment to every SSE subscriber this often
        int eventBuffer = 1000;                      // events kept for clients that resume
    };

    explicit SampleApi(QObject *parent = nullptr);
    ~SampleApi() override;

    // Opens (and if needed seeds) the database, then listens on 127.0.0.1 on `port` (a free one by default). The database is seeded
    // when it is new, when `reset` is set, or when the seed data differs from what it was seeded with.
    bool start(const Options &options, QString *error = nullptr);
    bool isListening() const;
    QUrl baseUrl() const; // "http://127.0.0.1:PORT"
    quint16 port() const;
    QString databasePath() const;
    // The line `refetch --demo` prints: "Sample API at http://127.0.0.1:PORT".
    QString announcement() const;
    // The change stream: every write's changes, as Server-Sent Events at baseUrl()/events and over a WebSocket
    // at webSocketUrl() (empty without Options::webSocket).
    QUrl eventsUrl() const;
    QUrl webSocketUrl() const;
    sampleapi::ChangeFeed *changeFeed() const { return m_feed.get(); }

    // "sample-api.sqlite" in QStandardPaths::AppDataLocation.
    static QString defaultDatabasePath();

Q_SIGNALS:
    // A request was carried out (its answer may still wait out a latency): for logs and tests.
    void requestHandled(const QByteArray &method, const QString &path, int status);

private:
    struct Pending;

    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void answerPending(int id);
    bool chance(double rate);

    std::unique_ptr<sampleapi::SampleDatabase> m_db;
    std::unique_ptr<sampleapi::RestRouter> m_router;
    std::unique_ptr<sampleapi::ChangeFeed> m_feed;
    QHttpServer *m_server = nullptr;
    QTcpServer *m_tcpServer = nullptr;
    Options m_options;
    QRandomGenerator m_random;
    std::map<int, std::unique_ptr<Pending>> m_pending; // answers waiting out their latency
    int m_nextPending = 1;
};

} // namespace refetch
