// Equality (by value: member order does not count, 1 == 1.0, a number kept as text equals a number of the same
// value), the members of an object in key order that equality, hashing and canonical text share, and a hash
// consistent with equality.

#include "core/json/json_p.h"

#include <QtCore/QHashFunctions>

namespace refetch {

using namespace jsonimpl;

namespace jsonimpl {

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

} // namespace jsonimpl

namespace {

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

} // namespace

bool Json::operator==(const Json &other) const
{
    if (identical(other))
        return true;
    if (!m_data || !other.m_data)
        return false;
    return valuesEqual(bytes(), other.bytes());
}

size_t Json::hash(size_t seed) const
{
    return m_data ? hashValue(bytes(), seed) : seed;
}

} // namespace refetch
