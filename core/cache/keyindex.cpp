#include "core/cache/keyindex.h"

#include <algorithm>
#include <cstring>

namespace refetch {

void KeyIndex::insert(Query *q)
{
    const quint32 slot = q->slot();
    if (slot >= m_generation.size())
        m_generation.resize(size_t(slot) + 1, 0);
    const Record record{slot, m_generation[slot]};
    for (int n = 1; n < q->keySize(); ++n)
        bucketFor(QueryKey::prefixOf(q->keyText(), n)).records.push_back(record);
}

KeyIndex::Bucket &KeyIndex::bucketFor(QByteArrayView prefix)
{
    // Inline: QByteArrayView's operator== is an out-of-line call, and most inserts go to the last bucket.
    if (m_lastBucket && prefix.size() == m_lastPrefix.size()
        && std::memcmp(prefix.data(), m_lastPrefix.constData(), size_t(prefix.size())) == 0)
        return *m_lastBucket;
    // Look up without copying; copy the prefix only for a new bucket.
    auto it = m_buckets.find(QByteArray::fromRawData(prefix.data(), prefix.size()));
    if (it == m_buckets.end()) {
        it = m_buckets.insert(prefix.toByteArray(), {});
        m_lastBucket = nullptr;
    }
    m_lastPrefix = it.key();
    m_lastBucket = &*it;
    return *m_lastBucket;
}

void KeyIndex::remove(Query *q)
{
    const quint32 slot = q->slot();
    if (q->keySize() < 2 || slot >= m_generation.size())
        return;
    // Its records stop matching at once; each bucket counts them to know when to drop them.
    ++m_generation[slot];
    for (int n = 1; n < q->keySize(); ++n) {
        const QByteArrayView prefix = QueryKey::prefixOf(q->keyText(), n);
        auto it = m_buckets.find(QByteArray::fromRawData(prefix.data(), prefix.size()));
        if (it == m_buckets.end())
            continue;
        Bucket &bucket = *it;
        if (++bucket.dead == bucket.records.size()) {
            m_buckets.erase(it);
            m_lastBucket = nullptr;
            continue;
        }
        if (bucket.dead * 2 > bucket.records.size())
            compact(bucket);
    }
}

void KeyIndex::compact(Bucket &bucket) const
{
    std::erase_if(bucket.records, [this](const Record &r) { return m_generation[r.slot] != r.generation; });
    bucket.dead = 0;
}

void KeyIndex::clear()
{
    m_buckets.clear();
    m_generation.clear();
    m_lastBucket = nullptr;
}

} // namespace refetch
