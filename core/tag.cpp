#include "tag.h"

namespace refetch {

QString tagIdFromJson(const Json &id)
{
    if (id.isString())
        return id.toString();
    if (id.isInteger() || (id.isDouble() && id.toDouble() == double(id.toInteger())))
        return QString::number(id.toInteger());
    return QString::fromUtf8(id.canonical());
}

Tag::Tag(const QString &type, const Json &id)
    : m_type(type), m_id(tagIdFromJson(id)), m_hasId(true)
{
}

} // namespace refetch
