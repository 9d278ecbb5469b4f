#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QMetaType>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <atomic>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <type_traits>
#include <utility>

QT_BEGIN_NAMESPACE
class QDebug;
class QJsonArray;
class QJsonObject;
class QJsonValue;
QT_END_NAMESPACE

namespace refetch {

// Guards for untrusted input; the defaults suit REST payloads.
struct JsonLimits
{
    // Deeper nesting is rejected. Capped at 4096 because writing, comparing and hashing recurse.
    int maxDepth = 512;
    // Longer input is rejected before parsing. Capped at 512 MiB because offsets are 32-bit.
    qsizetype maxBytes = 256 * 1024 * 1024;
};

// Why a parse failed, worded for the person who supplied the text.
struct JsonParseError
{
    Q_GADGET
public:
    enum class Code {
        None,
        Syntax,
        UnexpectedEnd,
        InvalidUtf8,
        InvalidEscape,
        InvalidNumber,
        TooDeep,
        TooLarge,
        TrailingGarbage,
        Empty
    };
    Q_ENUM(Code)

    Code code = Code::None;
    qsizetype offset = 0; // bytes from the start of the input
    int line = 0;         // 1-based
    int column = 0;       // 1-based, in code points
    QString message;      // e.g. "unexpected character 'x' at line 3, column 7 (offset 41)"

    bool ok() const { return code == Code::None; }
};

class Json;
class JsonArg;

namespace detail {
// One document: a reference count followed by the encoded value (layout in json_p.h).
struct JsonData
{
    std::atomic<int> ref;
    quint32 size;
    const uchar *bytes() const { return reinterpret_cast<const uchar *>(this + 1); }
};
struct JsonAccess;
} // namespace detail

// An immutable, implicitly shared JSON value stored compactly in one allocation per
// document, so that the query cache can hold many responses and keys cheaply.
//
// Sub-values (at(), value(), ...) share their document: holding one keeps the whole
// document alive (use detached() to copy it out). Copies are a reference-count increment
// and are safe to pass between threads.
class Json
{
    Q_GADGET
public:
    enum class Type : quint8 { Undefined, Null, Bool, Integer, Double, String, Array, Object };
    Q_ENUM(Type)

    Json() noexcept = default; // Undefined: a missing value, as value("nope") returns
    Json(std::nullptr_t);
    Json(bool b);
    Json(int i) : Json(qint64(i)) {}
    Json(qint64 i);
    // Other integer types (qsizetype, unsigned, ...) would otherwise be ambiguous.
    template <typename T>
        requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, int>
                 && !std::is_same_v<T, qint64>)
    Json(T i) : Json(fromIntegral(i))
    {}
    Json(double d); // NaN and infinities have no JSON form and become Null
    Json(const char *utf8); // invalid UTF-8 is replaced by U+FFFD; nullptr gives Null
    Json(const QString &s) : Json(QStringView(s)) {}
    Json(QStringView s);
    Json(const char16_t *utf16) : Json(QStringView(utf16)) {} // u"..." literals
    Json(QLatin1StringView s);
    Json(const QJsonValue &v);
    Json(const QJsonObject &o);
    Json(const QJsonArray &a);
    Json(const void *) = delete; // a pointer would otherwise silently become a bool

    Json(const Json &other) noexcept : m_data(other.m_data), m_offset(other.m_offset)
    {
        if (m_data)
            m_data->ref.fetch_add(1, std::memory_order_relaxed);
    }
    Json(Json &&other) noexcept
        : m_data(std::exchange(other.m_data, nullptr)), m_offset(std::exchange(other.m_offset, 0))
    {}
    Json &operator=(const Json &other) noexcept
    {
        Json(other).swap(*this);
        return *this;
    }
    Json &operator=(Json &&other) noexcept
    {
        Json(std::move(other)).swap(*this);
        return *this;
    }
    ~Json()
    {
        if (m_data && m_data->ref.fetch_sub(1, std::memory_order_acq_rel) == 1)
            destroy(m_data);
    }
    void swap(Json &other) noexcept
    {
        std::swap(m_data, other.m_data);
        std::swap(m_offset, other.m_offset);
    }

