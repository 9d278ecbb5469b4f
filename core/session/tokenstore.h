#pragma once

#include "secretbackend.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <memory>

QT_BEGIN_NAMESPACE
class QSettings;
QT_END_NAMESPACE

namespace refetch {

// Where the endpoints' tokens live: in the system keychain when there is one; otherwise nowhere but this
// session's memory, unless the user agreed (per endpoint) to plain text in the settings file. Tokens that
// earlier versions kept in the settings file move into the keychain as soon as one answers.
class TokenStore : public QObject
{
    Q_OBJECT
public:
    enum class Keychain { Unknown, Available, Unavailable };
    Q_ENUM(Keychain)

    // `settings` must outlive the store. `backend` is the keychain (KeychainBackend); null means there is none.
    TokenStore(QSettings *settings, std::unique_ptr<SecretBackend> backend, QObject *parent = nullptr);
    ~TokenStore() override;

    // Reads the tokens of the endpoints `ids` (keychain first, then the settings file) and emits ready() once
    // every answer is in, or after `patience` with what is known by then.
    void load(const QStringList &ids, std::chrono::milliseconds patience = std::chrono::seconds(5));
    bool isReady() const { return m_ready; }
    Keychain keychain() const { return m_keychain; }

    // The token of an endpoint for this session (empty: none).
    QString token(const QString &id) const { return m_tokens.value(id); }
    // Keeps `token` for this session and stores it: in the keychain; without one, in plain text in the settings
    // file if `plainTextAllowed`, else nowhere. An empty token deletes the stored one.
    void setToken(const QString &id, const QString &token, bool plainTextAllowed);
    // Forgets the endpoint's token, in the keychain too.
    void remove(const QString &id);
    // Writes or deletes still under way.
    bool isBusy() const { return m_busy > 0; }

    // The line the settings dialog shows under the token: where it is kept.
    QString storageDescription(bool plainTextAllowed) const;
    // The settings file, as shown to the user.
    QString settingsFileName() const;

    // Names in the settings file (group endpoints/<id>) and in the keychain.
    static inline const QString PlainTextKey = QStringLiteral("authValue");
    static inline const QString ConsentKey = QStringLiteral("tokenInPlainText");
    static QString keychainKey(const QString &id) { return QStringLiteral("endpoints/%1/token").arg(id); }

Q_SIGNALS:
    void ready();
    // The last write or delete under way has finished.
    void idle();
    void keychainChanged(refetch::TokenStore::Keychain keychain);
    // The keychain refused something (access denied, locked...); `message` names no secret.
    void failed(const QString &id, const QString &message);

private:
    struct Stored
    {
        QString token;
        bool plainText = false;
        friend bool operator==(const Stored &, const Stored &) = default;
    };
    void loaded(const QString &id, const SecretBackend::Result &result);
    void migrate(const QString &id, const QString &token);
    void storeWithoutKeychain(const QString &id, const QString &token, bool plainTextAllowed);
    void setKeychain(Keychain keychain);
    void finishWrite();
    void finishLoad();
    QString fileKey(const QString &id, const QString &name) const;

    QSettings *m_settings;
    std::unique_ptr<SecretBackend> m_backend;
    QHash<QString, QString> m_tokens;
    QHash<QString, Stored> m_requested;   // what was last asked to be stored, to skip writing it again
    Keychain m_keychain = Keychain::Unknown;
    int m_loading = 0;
    int m_busy = 0;
    bool m_ready = false;
    QTimer m_patience;
};

} // namespace refetch
