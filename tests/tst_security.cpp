#include "core/http/endpoint.h"
#include "core/http/httptransport.h"
#include "core/mutation/mutationqueue.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"
#include "core/http/redirectingreply.h"
#include "support/httpfixture.h"
#include "support/tlsfront.h"

#include <QLoggingCategory>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace std::chrono_literals;

namespace {

// Every secret the requests below carry; none may show in a log line or an error.
const QByteArray AuthSecret = "Bearer SECRET-AUTH-1";
const QByteArray CookieSecret = "sid=SECRET-COOKIE-2";
const QByteArray KeySecret = "SECRET-KEY-3";
const QString UrlPassword = QStringLiteral("SECRET-PASS-4");
const QString QuerySecret = QStringLiteral("SECRET-QUERY-5");

Response redirectTo(const QUrl &target, int status = 302)
{
    Response r;
    r.status = status;
    r.headers.append(std::pair<QByteArray, QByteArray>("Location", target.toEncoded()));
    return r;
}

HttpHeaders secretHeaders()
{
    return {{"Authorization", AuthSecret}, {"Cookie", CookieSecret}, {"X-Api-Key", KeySecret}};
}

// Everything Qt's message handler sees while it is installed (the test's own thread and Qt's network threads).
struct CapturedMessages
{
    static inline QMutex mutex;
    static inline QStringList lines;
    static inline QtMessageHandler previous = nullptr;

    static void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        {
            QMutexLocker lock(&mutex);
            lines.append(QString::fromLatin1(context.category ? context.category : "") + QStringLiteral(": ") + message);
        }
        if (previous && type != QtDebugMsg)
            previous(type, context, message);
    }
};

QLoggingCategory::CategoryFilter previousFilter = nullptr;

// Every refetch.* category and Qt's network categories print everything, whatever QT_LOGGING_RULES says.
void enableAllDebug(QLoggingCategory *category)
{
    if (previousFilter)
        previousFilter(category);
    const QByteArray name(category->categoryName());
    if (name.startsWith("refetch.") || name.startsWith("qt.network")) {
        category->setEnabled(QtDebugMsg, true);
        category->setEnabled(QtInfoMsg, true);
        category->setEnabled(QtWarningMsg, true);
    }
}

} // namespace

// The security promises of the transport: secrets stay out of logs and errors, TLS problems fail the request
// and say what they are, redirects never downgrade to http and never carry secrets to another origin.
class tst_Security : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();

    void crossOriginRedirectDropsSecrets_data();
    void crossOriginRedirectDropsSecrets();
    void sameOriginRedirectKeepsAuthorization();
    void redirectMethods_data();
    void redirectMethods();
    void redirectLoopIsCapped();
    void relativeAndBadLocations();
    void trustedTlsWorks();
    void untrustedCertificateFails();
    void untrustedCertificateHint_data();
    void untrustedCertificateHint();
    void hintOnlyForUntrustedCertificates_data();
    void hintOnlyForUntrustedCertificates();
    void noHintForAnotherHostsCertificate_data();
    void noHintForAnotherHostsCertificate();
    void ignoringTlsErrorsIsNotPossible();
    void httpsToHttpRedirectRefused();
    void displayUrlHidesCredentials_data();
    void displayUrlHidesCredentials();
    void noSecretInLogsOrErrors();

private:
    FetchResult fetch(const HttpRequest &request, const ResponseLimits &limits = {});
    HttpRequest request(const QUrl &base, const QString &path, const QByteArray &method = "GET",
                        const QByteArray &body = {});

    HttpFixture a;   // the endpoint's origin
    HttpFixture b;   // another origin (another port)
    HttpFixture behindTls;
    TlsFront tls;
    QNetworkAccessManager nam;
    HttpTransport transport{&nam};
};

void tst_Security::initTestCase()
{
    QVERIFY(a.start());
    QVERIFY(b.start());
    QVERIFY(behindTls.start());
    QVERIFY(tls.start(behindTls.port()));
    QVERIFY(!TlsFront::certificate().isNull());
}

