// Text to a document: Json::parse. One pass over the text, no recursion: the containers being read are the
// Encoder's open frames, and Parser::run() is a loop over three states (see there). Strings without escapes are
// copied as they are after one SSE2 scan; numbers are kept exactly (jsonnumber.cpp decides double or text).
//
// About 690 lines, more than the 600 or so of the other files: the parser is one class in one translation unit, so
// that the compiler inlines its number, literal and whitespace readers into run()'s loop. Only its error reporting
// (fail() to fillError(), about 100 lines) could move out, and only by declaring the class in a header for that.

#include "core/json/jsonencoder_p.h"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace refetch {

using namespace jsonimpl;
using Code = JsonParseError::Code;

namespace {

inline bool isWhitespace(uchar c)
{
    return c <= ' ' && (c == ' ' || c == '\n' || c == '\r' || c == '\t');
}
inline int hexValue(uchar c)
{
    if (isDigit(c))
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

// Bytes that end a run of plain string content: quote, backslash, control, non-ASCII.
constexpr std::array<bool, 256> StringSpecial = [] {
    std::array<bool, 256> t{};
    for (int i = 0; i < 256; ++i)
        t[i] = i == '"' || i == '\\' || i < 0x20 || i >= 0x80;
    return t;
}();

inline const uchar *scanPlain(const uchar *p, const uchar *end)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        // Signed compare: bytes >= 0x80 are negative, so "< 0x20" catches them too.
        const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                             _mm_cmplt_epi8(v, space));
        const int mask = _mm_movemask_epi8(special);
        if (mask)
            return p + __builtin_ctz(unsigned(mask));
        p += 16;
    }
#endif
    while (p != end && !StringSpecial[*p])
        ++p;
    return p;
}

class Parser
{
public:
    Parser(QByteArrayView in, int maxDepth, Encoder &encoder)
        : m_begin(reinterpret_cast<const uchar *>(in.data())),
          m_p(m_begin),
          m_end(m_begin + in.size()),
          m_maxDepth(maxDepth),
          m_enc(encoder)
    {}

    bool run();
    void fillError(JsonParseError *error) const;

private:
    bool parseString();
    bool parseEscapedString(const uchar *start, bool ascii);
    bool decodeEscape(bool &ascii);
    bool readHex4(const uchar *escape, const uchar *digits, char32_t &value);
    bool parseNumber();
    bool parseLiteral(const char *word, int length, uchar tag)
    {
        if (Q_LIKELY(m_end - m_p >= length && std::memcmp(m_p, word, size_t(length)) == 0)) {
            m_enc.putByte(tag);
            m_p += length;
            return true;
        }
        return failLiteral(word, length);
    }
    void skipWhitespace()
    {
        while (m_p != m_end && isWhitespace(*m_p))
            ++m_p;
    }

    Q_DECL_COLD_FUNCTION bool fail(Code code, const uchar *at, const QString &what, const QString &hint = {});
    Q_DECL_COLD_FUNCTION bool failUnexpected(const uchar *at, const QString &hint);
    Q_DECL_COLD_FUNCTION bool failLiteral(const char *word, int length);
    Q_DECL_COLD_FUNCTION bool failNumber(const uchar *start, const QString &hint);
    Q_DECL_COLD_FUNCTION bool failUtf8(const uchar *at, int sequenceLength);
    Q_DECL_COLD_FUNCTION bool failInString(const uchar *at);
    QString describe(const uchar *at) const;
    QString excerpt(const uchar *from, const uchar *to) const;

    const uchar *const m_begin;
    const uchar *m_p;
    const uchar *const m_end;
    const int m_maxDepth;
    Encoder &m_enc;

    Code m_code = Code::None;
    const uchar *m_errorAt = nullptr;
    QString m_what;
    QString m_hint;
};

// What Parser::run() looks for next.
enum class Expect : uchar {
    // A value: the document itself, an array's element (after '[' or ','), or an object member's value (after
    // ':'). Whitespace before it is skipped. A scalar is read whole; '[' or '{' opens a container.
    Value,
    // An object member's key and its ':' (after '{' or after ',' in an object), then at once the member's value:
    // this case falls through into Value. Whitespace before the key is skipped.
    Key,
    // What may follow a complete value: ',' or the innermost open container's closing bracket, or, when no
    // container is open, the end of the input.
    CommaOrClose,
};

