#include "support/externalserver.h"

#include "core/client/clock.h"
#include "core/client/queryclient.h"
#include "core/client/queryerror.h"
#include "core/client/queryobserver.h"
#include "core/http/httptransport.h"
#include "core/mutation/mutationqueue.h"
#include "core/mutation/pendingwrites.h"
#include "core/session/apiconnection.h"
#include "core/session/oauthcredentials.h"

#include <QNetworkAccessManager>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace Qt::StringLiterals;
using State = Credentials::State;

// OAuth 2.0 sign-in against a real authorization server on 127.0.0.1: oidc-provider (tests/servers/oidc, pinned),
// in front of a REST API that answers only requests carrying one of its access tokens. Both grants (client
// credentials; authorization code with PKCE through a "browser" that follows the server's redirects down to the
// app's loopback redirect), a token renewed on a 401 in the middle of a list's pages and of a save, renewed before
// it expires, kept across a restart; a revoked refresh token pausing the writes until the user signs in again, and
// a wrong client secret said in place.
class tst_OAuthCredentials : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void clientCredentials();
    void wrongClientSecret();
    void authorizationCodeWithPkce();
    void expiryInTheMiddleOfAPageLoad();
    void expiryInTheMiddleOfASave();
    void revokedRefreshTokenPausesWritesUntilSignedInAgain();
    void renewedBeforeItExpires();
    void keptAcrossARestart();
    void signOutRevokesTheTokensAtTheServer();

private:
    EndpointSettings settings(EndpointSettings::SignIn method) const;
    ApiConnection *connect(const EndpointSettings &settings);
    // The system browser, as far as a sign-in needs one: opens `url` and follows every redirect (with the
    // server's cookies) down to the app's loopback redirect, whose page Qt's handler answers.
    bool browse(const QUrl &url);
    // Signs in through the browser; false when it did not end signed in.
    bool signInWithBrowser(OAuthCredentials *oauth);
    // A page of posts through the connection's list query; its rows, or an empty list with the error in *error.
    Json page(ApiConnection *c, int page, QString *error = nullptr);
    bool post(const QString &path);   // a test hook of the API (no token needed)
    int grants(const QString &type) const;

    std::unique_ptr<ExternalServer> m_server;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<HttpTransport> m_transport;
    std::unique_ptr<QueryClient> m_client;
    std::unique_ptr<MutationQueue> m_queue;
    std::vector<std::unique_ptr<ApiConnection>> m_connections;
    QStringList m_tokens;   // what tokensChanged() handed out, last last
};

void tst_OAuthCredentials::init()
{
    REFETCH_REQUIRE_SERVER(ExternalServer::Oidc);
    m_server = std::make_unique<ExternalServer>();
    QString error;
    QStringList args{ExternalServer::script(ExternalServer::Oidc)};
    if (QByteArray(QTest::currentTestFunction()) == "renewedBeforeItExpires")
        args << u"--access-ttl"_s << u"120"_s;
    QVERIFY2(m_server->start(ExternalServer::program(ExternalServer::Oidc), args, &error), qPrintable(error));
    QVERIFY(m_server->issuer().isValid());
    m_clock = std::make_unique<ManualClock>();
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_transport = std::make_unique<HttpTransport>(m_nam.get());
    // Only the renewal test moves the clock: elsewhere it stands still, and nothing is due by time.
    m_client = std::make_unique<QueryClient>(ClientConfig{.clock = m_clock.get()});
    m_queue = std::make_unique<MutationQueue>(m_client.get());
    m_tokens.clear();
}

void tst_OAuthCredentials::cleanup()
{
    m_connections.clear();
    m_queue.reset();
    m_client.reset();
    m_transport.reset();
    m_nam.reset();
    m_clock.reset();
    if (m_server && QTest::currentTestFailed())
        qInfo("the server said:\n%s", m_server->output().right(4000).constData());
    m_server.reset();
}

