#pragma once

#include "core/http/endpoint.h"
#include "core/models/referencelabels.h"

#include <QList>
#include <QMap>
#include <QSslCertificate>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <chrono>
#include <optional>

namespace refetch {

// One REST server as the user set it up, like a connection in a database browser: where it is, how to
// authorize, and how its lists are fetched and kept fresh.
struct EndpointSettings
{
    QString id;                                 // stable key: the settings group and the EndpointConfig name
    QString name;                               // shown in the side tree
    QUrl baseUrl;
    // How requests are signed in (Settings, Sign-in). The secret each method needs (the token, the API key, the
    // password, the client secret) is authValue, kept in the keychain.
    enum class SignIn : quint8 {
        None,               // nothing is sent
        Header,             // authHeader: authValue, as typed ("Authorization: Bearer abc", "X-API-Key: k")
        Bearer,             // Authorization: Bearer authValue
        Query,              // ?authHeader=authValue (an API key in the URL)
        Basic,              // HTTP Basic: authUser and the password authValue
        ClientCredentials,  // OAuth 2.0 client credentials: oauthClientId and the client secret authValue
        AuthorizationCode,  // OAuth 2.0 authorization code with PKCE, in the system browser (RFC 8252)
    };
    SignIn signIn = SignIn::Header;             // with no value, nothing is sent (the settings before methods)
    QString authHeader = QStringLiteral("Authorization");   // Header's header, Query's parameter
    QString authValue;                          // the secret; e.g. "Bearer abc123" for Header; empty: none
    QString authUser;                           // Basic's user name
    QString oauthIssuer;                        // OAuth: the server whose discovery document
                                                // (.well-known/openid-configuration) names the two URLs below
    QString oauthAuthorizationUrl;              // OAuth: where the browser signs in; empty: from the issuer
    QString oauthTokenUrl;                      // OAuth: where tokens are had; empty: from the issuer
    QString oauthClientId;
    QString oauthScope;                         // space-separated; empty: the server's default
    QString oauthTokens;                        // OAuth: the tokens signed in with (OAuthCredentials::Tokens as
                                                // JSON), kept in the keychain beside the secret; not a setting
    bool tokenInPlainText = false;              // without a keychain, the token may go into the settings file
    std::chrono::milliseconds timeout{30000};
    std::chrono::milliseconds staleTime{30000};
    bool refetchOnFocus = true;
    std::chrono::milliseconds pollInterval{0};  // 0: no polling
    // Live updates: follow the server's change stream where it has one (its changes invalidate what they touch;
    // while the stream is up, polling is not needed and pauses).
    bool live = true;
    QUrl liveUrl;                               // the stream (http(s): Server-Sent Events, ws(s): a WebSocket);
                                                // empty: <base URL>/events, if the server answers there
    QString liveDialect;                        // LiveDialect::names(); empty: "plain" ({resource, id, action})
    int pageSize = 50;
    QString idField = QStringLiteral("id");
    QString envelopePath;                       // where a list's rows are: empty for the array or its "data"
    QStringList resources;                      // given resources; empty: discovered from the server
    QString dialect;                            // DataProvider::dialects(); empty: detected from the server
    QString paging;                             // pagingName(); empty: the detected or the dialect's
    QString pageParam;                          // page number or offset parameter; empty: the dialect's
    QString sizeParam;                          // page size or limit parameter; empty: the dialect's
    int maxResponseMegabytes = 64;              // a larger response fails with an error instead of loading
    QString caCertificateFile;                  // PEM or DER certificates trusted besides the system's (a private
                                                // CA); empty: only the system's
    bool transient = false;                     // from --endpoint or --demo: never saved
    bool honoursIdempotencyKey = false;         // the built-in sample API: a create is re-sent after a crash as is
    QString cacheIdentity;                      // whose data its saved cache holds; empty: the base URL and token
                                                // (--demo names its database: its port changes every run)
    // The user's word on references, over what the server's description and convention found (Settings,
    // References): "posts\tuserId" -> "users" (a reference, or another resource than the one found), or -> ""
    // (not a reference, though one was found).
    QMap<QString, QString> references;
    QMap<QString, QString> labelFields;         // resource -> the field its records are named by (else name, title...)

    friend bool operator==(const EndpointSettings &, const EndpointSettings &) = default;

    static QString signInKey(SignIn method);   // "none", "header", "bearer", "query", "basic", "client-credentials", "authorization-code"
    static std::optional<SignIn> signInFromKey(QStringView key);
    bool usesOAuth() const { return signIn == SignIn::ClientCredentials || signIn == SignIn::AuthorizationCode; }

    // The name shown when none was given: the URL's host and path.
    QString displayName() const;
    // The core's view of it: base URL, the timeout, the response size cap, the CA certificates of
    // caCertificateFile (or why they could not be loaded, which a refused certificate then names), and the
    // credentials of the fixed sign-in methods (a header, a bearer token, a query parameter, Basic); OAuth's are
    // ApiConnection's (OAuthCredentials).
    EndpointConfig endpointConfig() const;
    // The references of `resource` found (by the schema or convention), with the user's word applied: one the user
    // removed is left out, one the user pointed elsewhere points there, and those the user added are added (source
    // "settings", never refuted by the data).
    QList<Reference> referencesWith(const QString &resource, const QList<Reference> &found) const;
    static QString referenceKey(const QString &resource, const QString &field) { return resource + u'\t' + field; }
    // Why the settings cannot be used, in a sentence; empty when they can.
    QString validate() const;

    // Limits the dialog and the store hold values to.
    static constexpr int maxPageSize = 1000;
    static constexpr std::chrono::milliseconds maxTimeout{std::chrono::minutes(10)};
    static constexpr std::chrono::milliseconds maxStaleTime{std::chrono::hours(24)};
    static constexpr std::chrono::milliseconds maxPollInterval{std::chrono::hours(24)};
    static constexpr int maxResponseMegabytesLimit = 1024;
    // A new, unused id.
    static QString newId();
    // Whether `url` is one the window can browse: http or https with a host.
    static bool isUsableUrl(const QUrl &url);
    // The certificates in the file at `path` (PEM, else DER); when there are none, why, in a sentence naming the
    // file, in `error`.
    static QList<QSslCertificate> loadCaCertificates(const QString &path, QString *error);
};

} // namespace refetch
