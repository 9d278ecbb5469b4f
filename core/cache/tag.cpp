#include "core/cache/tag.h"

namespace refetch {

namespace {
// "7" and "-12" are the integers they spell; "07", "+7" and "7.0" are names.
bool parseCanonicalInteger(const QString &s, qint64 *out)
{
    if (s.isEmpty() || s.size() > 20)
        return false;
    if (s.size() > 1 && (s.front() == u'0' || s.startsWith(QLatin1String("-0"))))
        return false;
    bool ok = false;
    const qint64 v = s.toLongLong(&ok);
    if (!ok || s.front() == u'+')
        return false;
    *out = v;
    return true;
}
} // namespace

Tag::Tag(const QString &type, const QString &id)
    : m_type(type)
{
    if (parseCanonicalInteger(id, &m_number)) {
        m_kind = IdKind::Number;
    } else {
        m_string = id;
        m_kind = IdKind::String;
    }
}

Tag::Tag(const QString &type, const Json &id)
    : m_type(type)
{
    if (id.isInteger() || (id.isDouble() && id.toDouble() == double(id.toInteger()))) {
        m_number = id.toInteger();
        m_kind = IdKind::Number;
    } else if (id.isString()) {
        *this = Tag(type, id.toString());
    } else {
        m_string = QString::fromUtf8(id.canonical());
        m_kind = IdKind::String;
    }
}

Json Tag::toJson() const
{
    if (!hasId())
        return Json::object({{u"type", m_type}});
    return Json::object({{u"type", m_type}, {u"id", hasNumericId() ? Json(m_number) : Json(m_string)}});
}

Tag Tag::fromJson(const Json &json)
{
    const QString type = json.value(QLatin1StringView("type")).toString();
    const Json id = json.value(QLatin1StringView("id"));
    if (id.isUndefined())
        return Tag(type);
    if (id.isInteger())
        return Tag(type, id.toInteger());
    // A string id is taken as written: Tag(type, Json) would read "[1]" or "{}" as a string, which it is.
    return Tag(type, id.toString());
}

} // namespace refetch
