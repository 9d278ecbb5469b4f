#include "pendingopen.h"

#include "core/session/apiconnection.h"
#include "core/session/settingsstore.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_DECLARE_LOGGING_CATEGORY(lcUi)

namespace refetch {

namespace {

const QString LastEndpointKey = u"session/endpoint"_s;
const QString LastResourceKey = u"session/resource"_s;

} // namespace

PendingOpen::PendingOpen(SettingsStore *settings)
    : m_settings(settings), m_endpoint(settings->string(LastEndpointKey)), m_resource(settings->string(LastResourceKey))
{
}

void PendingOpen::open(const QString &endpointId, const QString &resource)
{
    m_endpoint = endpointId;
    m_resource = resource;
}

void PendingOpen::openEndpoint(const QString &endpointId)
{
    m_endpoint = endpointId;
    if (m_settings->string(LastEndpointKey) != endpointId)
        m_resource.clear();
}

void PendingOpen::fallBackTo(const QList<ApiConnection *> &connections)
{
    if (connections.isEmpty())
        return;
    const bool known = std::any_of(connections.cbegin(), connections.cend(),
                                   [this](const ApiConnection *c) { return c->id() == m_endpoint; });
    if (m_endpoint.isEmpty() || !known)
        m_endpoint = connections.first()->id();
}

void PendingOpen::clear()
{
    m_endpoint.clear();
    m_resource.clear();
}

void PendingOpen::remember(const QString &endpointId, const QString &resource)
{
    m_settings->setString(LastEndpointKey, endpointId);
    m_settings->setString(LastResourceKey, resource);
}

PendingOpen::Step PendingOpen::next(const ApiConnection *c)
{
    if (!c || c->id() != m_endpoint)
        return {};
    const QStringList resources = c->resources();
    if (!resources.isEmpty()) {
        const QString resource = resources.contains(m_resource) ? m_resource : resources.first();
        clear();
        return Step{.kind = Step::Kind::OpenResource, .resource = resource};
    }
    if (!c->errorString().isEmpty())
        m_endpoint.clear();
    return Step{.kind = Step::Kind::ShowEndpoint};
}

bool PendingOpen::findDraft(const QList<ApiConnection *> &connections)
{
    for (ApiConnection *c : connections) {
        std::optional<Draft> d = c->draftStore() ? c->draftStore()->draft() : std::nullopt;
        if (d && (!m_draft || d->savedAt > m_draft->savedAt))
            m_draft = std::move(d);
    }
    if (!m_draft)
        return false;
    m_endpoint = m_draft->endpoint;
    m_resource = m_draft->resource;
    return true;
}

std::optional<Draft> PendingOpen::takeDraft(ApiConnection *c)
{
    if (!m_draft || m_draft->endpoint != c->id())
        return std::nullopt;
    std::optional<Draft> d = std::exchange(m_draft, std::nullopt);
    if (!c->resources().contains(d->resource)) {
        qCInfo(lcUi).noquote() << "dropping the unsaved edits to" << d->resource << "of" << c->id()
                               << ": the endpoint has no such resource any more";
        c->draftStore()->remove();
        return std::nullopt;
    }
    return d;
}

} // namespace refetch
