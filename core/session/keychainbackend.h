#pragma once

#include "secretbackend.h"

#include <QObject>

namespace refetch {

// The system keychain through QtKeychain (Secret Service or KWallet on Linux, Keychain on macOS, the Credential
// Store on Windows), never QtKeychain's plain-text fallback. No keychain (no backend, no D-Bus service) answers
// Unavailable.
class KeychainBackend : public QObject, public SecretBackend
{
    Q_OBJECT
public:
    explicit KeychainBackend(const QString &service = QStringLiteral("Refetch"), QObject *parent = nullptr);

    void read(const QString &key, Callback done) override;
    void write(const QString &key, const QString &secret, Callback done) override;
    void remove(const QString &key, Callback done) override;

private:
    QString m_service;
};

} // namespace refetch
