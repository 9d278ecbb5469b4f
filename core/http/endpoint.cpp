#include "core/http/endpoint.h"

#include "core/providers/dataprovider.h"
#include "core/providers/jsonserverprovider.h"

#include <QElapsedTimer>

namespace refetch {

namespace {

// The request as the cache inspector may show it: the URL without user info and without secret parameters.
RequestRecord requestRecord(const QNetworkReply *reply, const QByteArray &method, qint64 bytes, Millis duration)
{
    const QUrl url = QueryError::displayUrl(reply->url());
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    return RequestRecord{.method = method, .url = url, .status = status, .bytes = bytes, .duration = duration,
                         .notModified = status == 304};
}

} // namespace

Endpoint::Endpoint(HttpTransport *transport, EndpointConfig config)
    : m_transport(transport), m_config(std::move(config))
{
}

std::shared_ptr<const DataProvider> Endpoint::providerPtr() const
{
    if (m_config.provider)
        return m_config.provider;
    static const std::shared_ptr<const DataProvider> jsonServer = DataProvider::create(JsonServerProvider::Dialect);
    return jsonServer;
}

const DataProvider *Endpoint::provider() const
{
    return providerPtr().get();
}

void Endpoint::setProvider(std::shared_ptr<const DataProvider> provider)
{
    m_config.provider = std::move(provider);
}

QUrl Endpoint::url(const QString &path, const QUrlQuery &query) const
{
    QUrl u = m_config.baseUrl;
    // Encoded on both sides: a path's percent-encoded parts (a record id "a/b c" is "a%2Fb%20c") stay as they are.
    QString base = u.path(QUrl::FullyEncoded);
    while (base.endsWith(u'/'))
        base.chop(1);
    QString tail = path;
    while (tail.startsWith(u'/'))
        tail.remove(0, 1);
    u.setPath(tail.isEmpty() ? (base.isEmpty() ? QStringLiteral("/") : base) : base + u'/' + tail, QUrl::TolerantMode);
    if (!query.isEmpty())
        u.setQuery(query);
    return u;
}

HttpRequest Endpoint::request(const QByteArray &method, const QString &path, const QUrlQuery &query,
                              const QByteArray &body) const
{
    HttpRequest r{.method = method, .url = url(path, query), .headers = m_config.headers, .body = body,
                  .timeout = m_config.timeout, .caCertificates = m_config.caCertificates,
                  .caCertificatesError = m_config.caCertificatesError};
    if (m_config.credentials)
        m_config.credentials->apply(r);
    return r;
}

QueryFn Endpoint::get(const QString &path, const QUrlQuery &query) const
{
    return get(request("GET", path, query), ReadFn());
}

QueryFn Endpoint::get(const HttpRequest &request, ReadFn read) const
{
    HttpTransport *transport = m_transport;
    const ResponseLimits limits = m_config.limits;
    // Signed as it is sent (a token renewed since the query was made is the one that goes).
    return [transport, base = request, limits, read = std::move(read),
            credentials = m_config.credentials](const QueryFnContext &ctx) {
        HttpRequest r = base;
        if (!ctx.etag().isEmpty())
            r.headers.append({"If-None-Match", ctx.etag()});
        if (!ctx.lastModified().isEmpty())
            r.headers.append({"If-Modified-Since", ctx.lastModified()});
        QElapsedTimer started;
        started.start();
        sendSigned(ctx, transport, r, limits, credentials,
                   [ctx, limits, started, method = r.method, read](QNetworkReply *reply) -> std::function<void()> {
            const qint64 bytes = reply->isOpen() ? reply->bytesAvailable() : 0;
            auto result = std::make_shared<FetchResult>(HttpTransport::readJson(reply, limits));
            result->request = requestRecord(reply, method, bytes, Millis{started.elapsed()});
            if (read && !result->error && !result->notModified)
                read(*result);
            return [ctx, result] { ctx.resolve(std::move(*result)); };
        });
    };
}

} // namespace refetch
