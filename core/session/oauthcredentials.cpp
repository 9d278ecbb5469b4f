#include "core/session/oauthcredentials.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QOAuth2AuthorizationCodeFlow>
#include <QOAuthHttpServerReplyHandler>
#include <QRandomGenerator>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

// The claims of a JWT (an ID token) as the server wrote them; its signature is not checked: only a name to show
// is read from it, never a decision.
QJsonObject jwtClaims(const QString &jwt)
{
    const QStringList parts = jwt.split(u'.');
    if (parts.size() != 3)
        return {};
    const QByteArray payload = QByteArray::fromBase64(parts.at(1).toLatin1(), QByteArray::Base64UrlEncoding);
    return QJsonDocument::fromJson(payload).object();
}

QString whoIn(const QString &idToken)
{
    const QJsonObject claims = jwtClaims(idToken);
    for (const char *claim : {"name", "preferred_username", "email", "sub"}) {
        if (const QString v = claims.value(QLatin1StringView(claim)).toString(); !v.isEmpty())
            return v;
    }
    return {};
}

// RFC 7636 §4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~]; 64 here, from the system's random source.
QByteArray codeVerifier()
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    QByteArray out(64, Qt::Uninitialized);
    for (char &c : out)
        c = alphabet[QRandomGenerator::system()->bounded(int(sizeof(alphabet) - 1))];
    return out;
}

// The server's reason from an OAuth error answer ({"error": "invalid_grant", "error_description": "..."}).
QString oauthError(const QByteArray &body, const QString &fallback)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QString error = o.value(u"error"_s).toString(), description = o.value(u"error_description"_s).toString();
    if (error.isEmpty())
        return fallback;
    return description.isEmpty() ? error : u"%1 (%2)"_s.arg(description, error);
}

} // namespace

