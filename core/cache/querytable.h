#pragma once

#include "core/cache/query.h"

#include <utility>

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
    void clear() { m_slots = Slots(); m_count = 0; }

    template <typename F>
    void forEach(F &&fn) const
    {
        for (quintptr slot : m_slots) {
            if (slot)
                fn(query(slot));
        }
    }

private:
    // A slot is the query's pointer with the top 16 bits of its key's hash in the pointer's unused top bits
    // (x86-64 and AArch64 user pointers have 48 significant bits): a probe that meets another key is told
    // apart without touching that query's memory.
    static constexpr int TagShift = 48;
    static quintptr tagOf(size_t hash) { return quintptr(hash >> TagShift) << TagShift; }
    static quintptr slotFor(Query *q) { return quintptr(q) | tagOf(q->keyHash()); }
    static Query *query(quintptr slot) { return reinterpret_cast<Query *>(slot & ((quintptr(1) << TagShift) - 1)); }
    void grow();
    size_t mask() const { return m_slots.size - 1; }

    // Slot storage; a large table is asked to live on huge pages, so that a lookup in a million entries does
    // not also pay a page-table walk for the slot.
    struct Slots {
        quintptr *data = nullptr;
        size_t size = 0;
        Slots() = default;
        explicit Slots(size_t n);
        Slots(Slots &&o) noexcept : data(std::exchange(o.data, nullptr)), size(std::exchange(o.size, 0)) {}
        Slots &operator=(Slots &&o) noexcept { std::swap(data, o.data); std::swap(size, o.size); return *this; }
        ~Slots();
        quintptr &operator[](size_t i) { return data[i]; }
        quintptr operator[](size_t i) const { return data[i]; }
        const quintptr *begin() const { return data; }
        const quintptr *end() const { return data + size; }
        bool empty() const { return size == 0; }
    };
    Slots m_slots;
    qsizetype m_count = 0;
};

} // namespace refetch
