#include "httptransport.h"

#include <QDateTime>
#include <QJsonObject>
#include <QLocale>
#include <QLoggingCategory>
#include <QNetworkRequest>

Q_LOGGING_CATEGORY(lcNetwork, "refetch.core.network", QtInfoMsg)

namespace refetch {

namespace {
// Set on a reply we abort for being too large, so it is not mistaken for a cancel or a timeout.
constexpr const char *TooLargeProperty = "refetch_tooLarge";
}

HttpTransport::HttpTransport(QNetworkAccessManager *nam, QObject *parent)
    : QObject(parent), m_nam(nam)
{
}

QByteArray HttpTransport::loggable(const QByteArray &name, const QByteArray &value)
{
    const QByteArray lower = name.toLower();
    if (lower == "authorization" || lower == "proxy-authorization" || lower == "cookie" || lower == "set-cookie"
        || lower.contains("token") || lower.contains("api-key") || lower.contains("secret"))
        return QByteArrayLiteral("<redacted>");
    return value;
}

QNetworkReply *HttpTransport::send(const HttpRequest &r, const ResponseLimits &limits) const
{
    if (!m_nam)
        return nullptr;
    QNetworkRequest request(r.url);
    request.setTransferTimeout(toTimerInterval(r.timeout));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setRawHeader("Accept", "application/json");
    for (const auto &[name, value] : r.headers)
        request.setRawHeader(name, value);
    if (!r.body.isEmpty() && !request.hasRawHeader("Content-Type"))
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));

    if (lcNetwork().isDebugEnabled()) {
        QByteArray headers;
        for (const auto &[name, value] : r.headers)
            headers += ' ' + name + ": " + loggable(name, value) + ';';
        qCDebug(lcNetwork).noquote() << r.method << r.url.adjusted(QUrl::RemoveUserInfo).toDisplayString() << headers;
    }

    QNetworkReply *reply = m_nam->sendCustomRequest(request, r.method, r.body);
    const qint64 maxBytes = limits.maxBytes;
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply, maxBytes](qint64 received, qint64 total) {
        if (received > maxBytes || total > maxBytes) {
            reply->setProperty(TooLargeProperty, true);
            reply->abort();
        }
    });
    return reply;
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
    if (ok)
        return seconds < 0 ? std::nullopt : std::optional<Millis>(Millis{seconds * 1000});
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

    if (reply->property(TooLargeProperty).toBool() || body.size() > limits.maxBytes)
        return fail(QueryError::Kind::TooLarge,
                    QStringLiteral("response larger than the limit of %1 MB").arg(limits.maxBytes / (1024 * 1024)));

    if (status == 0 || (reply->error() != QNetworkReply::NoError && status < 400)) {
        // No HTTP answer: the connection itself failed.
        const QNetworkReply::NetworkError err = reply->error();
        const bool timeout = err == QNetworkReply::TimeoutError || err == QNetworkReply::OperationCanceledError;
        return fail(timeout ? QueryError::Kind::Timeout : QueryError::Kind::Network,
                    timeout ? QStringLiteral("no answer within the timeout") : reply->errorString());
    }
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
    JsonParseError error;
    r.data = Json::parse(body, &error, JsonLimits{.maxDepth = limits.maxDepth, .maxBytes = limits.maxBytes});
    if (!error.ok()) {
        const QByteArray type = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        QString message = QStringLiteral("the response is not valid JSON: ") + error.message;
        if (!type.isEmpty() && !type.contains("json"))
            message += QStringLiteral(" (Content-Type: %1)").arg(QString::fromLatin1(type));
        return fail(QueryError::Kind::Parse, message);
    }
    return r;
}

} // namespace refetch
