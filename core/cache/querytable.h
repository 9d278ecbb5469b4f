#pragma once

#include "core/cache/query.h"

#include <utility>

namespace refetch {

// The cache's hash table: queries by key, open addressing with linear probing over 16-byte slots (no node per
// entry). A slot holds 48 bits of its key's hash and the query's cache slot beside the query's pointer, so that a
// lookup among a million entries makes two trips to memory, not three: the table's slot, then the query's key text
// and the cache's flag for it at once (the flag's place is known without touching the query).
class QueryTable
{
public:
    // What a lookup found: the query and its cache slot (Query::slot(), read from the table).
    struct Found
    {
        Query *query = nullptr;
        quint32 slot = 0;
        explicit operator bool() const { return query != nullptr; }
    };

    QueryTable() = default;
    // For tests: the keys' hashes are masked with `hashMask` before use, so that keys can be made to share their
    // home and their fingerprint (with 0, every key collides with every other).
    explicit QueryTable(size_t hashMask) : m_hashMask(hashMask) {}

    Found find(const QueryKey &key) const;
    void insert(Query *q, size_t keyHash);   // the key must not be present
    bool erase(Query *q);
    qsizetype size() const { return m_count; }
    void clear() { m_slots = Slots(); m_count = 0; }

    template <typename F>
    void forEach(F &&fn) const
    {
        for (const Slot &slot : m_slots) {
            if (slot.entry)
                fn(query(slot));
        }
    }

private:
    // `entry` is the query's pointer with the top 16 bits of its key's hash in the pointer's unused top bits (x86-64
    // and AArch64 user pointers have 48 significant bits); `hash` is the hash's low 32 bits, the slot's home. A probe
    // that meets another key is told apart by those 48 bits without touching that query's memory.
    struct Slot
    {
        quintptr entry;
        quint32 hash;
        quint32 cacheSlot;
    };
    static_assert(sizeof(Slot) == 16);
    static constexpr int TagShift = 48;
    static constexpr quintptr TagMask = ~((quintptr(1) << TagShift) - 1);
    static quintptr tagOf(size_t hash) { return quintptr(hash >> TagShift) << TagShift; }
    static Query *query(const Slot &slot) { return reinterpret_cast<Query *>(slot.entry & ~TagMask); }
    size_t mask() const { return m_slots.size - 1; }
    void grow();

    // Slot storage; a large table is asked to live on huge pages, so that a lookup in a million entries does
    // not also pay a page-table walk for the slot.
    struct Slots {
        Slot *data = nullptr;
        size_t size = 0;
        Slots() = default;
        explicit Slots(size_t n);
        Slots(Slots &&o) noexcept : data(std::exchange(o.data, nullptr)), size(std::exchange(o.size, 0)) {}
        Slots &operator=(Slots &&o) noexcept { std::swap(data, o.data); std::swap(size, o.size); return *this; }
        ~Slots();
        Slot &operator[](size_t i) { return data[i]; }
        const Slot &operator[](size_t i) const { return data[i]; }
        const Slot *begin() const { return data; }
        const Slot *end() const { return data + size; }
        bool empty() const { return size == 0; }
    };
    Slots m_slots;
    qsizetype m_count = 0;
    size_t m_hashMask = ~size_t(0);
};

} // namespace refetch
