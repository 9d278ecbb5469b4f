#pragma once

#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>

QT_BEGIN_NAMESPACE
class QSslServer;
QT_END_NAMESPACE

namespace refetch::test {

// An https front on 127.0.0.1 for a plain HTTP server (usually an HttpFixture): it ends TLS with the test
// certificate in tests/support/tls and passes the bytes through, so every fixture feature works over https and
// the fixture's log shows what came through. A client that refuses the certificate sends nothing through.
//
// The certificate (localhost.crt, its key localhost.key) is self-signed, valid until 2126, for IP 127.0.0.1 and
// DNS localhost, made once with:
//   openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 36500 -subj "/CN=127.0.0.1"
//     -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -addext "basicConstraints=critical,CA:TRUE"
//     -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign"
//     -addext "extendedKeyUsage=serverAuth" -keyout localhost.key -out localhost.crt
// (one command).
class TlsFront : public QObject
{
    Q_OBJECT
public:
    explicit TlsFront(QObject *parent = nullptr);
    ~TlsFront() override;

    // Listens on 127.0.0.1 on a free port and passes connections on to 127.0.0.1:`backendPort`.
    bool start(quint16 backendPort);
    QUrl baseUrl() const; // "https://127.0.0.1:PORT"
    quint16 port() const;

    // The test certificate, to trust it (EndpointConfig::caCertificates).
    static QSslCertificate certificate();
    // The committed file that holds it (PEM), as a user would choose it.
    static QString certificateFile();

    int handshakes() const { return m_handshakes; }   // TLS handshakes completed
    int refused() const { return m_refused; }         // connections that ended before their handshake did

private:
    QSslServer *m_server = nullptr;
    int m_handshakes = 0;
    int m_refused = 0;
};

} // namespace refetch::test