QString OAuthCredentials::Tokens::toJson() const
{
    if (isEmpty())
        return {};
    QJsonObject o{{u"access"_s, access}, {u"issuedFor"_s, issuedFor}};
    if (!refresh.isEmpty())
        o.insert(u"refresh"_s, refresh);
    if (expiresAt.isValid())
        o.insert(u"expiresAt"_s, expiresAt.toUTC().toString(Qt::ISODateWithMs));
    if (!who.isEmpty())
        o.insert(u"who"_s, who);
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

OAuthCredentials::Tokens OAuthCredentials::Tokens::fromJson(const QString &json)
{
    const QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object();
    Tokens t;
    t.access = o.value(u"access"_s).toString();
    t.refresh = o.value(u"refresh"_s).toString();
    t.expiresAt = QDateTime::fromString(o.value(u"expiresAt"_s).toString(), Qt::ISODateWithMs);
    t.who = o.value(u"who"_s).toString();
    t.issuedFor = o.value(u"issuedFor"_s).toString();
    return t;
}

OAuthCredentials::OAuthCredentials(Options options, QNetworkAccessManager *nam, Scheduler *scheduler, QObject *parent)
    : Credentials(parent), m_options(std::move(options)), m_nam(nam), m_scheduler(scheduler)
{
    // As the settings name the server (before discovery fills in its URLs).
    const QUrl where = m_options.tokenUrl.isEmpty() ? m_options.issuer : m_options.tokenUrl;
    m_issuedFor = m_options.clientId + u' ' + where.toString(QUrl::StripTrailingSlash);
    // A code flow has nothing to go on until the user signs in; client credentials get their token when the first
    // request is refused (or signIn()).
    if (m_options.grant == Grant::AuthorizationCode)
        setState(State::SignInNeeded, tr("Not signed in."));
}

OAuthCredentials::~OAuthCredentials()
{
    if (m_scheduler)
        m_scheduler->cancel(m_renewTask);
}

void OAuthCredentials::apply(HttpRequest &request) const
{
    setRequestHeader(request, "Authorization", m_tokens.access.isEmpty() ? QByteArray() : "Bearer " + m_tokens.access.toUtf8());
}

QString OAuthCredentials::issuedFor() const
{
    return m_issuedFor;
}

void OAuthCredentials::restore(const Tokens &tokens)
{
    if (tokens.isEmpty() || tokens.issuedFor != issuedFor())
        return;   // another server's or client's: of no use here
    m_tokens = tokens;
    const bool expired = tokens.expiresAt.isValid() && tokens.expiresAt <= QDateTime::currentDateTimeUtc();
    if (!tokens.access.isEmpty() && !expired) {
        changed(true);
        scheduleRenewal();
    } else if (!tokens.refresh.isEmpty() || m_options.grant == Grant::ClientCredentials) {
        // Expired while the app was closed: renewed now, before the first request needs it.
        m_tokens.access.clear();
        setState(State::None);
        renew(generation(), this, [](bool) {});
    }
    Q_EMIT statusChanged();
}

QString OAuthCredentials::redirectUri() const
{
    const auto *handler = m_flow ? qobject_cast<const QOAuthHttpServerReplyHandler *>(m_flow->replyHandler()) : nullptr;
    return handler ? handler->callback() : QString();
}

QString OAuthCredentials::statusText() const
{
    if (m_signingIn)
        return m_options.grant == Grant::AuthorizationCode ? tr("Signing in: finish in the browser…") : tr("Signing in…");
    switch (state()) {
    case State::SignedIn: {
        const QString who = m_tokens.who.isEmpty() ? tr("Signed in") : tr("Signed in as %1").arg(m_tokens.who);
        if (!m_tokens.expiresAt.isValid())
            return who;
        const QDateTime local = m_tokens.expiresAt.toLocalTime();
        const QString time = QLocale().toString(local.time(), QLocale::ShortFormat);
        const QString until = local.date() == QDate::currentDate()
            ? time
            : QLocale().toString(local.date(), QLocale::ShortFormat) + u' ' + time;
        //: "Signed in as Ada until 14:32"; the token is renewed before then when the server allows it
        return tr("%1 until %2").arg(who, until);
    }
    case State::Renewing:
        return tr("Renewing the sign-in…");
    case State::SignInNeeded:
        return problem();
    case State::None:
        break;
    }
    return tr("Not signed in.");
}

void OAuthCredentials::signIn()
{
    cancelSignIn();
    m_signingIn = true;
    Q_EMIT statusChanged();
    if (m_options.grant == Grant::ClientCredentials)
        discoverThen([this] { requestToken(tokenForm(), false); });
    else
        discoverThen([this] { startCodeFlow(); });
}

QList<std::pair<QString, QString>> OAuthCredentials::tokenForm() const
{
    QList<std::pair<QString, QString>> form;
    if (m_options.grant == Grant::ClientCredentials)
        form = {{u"grant_type"_s, u"client_credentials"_s}};
    else   // RFC 6749 §6
        form = {{u"grant_type"_s, u"refresh_token"_s}, {u"refresh_token"_s, m_tokens.refresh}};
    if (!m_options.scope.isEmpty())
        form.append({u"scope"_s, m_options.scope});
    return form;
}

void OAuthCredentials::dropFlow()
{
    if (m_flow)
        m_flow->deleteLater();
    m_flow = nullptr;
    m_flowNam = nullptr;
}

void OAuthCredentials::cancelSignIn()
{
    dropFlow();
    if (std::exchange(m_signingIn, false))
        Q_EMIT statusChanged();
}

void OAuthCredentials::signOut()
{
    cancelSignIn();
    if (m_scheduler)
        m_scheduler->cancel(std::exchange(m_renewTask, 0));
    const Tokens old = std::exchange(m_tokens, {});
    Q_EMIT tokensChanged(QString());
    needSignIn(tr("Signed out."));
    Q_EMIT statusChanged();
    revoke(old);
}

void OAuthCredentials::revoke(const Tokens &tokens)
{
    // RFC 7009: the refresh token first (the server may end the access tokens of its grant with it), then the
    // access token. Signing out here does not wait for it; a server that cannot be told is said in the status.
    QList<std::pair<QString, QString>> tokenForms;
    if (!tokens.refresh.isEmpty())
        tokenForms.append({tokens.refresh, u"refresh_token"_s});
    if (!tokens.access.isEmpty())
        tokenForms.append({tokens.access, u"access_token"_s});
    if (tokenForms.isEmpty() || !m_nam)
        return;
    if (m_options.revocationUrl.isEmpty()) {
        if (m_options.issuer.isEmpty() || m_discovered)
            return;   // the server names no revocation endpoint: the tokens run out by themselves
        readDiscovery(0, [this, tokens](const QString &error) {
            if (error.isEmpty() && !m_options.revocationUrl.isEmpty())
                revoke(tokens);
        });
        return;
    }
    for (const auto &[token, hint] : tokenForms) {
        QNetworkReply *reply = postForm(m_options.revocationUrl, {{u"token"_s, token}, {u"token_type_hint"_s, hint}});
        const quint64 signedOutAt = generation();
        connect(reply, &QNetworkReply::finished, this, [this, reply, signedOutAt] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 200 || generation() != signedOutAt || state() != State::SignInNeeded)
                return;   // revoked (RFC 7009 §2.2: 200 also for a token the server no longer knows), or signed in since
            const QString why = status ? oauthError(reply->readAll(), tr("HTTP %1").arg(status)) : reply->errorString();
            needSignIn(tr("Signed out here, but the sign-in server could not be told (%1): the last token stays "
                          "valid there until it expires.").arg(why));
            Q_EMIT statusChanged();
        });
    }
}

