#include "querykey.h"

namespace refetch {

namespace {

void appendPart(QByteArray &out, const Json &part)
{
    // Strings and integers are most key parts; write them without building a document.
    if (part.isInteger()) {
        out += QByteArray::number(part.toInteger());
        return;
    }
    out += part.canonical();
}

} // namespace

QueryKey::QueryKey(std::initializer_list<Json> parts)
{
    m_canonical.clear();
    m_canonical.reserve(64);
    m_canonical += '[';
    bool first = true;
    for (const Json &p : parts) {
        if (!first)
            m_canonical += ',';
        first = false;
        appendPart(m_canonical, p);
    }
    m_canonical += ']';
    m_size = int(parts.size());
    finish();
}

QueryKey::QueryKey(const QList<Json> &parts)
{
    m_canonical.clear();
    m_canonical += '[';
    for (qsizetype i = 0; i < parts.size(); ++i) {
        if (i)
            m_canonical += ',';
        appendPart(m_canonical, parts[i]);
    }
    m_canonical += ']';
    m_size = int(parts.size());
    finish();
}

QueryKey::QueryKey(const QJsonArray &parts)
{
    const Json array(parts);
    m_canonical = array.canonical();
    m_size = int(array.size());
    finish();
}

QueryKey QueryKey::fromCanonical(const QByteArray &canonical)
{
    const Json parsed = Json::parse(canonical);
    QueryKey key;
    if (!parsed.isArray())
        return key;
    key.m_canonical = parsed.canonical();
    key.m_size = int(parsed.size());
    key.finish();
    return key;
}

void QueryKey::finish()
{
    m_canonical.squeeze();
    m_hash = qHash(m_canonical);
}

Json QueryKey::parts() const
{
    return Json::parse(m_canonical);
}

QByteArrayView QueryKey::prefixText(int n) const
{
    // Walk the canonical text to the end of part n-1: the separators at depth 1 outside strings.
    if (n <= 0)
        return QByteArrayView(m_canonical.constData(), 1);
    const char *s = m_canonical.constData();
    const qsizetype len = m_canonical.size();
    int depth = 0;
    int seen = 0;
    bool inString = false;
    for (qsizetype i = 0; i < len; ++i) {
        const char c = s[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        switch (c) {
        case '"': inString = true; break;
        case '[': case '{': ++depth; break;
        case ']': case '}':
            if (--depth == 0)
                return QByteArrayView(s, i);
            break;
        case ',':
            if (depth == 1 && ++seen == n)
                return QByteArrayView(s, i);
            break;
        default: break;
        }
    }
    return QByteArrayView(m_canonical);
}

bool partialMatch(const Json &value, const Json &filter)
{
    if (filter.isObject()) {
        if (!value.isObject())
            return false;
        for (qsizetype i = 0; i < filter.size(); ++i) {
            const Json other = value.value(filter.keyUtf8At(i));
            if (other.isUndefined() || !partialMatch(other, filter.valueAt(i)))
                return false;
        }
        return true;
    }
    if (filter.isArray()) {
        if (!value.isArray() || value.size() < filter.size())
            return false;
        for (qsizetype i = 0; i < filter.size(); ++i) {
            if (!partialMatch(value.at(i), filter.at(i)))
                return false;
        }
        return true;
    }
    return value == filter;
}

bool QueryKey::matchesPrefixOf(const QueryKey &key) const
{
    if (m_size > key.m_size)
        return false;
    if (m_size == 0)
        return true;
    // Scalar-only filters match by text: the canonical prefix is identical.
    if (m_canonical.indexOf('{') < 0 && m_canonical.indexOf('[', 1) < 0) {
        const QByteArrayView mine = prefixText(m_size);
        const QByteArrayView theirs = key.prefixText(m_size);
        return mine == theirs;
    }
    return partialMatch(key.parts(), parts());
}

} // namespace refetch
