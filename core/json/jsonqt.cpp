// Conversions to and from Qt's JSON: a Json from a QJsonValue, QJsonObject or QJsonArray (and a QStringList), and
// toQJsonValue(), as exact as QJsonValue can be.

#include "core/json/jsonencoder_p.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>

namespace refetch {

using namespace jsonimpl;

namespace {

void encodeQJson(Encoder &e, const QJsonValue &v);

void encodeQJson(Encoder &e, const QJsonArray &a)
{
    e.beginContainer(false);
    for (const QJsonValue &element : a) {
        e.mark();
        encodeQJson(e, element);
    }
    e.endContainer();
}

void encodeQJson(Encoder &e, const QJsonObject &o)
{
    e.beginContainer(true);
    for (auto it = o.begin(); it != o.end(); ++it) {
        e.mark();
        e.putString(QStringView(it.key()));
        encodeQJson(e, it.value());
    }
    e.endContainer();
}

void encodeQJson(Encoder &e, const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return e.putNull();
    case QJsonValue::Bool:
        return e.putBool(v.toBool());
    case QJsonValue::Double: {
        // QJsonValue keeps integers exact but does not tell them apart from integral
        // doubles (it normalises 2.0 to 2); toInteger() succeeds for both.
        const qint64 i = v.toInteger(0);
        if (i == v.toInteger(1))
            return e.putInteger(i);
        return e.putDouble(v.toDouble());
    }
    case QJsonValue::String:
        return e.putString(QStringView(v.toString()));
    case QJsonValue::Array:
        return encodeQJson(e, v.toArray());
    case QJsonValue::Object:
        return encodeQJson(e, v.toObject());
    }
}

QJsonValue toQJson(const uchar *p)
{
    switch (typeAt(p)) {
    case Type::Undefined:
        return QJsonValue(QJsonValue::Undefined);
    case Type::Null:
        return QJsonValue(QJsonValue::Null);
    case Type::Bool:
        return QJsonValue(*p == TagTrue);
    case Type::Integer:
        return QJsonValue(integerAt(p));
    case Type::Double:
        if (*p == TagNumberText) {
            // As exact as QJsonValue can be: an integer when the value is one, else the nearest double.
            qint64 i;
            if (decimalOf(p).toInteger(&i))
                return QJsonValue(i);
            return QJsonValue(nearestDouble(numberTextAt(p)));
        }
        return QJsonValue(doubleAt(p));
    case Type::String:
        return QJsonValue(stringAt(p).toQString());
    case Type::Array: {
        const Container c(p);
        QJsonArray a;
        for (qsizetype i = 0; i < qsizetype(c.count); ++i)
            a.append(toQJson(c.element(i)));
        return a;
    }
    case Type::Object: {
        const Container c(p);
        QJsonObject o;
        for (qsizetype i = 0; i < qsizetype(c.count); ++i) {
            const uchar *key = c.element(i);
            o.insert(stringAt(key).toQString(), toQJson(Container::valueOf(key)));
        }
        return o;
    }
    }
    return {};
}

} // namespace

Json::Json(const QJsonValue &v)
{
    if (!v.isUndefined())
        *this = build(64, [&v](Encoder &e) { encodeQJson(e, v); });
}

Json::Json(const QJsonObject &o) : Json(build(64, [&o](Encoder &e) { encodeQJson(e, o); })) {}

Json::Json(const QJsonArray &a) : Json(build(64, [&a](Encoder &e) { encodeQJson(e, a); })) {}

QJsonValue Json::toQJsonValue() const
{
    if (!m_data)
        return QJsonValue(QJsonValue::Undefined);
    return toQJson(bytes());
}

Json Json::fromStringList(const QStringList &list)
{
    return Json(QJsonArray::fromStringList(list));
}

} // namespace refetch
