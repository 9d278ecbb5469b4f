// The value type: construction, access and new documents with one change (the with*() functions). The Encoder
// that writes every document is in jsonencoder_p.h and jsonencoder.cpp, the encoding is described in json_p.h;
// parsing, writing text, comparing and exact numbers have files of their own (listed there).

#include "core/json/jsonencoder_p.h"

#include <QtCore/QJsonArray>

#include <new>

namespace refetch {

using namespace jsonimpl;

namespace {

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

using Utf8Key = QVarLengthArray<char, 128>;

void toUtf8(QStringView s, Utf8Key &out)
{
    // A member name is nearly always short ASCII: one pass into the stack buffer.
    const qsizetype len = s.size();
    if (len <= out.capacity()) {
        out.resize(len);
        if (copyAscii(s.utf16(), len, reinterpret_cast<uchar *>(out.data())) == len)
            return;
    }
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

} // namespace

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

namespace {

template <typename Elements>
Json arrayOf(const Elements &elements)
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

} // namespace

Json Json::array(std::initializer_list<Json> elements)
{
    return arrayOf(elements);
}

Json Json::array(const QList<Json> &elements)
{
    return arrayOf(elements);
}

Json Json::object(const QList<std::pair<QString, Json>> &members)
{
    qsizetype size = 16;
    for (const auto &[key, v] : members)
        size += key.size() * 3 + 9 + v.encodedSize();
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

Json Json::object(std::initializer_list<std::pair<QStringView, JsonArg>> members)
{
    qsizetype size = 16;
    for (const auto &[key, v] : members) {
        size += key.size() * 3 + 9;
        switch (v.m_kind) {
        case JsonArg::Kind::Utf16: size += v.m_utf16.size() * 3 + 5; break;
        case JsonArg::Kind::Latin1: size += v.m_latin1.size() * 2 + 5; break;
        case JsonArg::Kind::Json: size += v.m_json.encodedSize(); break;
        default: size += 9; break;
        }
    }
    return build(size, [&](Encoder &e) {
        e.beginContainer(true);
        for (const auto &[key, v] : members) {
            if (v.isUndefined())
                continue;
            e.mark();
            e.putString(key);
            switch (v.m_kind) {
            case JsonArg::Kind::Undefined: break;
            case JsonArg::Kind::Null: e.putNull(); break;
            case JsonArg::Kind::Bool: e.putBool(v.m_integer); break;
            case JsonArg::Kind::Integer: e.putInteger(v.m_integer); break;
            case JsonArg::Kind::Double: e.putDouble(v.m_double); break;
            case JsonArg::Kind::Utf16: e.putString(v.m_utf16); break;
            case JsonArg::Kind::Latin1: e.putString(v.m_latin1); break;
            case JsonArg::Kind::Json: e.putValue(v.m_json); break;
            }
        }
        e.endContainer();
    });
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

qsizetype Json::encodedSize() const
{
    return m_data ? encodedSizeAt(bytes()) : 0;
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

} // namespace refetch