EndpointSettings tst_OAuthCredentials::settings(EndpointSettings::SignIn method) const
{
    EndpointSettings e;
    e.id = u"oidc"_s;
    e.baseUrl = m_server->baseUrl();
    e.dialect = u"json-server"_s;
    e.resources = {u"posts"_s};
    e.signIn = method;
    e.oauthIssuer = m_server->issuer().toString();   // the two URLs come from its discovery document
    if (method == EndpointSettings::SignIn::ClientCredentials) {
        e.oauthClientId = u"refetch-service"_s;
        e.authValue = u"service-secret"_s;
        e.oauthScope = u"api"_s;
    } else {
        e.oauthClientId = u"refetch"_s;
        e.oauthScope = u"openid profile api"_s;
    }
    return e;
}

ApiConnection *tst_OAuthCredentials::connect(const EndpointSettings &settings)
{
    auto c = std::make_unique<ApiConnection>(settings, m_client.get(), m_queue.get(), m_transport.get());
    QObject::connect(c.get(), &ApiConnection::tokensChanged, this, [this](const QString &t) { m_tokens.append(t); });
    m_connections.push_back(std::move(c));
    return m_connections.back().get();
}

bool tst_OAuthCredentials::browse(const QUrl &url)
{
    QNetworkAccessManager browser;
    browser.setCookieJar(new QNetworkCookieJar(&browser));
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    std::unique_ptr<QNetworkReply> reply(browser.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!finished.wait(20000))
        return false;
    const QByteArray page = reply->readAll();
    if (reply->error() != QNetworkReply::NoError) {
        qWarning("the browser's last page (%s): %s %s", qPrintable(reply->url().toString()),
                 qPrintable(reply->errorString()), page.left(300).constData());
        return false;
    }
    return true;
}

bool tst_OAuthCredentials::signInWithBrowser(OAuthCredentials *oauth)
{
    QSignalSpy browser(oauth, &OAuthCredentials::browserRequested);
    QSignalSpy signedIn(oauth, &OAuthCredentials::signedIn);
    oauth->signIn();
    if (!browser.count() && !browser.wait(15000))
        return false;
    const QUrl url = browser.first().first().toUrl();
    // PKCE and a loopback redirect, as RFC 7636 and 8252 have them.
    const QUrlQuery query(url);
    if (query.queryItemValue(u"code_challenge_method"_s) != u"S256" || query.queryItemValue(u"code_challenge"_s).isEmpty()
        || !QUrl::fromPercentEncoding(query.queryItemValue(u"redirect_uri"_s).toUtf8()).startsWith(u"http://127.0.0.1:"_s)) {
        qWarning("authorization URL without PKCE or a loopback redirect: %s", qPrintable(url.toString()));
        return false;
    }
    if (!browse(url))
        return false;
    return signedIn.count() || signedIn.wait(15000);
}

Json tst_OAuthCredentials::page(ApiConnection *c, int number, QString *error)
{
    QueryObserver o(m_client.get(), c->listQuery(u"posts"_s, ListParams{.page = number, .pageSize = 10}));
    (void)QTest::qWaitFor([&] { return !o.isFetching() && (o.isSuccess() || o.isError()); }, 20000);
    if (!o.isSuccess()) {
        if (error && !o.isError())
            *error = u"no answer in 20 s"_s;
        if (error && o.error())
            *error = o.error()->toString();
        return Json::array({});
    }
    return ResourceTags::records(o.data());
}

bool tst_OAuthCredentials::post(const QString &path)
{
    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> reply(nam.post(QNetworkRequest(m_server->baseUrl().resolved(QUrl(path))), QByteArray()));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    return finished.wait(10000) && reply->error() == QNetworkReply::NoError;
}

int tst_OAuthCredentials::grants(const QString &type) const
{
    return int(m_server->output().count(("GRANT " + type + '\n').toUtf8()));
}

