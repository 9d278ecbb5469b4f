#include "core/json/json.h"

#include <QtCore/QDebug>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QVarLengthArray>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/*
  Encoding of a value (native byte order: documents are never persisted or sent):

    0x01 null     0x02 false     0x03 true
    0x04..0x07    integer in 1, 2, 4 or 8 bytes, always the narrowest that holds it
    0x08          double, 8 bytes
    0x09          number kept as text: uint32 length, then the number's ASCII text as received (a
                  number that neither an integer nor a double holds exactly, see parseNumber)
    0x80|a|n      string: a = 0x40 when every byte is ASCII; n < 63 is the UTF-8 length,
                  n == 63 means a uint32 length follows; then the bytes, no terminator
    0x10|w        array  } uint32 total size, the elements (an object member is its key
    0x14|w        object } string then its value), a table of each element's offset from
                  the tag, then the element count. w picks 1-, 2- or 4-byte table entries
                  (and count), the narrowest that holds the last offset.

  The table comes last so that the parser writes a container in one pass: it only knows
  the count and the widest offset at the closing bracket. Offsets are relative to their
  container, so a value's bytes do not depend on where it sits: equal text gives equal
  bytes anywhere (the memcmp fast path of ==), and a sub-value moves into another
  document with one memcpy (the with*() functions).
*/

