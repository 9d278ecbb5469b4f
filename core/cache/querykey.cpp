#include "core/cache/querykey.h"

#include <QHashSeed>
#include <array>
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
constexpr std::array<bool, 128> PlainChar = [] {
    std::array<bool, 128> t{};
    for (int c = 0x20; c < 0x7f; ++c)
        t[size_t(c)] = c != '"' && c != '\\';
    return t;
}();

template <typename Char>
bool isPlainChar(Char ch)
{
    const auto c = uint(std::make_unsigned_t<Char>(ch));
    return c < 128 && PlainChar[c];
}

template <typename Char>
bool isPlain(const Char *s, qsizetype n)
{
    for (qsizetype i = 0; i < n; ++i) {
        if (!isPlainChar(s[i]))
            return false;
    }
    return true;
}

// Writes the text as a JSON string in one pass when it is plain; otherwise writes nothing and returns false. (The
// names and ids of a key are a few characters: a plain loop beats a vectorised one, which the early exit prevents.)
template <typename Char>
bool appendIfPlain(KeyText &out, const Char *s, qsizetype n)
{
    char *dst = out.extend(n + 2);
    *dst++ = '"';
    for (qsizetype i = 0; i < n; ++i) {
        if (Q_UNLIKELY(!isPlainChar(s[i]))) {
            out.drop(n + 2);
            return false;
        }
        dst[i] = char(s[i]);
    }
    dst[n] = '"';
    return true;
}

void appendText(KeyText &out, QByteArrayView text)
{
    out.append(text.data(), text.size());
}

void appendLiteral(KeyText &out, const char *text)
{
    out.append(text, qsizetype(std::strlen(text)));
}

void appendInteger(KeyText &out, qint64 i)
{
    // Digits written backwards into a small buffer, two at a time (the ids of a key are short).
    static constexpr auto Pairs = [] {
        std::array<char, 200> t{};
        for (int n = 0; n < 100; ++n) {
            t[size_t(2 * n)] = char('0' + n / 10);
            t[size_t(2 * n + 1)] = char('0' + n % 10);
        }
        return t;
    }();
    char buf[24];
    char *end = buf + sizeof buf;
    char *p = end;
    quint64 u = i < 0 ? 0 - quint64(i) : quint64(i);
    while (u >= 100) {
        const size_t r = size_t(u % 100);
        u /= 100;
        p -= 2;
        std::memcpy(p, &Pairs[2 * r], 2);
    }
    if (u >= 10) {
        p -= 2;
        std::memcpy(p, &Pairs[2 * size_t(u)], 2);
    } else {
        *--p = char('0' + u);
    }
    if (i < 0)
        *--p = '-';
    out.append(p, end - p);
}

quint64 fold(quint64 a, quint64 b)
{
    const __uint128_t r = __uint128_t(a) * b;
    return quint64(r) ^ quint64(r >> 64);
}

quint64 processSeed()
{
    // Qt's per-process seed (random unless QT_HASH_SEED fixes it), so that keys a server chose do not collide on
    // purpose.
    return quint64(QHashSeed::globalSeed()) ^ 0x9e3779b97f4a7c15ull;
}

} // namespace

void KeyText::grow(qsizetype n)
{
    const qsizetype used = m_end - m_begin;
    const qsizetype cap = std::max<qsizetype>((m_capEnd - m_begin) * 2, used + n);
    auto bigger = std::make_unique<char[]>(size_t(cap));
    std::memcpy(bigger.get(), m_begin, size_t(used));
    m_heap = std::move(bigger);
    m_begin = m_heap.get();
    m_end = m_begin + used;
    m_capEnd = m_begin + cap;
}

void KeyPart::appendTo(KeyText &out) const
{
    switch (m_kind) {
    case Kind::Utf8: {
        if (!m_utf8) {
            appendLiteral(out, "null");
            return;
        }
        if (!appendIfPlain(out, m_utf8, qsizetype(std::strlen(m_utf8))))
            appendText(out, Json(m_utf8).canonical());
        return;
    }
    case Kind::Utf16:
        if (!appendIfPlain(out, m_utf16.utf16(), m_utf16.size()))
            appendText(out, Json(m_utf16).canonical());
        return;
    case Kind::Latin1:
        if (!appendIfPlain(out, m_latin1.data(), m_latin1.size()))
            appendText(out, Json(m_latin1).canonical());
        return;
    case Kind::Integer:
        appendInteger(out, m_integer);
        return;
    case Kind::Bool:
        appendLiteral(out, m_integer ? "true" : "false");
        return;
    case Kind::Null:
        appendLiteral(out, "null");
        return;
    case Kind::Json:
        appendJson(out, *m_json);
        return;
    case Kind::Members:
        appendMembers(out, m_members);
        return;
    }
}

void KeyPart::appendJson(KeyText &out, const Json &json)
{
    // The common parts of a key (a resource's name, an id) without going through the JSON writer.
    if (json.isString()) {
        const QByteArrayView utf8 = json.stringUtf8();
        if (appendIfPlain(out, utf8.data(), utf8.size()))
            return;
    } else if (json.isInteger()) {
        return appendInteger(out, json.toInteger());
    }
    // An object or an array (a list's page and filters): through the writer, into a reused buffer.
    static thread_local QByteArray scratch;
    scratch.resize(0);
    json.appendCanonical(scratch);
    appendText(out, scratch);
}

