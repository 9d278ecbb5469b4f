// Numbers kept exactly: the value of a number's text in lowest terms, the nearest double to it, and whether a double
// writes back (as std::to_chars writes its shortest round-trip text) as the number it was read from, which decides
// whether the parser keeps a number as a double or as its text. Comparing, hashing and canonical text use the same
// values, so that equal numbers are equal whatever their encoding. Also Json::fromNumberText().

#include "core/json/json_p.h"

#include <cmath>

namespace refetch {
namespace jsonimpl {

namespace {

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

} // namespace

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

namespace {

// Whether the number `text` is what d writes back as (compared by value: "1.0" and "1e0" are 1), so that the
// double stands for it exactly.
bool writesBackAsSlow(double d, QByteArrayView text)
{
    char buf[32];
    const QByteArrayView written = shortestText(d, buf);
    return written == text || decimalValue(written) == decimalValue(text);
}

constexpr std::array<quint64, 20> PowersOfTen64 = [] {
    std::array<quint64, 20> t{};
    quint64 p = 1;
    for (quint64 &x : t) {
        x = p;
        p *= 10;
    }
    return t;
}();

} // namespace

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

namespace {

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

} // namespace

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

} // namespace jsonimpl

using namespace jsonimpl;

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

} // namespace refetch
