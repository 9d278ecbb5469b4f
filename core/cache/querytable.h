#pragma once

#include "core/cache/query.h"

#include <utility>

namespace refetch {

// The cache's hash table: keys to cache slots, open addressing with linear probing over 16-byte slots (no node per
// entry). A slot holds the key's stored text, 48 bits of its hash and the query's cache slot, so that an exact
// lookup among a million entries makes two trips to memory and never touches the query: the table's slot, then the
// key's text (packed with the other keys) and the cache's flag for that slot at once.
class QueryTable
{
public:
    // What a lookup found: the key as stored and the query's cache slot (Query::slot()).
    struct Found
    {
        const StoredKey *key = nullptr;
        quint32 slot = 0;
        explicit operator bool() const { return key != nullptr; }
    };

    QueryTable() = default;
    // For tests: the keys' hashes are masked with `hashMask` before use, so that keys can be made to share their
    // home and their fingerprint (with 0, every key collides with every other).
    explicit QueryTable(size_t hashMask) : m_hashMask(hashMask) {}

    Found find(const QueryKey &key) const;
    // Adds a query's key, whose hash is `keyHash`; the key must not be present.
    void insert(const StoredKey *key, size_t keyHash, quint32 slot);
    bool erase(const StoredKey *key);
    qsizetype size() const { return m_count; }
    void clear() { m_slots = Slots(); m_count = 0; }

private:
    // `entry` is the stored key's pointer with the top 16 bits of its hash in the pointer's unused top bits (x86-64
    // and AArch64 user pointers have 48 significant bits); `hash` is the hash's low 32 bits, the slot's home. A probe
    // that meets another key is told apart by those 48 bits without reading that key.
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
    static const StoredKey *keyOf(const Slot &slot) { return reinterpret_cast<const StoredKey *>(slot.entry & ~TagMask); }
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