namespace refetch {

using detail::JsonData;
using Code = JsonParseError::Code;
using Type = Json::Type;

struct detail::JsonAccess
{
    static Json adopt(JsonData *d, quint32 offset) { return Json(d, offset); }
    static Json share(JsonData *d, quint32 offset)
    {
        d->ref.fetch_add(1, std::memory_order_relaxed);
        return Json(d, offset);
    }
    static const uchar *bytes(const Json &j) { return j.m_data ? j.bytes() : nullptr; }
    static JsonData *data(const Json &j) { return j.m_data; }
    static quint32 offset(const Json &j) { return j.m_offset; }
};
using detail::JsonAccess;

namespace {

enum : uchar {
    TagNull = 0x01,
    TagFalse = 0x02,
    TagTrue = 0x03,
    TagInt8 = 0x04,
    TagInt16 = 0x05,
    TagInt32 = 0x06,
    TagInt64 = 0x07,
    TagDouble = 0x08,
    TagNumberText = 0x09,
    TagArray = 0x10,
    TagObject = 0x14,
    TagContainerMask = 0xFC,
    TagString = 0x80,
    TagAscii = 0x40,
    StringLengthMask = 0x3F,
    LongString = 0x3F,
};

constexpr qsizetype HeaderSize = sizeof(JsonData);
constexpr int MaxDepthCap = 4096;
// Any text encodes to at most ~4.4x its size ("-0," becomes a 9-byte double plus a 4-byte
// table entry), which keeps a document of the largest accepted input under 4 GiB.
constexpr qsizetype MaxInputBytes = qsizetype(512) * 1024 * 1024;
constexpr qsizetype MaxDocumentBytes = qsizetype(0xFFFFFF00u);
// Above this a finished buffer is shrunk with realloc (mremap for mmapped blocks); below it
// is copied to an exact-size block, since shrinking a small heap chunk leaves a fragment
// that a same-sized document cannot reuse.
constexpr qsizetype ShrinkInPlaceBytes = 256 * 1024;

constexpr std::array<Type, 256> TypeOfTag = [] {
    std::array<Type, 256> t{};
    for (int i = 0; i < 256; ++i) {
        Type type = Type::Undefined;
        if (i & TagString)
            type = Type::String;
        else if (i == TagNull)
            type = Type::Null;
        else if (i == TagFalse || i == TagTrue)
            type = Type::Bool;
        else if (i >= TagInt8 && i <= TagInt64)
            type = Type::Integer;
        else if (i == TagDouble || i == TagNumberText)
            type = Type::Double; // a number kept as text reads as a double to callers: toDouble() is nearest
        else if ((i & TagContainerMask) == TagArray && (i & 3) != 3)
            type = Type::Array;
        else if ((i & TagContainerMask) == TagObject && (i & 3) != 3)
            type = Type::Object;
        t[i] = type;
    }
    return t;
}();

inline Type typeAt(const uchar *p)
{
    return TypeOfTag[*p];
}
inline bool isArrayTag(uchar tag)
{
    return (tag & TagContainerMask) == TagArray;
}
inline bool isObjectTag(uchar tag)
{
    return (tag & TagContainerMask) == TagObject;
}

template <typename T>
inline T load(const uchar *p)
{
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
template <typename T>
inline void store(uchar *p, T v)
{
    std::memcpy(p, &v, sizeof v);
}

inline quint32 loadWidth(const uchar *p, int width)
{
    switch (width) {
    case 1:
        return *p;
    case 2:
        return load<quint16>(p);
    default:
        return load<quint32>(p);
    }
}

struct StringRef
{
    const char *data;
    quint32 size;
    bool ascii;

    QByteArrayView view() const { return QByteArrayView(data, size); }
    QString toQString() const
    {
        return ascii ? QString::fromLatin1(data, size) : QString::fromUtf8(data, size);
    }
};

inline StringRef stringAt(const uchar *p)
{
    const uchar n = *p & StringLengthMask;
    const bool ascii = *p & TagAscii;
    if (n != LongString)
        return {reinterpret_cast<const char *>(p + 1), n, ascii};
    return {reinterpret_cast<const char *>(p + 5), load<quint32>(p + 1), ascii};
}

inline quint32 encodedSizeAt(const uchar *p)
{
    const uchar tag = *p;
    if (tag & TagString) {
        const uchar n = tag & StringLengthMask;
        return n != LongString ? 1 + n : 5 + load<quint32>(p + 1);
    }
    switch (tag) {
    case TagNull:
    case TagFalse:
    case TagTrue:
        return 1;
    case TagInt8:
        return 2;
    case TagInt16:
        return 3;
    case TagInt32:
        return 5;
    case TagInt64:
    case TagDouble:
        return 9;
    case TagNumberText:
        return 5 + load<quint32>(p + 1);
    }
    return load<quint32>(p + 1);
}

inline qint64 integerAt(const uchar *p)
{
    switch (*p) {
    case TagInt8:
        return qint8(p[1]);
    case TagInt16:
        return load<qint16>(p + 1);
    case TagInt32:
        return load<qint32>(p + 1);
    default:
        return load<qint64>(p + 1);
    }
}

inline double doubleAt(const uchar *p)
{
    return load<double>(p + 1);
}

// Whether d is a whole number that int64 holds exactly (such doubles equal integers).
inline bool integralInRange(double d)
{
    return d >= -9223372036854775808.0 && d < 9223372036854775808.0 && std::trunc(d) == d;
}

// Numbers kept as text ------------------------------------------------------------------

// Eight ASCII bytes read little-endian: whether each is a digit, and their value (as fast_float reads them).
inline bool areEightDigits(quint64 v)
{
    return !(((v + 0x4646464646464646) | (v - 0x3030303030303030)) & 0x8080808080808080);
}
inline quint64 eightDigits(quint64 v)
{
    constexpr quint64 mask = 0x000000FF000000FF;
    constexpr quint64 mul1 = 100 + (quint64(1000000) << 32);
    constexpr quint64 mul2 = 1 + (quint64(10000) << 32);
    v -= 0x3030303030303030;
    v = (v * 10) + (v >> 8);
    return (((v & mask) * mul1) + (((v >> 16) & mask) * mul2)) >> 32;
}

// mantissa followed by the digits [p, end), eight at a time where there are eight.
inline quint64 appendDigits(quint64 mantissa, const uchar *p, const uchar *end)
{
    if constexpr (std::endian::native == std::endian::little) {
        for (; end - p >= 8; p += 8)
            mantissa = mantissa * 100'000'000 + eightDigits(load<quint64>(p));
    }
    for (; p != end; ++p)
        mantissa = mantissa * 10 + (*p - '0');
    return mantissa;
}

inline QByteArrayView numberTextAt(const uchar *p)
{
    return QByteArrayView(reinterpret_cast<const char *>(p + 5), load<quint32>(p + 1));
}

// Exponents beyond this are taken as this: values like 1e1000000000000000000 compare equal to each other.
constexpr qint64 ExponentCap = 1'000'000'000'000'000'000;

// A number's value in lowest terms: its digits without leading or trailing zeros, times ten to `exponent`
// ("1.50e1" is 15e0, "0.010" is 1e-2, "-0" and "0e9" are zero: no digits). Two numbers are equal when these are.
struct DecimalValue
{
    bool negative = false;
    QVarLengthArray<char, 40> digits;
    qint64 exponent = 0;

    bool isZero() const { return digits.isEmpty(); }
    bool operator==(const DecimalValue &o) const
    {
        return digits.size() == o.digits.size() && exponent == o.exponent && (isZero() || negative == o.negative)
                && std::memcmp(digits.constData(), o.digits.constData(), size_t(digits.size())) == 0;
    }
    // The value as an int64 when it is a whole number in range.
    bool toInteger(qint64 *out) const
    {
        if (isZero()) {
            *out = 0;
            return true;
        }
        if (exponent < 0 || digits.size() + exponent > 19)
            return false;
        quint64 v = 0;
        for (char c : digits)
            v = v * 10 + quint64(c - '0');
        for (qint64 i = 0; i < exponent; ++i)
            v *= 10;
        constexpr quint64 limit = quint64(std::numeric_limits<qint64>::max());
        if (v > limit + (negative ? 1 : 0))
            return false;
        *out = negative ? qint64(0 - v) : qint64(v);
        return true;
    }
};

// The exponent written after the 'e' of valid number text, between `p` and `end`, saturating at ExponentCap
// without overflowing on the way.
qint64 exponentOf(const char *p, const char *end)
{
    qint64 written = 0;
    bool negative = false;
    for (; p != end; ++p) {
        if (*p == '-')
            negative = true;
        else if (*p != '+')
            written = written > (ExponentCap - 9) / 10 ? ExponentCap : std::min(written * 10 + (*p - '0'), ExponentCap);
    }
    return negative ? -written : written;
}

// The value of JSON number text (valid syntax, as the parser checked it, or as std::to_chars writes a double).
DecimalValue decimalValue(QByteArrayView text)
{
    DecimalValue v;
    const char *p = text.begin();
    const char *const end = text.end();
    if (p != end && *p == '-') {
        v.negative = true;
        ++p;
    }
    qint64 fractionDigits = 0;
    bool fraction = false;
    for (; p != end && (*p | 0x20) != 'e'; ++p) {
        if (*p == '.') {
            fraction = true;
            continue;
        }
        fractionDigits += fraction;
        if (*p != '0' || !v.digits.isEmpty())
            v.digits.append(*p);
    }
    const qint64 written = p != end ? exponentOf(p + 1, end) : 0;
    qint64 trailingZeros = 0;
    while (!v.digits.isEmpty() && v.digits.last() == '0') {
        v.digits.removeLast();
        ++trailingZeros;
    }
    v.exponent = v.isZero() ? 0 : written - fractionDigits + trailingZeros;
    return v;
}

// The shortest text that reads back as d (what toJson() writes); `buf` holds at least 32 bytes.
inline QByteArrayView shortestText(double d, char *buf)
{
    return QByteArrayView(buf, std::to_chars(buf, buf + 32, d).ptr - buf);
}

inline QByteArrayView integerText(qint64 i, char *buf)
{
    return QByteArrayView(buf, std::to_chars(buf, buf + 32, i).ptr - buf);
}

// The double nearest to the number `text`: infinity beyond the largest, zero below the smallest.
double nearestDouble(QByteArrayView text)
{
    double d = 0;
    const auto [end, ec] = std::from_chars(text.begin(), text.end(), d);
    if (ec == std::errc::result_out_of_range) {
        const DecimalValue v = decimalValue(text);
        d = v.digits.size() + v.exponent > 0 ? HUGE_VAL : 0.0;
        return v.negative ? -d : d;
    }
    return d;
}

// Whether the number `text` is what d writes back as (compared by value: "1.0" and "1e0" are 1), so that the
// double stands for it exactly.
bool writesBackAsSlow(double d, QByteArrayView text)
{
    char buf[32];
    const QByteArrayView written = shortestText(d, buf);
    return written == text || decimalValue(written) == decimalValue(text);
}

// A number's significant digits as an integer and its power of ten: "0.0012340" is 1234 x 10^-6, 4 digits.
// When there are more than 19 digits from the first that is not zero, only `digits` is set.
struct ShortDecimal
{
    quint64 mantissa = 0;
    qsizetype digits = 0;   // significant: without leading and trailing zeros
    qint64 exponent = 0;
    bool exact = true;      // mantissa and exponent hold the value
};

constexpr std::array<quint64, 20> PowersOfTen64 = [] {
    std::array<quint64, 20> t{};
    quint64 p = 1;
    for (quint64 &x : t) {
        x = p;
        p *= 10;
    }
    return t;
}();

// mantissa x 10^exponent in lowest terms.
ShortDecimal shortDecimal(quint64 mantissa, qint64 exponent)
{
    ShortDecimal v;
    if (mantissa == 0)
        return v;
    while (mantissa % 10 == 0) {
        mantissa /= 10;
        ++exponent;
    }
    const int guess = (std::bit_width(mantissa) * 1233) >> 12;   // about log10, one short at most
    v.digits = guess + (mantissa >= PowersOfTen64[size_t(guess)] ? 1 : 0);
    v.mantissa = mantissa;
    v.exponent = exponent;
    return v;
}

ShortDecimal shortDecimal(QByteArrayView text)
{
    const char *p = text.begin();
    const char *const end = text.end();
    if (p != end && *p == '-')
        ++p;
    const char *dot = nullptr;
    while (p != end && (*p == '0' || *p == '.')) {   // leading zeros are not significant
        if (*p == '.')
            dot = p;
        ++p;
    }
    // Eight digits at a time where there are eight, in a local that stays in a register (the text is chars, which
    // may alias anything). It wraps beyond 19 digits, which are then only counted.
    const char *const first = p;
    quint64 mantissa = 0;
    for (;;) {
        if constexpr (std::endian::native == std::endian::little) {
            while (end - p >= 8) {
                const quint64 chunk = load<quint64>(reinterpret_cast<const uchar *>(p));
                if (!areEightDigits(chunk))
                    break;
                mantissa = mantissa * 100'000'000 + eightDigits(chunk);
                p += 8;
            }
        }
        if (p == end)
            break;
        const unsigned c = unsigned(uchar(*p)) - '0';
        if (c <= 9) {
            mantissa = mantissa * 10 + c;
            ++p;
        } else if (*p == '.') {
            dot = p++;
        } else {
            break;
        }
    }
    const qsizetype counted = (p - first) - (dot && dot >= first ? 1 : 0);
    if (counted > 19) {
        ShortDecimal v;
        v.digits = decimalValue(text).digits.size();
        v.exact = false;
        return v;
    }
    const qint64 fractionDigits = dot ? p - dot - 1 : 0;
    const qint64 written = p != end ? exponentOf(p + 1, end) : 0;
    return shortDecimal(mantissa, written - fractionDigits);
}

#if defined(__SIZEOF_INT128__)
using Wide = __int128;

// Whether d's shortest round-trip text (the digits std::to_chars writes: the fewest digits that read back as d,
// and of those the nearest to d) has t's value, worked out exactly in 128-bit integers instead of by writing d:
// 1 yes, 0 no, -1 when t and d are outside what fits (then writesBackAsSlow decides). t reads as d.
int isShortestOf(const ShortDecimal &t, double d)
{
    // The window that fits: t = M x 10^-k with 1 <= k <= 19, d = 4m x 2^-shift with 2 <= shift <= 64 (about
    // 0.001 to 2^53, written with a fraction): every product below stays under 2^126.
    const qint64 k = -t.exponent;
    if (!t.exact || k < 1 || k > 19)
        return -1;
    quint64 bits;
    std::memcpy(&bits, &d, sizeof bits);
    const int biased = int((bits >> 52) & 0x7FF);
    const quint64 m = (bits & ((quint64(1) << 52) - 1)) | (quint64(1) << 52);
    const int shift = 1077 - biased;   // d = m x 2^(biased - 1075) = 4m x 2^-shift
    if (biased == 0 || shift < 2 || shift > 64 || m == quint64(1) << 52)
        return -1;   // subnormal, out of the window, or a power of two (its interval is lopsided)
    // N = (t - d) x 10^k x 2^shift. A decimal reads as d when it is within half a unit in the last place of d,
    // |N| <= 2 x 10^k in these units, the ends included when m is even (a tie rounds to the even significand).
    const quint64 scale = PowersOfTen64[size_t(k)];
    const Wide n = (Wide(t.mantissa) << shift) - Wide(quint64(4 * m)) * Wide(scale);
    const Wide halfUlp = 2 * Wide(scale);   // 2 x 10^19 is beyond 64 bits
    const bool ends = (m & 1) == 0;
    auto readsAsD = [&](Wide offset) {
        return ends ? offset >= -halfUlp && offset <= halfUlp : offset > -halfUlp && offset < halfUlp;
    };
    // A decimal with a digit less that reads as d (a shorter one would have one too): the two around t are the
    // nearest, t rounded down and up to a multiple of ten.
    const int r = int(t.mantissa % 10);
    if (readsAsD(n - (Wide(r) << shift)) || readsAsD(n + (Wide(10 - r) << shift)))
        return 0;
    // Of the decimals with t's digits, t must be the nearest to d: |t - d| < 10^-k / 2, that is |N| < 2^shift / 2.
    const Wide half = Wide(1) << (shift - 1);
    if (n == half || n == -half)
        return -1;   // a tie: left to the writer's own rule
    return n > -half && n < half ? 1 : 0;
}
#else
// Without 128-bit integers, std::to_chars decides every time.
int isShortestOf(const ShortDecimal &, double)
{
    return -1;
}
#endif

// Whether d, the double nearest to the number `text` (whose value is t), writes back as text's value (what
// toJson() would write has the same value), so that the double stands for it exactly.
bool writesBackAs(double d, const ShortDecimal &t, QByteArrayView text)
{
    // From 2^53 on, doubles are whole numbers, and std::to_chars writes them digit for digit where that is no
    // longer than the exponent form: 2^60 as 1152921504606846976, not as 1.152921504606847e+18.
    if (std::fabs(d) >= 0x1p53)
        return writesBackAsSlow(d, text);
    if (t.digits > 17)
        return false;   // no double's shortest text has more than 17 digits
    if (t.digits <= 15 && std::isnormal(d))
        return true;    // DBL_DIG: 15 digits of a normal double always come back
    if (t.digits <= 15 && d == 0)
        return t.digits == 0;
    const int shortest = isShortestOf(t, std::fabs(d));
    return shortest >= 0 ? shortest == 1 : writesBackAsSlow(d, text);
}

bool writesBackAs(double d, QByteArrayView text)
{
    return writesBackAs(d, shortDecimal(text), text);
}

// The value of a number of any encoding.
DecimalValue decimalOf(const uchar *p)
{
    char buf[32];
    switch (*p) {
    case TagNumberText:
        return decimalValue(numberTextAt(p));
    case TagDouble:
        return decimalValue(shortestText(load<double>(p + 1), buf));
    default:
        return decimalValue(integerText(integerAt(p), buf));
    }
}

// The table of an array or object.
struct Container
{
    explicit Container(const uchar *p) : start(p), width(1 << (*p & 3))
    {
        const uchar *end = p + load<quint32>(p + 1);
        count = loadWidth(end - width, width);
        table = end - width - qsizetype(count) * width;
    }
    const uchar *element(qsizetype i) const { return start + loadWidth(table + i * width, width); }
    // An object member's value follows its key.
    static const uchar *valueOf(const uchar *key) { return key + encodedSizeAt(key); }

    const uchar *start;
    const uchar *table;
    quint32 count;
    int width;
};

inline bool keyEquals(const uchar *key, const char *name, qsizetype n)
{
    if (n < LongString) {
        return (*key & ~TagAscii) == (TagString | n) && (n == 0 || std::memcmp(key + 1, name, n) == 0);
    }
    return (*key & StringLengthMask) == LongString && load<quint32>(key + 1) == n
            && std::memcmp(key + 5, name, n) == 0;
}

// The value of the last member named name, or nullptr.
const uchar *findMember(const uchar *object, const char *name, qsizetype n)
{
    if (!object || !isObjectTag(*object))
        return nullptr;
    const Container c(object);
    for (qsizetype i = c.count; i-- > 0;) {
        const uchar *key = c.element(i);
        if (keyEquals(key, name, n))
            return Container::valueOf(key);
    }
    return nullptr;
}

// Whether a member after i has the same key (so that member i is shadowed).
bool shadowed(const Container &c, qsizetype i)
{
    const StringRef name = stringAt(c.element(i));
    for (qsizetype j = i + 1; j < qsizetype(c.count); ++j) {
        if (keyEquals(c.element(j), name.data, name.size))
            return true;
    }
    return false;
}

int compareNames(const StringRef &a, const StringRef &b)
{
    const int r = std::memcmp(a.data, b.data, std::min(a.size, b.size));
    if (r != 0 || a.size == b.size)
        return r;
    return a.size < b.size ? -1 : 1;
}

struct Member
{
    const uchar *key;
    StringRef name;
    const uchar *value() const { return Container::valueOf(key); }
};
using Members = QVarLengthArray<Member, 16>;

// The members that count (the last of duplicate keys), sorted by key bytes.
void effectiveMembers(const uchar *object, Members &out)
{
    const Container c(object);
    out.resize(c.count);
    for (qsizetype i = 0; i < qsizetype(c.count); ++i) {
        const uchar *key = c.element(i);
        out[i] = {key, stringAt(key)};
    }
    // Ties break on position, so the last of equal keys ends its run.
    std::sort(out.begin(), out.end(), [](const Member &a, const Member &b) {
        const int r = compareNames(a.name, b.name);
        return r != 0 ? r < 0 : a.key < b.key;
    });
    qsizetype kept = 0;
    for (qsizetype i = 0; i < out.size(); ++i) {
        if (i + 1 < out.size() && compareNames(out[i].name, out[i + 1].name) == 0)
            continue;
        out[kept++] = out[i];
    }
    out.resize(kept);
}

// UTF-8 ---------------------------------------------------------------------------------

// Length of the well-formed UTF-8 sequence whose lead byte (>= 0x80) is at p, 0 if it is
// ill-formed (overlong, surrogate, above U+10FFFF, bad continuation), -1 if end cuts it.
inline int utf8SequenceLength(const uchar *p, const uchar *end)
{
    const uchar c = *p;
    int n;
    uchar low = 0x80, high = 0xBF;
    if (c < 0xC2) {
        return 0;
    } else if (c < 0xE0) {
        n = 2;
    } else if (c < 0xF0) {
        n = 3;
        if (c == 0xE0)
            low = 0xA0;
        else if (c == 0xED)
            high = 0x9F;
    } else if (c < 0xF5) {
        n = 4;
        if (c == 0xF0)
            low = 0x90;
        else if (c == 0xF4)
            high = 0x8F;
    } else {
        return 0;
    }
    if (end - p < 2)
        return -1;
    if (p[1] < low || p[1] > high)
        return 0;
    for (int i = 2; i < n; ++i) {
        if (end - p <= i)
            return -1;
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    }
    return n;
}

bool isValidUtf8(const uchar *p, const uchar *end, bool *ascii)
{
    *ascii = true;
    while (p < end) {
        if (*p < 0x80) {
            ++p;
            continue;
        }
        const int n = utf8SequenceLength(p, end);
        if (n <= 0)
            return false;
        *ascii = false;
        p += n;
    }
    return true;
}

inline uchar *putCodePoint(uchar *out, char32_t cp)
{
    if (cp < 0x80) {
        *out++ = uchar(cp);
    } else if (cp < 0x800) {
        *out++ = uchar(0xC0 | (cp >> 6));
        *out++ = uchar(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *out++ = uchar(0xE0 | (cp >> 12));
        *out++ = uchar(0x80 | ((cp >> 6) & 0x3F));
        *out++ = uchar(0x80 | (cp & 0x3F));
    } else {
        *out++ = uchar(0xF0 | (cp >> 18));
        *out++ = uchar(0x80 | ((cp >> 12) & 0x3F));
        *out++ = uchar(0x80 | ((cp >> 6) & 0x3F));
        *out++ = uchar(0x80 | (cp & 0x3F));
    }
    return out;
}

// UTF-16 to UTF-8; a lone surrogate becomes U+FFFD, as in QString::toUtf8().
qsizetype utf8Length(QStringView s, bool *ascii)
{
    qsizetype n = 0;
    bool allAscii = true;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char16_t c = s[i].unicode();
        if (c < 0x80) {
            ++n;
            continue;
        }
        allAscii = false;
        if (c < 0x800) {
            n += 2;
        } else if (QChar::isHighSurrogate(c) && i + 1 < s.size() && s[i + 1].isLowSurrogate()) {
            n += 4;
            ++i;
        } else {
            n += 3;
        }
    }
    *ascii = allAscii;
    return n;
}

uchar *encodeUtf8(QStringView s, uchar *out)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char16_t c = s[i].unicode();
        if (c < 0x80) {
            *out++ = uchar(c);
        } else if (QChar::isHighSurrogate(c) && i + 1 < s.size() && s[i + 1].isLowSurrogate()) {
            out = putCodePoint(out, QChar::surrogateToUcs4(c, s[i + 1].unicode()));
            ++i;
        } else {
            out = putCodePoint(out, QChar::isSurrogate(c) ? char32_t(0xFFFD) : char32_t(c));
        }
    }
    return out;
}

using Utf8Key = QVarLengthArray<char, 128>;

void toUtf8(QStringView s, Utf8Key &out)
{
    bool ascii;
    out.resize(utf8Length(s, &ascii));
    encodeUtf8(s, reinterpret_cast<uchar *>(out.data()));
}

void toUtf8(QLatin1StringView s, Utf8Key &out)
{
    out.resize(0);
    out.reserve(s.size() * 2);
    for (char ch : s) {
        const uchar c = uchar(ch);
        if (c < 0x80) {
            out.append(char(c));
        } else {
            out.append(char(0xC0 | (c >> 6)));
            out.append(char(0x80 | (c & 0x3F)));
        }
    }
}

bool isAscii(const char *s, qsizetype n)
{
    for (qsizetype i = 0; i < n; ++i) {
        if (uchar(s[i]) >= 0x80)
            return false;
    }
    return true;
}

// Encoder --------------------------------------------------------------------------------

// Writes one document: scalars go straight to the buffer, containers are closed with
// endContainer() once their elements are known.
class Encoder
{
public:
    explicit Encoder(qsizetype capacityHint)
    {
        const qsizetype wanted = HeaderSize + capacityHint;
        if (wanted <= qsizetype(sizeof m_local)) {
            m_buf = m_local;
            m_cap = sizeof m_local;
        } else {
            m_buf = static_cast<uchar *>(std::malloc(size_t(wanted)));
            Q_CHECK_PTR(m_buf);
            m_cap = wanted;
        }
    }
    ~Encoder()
    {
        if (m_buf != m_local)
            std::free(m_buf);
    }
    Q_DISABLE_COPY_MOVE(Encoder)

