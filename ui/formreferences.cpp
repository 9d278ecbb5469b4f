#include "formreferences.h"

#include "referencepicker.h"

#include "core/models/referencesearch.h"
#include "core/session/apiconnection.h"

#include <QPointer>

using namespace Qt::StringLiterals;

namespace refetch {

namespace FormReferences {

QList<Reference> of(const ApiConnection *connection, const QString &resource, const ResourceSchema &schema)
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
    return out;
}

RecordForm::PickerFn pickers(ApiConnection *connection)
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
        return new ReferencePicker(search, resource, parent);
    };
}

} // namespace FormReferences

} // namespace refetch
