#pragma once

#include <QJsonValue>
#include <QString>

#include <optional>

namespace refetch::sampleapi::js {

// JavaScript's reading of JSON values, for the places where json-server's behaviour comes from JavaScript
// (String(v), <, <=, parseInt, truthiness) or lodash (orderBy) rather than from JSON itself. Undefined
// stands for a missing member.

// Number.prototype.toString(): "4.5", "100", "1e+21", "1e-7".
QString numberToString(double d);
// String(v): arrays are joined with ",", objects are "[object Object]", a missing value is "undefined".
QString toString(const QJsonValue &v);
bool isTruthy(const QJsonValue &v);
// a === b for primitives; objects and arrays are never strictly equal (they are distinct references).
bool strictEquals(const QJsonValue &a, const QJsonValue &b);
// a < b with JavaScript's coercions; nothing when the answer is undefined (a NaN took part).
std::optional<bool> lessThan(const QJsonValue &a, const QJsonValue &b);
inline bool greater(const QJsonValue &a, const QJsonValue &b) { return lessThan(b, a).value_or(false); }
inline bool less(const QJsonValue &a, const QJsonValue &b) { return lessThan(a, b).value_or(false); }
inline bool lessOrEqual(const QJsonValue &a, const QJsonValue &b) { return lessThan(b, a) == false; }
inline bool greaterOrEqual(const QJsonValue &a, const QJsonValue &b) { return lessThan(a, b) == false; }
// lodash's compareAscending, which orderBy uses: defined values first, then null, then missing ones.
int compareAscending(const QJsonValue &a, const QJsonValue &b);
// parseInt(s, 10); nothing for NaN.
std::optional<double> parseInt(QStringView s);

} // namespace refetch::sampleapi::js
