#include "tlsfront.h"

#include <QFile>
#include <QPointer>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpSocket>

namespace refetch::test {

namespace {

QByteArray readTlsFile(const char *name)
{
    QFile file(QStringLiteral(REFETCH_TEST_TLS_DIR "/") + QLatin1String(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("TlsFront: cannot read %s", qPrintable(file.fileName()));
    return file.readAll();
}

} // namespace

TlsFront::TlsFront(QObject *parent) : QObject(parent) {}

TlsFront::~TlsFront() = default;

QString TlsFront::certificateFile()
{
    return QStringLiteral(REFETCH_TEST_TLS_DIR "/localhost.crt");
}

QSslCertificate TlsFront::certificate()
{
    return QSslCertificate(readTlsFile("localhost.crt"), QSsl::Pem);
}

bool TlsFront::start(quint16 backendPort)
{
    if (m_server)
        return true;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(certificate());
    tls.setPrivateKey(QSslKey(readTlsFile("localhost.key"), QSsl::Rsa, QSsl::Pem));
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);   // the client is not asked for a certificate
    auto *server = new QSslServer(this);
    server->setSslConfiguration(tls);
    if (!server->listen(QHostAddress::LocalHost, 0)) {
        qWarning("TlsFront: cannot listen on 127.0.0.1: %s", qPrintable(server->errorString()));
        delete server;
        return false;
    }
    m_server = server;
    // Before the handshake ends: a socket that fails it never reaches pendingConnectionAvailable.
    connect(server, &QSslServer::startedEncryptionHandshake, this, [this](QSslSocket *socket) {
        connect(socket, &QSslSocket::disconnected, this, [this, socket] {
            if (!socket->isEncrypted())
                ++m_refused;
        });
    });
    connect(server, &QTcpServer::pendingConnectionAvailable, this, [this, server, backendPort] {
        while (QTcpSocket *next = server->nextPendingConnection()) {
            auto *client = qobject_cast<QSslSocket *>(next);
            ++m_handshakes;
            QPointer<QTcpSocket> backend = new QTcpSocket(client);
            connect(client, &QSslSocket::readyRead, backend, [client, backend] { backend->write(client->readAll()); });
            connect(backend, &QTcpSocket::readyRead, client, [client, backend] { client->write(backend->readAll()); });
            connect(backend, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
            connect(client, &QSslSocket::disconnected, client, [client, backend] {
                if (backend)
                    backend->disconnectFromHost();
                client->deleteLater();
            });
            backend->connectToHost(QHostAddress::LocalHost, backendPort);
            // What came before the backend connection was up goes once it is.
            connect(backend, &QTcpSocket::connected, client, [client, backend] {
                if (client->bytesAvailable())
                    backend->write(client->readAll());
            });
        }
    });
    return true;
}

QUrl TlsFront::baseUrl() const
{
    return QUrl(QStringLiteral("https://127.0.0.1:%1").arg(port()));
}

quint16 TlsFront::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

} // namespace refetch::test
