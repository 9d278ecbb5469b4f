#include "apiconnection.h"
#include "oauthcredentials.h"

#include "core/schema/schemaquery.h"
#include "core/mutation/resourcetags.h"

#include "core/mutation/mutationqueue.h"
#include "core/providers/dataprovider.h"
#include "core/persist/cachestore.h"
#include "core/persist/draftstore.h"
#include "core/persist/mutationstore.h"
#include "core/persist/storefile.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"
#include "core/http/httptransport.h"
#include "liveconnection.h"

#include <QDir>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace refetch {

ApiConnection::ApiConnection(EndpointSettings settings, QueryClient *client, MutationQueue *queue,
                             HttpTransport *transport, QObject *parent)
    : ApiConnection(std::move(settings), client, queue, transport, QString(), parent)
{
}

ApiConnection::ApiConnection(EndpointSettings settings, QueryClient *client, MutationQueue *queue,
                             HttpTransport *transport, const QString &cacheDirectory, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_client(client)
    , m_queue(queue)
    , m_endpoint(std::make_unique<Endpoint>(transport, configOf(m_settings, client, transport)))
    , m_transport(transport)
{
    m_queue->addEndpoint(m_endpoint.get());
    if (Credentials *credentials = this->credentials()) {
        // Signed in again after the server refused: what is shown is fetched again as the user it now is (the
        // writes that waited go by themselves, MutationQueue).
        connect(credentials, &Credentials::stateChanged, this, [this, was = credentials->state()](Credentials::State now) mutable {
            if (std::exchange(was, now) == Credentials::State::SignInNeeded && now == Credentials::State::SignedIn)
                m_client->invalidateQueries(QueryFilters{.key = QueryKey{id()}});
        });
    }
    if ((m_oauth = qobject_cast<OAuthCredentials *>(m_endpoint->config().credentials.get()))) {
        connect(m_oauth, &OAuthCredentials::tokensChanged, this, &ApiConnection::tokensChanged);
    }
    if (!cacheDirectory.isEmpty()) {
        // Before any view (the discovery below is the first): the saved data shows at once and revalidates.
        m_storePath = cacheFile(cacheDirectory, id());
        auto file = std::make_unique<StoreFile>();
        if (file->open(m_storePath)) {
            m_storeFile = std::move(file);
            m_mutationStore = std::make_unique<MutationStore>(m_storeFile.get(), m_queue, MutationStoreOptions{.endpoint = id()});
            m_cacheStore = std::make_unique<CacheStore>(m_storeFile.get(), m_client,
                                                        CacheStoreOptions{.keyPrefix = QueryKey{id()}, .identity = cacheIdentity()});
            m_draftStore = std::make_unique<DraftStore>(m_storeFile.get(), id());
        }
    }
    if (!m_settings.dialect.isEmpty() && !m_settings.resources.isEmpty()) {
        // Everything given: nothing to ask the server.
        m_endpoint->setProvider(makeProvider(m_settings, DetectedApi{}));
        return;
    }
    QueryOptions o = ApiDetector::query(*m_endpoint, DetectionHints{.dialect = m_settings.dialect,
                                                                    .resources = m_settings.resources,
                                                                    .rowsPath = m_settings.envelopePath});
    o.notifyOn = AllChanges;
    m_discovery = new QueryObserver(m_client, o, this);
    connect(m_discovery, &QueryObserver::changed, this, &ApiConnection::onDetection);
    if (m_discovery->isSuccess())
        m_endpoint->setProvider(makeProvider(m_settings, detected()));
}

void ApiConnection::onDetection()
{
    // Before anyone hears of the resources: the views they open speak the detected dialect.
    if (m_discovery->isSuccess())
        m_endpoint->setProvider(makeProvider(m_settings, detected()));
    if (m_live) {
        m_live->setResources(resources());
        if (m_discovery->isSuccess())
            m_live->start();
    }
    Q_EMIT resourcesChanged();
}

void ApiConnection::startLive()
{
    if (m_live)
        return;
    m_live = new LiveConnection(m_settings, m_endpoint->config(), m_client, m_queue, m_transport->networkAccessManager(), this);
    m_live->setResources(resources());
    connect(m_live, &LiveConnection::statusChanged, this, [this] { *m_isLive = m_live->isLive(); });
    // Once the server has answered (detection): the stream does not compete with the first lists, and an
    // endpoint that cannot be reached, or is not signed in yet, is not asked for one.
    if (m_discovery && !m_discovery->isSuccess())
        return;   // onDetection() starts it
    m_live->start();
}

DetectedApi ApiConnection::detected() const
{
    if (!m_discovery || !m_discovery->data().isObject())
        return {};
    return DetectedApi::fromJson(m_discovery->data());
}

std::shared_ptr<const DataProvider> ApiConnection::makeProvider(const EndpointSettings &settings, const DetectedApi &detected)
{
    ProviderOptions options = detected.options;
    const QString dialect = !settings.dialect.isEmpty() ? settings.dialect
                          : !detected.dialect.isEmpty() ? detected.dialect
                                                        : u"json-server"_s;
    if (!settings.paging.isEmpty()) {
        options.paging = pagingFromName(settings.paging, options.paging);
        for (ResourceInfo &info : options.resources)
            info.pagingKnown = false;   // the user's paging is for every resource
    }
    if (!settings.pageParam.isEmpty())
        options.pageParam = settings.pageParam;
    if (!settings.sizeParam.isEmpty())
        options.sizeParam = settings.sizeParam;
    if (!settings.envelopePath.isEmpty())
        options.rowsPath = settings.envelopePath;
    options.idField = settings.idField;
    return DataProvider::create(dialect, options);
}

DetectedApi ApiConnection::effectiveApi(const EndpointSettings &settings, const DetectedApi &detected)
{
    if (detected.dialect.isEmpty() && settings.dialect.isEmpty())
        return {};
    const std::shared_ptr<const DataProvider> provider = makeProvider(settings, detected);
    DetectedApi api = detected;
    api.dialect = provider->dialect();
    api.options = provider->options();
    if (!settings.resources.isEmpty())
        api.resources = settings.resources;
    api.summary = api.describe();
    return api;
}

ApiConnection::~ApiConnection()
{
    // Only if the queue still holds ours: a connection made again for the same id may have replaced it.
    if (m_queue->endpoint(m_endpoint->name()) == m_endpoint.get())
        m_queue->removeEndpoint(m_endpoint->name());
    if (m_forgetSavedData && !m_storePath.isEmpty()) {
        // The stores write what they hold as they close: the file goes after them.
        m_draftStore.reset();
        m_cacheStore.reset();
        m_mutationStore.reset();
        m_storeFile.reset();
        StoreFile::remove(m_storePath);
    }
}

QStringList ApiConnection::resources() const
{
    if (!m_settings.resources.isEmpty() || !m_discovery)
        return m_settings.resources;
    return detected().resources;
}

bool ApiConnection::isLoading() const
{
    return m_discovery && m_discovery->isLoading();
}

QString ApiConnection::errorString() const
{
    if (!m_discovery)
        return {};
    const QueryError *e = m_discovery->error();
    return e ? e->toString() : QString();
}

void ApiConnection::refresh()
{
    if (m_discovery)
        m_discovery->refetch();
}

EndpointConfig ApiConnection::configOf(const EndpointSettings &settings, QueryClient *client, HttpTransport *transport)
{
    EndpointConfig config = settings.endpointConfig();
    if (!settings.usesOAuth() || !transport || !transport->networkAccessManager())
        return config;
    const bool code = settings.signIn == EndpointSettings::SignIn::AuthorizationCode;
    OAuthCredentials::Options o{
        .grant = code ? OAuthCredentials::Grant::AuthorizationCode : OAuthCredentials::Grant::ClientCredentials,
        .issuer = QUrl(settings.oauthIssuer.trimmed()),
        .authorizationUrl = QUrl(settings.oauthAuthorizationUrl.trimmed()),
        .tokenUrl = QUrl(settings.oauthTokenUrl.trimmed()),
        .clientId = settings.oauthClientId.trimmed(),
        .clientSecret = settings.authValue,
        .scope = settings.oauthScope.simplified()};
    auto oauth = std::make_shared<OAuthCredentials>(std::move(o), transport->networkAccessManager(),
                                                    client ? client->scheduler() : nullptr);
    // Signed in as the last session left it (a renewal it needs goes once control is back in the event loop).
    oauth->restore(OAuthCredentials::Tokens::fromJson(settings.oauthTokens));
    config.credentials = std::move(oauth);
    return config;
}

QString ApiConnection::cacheIdentity() const
{
    if (!m_settings.cacheIdentity.isEmpty())
        return m_settings.cacheIdentity;
    // Not the token, not even hashed: the file would hold something to guess it from. Another token set in the
    // settings replaces the connection, which empties the cache then.
    return m_settings.baseUrl.adjusted(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash | QUrl::RemoveFragment).toString();
}

QString ApiConnection::cacheFile(const QString &directory, const QString &endpointId)
{
    return QDir(directory).filePath(QString::fromLatin1(QUrl::toPercentEncoding(endpointId)) + QStringLiteral(".sqlite"));
}

ResourceTags ApiConnection::tags(const QString &resource) const
{
    return ResourceTags(resource, id(), m_settings.idField);
}

void ApiConnection::applyFreshness(const EndpointSettings &settings, const std::shared_ptr<const bool> &live,
                                   QueryOptions &options)
{
    options.staleTime = settings.staleTime;
    // What is on screen refetches when the window comes back, however fresh (throttled by the client to once
    // per 5 s): a record changed in a terminal a moment ago shows when the user returns.
    options.refetchOnWindowFocus = settings.refetchOnFocus ? FocusRefetch::Always : FocusRefetch::Never;
    options.refetchInterval = settings.pollInterval;
    // While the change stream is up it says what changed: polling would only ask again what it told.
    if (settings.pollInterval.count() > 0)
        options.intervalPaused = [live] { return *live; };
}

PagedTableOptions ApiConnection::listOptions(const QString &resource) const
{
    PagedTableOptions o;
    o.resource = resource;
    o.pageSize = m_settings.pageSize;
    o.staleTime = m_settings.staleTime;
    // By value: a model may outlive this connection by an event-loop turn.
    o.configure = [settings = m_settings, live = std::shared_ptr<const bool>(m_isLive)](QueryOptions &q) {
        applyFreshness(settings, live, q);
    };
    o.table.idField = m_settings.idField;
    // The provider hands pages over as {"data": rows, ...}, wherever the server put them.
    o.table.rowsPath.clear();
    o.table.nested = NestedColumns::CompactJson;
    return o;
}

QueryOptions ApiConnection::detailQuery(const QString &resource, const Json &id) const
{
    QueryOptions o;
    o.key = QueryKey{this->id(), resource, id};
    o.fn = provider()->recordFn(*m_endpoint, resource, id);
    applyFreshness(m_settings, m_isLive, o);
    tags(resource).provideDetail(o, id);
    return o;
}

QueryOptions ApiConnection::schemaQuery(const QString &resource) const
{
    return SchemaQuery::query(*m_endpoint, effectiveApi(), resource);
}

QueryOptions ApiConnection::listQuery(const QString &resource, const ListParams &params) const
{
    QueryOptions o;
    o.key = PagedTableModel::pageKey(id(), resource, params);
    o.fn = provider()->listFn(*m_endpoint, resource, params);
    applyFreshness(m_settings, m_isLive, o);
    tags(resource).provideList(o);
    return o;
}

QueryOptions ApiConnection::searchQuery(const QString &resource, const QString &text, int limit) const
{
    return listQuery(resource, ListParams{.page = 1, .pageSize = limit, .search = text});
}

QList<Reference> ApiConnection::references(const QString &resource) const
{
    return m_references.value(resource);
}

void ApiConnection::setReferences(const QString &resource, const QList<Reference> &references)
{
    auto it = m_references.find(resource);
    if (it != m_references.end() ? *it == references : references.isEmpty())
        return;
    m_references.insert(resource, references);
    Q_EMIT referencesChanged(resource);
}

QList<Reference> ApiConnection::knownReferences(const QString &resource) const
{
    if (const QList<Reference> found = references(resource); !found.isEmpty())
        return found;
    const Json page = m_client->queryData(listQuery(resource, ListParams{.page = 1, .pageSize = m_settings.pageSize}).key);
    const ResourceSchema schema = SchemaQuery::schemaOf(m_client->queryData(schemaQuery(resource).key));
    return m_settings.referencesWith(resource, ReferenceFinder::find(schema, ResourceTags::records(page), resources(),
                                                                     m_settings.idField,
                                                                     DataProvider::pageOf(page).relations,
                                                                     m_settings.baseUrl, resource));
}

QString ApiConnection::recordPath(const QString &resource, const Json &id) const
{
    // The record as last fetched may name its own URL (DRF's "url", HAL's "_links.self").
    const Json cached = m_client->queryData(QueryKey{this->id(), resource, id});
    return provider()->recordPath(m_settings.baseUrl, resource, id, cached);
}

MutationOptions ApiConnection::updateOptions(const QString &resource, const Json &id) const
{
    const ResourceTags t = tags(resource);
    const QByteArray method = provider()->updateMethod();
    // PUT replaces the record: the changed fields go over the record as last fetched.
    const Json base = method == "PUT" ? m_client->queryData(QueryKey{this->id(), resource, id}) : Json();
    return MutationOptions{.method = method,
                           .endpoint = this->id(),
                           .path = recordPath(resource, id),
                           .bodyFrom = [p = m_endpoint->providerPtr(), resource, id, base](const Json &fields) {
                               return p->writeBody(resource, base.isObject() ? base.merged(fields) : fields, id);
                           },
                           .resource = resource,
                           .id = id,
                           .idField = m_settings.idField,
                           // The lists and the form show the saved values at once; a write that has to wait
                           // for the server shows them marked as waiting, and a refusal puts the old ones back.
                           .mode = MutationMode::Optimistic,
                           .invalidatesTags = t.list() + t.detail(id)};
}

MutationOptions ApiConnection::createOptions(const QString &resource) const
{
    return MutationOptions{.method = "POST",
                           .endpoint = id(),
                           .path = provider()->createPath(resource),
                           .bodyFrom = [p = m_endpoint->providerPtr(), resource](const Json &fields) {
                               return p->writeBody(resource, fields, Json());
                           },
                           .resource = resource,
                           .idField = m_settings.idField,
                           .invalidatesTags = tags(resource).list()};
}

MutationOptions ApiConnection::deleteOptions(const QString &resource, const Json &id) const
{
    return MutationOptions{.method = "DELETE",
                           .endpoint = this->id(),
                           .path = recordPath(resource, id),
                           .resource = resource,
                           .id = id,
                           .idField = m_settings.idField,
                           .mode = MutationMode::Undoable,
                           .undoDelay = undoDelay,
                           .undoDelayAfterRestart = restoredUndoDelay,
                           .invalidatesTags = tags(resource).list()};
}

} // namespace refetch
