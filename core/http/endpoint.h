#pragma once

#include "core/http/credentials.h"
#include "core/http/httptransport.h"
#include "core/client/queryoptions.h"

#include <QUrlQuery>
#include <memory>

namespace refetch {

class DataProvider;

// One REST server the client talks to (Refine's data provider): its base URL, the headers every request
// carries (e.g. Authorization), the timeout and the response limits.
struct EndpointConfig
{
    QString name = QStringLiteral("default");
    QUrl baseUrl;
    HttpHeaders headers;
    Millis timeout{30000};
    ResponseLimits limits;
    QList<QSslCertificate> caCertificates;   // trusted besides the system's, for a server with a private CA
    QString caCertificatesError;             // why the CA certificates it was set up with could not be loaded,
                                             // in a sentence: a refused certificate then says so
    std::shared_ptr<const DataProvider> provider;  // its REST dialect; null: json-server's
    // How its requests are signed in (a token, a key, a password, OAuth 2.0): applied to each request as it is
    // sent, renewed on a 401 (sendSigned); null: requests carry only `headers`.
    std::shared_ptr<Credentials> credentials;
    // The server applies a write once per Idempotency-Key (the built-in sample API does; most servers do not):
    // a create restored after a crash is sent again as it is, instead of being held for the user to confirm.
    bool honoursIdempotencyKey = false;
};

class Endpoint
{
public:
    Endpoint(HttpTransport *transport, EndpointConfig config);

    const EndpointConfig &config() const { return m_config; }
    const QString &name() const { return m_config.name; }
    HttpTransport *transport() const { return m_transport; }
    // The REST dialect its lists, records and writes are asked and read in (json-server's unless set).
    const DataProvider *provider() const;
    std::shared_ptr<const DataProvider> providerPtr() const;
    // Once detection has said which dialect the server speaks: views made after it use it.
    void setProvider(std::shared_ptr<const DataProvider> provider);

    // base URL + path (joined with exactly one '/') + query.
    QUrl url(const QString &path, const QUrlQuery &query = {}) const;
    // A request to path?query, with the endpoint's headers and what its credentials put in now.
    HttpRequest request(const QByteArray &method, const QString &path, const QUrlQuery &query = {},
                        const QByteArray &body = {}) const;

    // A fetch function for GET path?query: sends back the cached ETag / Last-Modified, so that a 304 keeps
    // the cached data without parsing; cancelling aborts the reply.
    QueryFn get(const QString &path, const QUrlQuery &query = {}) const;
    // The same for a request made elsewhere (a provider's), with `read` turning a fresh answer's data into what
    // the cache keeps (not called for a 304 or an error).
    using ReadFn = std::function<void(FetchResult &result)>;
    QueryFn get(const HttpRequest &request, ReadFn read) const;

private:
    HttpTransport *m_transport;
    EndpointConfig m_config;
};

} // namespace refetch