    qsizetype pos() const { return m_len; }
    void setPos(qsizetype pos) { m_len = pos; }
    uchar *at(qsizetype pos) { return m_buf + pos; }
    int depth() const { return int(m_frames.size()); }
    bool inObject() const { return m_frames.last().object; }

    void reserve(qsizetype n)
    {
        if (Q_UNLIKELY(m_cap - m_len < n))
            grow(n);
    }
    void putByte(uchar b)
    {
        reserve(1);
        m_buf[m_len++] = b;
    }
    void putBytes(const void *p, qsizetype n)
    {
        reserve(n);
        if (n)
            std::memcpy(m_buf + m_len, p, size_t(n));
        m_len += n;
    }
    void putNull() { putByte(TagNull); }
    void putBool(bool b) { putByte(b ? TagTrue : TagFalse); }
    void putInteger(qint64 v)
    {
        reserve(9);
        uchar *out = m_buf + m_len;
        if (v == qint8(v)) {
            out[0] = TagInt8;
            out[1] = uchar(v);
            m_len += 2;
        } else if (v == qint16(v)) {
            out[0] = TagInt16;
            store(out + 1, qint16(v));
            m_len += 3;
        } else if (v == qint32(v)) {
            out[0] = TagInt32;
            store(out + 1, qint32(v));
            m_len += 5;
        } else {
            out[0] = TagInt64;
            store(out + 1, v);
            m_len += 9;
        }
    }
    void putDouble(double d)
    {
        reserve(9);
        m_buf[m_len] = TagDouble;
        store(m_buf + m_len + 1, d);
        m_len += 9;
    }
    void putNumberText(const char *text, qsizetype n)
    {
        reserve(n + 5);
        m_buf[m_len] = TagNumberText;
        store(m_buf + m_len + 1, quint32(n));
        std::memcpy(m_buf + m_len + 5, text, size_t(n));
        m_len += 5 + n;
    }
    uchar *putStringHeader(qsizetype n, bool ascii)
    {
        reserve(n + 5);
        uchar *out = m_buf + m_len;
        const uchar a = ascii ? TagAscii : 0;
        if (n < LongString) {
            *out++ = TagString | a | uchar(n);
            m_len += 1 + n;
        } else {
            *out++ = TagString | a | LongString;
            store(out, quint32(n));
            out += 4;
            m_len += 5 + n;
        }
        return out;
    }
    void putString(const char *s, qsizetype n, bool ascii)
    {
        uchar *out = putStringHeader(n, ascii);
        if (n)
            std::memcpy(out, s, size_t(n));
    }
    void putString(QStringView s)
    {
        bool ascii;
        const qsizetype n = utf8Length(s, &ascii);
        encodeUtf8(s, putStringHeader(n, ascii));
    }
    void putString(QLatin1StringView s)
    {
        qsizetype n = s.size();
        for (char c : s)
            n += uchar(c) >= 0x80;
        uchar *out = putStringHeader(n, n == s.size());
        for (char c : s)
            out = putCodePoint(out, uchar(c));
    }
    void putRaw(const uchar *p) { putBytes(p, encodedSizeAt(p)); }
    // Undefined has no encoding; inside a container it is written as null.
    void putValue(const Json &v)
    {
        if (const uchar *p = JsonAccess::bytes(v))
            putRaw(p);
        else
            putNull();
    }
    void putMember(const uchar *key)
    {
        mark();
        putBytes(key, encodedSizeAt(key) + encodedSizeAt(Container::valueOf(key)));
    }