void tst_Security::init()
{
    a.clearLog();
    b.clearLog();
    behindTls.clearLog();
    // QNetworkAccessManager keeps a verified TLS connection for the next request to the same host whatever that
    // request's TLS configuration: each test starts with none.
    nam.clearConnectionCache();
}

HttpRequest tst_Security::request(const QUrl &base, const QString &path, const QByteArray &method,
                                  const QByteArray &body)
{
    Endpoint e(&transport, EndpointConfig{.baseUrl = base, .headers = secretHeaders()});
    return e.request(method, path, {}, body);
}

FetchResult tst_Security::fetch(const HttpRequest &r, const ResponseLimits &limits)
{
    QNetworkReply *reply = transport.send(r, limits);
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !done.wait(10000))
        qFatal("no reply");
    FetchResult result = HttpTransport::readJson(reply, limits);
    reply->deleteLater();
    return result;
}

void tst_Security::crossOriginRedirectDropsSecrets_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("arrives");
    QTest::newRow("GET 302") << QByteArray("GET") << 302 << QByteArray("GET");
    QTest::newRow("GET 301") << QByteArray("GET") << 301 << QByteArray("GET");
    QTest::newRow("POST 307") << QByteArray("POST") << 307 << QByteArray("POST");
    QTest::newRow("PATCH 308") << QByteArray("PATCH") << 308 << QByteArray("PATCH");
    QTest::newRow("DELETE 303") << QByteArray("DELETE") << 303 << QByteArray("GET");
}

void tst_Security::crossOriginRedirectDropsSecrets()
{
    QFETCH(QByteArray, method);
    QFETCH(int, status);
    QFETCH(QByteArray, arrives);
    const QUrl target = b.baseUrl().resolved(QUrl("/target"));
    a.route(method, "/go", [&](const RecordedRequest &) { return redirectTo(target, status); });
    b.route(arrives, "/target", [](const RecordedRequest &) { return Response::json(R"({"ok":true})"); });

    const FetchResult r = fetch(request(a.baseUrl(), "/go", method, method == "GET" ? QByteArray() : R"({"x":1})"));
    QVERIFY2(!r.error, qPrintable(r.error ? r.error->toString() : QString()));
    QCOMPARE(a.count(method, "/go"), 1);
    QCOMPARE(a.requests().first().headers.value("authorization"), AuthSecret);   // the origin itself got them
    QCOMPARE(b.count(arrives, "/target"), 1);
    const RecordedRequest there = b.requests().first();
    QVERIFY2(!there.headers.contains("authorization"), there.headers.value("authorization").constData());
    QVERIFY(!there.headers.contains("cookie"));
    QVERIFY(!there.headers.contains("x-api-key"));
    QCOMPARE(there.headers.value("accept"), QByteArray("application/json"));
}

void tst_Security::sameOriginRedirectKeepsAuthorization()
{
    a.route("GET", "/old", [&](const RecordedRequest &) { return redirectTo(a.baseUrl().resolved(QUrl("/new")), 301); });
    a.setJson("/new", R"({"moved":true})");
    // "localhost" is another origin than "127.0.0.1", though the same server.
    QUrl elsewhere = a.baseUrl();
    elsewhere.setHost(QStringLiteral("localhost"));
    a.route("GET", "/away", [&](const RecordedRequest &) { return redirectTo(elsewhere.resolved(QUrl("/new"))); });

    FetchResult r = fetch(request(a.baseUrl(), "/old"));
    QVERIFY2(!r.error, qPrintable(r.error ? r.error->toString() : QString()));
    QVERIFY(r.data.value(u"moved").toBool());
    QCOMPARE(a.count("GET", "/new"), 1);
    const RecordedRequest same = a.requests().last();
    QCOMPARE(same.headers.value("authorization"), AuthSecret);
    QCOMPARE(same.headers.value("cookie"), CookieSecret);
    QCOMPARE(same.headers.value("x-api-key"), KeySecret);

    r = fetch(request(a.baseUrl(), "/away"));
    QVERIFY2(!r.error, qPrintable(r.error ? r.error->toString() : QString()));
    QCOMPARE(a.count("GET", "/new"), 2);
    QVERIFY(!a.requests().last().headers.contains("authorization"));
    QVERIFY(!a.requests().last().headers.contains("cookie"));
}

