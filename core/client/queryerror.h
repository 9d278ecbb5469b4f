#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QNetworkReply>
#include <QString>
#include <QUrl>
#include <chrono>
#include <optional>

namespace refetch {

// A failed fetch or write, as a value a person can read: what was asked (method, URL without credentials),
// what came back (HTTP status, an excerpt of the body) and why it failed.
struct QueryError
{
    enum class Kind {
        Network,   // no connection, reset, DNS, TLS...
        Timeout,   // the transfer timeout ran out
        Http,      // the server answered with a non-2xx status
        Parse,     // the body is not the JSON we expected
        TooLarge,  // the body is over the size cap
        Cancelled, // aborted on purpose
        Other,     // a fetch function's own failure
    };

    Kind kind = Kind::Other;
    int httpStatus = 0;
    QByteArray method;
    QUrl url;                 // already stripped of user info
    QString message;          // one line, human-readable
    QByteArray bodyExcerpt;   // at most a few hundred bytes of the body
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    std::optional<std::chrono::milliseconds> retryAfter; // from a Retry-After header

    // "GET http://host/posts: HTTP 503 Service Unavailable: {"error":"down"}"
    QString toString() const;

    static QueryError http(const QByteArray &method, const QUrl &url, int status, const QString &reason,
                           const QByteArray &body);
    static QueryError other(const QString &message);
    // `url` as it may be shown or logged: without user info, and with the values of query parameters that carry
    // secrets (access_token, api_key, password...) replaced by "redacted".
    static QUrl displayUrl(const QUrl &url);
    // Whether a query parameter's value is a secret, by its name.
    static bool isSecretParameter(const QString &name);
    // Names the user gave a secret (an API key's header or query parameter): redacted like the known ones from now
    // on, in URLs and in headers (HttpTransport::isSecretHeader). Safe from any thread.
    static void addSecretName(const QString &name);
    static bool isUserSecretName(const QString &name);
    static QByteArray excerpt(const QByteArray &body, qsizetype max = 300);
};

} // namespace refetch

Q_DECLARE_METATYPE(refetch::QueryError)