    void beginContainer(bool object)
    {
        reserve(5);
        m_frames.append({quint32(m_len), quint32(m_offsets.size()), object});
        m_len += 5; // the tag and size are written by endContainer()
    }
    // Records where the next element (or member key) starts.
    void mark() { m_offsets.append(quint32(m_len)); }
    void endContainer();
    Json finish();

private:
    Q_DECL_COLD_FUNCTION void grow(qsizetype n);

    struct Frame
    {
        quint32 start;
        quint32 firstOffset;
        bool object;
    };
    uchar *m_buf;
    qsizetype m_len = HeaderSize;
    qsizetype m_cap;
    QVarLengthArray<quint32, 64> m_offsets;
    QVarLengthArray<Frame, 16> m_frames;
    alignas(8) uchar m_local[1024];
};

void Encoder::grow(qsizetype n)
{
    const qsizetype needed = m_len + n;
    if (needed - HeaderSize > MaxDocumentBytes)
        qBadAlloc();
    const qsizetype cap = std::min(std::max(needed, m_cap + m_cap / 2), MaxDocumentBytes + HeaderSize);
    uchar *buf;
    if (m_buf == m_local) {
        buf = static_cast<uchar *>(std::malloc(size_t(cap)));
        Q_CHECK_PTR(buf);
        std::memcpy(buf, m_local, size_t(m_len));
    } else {
        buf = static_cast<uchar *>(std::realloc(m_buf, size_t(cap)));
        Q_CHECK_PTR(buf);
    }
    m_buf = buf;
    m_cap = cap;
}

void Encoder::endContainer()
{
    const Frame f = m_frames.last();
    m_frames.removeLast();
    const qsizetype count = m_offsets.size() - f.firstOffset;
    const quint32 *offsets = m_offsets.constData() + f.firstOffset;
    // Each element takes at least a byte after the 5-byte header, so count <= last offset
    // and the count fits the same width.
    const quint32 last = count ? offsets[count - 1] - f.start : 0;
    const int code = last <= 0xFF ? 0 : last <= 0xFFFF ? 1 : 2;
    const int width = 1 << code;
    reserve((count + 1) * width);
    uchar *out = m_buf + m_len;
    switch (code) {
    case 0:
        for (qsizetype i = 0; i < count; ++i)
            out[i] = uchar(offsets[i] - f.start);
        out[count] = uchar(count);
        break;
    case 1:
        for (qsizetype i = 0; i < count; ++i)
            store(out + 2 * i, quint16(offsets[i] - f.start));
        store(out + 2 * count, quint16(count));
        break;
    default:
        for (qsizetype i = 0; i < count; ++i)
            store(out + 4 * i, quint32(offsets[i] - f.start));
        store(out + 4 * count, quint32(count));
        break;
    }
    m_len += (count + 1) * width;
    m_offsets.resize(f.firstOffset);
    m_buf[f.start] = uchar((f.object ? TagObject : TagArray) | code);
    store(m_buf + f.start + 1, quint32(m_len - f.start));
}

Json Encoder::finish()
{
    Q_ASSERT(m_frames.isEmpty() && m_len > HeaderSize);
    void *block;
    if (m_buf != m_local && m_cap >= ShrinkInPlaceBytes) {
        block = std::realloc(m_buf, size_t(m_len));
        if (!block) // a failed shrink leaves the block as it was
            block = m_buf;
        m_buf = m_local;
    } else {
        block = std::malloc(size_t(m_len));
        Q_CHECK_PTR(block);
        std::memcpy(static_cast<uchar *>(block) + HeaderSize, m_buf + HeaderSize, size_t(m_len - HeaderSize));
    }
    auto *d = new (block) JsonData{1, quint32(m_len - HeaderSize)};
    m_len = HeaderSize;
    return JsonAccess::adopt(d, 0);
}

// Null, false and true share static documents that are never freed (they hold one
// reference of their own).
struct StaticScalar
{
    JsonData header;
    uchar tag;
};
StaticScalar staticNull{{1, 1}, TagNull};
StaticScalar staticFalse{{1, 1}, TagFalse};
StaticScalar staticTrue{{1, 1}, TagTrue};

Json shareStatic(StaticScalar &s)
{
    return JsonAccess::share(&s.header, 0);
}

// A value of parent's document, found at p.
inline Json child(const Json &parent, const uchar *p)
{
    JsonData *d = JsonAccess::data(parent);
    return JsonAccess::share(d, quint32(p - d->bytes()));
}

// Parser ---------------------------------------------------------------------------------

inline bool isWhitespace(uchar c)
{
    return c <= ' ' && (c == ' ' || c == '\n' || c == '\r' || c == '\t');
}
inline bool isDigit(uchar c)
{
    return uchar(c - '0') < 10;
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

bool Parser::run()
{
    if (m_end - m_p >= 3 && m_p[0] == 0xEF && m_p[1] == 0xBB && m_p[2] == 0xBF)
        m_p += 3; // RFC 8259 lets a parser ignore a byte order mark
    skipWhitespace();
    if (m_p == m_end)
        return fail(Code::Empty, m_begin, QStringLiteral("empty input"), QStringLiteral("expected a JSON value"));

value:
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
            ++m_p;
            m_enc.endContainer();
            goto next;
        }
        if (object)
            goto key;
        m_enc.mark();
        goto value;
    }
    case '"':
        if (!parseString())
            return false;
        goto next;
    case 't':
        if (!parseLiteral("true", 4, TagTrue))
            return false;
        goto next;
    case 'f':
        if (!parseLiteral("false", 5, TagFalse))
            return false;
        goto next;
    case 'n':
        if (!parseLiteral("null", 4, TagNull))
            return false;
        goto next;
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
        goto next;
    default:
        return failUnexpected(m_p, QStringLiteral("expected a value"));
    }