void tst_Security::redirectMethods_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("then");
    QTest::addColumn<bool>("keepsBody");
    QTest::newRow("POST 303 -> GET") << QByteArray("POST") << 303 << QByteArray("GET") << false;
    QTest::newRow("POST 302 -> GET") << QByteArray("POST") << 302 << QByteArray("GET") << false;
    QTest::newRow("POST 301 -> GET") << QByteArray("POST") << 301 << QByteArray("GET") << false;
    QTest::newRow("POST 307 keeps") << QByteArray("POST") << 307 << QByteArray("POST") << true;
    QTest::newRow("PUT 308 keeps") << QByteArray("PUT") << 308 << QByteArray("PUT") << true;
    QTest::newRow("PATCH 302 keeps") << QByteArray("PATCH") << 302 << QByteArray("PATCH") << true;
}

void tst_Security::redirectMethods()
{
    QFETCH(QByteArray, method);
    QFETCH(int, status);
    QFETCH(QByteArray, then);
    QFETCH(bool, keepsBody);
    const QByteArray body = R"({"title":"kept?"})";
    a.route(method, "/write", [&](const RecordedRequest &) { return redirectTo(a.baseUrl().resolved(QUrl("/done")), status); });
    a.route(then, "/done", [](const RecordedRequest &) { return Response::json(R"({"done":true})"); });

    const FetchResult r = fetch(request(a.baseUrl(), "/write", method, body));
    QVERIFY2(!r.error, qPrintable(r.error ? r.error->toString() : QString()));
    QCOMPARE(a.count(then, "/done"), 1);
    const RecordedRequest done = a.requests().last();
    QCOMPARE(done.body, keepsBody ? body : QByteArray());
    QCOMPARE(done.headers.contains("content-type"), keepsBody);
}

void tst_Security::redirectLoopIsCapped()
{
    a.route("GET", "/loop", [&](const RecordedRequest &) { return redirectTo(a.baseUrl().resolved(QUrl("/loop"))); });
    const FetchResult r = fetch(request(a.baseUrl(), "/loop"));
    QVERIFY(r.error);
    QCOMPARE(r.error->networkError, QNetworkReply::TooManyRedirectsError);
    QCOMPARE(a.count("GET", "/loop"), 1 + RedirectingReply::MaxRedirects);
    QVERIFY2(r.error->toString().contains(QStringLiteral("redirect")), qPrintable(r.error->toString()));
    QVERIFY(!RetryPolicy::isTransient(*r.error));
}

void tst_Security::relativeAndBadLocations()
{
    Response relative;
    relative.status = 302;
    relative.headers.append(std::pair<QByteArray, QByteArray>("Location", "../there?x=1"));
    a.enqueue("GET", "/dir/here", relative);
    a.setJson("/there", R"({"relative":true})");
    FetchResult r = fetch(request(a.baseUrl(), "/dir/here"));
    QVERIFY2(!r.error, qPrintable(r.error ? r.error->toString() : QString()));
    QVERIFY(r.data.value(u"relative").toBool());
    QCOMPARE(a.requests().last().query.queryItemValue("x"), QStringLiteral("1"));

    Response file;
    file.status = 302;
    file.headers.append(std::pair<QByteArray, QByteArray>("Location", "file:///etc/passwd"));
    a.enqueue("GET", "/file", file);
    r = fetch(request(a.baseUrl(), "/file"));
    QVERIFY(r.error);
    QCOMPARE(r.error->kind, QueryError::Kind::Network);
    QVERIFY2(r.error->toString().contains(QStringLiteral("not an http or https URL")), qPrintable(r.error->toString()));
}

void tst_Security::trustedTlsWorks()
{
    behindTls.setJson("/posts", R"([{"id":1}])");
    HttpRequest r = request(tls.baseUrl(), "/posts");
    r.caCertificates = {TlsFront::certificate()};
    const FetchResult result = fetch(r);
    QVERIFY2(!result.error, qPrintable(result.error ? result.error->toString() : QString()));
    QCOMPARE(result.data.size(), 1);
    QCOMPARE(behindTls.count("GET", "/posts"), 1);
    QCOMPARE(behindTls.requests().first().headers.value("authorization"), AuthSecret);
}

