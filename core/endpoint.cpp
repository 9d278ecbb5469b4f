#include "endpoint.h"

namespace refetch {

Endpoint::Endpoint(HttpTransport *transport, EndpointConfig config)
    : m_transport(transport), m_config(std::move(config))
{
}

QUrl Endpoint::url(const QString &path, const QUrlQuery &query) const
{
    QUrl u = m_config.baseUrl;
    QString base = u.path();
    while (base.endsWith(u'/'))
        base.chop(1);
    QString tail = path;
    while (tail.startsWith(u'/'))
        tail.remove(0, 1);
    u.setPath(tail.isEmpty() ? (base.isEmpty() ? QStringLiteral("/") : base) : base + u'/' + tail);
    if (!query.isEmpty())
        u.setQuery(query);
    return u;
}

HttpRequest Endpoint::request(const QByteArray &method, const QString &path, const QUrlQuery &query,
                              const QByteArray &body) const
{
    return HttpRequest{.method = method, .url = url(path, query), .headers = m_config.headers, .body = body,
                       .timeout = m_config.timeout};
}

QueryFn Endpoint::get(const QString &path, const QUrlQuery &query) const
{
    HttpTransport *transport = m_transport;
    const HttpRequest base = request("GET", path, query);
    const ResponseLimits limits = m_config.limits;
    return [transport, base, limits](const QueryFnContext &ctx) {
        HttpRequest r = base;
        if (!ctx.etag().isEmpty())
            r.headers.append({"If-None-Match", ctx.etag()});
        if (!ctx.lastModified().isEmpty())
            r.headers.append({"If-Modified-Since", ctx.lastModified()});
        HttpTransport::sendFor(ctx, transport, r, limits,
                               [ctx, limits](QNetworkReply *reply) { ctx.resolve(HttpTransport::readJson(reply, limits)); });
    };
}

} // namespace refetch
