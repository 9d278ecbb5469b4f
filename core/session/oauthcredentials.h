#pragma once

#include "core/client/scheduler.h"
#include "core/http/credentials.h"

#include <QDateTime>
#include <QPointer>
#include <QUrl>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
class QNetworkReply;
class QOAuth2AuthorizationCodeFlow;
QT_END_NAMESPACE

namespace refetch {

// OAuth 2.0 sign-in for an endpoint: its requests carry "Authorization: Bearer <access token>".
//
// Client credentials (RFC 6749 §4.4): signIn() asks the token endpoint with the client's id and secret (HTTP
// Basic), and asks again whenever the token runs out. Authorization code with PKCE (RFC 7636, S256) through the
// system browser and a loopback redirect on 127.0.0.1 (RFC 8252): signIn() asks the UI to open the authorization
// URL (browserRequested()); Qt's QOAuth2AuthorizationCodeFlow with a QOAuthHttpServerReplyHandler takes the
// redirect, checks its state and trades the code for tokens. A refresh token then renews the access token.
//
// Tokens are renewed shortly before they expire (on the scheduler's clock) and when a request meets a 401
// (Credentials::renew); a renewal the server refuses (a revoked refresh token, a wrong secret) leaves the state
// SignInNeeded with the server's reason. The tokens are handed out as JSON to be kept in the keychain
// (tokensChanged()) and taken back at the next start (restore()). The refresh and client-credentials requests are
// made here, one POST each: Qt 6.4's refreshAccessToken() says nothing when it fails and stays "refreshing".
class OAuthCredentials : public Credentials
{
    Q_OBJECT
public:
    enum class Grant : quint8 { ClientCredentials, AuthorizationCode };
    struct Options
    {
        Grant grant = Grant::AuthorizationCode;
        QUrl issuer;             // read for the two URLs below when they are empty (OpenID / RFC 8414 discovery)
        QUrl authorizationUrl;
        QUrl tokenUrl;
        QUrl revocationUrl;      // RFC 7009; from the discovery document when empty. Sign out revokes the tokens there
        QString clientId;
        QString clientSecret;    // client credentials' secret; for a code flow, only a confidential client's
        QString scope;
    };
    struct Tokens
    {
        QString access;
        QString refresh;
        QDateTime expiresAt;     // UTC; invalid when the server did not say
        QString who;             // the user (the ID token's name, email or subject) or the client
        QString issuedFor;       // the client and token URL they came from: tokens of other settings are not used
        bool isEmpty() const { return access.isEmpty() && refresh.isEmpty(); }
        QString toJson() const;
        static Tokens fromJson(const QString &json);
    };

    // `nam` (for the token requests) and `scheduler` (for renewing before expiry) must outlive this object.
    OAuthCredentials(Options options, QNetworkAccessManager *nam, Scheduler *scheduler, QObject *parent = nullptr);
    ~OAuthCredentials() override;

    void apply(HttpRequest &request) const override;

    // Starts signing in: for client credentials a token request; for a code flow the browser (browserRequested()),
    // waiting for the redirect. Either ends in signedIn() or signInFailed().
    void signIn();
    // Stops a sign-in under way (the browser's page then goes nowhere).
    void cancelSignIn();
    bool isSigningIn() const { return m_signingIn; }
    // Forgets the tokens: requests go without, and the state is SignInNeeded ("Signed out"). The server is asked to
    // revoke them (RFC 7009) where it names a revocation endpoint.
    void signOut();

    // Tokens kept from an earlier session: used when they were issued for these settings.
    void restore(const Tokens &tokens);
    Tokens tokens() const { return m_tokens; }
    QString who() const { return m_tokens.who; }
    QDateTime expiresAt() const { return m_tokens.expiresAt; }
    // "Signed in as Ada Lovelace until 14:32", "Not signed in", "Signing in: finish in the browser…", or why the
    // user must sign in again.
    QString statusText() const;
    // The redirect URI of the sign-in under way (http://127.0.0.1:PORT/); empty when none is.
    QString redirectUri() const;

    // Renew this long before the access token expires (or a tenth of its lifetime, if that is shorter).
    static constexpr Millis RenewAhead{std::chrono::seconds(60)};

Q_SIGNALS:
    // Open this URL in the system browser (the authorization code flow's sign-in page).
    void browserRequested(const QUrl &url);
    void signedIn();
    void signInFailed(const QString &message);
    // The tokens to keep (Tokens::toJson(); empty: forget them).
    void tokensChanged(const QString &json);
    void statusChanged();

protected:
    bool startRenewal(QString *why) override;

private:
    void discoverThen(std::function<void()> next);
    // Reads the discovery document into m_options; `done` with an empty error when it could.
    void readDiscovery(int attempt, std::function<void(const QString &error)> done);
    // The token request's form: client credentials, or the refresh token.
    QList<std::pair<QString, QString>> tokenForm() const;
    QNetworkReply *postForm(const QUrl &url, const QList<std::pair<QString, QString>> &form);
    void requestToken(const QList<std::pair<QString, QString>> &form, bool renewal);
    void takeTokenAnswer(const QByteArray &body, bool renewal);
    void finishSignIn(const Tokens &tokens);
    void dropFlow();
    void revoke(const Tokens &tokens);
    void setTokens(Tokens tokens);
    void scheduleRenewal();
    void fail(const QString &message, bool renewal);
    void startCodeFlow();
    QString issuedFor() const;

    Options m_options;
    QString m_issuedFor;   // Tokens::issuedFor of these settings
    QPointer<QNetworkAccessManager> m_nam;
    QPointer<Scheduler> m_scheduler;
    Tokens m_tokens;
    bool m_signingIn = false;
    bool m_renewing = false;
    bool m_discovered = false;
    Scheduler::TaskId m_renewTask = 0;
    QPointer<QOAuth2AuthorizationCodeFlow> m_flow;
    QNetworkAccessManager *m_flowNam = nullptr;   // the code flow's own, so that its token answers can be watched
};

} // namespace refetch