void tst_Security::untrustedCertificateFails()
{
    behindTls.setJson("/posts", R"([{"id":1}])");
    const int refusedBefore = tls.refused();
    QSignalSpy managerErrors(&nam, &QNetworkAccessManager::sslErrors);
    QVERIFY(managerErrors.isValid());
    const FetchResult r = fetch(request(tls.baseUrl(), "/posts"));
    QVERIFY(r.error);
    QCOMPARE(r.error->kind, QueryError::Kind::Network);
    QCOMPARE(r.error->networkError, QNetworkReply::SslHandshakeFailedError);
    const QString text = r.error->toString();
    // What is wrong with the certificate, and whose it is.
    QVERIFY2(text.contains(QStringLiteral("The certificate is self-signed, and untrusted")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("TLS certificate of 127.0.0.1")), qPrintable(text));
    QVERIFY2(text.startsWith(QStringLiteral("GET https://127.0.0.1:")), qPrintable(text));
    // And what would make it trusted.
    QVERIFY2(text.endsWith(QStringLiteral("untrusted; if the server uses a private certificate authority, trust its CA "
                                          "certificate in the endpoint's settings")), qPrintable(text));
    // Nothing went through: the request was never sent, and the server saw the handshake fail.
    QCOMPARE(behindTls.count(), 0);
    QTRY_VERIFY(tls.refused() > refusedBefore);
    QVERIFY(managerErrors.size() >= 1);
    // Retrying a refused certificate only shows the same error later.
    QVERIFY(!RetryPolicy::isTransient(*r.error));
}

void tst_Security::untrustedCertificateHint_data()
{
    QTest::addColumn<QList<QSslCertificate>>("caCertificates");
    QTest::addColumn<QString>("caCertificatesError");
    QTest::addColumn<QString>("hint");
    QTest::newRow("no CA given") << QList<QSslCertificate>() << QString()
        << QStringLiteral("if the server uses a private certificate authority, trust its CA certificate in the "
                          "endpoint's settings");
    // The CA file the user chose is gone: say so, not "trust its CA" again.
    QTest::newRow("CA not loaded") << QList<QSslCertificate>() << QStringLiteral("The file “/gone/ca.pem” cannot be read.")
        << QStringLiteral("the CA certificate set for this endpoint was not loaded: The file “/gone/ca.pem” cannot be read.");
    // A real CA (the system's first), just not the one that signed the server's certificate.
    const QList<QSslCertificate> system = QSslConfiguration::systemCaCertificates();
    if (!system.isEmpty()) {
        QTest::newRow("another CA") << system.mid(0, 1) << QString()
            << QStringLiteral("the CA certificates trusted for this endpoint did not sign it either");
    }
}

void tst_Security::untrustedCertificateHint()
{
    QFETCH(QList<QSslCertificate>, caCertificates);
    QFETCH(QString, caCertificatesError);
    QFETCH(QString, hint);
    behindTls.setJson("/posts", R"([{"id":1}])");
    HttpRequest r = request(tls.baseUrl(), "/posts");
    r.caCertificates = caCertificates;
    r.caCertificatesError = caCertificatesError;
    const FetchResult result = fetch(r);
    QVERIFY(result.error);
    QCOMPARE(result.error->networkError, QNetworkReply::SslHandshakeFailedError);
    const QString text = result.error->toString();
    QVERIFY2(text.contains(QStringLiteral("was refused: The certificate is self-signed, and untrusted; ") + hint), qPrintable(text));
    QCOMPARE(behindTls.count(), 0);
}