bool OAuthCredentials::startRenewal(QString *why)
{
    if (m_signingIn)
        return true;   // the sign-in under way brings the token
    if (m_options.grant == Grant::AuthorizationCode && m_tokens.refresh.isEmpty()) {
        if (why)
            *why = m_tokens.access.isEmpty() ? tr("Not signed in.") : tr("The sign-in has expired. Sign in again.");
        return false;
    }
    m_renewing = true;
    Q_EMIT statusChanged();
    discoverThen([this] { requestToken(tokenForm(), true); });
    return true;
}

void OAuthCredentials::discoverThen(std::function<void()> next)
{
    const bool known = !m_options.tokenUrl.isEmpty()
        && (m_options.grant == Grant::ClientCredentials || !m_options.authorizationUrl.isEmpty());
    if (known || m_discovered || !m_nam) {
        if (!m_options.tokenUrl.isValid() || m_options.tokenUrl.isEmpty()) {
            fail(tr("No token URL is set, and the issuer did not name one."), m_renewing);
            return;
        }
        next();
        return;
    }
    readDiscovery(0, [this, next = std::move(next)](const QString &error) {
        if (error.isEmpty())
            next();
        else
            fail(error, m_renewing);
    });
}

void OAuthCredentials::readDiscovery(int attempt, std::function<void(const QString &error)> done)
{
    // OpenID Connect Discovery, else RFC 8414's document.
    static const char16_t *const paths[] = {u"/.well-known/openid-configuration", u"/.well-known/oauth-authorization-server"};
    QUrl url = m_options.issuer;
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + QString::fromUtf16(paths[attempt]));
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(30000);
    QNetworkReply *reply = m_nam->get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply, done = std::move(done), attempt, url] {
        reply->deleteLater();
        const QJsonObject doc = QJsonDocument::fromJson(reply->readAll()).object();
        const QUrl authorization(doc.value(u"authorization_endpoint"_s).toString());
        const QUrl token(doc.value(u"token_endpoint"_s).toString());
        if (reply->error() != QNetworkReply::NoError || token.isEmpty()) {
            if (attempt == 0) {
                readDiscovery(1, done);
                return;
            }
            done(tr("Could not read the sign-in server's discovery document at %1: %2")
                     .arg(url.toDisplayString(), reply->error() != QNetworkReply::NoError ? reply->errorString()
                                                                                           : tr("it names no token endpoint")));
            return;
        }
        if (m_options.authorizationUrl.isEmpty())
            m_options.authorizationUrl = authorization;
        if (m_options.tokenUrl.isEmpty())
            m_options.tokenUrl = token;
        if (m_options.revocationUrl.isEmpty())
            m_options.revocationUrl = QUrl(doc.value(u"revocation_endpoint"_s).toString());
        m_discovered = true;
        done({});
    });
}

