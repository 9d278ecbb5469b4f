#include "fieldvalue.h"

#include <QJsonValue>

namespace refetch::fieldvalue {

namespace {

Json parseText(const QString &text, bool *ok)
{
    JsonParseError error;
    const Json v = Json::parse(text.trimmed().toUtf8(), &error);
    *ok = error.ok();
    return v;
}

} // namespace

QString typeName(const Json &v)
{
    switch (v.type()) {
    case Json::Type::Undefined:
        return QString();
    case Json::Type::Null:
        return QStringLiteral("null");
    case Json::Type::Bool:
        return QStringLiteral("boolean");
    case Json::Type::Integer:
        return QStringLiteral("integer");
    case Json::Type::Double:
        return QStringLiteral("number");
    case Json::Type::String:
        return QStringLiteral("string");
    case Json::Type::Array:
        return QStringLiteral("array");
    case Json::Type::Object:
        return QStringLiteral("object");
    }
    return QString();
}

bool same(const Json &a, const Json &b)
{
    return a.type() == b.type() && a == b;
}

Json fromVariant(const QVariant &value, Json::Type like, bool *ok)
{
    *ok = true;
    if (value.metaType() == QMetaType::fromType<Json>())
        return value.value<Json>();
    if (value.metaType() == QMetaType::fromType<QJsonValue>())
        return Json(value.toJsonValue());
    if (!value.isValid())
        return Json(nullptr);
    const int type = value.metaType().id();
    const bool isText = type == QMetaType::QString || type == QMetaType::QByteArray;
    switch (like) {
    case Json::Type::String:
        if (value.canConvert<QString>())
            return Json(value.toString());
        break;
    case Json::Type::Bool:
        if (type == QMetaType::Bool)
            return Json(value.toBool());
        if (isText) {
            const QString t = value.toString().trimmed().toLower();
            if (t == u"true" || t == u"false")
                return Json(t == u"true");
        }
        break;
    case Json::Type::Integer:
    case Json::Type::Double:
        if (type == QMetaType::Double || type == QMetaType::Float)
            return Json(value.toDouble());
        if (type == QMetaType::ULongLong)
            return Json(value.toULongLong());   // beyond int64 too, exactly
        if (type == QMetaType::Int || type == QMetaType::LongLong || type == QMetaType::UInt
            || type == QMetaType::Short || type == QMetaType::Long)
            return Json(value.toLongLong());
        if (isText) {
            const QString t = value.toString().trimmed();
            // JSON number text is taken digit for digit (12345678901234567890123 stays that number); other text
            // that reads as a number ("+5", "1.") as before.
            if (const Json number = Json::fromNumberText(t); number.isNumber())
                return number;
            bool good = false;
            const qlonglong i = t.toLongLong(&good);
            if (good)
                return Json(qint64(i));
            const double d = t.toDouble(&good);
            if (good)
                return Json(d);
        }
        break;
    case Json::Type::Array:
    case Json::Type::Object:
    case Json::Type::Null:
    case Json::Type::Undefined:
        if (isText) {
            bool parsed = false;
            const Json v = parseText(value.toString(), &parsed);
            if (parsed)
                return v;
            // Text that is not JSON: a string, unless the field holds a structure.
            if (like == Json::Type::Null || like == Json::Type::Undefined)
                return Json(value.toString());
            break;
        }
        if (type == QMetaType::Bool)
            return Json(value.toBool());
        if (type == QMetaType::Double)
            return Json(value.toDouble());
        if (value.canConvert<qlonglong>() && like != Json::Type::Array && like != Json::Type::Object)
            return Json(value.toLongLong());
        break;
    }
    *ok = false;
    return Json();
}

} // namespace refetch::fieldvalue