void tst_Security::hintOnlyForUntrustedCertificates_data()
{
    QTest::addColumn<int>("error");
    QTest::addColumn<bool>("untrusted");
    QTest::newRow("self-signed") << int(QSslError::SelfSignedCertificate) << true;
    QTest::newRow("self-signed in chain") << int(QSslError::SelfSignedCertificateInChain) << true;
    QTest::newRow("unknown issuer") << int(QSslError::UnableToGetLocalIssuerCertificate) << true;
    QTest::newRow("issuer not found") << int(QSslError::UnableToGetIssuerCertificate) << true;
    QTest::newRow("first not verified") << int(QSslError::UnableToVerifyFirstCertificate) << true;
    QTest::newRow("untrusted") << int(QSslError::CertificateUntrusted) << true;
    // A trusted CA mends none of these.
    QTest::newRow("expired") << int(QSslError::CertificateExpired) << false;
    QTest::newRow("not yet valid") << int(QSslError::CertificateNotYetValid) << false;
    QTest::newRow("host name mismatch") << int(QSslError::HostNameMismatch) << false;
    QTest::newRow("revoked") << int(QSslError::CertificateRevoked) << false;
    QTest::newRow("blacklisted") << int(QSslError::CertificateBlacklisted) << false;
}

void tst_Security::hintOnlyForUntrustedCertificates()
{
    QFETCH(int, error);
    QFETCH(bool, untrusted);
    QCOMPARE(RedirectingReply::isUntrusted(QSslError(QSslError::SslError(error), TlsFront::certificate())), untrusted);
}

void tst_Security::noHintForAnotherHostsCertificate_data()
{
    QTest::addColumn<bool>("trusted");
    QTest::newRow("trusted, another host") << true;
    QTest::newRow("untrusted, another host") << false;
}

void tst_Security::noHintForAnotherHostsCertificate()
{
    // The certificate is checked against a name it does not hold: trusting its CA would not be enough, so the
    // error does not suggest it.
    QFETCH(bool, trusted);
    behindTls.setJson("/posts", R"([{"id":1}])");
    QNetworkRequest request(tls.baseUrl().resolved(QUrl("/posts")));
    request.setPeerVerifyName(QStringLiteral("api.example.com"));
    if (trusted) {
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.addCaCertificates({TlsFront::certificate()});
        request.setSslConfiguration(config);
    }
    auto *reply = new RedirectingReply(&nam, request, "GET", {});
    reply->setUntrustedHint(QStringLiteral("TRUST-HINT"));
    QSignalSpy done(reply, &QNetworkReply::finished);
    QVERIFY(done.wait(10000));
    reply->deleteLater();
    QCOMPARE(reply->error(), QNetworkReply::SslHandshakeFailedError);
    const QString text = reply->errorString();
    QVERIFY2(text.contains(QStringLiteral("The host name did not match any of the valid hosts for this certificate")),
             qPrintable(text));
    QCOMPARE(text.contains(QStringLiteral("self-signed")), !trusted);
    QVERIFY2(!text.contains(QStringLiteral("TRUST-HINT")), qPrintable(text));
    QCOMPARE(behindTls.count(), 0);
}

void tst_Security::ignoringTlsErrorsIsNotPossible()
{
    // A slot that tries to wave the errors through, on the reply and on the manager, changes nothing.
    behindTls.setJson("/posts", R"([{"id":1}])");
    QNetworkReply *reply = transport.send(request(tls.baseUrl(), "/posts"));
    connect(reply, &QNetworkReply::sslErrors, reply, [reply] { reply->ignoreSslErrors(); });
    const auto managerSlot = connect(&nam, &QNetworkAccessManager::sslErrors, this,
                                     [](QNetworkReply *r, const QList<QSslError> &errors) { r->ignoreSslErrors(errors); });
    QSignalSpy done(reply, &QNetworkReply::finished);
    QVERIFY(done.wait(10000));
    disconnect(managerSlot);
    const FetchResult r = HttpTransport::readJson(reply);
    reply->deleteLater();
    QVERIFY(r.error);
    QCOMPARE(r.error->networkError, QNetworkReply::SslHandshakeFailedError);
    QCOMPARE(behindTls.count(), 0);
}