// One loop over the text, without recursion, so that deep nesting cannot overflow the stack. The containers being
// read are the Encoder's open frames, innermost last (m_enc.depth(), m_enc.inObject()): '[' or '{' opens one, at
// most m_maxDepth deep, and its ']' or '}' closes it, writing its table. Each turn of the loop reads one step of
// the grammar in the state `expect` and sets the state that follows. (As fast as the gotos it replaced: the compiler
// turns each `expect = ...; continue;` into a jump straight to that state's code.)
bool Parser::run()
{
    if (m_end - m_p >= 3 && m_p[0] == 0xEF && m_p[1] == 0xBB && m_p[2] == 0xBF)
        m_p += 3; // RFC 8259 lets a parser ignore a byte order mark
    skipWhitespace();
    if (m_p == m_end)
        return fail(Code::Empty, m_begin, QStringLiteral("empty input"), QStringLiteral("expected a JSON value"));

    Expect expect = Expect::Value;
    for (;;) {
        switch (expect) {
        case Expect::Key:
            if (Q_UNLIKELY(m_p == m_end || *m_p != '"'))
                return failUnexpected(m_p, QStringLiteral("expected a string as object key"));
            m_enc.mark(); // the member starts at its key
            if (!parseString())
                return false;
            skipWhitespace();
            if (Q_UNLIKELY(m_p == m_end || *m_p != ':'))
                return failUnexpected(m_p, QStringLiteral("expected ':' after an object key"));
            ++m_p;
            skipWhitespace();
            expect = Expect::Value; // the member's value follows at once
            [[fallthrough]];
        case Expect::Value:
            if (Q_UNLIKELY(m_p == m_end))
                return fail(Code::UnexpectedEnd, m_p, QStringLiteral("unexpected end of input"), QStringLiteral("expected a value"));
            switch (*m_p) {
            case '{':
            case '[': {
                const bool object = *m_p == '{';
                if (Q_UNLIKELY(m_enc.depth() >= m_maxDepth)) {
                    return fail(Code::TooDeep, m_p, QStringLiteral("nesting deeper than %1 levels").arg(m_maxDepth),
                                QStringLiteral("the limit is JsonLimits::maxDepth"));
                }
                m_enc.beginContainer(object);
                ++m_p;
                skipWhitespace();
                if (m_p != m_end && *m_p == (object ? '}' : ']')) {
                    // Empty: closed at once, a complete value.
                    ++m_p;
                    m_enc.endContainer();
                    expect = Expect::CommaOrClose;
                } else if (object) {
                    expect = Expect::Key;
                } else {
                    m_enc.mark(); // the first element starts here
                    expect = Expect::Value;
                }
                continue;
            }
            case '"':
                if (!parseString())
                    return false;
                break;
            case 't':
                if (!parseLiteral("true", 4, TagTrue))
                    return false;
                break;
            case 'f':
                if (!parseLiteral("false", 5, TagFalse))
                    return false;
                break;
            case 'n':
                if (!parseLiteral("null", 4, TagNull))
                    return false;
                break;
            case '-':
            case '0':
            case '1':
            case '2':
            case '3':
            case '4':
            case '5':
            case '6':
            case '7':
            case '8':
            case '9':
                if (!parseNumber())
                    return false;
                break;
            default:
                return failUnexpected(m_p, QStringLiteral("expected a value"));
            }
            // A scalar was read whole.
            expect = Expect::CommaOrClose;
            continue;

        case Expect::CommaOrClose:
            skipWhitespace();
            if (m_enc.depth() == 0) {
                // The document is complete.
                if (m_p != m_end) {
                    return fail(Code::TrailingGarbage, m_p, QStringLiteral("unexpected %1 after the JSON value").arg(describe(m_p)),
                                QStringLiteral("only whitespace may follow it"));
                }
                return true;
            }
            if (Q_LIKELY(m_p != m_end)) {
                if (*m_p == ',') {
                    ++m_p;
                    skipWhitespace();
                    if (m_enc.inObject()) {
                        expect = Expect::Key;
                    } else {
                        m_enc.mark(); // the next element starts here
                        expect = Expect::Value;
                    }
                    continue;
                }
                if (*m_p == (m_enc.inObject() ? '}' : ']')) {
                    // The innermost container is closed: a complete value of the one around it (or the document).
                    ++m_p;
                    m_enc.endContainer();
                    expect = Expect::CommaOrClose;
                    continue;
                }
            }
            return failUnexpected(m_p, m_enc.inObject() ? QStringLiteral("expected ',' or '}' in an object")
                                                        : QStringLiteral("expected ',' or ']' in an array"));
        }
    }
}