// The service's own client: the first request, refused for want of a token, gets one (HTTP Basic with the
// client's secret) and goes again; the secret and the token appear in no error and no request log line.
void tst_OAuthCredentials::clientCredentials()
{
    ApiConnection *c = connect(settings(EndpointSettings::SignIn::ClientCredentials));
    QVERIFY(c->oauth());
    QString error;
    const Json rows = page(c, 1, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(rows.size(), 10);
    QCOMPARE(rows.at(0).value(u"title").toString(), u"Post 1"_s);
    QCOMPARE(c->credentials()->state(), State::SignedIn);
    QCOMPARE(c->oauth()->who(), u"refetch-service"_s);
    QVERIFY(c->oauth()->expiresAt() > QDateTime::currentDateTimeUtc());
    QVERIFY2(c->oauth()->statusText().startsWith(u"Signed in as refetch-service until "_s), qPrintable(c->oauth()->statusText()));
    QCOMPARE(grants(u"client_credentials"_s), 1);
    // Kept for the keychain: the token, whom it is for, until when.
    QVERIFY(!m_tokens.isEmpty());
    const OAuthCredentials::Tokens kept = OAuthCredentials::Tokens::fromJson(m_tokens.last());
    QCOMPARE(kept.access, c->oauth()->tokens().access);
    QVERIFY(kept.expiresAt.isValid());
    // The next page goes with the token at once.
    page(c, 2);
    QCOMPARE(grants(u"client_credentials"_s), 1);
    QCOMPARE(m_server->requests().filter(u" 401"_s).size(), 1);
}

// A wrong secret: the list fails with the server's 401, and the sign-in says what the server said, in place.
void tst_OAuthCredentials::wrongClientSecret()
{
    EndpointSettings e = settings(EndpointSettings::SignIn::ClientCredentials);
    e.authValue = u"not-the-secret"_s;
    ApiConnection *c = connect(e);
    QString error;
    QVERIFY(page(c, 1, &error).isEmpty());
    QVERIFY2(error.contains(u"401"_s), qPrintable(error));
    QCOMPARE(c->credentials()->state(), State::SignInNeeded);
    QVERIFY2(c->oauth()->statusText().contains(u"invalid_client"_s), qPrintable(c->oauth()->statusText()));
    QVERIFY(!c->oauth()->statusText().contains(u"not-the-secret"_s));
    QVERIFY(!error.contains(u"not-the-secret"_s));
    // Asked once: a refused secret is not tried again with every request.
    QCOMPARE(grants(u"client_credentials"_s), 0);
    QVERIFY(page(c, 2, &error).isEmpty());
    QCOMPARE(m_server->requests().size(), 2);
}

// The person's sign-in: the browser opens the server's page (PKCE S256, a redirect to 127.0.0.1 on a port of the
// system's choosing), the redirect brings the code, Qt trades it for tokens; the user's name comes from the ID
// token, and the API answers.
void tst_OAuthCredentials::authorizationCodeWithPkce()
{
    ApiConnection *c = connect(settings(EndpointSettings::SignIn::AuthorizationCode));
    QCOMPARE(c->credentials()->state(), State::SignInNeeded);
    QCOMPARE(c->oauth()->statusText(), u"Not signed in."_s);
    QVERIFY(signInWithBrowser(c->oauth()));
    QCOMPARE(c->credentials()->state(), State::SignedIn);
    QCOMPARE(c->oauth()->who(), u"Ada Lovelace"_s);
    QVERIFY(!c->oauth()->tokens().refresh.isEmpty());
    QCOMPARE(grants(u"authorization_code"_s), 1);
    QString error;
    QCOMPARE(page(c, 1, &error).size(), 10);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(m_server->requests().filter(u" 401"_s).size(), 0);
}

// The access token expires between two pages of a list: the second page's 401 renews it with the refresh token
// (one renewal) and the page comes; the list never sees the 401.
void tst_OAuthCredentials::expiryInTheMiddleOfAPageLoad()
{
    ApiConnection *c = connect(settings(EndpointSettings::SignIn::AuthorizationCode));
    QVERIFY(signInWithBrowser(c->oauth()));
    QCOMPARE(page(c, 1).size(), 10);
    const QString before = c->oauth()->tokens().access;
    QVERIFY(post(u"/__test/expire"_s));
    // Two pages at once, both refused: one renewal serves them both.
    QueryObserver second(m_client.get(), c->listQuery(u"posts"_s, ListParams{.page = 2, .pageSize = 10}));
    QueryObserver third(m_client.get(), c->listQuery(u"posts"_s, ListParams{.page = 3, .pageSize = 10}));
    QTRY_VERIFY_WITH_TIMEOUT(second.isSuccess() && third.isSuccess(), 20000);
    QCOMPARE(ResourceTags::records(second.data()).at(0).value(u"title").toString(), u"Post 11"_s);
    QCOMPARE(ResourceTags::records(third.data()).at(0).value(u"title").toString(), u"Post 21"_s);
    QCOMPARE(grants(u"refresh_token"_s), 1);
    QVERIFY(c->oauth()->tokens().access != before);
    QCOMPARE(c->credentials()->state(), State::SignedIn);
    // The renewed tokens were handed out to be kept.
    QCOMPARE(OAuthCredentials::Tokens::fromJson(m_tokens.last()).access, c->oauth()->tokens().access);
}

// The token expires as a save goes: the PATCH's 401 renews it, the PATCH goes again and is saved once.
void tst_OAuthCredentials::expiryInTheMiddleOfASave()
{
    ApiConnection *c = connect(settings(EndpointSettings::SignIn::AuthorizationCode));
    QVERIFY(signInWithBrowser(c->oauth()));
    QVERIFY(post(u"/__test/expire-after?n=0"_s));
    Mutation *m = m_queue->mutate(c->updateOptions(u"posts"_s, Json(7)), Json::object({{u"title", Json(u"Renamed"_s)}}));
    QSignalSpy settled(m, &Mutation::settled);
    QVERIFY(settled.wait(20000));
    QVERIFY2(!m->error(), qPrintable(m->error() ? m->error()->toString() : QString()));
    QCOMPARE(grants(u"refresh_token"_s), 1);
    QCOMPARE(m_server->requestCount(u"PATCH"_s, u"/posts/7"_s), 2);   // refused, then saved
    QCOMPARE(page(c, 1).at(6).value(u"title").toString(), u"Renamed"_s);
}

// The refresh token revoked (the sign-in ended at the server): the save's 401 cannot be mended, so the writes
// wait, paused and in order, and the list says why; signing in again sends them, in the order they were made.
void tst_OAuthCredentials::revokedRefreshTokenPausesWritesUntilSignedInAgain()
{
    ApiConnection *c = connect(settings(EndpointSettings::SignIn::AuthorizationCode));
    QVERIFY(signInWithBrowser(c->oauth()));
    QVERIFY(post(u"/__test/revoke-refresh-tokens"_s));
    QVERIFY(post(u"/__test/expire"_s));
    Mutation *first = m_queue->mutate(c->updateOptions(u"posts"_s, Json(3)), Json::object({{u"title", Json(u"First"_s)}}));
    Mutation *second = m_queue->mutate(c->updateOptions(u"posts"_s, Json(3)), Json::object({{u"title", Json(u"Second"_s)}}));
    QTRY_COMPARE_WITH_TIMEOUT(c->credentials()->state(), State::SignInNeeded, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(first->isPaused(), 20000);
    QVERIFY(!first->isSettled() && !second->isSettled());
    QVERIFY(m_queue->needsSignIn(c->id()));
    QCOMPARE(PendingWrites::reason(first), u"waiting for you to sign in again"_s);
    QVERIFY2(c->oauth()->statusText().contains(u"Sign in again"_s), qPrintable(c->oauth()->statusText()));
    QVERIFY2(c->oauth()->statusText().contains(u"invalid_grant"_s), qPrintable(c->oauth()->statusText()));
    // A list that meets the 401 now fails with it (and keeps whatever it showed).
    QString error;
    QVERIFY(page(c, 2, &error).isEmpty());
    QVERIFY(error.contains(u"401"_s));

    QSignalSpy firstSettled(first, &Mutation::settled), secondSettled(second, &Mutation::settled);
    QVERIFY(signInWithBrowser(c->oauth()));
    QTRY_VERIFY_WITH_TIMEOUT(firstSettled.count() && secondSettled.count(), 20000);
    QVERIFY(!first->error() && !second->error());
    QVERIFY(!m_queue->needsSignIn(c->id()));
    const QStringList patches = m_server->requests().filter(u"PATCH /posts/3"_s);
    QCOMPARE(patches.last(), u"PATCH /posts/3 ok"_s);
    QCOMPARE(page(c, 1).at(2).value(u"title").toString(), u"Second"_s);   // in order: the second one last
}

// A token that lives 120 s is renewed about 12 s before it ends (on the client's clock), with no request refused.
void tst_OAuthCredentials::renewedBeforeItExpires()
{
    ApiConnection *c = connect(settings(EndpointSettings::SignIn::AuthorizationCode));
    QVERIFY(signInWithBrowser(c->oauth()));
    const QDateTime expires = c->oauth()->expiresAt();
    QVERIFY(expires.isValid());
    m_clock->advance(std::chrono::seconds(100));
    QTest::qWait(50);
    QCOMPARE(grants(u"refresh_token"_s), 0);
    m_clock->advance(std::chrono::seconds(9));   // 109 s: past 120 - 12
    QTRY_COMPARE_WITH_TIMEOUT(grants(u"refresh_token"_s), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(c->credentials()->state(), State::SignedIn, 10000);
    QCOMPARE(page(c, 1).size(), 10);
    QCOMPARE(m_server->requests().filter(u" 401"_s).size(), 0);
}

// The tokens handed out to the keychain sign the next session in at once; tokens issued for other settings
// (another client) are not used.
void tst_OAuthCredentials::keptAcrossARestart()
{
    EndpointSettings e = settings(EndpointSettings::SignIn::AuthorizationCode);
    ApiConnection *first = connect(e);
    QVERIFY(signInWithBrowser(first->oauth()));
    QVERIFY(!m_tokens.isEmpty());
    e.oauthTokens = m_tokens.last();
    m_connections.clear();

    ApiConnection *again = connect(e);
    QCOMPARE(again->credentials()->state(), State::SignedIn);
    QCOMPARE(again->oauth()->who(), u"Ada Lovelace"_s);
    QCOMPARE(page(again, 1).size(), 10);
    QCOMPARE(grants(u"authorization_code"_s), 1);
    m_connections.clear();

    EndpointSettings other = e;
    other.oauthClientId = u"someone-else"_s;
    ApiConnection *stranger = connect(other);
    QCOMPARE(stranger->credentials()->state(), State::SignInNeeded);
    QVERIFY(stranger->oauth()->tokens().isEmpty());
}

QTEST_GUILESS_MAIN(tst_OAuthCredentials)
// Sign Out forgets the tokens here and asks the server to revoke them (RFC 7009, the endpoint named by its
// discovery document): the access token no longer opens the API, and the refresh token renews nothing, even for a
// copy of them kept elsewhere (another window, a keychain backup).
void tst_OAuthCredentials::signOutRevokesTheTokensAtTheServer()
{
    ApiConnection *c = connect(settings(EndpointSettings::SignIn::AuthorizationCode));
    QVERIFY(signInWithBrowser(c->oauth()));
    QCOMPARE(page(c, 1).size(), 10);
    const OAuthCredentials::Tokens old = c->oauth()->tokens();
    QVERIFY(!old.refresh.isEmpty());
    c->oauth()->signOut();
    QCOMPARE(c->credentials()->state(), State::SignInNeeded);
    QVERIFY(c->oauth()->tokens().isEmpty());
    QCOMPARE(m_tokens.last(), QString());   // forgotten in the keychain too
    QTRY_COMPARE_WITH_TIMEOUT(m_server->output().count("REVOCATION 200\n"), 2, 15000);   // refresh, then access token
    QCOMPARE(c->oauth()->statusText(), u"Signed out."_s);

    // The old access token, sent by hand.
    QNetworkAccessManager nam;
    QNetworkRequest request(m_server->baseUrl().resolved(QUrl(u"/posts/1"_s)));
    request.setRawHeader("Authorization", "Bearer " + old.access.toUtf8());
    std::unique_ptr<QNetworkReply> reply(nam.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 401);

    // A copy of the tokens, in a connection of the same settings: its 401 cannot be mended by the refresh token.
    ApiConnection *copy = connect(settings(EndpointSettings::SignIn::AuthorizationCode));
    copy->oauth()->restore(old);
    QCOMPARE(copy->credentials()->state(), State::SignedIn);
    QString error;
    QVERIFY(page(copy, 2, &error).isEmpty());
    QVERIFY2(error.contains(u"401"_s), qPrintable(error));
    QCOMPARE(copy->credentials()->state(), State::SignInNeeded);
    QVERIFY2(copy->oauth()->statusText().contains(u"invalid_grant"_s), qPrintable(copy->oauth()->statusText()));
    QCOMPARE(grants(u"refresh_token"_s), 0);
}

#include "tst_oauthcredentials.moc"