void tst_Security::httpsToHttpRedirectRefused()
{
    // https (trusted) redirects to plain http on another port: refused before anything is sent there.
    behindTls.route("GET", "/down", [&](const RecordedRequest &) { return redirectTo(b.baseUrl().resolved(QUrl("/plain"))); });
    b.setJson("/plain", R"({"plain":true})");
    HttpRequest r = request(tls.baseUrl(), "/down");
    r.caCertificates = {TlsFront::certificate()};
    const FetchResult result = fetch(r);
    QVERIFY(result.error);
    QCOMPARE(result.error->networkError, QNetworkReply::InsecureRedirectError);
    const QString text = result.error->toString();
    QVERIFY2(text.contains(QStringLiteral("from https to http")), qPrintable(text));
    QVERIFY2(text.contains(b.baseUrl().toString() + QStringLiteral("/plain")), qPrintable(text));
    QCOMPARE(behindTls.count("GET", "/down"), 1);
    QCOMPARE(b.count(), 0);
    QVERIFY(!RetryPolicy::isTransient(*result.error));

    // http -> https is fine (and an upgrade).
    a.route("GET", "/up", [&](const RecordedRequest &) { return redirectTo(tls.baseUrl().resolved(QUrl("/posts"))); });
    behindTls.setJson("/posts", R"([{"id":1}])");
    HttpRequest up = request(a.baseUrl(), "/up");
    up.caCertificates = {TlsFront::certificate()};
    const FetchResult upgraded = fetch(up);
    QVERIFY2(!upgraded.error, qPrintable(upgraded.error ? upgraded.error->toString() : QString()));
    QCOMPARE(behindTls.count("GET", "/posts"), 1);
}

void tst_Security::displayUrlHidesCredentials_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("shown");
    QTest::newRow("user info") << "http://alice:pw@h:81/p" << "http://h:81/p";
    QTest::newRow("token param") << "https://h/p?access_token=abc&_page=2" << "https://h/p?access_token=redacted&_page=2";
    QTest::newRow("api key") << "https://h/p?api-key=abc&q=x" << "https://h/p?api-key=redacted&q=x";
    QTest::newRow("key") << "https://h/p?key=abc" << "https://h/p?key=redacted";
    QTest::newRow("filters stay") << "https://h/p?author=ada&keyword=k&monkey=1" << "https://h/p?author=ada&keyword=k&monkey=1";
    QTest::newRow("oauth") << "https://h/p?oauth_signature=s&session-id=i" << "https://h/p?oauth_signature=redacted&session-id=redacted";
    QTest::newRow("encoded name") << "https://h/p?client%5Fsecret=s" << "https://h/p?client_secret=redacted";
}

void tst_Security::displayUrlHidesCredentials()
{
    QFETCH(QString, url);
    QFETCH(QString, shown);
    QCOMPARE(QueryError::displayUrl(QUrl(url)).toString(), shown);
}

