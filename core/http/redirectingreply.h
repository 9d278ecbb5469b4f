#pragma once

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSslError>

namespace refetch {

// One request followed across its redirects by hand, seen as one QNetworkReply: QNetworkAccessManager (6.4)
// sends Authorization, Cookie and every other header on to whatever origin a redirect names, so each hop is a
// request of our own. A redirect to another origin drops the headers that carry secrets; https -> http is
// refused; 303 (and 301/302 after a POST) become a GET without body, 307/308 keep method and body; at most
// MaxRedirects hops. TLS errors fail the request (nothing here can ignore them) and are named in errorString().
class RedirectingReply : public QNetworkReply
{
    Q_OBJECT
public:
    static constexpr int MaxRedirects = 10;

    // Sends `request` (its redirect policy is set to manual here) with `method` and `body` through `nam`, which
    // is the reply's parent like the replies it makes itself.
    RedirectingReply(QNetworkAccessManager *nam, const QNetworkRequest &request, const QByteArray &method,
                     const QByteArray &body);
    ~RedirectingReply() override;

    // How many redirects were followed so far.
    int redirectCount() const { return m_redirects; }
    // The certificate problems of the last TLS handshake, if it had any.
    QList<QSslError> sslErrorList() const { return m_sslErrors; }
    // Added to errorString() when the certificate is refused only for being untrusted (self-signed, unknown
    // issuer), not when it is expired or for another host: what could make it trusted. Set before it finishes.
    void setUntrustedHint(const QString &hint) { m_untrustedHint = hint; }
    // Whether `error` is a certificate no trusted CA vouches for, which trusting its CA would fix.
    static bool isUntrusted(const QSslError &error);

    void abort() override;
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override;

    // Whether `a` and `b` have the same scheme, host and port (the default port counted).
    static bool sameOrigin(const QUrl &a, const QUrl &b);

Q_SIGNALS:
    // The bytes of the answer's body received so far, at every arrival (Qt sends downloadProgress at most every
    // 100 ms, when a fast link may have brought a hundred megabytes): what a size cap watches.
    void bodyReceived(qint64 bytes);

protected:
    qint64 readData(char *data, qint64 maxSize) override;

private:
    void sendHop();
    void hopMetaDataChanged();
    void hopFinished();
    // Prepares the request for the redirect `hop` answered; an error text when it must not be followed.
    QString redirect(QNetworkReply *hop, int status, NetworkError *code);
    void copyMetaData(QNetworkReply *hop);
    void finish(QNetworkReply *hop, NetworkError code, const QString &text);

    QPointer<QNetworkAccessManager> m_nam;
    QNetworkRequest m_request;   // of the next or current hop
    QByteArray m_method;
    QByteArray m_body;
    QPointer<QNetworkReply> m_hop;
    bool m_hopIsRedirect = false;
    bool m_aborted = false;
    bool m_tlsOverridden = false;   // someone ignored the hop's TLS errors: it is failed all the same
    int m_redirects = 0;
    QList<QSslError> m_sslErrors;
    QString m_untrustedHint;
    QByteArray m_data;           // the final body, read by readData()
    qsizetype m_read = 0;
};

} // namespace refetch