key:
    if (Q_UNLIKELY(m_p == m_end || *m_p != '"'))
        return failUnexpected(m_p, QStringLiteral("expected a string as object key"));
    m_enc.mark();
    if (!parseString())
        return false;
    skipWhitespace();
    if (Q_UNLIKELY(m_p == m_end || *m_p != ':'))
        return failUnexpected(m_p, QStringLiteral("expected ':' after an object key"));
    ++m_p;
    skipWhitespace();
    goto value;

next:
    skipWhitespace();
    if (m_enc.depth() == 0) {
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
            if (m_enc.inObject())
                goto key;
            m_enc.mark();
            goto value;
        }
        if (*m_p == (m_enc.inObject() ? '}' : ']')) {
            ++m_p;
            m_enc.endContainer();
            goto next;
        }
    }
    return failUnexpected(m_p, m_enc.inObject() ? QStringLiteral("expected ',' or '}' in an object")
                                                : QStringLiteral("expected ',' or ']' in an array"));
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

// Writing text ---------------------------------------------------------------------------

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

// Comparing and hashing ------------------------------------------------------------------

bool numbersEqual(const uchar *a, const uchar *b)
{
    // A number kept as text equals another of the same value, whatever its encoding.
    if (Q_UNLIKELY(*a == TagNumberText || *b == TagNumberText))
        return decimalOf(a) == decimalOf(b);
    const bool aInt = *a != TagDouble;
    const bool bInt = *b != TagDouble;
    if (aInt && bInt)
        return integerAt(a) == integerAt(b);
    if (!aInt && !bInt)
        return doubleAt(a) == doubleAt(b);
    // Exactly equal only: 2^53 + 1 is not the double 2^53.
    const double d = aInt ? doubleAt(b) : doubleAt(a);
    const qint64 i = aInt ? integerAt(a) : integerAt(b);
    return integralInRange(d) && qint64(d) == i;
}

