#pragma once

#include "core/session/secretbackend.h"

#include <QHash>
#include <QObject>
#include <QTimer>

namespace refetch::test {

// A keychain in memory, for tests only: it answers on the next event-loop turn (in call order) like a real one,
// and can play a machine without a keychain, one that refuses, or one that never answers.
class MemorySecretBackend : public SecretBackend
{
public:
    enum class Mode { Available, Unavailable, Refusing, Silent };

    explicit MemorySecretBackend(Mode mode = Mode::Available) : m_mode(mode) {}
    ~MemorySecretBackend() override { delete m_context; }

    void setMode(Mode mode) { m_mode = mode; }
    QHash<QString, QString> &secrets() { return m_secrets; }
    int calls() const { return m_calls; }

    void read(const QString &key, Callback done) override
    {
        answer(std::move(done), [this, key] {
            if (!m_secrets.contains(key))
                return Result{.status = Status::NotFound, .error = QStringLiteral("Entry not found")};
            return Result{.status = Status::Ok, .secret = m_secrets.value(key)};
        });
    }
    void write(const QString &key, const QString &secret, Callback done) override
    {
        answer(std::move(done), [this, key, secret] {
            m_secrets.insert(key, secret);
            return Result{.status = Status::Ok};
        });
    }
    void remove(const QString &key, Callback done) override
    {
        answer(std::move(done), [this, key] {
            return m_secrets.remove(key) ? Result{.status = Status::Ok}
                                         : Result{.status = Status::NotFound, .error = QStringLiteral("Entry not found")};
        });
    }

private:
    template <typename Work>
    void answer(Callback done, Work work)
    {
        ++m_calls;
        const Mode mode = m_mode;
        if (mode == Mode::Silent)
            return;
        QTimer::singleShot(0, m_context, [done = std::move(done), work, mode] {
            if (mode == Mode::Unavailable)
                done(Result{.status = Status::Unavailable, .error = QStringLiteral("No keychain service available")});
            else if (mode == Mode::Refusing)
                done(Result{.status = Status::Failed, .error = QStringLiteral("Access denied by user")});
            else
                done(work());
        });
    }

    Mode m_mode;
    QHash<QString, QString> m_secrets;
    int m_calls = 0;
    QObject *m_context = new QObject;
};

} // namespace refetch::test
