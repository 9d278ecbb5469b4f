#pragma once

#include "endpointsettings.h"

#include "core/http/endpoint.h"
#include "core/models/pagedtablemodel.h"
#include "core/models/referencelabels.h"
#include "core/mutation/mutation.h"
#include "core/providers/apidetector.h"
#include "core/mutation/resourcetags.h"

#include <QObject>
#include <memory>

namespace refetch {

class CacheStore;
class DraftStore;
class HttpTransport;
class LiveConnection;
class MutationQueue;
class MutationStore;
class OAuthCredentials;
class QueryClient;
class QueryObserver;
class StoreFile;

// One endpoint of the side tree at run time: its settings made into a core Endpoint (known to the mutation queue
// by its id), the resources it serves (given in its settings, or discovered), and the query and mutation options
// every view of it uses, so that lists, forms and writes agree on keys, tags and freshness.
class ApiConnection : public QObject
{
    Q_OBJECT
public:
    ApiConnection(EndpointSettings settings, QueryClient *client, MutationQueue *queue, HttpTransport *transport,
                  QObject *parent = nullptr);
    // The same, with its cached data and unsent writes kept in "<id>.sqlite" in `cacheDirectory` (empty: nowhere):
    // the saved data shows at once (stale), and the unsent writes are sent again.
    ApiConnection(EndpointSettings settings, QueryClient *client, MutationQueue *queue, HttpTransport *transport,
                  const QString &cacheDirectory, QObject *parent = nullptr);
    ~ApiConnection() override;

    const EndpointSettings &settings() const { return m_settings; }
    QString id() const { return m_settings.id; }
    QString displayName() const { return m_settings.displayName(); }
    const Endpoint *endpoint() const { return m_endpoint.get(); }
    // The settings' endpoint, its requests signed in as they say (OAuth through OAuthCredentials, with the tokens
    // the settings carry).
    static EndpointConfig configOf(const EndpointSettings &settings, QueryClient *client, HttpTransport *transport);
    // How its requests are signed in (null: they are not); the OAuth ones, when the settings say OAuth 2.0.
    Credentials *credentials() const { return m_endpoint->config().credentials.get(); }
    OAuthCredentials *oauth() const { return m_oauth; }
    QueryClient *client() const { return m_client; }
    MutationQueue *queue() const { return m_queue; }

    // The resources: those given in the settings, or those the server lists.
    QStringList resources() const;
    bool isDiscovered() const { return m_discovery != nullptr; }
    // What detection found (dialect, paging, resources, notes); empty before it answered or without detection.
    DetectedApi detected() const;
    // The dialect in use: the settings' choice, else the detected one (json-server's until detection answers).
    const DataProvider *provider() const { return m_endpoint->provider(); }
    // Settings' overrides on top of `detected`: the provider the endpoint speaks with.
    static std::shared_ptr<const DataProvider> makeProvider(const EndpointSettings &settings, const DetectedApi &detected);
    // `detected` as the settings' overrides make it (their dialect, paging, parameters and resources), its summary
    // saying what the endpoint speaks with; empty when neither detection nor the settings name a dialect.
    static DetectedApi effectiveApi(const EndpointSettings &settings, const DetectedApi &detected);
    // effectiveApi() of this endpoint: for the side tree.
    DetectedApi effectiveApi() const { return effectiveApi(m_settings, detected()); }
    // Looking for resources, with none to show yet.
    bool isLoading() const;
    // Why the resources could not be listed; empty when they could.
    QString errorString() const;
    // Asks the server for its resources again (when they are discovered).
    void refresh();

    // Live updates: follows the endpoint's change stream (settings().liveUrl, else <base URL>/events), unless the
    // settings turn them off: from now on, or, while the server's dialect and resources are being detected, from
    // its first answer. While it is live, polling pauses; when it is not, focus and polling keep the data current
    // as before.
    void startLive();
    // Null before startLive().
    LiveConnection *live() const { return m_live; }