void OAuthCredentials::requestToken(const QList<std::pair<QString, QString>> &form, bool renewal)
{
    if (!m_nam) {
        fail(tr("The network access manager is gone."), renewal);
        return;
    }
    QNetworkReply *reply = postForm(m_options.tokenUrl, form);
    connect(reply, &QNetworkReply::finished, this, [this, reply, renewal] {
        reply->deleteLater();
        const QByteArray answer = reply->readAll();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status >= 200 && status < 300) {
            takeTokenAnswer(answer, renewal);
            return;
        }
        if (status == 0) {
            fail(tr("Could not reach the sign-in server (%1): %2").arg(m_options.tokenUrl.host(), reply->errorString()),
                 renewal);
            return;
        }
        const QString reason = oauthError(answer, tr("HTTP %1").arg(status));
        fail(renewal && m_options.grant == Grant::AuthorizationCode
                 ? tr("The sign-in has ended: the server no longer renews it (%1). Sign in again.").arg(reason)
                 : tr("The sign-in server refused: %1").arg(reason),
             renewal);
    });
}

QNetworkReply *OAuthCredentials::postForm(const QUrl &url, const QList<std::pair<QString, QString>> &form)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(30000);
    QUrlQuery body;
    for (const auto &[name, value] : form)
        body.addQueryItem(name, QString::fromUtf8(QUrl::toPercentEncoding(value)));
    if (!m_options.clientSecret.isEmpty()) {
        // RFC 6749 §2.3.1: the id and secret form-encoded, then HTTP Basic.
        const QByteArray id = QUrl::toPercentEncoding(m_options.clientId), secret = QUrl::toPercentEncoding(m_options.clientSecret);
        request.setRawHeader("Authorization", "Basic " + (id + ':' + secret).toBase64());
    } else {
        body.addQueryItem(u"client_id"_s, QString::fromUtf8(QUrl::toPercentEncoding(m_options.clientId)));
    }
    return m_nam->post(request, body.query(QUrl::FullyEncoded).toUtf8());
}

void OAuthCredentials::takeTokenAnswer(const QByteArray &body, bool renewal)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    Tokens t;
    t.access = o.value(u"access_token"_s).toString();
    if (t.access.isEmpty()) {
        fail(tr("The sign-in server's answer holds no access token."), renewal);
        return;
    }
    // A server that does not rotate refresh tokens leaves the old one in force.
    t.refresh = o.contains(u"refresh_token"_s) ? o.value(u"refresh_token"_s).toString() : m_tokens.refresh;
    if (const int seconds = o.value(u"expires_in"_s).toInt(); seconds > 0)
        t.expiresAt = QDateTime::currentDateTimeUtc().addSecs(seconds);
    t.who = whoIn(o.value(u"id_token"_s).toString());
    if (t.who.isEmpty())
        t.who = m_options.grant == Grant::ClientCredentials ? m_options.clientId : m_tokens.who;
    if (renewal) {
        setTokens(t);
        m_renewing = false;
        renewFinished(true);
        Q_EMIT statusChanged();
    } else {
        finishSignIn(t);
    }
}

void OAuthCredentials::finishSignIn(const Tokens &tokens)
{
    dropFlow();
    setTokens(tokens);
    m_signingIn = false;
    changed(true);
    Q_EMIT signedIn();
    Q_EMIT statusChanged();
}

void OAuthCredentials::setTokens(Tokens tokens)
{
    tokens.issuedFor = issuedFor();
    m_tokens = tokens;
    Q_EMIT tokensChanged(m_tokens.toJson());
    scheduleRenewal();
}

void OAuthCredentials::scheduleRenewal()
{
    if (!m_scheduler)
        return;
    m_scheduler->cancel(std::exchange(m_renewTask, 0));
    if (!m_tokens.expiresAt.isValid()
        || (m_options.grant == Grant::AuthorizationCode && m_tokens.refresh.isEmpty()))
        return;   // nothing to renew with: a 401 will say so
    const Millis lifetime{QDateTime::currentDateTimeUtc().msecsTo(m_tokens.expiresAt)};
    const Millis ahead = std::min(RenewAhead, lifetime / 10);
    m_renewTask = m_scheduler->scheduleIn(std::max(Millis{0}, lifetime - ahead), [this] {
        m_renewTask = 0;
        if (state() == State::SignedIn)
            renew(generation(), this, [](bool) {});
    });
}

