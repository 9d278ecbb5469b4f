#include "core/session/incomingreferences.h"

#include "core/client/queryerror.h"
#include "core/client/queryobserver.h"
#include "core/mutation/resourcetags.h"
#include "core/providers/dataprovider.h"
#include "core/session/apiconnection.h"

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

// What a person reads a referring record by: its label field (name, title, ...), else the start of its first text
// (a comment's body), else its id.
QString readableLabel(const Json &record, const QString &idField, const QString &preferred)
{
    if (!ReferenceLabels::labelField(record, preferred).isEmpty())
        return ReferenceLabels::labelOf(record, idField, preferred);
    for (qsizetype i = 0; i < record.size(); ++i) {
        if (record.keyAt(i) == idField || !record.valueAt(i).isString())
            continue;
        const QString text = record.valueAt(i).toString().simplified();
        // A link (DRF's own "url", a hyperlinked reference) names no one: the text after it does.
        if (!text.isEmpty() && !text.contains(u"://"))
            return text.size() > 80 ? text.left(79) + u'…' : text;
    }
    return DataProvider::idText(record.value(idField));
}

} // namespace

struct IncomingReferences::Source
{
    QString resource;
    std::unique_ptr<QueryObserver> sample;   // its list's first page, to find its fields by
    std::unique_ptr<QueryObserver> schema;   // its description, where one document describes every resource
    QList<Reference> found;                  // its fields that point at the record's resource
};

struct IncomingReferences::Listing
{
    QString resource;
    QString field;
    QString link;                              // Reference::link: the field holds links, filtered by id
    QString problem;                           // known before asking: the server cannot filter by the field
    std::unique_ptr<QueryObserver> observer;   // the records whose field is the record's id
};

IncomingReferences::IncomingReferences(ApiConnection *connection, const QString &resource, QObject *parent)
    : QObject(parent), m_connection(connection), m_resource(resource)
{
    // One description for every resource (an OpenAPI document) costs one request; DRF's OPTIONS, one per resource,
    // does not name what its related fields point at, so it is not read for this.
    const bool oneDocument = !connection->detected().schemaPath.isEmpty();
    const int pageSize = connection->settings().pageSize;
    for (const QString &name : connection->resources()) {
        auto source = std::make_unique<Source>();
        source->resource = name;
        if (connection->references(name).isEmpty()) {
            source->sample = std::make_unique<QueryObserver>(
                connection->client(), connection->listQuery(name, ListParams{.page = 1, .pageSize = pageSize}));
            connect(source->sample.get(), &QueryObserver::changed, this, &IncomingReferences::findFields);
            if (oneDocument) {
                source->schema = std::make_unique<QueryObserver>(connection->client(), connection->schemaQuery(name));
                connect(source->schema.get(), &QueryObserver::changed, this, &IncomingReferences::findFields);
            }
        }
        m_sources.push_back(std::move(source));
    }
    connect(connection, &ApiConnection::referencesChanged, this, &IncomingReferences::findFields);
    findFields();
}

IncomingReferences::~IncomingReferences() = default;

void IncomingReferences::setRecord(const Json &id)
{
    if (ResourceTags::sameId(id, m_id) && id.type() == m_id.type())
        return;
    m_id = id;
    m_listings.clear();
    updateListings();
}

void IncomingReferences::refetch()
{
    for (const auto &listing : m_listings) {
        if (listing->observer)
            listing->observer->refetch();
    }
}

bool IncomingReferences::isFinding() const
{
    return std::any_of(m_sources.cbegin(), m_sources.cend(), [](const auto &s) {
        return (s->sample && s->sample->isPending() && s->sample->isFetching())
               || (s->schema && s->schema->isPending() && s->schema->isFetching());
    });
}

void IncomingReferences::findFields()
{
    if (!m_connection)
        return;
    bool any = false;
    for (const auto &source : m_sources) {
        // What the list found, else what its first page and schema show (the observers above bring them into the
        // cache), with the user's word over it.
        const QList<Reference> refs = m_connection->knownReferences(source->resource);
        QList<Reference> found;
        for (const Reference &r : std::as_const(refs)) {
            if (r.resource == m_resource)
                found.append(r);
        }
        if (found != source->found) {
            source->found = found;
            any = true;
        }
    }
    if (any)
        updateListings();
    else
        Q_EMIT changed();   // still finding, or done
}

void IncomingReferences::updateListings()
{
    std::vector<std::unique_ptr<Listing>> next;
    if (m_connection && !m_id.isUndefined() && !m_id.isNull()) {
        for (const auto &source : m_sources) {
            for (const Reference &r : std::as_const(source->found)) {
                auto kept = std::find_if(m_listings.begin(), m_listings.end(), [&](const auto &l) {
                    return l && l->resource == source->resource && l->field == r.field;
                });
                if (kept != m_listings.end()) {
                    next.push_back(std::move(*kept));
                    continue;
                }
                auto listing = std::make_unique<Listing>();
                listing->resource = source->resource;
                listing->field = r.field;
                listing->link = r.link;
                const ResourceInfo *info = m_connection->provider()->resourceInfo(source->resource);
                if (info && !info->filterFields.isEmpty() && !info->filterFields.contains(r.field)) {
                    listing->problem = tr("The server offers no filter of %1 by %2, so they cannot be listed here.")
                                           .arg(source->resource, r.field);
                } else {
                    const ListParams params{.page = 1, .pageSize = Limit,
                                            .filters = {{r.field, DataProvider::idText(m_id)}}};
                    listing->observer = std::make_unique<QueryObserver>(
                        m_connection->client(), m_connection->listQuery(source->resource, params));
                    connect(listing->observer.get(), &QueryObserver::changed, this, &IncomingReferences::changed);
                }
                next.push_back(std::move(listing));
            }
        }
    }
    m_listings = std::move(next);
    Q_EMIT changed();
}

QList<IncomingReferences::Group> IncomingReferences::groups() const
{
    QList<Group> out;
    const QString idField = m_connection ? m_connection->settings().idField : u"id"_s;
    for (const auto &listing : m_listings) {
        Group g{.resource = listing->resource, .field = listing->field, .problem = listing->problem};
        const QueryObserver *o = listing->observer.get();
        if (!o) {
            out.append(g);
            continue;
        }
        if (!o->isSuccess()) {
            if (o->isError() && o->error())
                g.problem = o->error()->toString();
            else
                g.loading = true;
            out.append(g);
            continue;
        }
        const Json rows = ResourceTags::records(o->data());
        for (qsizetype r = 0; r < rows.size(); ++r) {
            const Json record = rows.at(r);
            if (!ResourceTags::sameId(DataProvider::idInLink(listing->link, record.value(listing->field)), m_id)) {
                // The filter was not applied: what came is not what points here.
                g.records.clear();
                g.problem = tr("The server does not filter %1 by %2 (it answered %1 that point elsewhere), so they "
                               "cannot be listed here.").arg(listing->resource, listing->field);
                break;
            }
            if (g.records.size() < Limit)
                g.records.append({record.value(idField),
                                  readableLabel(record, idField, m_connection ? m_connection->settings().labelFields.value(listing->resource) : QString())});
        }
        if (g.problem.isEmpty()) {
            g.total = DataProvider::pageOf(o->data()).total;
            if (g.total < 0) {
                if (const Json t = o->meta().value(QByteArrayView("total")); t.isInteger())
                    g.total = t.toInteger();
            }
            // A page shorter than asked is all there is.
            if (g.total < 0 && rows.size() < Limit)
                g.total = rows.size();
        }
        out.append(g);
    }
    return out;
}

} // namespace refetch
