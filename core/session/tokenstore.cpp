#include "tokenstore.h"

#include <QDir>
#include <QLoggingCategory>
#include <QPointer>
#include <QSettings>

Q_LOGGING_CATEGORY(lcTokens, "refetch.ui.tokens", QtInfoMsg)

namespace refetch {

namespace {
// Read when no endpoint is there to read: its answer (NotFound or Unavailable) tells whether a keychain works.
const QString ProbeKey = QStringLiteral("probe");
}

TokenStore::TokenStore(QSettings *settings, std::unique_ptr<SecretBackend> backend, QObject *parent)
    : QObject(parent), m_settings(settings), m_backend(std::move(backend))
{
    m_patience.setSingleShot(true);
    connect(&m_patience, &QTimer::timeout, this, [this] {
        qCWarning(lcTokens) << "the keychain did not answer in time: going on without the tokens it holds";
        finishLoad();
    });
    if (!m_backend)
        m_keychain = Keychain::Unavailable;
    connect(this, &TokenStore::failed, this, [](const QString &id, const QString &message) {
        qCWarning(lcTokens).noquote() << "endpoint" << id << ":" << message;
    });
}

TokenStore::~TokenStore() = default;

QString TokenStore::fileKey(const QString &id, const QString &name) const
{
    return QStringLiteral("endpoints/%1/%2").arg(id, name);
}

QString TokenStore::settingsFileName() const
{
    return QDir::toNativeSeparators(m_settings->fileName());
}

void TokenStore::load(const QStringList &ids, std::chrono::milliseconds patience)
{
    m_ready = false;
    if (!m_backend) {
        for (const QString &id : ids)
            loaded(id, SecretBackend::Result{.status = SecretBackend::Status::Unavailable});
        finishLoad();
        return;
    }
    const QStringList keys = ids.isEmpty() ? QStringList{ProbeKey} : ids;
    m_loading += int(keys.size());
    m_patience.start(patience);
    QPointer<TokenStore> self(this);
    for (const QString &id : keys) {
        m_backend->read(ids.isEmpty() ? ProbeKey : keychainKey(id),
                        [self, id, probe = ids.isEmpty()](const SecretBackend::Result &r) {
            if (!self)
                return;
            if (probe) {
                if (r.status == SecretBackend::Status::Ok || r.status == SecretBackend::Status::NotFound)
                    self->setKeychain(Keychain::Available);
                else if (r.status == SecretBackend::Status::Unavailable)
                    self->setKeychain(Keychain::Unavailable);
            } else {
                self->loaded(id, r);
            }
            if (--self->m_loading == 0)
                self->finishLoad();
        });
    }
}

void TokenStore::finishLoad()
{
    m_patience.stop();
    if (m_ready)
        return;
    m_ready = true;
    Q_EMIT ready();
}

void TokenStore::loaded(const QString &id, const SecretBackend::Result &result)
{
    using S = SecretBackend::Status;
    const QString inFile = m_settings->value(fileKey(id, PlainTextKey)).toString();
    const bool consent = m_settings->value(fileKey(id, ConsentKey), false).toBool();
    QString token;
    switch (result.status) {
    case S::Ok:
    case S::NotFound:
        setKeychain(Keychain::Available);
        // A token in the file was written when no keychain answered (or by an earlier version): it is the newer.
        token = inFile.isEmpty() ? result.secret : inFile;
        if (!inFile.isEmpty())
            migrate(id, inFile);
        m_requested.insert(id, Stored{token, consent});
        break;
    case S::Unavailable:
    case S::Failed:
        if (result.status == S::Unavailable)
            setKeychain(Keychain::Unavailable);
        else
            Q_EMIT failed(id, tr("The keychain did not give the token: %1").arg(result.error));
        token = inFile;
        if (!inFile.isEmpty() && !consent) {
            // Earlier versions kept every token in the file, and said so: it stays there, now as a visible choice
            // the settings dialog offers to undo.
            m_settings->setValue(fileKey(id, ConsentKey), true);
        }
        m_requested.insert(id, Stored{token, !inFile.isEmpty() || consent});
        break;
    }
    if (!token.isEmpty())
        m_tokens.insert(id, token);
}

void TokenStore::migrate(const QString &id, const QString &token)
{
    ++m_busy;
    QPointer<TokenStore> self(this);
    m_backend->write(keychainKey(id), token, [self, id, token](const SecretBackend::Result &r) {
        if (!self)
            return;
        if (r.status == SecretBackend::Status::Ok) {
            // Only if the file still holds what was moved: a newer token may have been set meanwhile.
            if (self->m_settings->value(self->fileKey(id, PlainTextKey)).toString() == token) {
                self->m_settings->remove(self->fileKey(id, PlainTextKey));
                self->m_settings->sync();
            }
            qCInfo(lcTokens).noquote() << "moved the token of endpoint" << id << "from the settings file to the keychain";
        } else {
            Q_EMIT self->failed(id, tr("The token could not be moved into the keychain: %1").arg(r.error));
        }
        self->finishWrite();
    });
}

void TokenStore::setToken(const QString &id, const QString &token, bool plainTextAllowed)
{
    if (token.isEmpty())
        m_tokens.remove(id);
    else
        m_tokens.insert(id, token);
    const Stored wanted{token, plainTextAllowed};
    if (m_requested.contains(id) && m_requested.value(id) == wanted)
        return;
    m_requested.insert(id, wanted);
    if (!m_backend) {
        storeWithoutKeychain(id, token, plainTextAllowed);
        return;
    }
    ++m_busy;
    QPointer<TokenStore> self(this);
    auto done = [self, id, token, plainTextAllowed](const SecretBackend::Result &r) {
        if (!self)
            return;
        using S = SecretBackend::Status;
        if (r.status == S::Ok || (token.isEmpty() && r.status == S::NotFound)) {
            self->setKeychain(Keychain::Available);
            self->m_settings->remove(self->fileKey(id, PlainTextKey));
            self->m_settings->sync();
        } else {
            if (r.status == S::Unavailable)
                self->setKeychain(Keychain::Unavailable);
            else if (r.status == S::Failed)
                Q_EMIT self->failed(id, tr("The keychain did not store the token: %1").arg(r.error));
            self->storeWithoutKeychain(id, token, plainTextAllowed);
        }
        self->finishWrite();
    };
    if (token.isEmpty())
        m_backend->remove(keychainKey(id), done);
    else
        m_backend->write(keychainKey(id), token, done);
}

void TokenStore::storeWithoutKeychain(const QString &id, const QString &token, bool plainTextAllowed)
{
    if (plainTextAllowed && !token.isEmpty())
        m_settings->setValue(fileKey(id, PlainTextKey), token);
    else
        m_settings->remove(fileKey(id, PlainTextKey));
    m_settings->sync();
}

void TokenStore::remove(const QString &id)
{
    m_tokens.remove(id);
    m_requested.remove(id);
    m_settings->remove(fileKey(id, PlainTextKey));
    if (!m_backend)
        return;
    ++m_busy;
    QPointer<TokenStore> self(this);
    m_backend->remove(keychainKey(id), [self](const SecretBackend::Result &) {
        if (self)
            self->finishWrite();
    });
}

void TokenStore::setKeychain(Keychain keychain)
{
    if (m_keychain == keychain)
        return;
    m_keychain = keychain;
    Q_EMIT keychainChanged(keychain);
}

void TokenStore::finishWrite()
{
    if (--m_busy == 0)
        Q_EMIT idle();
}

QString TokenStore::storageDescription(bool plainTextAllowed) const
{
    switch (m_keychain) {
    case Keychain::Available:
        return tr("Stored in the system keychain.");
    case Keychain::Unknown:
        return tr("Looking for the system keychain…");
    case Keychain::Unavailable:
        break;
    }
    if (plainTextAllowed)
        return tr("Stored in plain text in %1.").arg(settingsFileName());
    return tr("No keychain available: the token is kept for this session only.");
}

} // namespace refetch
