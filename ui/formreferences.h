#pragma once

#include "recordform.h"

#include "core/models/referencelabels.h"
#include "core/schema/resourceschema.h"

namespace refetch {

class ApiConnection;

// The references a record form edits with pickers: those the resource's list found (ApiConnection::references:
// the server's description, then convention checked on the data), and those the schema names on its own (a form
// opened before its list found anything), each to a resource the endpoint has.
namespace FormReferences {

QList<Reference> of(const ApiConnection *connection, const QString &resource, const ResourceSchema &schema);
// Makes a ReferencePicker searching the referenced resource on `connection`'s server.
RecordForm::PickerFn pickers(ApiConnection *connection);

} // namespace FormReferences

} // namespace refetch
