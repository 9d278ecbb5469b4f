#pragma once

#include "endpointsettings.h"

#include "core/endpoint.h"
#include "core/models/pagedtablemodel.h"
#include "core/mutation.h"
#include "core/resourcetags.h"

#include <QObject>
#include <memory>

namespace refetch {

class HttpTransport;
class MutationQueue;
class QueryClient;
class QueryObserver;

// One endpoint of the side tree at run time: its settings made into a core Endpoint (known to the mutation queue
// by its id), the resources it serves (given in its settings, or discovered), and the query and mutation options
// every view of it uses, so that lists, forms and writes agree on keys, tags and freshness.
class ApiConnection : public QObject
{
    Q_OBJECT
public:
    ApiConnection(EndpointSettings settings, QueryClient *client, MutationQueue *queue, HttpTransport *transport,
                  QObject *parent = nullptr);
    ~ApiConnection() override;

    const EndpointSettings &settings() const { return m_settings; }
    QString id() const { return m_settings.id; }
    QString displayName() const { return m_settings.displayName(); }
    const Endpoint *endpoint() const { return m_endpoint.get(); }
    QueryClient *client() const { return m_client; }
    MutationQueue *queue() const { return m_queue; }

    // The resources: those given in the settings, or those the server lists.
    QStringList resources() const;
    bool isDiscovered() const { return m_discovery != nullptr; }
    // Looking for resources, with none to show yet.
    bool isLoading() const;
    // Why the resources could not be listed; empty when they could.
    QString errorString() const;
    // Asks the server for its resources again (when they are discovered).
    void refresh();

    ResourceTags tags(const QString &resource) const;
    // The paged list of `resource`, as this endpoint's settings say.
    PagedTableOptions listOptions(const QString &resource) const;
    // The detail query of one record, providing its tags.
    QueryOptions detailQuery(const QString &resource, const Json &id) const;
    // "/posts/7", the id percent-encoded.
    QString recordPath(const QString &resource, const Json &id) const;
    // PATCH of the changed fields; the lists and the record refetch.
    MutationOptions updateOptions(const QString &resource, const Json &id) const;
    // POST of a new record; the lists refetch.
    MutationOptions createOptions(const QString &resource) const;
    // DELETE, undoable for `undoDelay`: the row leaves every cached list at once.
    MutationOptions deleteOptions(const QString &resource, const Json &id) const;

    static constexpr std::chrono::milliseconds undoDelay{5000};

Q_SIGNALS:
    // The resources, or the state of looking for them, changed.
    void resourcesChanged();

private:
    static void applyFreshness(const EndpointSettings &settings, QueryOptions &options);

    EndpointSettings m_settings;
    QueryClient *m_client;
    MutationQueue *m_queue;
    std::unique_ptr<Endpoint> m_endpoint;
    QueryObserver *m_discovery = nullptr;
};

} // namespace refetch
