#include "core/cache/querytable.h"

static_assert(sizeof(quintptr) == 8, "QueryTable packs hash bits into 64-bit pointers");

#include "core/cache/hugepages.h"

namespace refetch {

QueryTable::Slots::Slots(size_t n)
    : data(static_cast<quintptr *>(allocateTable(n * sizeof(quintptr)))), size(n)
{
}

QueryTable::Slots::~Slots()
{
    freeTable(data);
}

Query *QueryTable::find(const QueryKey &key) const
{
    if (m_slots.empty())
        return nullptr;
    const quintptr tag = tagOf(key.hash());
    constexpr quintptr TagMask = ~((quintptr(1) << TagShift) - 1);
    for (size_t i = key.hash() & mask();; i = (i + 1) & mask()) {
        const quintptr slot = m_slots[i];
        if (!slot)
            return nullptr;
        if ((slot & TagMask) == tag) {
            Query *q = query(slot);
            if (q->hasKey(key))
                return q;
        }
    }
}

void QueryTable::insert(Query *q)
{
    Q_ASSERT((quintptr(q) >> TagShift) == 0);
    // Keep the load under 3/4 so probes stay short.
    if ((m_count + 1) * 4 > qsizetype(m_slots.size) * 3)
        grow();
    size_t i = q->keyHash() & mask();
    while (m_slots[i])
        i = (i + 1) & mask();
    m_slots[i] = slotFor(q);
    ++m_count;
}

bool QueryTable::erase(Query *q)
{
    if (m_slots.empty())
        return false;
    size_t i = q->keyHash() & mask();
    while (query(m_slots[i]) != q) {
        if (!m_slots[i])
            return false;
        i = (i + 1) & mask();
    }
    // Backward-shift deletion: no tombstones, so lookups never slow down after many removals.
    size_t hole = i;
    for (size_t j = (i + 1) & mask(); m_slots[j]; j = (j + 1) & mask()) {
        const size_t home = query(m_slots[j])->keyHash() & mask();
        // Move j into the hole unless its home lies cyclically in (hole, j].
        const bool homeInRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!homeInRange) {
            m_slots[hole] = m_slots[j];
            hole = j;
        }
    }
    m_slots[hole] = 0;
    --m_count;
    return true;
}

void QueryTable::grow()
{
    Slots old = std::move(m_slots);
    m_slots = Slots(old.empty() ? 64 : old.size * 2);
    for (quintptr slot : old) {
        if (!slot)
            continue;
        size_t i = query(slot)->keyHash() & mask();
        while (m_slots[i])
            i = (i + 1) & mask();
        m_slots[i] = slot;
    }
}

} // namespace refetch