    static Json array(std::initializer_list<Json> elements); // Undefined elements become null
    // The elements as they are (text numbers stay text numbers, which a QJsonArray would round to doubles).
    static Json array(const QList<Json> &elements);
    // Members in the given order, each key once (the caller's to see to); Undefined values are left out. Values kept
    // as they are, unlike a QJsonObject's.
    static Json object(const QList<std::pair<QString, Json>> &members);
    // Keys are kept in the given order; members whose value is Undefined are left out. Integers, booleans, null and
    // text are written straight into the object (see JsonArg).
    static Json object(std::initializer_list<std::pair<QStringView, JsonArg>> members);

    // RFC 8259 text, any top-level value. On error returns Undefined and fills *error.
    // Numbers are kept exactly: see isTextNumber().
    static Json parse(QByteArrayView utf8, JsonParseError *error = nullptr,
                      const JsonLimits &limits = {});
    // The number written as `text` (JSON number syntax and nothing else, no spaces), kept as parse() keeps it;
    // Undefined for any other text. For a form's number field: "12345678901234567890123" stays that number.
    static Json fromNumberText(QByteArrayView text);
    static Json fromNumberText(QStringView text);

    Type type() const;
    bool isUndefined() const { return !m_data; }
    bool isNull() const { return type() == Type::Null; }
    bool isBool() const { return type() == Type::Bool; }
    bool isInteger() const { return type() == Type::Integer; }
    bool isDouble() const { return type() == Type::Double; }
    bool isNumber() const { return isInteger() || isDouble(); }
    bool isString() const { return type() == Type::String; }
    bool isArray() const { return type() == Type::Array; }
    bool isObject() const { return type() == Type::Object; }

    bool toBool(bool defaultValue = false) const;
    qint64 toInteger(qint64 defaultValue = 0) const; // also integral doubles within range
    double toDouble(double defaultValue = 0) const;  // also integers; the nearest double to a text number

    // A number that neither a qint64 nor a double holds exactly (an integer beyond int64, more digits than a
    // double keeps, beyond a double's range or below its smallest: 12345678901234567890123,
    // 0.1000000000000000055511151231257827, 1e400) is kept as the text it was parsed from. It is a Double to
    // callers (isNumber(), toDouble() the nearest double, infinity beyond range), toJson() writes its text, and it
    // equals a number of the same value ("1e400" == "10e399"). Numbers a double does write back, by value ("0.1",
    // "1.0", "1e2"), are ordinary doubles.
    bool isTextNumber() const;
    // A number's exact text: a text number's as parsed, else what toJson() writes (an integer's digits, a
    // double's shortest round-trip form). Empty for anything else.
    QString numberText() const;
    QString toString(const QString &defaultValue = {}) const;
    QStringList toStringList() const;   // the strings of an array, others left out; empty for anything else
    static Json fromStringList(const QStringList &list);
    // The string's UTF-8 bytes inside the document: valid while any Json of it lives.
    QByteArrayView stringUtf8() const;

    qsizetype size() const; // elements of an array, members of an object, else 0
    bool isEmpty() const { return size() == 0; }

    Json at(qsizetype i) const; // Undefined when out of range or not an array
    Json operator[](qsizetype i) const { return at(i); }

    // Object members. On duplicate keys the last one wins, as in QJsonDocument.
    // Lookup is a scan of the member table, meant for record-sized objects.
    Json value(QStringView key) const;
    Json value(QLatin1StringView key) const;
    Json value(QByteArrayView utf8Key) const;
    Json operator[](QStringView key) const { return value(key); }
    Json operator[](QLatin1StringView key) const { return value(key); }
    template <qsizetype N>
    Json operator[](const char (&utf8Key)[N]) const
    {
        return value(QByteArrayView(utf8Key));
    }
    bool contains(QStringView key) const;
    bool contains(QLatin1StringView key) const;
    bool contains(QByteArrayView utf8Key) const;

