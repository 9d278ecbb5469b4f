#include "liveinvalidator.h"

#include "core/client/queryclient.h"
#include "core/inspect/cacheeventlog.h"
#include "core/mutation/mutation.h"
#include "core/mutation/mutationqueue.h"
#include "core/mutation/resourcetags.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcLive)

namespace refetch {

namespace {

std::optional<ChangeAction> actionOf(const QByteArray &method)
{
    if (method == "POST")
        return ChangeAction::Created;
    if (method == "PUT" || method == "PATCH")
        return ChangeAction::Updated;
    if (method == "DELETE")
        return ChangeAction::Deleted;
    return std::nullopt;
}

} // namespace

LiveInvalidator::LiveInvalidator(QueryClient *client, MutationQueue *queue, LiveInvalidatorOptions options, QObject *parent)
    : QObject(parent), m_client(client), m_queue(queue), m_options(std::move(options))
{
    if (m_queue)
        connect(m_queue, &MutationQueue::mutationAdded, this, &LiveInvalidator::watch);
}

LiveInvalidator::~LiveInvalidator() = default;

TagList LiveInvalidator::tagsFor(const ChangeEvent &change, const ResourceTags &tags)
{
    // The same scopes as ApiConnection's writes: a create changes lists, an update or delete the lists (the
    // record may enter or leave a filtered one) and whatever holds the record.
    if (change.action == ChangeAction::Created || change.id.isUndefined() || change.id.isNull())
        return tags.list();
    return tags.list() + tags.detail(change.id);
}

void LiveInvalidator::watch(Mutation *mutation)
{
    const PersistedMutation &data = mutation->data();
    if (data.endpoint != m_options.endpoint || data.resource.isEmpty() || !actionOf(data.method))
        return;
    connect(mutation, &Mutation::statusChanged, this, [this, mutation](Mutation::Status status) {
        if (status == Mutation::Status::Sending && !m_underWay.contains(mutation))
            m_underWay.append(mutation);
    });
    connect(mutation, &Mutation::settled, this, [this, mutation] { onSettled(mutation); });
}

void LiveInvalidator::onSettled(Mutation *mutation)
{
    m_underWay.removeAll(mutation);
    m_underWay.removeAll(nullptr);
    const QList<std::pair<ChangeEvent, QString>> held = m_held.take(mutation);
    if (mutation->status() != Mutation::Status::Succeeded) {
        // Nothing of ours covers them: they count as they came.
        for (const auto &[change, source] : held)
            invalidate(change, source);
        return;
    }
    if (!held.isEmpty()) {
        // The write invalidated after they came: what they announced is read by its refetch.
        m_dropped += int(held.size());
        for (const auto &[change, source] : held) {
            qCDebug(lcLive).noquote() << "live event" << change.describe() << "covered by our own write";
            Q_EMIT echoDropped(change);
        }
        return;
    }
    const PersistedMutation &data = mutation->data();
    Json id = data.recordId;
    if (data.method == "POST")
        id = mutation->result()[data.idField.isEmpty() ? m_options.idField : data.idField];
    const TimePoint now = m_client ? m_client->now() : TimePoint{0};
    m_expected.removeIf([now](const Echo &e) { return e.until < now; });
    m_expected.append({.resource = data.resource, .id = id, .action = *actionOf(data.method), .until = now + m_options.echoWindow});
}

Mutation *LiveInvalidator::writeUnderWay(const ChangeEvent &change) const
{
    for (const QPointer<Mutation> &m : m_underWay) {
        if (!m || m->status() != Mutation::Status::Sending)
            continue;
        const PersistedMutation &data = m->data();
        if (data.resource != change.resource)
            continue;
        if (data.method == "POST" ? change.action == ChangeAction::Created
                                  : change.action != ChangeAction::Created && ResourceTags::sameId(data.recordId, change.id))
            return m;
    }
    return nullptr;
}

bool LiveInvalidator::takeEcho(const ChangeEvent &change)
{
    const TimePoint now = m_client->now();
    for (qsizetype i = 0; i < m_expected.size(); ++i) {
        const Echo &e = m_expected.at(i);
        if (e.until < now || e.resource != change.resource || e.action != change.action)
            continue;
        // A create whose id we could not read matches any create of its resource.
        if (!(e.action == ChangeAction::Created && (e.id.isUndefined() || e.id.isNull()))
            && !ResourceTags::sameId(e.id, change.id))
            continue;
        m_expected.removeAt(i);
        return true;
    }
    return false;
}

void LiveInvalidator::apply(const ChangeEvent &change, const QString &source)
{
    if (!m_client || change.resource.isEmpty())
        return;
    if (Mutation *m = writeUnderWay(change)) {
        m_held[m].append({change, source});
        return;
    }
    if (takeEcho(change)) {
        ++m_dropped;
        qCDebug(lcLive).noquote() << "live event" << change.describe() << "is the echo of our own write";
        Q_EMIT echoDropped(change);
        return;
    }
    invalidate(change, source);
}

void LiveInvalidator::invalidate(const ChangeEvent &change, const QString &source)
{
    if (!m_client)
        return;
    QString origin = QStringLiteral("live event: ") + change.describe();
    QStringList about;
    if (!source.isEmpty())
        about.append(source);
    if (!change.eventId.isEmpty())
        about.append(QStringLiteral("id ") + change.eventId);
    if (!about.isEmpty())
        origin += QStringLiteral(" (") + about.join(QStringLiteral(", ")) + u')';
    const CacheEventLog::Origin scope(CacheEventLog::of(m_client), origin);
    const ResourceTags tags(change.resource, m_options.endpoint, m_options.idField);
    const int matched = m_client->invalidateTags(tagsFor(change, tags));
    ++m_applied;
    qCDebug(lcLive).noquote() << origin << "matched" << matched;
    Q_EMIT applied(change, matched);
}

void LiveInvalidator::invalidateAll(const QString &why)
{
    if (!m_client)
        return;
    const CacheEventLog::Origin scope(CacheEventLog::of(m_client), QStringLiteral("live: ") + why);
    m_client->invalidateTags(ResourceTags::all(m_options.endpoint));
}

} // namespace refetch