    // The file its cache and unsent writes persist in, or null when they do not.
    const StoreFile *storeFile() const { return m_storeFile.get(); }
    const CacheStore *cacheStore() const { return m_cacheStore.get(); }
    // The form's unsaved edits of this endpoint's records, kept in the same file; null when nothing persists.
    DraftStore *draftStore() const { return m_draftStore.get(); }
    // Whose data the saved cache holds: settings().cacheIdentity, else the base URL. Another one empties it.
    QString cacheIdentity() const;
    // "<directory>/<id>.sqlite", the id percent-encoded.
    static QString cacheFile(const QString &directory, const QString &endpointId);
    // The endpoint is removed for good: when this connection goes, its file goes too (cache and unsent writes).
    void forgetSavedData() { m_forgetSavedData = true; }

    ResourceTags tags(const QString &resource) const;
    // The paged list of `resource`, as this endpoint's settings say.
    PagedTableOptions listOptions(const QString &resource) const;
    // The detail query of one record, providing its tags.
    QueryOptions detailQuery(const QString &resource, const Json &id) const;
    // The query of `resource`'s schema (SchemaQuery): from the OpenAPI document detection found, else DRF's
    // OPTIONS; disabled when the server describes nothing.
    QueryOptions schemaQuery(const QString &resource) const;
    // One page of `resource`'s list as `params` ask for it (search, filters, sort; no cursor), keyed as the list's
    // own pages are (PagedTableModel::pageKey: a page a list showed is the same query), providing the list's tags.
    QueryOptions listQuery(const QString &resource, const ListParams &params) const;
    // The first `limit` records of `resource` that the server finds for `text` (its search parameter; empty text:
    // the first records).
    QueryOptions searchQuery(const QString &resource, const QString &text, int limit) const;
    // The references of `resource`'s records its list found (the server's description, then convention checked on
    // the data): ResourceView tells them, the forms read them.
    QList<Reference> references(const QString &resource) const;
    void setReferences(const QString &resource, const QList<Reference> &references);
    // references(resource), else what the cache already holds shows (the schema, the list's first page: read by an
    // open record's lists of what points at it), with the user's word over it; nothing is asked of the server.
    QList<Reference> knownReferences(const QString &resource) const;
    // "/posts/7", the id percent-encoded.
    QString recordPath(const QString &resource, const Json &id) const;
    // PATCH of the changed fields; the lists and the record refetch.
    MutationOptions updateOptions(const QString &resource, const Json &id) const;
    // POST of a new record; the lists refetch.
    MutationOptions createOptions(const QString &resource) const;
    // DELETE, undoable for `undoDelay` (and, restored unsent after a restart, for `restoredUndoDelay` again): the
    // row leaves every cached list at once.
    MutationOptions deleteOptions(const QString &resource, const Json &id) const;

    static constexpr std::chrono::milliseconds undoDelay{5000};
    // Longer than a fresh one: the user has just started the app and first has to notice the offer.
    static constexpr std::chrono::milliseconds restoredUndoDelay{10000};

Q_SIGNALS:
    // The resources, or the state of looking for them, changed.
    void resourcesChanged();
    // references(resource) changed.
    void referencesChanged(const QString &resource);
    // The OAuth tokens to keep in the keychain changed (OAuthCredentials::Tokens as JSON; empty: forget them).
    void tokensChanged(const QString &tokens);

private:
    static void applyFreshness(const EndpointSettings &settings, const std::shared_ptr<const bool> &live,
                               QueryOptions &options);

    void onDetection();

    EndpointSettings m_settings;
    QueryClient *m_client;
    MutationQueue *m_queue;
    std::unique_ptr<Endpoint> m_endpoint;
    std::unique_ptr<StoreFile> m_storeFile;          // declared before the stores, which write to it as they go
    std::unique_ptr<MutationStore> m_mutationStore;
    std::unique_ptr<CacheStore> m_cacheStore;
    std::unique_ptr<DraftStore> m_draftStore;
    QString m_storePath;                             // empty: nothing is persisted
    bool m_forgetSavedData = false;
    QueryObserver *m_discovery = nullptr;
    OAuthCredentials *m_oauth = nullptr;             // the endpoint's credentials when they are OAuth's
    QHash<QString, QList<Reference>> m_references;
    HttpTransport *m_transport;
    LiveConnection *m_live = nullptr;
    std::shared_ptr<bool> m_isLive = std::make_shared<bool>(false);   // read by the views' options, which may
                                                                        // outlive this connection by a turn
};

} // namespace refetch
