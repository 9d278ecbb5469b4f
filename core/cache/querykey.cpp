#include "core/cache/querykey.h"

#include <charconv>
#include <cstring>

namespace refetch {

namespace {

void appendPart(QByteArray &out, const Json &part)
{
    part.appendCanonical(out);
}

// Plain text (printable ASCII without quote or backslash) is its own JSON string body; anything else goes
// through Json::canonical(), so both paths give the same bytes.
template <typename Char>
bool isPlain(const Char *s, qsizetype n)
{
    for (qsizetype i = 0; i < n; ++i) {
        const auto c = uint(s[i]);
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
            return false;
    }
    return true;
}

template <typename Char>
void appendPlain(QByteArray &out, const Char *s, qsizetype n)
{
    out += '"';
    const qsizetype at = out.size();
    out.resize(at + n);
    char *dst = out.data() + at;
    for (qsizetype i = 0; i < n; ++i)
        dst[i] = char(s[i]);
    out += '"';
}

} // namespace

void KeyPart::appendTo(QByteArray &out) const
{
    switch (m_kind) {
    case Kind::Utf8: {
        if (!m_utf8) {
            out += "null";
            return;
        }
        const qsizetype n = qsizetype(std::strlen(m_utf8));
        if (isPlain(m_utf8, n))
            appendPlain(out, m_utf8, n);
        else
            out += Json(m_utf8).canonical();
        return;
    }
    case Kind::Utf16:
        if (isPlain(m_utf16.utf16(), m_utf16.size()))
            appendPlain(out, m_utf16.utf16(), m_utf16.size());
        else
            out += Json(m_utf16).canonical();
        return;
    case Kind::Latin1:
        if (isPlain(m_latin1.data(), m_latin1.size()))
            appendPlain(out, m_latin1.data(), m_latin1.size());
        else
            out += Json(m_latin1).canonical();
        return;
    case Kind::Integer: {
        char buf[24];
        const auto r = std::to_chars(buf, buf + sizeof buf, m_integer);
        out.append(buf, r.ptr - buf);
        return;
    }
    case Kind::Bool:
        out += m_integer ? "true" : "false";
        return;
    case Kind::Null:
        out += "null";
        return;
    case Kind::Json:
        appendPart(out, *m_json);
        return;
    }
}

QueryKey::QueryKey(std::initializer_list<KeyPart> parts)
{
    // Build in a reused buffer, then allocate the key's text once, at its exact size.
    static thread_local QByteArray text;
    text.resize(0);
    text += '[';
    bool first = true;
    for (const KeyPart &p : parts) {
        if (!first)
            text += ',';
        first = false;
        p.appendTo(text);
    }
    text += ']';
    setText(text, int(parts.size()));
}

void QueryKey::setText(QByteArrayView text, int size)
{
    m_text.clear();
    m_text.append(text.data(), text.size());
    m_size = size;
    m_hash = qHash(text);
}

QueryKey::QueryKey(const QList<Json> &parts)
{
    QByteArray text = "[";
    for (qsizetype i = 0; i < parts.size(); ++i) {
        if (i)
            text += ',';
        appendPart(text, parts[i]);
    }
    text += ']';
    setText(text, int(parts.size()));
}

QueryKey::QueryKey(const QJsonArray &parts)
{
    const Json array(parts);
    setText(array.canonical(), int(array.size()));
}

QueryKey QueryKey::fromCanonical(const QByteArray &canonical)
{
    const Json parsed = Json::parse(canonical);
    QueryKey key;
    if (!parsed.isArray())
        return key;
    key.setText(parsed.canonical(), int(parsed.size()));
    return key;
}

Json QueryKey::parts() const
{
    return Json::parse(text());
}

QByteArrayView QueryKey::prefixOf(QByteArrayView canonical, int n)
{
    // Walk the canonical text to the end of part n-1: the separators at depth 1 outside strings.
    if (n <= 0)
        return QByteArrayView(canonical.data(), 1);
    const char *s = canonical.data();
    const qsizetype len = canonical.size();
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
    return canonical;
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

bool QueryKey::matchesPrefixOf(QByteArrayView canonical, int size) const
{
    if (m_size > size)
        return false;
    if (m_size == 0)
        return true;
    // Scalar-only filters match by text: the canonical prefix is identical.
    if (!text().contains('{') && !text().sliced(1).contains('['))
        return prefixText(m_size) == prefixOf(canonical, m_size);
    return partialMatch(Json::parse(canonical), parts());
}

} // namespace refetch
