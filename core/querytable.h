#pragma once

#include "query.h"

#include <vector>

namespace refetch {

// The cache's hash table: queries by key, open addressing with linear probing over plain pointers, so that an
// entry costs one pointer slot instead of a node (memory per entry is a target). The key and its hash live in
// the Query itself.
class QueryTable
{
public:
    Query *find(const QueryKey &key) const;
    void insert(Query *q);   // the key must not be present
    bool erase(Query *q);
    qsizetype size() const { return m_count; }
    void clear() { m_slots.clear(); m_count = 0; }

    template <typename F>
    void forEach(F &&fn) const
    {
        for (Query *q : m_slots) {
            if (q)
                fn(q);
        }
    }

private:
    void grow();
    size_t mask() const { return m_slots.size() - 1; }

    std::vector<Query *> m_slots;
    qsizetype m_count = 0;
};

} // namespace refetch