bool Parser::parseString()
{
    const uchar *start = ++m_p;
    bool ascii = true;
    for (;;) {
        m_p = scanPlain(m_p, m_end);
        if (Q_UNLIKELY(m_p == m_end))
            return failInString(m_p);
        const uchar c = *m_p;
        if (Q_LIKELY(c == '"'))
            break;
        if (c == '\\')
            return parseEscapedString(start, ascii);
        if (c < 0x20)
            return failInString(m_p);
        const int n = utf8SequenceLength(m_p, m_end);
        if (Q_UNLIKELY(n <= 0))
            return failUtf8(m_p, n);
        m_p += n;
        ascii = false;
    }
    m_enc.putString(reinterpret_cast<const char *>(start), m_p - start, ascii);
    ++m_p;
    return true;
}

// The slow path, for strings with escapes: [start, m_p) is plain and already checked.
bool Parser::parseEscapedString(const uchar *start, bool ascii)
{
    // The decoded length is only known at the end: reserve the long header, and move the
    // bytes back if the string turns out short (which keeps one encoding per string).
    const qsizetype header = m_enc.pos();
    m_enc.reserve(5);
    m_enc.setPos(header + 5);
    m_enc.putBytes(start, m_p - start);
    for (;;) {
        if (m_p == m_end)
            return failInString(m_p);
        const uchar c = *m_p;
        if (c == '"')
            break;
        if (c == '\\') {
            if (!decodeEscape(ascii))
                return false;
        } else if (c < 0x20) {
            return failInString(m_p);
        } else if (c >= 0x80) {
            const int n = utf8SequenceLength(m_p, m_end);
            if (n <= 0)
                return failUtf8(m_p, n);
            m_enc.putBytes(m_p, n);
            m_p += n;
            ascii = false;
        } else {
            const uchar *run = m_p;
            m_p = scanPlain(m_p, m_end);
            m_enc.putBytes(run, m_p - run);
        }
    }
    ++m_p;
    const qsizetype length = m_enc.pos() - header - 5;
    uchar *h = m_enc.at(header);
    const uchar a = ascii ? TagAscii : 0;
    if (length < LongString) {
        std::memmove(h + 1, h + 5, size_t(length));
        h[0] = TagString | a | uchar(length);
        m_enc.setPos(header + 1 + length);
    } else {
        h[0] = TagString | a | LongString;
        store(h + 1, quint32(length));
    }
    return true;
}