    // Object members in source order (duplicates included), O(1).
    QString keyAt(qsizetype i) const;
    QByteArrayView keyUtf8At(qsizetype i) const;
    Json valueAt(qsizetype i) const;

    // New documents with one change, for optimistic updates. Each copies this value,
    // O(size). On a value of the wrong type, or an index out of range, they return *this.
    Json withValue(QStringView key, const Json &v) const; // replace or append; Undefined removes
    Json withoutKey(QStringView key) const;
    // Shallow merge of two objects, patch wins; a null in patch is a value, not a removal.
    // If either is not an object, returns patch (or *this when patch is Undefined).
    Json merged(const Json &patch) const;
    Json withAt(qsizetype i, const Json &v) const;
    Json withInserted(qsizetype i, const Json &v) const; // 0 <= i <= size()
    Json withAppended(const Json &v) const;
    Json withoutAt(qsizetype i) const;

    // This value in a document of its own, so that it no longer keeps a larger one alive.
    Json detached() const;

    QJsonValue toQJsonValue() const;

    enum class Format { Compact, Indented };
    // Valid JSON text, members in source order, doubles in their shortest round-trip form, text numbers as
    // parsed. Undefined is written as null.
    QByteArray toJson(Format format = Format::Compact) const;
    // Compact JSON with members sorted by key (UTF-8 byte order, recursively), duplicate keys
    // resolved, and integral doubles within int64 written as integers: equal values give
    // equal bytes. Used for query-key hashing. Undefined gives an empty array of bytes, so
    // that it differs from null.
    QByteArray canonical() const;
    void appendCanonical(QByteArray &out) const;  // canonical() appended to `out`, without a new allocation

    // Semantic: member order is ignored, 1 == 1.0, Undefined equals only Undefined.
    // Identical encodings (e.g. two parses of the same text) compare with one memcmp.
    bool operator==(const Json &other) const;
    bool identical(const Json &other) const // same document and offset, O(1)
    {
        return m_data == other.m_data && m_offset == other.m_offset;
    }
    qsizetype encodedSize() const; // bytes of this value in its document
    friend size_t qHash(const Json &json, size_t seed = 0) { return json.hash(seed); } // consistent with ==

    // Range-for over array elements or object member values (key() on the iterator).
    class const_iterator
    {
    public:
        using iterator_category = std::forward_iterator_tag;
        using difference_type = qsizetype;
        using value_type = Json;
        using pointer = void;
        using reference = Json;

        const_iterator() = default;
        Json operator*() const { return m_json->isObject() ? m_json->valueAt(m_index) : m_json->at(m_index); }
        QString key() const { return m_json->keyAt(m_index); }
        qsizetype index() const { return m_index; }
        const_iterator &operator++()
        {
            ++m_index;
            return *this;
        }
        const_iterator operator++(int)
        {
            const_iterator old = *this;
            ++m_index;
            return old;
        }
        bool operator==(const const_iterator &o) const { return m_index == o.m_index; }

    private:
        friend class Json;
        const_iterator(const Json *json, qsizetype index) : m_json(json), m_index(index) {}
        const Json *m_json = nullptr;
        qsizetype m_index = 0;
    };
    const_iterator begin() const { return const_iterator(this, 0); }
    const_iterator end() const { return const_iterator(this, size()); }

private:
    friend struct detail::JsonAccess;
    // Adopts one reference to d.
    Json(detail::JsonData *d, quint32 offset) noexcept : m_data(d), m_offset(offset) {}
    template <typename T>
    static Json fromIntegral(T i)
    {
        if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(qint64)) {
            if (i > quint64(std::numeric_limits<qint64>::max()))
                return fromNumberText(QByteArray::number(quint64(i))); // a text number: exact
        }
        return Json(qint64(i));
    }
    static void destroy(detail::JsonData *d) noexcept;
    size_t hash(size_t seed) const;
    const uchar *bytes() const { return m_data->bytes() + m_offset; }

    detail::JsonData *m_data = nullptr; // null means Undefined
    quint32 m_offset = 0;               // where this value starts in the document
};

