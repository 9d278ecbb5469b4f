#pragma once

#include "json.h"

#include <QByteArray>
#include <QHashFunctions>
#include <QJsonArray>
#include <initializer_list>

namespace refetch {

// A query's identity: an ordered list of JSON values, e.g. {"posts", Json::object({{u"page", 2}})}.
// It is held as canonical JSON text (object members sorted, numbers normalised), so that two keys that
// differ only in member order are the same key and hash alike.
class QueryKey
{
public:
    QueryKey() = default;
    QueryKey(std::initializer_list<Json> parts);
    explicit QueryKey(const QList<Json> &parts);
    explicit QueryKey(const QJsonArray &parts);
    // A key from its canonical text (as returned by canonical()); returns an empty key if it is not a JSON array.
    static QueryKey fromCanonical(const QByteArray &canonical);

    bool isEmpty() const { return m_size == 0; }
    int size() const { return m_size; }
    // The parts, parsed from the canonical text (not a hot path: matching avoids it where it can).
    Json parts() const;
    Json part(int i) const { return parts().at(i); }
    const QByteArray &canonical() const { return m_canonical; }
    size_t hash() const { return m_hash; }
    QString toString() const { return QString::fromUtf8(m_canonical); }

    // The canonical text of the first `n` parts without the closing bracket: the bucket name in the key index.
    QByteArrayView prefixText(int n) const;

    // TanStack's partialMatchKey: this key, used as a filter, matches `key` when each of its parts matches the
    // part at the same position; an object (or array) part matches when every member it has is present in the
    // other and matches recursively; other values match when equal.
    bool matchesPrefixOf(const QueryKey &key) const;

    friend bool operator==(const QueryKey &a, const QueryKey &b)
    {
        return a.m_hash == b.m_hash && a.m_canonical == b.m_canonical;
    }
    friend size_t qHash(const QueryKey &k, size_t seed = 0) noexcept { return k.m_hash ^ seed; }

private:
    void finish();

    QByteArray m_canonical = QByteArrayLiteral("[]");
    size_t m_hash = 0;
    int m_size = 0;
};

// TanStack's partialDeepEqual on JSON values (see QueryKey::matchesPrefixOf).
bool partialMatch(const Json &value, const Json &filter);

} // namespace refetch

Q_DECLARE_METATYPE(refetch::QueryKey)
