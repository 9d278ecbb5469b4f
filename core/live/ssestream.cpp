#include "ssestream.h"

#include "core/client/queryerror.h"

#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>

namespace refetch {

SseStream::SseStream(QNetworkAccessManager *nam, Scheduler *scheduler, SseStreamOptions options,
                     BackoffOptions backoff, QObject *parent)
    : ChangeStream(scheduler, backoff, parent), m_nam(nam), m_options(std::move(options))
{
}

SseStream::~SseStream()
{
    disconnectTransport();
}

QByteArray SseStream::responseHeader(const QByteArray &name) const
{
    for (const auto &[key, value] : m_responseHeaders) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

void SseStream::connectTransport()
{
    if (!m_nam) {
        transportFailed(QStringLiteral("the network access manager is gone"), Failure::NoStream);
        return;
    }
    HttpRequest signedRequest{.url = m_options.url, .headers = m_options.headers};
    sign(signedRequest);
    QNetworkRequest request(signedRequest.url);
    request.setRawHeader("Accept", "text/event-stream");
    request.setRawHeader("Cache-Control", "no-cache");
    for (const auto &[name, value] : std::as_const(signedRequest.headers))
        request.setRawHeader(name, value);
    if (!lastEventId().isEmpty())
        request.setRawHeader("Last-Event-ID", lastEventId().toUtf8());
    request.setTransferTimeout(toTimerInterval(m_options.idleTimeout));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(StreamAttribute, true);
    if (!m_options.caCertificates.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(m_options.caCertificates);
        request.setSslConfiguration(tls);
    }
    m_parser.restart();
    m_isStream = false;
    m_responseHeaders.clear();
    QNetworkReply *reply = m_nam->get(request);
    m_reply = reply;
    connect(reply, &QNetworkReply::metaDataChanged, this, &SseStream::onMetaData);
    connect(reply, &QNetworkReply::readyRead, this, &SseStream::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &SseStream::onFinished);
}

void SseStream::disconnectTransport()
{
    if (!m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    disconnect(reply, nullptr, this, nullptr);
    reply->abort();
    reply->deleteLater();
}

void SseStream::onMetaData()
{
    QNetworkReply *reply = m_reply;
    if (!reply || sender() != reply)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status < 200 || status >= 300)
        return;   // said when it finishes, with its body
    m_responseHeaders = reply->rawHeaderPairs();
    const QByteArray type = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray().trimmed().toLower();
    if (!type.startsWith("text/event-stream")) {
        disconnectTransport();
        transportFailed(QStringLiteral("%1 answered %2 with %3, not an event stream")
                            .arg(QueryError::displayUrl(m_options.url).toDisplayString())
                            .arg(status)
                            .arg(type.isEmpty() ? QStringLiteral("no Content-Type") : QString::fromLatin1(type)),
                        Failure::NoStream);
        return;
    }
    m_isStream = true;
    transportOpened();
}

void SseStream::onReadyRead()
{
    QNetworkReply *reply = m_reply;
    if (!reply || sender() != reply || !m_isStream)
        return;
    const QList<SseEvent> events = m_parser.feed(reply->readAll());
    if (const auto retry = m_parser.retry())
        setRetryDelay(*retry);
    // One event may lead to the stream being stopped (the connection it serves goes): hold on to ourselves.
    const QPointer<SseStream> self(this);
    for (const SseEvent &event : events) {
        transportMessage(event.type, event.data, event.lastEventId);
        if (!self || m_reply != reply)
            return;
    }
    setLastEventId(m_parser.lastEventId());   // an "id" without data moves the position too
    if (!m_parser.error().isEmpty()) {
        disconnectTransport();
        transportFailed(m_parser.error());
    }
}

void SseStream::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply || sender() != reply)
        return;
    m_reply = nullptr;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString url = QueryError::displayUrl(m_options.url).toDisplayString();
    if (m_isStream) {
        const bool clean = reply->error() == QNetworkReply::NoError;
        transportFailed(clean ? QStringLiteral("the server closed the change stream")
                              : QStringLiteral("the change stream was cut: %1").arg(reply->errorString()));
        return;
    }
    if (status == 0) {
        transportFailed(QStringLiteral("GET %1: %2").arg(url, reply->errorString()));
        return;
    }
    const bool none = status == 404 || status == 405 || status == 406 || status == 410 || status == 501
        || (status >= 200 && status < 300);
    QByteArray body = reply->readAll().left(200).simplified();
    QString text = QStringLiteral("GET %1: HTTP %2").arg(url).arg(status);
    if (!body.isEmpty())
        text += QStringLiteral(": ") + QString::fromUtf8(body);
    if (status == 401 || status == 403)
        credentialsRefused(text, status);
    else
        transportFailed(text, none ? Failure::NoStream : Failure::Transient);
}

} // namespace refetch