void tst_Security::noSecretInLogsOrErrors()
{
    // Requests with an Authorization header, a cookie, an API key, user:password@ and ?access_token= go through
    // success, error, a redirect to another origin, a timeout, a failed write and a TLS failure, with every
    // refetch.* and qt.network category printing debug lines.
    QUrl base = a.baseUrl();
    base.setUserName(QStringLiteral("alice"));
    base.setPassword(UrlPassword);
    a.setJson("/ok", R"([{"id":1}])");
    a.route("GET", "/fail", [](const RecordedRequest &) { return Response::json(R"({"error":"down"})", 503); });
    a.route("GET", "/moved", [&](const RecordedRequest &) { return redirectTo(b.baseUrl().resolved(QUrl("/gone"))); });
    b.route("GET", "/gone", [](const RecordedRequest &) { return Response::json(R"({"error":"gone"})", 410); });
    Response hold;
    hold.fault = Response::Fault::Hold;
    a.route("GET", "/slow", [&](const RecordedRequest &) { return hold; });
    a.route("PATCH", "/posts/1", [](const RecordedRequest &) { return Response::json(R"({"error":"no"})", 400); });

    EndpointConfig config{.baseUrl = base, .headers = secretHeaders(), .timeout = 300ms};
    Endpoint endpoint(&transport, config);
    EndpointConfig tlsConfig{.name = QStringLiteral("tls"), .baseUrl = tls.baseUrl(), .headers = secretHeaders()};
    Endpoint tlsEndpoint(&transport, tlsConfig);

    previousFilter = QLoggingCategory::installFilter(enableAllDebug);
    CapturedMessages::lines.clear();
    CapturedMessages::previous = qInstallMessageHandler(CapturedMessages::handler);
    QVERIFY(QLoggingCategory("refetch.core.network").isDebugEnabled());

    QStringList errors;
    {
        ManualClock clock;
        FocusSource focus;
        OnlineSource online;
        QueryClient client(ClientConfig{.clock = &clock, .focus = &focus, .online = &online});
        MutationQueue queue(&client);
        queue.addEndpoint(&endpoint);
        const QUrlQuery secretQuery{{QStringLiteral("access_token"), QuerySecret}};
        std::vector<std::unique_ptr<QueryObserver>> observers;
        auto observe = [&](const Endpoint &e, const QString &path) {
            QueryOptions o{.key = QueryKey{e.name(), path}, .fn = e.get(path, secretQuery)};
            o.retry = RetryPolicy{.maxRetries = 1, .baseDelay = 1ms};
            observers.push_back(std::make_unique<QueryObserver>(&client, o));
            return observers.back().get();
        };
        QueryObserver *ok = observe(endpoint, "/ok");
        QueryObserver *fail = observe(endpoint, "/fail");
        QueryObserver *moved = observe(endpoint, "/moved");
        QueryObserver *slow = observe(endpoint, "/slow");
        QueryObserver *tlsFail = observe(tlsEndpoint, "/posts");
        // Retries wait on the manual clock: move it on until every query has settled.
        QTRY_VERIFY_WITH_TIMEOUT((clock.advance(10ms), !ok->isFetching() && !fail->isFetching() && !moved->isFetching()
                                  && !slow->isFetching() && !tlsFail->isFetching()), 20000);
        QVERIFY(ok->error() == nullptr);
        for (QueryObserver *o : {fail, moved, slow, tlsFail}) {
            QVERIFY(o->error());
            errors.append(o->error()->toString());
        }
        QCOMPARE(slow->error()->kind, QueryError::Kind::Timeout);
        QCOMPARE(moved->error()->httpStatus, 410);

        Mutation *write = queue.mutate(MutationOptions{.method = "PATCH", .path = "/posts/1"}, Json::object({{u"t", Json(1)}}));
        QSignalSpy settled(write, &Mutation::settled);
        QVERIFY(settled.wait(5000));
        QVERIFY(write->error());
        errors.append(write->error()->toString());
        a.releaseAll();
    }
    qInstallMessageHandler(CapturedMessages::previous);
    QLoggingCategory::installFilter(previousFilter);

    const QStringList lines = [] { QMutexLocker lock(&CapturedMessages::mutex); return CapturedMessages::lines; }();
    // The logging did happen: requests, retries and failures were printed.
    QVERIFY2(lines.filter(QStringLiteral("refetch.core.network")).size() >= 5, qPrintable(lines.join(u'\n')));
    QVERIFY2(!lines.filter(QStringLiteral("<redacted>")).isEmpty(), qPrintable(lines.join(u'\n')));
    QVERIFY2(!lines.filter(QStringLiteral("access_token=redacted")).isEmpty(), qPrintable(lines.join(u'\n')));
    const QStringList secrets{QString::fromLatin1(AuthSecret), QStringLiteral("SECRET-AUTH"), QStringLiteral("SECRET-COOKIE"),
                              QStringLiteral("SECRET-KEY"), UrlPassword, QuerySecret, QStringLiteral("alice")};
    for (const QString &secret : secrets) {
        for (const QString &line : lines)
            QVERIFY2(!line.contains(secret), qPrintable(QStringLiteral("log line with ") + secret + QStringLiteral(": ") + line));
        for (const QString &error : std::as_const(errors))
            QVERIFY2(!error.contains(secret), qPrintable(QStringLiteral("error with ") + secret + QStringLiteral(": ") + error));
    }
}

QTEST_MAIN(tst_Security)
#include "tst_security.moc"