bool Parser::decodeEscape(bool &ascii)
{
    const uchar *escape = m_p;
    if (m_end - m_p < 2)
        return failInString(m_end);
    uchar out;
    switch (m_p[1]) {
    case '"':
        out = '"';
        break;
    case '\\':
        out = '\\';
        break;
    case '/':
        out = '/';
        break;
    case 'b':
        out = '\b';
        break;
    case 'f':
        out = '\f';
        break;
    case 'n':
        out = '\n';
        break;
    case 'r':
        out = '\r';
        break;
    case 't':
        out = '\t';
        break;
    case 'u': {
        char32_t cp;
        if (!readHex4(escape, m_p + 2, cp))
            return false;
        m_p += 6;
        if (QChar::isLowSurrogate(cp)) {
            return fail(Code::InvalidEscape, escape, QStringLiteral("lone surrogate '%1'").arg(excerpt(escape, m_p)),
                        QStringLiteral("a low surrogate must follow a high surrogate"));
        }
        if (QChar::isHighSurrogate(cp)) {
            if (m_end - m_p >= 2 && m_p[0] == '\\' && m_p[1] == 'u') {
                char32_t low;
                if (!readHex4(m_p, m_p + 2, low))
                    return false;
                if (!QChar::isLowSurrogate(low)) {
                    return fail(Code::InvalidEscape, escape, QStringLiteral("lone surrogate '%1'").arg(excerpt(escape, m_p)),
                                QStringLiteral("a high surrogate must be followed by a low one"));
                }
                cp = QChar::surrogateToUcs4(char16_t(cp), char16_t(low));
                m_p += 6;
            } else if (m_p == m_end || (m_end - m_p == 1 && *m_p == '\\')) {
                return failInString(m_end);
            } else {
                return fail(Code::InvalidEscape, escape, QStringLiteral("lone surrogate '%1'").arg(excerpt(escape, m_p)),
                            QStringLiteral("a high surrogate must be followed by a \\u escaped low surrogate"));
            }
        }
        m_enc.reserve(4);
        m_enc.setPos(putCodePoint(m_enc.at(m_enc.pos()), cp) - m_enc.at(0));
        if (cp >= 0x80)
            ascii = false;
        return true;
    }
    default:
        return fail(Code::InvalidEscape, escape,
                    QStringLiteral("invalid escape sequence '%1'").arg(excerpt(escape, escape + 2)),
                    QStringLiteral("valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX"));
    }
    m_enc.putByte(out);
    m_p += 2;
    return true;
}

bool Parser::readHex4(const uchar *escape, const uchar *digits, char32_t &value)
{
    value = 0;
    for (int i = 0; i < 4; ++i) {
        if (digits + i == m_end)
            return failInString(m_end);
        const int d = hexValue(digits[i]);
        if (d < 0) {
            return fail(Code::InvalidEscape, escape,
                        QStringLiteral("invalid escape sequence '%1'").arg(excerpt(escape, digits + i + 1)),
                        QStringLiteral("\\u needs four hex digits"));
        }
        value = value * 16 + char32_t(d);
    }
    return true;
}