bool valuesEqual(const uchar *a, const uchar *b)
{
    const quint32 size = encodedSizeAt(a);
    if (size == encodedSizeAt(b) && std::memcmp(a, b, size) == 0)
        return true;
    const Type ta = typeAt(a);
    const Type tb = typeAt(b);
    const auto isNumber = [](Type t) { return t == Type::Integer || t == Type::Double; };
    if (isNumber(ta) && isNumber(tb))
        return numbersEqual(a, b);
    if (ta != tb)
        return false;
    switch (ta) {
    case Type::String:
        return stringAt(a).view() == stringAt(b).view();
    case Type::Array: {
        const Container ca(a), cb(b);
        if (ca.count != cb.count)
            return false;
        for (qsizetype i = 0; i < qsizetype(ca.count); ++i) {
            if (!valuesEqual(ca.element(i), cb.element(i)))
                return false;
        }
        return true;
    }
    case Type::Object: {
        const Container ca(a), cb(b);
        // Usually both have the same keys in the same order: compare member by member.
        if (ca.count == cb.count) {
            bool same = true;
            for (qsizetype i = 0; same && i < qsizetype(ca.count); ++i) {
                const uchar *ka = ca.element(i);
                const uchar *kb = cb.element(i);
                const quint32 keySize = encodedSizeAt(ka);
                same = keySize == encodedSizeAt(kb) && std::memcmp(ka, kb, keySize) == 0
                        && valuesEqual(ka + keySize, kb + keySize);
            }
            if (same)
                return true;
        }
        // Otherwise (other order, duplicate keys, or a difference) compare sorted members.
        Members ma, mb;
        effectiveMembers(a, ma);
        effectiveMembers(b, mb);
        if (ma.size() != mb.size())
            return false;
        for (qsizetype i = 0; i < ma.size(); ++i) {
            if (compareNames(ma[i].name, mb[i].name) != 0 || !valuesEqual(ma[i].value(), mb[i].value()))
                return false;
        }
        return true;
    }
    default:
        return false; // null and bools with equal tags matched the memcmp above
    }
}

