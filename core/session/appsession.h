#pragma once

#include "core/client/focussource.h"
#include "secretbackend.h"

#include <QSettings>
#include <QString>
#include <QUrl>

#include <memory>

namespace refetch {

class Clock;
class HttpTransport;
class MutationQueue;
class OnlineSource;
class QueryClient;
class SettingsStore;
class TokenStore;
class TransferMonitor;

// What the application is made of below the window, built once in the right order: the query client with its
// clock, focus and network sources, the write queue, the HTTP transport and its download monitor, the settings
// and the tokens. main() and every window test build the app through it (one wiring, not three copies).
struct AppSessionOptions
{
    QString settingsFile;                         // an INI file; empty: the user's settings (QSettings())
    QString cacheDirectory;                       // where each endpoint's cache and unsent writes persist; empty: none
    // Where tokens are kept (the system keychain through QtKeychain: KeychainBackend); null: no token store, the
    // tokens live in the settings only as typed (tests).
    std::unique_ptr<SecretBackend> secrets;
    // How the application's activation is read (QApplicationStateChangeEvent is Qt Gui's, which this library does
    // not link); without one, focus never changes.
    ApplicationFocusSource::StateReader applicationActive;
    // Given by a test to drive them; null: made here (the network's state from QNetworkInformation, the system
    // clock, the activation above).
    Clock *clock = nullptr;
    FocusSource *focus = nullptr;
    OnlineSource *online = nullptr;
};

class AppSession
{
public:
    explicit AppSession(AppSessionOptions options = {});
    // Goes in the reverse order of making: the writes before the client they write through.
    ~AppSession();
    AppSession(const AppSession &) = delete;
    AppSession &operator=(const AppSession &) = delete;

    QueryClient *client() const { return m_client.get(); }
    MutationQueue *mutations() const { return m_mutations.get(); }
    HttpTransport *transport() const { return m_transport.get(); }
    TransferMonitor *transfers() const { return m_transfers.get(); }
    QSettings *settings() const { return m_settings.get(); }
    SettingsStore *store() const { return m_store.get(); }
    TokenStore *tokens() const { return m_tokens.get(); }   // null without a SecretBackend
    FocusSource *focus() const { return m_focus; }
    OnlineSource *online() const { return m_online; }

    QString cacheDirectory() const { return m_cacheDirectory; }
    void setCacheDirectory(const QString &directory) { m_cacheDirectory = directory; }

    // The base URLs of the endpoints in use. When every one is on this machine, the network manager's word
    // ("disconnected") does not pause them: a server on 127.0.0.1 answers with every cable out.
    void setEndpointsInUse(const QList<QUrl> &baseUrls);

private:
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<FocusSource> m_ownFocus;
    std::unique_ptr<OnlineSource> m_ownOnline;
    FocusSource *m_focus = nullptr;
    OnlineSource *m_online = nullptr;
    std::unique_ptr<QueryClient> m_client;
    std::unique_ptr<MutationQueue> m_mutations;   // the writes go before the client
    std::unique_ptr<TransferMonitor> m_transfers;
    std::unique_ptr<HttpTransport> m_transport;
    std::unique_ptr<TokenStore> m_tokens;
    std::unique_ptr<SettingsStore> m_store;
    QString m_cacheDirectory;
};

} // namespace refetch
