#pragma once

#include "core/schema/resourceschema.h"

namespace refetch {

// The fields Django REST framework describes in its answer to OPTIONS on a list (SimpleMetadata, the default):
// {"actions": {"POST": {"title": {"type": "string", "required": true, "read_only": false, "label": "Title",
// "max_length": 200}, ...}}}. DRF's types map onto FieldSchema's ("datetime" is a string of format date-time,
// "choice" a string with choices, "field" a related field's id); choices keep their display names as labels.
class DrfMetadata
{
public:
    // The schema of `resource` from an OPTIONS answer; empty, with a sentence in *error, when the answer describes
    // no writable action (a read-only endpoint, or one the user may not write).
    static ResourceSchema read(const Json &options, const QString &resource, QString *error = nullptr);
};

} // namespace refetch
