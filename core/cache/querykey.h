#pragma once

#include "core/json/json.h"

#include <QByteArray>
#include <QHashFunctions>
#include <QJsonArray>
#include <QVarLengthArray>
#include <cstring>
#include <initializer_list>
#include <memory>

namespace refetch {

// The text a key is built in: on the stack for any key of up to 256 bytes, on the heap beyond. Appends are inline
// pointer writes (QVarLengthArray's append and resize are out-of-line calls, a large share of building a key).
class KeyText
{
public:
    KeyText() = default;
    Q_DISABLE_COPY_MOVE(KeyText)

    void append(char c)
    {
        reserve(1);
        *m_end++ = c;
    }
    void append(const char *s, qsizetype n)
    {
        reserve(n);
        std::memcpy(m_end, s, size_t(n));
        m_end += n;
    }
    // Room for n more bytes, written by the caller.
    char *extend(qsizetype n)
    {
        reserve(n);
        return std::exchange(m_end, m_end + n);
    }
    // Takes back the last n bytes written.
    void drop(qsizetype n) { m_end -= n; }
    QByteArrayView view() const { return QByteArrayView(m_begin, m_end - m_begin); }

private:
    void reserve(qsizetype n)
    {
        if (Q_UNLIKELY(m_capEnd - m_end < n))
            grow(n);
    }
    Q_DECL_COLD_FUNCTION void grow(qsizetype n);

    char m_local[256];
    char *m_begin = m_local;
    char *m_end = m_local;
    char *m_capEnd = m_local + sizeof m_local;
    std::unique_ptr<char[]> m_heap;
};

// One part of a key as written in code: {"posts", 7}, {"posts", {{u"page", 2}, {u"sort", "title"}}} or
// {"posts", someJson}. Strings, integers and objects written as members are put into the key's text directly,
// without building a JSON document for each (the text is the one the JSON writer gives: tst_querykey).
class KeyPart
{
public:
    using Member = std::pair<QStringView, JsonArg>;

    KeyPart(const char *utf8) : m_kind(Kind::Utf8), m_utf8(utf8) {}
    KeyPart(const QString &s) : m_kind(Kind::Utf16), m_utf16(s) {}
    KeyPart(QStringView s) : m_kind(Kind::Utf16), m_utf16(s) {}
    KeyPart(QLatin1StringView s) : m_kind(Kind::Latin1), m_latin1(s) {}
    KeyPart(int i) : m_kind(Kind::Integer), m_integer(i) {}
    KeyPart(qint64 i) : m_kind(Kind::Integer), m_integer(i) {}
    template <typename T>
        requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, int> && !std::is_same_v<T, qint64>)
    KeyPart(T i) : m_kind(Kind::Integer), m_integer(qint64(i)) {}
    KeyPart(bool b) : m_kind(Kind::Bool), m_integer(b) {}
    KeyPart(std::nullptr_t) : m_kind(Kind::Null) {}
    // An object part written as members, as Json::object() takes them: undefined members are left out and the last
    // of a name given twice counts. {} is the empty object.
    KeyPart(std::initializer_list<Member> members) : m_kind(Kind::Members), m_members(members) {}
    KeyPart(const Json &j) : m_kind(Kind::Json), m_json(&j) {}
    KeyPart(const QJsonValue &v) : m_kind(Kind::Json), m_own(v), m_json(&m_own) {}
    KeyPart(const QJsonObject &v) : m_kind(Kind::Json), m_own(v), m_json(&m_own) {}
    KeyPart(const QJsonArray &v) : m_kind(Kind::Json), m_own(v), m_json(&m_own) {}
    KeyPart(double d) : m_kind(Kind::Json), m_own(d), m_json(&m_own) {}
    KeyPart(const KeyPart &) = delete;

    // Appends the part's canonical JSON text.
    void appendTo(KeyText &out) const;

private:
    static void appendJson(KeyText &out, const Json &json);
    static void appendArg(KeyText &out, const JsonArg &arg);
    static void appendMembers(KeyText &out, std::initializer_list<Member> members);

