#pragma once

#include "core/json/json.h"

#include <QString>
#include <QVariant>

// A record field's value as RecordModel's form handles it: the name of its JSON type, equality that keeps the
// type, and a value from an editor read as JSON.
namespace refetch::fieldvalue {

// "integer", "number", "string", ... as the Type column shows it; empty for Undefined.
QString typeName(const Json &v);
// Equal and of the same JSON type: 1 and 1.0 are equal JSON but show differently.
bool same(const Json &a, const Json &b);
// An edited value as JSON, read the way the field's current type `like` suggests: a refetch::Json or a
// QJsonValue as is, numbers from numbers or numeric text (digit for digit), booleans from bools or
// "true"/"false", arrays and objects (and null) from JSON text. *ok is false when it cannot be read so.
Json fromVariant(const QVariant &value, Json::Type like, bool *ok);

} // namespace refetch::fieldvalue
