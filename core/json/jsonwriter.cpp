// A document to text: toJson() (compact or indented, members in source order, numbers as they were read) and
// canonical() (compact, members sorted and deduplicated, equal numbers written alike: the text query keys hash).

#include "core/json/json_p.h"

#include <QtCore/QDebug>

#include <cstdio>

namespace refetch {

using namespace jsonimpl;

namespace {

constexpr std::array<bool, 256> NeedsEscape = [] {
    std::array<bool, 256> t{};
    for (int i = 0; i < 256; ++i)
        t[i] = i == '"' || i == '\\' || i < 0x20;
    return t;
}();

class TextWriter
{
public:
    TextWriter(qsizetype sizeHint, bool indented, bool canonical) : m_indented(indented), m_canonical(canonical)
    {
        m_out.resize(std::max<qsizetype>(sizeHint, 32));
        m_buf = m_out.data();
    }
    // Appends to `base` instead of starting a new text.
    TextWriter(QByteArray &&base, qsizetype sizeHint, bool canonical)
        : m_out(std::move(base)), m_indented(false), m_canonical(canonical)
    {
        m_len = m_out.size();
        m_out.resize(m_len + std::max<qsizetype>(sizeHint, 32));
        m_buf = m_out.data();
    }
    QByteArray take()
    {
        m_out.resize(m_len);
        return std::move(m_out);
    }
    void value(const uchar *p, int depth);

private:
    void reserve(qsizetype n)
    {
        if (Q_UNLIKELY(m_out.size() - m_len < n)) {
            m_out.resize(std::max(m_len + n, m_out.size() * 2));
            m_buf = m_out.data();
        }
    }
    void put(char c)
    {
        reserve(1);
        m_buf[m_len++] = c;
    }
    void put(const char *s, qsizetype n)
    {
        reserve(n);
        std::memcpy(m_buf + m_len, s, size_t(n));
        m_len += n;
    }
    void newline(int depth)
    {
        if (!m_indented)
            return;
        reserve(1 + 4 * depth);
        m_buf[m_len++] = '\n';
        std::memset(m_buf + m_len, ' ', size_t(4 * depth));
        m_len += 4 * depth;
    }
    void integer(qint64 v)
    {
        reserve(24);
        m_len = std::to_chars(m_buf + m_len, m_buf + m_len + 24, v).ptr - m_buf;
    }
    void number(double d)
    {
        if (m_canonical && integralInRange(d))
            return integer(qint64(d));
        reserve(32);
        m_len = std::to_chars(m_buf + m_len, m_buf + m_len + 32, d).ptr - m_buf;
    }
    void numberText(const uchar *p);
    void string(const StringRef &s);
    void member(const uchar *key, int depth)
    {
        string(stringAt(key));
        if (m_indented)
            put(": ", 2);
        else
            put(':');
        value(Container::valueOf(key), depth);
    }

    QByteArray m_out;
    char *m_buf;
    qsizetype m_len = 0;
    const bool m_indented;
    const bool m_canonical;
};

void TextWriter::string(const StringRef &s)
{
    reserve(s.size + 2);
    m_buf[m_len++] = '"';
    const char *p = s.data;
    const char *end = p + s.size;
    while (p != end) {
        const char *run = p;
        while (p != end && !NeedsEscape[uchar(*p)])
            ++p;
        put(run, p - run);
        if (p == end)
            break;
        const uchar c = uchar(*p++);
        char escape[7] = {'\\', 0};
        int n = 2;
        switch (c) {
        case '"':
            escape[1] = '"';
            break;
        case '\\':
            escape[1] = '\\';
            break;
        case '\b':
            escape[1] = 'b';
            break;
        case '\f':
            escape[1] = 'f';
            break;
        case '\n':
            escape[1] = 'n';
            break;
        case '\r':
            escape[1] = 'r';
            break;
        case '\t':
            escape[1] = 't';
            break;
        default:
            std::snprintf(escape + 1, 6, "u%04x", c);
            n = 6;
        }
        put(escape, n);
    }
    put('"');
}

// The text as received; in canonical form, what an equal integer or double writes, else the value in lowest
// terms ("1.50e1" as 15, "0.1000...00" as 1e-1), so that equal values give equal bytes.
void TextWriter::numberText(const uchar *p)
{
    const QByteArrayView text = numberTextAt(p);
    if (!m_canonical)
        return put(text.data(), text.size());
    const DecimalValue v = decimalValue(text);
    qint64 i;
    if (v.toInteger(&i))
        return integer(i);
    const double d = nearestDouble(text);
    if (std::isfinite(d) && writesBackAs(d, text))
        return number(d);
    if (v.negative)
        put('-');
    put(v.digits.constData(), v.digits.size());
    if (v.exponent != 0) {
        put('e');
        reserve(24);
        m_len = std::to_chars(m_buf + m_len, m_buf + m_len + 24, v.exponent).ptr - m_buf;
    }
}

void TextWriter::value(const uchar *p, int depth)
{
    switch (typeAt(p)) {
    case Type::Undefined:
    case Type::Null:
        return put("null", 4);
    case Type::Bool:
        return *p == TagTrue ? put("true", 4) : put("false", 5);
    case Type::Integer:
        return integer(integerAt(p));
    case Type::Double:
        return *p == TagNumberText ? numberText(p) : number(doubleAt(p));
    case Type::String:
        return string(stringAt(p));
    case Type::Array: {
        const Container c(p);
        if (c.count == 0)
            return put("[]", 2);
        put('[');
        for (qsizetype i = 0; i < qsizetype(c.count); ++i) {
            if (i)
                put(',');
            newline(depth + 1);
            value(c.element(i), depth + 1);
        }
        newline(depth);
        return put(']');
    }
    case Type::Object: {
        const Container c(p);
        if (c.count == 0)
            return put("{}", 2);
        put('{');
        if (m_canonical) {
            Members members;
            effectiveMembers(p, members);
            for (qsizetype i = 0; i < members.size(); ++i) {
                if (i)
                    put(',');
                member(members[i].key, depth + 1);
            }
        } else {
            for (qsizetype i = 0; i < qsizetype(c.count); ++i) {
                if (i)
                    put(',');
                newline(depth + 1);
                member(c.element(i), depth + 1);
            }
            newline(depth);
        }
        return put('}');
    }
    }
}

} // namespace

QByteArray Json::toJson(Format format) const
{
    if (!m_data)
        return QByteArrayLiteral("null");
    const bool indented = format == Format::Indented;
    TextWriter writer(encodedSize() * (indented ? 2 : 1) + 16, indented, false);
    writer.value(bytes(), 0);
    QByteArray text = writer.take();
    if (indented)
        text += '\n';
    return text;
}

void Json::appendCanonical(QByteArray &out) const
{
    if (!m_data)
        return;
    TextWriter writer(std::move(out), encodedSize() + 16, true);
    writer.value(bytes(), 0);
    out = writer.take();
}

QByteArray Json::canonical() const
{
    if (!m_data)
        return {};
    TextWriter writer(encodedSize() + 16, false, true);
    writer.value(bytes(), 0);
    return writer.take();
}

QDebug operator<<(QDebug debug, const Json &json)
{
    QDebugStateSaver saver(debug);
    debug.nospace().noquote();
    if (json.isUndefined())
        return debug << "Json(undefined)";
    constexpr qsizetype Limit = 500;
    QByteArray text = json.toJson();
    if (text.size() > Limit) {
        text.truncate(Limit);
        text += "...";
    }
    return debug << "Json(" << text << ')';
}

} // namespace refetch
