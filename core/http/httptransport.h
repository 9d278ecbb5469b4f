#pragma once

#include "core/client/clock.h"
#include "core/json/json.h"
#include "core/client/queryoptions.h"

#include <QDateTime>
#include <QHash>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>

namespace refetch {

using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

// One HTTP request as plain data (it can be logged, persisted and sent again).
struct HttpRequest
{
    QByteArray method = "GET";
    QUrl url;
    HttpHeaders headers;
    QByteArray body;
    Millis timeout{30000};
    QList<QSslCertificate> caCertificates;   // trusted besides the system's (a private CA, a test's certificate)
    QString caCertificatesError;             // why the CA certificates meant for it could not be loaded, in a
                                             // sentence: a refused certificate names it
};

// Limits on what a response may be: past them the request fails with a clear error instead of eating memory.
struct ResponseLimits
{
    qint64 maxBytes = 64 * 1024 * 1024;
    int maxDepth = 256;
};

// HTTP over one injected QNetworkAccessManager: every request gets a transfer timeout, redirects are followed by
// RedirectingReply (never from https to http, secrets dropped on the way to another origin), TLS errors fail the
// request (an untrusted certificate with a hint on trusting its CA), and every response is read into JSON or a
// readable QueryError.
class HttpTransport : public QObject
{
    Q_OBJECT
public:
    explicit HttpTransport(QNetworkAccessManager *nam, QObject *parent = nullptr);
    QNetworkAccessManager *networkAccessManager() const { return m_nam; }

    // Starts the request; the caller owns the reply (deleteLater it when finished).
    QNetworkReply *send(const HttpRequest &request, const ResponseLimits &limits = {}) const;

    // Reads a finished reply: 2xx -> parsed JSON (an empty body is null; the Content-Type does not matter),
    // 304 -> notModified, anything else -> an error with status, method, URL without credentials and an excerpt of
    // the body, or what came instead of JSON (an HTML page's title, a body cut short, too large, too deep).
    static FetchResult readJson(QNetworkReply *reply, const ResponseLimits &limits = {});
    // Whether a body is an HTML page (by its Content-Type, or by how it starts): a login, proxy or error page
    // answered, not the API.
    static bool isHtml(const QByteArray &contentType, const QByteArray &body);

    // Whether a header carries a secret (Authorization, cookies, tokens, API keys): redacted in logs, dropped on a
    // redirect to another origin.
    static bool isSecretHeader(const QByteArray &name);
    // A header value as it may appear in a log line: secrets are redacted.
    static QByteArray loggable(const QByteArray &name, const QByteArray &value);
    // {"total": N} from X-Total-Count (else Content-Range's "/N") and {"links": {"next": url, ...}} from a Link header (RFC 8288); Undefined
    // when the reply has neither.
    static Json responseMeta(const QNetworkReply *reply);
    static QList<std::pair<QByteArray, QUrl>> parseLinkHeader(const QByteArray &value, const QUrl &base);
    // Parses a Retry-After value (seconds, or an HTTP date relative to `now`).
    static std::optional<Millis> parseRetryAfter(const QByteArray &value, const QDateTime &now);

    // Whether the server at `url`'s origin answers: when its last request could not reach it (refused, no route,
    // no name, no answer in time), since when that has been so; an invalid time while it answers (or nothing was
    // sent yet). Whatever the network's state: a server on this machine can be down with every cable in.
    QDateTime unreachableSince(const QUrl &url) const;
    static QString origin(const QUrl &url);   // "http://127.0.0.1:3993"

    // Sends `request` for a fetch or write context (QueryFnContext, MutationFnContext): cancelling the context
    // aborts the reply, and `onFinished(reply)` runs once it finishes unless the context was cancelled.
    template <typename Context, typename OnFinished>
    static void sendFor(const Context &ctx, HttpTransport *transport, const HttpRequest &request,
                        const ResponseLimits &limits, OnFinished onFinished)
    {
        QNetworkReply *reply = transport ? transport->send(request, limits) : nullptr;
        if (!reply) {
            ctx.reject(QueryError::other(QStringLiteral("the network access manager is gone")));
            return;
        }
        ctx.onCancel([guard = QPointer<QNetworkReply>(reply)] {
            if (guard)
                guard->abort();
        });
        QObject::connect(reply, &QNetworkReply::finished, reply, [reply, ctx, onFinished] {
            reply->deleteLater();
            if (!ctx.isCancelled())
                onFinished(reply);
        });
    }

Q_SIGNALS:
    // A server stopped answering, or answers again.
    void reachabilityChanged(const QString &origin, bool answering);

private:
    void noteAnswer(const QUrl &url, QNetworkReply *reply) const;

    QPointer<QNetworkAccessManager> m_nam;
    mutable QHash<QString, QDateTime> m_unreachable;   // origin -> since when it has not answered
};

} // namespace refetch