inline size_t combine(size_t seed, size_t h)
{
    return seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

inline size_t hashDouble(double d, size_t seed)
{
    // Integral doubles equal integers, so they must hash like them.
    return integralInRange(d) ? qHash(qint64(d), seed) : qHash(d, seed);
}

// Like the integer or double it equals, if any (a text number is never written for a value either holds, but
// "9007199254740993.0" equals the integer and a 23-digit integer can equal a double); else its lowest terms.
size_t hashNumberText(const uchar *p, size_t seed)
{
    const QByteArrayView text = numberTextAt(p);
    const DecimalValue v = decimalValue(text);
    qint64 i;
    if (v.toInteger(&i))
        return qHash(i, seed);
    const double d = nearestDouble(text);
    if (std::isfinite(d) && writesBackAs(d, text))
        return hashDouble(d, seed);
    size_t h = combine(seed, qHash(QByteArrayView(v.digits.constData(), v.digits.size()), seed));
    return combine(h, qHash(v.exponent * 2 + (v.negative ? 1 : 0), seed));
}

size_t hashValue(const uchar *p, size_t seed)
{
    switch (typeAt(p)) {
    case Type::Undefined:
        return seed;
    case Type::Null:
        return combine(seed, 0x6e756c6c);
    case Type::Bool:
        return combine(seed, *p == TagTrue ? 0x74 : 0x66);
    case Type::Integer:
        return qHash(integerAt(p), seed);
    case Type::Double:
        return *p == TagNumberText ? hashNumberText(p, seed) : hashDouble(doubleAt(p), seed);
    case Type::String:
        return qHash(stringAt(p).view(), seed);
    case Type::Array: {
        const Container c(p);
        size_t h = combine(seed, 0x5b);
        for (qsizetype i = 0; i < qsizetype(c.count); ++i)
            h = combine(h, hashValue(c.element(i), seed));
        return h;
    }
    case Type::Object: {
        Members members;
        effectiveMembers(p, members);
        size_t h = combine(seed, 0x7b);
        for (const Member &m : members) {
            h = combine(h, qHash(m.name.view(), seed));
            h = combine(h, hashValue(m.value(), seed));
        }
        return h;
    }
    }
    return seed;
}

// Conversions to and from QJsonValue -----------------------------------------------------

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

template <typename Build>
Json build(qsizetype sizeHint, Build &&write)
{
    Encoder e(sizeHint);
    write(e);
    return e.finish();
}

} // namespace

// Json -----------------------------------------------------------------------------------

void Json::destroy(JsonData *d) noexcept
{
    d->~JsonData();
    std::free(d);
}

Json::Json(std::nullptr_t) : Json(shareStatic(staticNull)) {}

Json::Json(bool b) : Json(shareStatic(b ? staticTrue : staticFalse)) {}

Json::Json(qint64 i) : Json(build(9, [i](Encoder &e) { e.putInteger(i); })) {}

Json::Json(double d)
    : Json(std::isfinite(d) ? build(9, [d](Encoder &e) { e.putDouble(d); }) : Json(nullptr))
{}

Json::Json(const char *utf8)
{
    if (!utf8) {
        *this = Json(nullptr);
        return;
    }
    const qsizetype n = qsizetype(std::strlen(utf8));
    const auto *p = reinterpret_cast<const uchar *>(utf8);
    bool ascii;
    if (isValidUtf8(p, p + n, &ascii))
        *this = build(n + 5, [&](Encoder &e) { e.putString(utf8, n, ascii); });
    else
        *this = Json(QString::fromUtf8(utf8, n));
}

Json::Json(QStringView s) : Json(build(s.size() * 3 + 5, [s](Encoder &e) { e.putString(s); })) {}

Json::Json(QLatin1StringView s) : Json(build(s.size() * 2 + 5, [s](Encoder &e) { e.putString(s); })) {}

Json::Json(const QJsonValue &v)
{
    if (!v.isUndefined())
        *this = build(64, [&v](Encoder &e) { encodeQJson(e, v); });
}

Json::Json(const QJsonObject &o) : Json(build(64, [&o](Encoder &e) { encodeQJson(e, o); })) {}

Json::Json(const QJsonArray &a) : Json(build(64, [&a](Encoder &e) { encodeQJson(e, a); })) {}

Json Json::array(std::initializer_list<Json> elements)
{
    qsizetype size = 16;
    for (const Json &v : elements)
        size += v.encodedSize() + 5;
    return build(size, [&](Encoder &e) {
        e.beginContainer(false);
        for (const Json &v : elements) {
            e.mark();
            e.putValue(v);
        }
        e.endContainer();
    });
}

Json Json::object(std::initializer_list<std::pair<QStringView, Json>> members)
{
    qsizetype size = 16;
    for (const auto &[key, v] : members)
        size += key.size() * 3 + v.encodedSize() + 9;
    return build(size, [&](Encoder &e) {
        e.beginContainer(true);
        for (const auto &[key, v] : members) {
            if (v.isUndefined())
                continue;
            e.mark();
            e.putString(key);
            e.putValue(v);
        }
        e.endContainer();
    });
}

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

Json::Type Json::type() const
{
    return m_data ? typeAt(bytes()) : Type::Undefined;
}

bool Json::toBool(bool defaultValue) const
{
    if (!m_data)
        return defaultValue;
    switch (*bytes()) {
    case TagTrue:
        return true;
    case TagFalse:
        return false;
    }
    return defaultValue;
}

qint64 Json::toInteger(qint64 defaultValue) const
{
    switch (type()) {
    case Type::Integer:
        return integerAt(bytes());
    case Type::Double: {
        if (*bytes() == TagNumberText) {
            qint64 i;
            return decimalOf(bytes()).toInteger(&i) ? i : defaultValue;
        }
        const double d = doubleAt(bytes());
        return integralInRange(d) ? qint64(d) : defaultValue;
    }
    default:
        return defaultValue;
    }
}

double Json::toDouble(double defaultValue) const
{
    switch (type()) {
    case Type::Integer:
        return double(integerAt(bytes()));
    case Type::Double:
        return *bytes() == TagNumberText ? nearestDouble(numberTextAt(bytes())) : doubleAt(bytes());
    default:
        return defaultValue;
    }
}

bool Json::isTextNumber() const
{
    return m_data && *bytes() == TagNumberText;
}

QString Json::numberText() const
{
    char buf[32];
    switch (type()) {
    case Type::Integer:
        return QString::fromLatin1(integerText(integerAt(bytes()), buf));
    case Type::Double:
        return QString::fromLatin1(*bytes() == TagNumberText ? numberTextAt(bytes())
                                                             : shortestText(doubleAt(bytes()), buf));
    default:
        return QString();
    }
}

Json Json::fromNumberText(QByteArrayView text)
{
    // Only number syntax: the parser would also take whitespace around it, or another kind of value.
    if (text.isEmpty() || (text.front() != '-' && !isDigit(uchar(text.front()))) || !isDigit(uchar(text.back())))
        return Json();
    Json number = parse(text);
    return number.isNumber() ? number : Json();
}

Json Json::fromNumberText(QStringView text)
{
    QVarLengthArray<char, 64> latin1(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i].unicode() >= 0x80)
            return Json();
        latin1[i] = char(text[i].unicode());
    }
    return fromNumberText(QByteArrayView(latin1.constData(), latin1.size()));
}

QString Json::toString(const QString &defaultValue) const
{
    if (!isString())
        return defaultValue;
    return stringAt(bytes()).toQString();
}

QByteArrayView Json::stringUtf8() const
{
    if (!isString())
        return {};
    return stringAt(bytes()).view();
}

qsizetype Json::size() const
{
    if (!m_data)
        return 0;
    const uchar *p = bytes();
    if (!isArrayTag(*p) && !isObjectTag(*p))
        return 0;
    return Container(p).count;
}

Json Json::at(qsizetype i) const
{
    if (!m_data || !isArrayTag(*bytes()))
        return {};
    const Container c(bytes());
    if (quint64(i) >= c.count)
        return {};
    return child(*this, c.element(i));
}

Json Json::value(QByteArrayView utf8Key) const
{
    const uchar *v = findMember(JsonAccess::bytes(*this), utf8Key.data(), utf8Key.size());
    return v ? child(*this, v) : Json();
}

