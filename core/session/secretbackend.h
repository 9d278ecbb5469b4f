#pragma once

#include <QString>

#include <functional>

namespace refetch {

// Where secrets can be kept outside the settings file: the system keychain (KeychainBackend), or memory in
// tests. Every call answers once through `done`, later, in the order the calls were made.
class SecretBackend
{
public:
    enum class Status {
        Ok,
        NotFound,     // the keychain works but holds nothing under that key
        Unavailable,  // there is no keychain to ask (no Secret Service, no wallet...)
        Failed,       // the keychain said no (access denied, locked, ...)
    };
    struct Result
    {
        Status status = Status::Failed;
        QString secret;   // read: the secret found
        QString error;    // why not, in the keychain's words
    };
    using Callback = std::function<void(const Result &)>;

    virtual ~SecretBackend() = default;
    virtual void read(const QString &key, Callback done) = 0;
    virtual void write(const QString &key, const QString &secret, Callback done) = 0;
    virtual void remove(const QString &key, Callback done) = 0;
};

} // namespace refetch
