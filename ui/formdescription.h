#pragma once

#include "recordform.h"

#include "core/models/referencelabels.h"
#include "core/schema/resourceschema.h"

#include <QObject>
#include <QPointer>

#include <memory>

namespace refetch {

class ApiConnection;
class QueryObserver;

// What the server says of a form's fields, kept on the form: the resource's schema (a query: cached, asked once
// however many forms show it) and its references, edited with ReferencePickers: those the resource's list found
// (ApiConnection::references: the server's description, then convention checked on the data), and those the schema
// names on its own (a form opened before its list found anything), each to a resource the endpoint has.
class FormDescription : public QObject
{
    Q_OBJECT
public:
    explicit FormDescription(RecordForm *form);
    ~FormDescription() override;

    // Follows `resource` of `connection` (null: nothing is described).
    void watch(ApiConnection *connection, const QString &resource);
    const ResourceSchema &schema() const { return m_schema; }

    static QList<Reference> referencesOf(const ApiConnection *connection, const QString &resource,
                                         const ResourceSchema &schema);
    // Makes a ReferencePicker searching the referenced resource on `connection`'s server.
    static RecordForm::PickerFn pickers(ApiConnection *connection);

Q_SIGNALS:
    // The schema changed (and the form has it).
    void schemaChanged();

private:
    void applySchema();
    void updateReferences();

    RecordForm *m_form;
    QPointer<ApiConnection> m_connection;
    QString m_resource;
    std::unique_ptr<QueryObserver> m_observer;
    ResourceSchema m_schema;
};

} // namespace refetch
