#include "formdescription.h"

#include "referencepicker.h"

#include "core/models/referencesearch.h"
#include "core/client/queryobserver.h"
#include "core/schema/schemaquery.h"
#include "core/session/apiconnection.h"

#include <QPointer>

using namespace Qt::StringLiterals;

namespace refetch {

FormDescription::FormDescription(RecordForm *form) : QObject(form), m_form(form)
{
}

FormDescription::~FormDescription() = default;

void FormDescription::watch(ApiConnection *connection, const QString &resource)
{
    m_observer.reset();
    if (m_connection)
        disconnect(m_connection, nullptr, this, nullptr);
    m_connection = connection;
    m_resource = resource;
    m_schema = ResourceSchema();
    if (connection && !resource.isEmpty()) {
        m_observer = std::make_unique<QueryObserver>(connection->client(), connection->schemaQuery(resource));
        connect(m_observer.get(), &QueryObserver::changed, this, &FormDescription::applySchema);
        // The references its list finds (it may find them after the form shows).
        connect(connection, &ApiConnection::referencesChanged, this, [this](const QString &r) {
            if (r == m_resource)
                updateReferences();
        });
        m_schema = SchemaQuery::schemaOf(m_observer->data());
    }
    m_form->setSchema(m_schema);
    updateReferences();
}

void FormDescription::applySchema()
{
    const ResourceSchema schema = SchemaQuery::schemaOf(m_observer->data());
    if (schema == m_schema)
        return;
    m_schema = schema;
    m_form->setSchema(m_schema);
    updateReferences();
    Q_EMIT schemaChanged();
}

void FormDescription::updateReferences()
{
    m_form->setReferences(referencesOf(m_connection, m_resource, m_schema), pickers(m_connection));
}

QList<Reference> FormDescription::referencesOf(const ApiConnection *connection, const QString &resource,
                                               const ResourceSchema &schema)
{
    if (!connection)
        return {};
    QList<Reference> out = connection->references(resource);
    const QStringList resources = connection->resources();
    for (const FieldSchema &f : schema.fields) {
        const bool known = std::any_of(out.cbegin(), out.cend(), [&](const Reference &r) { return r.field == f.name; });
        if (!known && !f.references.isEmpty() && resources.contains(f.references))
            out.append({f.name, f.references, u"schema"_s});
    }
    return connection->settings().referencesWith(resource, out);   // the user's word on the schema's too
}

RecordForm::PickerFn FormDescription::pickers(ApiConnection *connection)
{
    return [c = QPointer<ApiConnection>(connection)](const Reference &ref, QWidget *parent) -> FieldEditor * {
        if (!c)
            return FieldEditor::create(FieldEditor::Kind::Any, parent);   // the pane outlives its connection by a turn
        // Later calls find the connection gone the same way: they ask nothing.
        auto unavailable = [] {
            QueryOptions o;
            o.enabled = false;
            return o;
        };
        const QString resource = ref.resource;
        auto *search = new ReferenceSearch(
            c->client(), c->settings().idField, c->provider() && c->provider()->canSearch(resource),
            [c, resource, unavailable](const QString &text) {
                return c ? c->searchQuery(resource, text, ReferenceSearch::Limit) : unavailable();
            },
            [c, resource, unavailable](const Json &id) { return c ? c->detailQuery(resource, id) : unavailable(); });
        search->setLabelField(c->settings().labelFields.value(resource));
        auto *picker = new ReferencePicker(search, resource, parent);
        picker->setLink(ref.link);
        return picker;
    };
}

} // namespace refetch
