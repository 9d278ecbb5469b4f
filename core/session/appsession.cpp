#include "appsession.h"

#include "settingsstore.h"
#include "tokenstore.h"
#include "transfermonitor.h"

#include "core/http/httptransport.h"
#include "core/mutation/mutationqueue.h"
#include "core/client/onlinesource.h"
#include "core/client/queryclient.h"

namespace refetch {

AppSession::AppSession(AppSessionOptions options)
    : m_settings(options.settingsFile.isEmpty() ? std::make_unique<QSettings>()
                                                : std::make_unique<QSettings>(options.settingsFile, QSettings::IniFormat)),
      m_cacheDirectory(options.cacheDirectory)
{
    m_focus = options.focus;
    if (!m_focus) {
        m_ownFocus = options.applicationActive ? std::make_unique<ApplicationFocusSource>(options.applicationActive)
                                               : std::make_unique<FocusSource>();
        m_focus = m_ownFocus.get();
    }
    m_online = options.online;
    if (!m_online) {
        m_ownOnline = std::make_unique<NetworkOnlineSource>();
        m_online = m_ownOnline.get();
    }
    m_client = std::make_unique<QueryClient>(ClientConfig{.clock = options.clock, .focus = m_focus, .online = m_online});
    m_mutations = std::make_unique<MutationQueue>(m_client.get());
    m_transfers = std::make_unique<TransferMonitor>();
    m_transport = std::make_unique<HttpTransport>(m_transfers.get());
    if (options.secrets)
        m_tokens = std::make_unique<TokenStore>(m_settings.get(), std::move(options.secrets));
    m_store = std::make_unique<SettingsStore>(m_settings.get(), m_tokens.get());
    // The tokens of the saved endpoints are asked of the keychain at once: the window waits for them (ready()).
    if (m_tokens)
        m_tokens->load(m_store->tokenIds());
}

AppSession::~AppSession()
{
    m_mutations.reset();
    m_client.reset();
}

void AppSession::setEndpointsInUse(const QList<QUrl> &baseUrls)
{
    auto *network = qobject_cast<NetworkOnlineSource *>(m_online);
    if (!network)
        return;
    network->setLocalOnly(!baseUrls.isEmpty() && std::all_of(baseUrls.cbegin(), baseUrls.cend(), [](const QUrl &url) {
        return NetworkOnlineSource::isLoopback(url);
    }));
}

} // namespace refetch
