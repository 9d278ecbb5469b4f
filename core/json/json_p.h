#pragma once

// Private to core/json: what its source files share. The encoding of a value and its readers, and the declarations
// of the helpers for object members, exact numbers and UTF-8 that more than one file uses.
//
//   json_p.h         this: the encoding, its readers, shared helpers
//   jsonencoder_p.h  the Encoder, which writes a document
//   json.cpp         the value type: construction, access, new documents with one change
//   jsonencoder.cpp  the Encoder's buffer and UTF-16 to UTF-8
//   jsonparser.cpp   text to a document (Json::parse)
//   jsonwriter.cpp   a document to text (toJson, canonical)
//   jsoncompare.cpp  equality, members in key order, hashing
//   jsonnumber.cpp   numbers kept exactly: a number text's value, whether a double writes back as it
//   jsonqt.cpp       conversions to and from QJsonValue
//
// Not part of Refetch's API: include it only from core/json/*.cpp.

#include "core/json/json.h"

#include <QtCore/QVarLengthArray>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

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

namespace jsonimpl {

using detail::JsonAccess;
using detail::JsonData;
using Type = Json::Type;

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

inline constexpr qsizetype HeaderSize = sizeof(JsonData);
inline constexpr int MaxDepthCap = 4096;
// Any text encodes to at most ~4.4x its size ("-0," becomes a 9-byte double plus a 4-byte
// table entry), which keeps a document of the largest accepted input under 4 GiB.
inline constexpr qsizetype MaxInputBytes = qsizetype(512) * 1024 * 1024;
inline constexpr qsizetype MaxDocumentBytes = qsizetype(0xFFFFFF00u);
// Above this a finished buffer is shrunk with realloc (mremap for mmapped blocks); below it
// is copied to an exact-size block, since shrinking a small heap chunk leaves a fragment
// that a same-sized document cannot reuse.
inline constexpr qsizetype ShrinkInPlaceBytes = 256 * 1024;

inline constexpr std::array<Type, 256> TypeOfTag = [] {
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

// Object members in key order (jsoncompare.cpp) -------------------------------------------

inline int compareNames(const StringRef &a, const StringRef &b)
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
void effectiveMembers(const uchar *object, Members &out);

// Numbers kept as text (jsonnumber.cpp) ------------------------------------------------------

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

inline bool isDigit(uchar c)
{
    return uchar(c - '0') < 10;
}

inline QByteArrayView numberTextAt(const uchar *p)
{
    return QByteArrayView(reinterpret_cast<const char *>(p + 5), load<quint32>(p + 1));
}

// Exponents beyond this are taken as this: values like 1e1000000000000000000 compare equal to each other.
inline constexpr qint64 ExponentCap = 1'000'000'000'000'000'000;

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

// The value of JSON number text (valid syntax, as the parser checked it, or as std::to_chars writes a double).
DecimalValue decimalValue(QByteArrayView text);
// The value of a number of any encoding.
DecimalValue decimalOf(const uchar *p);

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
double nearestDouble(QByteArrayView text);

// A number's significant digits as an integer and its power of ten: "0.0012340" is 1234 x 10^-6, 4 digits.
// When there are more than 19 digits from the first that is not zero, only `digits` is set.
struct ShortDecimal
{
    quint64 mantissa = 0;
    qsizetype digits = 0;   // significant: without leading and trailing zeros
    qint64 exponent = 0;
    bool exact = true;      // mantissa and exponent hold the value
};

// mantissa x 10^exponent in lowest terms.
ShortDecimal shortDecimal(quint64 mantissa, qint64 exponent);
ShortDecimal shortDecimal(QByteArrayView text);

// Whether d, the double nearest to the number `text` (whose value is t), writes back as text's value (what
// toJson() would write has the same value), so that the double stands for it exactly.
bool writesBackAs(double d, const ShortDecimal &t, QByteArrayView text);
bool writesBackAs(double d, QByteArrayView text);

// UTF-8 (json.cpp, jsonencoder.cpp) ----------------------------------------------------------

// Copies the characters of s (UTF-16 or Latin-1) to out while they are ASCII; returns how many it copied, n when
// all of them were. The short ASCII strings most documents are made of take this one pass.
template <typename Char>
inline qsizetype copyAscii(const Char *s, qsizetype n, uchar *out)
{
    for (qsizetype i = 0; i < n; ++i) {
        const auto c = std::make_unsigned_t<Char>(s[i]);
        if (c >= 0x80)
            return i;
        out[i] = uchar(c);
    }
    return n;
}

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
qsizetype utf8Length(QStringView s, bool *ascii);
uchar *encodeUtf8(QStringView s, uchar *out);

} // namespace jsonimpl
} // namespace refetch
