#pragma once

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <chrono>

// In a test function (or initTestCase): fails when server `kind` cannot run here, saying why and what installs it;
// with REFETCH_ALLOW_MISSING_SERVERS=1 it skips instead (see ExternalServer::skipAllowed()).
#define REFETCH_REQUIRE_SERVER(kind)                                                                                  \
    do {                                                                                                              \
        QString refetchWhy_;                                                                                          \
        if (!::refetch::test::ExternalServer::available((kind), &refetchWhy_)) {                                      \
            if (::refetch::test::ExternalServer::skipAllowed())                                                       \
                QSKIP(qPrintable(refetchWhy_));                                                                       \
            QFAIL(qPrintable(refetchWhy_));                                                                           \
        }                                                                                                             \
    } while (false)

namespace refetch::test {

// A third-party REST server from tests/servers/ run as a child process on 127.0.0.1: Django REST framework,
// FastAPI, json-server 1.x, a JSON:API server (Fortune.js). Each one binds a port the OS picks, prints
// "Listening on http://127.0.0.1:PORT", then "REQUEST <METHOD> <target>" for every request it reads, so a test
// can count requests at the server. Seeded from a json-server db.json the test writes; every start begins from it.
//
//   ExternalServer server;
//   QVERIFY2(server.start(ExternalServer::Drf, dir.filePath("db.json"), {"--paging", "page"}, &error),
//            qPrintable(error));
//   ... server.baseUrl(), server.requestCount("GET", "/posts/") ...
//
// A missing server (Debian package or npm install) is a failure: available() says why, and a test QSKIPs with
// that reason only when skipAllowed() (REFETCH_ALLOW_MISSING_SERVERS=1).
class ExternalServer : public QObject
{
    Q_OBJECT
public:
    enum Kind {
        Drf,        // tests/servers/drf/server.py, --paging page|limitoffset|cursor|none
        FastApi,    // tests/servers/fastapi/server.py
        JsonServer, // tests/servers/json-server-1/server.mjs (json-server 1.0.0-beta.3)
        JsonApi,    // tests/servers/jsonapi/server.js (Fortune.js, fortune-http, fortune-json-api)
        JsonServer017, // tests/servers/json-server-0.17/server.js (json-server 0.17.4 from tests/conformance)
        Oidc,       // tests/servers/oidc/server.js (oidc-provider, and a REST API that checks its tokens): start()
                    // it with no seed (start(program(Oidc), {script(Oidc)}, ...)); issuer() is its issuer
    };
    Q_ENUM(Kind)

    explicit ExternalServer(QObject *parent = nullptr);
    ~ExternalServer() override; // stop()

    // Starts `program` with `args` and waits until it prints its "Listening on" line; false with the reason
    // and its output in `error` when it exits first or `timeout` passes. Not while running.
    bool start(const QString &program, const QStringList &args, QString *error,
               std::chrono::milliseconds timeout = std::chrono::seconds(20));
    // One of the servers above on `seedFile`, run in the seed's folder (where the DRF server keeps its SQLite file).
    bool start(Kind kind, const QString &seedFile, const QStringList &extraArgs, QString *error,
               std::chrono::milliseconds timeout = std::chrono::seconds(20));
    // SIGTERM, then SIGKILL after 5 s; waits for the exit. Nothing when not running.
    void stop();
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    QUrl baseUrl() const { return m_baseUrl; } // "http://127.0.0.1:PORT", empty until started
    // The OIDC server's issuer (its "Issuer <url>" line); empty for the others.
    QUrl issuer() const;
    // The REQUEST lines seen so far, without the prefix: "GET /posts/?page=2".
    QStringList requests() const { return m_requests; }
    void clearRequests() { m_requests.clear(); }
    // Requests whose method is `method` (any when empty) and whose target starts with `pathPrefix`.
    int requestCount(const QString &method, const QString &pathPrefix) const;
    // The last 64 KB of stdout and stderr together, for failure messages.
    QByteArray output() const { return m_output; }

    static QString python();     // /usr/bin/python3: Debian's, where the Debian packages are
    static QString node();       // node from PATH; empty when there is none
    static QString serversDir(); // tests/servers in the source tree
    static QString script(Kind kind);
    static QString program(Kind kind); // python() or node()
    // True when `kind` can run here; else false and why not in `why` (interpreter, Python module or npm package
    // missing, and what installs it).
    static bool available(Kind kind, QString *why);
    // REFETCH_ALLOW_MISSING_SERVERS=1: a missing server may skip its test instead of failing it.
    static bool skipAllowed();

Q_SIGNALS:
    // A REQUEST line arrived: "GET /posts/?page=2".
    void requestSeen(const QString &request);

private:
    bool startProcess(const QString &program, const QStringList &args, const QString &workingDirectory,
                      QString *error, std::chrono::milliseconds timeout);
    void readStdout();
    void readStderr();
    void appendOutput(const QByteArray &bytes);

    QProcess m_process;
    QUrl m_baseUrl;
    QStringList m_requests;
    QByteArray m_output;
    QByteArray m_partialLine; // stdout after its last newline
};

} // namespace refetch::test
