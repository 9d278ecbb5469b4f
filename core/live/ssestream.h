#pragma once

#include "core/live/changestream.h"
#include "core/live/sseparser.h"

#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QPointer>
#include <QSslCertificate>
#include <QUrl>

QT_BEGIN_NAMESPACE
class QNetworkReply;
QT_END_NAMESPACE

namespace refetch {

struct SseStreamOptions
{
    QUrl url;
    QList<std::pair<QByteArray, QByteArray>> headers;   // the endpoint's (Authorization...)
    QList<QSslCertificate> caCertificates;              // trusted besides the system's
    // Nothing at all for this long (not even a keep-alive comment) counts as a dead connection: Qt's transfer
    // timeout, which restarts with every byte that comes.
    Millis idleTimeout{45000};
};

// A Server-Sent Events stream (text/event-stream) over the injected QNetworkAccessManager: GET with
// Accept: text/event-stream and, on reconnecting, Last-Event-ID; the body read as it comes through SseParser.
// A 404, 405, 406, 410, 501 or an answer that is not an event stream means the server has none there
// (Unavailable); 401 and 403 that it refuses the endpoint's credentials (Unavailable); anything else
// (refused, reset, 5xx, the server closing the stream) is retried with backoff. Redirects are followed within
// the same origin only, so the endpoint's secrets never go elsewhere.
class SseStream : public ChangeStream
{
    Q_OBJECT
public:
    SseStream(QNetworkAccessManager *nam, Scheduler *scheduler, SseStreamOptions options,
              BackoffOptions backoff = {}, QObject *parent = nullptr);
    ~SseStream() override;

    const SseStreamOptions &options() const { return m_options; }
    // Set (true) on the stream's request: a download that never ends, which a progress display leaves out.
    static constexpr QNetworkRequest::Attribute StreamAttribute = QNetworkRequest::Attribute(QNetworkRequest::User + 1);
    // Keep-alive comments received so far.
    int keepAlives() const { return m_parser.comments(); }
    // The last answer's headers (a server may name other streams in a Link header).
    QByteArray responseHeader(const QByteArray &name) const;

protected:
    void connectTransport() override;
    void disconnectTransport() override;

private:
    void onMetaData();
    void onReadyRead();
    void onFinished();

    QPointer<QNetworkAccessManager> m_nam;
    SseStreamOptions m_options;
    SseParser m_parser;
    QPointer<QNetworkReply> m_reply;
    QList<std::pair<QByteArray, QByteArray>> m_responseHeaders;
    bool m_isStream = false;
};

} // namespace refetch
