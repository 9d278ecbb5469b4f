#pragma once

#include "core/cache/query.h"

#include <QHash>
#include <QSet>

namespace refetch {

// Finds queries by key prefix without scanning the cache: every query is listed under each proper prefix of its
// key (["r5", {"page": 2}] under ["r5"]), so a prefix filter reads just its bucket.
class KeyIndex
{
public:
    void insert(Query *q);
    void remove(Query *q);
    // The slots of the queries whose key has the first `parts` parts of `key` and is longer; nullptr if none.
    const QSet<quint32> *bucket(const QueryKey &key, int parts) const;
    qsizetype bucketCount() const { return m_buckets.size(); }
    void clear() { m_buckets.clear(); }

private:
    QHash<QByteArray, QSet<quint32>> m_buckets;
};

} // namespace refetch
