#pragma once

#include "core/cache/query.h"

#include <QHash>
#include <vector>

namespace refetch {

// Finds queries by key prefix without scanning the cache: every query is listed under each proper prefix of its
// key (["r5", {"page": 2}] under ["r5"]), so a prefix filter reads just its bucket.
//
// A bucket is a plain array of (slot, generation) records, in the order the queries came: adding one is an
// append. Removing one only bumps its slot's generation, so that its records no longer match; a bucket drops its
// dead records once they are half of it, so that the work stays proportional to the live queries.
class KeyIndex
{
public:
    void insert(Query *q);
    void remove(Query *q);
    // Calls fn(slot) for each query whose key has the first `parts` parts of `key` and is longer, in the order
    // they were added.
    template <typename F>
    void forEachInBucket(const QueryKey &key, int parts, F &&fn) const
    {
        const QByteArrayView prefix = key.prefixText(parts);
        const auto it = m_buckets.constFind(QByteArray::fromRawData(prefix.data(), prefix.size()));
        if (it == m_buckets.cend())
            return;
        for (const Record r : it->records) {
            if (m_generation[r.slot] == r.generation)
                fn(r.slot);
        }
    }
    qsizetype bucketCount() const { return m_buckets.size(); }
    void clear();

private:
    struct Record
    {
        quint32 slot;
        quint32 generation;
    };
    struct Bucket
    {
        std::vector<Record> records;
        size_t dead = 0;
    };
    void compact(Bucket &bucket) const;

    Bucket &bucketFor(QByteArrayView prefix);

    QHash<QByteArray, Bucket> m_buckets;
    std::vector<quint32> m_generation;
    // The bucket the last query went into: queries come in runs of one resource (a list's pages, its records), so
    // the next one most often goes there too. Forgotten whenever a bucket is added or dropped (QHash moves them).
    QByteArray m_lastPrefix;
    Bucket *m_lastBucket = nullptr;   // by slot: bumped each time the query in it is removed
};

} // namespace refetch
