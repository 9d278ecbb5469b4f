#include "core/cache/querytable.h"

static_assert(sizeof(quintptr) == 8, "QueryTable packs hash bits into 64-bit pointers");

#include "core/cache/hugepages.h"

namespace refetch {

QueryTable::Slots::Slots(size_t n)
    : data(static_cast<Slot *>(allocateTable(n * sizeof(Slot)))), size(n)
{
}

QueryTable::Slots::~Slots()
{
    freeTable(data);
}

QueryTable::Found QueryTable::find(const QueryKey &key) const
{
    if (m_slots.empty())
        return {};
    const size_t hash = key.hash() & m_hashMask;
    const quintptr tag = tagOf(hash);
    for (size_t i = hash & mask();; i = (i + 1) & mask()) {
        const Slot &slot = m_slots[i];
        if (!slot.entry)
            return {};
        // A key's text is read only once 48 bits of the hash agree. The caller's next read (the cache's flag for
        // slot.cacheSlot) does not depend on the text, so it need not wait for it.
        if (slot.hash == quint32(hash) && (slot.entry & TagMask) == tag) {
            const StoredKey *stored = keyOf(slot);
            if (stored->equals(key.text()))
                return {stored, slot.cacheSlot};
        }
    }
}

void QueryTable::insert(const StoredKey *key, size_t keyHash, quint32 slot)
{
    Q_ASSERT((quintptr(key) & TagMask) == 0);
    // Keep the load under 3/4 so probes stay short.
    if ((m_count + 1) * 4 > qsizetype(m_slots.size) * 3)
        grow();
    const size_t hash = keyHash & m_hashMask;
    size_t i = hash & mask();
    while (m_slots[i].entry)
        i = (i + 1) & mask();
    m_slots[i] = Slot{quintptr(key) | tagOf(hash), quint32(hash), slot};
    ++m_count;
}

bool QueryTable::erase(const StoredKey *key)
{
    if (m_slots.empty())
        return false;
    // The stored key has its text, not its hash: hashed again here (removal is rare beside lookups).
    size_t i = (QueryKey::hashText(key->view()) & m_hashMask) & mask();
    while (keyOf(m_slots[i]) != key) {
        if (!m_slots[i].entry)
            return false;
        i = (i + 1) & mask();
    }
    // Backward-shift deletion: no tombstones, so lookups never slow down after many removals. Homes come from the
    // slots' own hash bits: no other key is read.
    size_t hole = i;
    for (size_t j = (i + 1) & mask(); m_slots[j].entry; j = (j + 1) & mask()) {
        const size_t home = m_slots[j].hash & mask();
        // Move j into the hole unless its home lies cyclically in (hole, j].
        const bool homeInRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!homeInRange) {
            m_slots[hole] = m_slots[j];
            hole = j;
        }
    }
    m_slots[hole] = Slot{};
    --m_count;
    return true;
}

void QueryTable::grow()
{
    Slots old = std::move(m_slots);
    // A slot's home is its low 32 hash bits: 2^32 slots (64 GB of table) at most.
    Q_ASSERT(old.size < (size_t(1) << 32));
    m_slots = Slots(old.empty() ? 64 : old.size * 2);
    for (const Slot &slot : old) {
        if (!slot.entry)
            continue;
        size_t i = slot.hash & mask();
        while (m_slots[i].entry)
            i = (i + 1) & mask();
        m_slots[i] = slot;
    }
}

} // namespace refetch
