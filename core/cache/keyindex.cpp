#include "core/cache/keyindex.h"

namespace refetch {

void KeyIndex::insert(Query *q)
{
    for (int n = 1; n < q->keySize(); ++n) {
        const QByteArrayView prefix = QueryKey::prefixOf(q->keyText(), n);
        // Look up without copying; copy the prefix only for a new bucket.
        const QByteArray probe = QByteArray::fromRawData(prefix.data(), prefix.size());
        auto it = m_buckets.find(probe);
        if (it == m_buckets.end())
            it = m_buckets.insert(prefix.toByteArray(), {});
        it->insert(q->slot());
    }
}

void KeyIndex::remove(Query *q)
{
    for (int n = 1; n < q->keySize(); ++n) {
        const QByteArrayView prefix = QueryKey::prefixOf(q->keyText(), n);
        auto it = m_buckets.find(QByteArray::fromRawData(prefix.data(), prefix.size()));
        if (it == m_buckets.end())
            continue;
        it->remove(q->slot());
        if (it->isEmpty())
            m_buckets.erase(it);
    }
}

const QSet<quint32> *KeyIndex::bucket(const QueryKey &key, int parts) const
{
    const QByteArrayView prefix = key.prefixText(parts);
    auto it = m_buckets.constFind(QByteArray::fromRawData(prefix.data(), prefix.size()));
    return it == m_buckets.cend() ? nullptr : &*it;
}

} // namespace refetch