Json Json::value(QLatin1StringView key) const
{
    if (isAscii(key.data(), key.size()))
        return value(QByteArrayView(key.data(), key.size()));
    Utf8Key utf8;
    toUtf8(key, utf8);
    return value(QByteArrayView(utf8.data(), utf8.size()));
}

Json Json::value(QStringView key) const
{
    Utf8Key utf8;
    toUtf8(key, utf8);
    return value(QByteArrayView(utf8.data(), utf8.size()));
}

bool Json::contains(QByteArrayView utf8Key) const
{
    return findMember(JsonAccess::bytes(*this), utf8Key.data(), utf8Key.size()) != nullptr;
}

bool Json::contains(QLatin1StringView key) const
{
    Utf8Key utf8;
    toUtf8(key, utf8);
    return contains(QByteArrayView(utf8.data(), utf8.size()));
}

bool Json::contains(QStringView key) const
{
    Utf8Key utf8;
    toUtf8(key, utf8);
    return contains(QByteArrayView(utf8.data(), utf8.size()));
}

QByteArrayView Json::keyUtf8At(qsizetype i) const
{
    if (!isObject() || quint64(i) >= quint64(size()))
        return {};
    return stringAt(Container(bytes()).element(i)).view();
}

QString Json::keyAt(qsizetype i) const
{
    if (!isObject() || quint64(i) >= quint64(size()))
        return {};
    return stringAt(Container(bytes()).element(i)).toQString();
}

Json Json::valueAt(qsizetype i) const
{
    if (!isObject() || quint64(i) >= quint64(size()))
        return {};
    return child(*this, Container::valueOf(Container(bytes()).element(i)));
}

Json Json::withValue(QStringView key, const Json &v) const
{
    if (!isObject())
        return *this;
    if (v.isUndefined())
        return withoutKey(key);
    Utf8Key name;
    toUtf8(key, name);
    const Container c(bytes());
    qsizetype last = c.count;
    while (last-- > 0 && !keyEquals(c.element(last), name.data(), name.size())) { }
    return build(encodedSize() + v.encodedSize() + name.size() + 16, [&](Encoder &e) {
        e.beginContainer(true);
        for (qsizetype i = 0; i < qsizetype(c.count); ++i) {
            const uchar *k = c.element(i);
            if (last < 0 || !keyEquals(k, name.data(), name.size())) {
                e.putMember(k);
            } else if (i == last) { // earlier duplicates are dropped
                e.mark();
                e.putRaw(k);
                e.putValue(v);
            }
        }
        if (last < 0) {
            e.mark();
            e.putString(name.data(), name.size(), isAscii(name.data(), name.size()));
            e.putValue(v);
        }
        e.endContainer();
    });
}

Json Json::withoutKey(QStringView key) const
{
    Utf8Key name;
    toUtf8(key, name);
    if (!findMember(JsonAccess::bytes(*this), name.data(), name.size()))
        return *this;
    const Container c(bytes());
    return build(encodedSize(), [&](Encoder &e) {
        e.beginContainer(true);
        for (qsizetype i = 0; i < qsizetype(c.count); ++i) {
            if (!keyEquals(c.element(i), name.data(), name.size()))
                e.putMember(c.element(i));
        }
        e.endContainer();
    });
}

Json Json::merged(const Json &patch) const
{
    if (patch.isUndefined())
        return *this;
    if (!isObject() || !patch.isObject())
        return patch;
    const uchar *self = bytes();
    const uchar *other = patch.bytes();
    const Container a(self), b(other);
    return build(encodedSize() + patch.encodedSize() + 16, [&](Encoder &e) {
        e.beginContainer(true);
        // Members of this in order, with patched values; a patched key is written once.
        for (qsizetype i = 0; i < qsizetype(a.count); ++i) {
            const uchar *k = a.element(i);
            const StringRef name = stringAt(k);
            if (const uchar *v = findMember(other, name.data, name.size)) {
                if (shadowed(a, i))
                    continue;
                e.mark();
                e.putRaw(k);
                e.putRaw(v);
            } else {
                e.putMember(k);
            }
        }
        // Then the patch's new keys, in its order, the last of duplicates.
        for (qsizetype i = 0; i < qsizetype(b.count); ++i) {
            const uchar *k = b.element(i);
            const StringRef name = stringAt(k);
            if (!findMember(self, name.data, name.size) && !shadowed(b, i))
                e.putMember(k);
        }
        e.endContainer();
    });
}

namespace {
// A copy of the array at p with element `skip` left out (-1: none) and v written at
// `insert` (-1: nowhere), before what was there.
Json rebuildArray(const uchar *p, qsizetype skip, qsizetype insert, const Json &v)
{
    const Container c(p);
    return build(encodedSizeAt(p) + v.encodedSize() + 8, [&](Encoder &e) {
        e.beginContainer(false);
        for (qsizetype i = 0; i <= qsizetype(c.count); ++i) {
            if (i == insert) {
                e.mark();
                e.putValue(v);
            }
            if (i < qsizetype(c.count) && i != skip) {
                e.mark();
                e.putRaw(c.element(i));
            }
        }
        e.endContainer();
    });
}
} // namespace

Json Json::withAt(qsizetype i, const Json &v) const
{
    if (!isArray() || quint64(i) >= quint64(size()))
        return *this;
    return rebuildArray(bytes(), i, i, v);
}

Json Json::withInserted(qsizetype i, const Json &v) const
{
    if (!isArray() || quint64(i) > quint64(size()))
        return *this;
    return rebuildArray(bytes(), -1, i, v);
}

Json Json::withAppended(const Json &v) const
{
    return withInserted(size(), v);
}

Json Json::withoutAt(qsizetype i) const
{
    if (!isArray() || quint64(i) >= quint64(size()))
        return *this;
    return rebuildArray(bytes(), i, -1, Json());
}

Json Json::detached() const
{
    if (!m_data || (m_offset == 0 && encodedSize() == m_data->size))
        return *this;
    return build(encodedSize(), [this](Encoder &e) { e.putRaw(bytes()); });
}

QJsonValue Json::toQJsonValue() const
{
    if (!m_data)
        return QJsonValue(QJsonValue::Undefined);
    return toQJson(bytes());
}

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

bool Json::operator==(const Json &other) const
{
    if (identical(other))
        return true;
    if (!m_data || !other.m_data)
        return false;
    return valuesEqual(bytes(), other.bytes());
}

qsizetype Json::encodedSize() const
{
    return m_data ? encodedSizeAt(bytes()) : 0;
}

size_t Json::hash(size_t seed) const
{
    return m_data ? hashValue(bytes(), seed) : seed;
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

QStringList Json::toStringList() const
{
    QStringList out;
    for (const Json &s : *this) {
        if (s.isString())
            out.append(s.toString());
    }
    return out;
}

Json Json::fromStringList(const QStringList &list)
{
    return Json(QJsonArray::fromStringList(list));
}

} // namespace refetch