inline void swap(Json &a, Json &b) noexcept
{
    a.swap(b);
}

// A member's value in Json::object(): anything a Json is made from. Integers, booleans, null, finite doubles and
// text are held as they are and written straight into the object, so that Json::object({{u"id", 7},
// {u"title", title}}) makes one document, not one for each member first. Text is viewed, not copied: a JsonArg
// lives only as long as the expression that makes the object.
class JsonArg
{
public:
    JsonArg() = default; // Undefined: the member is left out
    JsonArg(const Json &j) : m_kind(Kind::Json), m_json(j) {}
    JsonArg(Json &&j) : m_kind(Kind::Json), m_json(std::move(j)) {}
    JsonArg(std::nullptr_t) : m_kind(Kind::Null) {}
    JsonArg(bool b) : m_kind(Kind::Bool), m_integer(b) {}
    JsonArg(int i) : m_kind(Kind::Integer), m_integer(i) {}
    JsonArg(qint64 i) : m_kind(Kind::Integer), m_integer(i) {}
    template <typename T>
        requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, int>
                 && !std::is_same_v<T, qint64>)
    JsonArg(T i)
    {
        if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(qint64)) {
            if (i > quint64(std::numeric_limits<qint64>::max())) {
                m_kind = Kind::Json;
                m_json = Json(i); // beyond qint64: a text number
                return;
            }
        }
        m_kind = Kind::Integer;
        m_integer = qint64(i);
    }
    // As Json(double): NaN and infinities have no JSON form and become null.
    JsonArg(double d) : m_kind(std::isfinite(d) ? Kind::Double : Kind::Null), m_double(d) {}
    JsonArg(const QString &s) : m_kind(Kind::Utf16), m_utf16(s) {}
    JsonArg(QStringView s) : m_kind(Kind::Utf16), m_utf16(s) {}
    JsonArg(const char16_t *s) : m_kind(Kind::Utf16), m_utf16(s) {}
    JsonArg(QLatin1StringView s) : m_kind(Kind::Latin1), m_latin1(s) {}
    JsonArg(const char *utf8) : m_kind(Kind::Json), m_json(utf8) {}
    JsonArg(const QJsonValue &v) : m_kind(Kind::Json), m_json(v) {}
    JsonArg(const QJsonObject &o) : m_kind(Kind::Json), m_json(o) {}
    JsonArg(const QJsonArray &a) : m_kind(Kind::Json), m_json(a) {}
    JsonArg(const void *) = delete; // as Json: a pointer would otherwise silently become a bool

    bool isUndefined() const { return m_kind == Kind::Undefined || (m_kind == Kind::Json && m_json.isUndefined()); }

private:
    friend class Json;
    friend class KeyPart; // writes members straight into a query key's text (core/cache/querykey.cpp)
    enum class Kind : quint8 { Undefined, Null, Bool, Integer, Double, Utf16, Latin1, Json };
    Kind m_kind = Kind::Undefined;
    union {
        qint64 m_integer = 0;
        double m_double;
    };
    QStringView m_utf16;
    QLatin1StringView m_latin1;
    Json m_json;
};

QDebug operator<<(QDebug debug, const Json &json);

} // namespace refetch

Q_DECLARE_TYPEINFO(refetch::Json, Q_RELOCATABLE_TYPE);
Q_DECLARE_METATYPE(refetch::Json)
