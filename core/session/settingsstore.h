#pragma once

#include "endpointsettings.h"

#include <QByteArray>
#include <QHash>
#include <QList>

QT_BEGIN_NAMESPACE
class QSettings;
QT_END_NAMESPACE

namespace refetch {

class TokenStore;

// The application's settings in a QSettings: the endpoints in their order, the window's geometry and splitter
// states, and where the user was. Endpoints from the command line are not listed, but what the user tunes on
// them (page size, stale time...) is kept under their fixed id. Tokens go through the TokenStore (the keychain);
// without one they are kept for this session only.
class SettingsStore
{
public:
    // `settings` (and `tokens`, if given) must outlive the store.
    explicit SettingsStore(QSettings *settings, TokenStore *tokens = nullptr);

    QSettings *settings() const { return m_settings; }
    TokenStore *tokenStore() const { return m_tokens; }
    // The ids of every endpoint with settings, listed or not (transient ones too): whose tokens to load.
    QStringList endpointIds() const;
    // Those ids and the ids their OAuth tokens are kept under (oauthTokensId()): what TokenStore::load() reads.
    QStringList tokenIds() const;
    // Where an endpoint's OAuth tokens are kept in the token store, beside its secret.
    static QString oauthTokensId(const QString &id) { return id + QStringLiteral("/oauth"); }
    // Keeps an endpoint's OAuth tokens (OAuthCredentials::Tokens as JSON; empty forgets them) where its secret is
    // kept: the keychain, else plain text with the user's consent, else this session's memory.
    void setOAuthTokens(const QString &id, const QString &tokens, bool plainTextAllowed);

    // The saved endpoints, in order.
    QList<EndpointSettings> endpoints() const;
    // Saves `endpoints` in this order; transient ones are saved without their URL and left out of the order.
    void setEndpoints(const QList<EndpointSettings> &endpoints);

    // An endpoint for this session only (--demo, --endpoint): the saved settings of `id` if any, on `url`.
    EndpointSettings transientEndpoint(const QString &id, const QString &name, const QUrl &url) const;

    QByteArray value(const QString &key) const;
    void setValue(const QString &key, const QByteArray &value);
    QString string(const QString &key) const;
    void setString(const QString &key, const QString &value);

private:
    EndpointSettings read(const QString &id) const;
    void write(const EndpointSettings &endpoint);

    QString token(const QString &id) const;

    QSettings *m_settings;
    TokenStore *m_tokens;
    QHash<QString, QString> m_sessionTokens;   // without a token store
};

} // namespace refetch
