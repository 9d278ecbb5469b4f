#include "core/http/redirectingreply.h"

#include "core/http/httptransport.h"
#include "core/client/queryerror.h"

#include <QLoggingCategory>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcNetwork)

namespace refetch {

namespace {

int defaultPort(const QUrl &url)
{
    return url.port(url.scheme() == u"https" ? 443 : url.scheme() == u"http" ? 80 : -1);
}

bool isFollowed(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Qt's own error texts may quote the URL as it was given, credentials included.
QString withoutCredentials(QString text, const QUrl &url)
{
    const QString shown = QueryError::displayUrl(url).toString();
    for (const QString &form : {url.toString(), url.toString(QUrl::FullyEncoded), url.toDisplayString()}) {
        if (form != shown && !form.isEmpty())
            text.replace(form, shown);
    }
    return text;
}

} // namespace

RedirectingReply::RedirectingReply(QNetworkAccessManager *nam, const QNetworkRequest &request,
                                   const QByteArray &method, const QByteArray &body)
    : QNetworkReply(nam), m_nam(nam), m_request(request), m_method(method), m_body(body)
{
    m_request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    setOperation(QNetworkAccessManager::CustomOperation);
    QNetworkRequest shown = m_request;
    shown.setAttribute(QNetworkRequest::CustomVerbAttribute, m_method);
    setRequest(shown);
    setUrl(m_request.url());
    open(QIODevice::ReadOnly);
    sendHop();
}

RedirectingReply::~RedirectingReply()
{
    if (m_hop) {
        m_hop->disconnect(this);
        m_hop->abort();
        m_hop->deleteLater();
    }
}

void RedirectingReply::sendHop()
{
    m_hopIsRedirect = false;
    m_tlsOverridden = false;
    m_sslErrors.clear();
    if (!m_nam) {   // only if someone took this reply away from its manager, which then went
        setError(UnknownNetworkError, QStringLiteral("the network access manager is gone"));
        setFinished(true);
        QMetaObject::invokeMethod(this, [this] {
            Q_EMIT errorOccurred(error());
            Q_EMIT finished();
        }, Qt::QueuedConnection);
        return;
    }
    QNetworkReply *hop = m_nam->sendCustomRequest(m_request, m_method, m_body);
    m_hop = hop;
    connect(hop, &QNetworkReply::metaDataChanged, this, &RedirectingReply::hopMetaDataChanged);
    connect(hop, &QNetworkReply::downloadProgress, this, [this](qint64 received, qint64 total) {
        if (!m_hopIsRedirect)
            Q_EMIT downloadProgress(received, total);
    });
    connect(hop, &QNetworkReply::readyRead, this, [this, hop] {
        if (!m_hopIsRedirect)
            Q_EMIT bodyReceived(hop->bytesAvailable());
    });
    connect(hop, &QNetworkReply::uploadProgress, this, &QNetworkReply::uploadProgress);
    // Only recorded and passed on: QNetworkReply::ignoreSslErrors() of this reply does nothing, so a slot that
    // calls it cannot make the hop go on.
    connect(hop, &QNetworkReply::sslErrors, this, [this](const QList<QSslError> &errors) {
        m_sslErrors = errors;
        Q_EMIT sslErrors(errors);
    });
    // A slot of QNetworkAccessManager::sslErrors gets the hop itself and could still ignore them: a handshake that
    // completes despite errors is cut here, before any of the request is sent.
    connect(hop, &QNetworkReply::encrypted, this, [this] {
        if (!m_sslErrors.isEmpty() && m_hop) {
            m_tlsOverridden = true;
            m_hop->abort();
        }
    });
    connect(hop, &QNetworkReply::finished, this, &RedirectingReply::hopFinished);
}

void RedirectingReply::hopMetaDataChanged()
{
    const int status = m_hop->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    m_hopIsRedirect = isFollowed(status) && m_hop->hasRawHeader("Location");
    if (m_hopIsRedirect)
        return;
    copyMetaData(m_hop);
    Q_EMIT metaDataChanged();
}

void RedirectingReply::copyMetaData(QNetworkReply *hop)
{
    setUrl(hop->url());
    for (auto attribute : {QNetworkRequest::HttpStatusCodeAttribute, QNetworkRequest::HttpReasonPhraseAttribute,
                           QNetworkRequest::ConnectionEncryptedAttribute, QNetworkRequest::SourceIsFromCacheAttribute,
                           QNetworkRequest::Http2WasUsedAttribute, QNetworkRequest::OriginalContentLengthAttribute,
                           QNetworkRequest::RedirectionTargetAttribute})
        setAttribute(attribute, hop->attribute(attribute));
    for (const auto &[name, value] : hop->rawHeaderPairs())
        setRawHeader(name, value);
}

void RedirectingReply::hopFinished()
{
    QNetworkReply *hop = m_hop;
    if (!hop)
        return;
    hop->disconnect(this);
    hop->deleteLater();
    m_hop = nullptr;
    const int status = hop->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (!m_aborted && hop->error() == NoError && isFollowed(status) && hop->hasRawHeader("Location")) {
        NetworkError code = NoError;
        const QString refused = redirect(hop, status, &code);
        if (refused.isEmpty()) {
            sendHop();
            return;
        }
        finish(hop, code, refused);
        return;
    }
    NetworkError code = m_tlsOverridden ? SslHandshakeFailedError : hop->error();
    QString text = code == NoError ? QString() : withoutCredentials(hop->errorString(), hop->url());
    if (code == SslHandshakeFailedError) {
        const QString host = hop->url().host();
        QStringList problems;
        for (const QSslError &e : std::as_const(m_sslErrors)) {
            if (!problems.contains(e.errorString()))
                problems.append(e.errorString());
        }
        text = problems.isEmpty()
            ? QStringLiteral("the TLS handshake with %1 failed: %2").arg(host, text)
            : QStringLiteral("the TLS certificate of %1 was refused: %2").arg(host, problems.join(QStringLiteral("; ")));
        // Only when trust is all that is missing: a CA does not mend an expired certificate or another host's.
        if (!problems.isEmpty() && !m_untrustedHint.isEmpty()
            && std::all_of(m_sslErrors.cbegin(), m_sslErrors.cend(), &RedirectingReply::isUntrusted))
            text += QStringLiteral("; ") + m_untrustedHint;
    }
    finish(hop, code, text);
}

QString RedirectingReply::redirect(QNetworkReply *hop, int status, NetworkError *code)
{
    const QUrl from = hop->url();
    const QUrl to = from.resolved(QUrl::fromEncoded(hop->rawHeader("Location").trimmed()));
    const QString shownTo = QueryError::displayUrl(to).toDisplayString();
    if (!to.isValid() || (to.scheme() != u"http" && to.scheme() != u"https") || to.host().isEmpty()) {
        *code = ProtocolUnknownError;
        return QStringLiteral("refused a redirect to %1: not an http or https URL").arg(shownTo);
    }
    if (from.scheme() == u"https" && to.scheme() == u"http") {
        *code = InsecureRedirectError;
        return QStringLiteral("refused a redirect from https to http (%1): the request would go unencrypted").arg(shownTo);
    }
    if (m_redirects >= MaxRedirects) {
        *code = TooManyRedirectsError;
        return QStringLiteral("too many redirects: more than %1, the last to %2").arg(MaxRedirects).arg(shownTo);
    }
    ++m_redirects;
    if ((status == 303 && m_method != "HEAD") || ((status == 301 || status == 302) && m_method == "POST")) {
        m_method = "GET";
        m_body.clear();
        m_request.setHeader(QNetworkRequest::ContentTypeHeader, QVariant());
        m_request.setRawHeader("Content-Type", QByteArray());
    }
    if (!sameOrigin(from, to)) {
        // The secrets were meant for the origin they were configured for, not for whoever it sends us to.
        const QList<QByteArray> names = m_request.rawHeaderList();
        for (const QByteArray &name : names) {
            if (HttpTransport::isSecretHeader(name))
                m_request.setRawHeader(name, QByteArray());
        }
    }
    qCDebug(lcNetwork).noquote() << "redirect" << status << "to" << shownTo;
    m_request.setUrl(to);
    QNetworkRequest shown = m_request;
    shown.setAttribute(QNetworkRequest::CustomVerbAttribute, m_method);
    setRequest(shown);
    return {};
}

void RedirectingReply::finish(QNetworkReply *hop, NetworkError code, const QString &text)
{
    copyMetaData(hop);
    // A hop aborted (by us, or by its transfer timeout) is closed: reading it would only warn.
    const bool readable = hop->isOpen() && !m_aborted && !m_tlsOverridden;
    if (readable)
        m_data = hop->readAll();
    else
        close();
    if (code != NoError)
        setError(code, text);
    setFinished(true);
    if (code != NoError)
        Q_EMIT errorOccurred(code);
    if (readable && !m_data.isEmpty())
        Q_EMIT readyRead();
    Q_EMIT finished();
}

void RedirectingReply::abort()
{
    if (isFinished())
        return;
    m_aborted = true;
    if (m_hop)
        m_hop->abort();   // finishes it, and so this reply, now
}

qint64 RedirectingReply::bytesAvailable() const
{
    return m_data.size() - m_read + QNetworkReply::bytesAvailable();
}

qint64 RedirectingReply::readData(char *data, qint64 maxSize)
{
    const qint64 n = std::min<qint64>(maxSize, m_data.size() - m_read);
    if (n <= 0)
        return isFinished() ? -1 : 0;
    memcpy(data, m_data.constData() + m_read, size_t(n));
    m_read += n;
    if (m_read == m_data.size()) {
        m_data.clear();   // read: give the memory back
        m_read = 0;
    }
    return n;
}

bool RedirectingReply::isUntrusted(const QSslError &error)
{
    switch (error.error()) {
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::CertificateUntrusted:
        return true;
    default:
        return false;
    }
}

bool RedirectingReply::sameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0
        && a.host().compare(b.host(), Qt::CaseInsensitive) == 0 && defaultPort(a) == defaultPort(b);
}

} // namespace refetch
