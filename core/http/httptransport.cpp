#include "core/http/httptransport.h"

#include "core/http/redirectingreply.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QLocale>
#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSslConfiguration>
#include <QStringDecoder>

#include <limits>

Q_LOGGING_CATEGORY(lcNetwork, "refetch.core.network", QtInfoMsg)

namespace refetch {

namespace {
// Set on a reply we abort for being too large, so it is not mistaken for a cancel or a timeout: the size it
// announced, or what had come when it passed the cap.
constexpr const char *TooLargeProperty = "refetch_tooLarge";

QString megabytes(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

// What an HTML page says about itself, for an error message: title "its <title>", else text "the start of its
// text"; empty when it says nothing.
QString htmlSummary(const QByteArray &body)
{
    static const QRegularExpression title(QStringLiteral("<title[^>]*>(.*?)</title>"),
                                          QRegularExpression::CaseInsensitiveOption
                                              | QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression hidden(QStringLiteral("<(script|style|head)[^>]*>.*?</\\1>|<!--.*?-->|<[^>]*>"),
                                           QRegularExpression::CaseInsensitiveOption
                                               | QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression entity(QStringLiteral("&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos|nbsp);"));
    const QString html = QString::fromUtf8(body.left(64 * 1024));
    const QRegularExpressionMatch m = title.match(html);
    QString text = m.hasMatch() ? m.captured(1) : QString(html).remove(hidden);
    QString decoded;
    qsizetype at = 0;
    for (QRegularExpressionMatchIterator it = entity.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch e = it.next();
        decoded += QStringView(text).mid(at, e.capturedStart() - at);
        const QString name = e.captured(1);
        static const QHash<QString, QChar> named{{QStringLiteral("amp"), u'&'}, {QStringLiteral("lt"), u'<'},
                                                 {QStringLiteral("gt"), u'>'}, {QStringLiteral("quot"), u'"'},
                                                 {QStringLiteral("apos"), u'\''}, {QStringLiteral("nbsp"), u' '}};
        if (name.startsWith(u'#')) {
            const bool hex = name.size() > 1 && (name[1] == u'x' || name[1] == u'X');
            const char32_t code = name.mid(hex ? 2 : 1).toUInt(nullptr, hex ? 16 : 10);
            decoded += code > 0 && code <= 0x10FFFF ? QString::fromUcs4(&code, 1) : QString(QChar::ReplacementCharacter);
        } else {
            decoded += named.value(name);
        }
        at = e.capturedEnd();
    }
    decoded += QStringView(text).mid(at);
    decoded = decoded.simplified();
    if (decoded.size() > 120)
        decoded = decoded.left(117) + QStringLiteral("...");
    if (decoded.isEmpty())
        return {};
    return (m.hasMatch() ? QStringLiteral("title \"%1\"") : QStringLiteral("text \"%1\"")).arg(decoded);
}

// JSON is UTF-8 (RFC 8259), but some servers say they send another charset: believe them.
QByteArray toUtf8(const QByteArray &body, const QByteArray &contentType)
{
    const qsizetype at = contentType.toLower().indexOf("charset=");
    if (at < 0)
        return body;
    QByteArray charset = contentType.mid(at + 8);
    if (const qsizetype end = charset.indexOf(';'); end >= 0)
        charset.truncate(end);
    charset = charset.trimmed();
    if (charset.startsWith('"'))
        charset = charset.mid(1, charset.size() - 2);
    const QByteArray lower = charset.toLower();
    if (lower.isEmpty() || lower == "utf-8" || lower == "utf8" || lower == "us-ascii")
        return body;
    QStringDecoder decoder(charset.constData());
    if (!decoder.isValid())
        return body;
    const QString text = decoder(body);
    return decoder.hasError() ? body : text.toUtf8();
}

// A body that stopped short: "connection closed by the server in the middle of the response (9 of 100 bytes
// received)"; `expected` < 0 when no length was announced.
QString cutOff(qint64 received, qint64 expected)
{
    const QString got = expected >= 0 ? QStringLiteral("%1 of %2 bytes received").arg(received).arg(expected)
                                      : QStringLiteral("%1 bytes received").arg(received);
    return QStringLiteral("connection closed by the server in the middle of the response (%1)").arg(got);
}

// Why a request got no complete HTTP answer, in words: the connection, the redirects, the protocol.
QString connectionFailure(const QNetworkReply *reply, int status, qint64 received)
{
    bool announced = false;
    const qint64 expected = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong(&announced);
    switch (reply->error()) {
    case QNetworkReply::RemoteHostClosedError:
        return status == 0 ? QStringLiteral("connection closed by the server before it answered")
                           : cutOff(received, announced ? expected : -1);
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("connection refused: nothing answers at %1").arg(reply->url().adjusted(QUrl::RemoveUserInfo).authority());
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("host %1 not found").arg(reply->url().host());
    case QNetworkReply::TooManyRedirectsError:
        return QStringLiteral("too many redirects: the server keeps redirecting (a redirect loop?)");
    case QNetworkReply::ProtocolFailure:
        return QStringLiteral("the server's answer is not valid HTTP");
    default:
        return reply->errorString();
    }
}
} // namespace

bool HttpTransport::isHtml(const QByteArray &contentType, const QByteArray &body)
{
    if (contentType.toLower().contains("html"))
        return true;
    const QByteArray start = body.left(256).trimmed().toLower();
    return start.startsWith("<!doctype html") || start.startsWith("<html") || start.startsWith("<head")
        || start.startsWith("<body") || start.startsWith("<!--");
}

HttpTransport::HttpTransport(QNetworkAccessManager *nam, QObject *parent)
    : QObject(parent), m_nam(nam)
{
}

bool HttpTransport::isSecretHeader(const QByteArray &name)
{
    const QByteArray lower = name.toLower();
    if (QueryError::isUserSecretName(QString::fromLatin1(name)))
        return true;
    return lower == "authorization" || lower == "proxy-authorization" || lower == "cookie" || lower == "set-cookie"
        || lower.contains("token") || lower.contains("api-key") || lower.contains("apikey") || lower.contains("secret")
        || lower.contains("password") || lower.contains("session") || lower.contains("auth") || lower == "x-csrf-token";
}

QByteArray HttpTransport::loggable(const QByteArray &name, const QByteArray &value)
{
    return isSecretHeader(name) ? QByteArrayLiteral("<redacted>") : value;
}

QNetworkReply *HttpTransport::send(const HttpRequest &r, const ResponseLimits &limits) const
{
    if (!m_nam)
        return nullptr;
    QNetworkRequest request(r.url);
    request.setTransferTimeout(toTimerInterval(r.timeout));
    request.setRawHeader("Accept", "application/json");
    for (const auto &[name, value] : r.headers)
        request.setRawHeader(name, value);
    if (!r.body.isEmpty() && !request.hasRawHeader("Content-Type"))
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!r.caCertificates.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(r.caCertificates);
        request.setSslConfiguration(tls);
    }

    if (lcNetwork().isDebugEnabled()) {
        QByteArray headers;
        for (const auto &[name, value] : r.headers)
            headers += ' ' + name + ": " + loggable(name, value) + ';';
        qCDebug(lcNetwork).noquote() << r.method << QueryError::displayUrl(r.url).toDisplayString() << headers;
    }

    // Redirects are followed by RedirectingReply, not by the manager: it drops secrets on the way to another origin.
    auto *reply = new RedirectingReply(m_nam, request, r.method, r.body);
    // What could make an untrusted certificate trusted, as far as this request knows.
    if (!r.caCertificatesError.isEmpty())
        reply->setUntrustedHint(QStringLiteral("the CA certificate set for this endpoint was not loaded: %1").arg(r.caCertificatesError));
    else if (!r.caCertificates.isEmpty())
        reply->setUntrustedHint(QStringLiteral("the CA certificates trusted for this endpoint did not sign it either"));
    else
        reply->setUntrustedHint(QStringLiteral("if the server uses a private certificate authority, trust its CA "
                                               "certificate in the endpoint's settings"));
    const qint64 maxBytes = limits.maxBytes;
    // Refused as soon as the headers announce too much, else as soon as more than the cap has come.
    connect(reply, &QNetworkReply::metaDataChanged, reply, [reply, maxBytes] {
        bool ok = false;
        const qint64 announced = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong(&ok);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (ok && announced > maxBytes && status != 304 && reply->isRunning()) {
            reply->setProperty(TooLargeProperty, announced);
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, const_cast<HttpTransport *>(this), [this, reply, url = r.url] { noteAnswer(url, reply); });
    connect(reply, &RedirectingReply::bodyReceived, reply, [reply, maxBytes](qint64 received) {
        if (received > maxBytes && reply->isRunning()) {
            reply->setProperty(TooLargeProperty, received);
            reply->abort();
        }
    });
    return reply;
}

QString HttpTransport::origin(const QUrl &url)
{
    return url.adjusted(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment)
        .toString(QUrl::FullyEncoded);
}

QDateTime HttpTransport::unreachableSince(const QUrl &url) const
{
    return m_unreachable.value(origin(url));
}

void HttpTransport::noteAnswer(const QUrl &url, QNetworkReply *reply) const
{
    const QString key = origin(url);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    bool down = false;
    if (status <= 0) {
        switch (reply->error()) {
        case QNetworkReply::ConnectionRefusedError:
        case QNetworkReply::HostNotFoundError:
        case QNetworkReply::TimeoutError:
        case QNetworkReply::TemporaryNetworkFailureError:
        case QNetworkReply::NetworkSessionFailedError:
        case QNetworkReply::UnknownNetworkError:
        case QNetworkReply::RemoteHostClosedError:
            down = true;
            break;
        default:
            return;   // cancelled, a TLS refusal, a redirect refused...: says nothing about the server
        }
    }
    const bool wasDown = m_unreachable.contains(key);
    if (down == wasDown)
        return;
    if (down)
        m_unreachable.insert(key, QDateTime::currentDateTime());
    else
        m_unreachable.remove(key);
    Q_EMIT const_cast<HttpTransport *>(this)->reachabilityChanged(key, !down);
}

QList<std::pair<QByteArray, QUrl>> HttpTransport::parseLinkHeader(const QByteArray &value, const QUrl &base)
{
    // <url>; rel="next", <url>; rel="last" ... (a rel may name several relations).
    QList<std::pair<QByteArray, QUrl>> links;
    qsizetype i = 0;
    while (true) {
        const qsizetype open = value.indexOf('<', i);
        if (open < 0)
            break;
        const qsizetype close = value.indexOf('>', open);
        if (close < 0)
            break;
        const QUrl url = base.resolved(QUrl(QString::fromUtf8(value.mid(open + 1, close - open - 1))));
        const qsizetype next = value.indexOf('<', close);
        const QByteArray params = value.mid(close + 1, next < 0 ? -1 : next - close - 1);
        for (const QByteArray &param : params.split(';')) {
            const QByteArray p = param.trimmed();
            if (!p.toLower().startsWith("rel="))
                continue;
            QByteArray rels = p.mid(4).trimmed();
            if (rels.startsWith('"'))
                rels = rels.mid(1, rels.lastIndexOf('"') - 1);
            for (const QByteArray &rel : rels.split(' ')) {
                if (!rel.isEmpty())
                    links.append({rel.toLower(), url});
            }
        }
        if (next < 0)
            break;
        i = next;
    }
    return links;
}

Json HttpTransport::responseMeta(const QNetworkReply *reply)
{
    QString linksKey = QStringLiteral("links");
    QString totalKey = QStringLiteral("total");
    Json total;
    if (reply->hasRawHeader("X-Total-Count")) {
        bool ok = false;
        const qint64 n = reply->rawHeader("X-Total-Count").trimmed().toLongLong(&ok);
        if (ok && n >= 0)
            total = Json(n);
    }
    // Content-Range: items 0-24/250 (PostgREST, react-admin's simple REST), or 0-24/* when the total is unknown.
    if (total.isUndefined() && reply->hasRawHeader("Content-Range")) {
        const QByteArray value = reply->rawHeader("Content-Range").trimmed();
        const qsizetype slash = value.lastIndexOf('/');
        bool ok = false;
        const qint64 n = slash >= 0 ? value.mid(slash + 1).trimmed().toLongLong(&ok) : 0;
        if (ok && n >= 0)
            total = Json(n);
    }
    Json links;
    if (reply->hasRawHeader("Link")) {
        QJsonObject o;
        for (const auto &[rel, url] : parseLinkHeader(reply->rawHeader("Link"), reply->url()))
            o.insert(QString::fromLatin1(rel), url.toString());
        if (!o.isEmpty())
            links = Json(o);
    }
    if (total.isUndefined() && links.isUndefined())
        return Json();
    return Json::object({{totalKey, total}, {linksKey, links}});
}

std::optional<Millis> HttpTransport::parseRetryAfter(const QByteArray &value, const QDateTime &now)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qlonglong seconds = v.toLongLong(&ok);
    if (ok) {
        // Capped so that the milliseconds fit: any such wait is far past the longest one honoured anyway.
        constexpr qlonglong maxSeconds = std::numeric_limits<qlonglong>::max() / 1000;
        return seconds < 0 ? std::nullopt : std::optional<Millis>(Millis{std::min(seconds, maxSeconds) * 1000});
    }
    const QDateTime at = QLocale::c().toDateTime(QString::fromLatin1(v), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!at.isValid())
        return std::nullopt;
    QDateTime utc = at;
    utc.setTimeSpec(Qt::UTC);
    return Millis{std::max<qint64>(0, now.msecsTo(utc))};
}

FetchResult HttpTransport::readJson(QNetworkReply *reply, const ResponseLimits &limits)
{
    const QByteArray method = reply->operation() == QNetworkAccessManager::CustomOperation
        ? reply->request().attribute(QNetworkRequest::CustomVerbAttribute).toByteArray()
        : QByteArrayLiteral("GET");
    const QUrl url = QueryError::displayUrl(reply->url());
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    // A reply aborted by its timeout is already closed: reading it would only print a warning.
    const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();

    auto fail = [&](QueryError::Kind kind, const QString &message) {
        QueryError e;
        e.kind = kind;
        e.method = method;
        e.url = url;
        e.httpStatus = status;
        e.message = message;
        e.networkError = reply->error();
        e.bodyExcerpt = QueryError::excerpt(body);
        return FetchResult::failure(std::move(e));
    };

    const QByteArray type = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    const QVariant refused = reply->property(TooLargeProperty);
    if (refused.isValid() || body.size() > limits.maxBytes) {
        const qint64 size = refused.isValid() ? refused.toLongLong() : body.size();
        bool announced = false;
        const qint64 length = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong(&announced);
        const QString what = announced && length > limits.maxBytes
            ? QStringLiteral("%1 > the %2 cap").arg(megabytes(length), megabytes(limits.maxBytes))
            : QStringLiteral("more than the %1 cap; stopped after %2").arg(megabytes(limits.maxBytes), megabytes(size));
        QueryError e = fail(QueryError::Kind::TooLarge, QStringLiteral("response too large (%1)").arg(what)).error.value();
        e.bodyExcerpt.clear();
        return FetchResult::failure(std::move(e));
    }

    if (status == 0 || (reply->error() != QNetworkReply::NoError && status < 400)) {
        // No complete HTTP answer: the connection itself failed, or its time ran out.
        const QNetworkReply::NetworkError err = reply->error();
        if (err == QNetworkReply::TimeoutError || err == QNetworkReply::OperationCanceledError) {
            const QString seconds = QString::number(reply->request().transferTimeout() / 1000.0);
            return fail(QueryError::Kind::Timeout,
                        status == 0 ? QStringLiteral("timed out: no answer within %1 s").arg(seconds)
                                    : QStringLiteral("timed out: the response stalled for %1 s after it began").arg(seconds));
        }
        return fail(QueryError::Kind::Network, connectionFailure(reply, status, body.size()));
    }
    // Qt 6.4 can finish a reply whose connection broke off as if it were whole: a body shorter than its
    // Content-Length is a broken connection, not a short answer. (A compressed body is measured after inflating.)
    bool announced = false;
    const qint64 length = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong(&announced);
    if (announced && body.size() < length && status >= 200 && status != 204 && status != 304 && method != "HEAD"
        && reply->rawHeader("Content-Encoding").isEmpty())
        return fail(QueryError::Kind::Network, cutOff(body.size(), length));
    if (status == 304) {
        FetchResult r;
        r.notModified = true;
        r.etag = reply->rawHeader("ETag");
        r.lastModified = reply->rawHeader("Last-Modified");
        return r;
    }
    if (status < 200 || status >= 300) {
        QueryError e = QueryError::http(method, url, status, reason, body);
        e.networkError = reply->error();
        if (isHtml(type, body)) {
            const QString summary = htmlSummary(body);
            e.bodyExcerpt = (QStringLiteral("an HTML page") + (summary.isEmpty() ? QString() : QStringLiteral(", ") + summary)).toUtf8();
        }
        if (reply->hasRawHeader("Retry-After"))
            e.retryAfter = parseRetryAfter(reply->rawHeader("Retry-After"), QDateTime::currentDateTimeUtc());
        return FetchResult::failure(std::move(e));
    }
    FetchResult r;
    r.etag = reply->rawHeader("ETag");
    r.lastModified = reply->rawHeader("Last-Modified");
    r.meta = responseMeta(reply);
    if (body.trimmed().isEmpty()) {
        r.data = Json(nullptr);
        return r;
    }
    // A body that is JSON is taken whatever its Content-Type says (servers label JSON text/plain or text/html);
    // one that is not is explained by what it is.
    JsonParseError error;
    r.data = Json::parse(toUtf8(body, type), &error, JsonLimits{.maxDepth = limits.maxDepth, .maxBytes = limits.maxBytes});
    if (!error.ok()) {
        const QString typeNote = type.isEmpty() ? QString() : QStringLiteral(", Content-Type %1").arg(QString::fromLatin1(type));
        if (error.code == JsonParseError::Code::TooDeep) {
            QueryError e = fail(QueryError::Kind::Parse,
                                QStringLiteral("the response is nested too deeply: more than %1 levels of arrays and objects")
                                    .arg(limits.maxDepth)).error.value();
            e.bodyExcerpt.clear();
            return FetchResult::failure(std::move(e));
        }
        // The same for a chunked body: one whose JSON stops short was cut off on the way.
        if (error.code == JsonParseError::Code::UnexpectedEnd
            && reply->rawHeader("Transfer-Encoding").toLower().contains("chunked"))
            return fail(QueryError::Kind::Network, cutOff(body.size(), -1));
        if (isHtml(type, body)) {
            const QString summary = htmlSummary(body);
            QueryError e = fail(QueryError::Kind::Parse,
                                QStringLiteral("the server sent an HTML page instead of JSON (status %1%2%3)")
                                    .arg(status)
                                    .arg(typeNote, summary.isEmpty() ? QString() : QStringLiteral(", ") + summary))
                                .error.value();
            e.bodyExcerpt.clear();
            return FetchResult::failure(std::move(e));
        }
        return fail(QueryError::Kind::Parse,
                    QStringLiteral("the response is not valid JSON (status %1%2): %3").arg(status).arg(typeNote, error.message));
    }
    return r;
}

} // namespace refetch