    enum class Kind : quint8 { Utf8, Utf16, Latin1, Integer, Bool, Null, Json, Members };
    Kind m_kind;
    const char *m_utf8 = nullptr;
    QStringView m_utf16;
    QLatin1StringView m_latin1;
    qint64 m_integer = 0;
    Json m_own;
    const Json *m_json = nullptr;
    std::initializer_list<Member> m_members;
};

// A query's identity: an ordered list of JSON values, e.g. {"posts", Json::object({{u"page", 2}})}.
// It is held as canonical JSON text (object members sorted, numbers normalised), so that two keys that
// differ only in member order are the same key and hash alike.
class QueryKey
{
public:
    QueryKey() : m_hash(hashText(QByteArrayView("[]"))) {}
    QueryKey(const QueryKey &) = default;
    QueryKey(QueryKey &&) noexcept = default;
    QueryKey &operator=(const QueryKey &) = default;
    // Not the default: Qt 6.4's QVarLengthArray move assignment leaks the heap buffer it replaces (a long key
    // assigned over a long key), which AddressSanitizer's leak check found. Destroy, then move-construct.
    QueryKey &operator=(QueryKey &&other) noexcept
    {
        if (this != &other) {
            m_text.~QVarLengthArray();
            new (&m_text) QVarLengthArray<char, 48>(std::move(other.m_text));
            m_hash = other.m_hash;
            m_size = other.m_size;
        }
        return *this;
    }
    QueryKey(std::initializer_list<KeyPart> parts);
    explicit QueryKey(const QList<Json> &parts);
    explicit QueryKey(const QJsonArray &parts);
    // A key from its canonical text (as returned by canonical()); returns an empty key if it is not a JSON array.
    static QueryKey fromCanonical(const QByteArray &canonical);

    bool isEmpty() const { return m_size == 0; }
    int size() const { return m_size; }
    // The parts, parsed from the canonical text (not a hot path: matching avoids it where it can).
    Json parts() const;
    Json part(int i) const { return parts().at(i); }
    // The canonical text. Keys up to 48 bytes are held inline: building, copying and comparing them allocates
    // nothing.
    QByteArrayView text() const { return QByteArrayView(m_text.constData(), m_text.size()); }
    QByteArray canonical() const { return QByteArray(m_text.constData(), m_text.size()); }
    size_t hash() const { return m_hash; }
    QString toString() const { return QString::fromUtf8(m_text.constData(), m_text.size()); }

    // The canonical text of the first `n` parts without the closing bracket: the bucket name in the key index.
    QByteArrayView prefixText(int n) const { return prefixOf(text(), n); }
    static QByteArrayView prefixOf(QByteArrayView canonical, int n);

    // TanStack's partialMatchKey: this key, used as a filter, matches `key` when each of its parts matches the
    // part at the same position; an object (or array) part matches when every member it has is present in the
    // other and matches recursively; other values match when equal.
    bool matchesPrefixOf(const QueryKey &key) const { return matchesPrefixOf(key.text(), key.m_size); }
    bool matchesPrefixOf(QByteArrayView canonical, int size) const;

    friend bool operator==(const QueryKey &a, const QueryKey &b)
    {
        return a.m_hash == b.m_hash && a.text() == b.text();
    }
    friend size_t qHash(const QueryKey &k, size_t seed = 0) noexcept { return k.m_hash ^ seed; }

    // The hash of a key's canonical text: a few multiplications per 8 bytes, inline (a key is hashed each time
    // one is built), seeded per process like Qt's own hashes.
    static size_t hashText(QByteArrayView text) noexcept;

private:
    friend class Query;
    QueryKey(QByteArrayView text, size_t hash, int size) : m_hash(hash), m_size(size)
    {
        m_text.clear();
        m_text.append(text.data(), text.size());
    }
    void setText(QByteArrayView text, int size);

    QVarLengthArray<char, 48> m_text{'[', ']'};
    size_t m_hash = 0;
    int m_size = 0;
};

// TanStack's partialDeepEqual on JSON values (see QueryKey::matchesPrefixOf).
bool partialMatch(const Json &value, const Json &filter);

} // namespace refetch

Q_DECLARE_METATYPE(refetch::QueryKey)