// An integer goes into the narrowest integer that holds it, any other number into a double, unless that would
// change it: an integer beyond int64, or a number whose double writes back as another value (more digits than a
// double keeps, beyond its range, below its smallest, a whole number from 2^53 on that the double writes with other
// digits), is kept as its text. Up to 15 significant digits (DBL_DIG) of a double in its normal range below 2^53
// always come back, so the check runs for longer numbers, long exponents and large ones only.
bool Parser::parseNumber()
{
    const uchar *start = m_p;
    const bool negative = *m_p == '-';
    if (negative)
        ++m_p;
    if (Q_UNLIKELY(m_p == m_end || !isDigit(*m_p)))
        return failNumber(start, QStringLiteral("expected a digit"));
    quint64 mantissa = 0;
    qsizetype digits = 0;
    if (*m_p == '0') {
        ++m_p;
        digits = 1;
        if (Q_UNLIKELY(m_p != m_end && isDigit(*m_p)))
            return failNumber(start, QStringLiteral("leading zeros are not allowed"));
    } else {
        do {
            if (digits < 19)
                mantissa = mantissa * 10 + (*m_p - '0');
            ++digits;
            ++m_p;
        } while (m_p != m_end && isDigit(*m_p));
    }
    if (m_p == m_end || (*m_p != '.' && (*m_p | 0x20) != 'e')) {
        constexpr quint64 limit = quint64(std::numeric_limits<qint64>::max());
        if (digits <= 19) {
            if (!negative && mantissa <= limit) {
                m_enc.putInteger(qint64(mantissa));
                return true;
            }
            if (negative && mantissa != 0 && mantissa <= limit + 1) {
                m_enc.putInteger(qint64(0 - mantissa));
                return true;
            }
        }
        // "-0" is left to the double path so that its sign survives.
        if (mantissa != 0 || digits != 1) {
            m_enc.putNumberText(reinterpret_cast<const char *>(start), m_p - start);
            return true;
        }
    }
    const uchar *fraction = m_p;
    const uchar *fractionEnd = m_p;
    bool accumulated = false;   // mantissa holds the fraction's digits too
    if (m_p != m_end && *m_p == '.') {
        ++m_p;
        if (Q_UNLIKELY(m_p == m_end || !isDigit(*m_p)))
            return failNumber(start, QStringLiteral("expected a digit after '.'"));
        fraction = m_p;
        // A long fraction (a 17-digit double's) goes eight digits at a time, its mantissa carried along for the
        // check below; a short one is only scanned.
        if constexpr (std::endian::native == std::endian::little) {
            while (m_end - m_p >= 8) {
                const quint64 chunk = load<quint64>(m_p);
                if (!areEightDigits(chunk))
                    break;
                mantissa = mantissa * 100'000'000 + eightDigits(chunk);
                m_p += 8;
            }
        }
        if (m_p != fraction) {
            for (; m_p != m_end && isDigit(*m_p); ++m_p)
                mantissa = mantissa * 10 + (*m_p - '0');
            accumulated = true;
        } else {
            while (m_p != m_end && isDigit(*m_p))
                ++m_p;
        }
        fractionEnd = m_p;
        digits += m_p - fraction;
    }
    const uchar *exponent = m_p;
    if (m_p != m_end && (*m_p | 0x20) == 'e') {
        ++m_p;
        if (m_p != m_end && (*m_p == '+' || *m_p == '-'))
            ++m_p;
        if (Q_UNLIKELY(m_p == m_end || !isDigit(*m_p)))
            return failNumber(start, QStringLiteral("expected a digit in the exponent"));
        exponent = m_p;
        while (m_p != m_end && isDigit(*m_p))
            ++m_p;
    }
    const qsizetype exponentDigits = m_p - exponent;
    const QByteArrayView text(reinterpret_cast<const char *>(start), m_p - start);
    double d;
    const auto [end, ec] = std::from_chars(text.begin(), text.end(), d);
    if (Q_UNLIKELY(ec != std::errc() || end != text.end())) {
        if (ec != std::errc::result_out_of_range)
            return failNumber(start, QString());
        // Kept as text beyond a double's range, up to exponents values can be compared at (and written back
        // exactly): 1e400 is a number, 1e1000000000000000001 is not one anybody sends.
        if (exponentDigits > 15)
            return failNumber(start, QStringLiteral("its exponent is out of range"));
        m_enc.putNumberText(text.data(), text.size());
        return true;
    }
    if (Q_UNLIKELY(digits > 15 || exponentDigits > 2 || std::fabs(d) >= 0x1p53)) {
        // The value from the digits already found: the integer part's mantissa, the fraction's digits after it.
        ShortDecimal value;
        if (digits <= 19 && exponentDigits <= 2) {
            qint64 e = 0;
            for (const uchar *p = exponent; p != m_p; ++p)
                e = e * 10 + (*p - '0');
            value = shortDecimal(accumulated ? mantissa : appendDigits(mantissa, fraction, fractionEnd),
                                 (exponent[-1] == '-' ? -e : e) - (fractionEnd - fraction));
        } else {
            value = shortDecimal(text);
        }
        if (!writesBackAs(d, value, text)) {
            m_enc.putNumberText(text.data(), text.size());
            return true;
        }
    }
    m_enc.putDouble(d);
    return true;
}

bool Parser::fail(Code code, const uchar *at, const QString &what, const QString &hint)
{
    m_code = code;
    m_errorAt = at;
    m_what = what;
    m_hint = hint;
    return false;
}

bool Parser::failUnexpected(const uchar *at, const QString &hint)
{
    if (at == m_end)
        return fail(Code::UnexpectedEnd, at, QStringLiteral("unexpected end of input"), hint);
    if (*at >= 0x80 && utf8SequenceLength(at, m_end) <= 0)
        return failUtf8(at, utf8SequenceLength(at, m_end));
    return fail(Code::Syntax, at, QStringLiteral("unexpected %1").arg(describe(at)), hint);
}

bool Parser::failLiteral(const char *word, int length)
{
    for (int i = 0; i < length; ++i) {
        if (m_p + i == m_end || m_p[i] != uchar(word[i]))
            return failUnexpected(m_p + i, QStringLiteral("expected '%1'").arg(QLatin1StringView(word)));
    }
    Q_UNREACHABLE();
    return false;
}

