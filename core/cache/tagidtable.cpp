#include "core/cache/tagidtable.h"

#include "core/cache/hugepages.h"

namespace refetch {

TagIdTable::~TagIdTable()
{
    freeTable(m_entries);
}

void TagIdTable::clear()
{
    freeTable(m_entries);
    m_entries = nullptr;
    m_mask = 0;
    m_count = 0;
}

void TagIdTable::grow()
{
    Entry *old = m_entries;
    const std::size_t oldCapacity = old ? m_mask + 1 : 0;
    const std::size_t capacity = oldCapacity ? oldCapacity * 2 : 64;
    m_entries = static_cast<Entry *>(allocateTable(capacity * sizeof(Entry)));
    m_mask = capacity - 1;
    for (std::size_t j = 0; j < oldCapacity; ++j) {
        if (!old[j].type)
            continue;
        std::size_t i = home(old[j].type, old[j].id);
        while (m_entries[i].type)
            i = (i + 1) & m_mask;
        m_entries[i] = old[j];
    }
    freeTable(old);
}

void TagIdTable::insert(quint32 type, qint64 id, quint32 slot)
{
    Q_ASSERT(type != 0);
    // Keep the load at most 1/2: a tag's entries and the empty slot that ends its run stay close.
    if (!m_entries || (m_count + 1) * 2 > m_mask + 1)
        grow();
    std::size_t i = home(type, id);
    for (; m_entries[i].type; i = (i + 1) & m_mask) {
        const Entry &e = m_entries[i];
        if (e.type == type && e.id == id && e.slot == slot)
            return;
    }
    m_entries[i] = Entry{id, type, slot};
    ++m_count;
}

bool TagIdTable::remove(quint32 type, qint64 id, quint32 slot)
{
    if (!m_entries)
        return false;
    std::size_t i = home(type, id);
    for (;; i = (i + 1) & m_mask) {
        const Entry &e = m_entries[i];
        if (!e.type)
            return false;
        if (e.type == type && e.id == id && e.slot == slot)
            break;
    }
    // Backward-shift deletion (as QueryTable): no tombstones.
    std::size_t hole = i;
    for (std::size_t j = (i + 1) & m_mask; m_entries[j].type; j = (j + 1) & m_mask) {
        const std::size_t h = home(m_entries[j].type, m_entries[j].id);
        const bool homeInRange = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j);
        if (!homeInRange) {
            m_entries[hole] = m_entries[j];
            hole = j;
        }
    }
    m_entries[hole] = Entry{};
    --m_count;
    return true;
}

} // namespace refetch
