#include "jsvalue.h"

#include <QJsonArray>
#include <QLocale>
#include <QRegularExpression>

#include <cmath>
#include <limits>
#include <variant>

namespace refetch::sampleapi::js {

namespace {

struct Undefined {};
// What ToPrimitive leaves of a JSON value.
using Primitive = std::variant<Undefined, std::nullptr_t, bool, double, QString>;

Primitive toPrimitive(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return nullptr;
    case QJsonValue::Bool: return v.toBool();
    case QJsonValue::Double: return v.toDouble();
    case QJsonValue::String: return v.toString();
    case QJsonValue::Array:
    case QJsonValue::Object: return toString(v);
    case QJsonValue::Undefined: break;
    }
    return Undefined{};
}

// StringToNumber: surrounding white space is ignored, "" is 0, anything that is not a numeric literal is NaN.
double stringToNumber(const QString &s)
{
    const QString t = s.trimmed();
    if (t.isEmpty())
        return 0;
    static const QRegularExpression decimal(QStringLiteral(R"(^[+-]?(Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$)"));
    static const QRegularExpression radix(QStringLiteral(R"(^0([xXoObB])([0-9a-fA-F]+)$)"));
    if (decimal.match(t).hasMatch()) {
        if (t.endsWith(u"Infinity"))
            return t.startsWith(u'-') ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        return QLocale::c().toDouble(t);
    }
    if (const QRegularExpressionMatch m = radix.match(t); m.hasMatch()) {
        const QChar kind = m.captured(1).at(0).toLower();
        const int base = kind == u'x' ? 16 : kind == u'o' ? 8 : 2;
        bool ok = false;
        const qulonglong n = m.captured(2).toULongLong(&ok, base);
        return ok ? double(n) : std::numeric_limits<double>::quiet_NaN();
    }
    return std::numeric_limits<double>::quiet_NaN();
}

double toNumber(const Primitive &p)
{
    struct Visitor
    {
        double operator()(Undefined) const { return std::numeric_limits<double>::quiet_NaN(); }
        double operator()(std::nullptr_t) const { return 0; }
        double operator()(bool b) const { return b ? 1 : 0; }
        double operator()(double d) const { return d; }
        double operator()(const QString &s) const { return stringToNumber(s); }
    };
    return std::visit(Visitor{}, p);
}

} // namespace

QString numberToString(double d)
{
    if (std::isnan(d))
        return QStringLiteral("NaN");
    if (std::isinf(d))
        return d > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    if (d == 0)
        return QStringLiteral("0"); // also -0
    if (d < 0)
        return u'-' + numberToString(-d);
    // The shortest digits that round-trip, then ECMAScript's Number::toString layout (ECMA-262 6.1.6.1.20).
    const QString e = QString::number(d, 'e', QLocale::FloatingPointShortest); // "1.2345e+02"
    const qsizetype ePos = e.indexOf(u'e');
    QString digits = e.left(ePos);
    digits.remove(u'.');
    const int exponent = e.mid(ePos + 1).toInt();
    const qsizetype k = digits.size();
    const qsizetype n = exponent + 1;
    if (k <= n && n <= 21)
        return digits + QString(n - k, u'0');
    if (0 < n && n <= 21)
        return digits.left(n) + u'.' + digits.mid(n);
    if (-6 < n && n <= 0)
        return QStringLiteral("0.") + QString(-n, u'0') + digits;
    const QString exp = (n - 1 < 0 ? QStringLiteral("e-") : QStringLiteral("e+")) + QString::number(std::abs(n - 1));
    return k == 1 ? digits + exp : digits.left(1) + u'.' + digits.mid(1) + exp;
}

QString toString(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: return numberToString(v.toDouble());
    case QJsonValue::String: return v.toString();
    case QJsonValue::Object: return QStringLiteral("[object Object]");
    case QJsonValue::Array: {
        // Array.prototype.join: null and undefined elements are empty.
        const QJsonArray array = v.toArray();
        QStringList parts;
        parts.reserve(array.size());
        for (const QJsonValue &element : array)
            parts.append(element.isNull() || element.isUndefined() ? QString() : toString(element));
        return parts.join(u',');
    }
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("undefined");
}

bool isTruthy(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool: return v.toBool();
    case QJsonValue::Double: return v.toDouble() != 0 && !std::isnan(v.toDouble());
    case QJsonValue::String: return !v.toString().isEmpty();
    case QJsonValue::Array:
    case QJsonValue::Object: return true;
    case QJsonValue::Null:
    case QJsonValue::Undefined: break;
    }
    return false;
}

bool strictEquals(const QJsonValue &a, const QJsonValue &b)
{
    if (a.type() != b.type())
        return false;
    switch (a.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined: return true;
    case QJsonValue::Bool: return a.toBool() == b.toBool();
    case QJsonValue::Double: return a.toDouble() == b.toDouble();
    case QJsonValue::String: return a.toString() == b.toString();
    case QJsonValue::Array:
    case QJsonValue::Object: break;
    }
    return false;
}

std::optional<bool> lessThan(const QJsonValue &a, const QJsonValue &b)
{
    const Primitive pa = toPrimitive(a);
    const Primitive pb = toPrimitive(b);
    if (const auto *sa = std::get_if<QString>(&pa)) {
        if (const auto *sb = std::get_if<QString>(&pb))
            return *sa < *sb; // UTF-16 code units, as JavaScript compares strings
    }
    const double x = toNumber(pa);
    const double y = toNumber(pb);
    if (std::isnan(x) || std::isnan(y))
        return std::nullopt;
    return x < y;
}

int compareAscending(const QJsonValue &a, const QJsonValue &b)
{
    if (strictEquals(a, b))
        return 0;
    // JSON has no NaN and no symbols, which leaves these cases of lodash's compareAscending.
    const bool aDefined = !a.isUndefined(), aNull = a.isNull();
    const bool bDefined = !b.isUndefined(), bNull = b.isNull();
    if ((!bNull && greater(a, b)) || (aNull && bDefined) || !aDefined)
        return 1;
    if ((!aNull && less(a, b)) || (bNull && aDefined) || !bDefined)
        return -1;
    return 0;
}

std::optional<double> parseInt(QStringView s)
{
    qsizetype i = 0;
    while (i < s.size() && s.at(i).isSpace())
        ++i;
    bool negative = false;
    if (i < s.size() && (s.at(i) == u'+' || s.at(i) == u'-'))
        negative = s.at(i++) == u'-';
    double value = 0;
    qsizetype digits = 0;
    for (; i < s.size() && s.at(i) >= u'0' && s.at(i) <= u'9'; ++i, ++digits)
        value = value * 10 + (s.at(i).unicode() - u'0');
    if (digits == 0)
        return std::nullopt;
    return negative ? -value : value;
}

} // namespace refetch::sampleapi::js