void KeyPart::appendArg(KeyText &out, const JsonArg &arg)
{
    switch (arg.m_kind) {
    case JsonArg::Kind::Undefined:
    case JsonArg::Kind::Null:
        return appendLiteral(out, "null");
    case JsonArg::Kind::Bool:
        return appendLiteral(out, arg.m_integer ? "true" : "false");
    case JsonArg::Kind::Integer:
        return appendInteger(out, arg.m_integer);
    case JsonArg::Kind::Double:
        // Rare in a key; 2.0 is written as 2, as the writer does.
        return appendJson(out, Json(arg.m_double));
    case JsonArg::Kind::Utf16:
        if (!appendIfPlain(out, arg.m_utf16.utf16(), arg.m_utf16.size()))
            appendText(out, Json(arg.m_utf16).canonical());
        return;
    case JsonArg::Kind::Latin1:
        if (!appendIfPlain(out, arg.m_latin1.data(), arg.m_latin1.size()))
            appendText(out, Json(arg.m_latin1).canonical());
        return;
    case JsonArg::Kind::Json:
        return appendJson(out, arg.m_json);
    }
}

// An object given as members: sorted by name and written here, when the names are plain ASCII (their UTF-16 order
// is then the UTF-8 byte order the writer sorts by) and there are at most 16 of them; otherwise through a document.
void KeyPart::appendMembers(KeyText &out, std::initializer_list<Member> members)
{
    constexpr int Most = 16;
    const Member *sorted[Most];
    int n = 0;
    for (const Member &m : members) {
        if (m.second.isUndefined())
            continue; // left out, as Json::object() leaves it out
        if (n == Most || !isPlain(m.first.utf16(), m.first.size()))
            return appendJson(out, Json::object(members));
        int i = n;
        int order = 1;
        while (i > 0 && (order = m.first.compare(sorted[i - 1]->first)) < 0)
            --i;
        if (i > 0 && order == 0) {
            sorted[i - 1] = &m; // the same name again: the last counts
            continue;
        }
        for (int j = n; j > i; --j)
            sorted[j] = sorted[j - 1];
        sorted[i] = &m;
        ++n;
    }
    out.append('{');
    for (int i = 0; i < n; ++i) {
        if (i)
            out.append(',');
        appendIfPlain(out, sorted[i]->first.utf16(), sorted[i]->first.size()); // plain: checked above
        out.append(':');
        appendArg(out, sorted[i]->second);
    }
    out.append('}');
}

QueryKey::QueryKey(std::initializer_list<KeyPart> parts)
{
    // Build on the stack, then copy into the key's own text once (inline up to 48 bytes).
    KeyText text;
    text.append('[');
    bool first = true;
    for (const KeyPart &p : parts) {
        if (!first)
            text.append(',');
        first = false;
        p.appendTo(text);
    }
    text.append(']');
    setText(text.view(), int(parts.size()));
}

size_t QueryKey::hashText(QByteArrayView text) noexcept
{
    static const quint64 seed = processSeed();
    constexpr quint64 K1 = 0xa0761d6478bd642full, K2 = 0xe7037ed1a0b428dbull;
    const char *p = text.data();
    size_t n = size_t(text.size());
    quint64 h = seed ^ (quint64(n) * K1);
    while (n >= 16) {
        quint64 a, b;
        std::memcpy(&a, p, 8);
        std::memcpy(&b, p + 8, 8);
        h = fold(a ^ K1, b ^ h);
        p += 16;
        n -= 16;
    }
    quint64 a = 0, b = 0;
    if (n >= 8) {
        std::memcpy(&a, p, 8);
        std::memcpy(&b, p + n - 8, 8);   // the last 8 bytes, overlapping the first when n < 16
    } else if (n > 0) {
        // Up to 7 bytes: the first, middle and last, as wyhash reads a short tail.
        a = (quint64(quint8(p[0])) << 16) | (quint64(quint8(p[n >> 1])) << 8) | quint8(p[n - 1]);
        if (n >= 4) {
            quint32 x, y;
            std::memcpy(&x, p, 4);
            std::memcpy(&y, p + n - 4, 4);
            b = (quint64(x) << 32) | y;
        }
    }
    return size_t(fold(a ^ K2 ^ quint64(text.size()), fold(b ^ K1, h ^ K2)));
}

void QueryKey::setText(QByteArrayView text, int size)
{
    m_text.clear();
    m_text.append(text.data(), text.size());
    m_size = size;
    m_hash = hashText(text);
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
    if (n == 1 && len > 2 && s[1] == '"') {
        // The usual bucket, a key's first part as a string (its resource): it ends after its closing quote.
        for (qsizetype i = 2; i < len; ++i) {
            if (s[i] == '\\')
                ++i;
            else if (s[i] == '"')
                return QByteArrayView(s, i + 1);
        }
        return canonical;
    }
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
