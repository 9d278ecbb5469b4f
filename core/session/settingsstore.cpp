#include "settingsstore.h"

#include "tokenstore.h"

#include <QSettings>

#include <algorithm>

using namespace Qt::StringLiterals;
using std::chrono::milliseconds;

namespace refetch {

namespace {

milliseconds readMillis(const QSettings &s, const QString &key, milliseconds fallback, milliseconds max)
{
    bool ok = false;
    const qint64 ms = s.value(key).toLongLong(&ok);
    if (!ok)
        return fallback;
    return std::clamp(milliseconds(ms), milliseconds(0), max);
}

// The sign-in's texts that are not secrets, by their keys in the settings file (secrets go to the keychain).
constexpr std::pair<const char16_t *, QString EndpointSettings::*> signInTexts[] = {
    {u"authUser", &EndpointSettings::authUser},
    {u"oauthIssuer", &EndpointSettings::oauthIssuer},
    {u"oauthAuthorizationUrl", &EndpointSettings::oauthAuthorizationUrl},
    {u"oauthTokenUrl", &EndpointSettings::oauthTokenUrl},
    {u"oauthClientId", &EndpointSettings::oauthClientId},
    {u"oauthScope", &EndpointSettings::oauthScope},
};

} // namespace

SettingsStore::SettingsStore(QSettings *settings, TokenStore *tokens) : m_settings(settings), m_tokens(tokens) {}

QStringList SettingsStore::endpointIds() const
{
    m_settings->beginGroup(u"endpoints"_s);
    const QStringList ids = m_settings->childGroups();
    m_settings->endGroup();
    return ids;
}

QStringList SettingsStore::tokenIds() const
{
    QStringList ids;
    for (const QString &id : endpointIds())
        ids << id << oauthTokensId(id);
    return ids;
}

void SettingsStore::setOAuthTokens(const QString &id, const QString &tokens, bool plainTextAllowed)
{
    const QString key = oauthTokensId(id);
    if (m_tokens)
        m_tokens->setToken(key, tokens, plainTextAllowed);
    else if (tokens.isEmpty())
        m_sessionTokens.remove(key);
    else
        m_sessionTokens.insert(key, tokens);
}

QString SettingsStore::token(const QString &id) const
{
    return m_tokens ? m_tokens->token(id) : m_sessionTokens.value(id);
}

QList<EndpointSettings> SettingsStore::endpoints() const
{
    QList<EndpointSettings> result;
    const QStringList order = m_settings->value(u"endpoints/order"_s).toStringList();
    for (const QString &id : order) {
        if (id.isEmpty() || std::any_of(result.cbegin(), result.cend(), [&](const auto &e) { return e.id == id; }))
            continue;
        result.append(read(id));
    }
    return result;
}

void SettingsStore::setEndpoints(const QList<EndpointSettings> &endpoints)
{
    QStringList order;
    QStringList kept;
    for (const EndpointSettings &e : endpoints) {
        write(e);
        kept.append(e.id);
        if (!e.transient)
            order.append(e.id);
    }
    // Endpoints the user removed go with their settings (tokens included); fixed transient ids stay.
    m_settings->beginGroup(u"endpoints"_s);
    const QStringList groups = m_settings->childGroups();
    QStringList removed;
    for (const QString &id : groups) {
        if (!kept.contains(id) && !m_settings->value(id + u"/transient"_s).toBool()) {
            m_settings->remove(id);
            removed.append(id);
        }
    }
    m_settings->endGroup();
    for (const QString &id : std::as_const(removed)) {
        if (m_tokens) {
            m_tokens->remove(id);
            m_tokens->remove(oauthTokensId(id));
        }
        m_sessionTokens.remove(id);
        m_sessionTokens.remove(oauthTokensId(id));
    }
    m_settings->setValue(u"endpoints/order"_s, order);
    m_settings->sync();
}

EndpointSettings SettingsStore::transientEndpoint(const QString &id, const QString &name, const QUrl &url) const
{
    EndpointSettings e = read(id);
    e.id = id;
    if (e.name.isEmpty())
        e.name = name;
    e.baseUrl = url;
    e.transient = true;
    return e;
}

EndpointSettings SettingsStore::read(const QString &id) const
{
    EndpointSettings e;
    const EndpointSettings defaults;
    m_settings->beginGroup(u"endpoints/"_s + id);
    e.id = id;
    e.name = m_settings->value(u"name"_s).toString();
    e.baseUrl = QUrl(m_settings->value(u"baseUrl"_s).toString());
    e.authHeader = m_settings->value(u"authHeader"_s, defaults.authHeader).toString();
    e.authValue = token(id);
    // Before sign-in methods there was the header and its value: a value set is the Header method.
    if (const auto method = EndpointSettings::signInFromKey(m_settings->value(u"signIn"_s).toString()))
        e.signIn = *method;
    else
        e.signIn = EndpointSettings::SignIn::Header;
    for (const auto &[key, field] : signInTexts)
        e.*field = m_settings->value(QString::fromUtf16(key)).toString();
    e.oauthTokens = token(oauthTokensId(id));
    e.tokenInPlainText = m_settings->value(TokenStore::ConsentKey, false).toBool();
    e.timeout = readMillis(*m_settings, u"timeoutMs"_s, defaults.timeout, EndpointSettings::maxTimeout);
    e.staleTime = readMillis(*m_settings, u"staleTimeMs"_s, defaults.staleTime, EndpointSettings::maxStaleTime);
    e.refetchOnFocus = m_settings->value(u"refetchOnFocus"_s, defaults.refetchOnFocus).toBool();
    e.pollInterval = readMillis(*m_settings, u"pollIntervalMs"_s, defaults.pollInterval, EndpointSettings::maxPollInterval);
    e.live = m_settings->value(u"live"_s, defaults.live).toBool();
    e.liveUrl = QUrl(m_settings->value(u"liveUrl"_s).toString());
    e.liveDialect = m_settings->value(u"liveDialect"_s).toString();
    e.pageSize = std::clamp(m_settings->value(u"pageSize"_s, defaults.pageSize).toInt(), 1, EndpointSettings::maxPageSize);
    e.idField = m_settings->value(u"idField"_s, defaults.idField).toString();
    if (e.idField.trimmed().isEmpty())
        e.idField = defaults.idField;
    e.envelopePath = m_settings->value(u"envelopePath"_s).toString();
    e.resources = m_settings->value(u"resources"_s).toStringList();
    e.dialect = m_settings->value(u"dialect"_s).toString();
    e.paging = m_settings->value(u"paging"_s).toString();
    e.pageParam = m_settings->value(u"pageParam"_s).toString();
    e.sizeParam = m_settings->value(u"sizeParam"_s).toString();
    e.maxResponseMegabytes = std::clamp(m_settings->value(u"maxResponseMegabytes"_s, defaults.maxResponseMegabytes).toInt(),
                                        1, EndpointSettings::maxResponseMegabytesLimit);
    e.caCertificateFile = m_settings->value(u"caCertificateFile"_s).toString();
    e.transient = m_settings->value(u"transient"_s, false).toBool();
    // "resource<TAB>field<TAB>target" and "resource<TAB>field".
    for (const QString &line : m_settings->value(u"references"_s).toStringList()) {
        const QStringList parts = line.split(u'\t');
        if (parts.size() == 3 && !parts[0].isEmpty() && !parts[1].isEmpty())
            e.references.insert(EndpointSettings::referenceKey(parts[0], parts[1]), parts[2]);
    }
    for (const QString &line : m_settings->value(u"labelFields"_s).toStringList()) {
        const QStringList parts = line.split(u'\t');
        if (parts.size() == 2 && !parts[0].isEmpty() && !parts[1].isEmpty())
            e.labelFields.insert(parts[0], parts[1]);
    }
    m_settings->endGroup();
    return e;
}

void SettingsStore::write(const EndpointSettings &e)
{
    m_settings->beginGroup(u"endpoints/"_s + e.id);
    m_settings->setValue(u"name"_s, e.name);
    if (e.transient)
        m_settings->remove(u"baseUrl"_s);   // a new port every run: nothing worth keeping
    else
        m_settings->setValue(u"baseUrl"_s, e.baseUrl.toString());
    m_settings->setValue(u"authHeader"_s, e.authHeader);
    m_settings->setValue(u"signIn"_s, EndpointSettings::signInKey(e.signIn));
    for (const auto &[key, field] : signInTexts) {
        if ((e.*field).isEmpty())
            m_settings->remove(QString::fromUtf16(key));
        else
            m_settings->setValue(QString::fromUtf16(key), e.*field);
    }
    m_settings->setValue(TokenStore::ConsentKey, e.tokenInPlainText);
    m_settings->setValue(u"timeoutMs"_s, qint64(e.timeout.count()));
    m_settings->setValue(u"staleTimeMs"_s, qint64(e.staleTime.count()));
    m_settings->setValue(u"refetchOnFocus"_s, e.refetchOnFocus);
    m_settings->setValue(u"pollIntervalMs"_s, qint64(e.pollInterval.count()));
    m_settings->setValue(u"live"_s, e.live);
    m_settings->setValue(u"liveUrl"_s, e.liveUrl.toString());
    m_settings->setValue(u"liveDialect"_s, e.liveDialect);
    m_settings->setValue(u"pageSize"_s, e.pageSize);
    m_settings->setValue(u"idField"_s, e.idField);
    m_settings->setValue(u"envelopePath"_s, e.envelopePath);
    m_settings->setValue(u"resources"_s, e.resources);
    m_settings->setValue(u"dialect"_s, e.dialect);
    m_settings->setValue(u"paging"_s, e.paging);
    m_settings->setValue(u"pageParam"_s, e.pageParam);
    m_settings->setValue(u"sizeParam"_s, e.sizeParam);
    m_settings->setValue(u"maxResponseMegabytes"_s, e.maxResponseMegabytes);
    m_settings->setValue(u"caCertificateFile"_s, e.caCertificateFile);
    m_settings->setValue(u"transient"_s, e.transient);
    QStringList references, labelFields;
    for (auto it = e.references.cbegin(); it != e.references.cend(); ++it)
        references.append(it.key() + u'\t' + *it);
    for (auto it = e.labelFields.cbegin(); it != e.labelFields.cend(); ++it)
        labelFields.append(it.key() + u'\t' + *it);
    if (references.isEmpty())
        m_settings->remove(u"references"_s);
    else
        m_settings->setValue(u"references"_s, references);
    if (labelFields.isEmpty())
        m_settings->remove(u"labelFields"_s);
    else
        m_settings->setValue(u"labelFields"_s, labelFields);
    m_settings->endGroup();
    // The token never goes into the file from here: the token store decides where it may be kept.
    // OAuth tokens are the connection's to write (setOAuthTokens, as they are renewed): settings read before a
    // renewal would put back a refresh token the server has replaced. Another method forgets them.
    if (!e.usesOAuth() && !token(oauthTokensId(e.id)).isEmpty())
        setOAuthTokens(e.id, QString(), e.tokenInPlainText);
    if (m_tokens) {
        m_tokens->setToken(e.id, e.authValue, e.tokenInPlainText);
    } else if (e.authValue.isEmpty()) {
        m_sessionTokens.remove(e.id);
    } else {
        m_sessionTokens.insert(e.id, e.authValue);
    }
}

QByteArray SettingsStore::value(const QString &key) const
{
    return m_settings->value(key).toByteArray();
}

void SettingsStore::setValue(const QString &key, const QByteArray &value)
{
    m_settings->setValue(key, value);
}

QString SettingsStore::string(const QString &key) const
{
    return m_settings->value(key).toString();
}

void SettingsStore::setString(const QString &key, const QString &value)
{
    m_settings->setValue(key, value);
}

} // namespace refetch