bool Parser::failNumber(const uchar *start, const QString &hint)
{
    const uchar *end = start + 1;
    while (end != m_end && (isDigit(*end) || *end == '.' || *end == '-' || *end == '+' || (*end | 0x20) == 'e'))
        ++end;
    return fail(Code::InvalidNumber, start, QStringLiteral("invalid number '%1'").arg(excerpt(start, end)), hint);
}

bool Parser::failUtf8(const uchar *at, int sequenceLength)
{
    if (sequenceLength < 0) {
        return fail(Code::UnexpectedEnd, m_end, QStringLiteral("unexpected end of input"),
                    QStringLiteral("inside a UTF-8 sequence"));
    }
    return fail(Code::InvalidUtf8, at, QStringLiteral("invalid UTF-8 byte 0x%1").arg(*at, 2, 16, QLatin1Char('0')),
                QStringLiteral("the text must be UTF-8"));
}

bool Parser::failInString(const uchar *at)
{
    if (at == m_end)
        return fail(Code::UnexpectedEnd, at, QStringLiteral("unexpected end of input"), QStringLiteral("unterminated string"));
    return fail(Code::Syntax, at, QStringLiteral("unescaped control character 0x%1 in a string").arg(*at, 2, 16, QLatin1Char('0')),
                QStringLiteral("write it as a \\u escape"));
}

QString Parser::describe(const uchar *at) const
{
    if (at == m_end)
        return QStringLiteral("end of input");
    const uchar c = *at;
    if (c > 0x20 && c < 0x7F)
        return QStringLiteral("character '%1'").arg(QLatin1Char(char(c)));
    if (c >= 0x80) {
        const int n = utf8SequenceLength(at, m_end);
        if (n > 0)
            return QStringLiteral("character '%1'").arg(excerpt(at, at + n));
    }
    return QStringLiteral("byte 0x%1").arg(c, 2, 16, QLatin1Char('0'));
}

QString Parser::excerpt(const uchar *from, const uchar *to) const
{
    to = std::min({to, m_end, from + 40});
    return QString::fromUtf8(reinterpret_cast<const char *>(from), to - from);
}

void Parser::fillError(JsonParseError *error) const
{
    if (!error)
        return;
    error->code = m_code;
    error->offset = m_errorAt - m_begin;
    int line = 1;
    const uchar *lineStart = m_begin;
    for (const uchar *p = m_begin; p != m_errorAt; ++p) {
        if (*p == '\n') {
            ++line;
            lineStart = p + 1;
        }
    }
    int column = 1;
    for (const uchar *p = lineStart; p != m_errorAt; ++p)
        column += (*p & 0xC0) != 0x80;
    error->line = line;
    error->column = column;
    error->message = QStringLiteral("%1 at line %2, column %3 (offset %4)").arg(m_what).arg(line).arg(column).arg(error->offset);
    if (!m_hint.isEmpty())
        error->message += QLatin1StringView("; ") + m_hint;
}

} // namespace

Json Json::parse(QByteArrayView utf8, JsonParseError *error, const JsonLimits &limits)
{
    const qsizetype maxBytes = std::clamp<qsizetype>(limits.maxBytes, 0, MaxInputBytes);
    if (utf8.size() > maxBytes) {
        if (error) {
            error->code = Code::TooLarge;
            error->offset = maxBytes;
            const auto *begin = utf8.data();
            error->line = 1 + int(std::count(begin, begin + maxBytes, '\n'));
            const char *lineStart = begin + maxBytes;
            while (lineStart != begin && lineStart[-1] != '\n')
                --lineStart;
            error->column = 1 + int(std::count_if(lineStart, begin + maxBytes, [](char c) { return (uchar(c) & 0xC0) != 0x80; }));
            error->message = QStringLiteral("input of %1 bytes is larger than the limit of %2 bytes; the limit is JsonLimits::maxBytes")
                                     .arg(utf8.size())
                                     .arg(maxBytes);
        }
        return {};
    }
    // Typical documents encode to about their text size; containers grow it a little.
    Encoder encoder(utf8.size() + utf8.size() / 4 + 64);
    Parser parser(utf8, std::clamp(limits.maxDepth, 0, MaxDepthCap), encoder);
    if (!parser.run()) {
        parser.fillError(error);
        return {};
    }
    if (error)
        *error = JsonParseError();
    return encoder.finish();
}

} // namespace refetch