void OAuthCredentials::fail(const QString &message, bool renewal)
{
    if (renewal) {
        m_renewing = false;
        renewFinished(false, message);
    } else {
        m_signingIn = false;
        dropFlow();
        // A refused sign-in does not end one that still works (a second window's, a token not yet expired).
        if (state() != State::SignedIn)
            needSignIn(message);
        Q_EMIT signInFailed(message);
    }
    Q_EMIT statusChanged();
}

void OAuthCredentials::startCodeFlow()
{
    m_flowNam = new QNetworkAccessManager(this);
    auto *flow = new QOAuth2AuthorizationCodeFlow(m_flowNam, this);
    m_flowNam->setParent(flow);
    m_flow = flow;
    flow->setAuthorizationUrl(m_options.authorizationUrl);
    flow->setAccessTokenUrl(m_options.tokenUrl);
    flow->setClientIdentifier(m_options.clientId);
    if (!m_options.clientSecret.isEmpty())
        flow->setClientIdentifierSharedKey(m_options.clientSecret);
    flow->setScope(m_options.scope);
    // RFC 8252 §7.3: the redirect goes to the loopback interface only, on a port of the system's choosing.
    auto *handler = new QOAuthHttpServerReplyHandler(QHostAddress::LocalHost, 0, flow);
    if (!handler->isListening()) {
        fail(tr("Could not listen on 127.0.0.1 for the sign-in's redirect."), false);
        return;
    }
    handler->setCallbackText(tr("Signed in to Refetch. You can close this page."));
    flow->setReplyHandler(handler);
    // PKCE (RFC 7636, S256): Qt 6.4 has no setting for it, so the parameters are added here.
    const QByteArray verifier = codeVerifier();
    const QByteArray challenge = QCryptographicHash::hash(verifier, QCryptographicHash::Sha256)
                                     .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    flow->setModifyParametersFunction([verifier, challenge](QAbstractOAuth::Stage stage, QMultiMap<QString, QVariant> *p) {
        if (stage == QAbstractOAuth::Stage::RequestingAuthorization) {
            p->insert(u"code_challenge"_s, QString::fromLatin1(challenge));
            p->insert(u"code_challenge_method"_s, u"S256"_s);
        } else if (stage == QAbstractOAuth::Stage::RequestingAccessToken) {
            p->insert(u"code_verifier"_s, QString::fromLatin1(verifier));
        }
    });
    connect(flow, &QAbstractOAuth::authorizeWithBrowser, this, &OAuthCredentials::browserRequested);
    // The redirect carried an error (the user declined, the server refused the request).
    connect(flow, &QAbstractOAuth2::error, this, [this, flow](const QString &error, const QString &description, const QUrl &) {
        if (flow == m_flow)
            fail(tr("The sign-in server refused: %1").arg(description.isEmpty() ? error : u"%1 (%2)"_s.arg(description, error)), false);
    });
    // Qt 6.4 says nothing when the code's exchange fails: its answer is read here.
    connect(m_flowNam, &QNetworkAccessManager::finished, this, [this, flow](QNetworkReply *reply) {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (flow != m_flow || reply->url().adjusted(QUrl::RemoveQuery) != m_options.tokenUrl.adjusted(QUrl::RemoveQuery))
            return;
        if (status == 0 || status >= 400)
            fail(tr("The sign-in server refused: %1")
                     .arg(oauthError(reply->peek(reply->bytesAvailable()),
                                     status ? tr("HTTP %1").arg(status) : reply->errorString())),
                 false);
    });
    connect(flow, &QAbstractOAuth::granted, this, [this, flow] {
        if (flow != m_flow)
            return;
        Tokens t;
        t.access = flow->token();
        t.refresh = flow->refreshToken();
        if (flow->expirationAt().isValid())
            t.expiresAt = flow->expirationAt().toUTC();
        t.who = whoIn(flow->extraTokens().value(u"id_token"_s).toString());
        finishSignIn(t);
    });
    flow->grant();
}

} // namespace refetch
