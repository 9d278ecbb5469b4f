#pragma once

#include <QtGlobal>
#include <cstddef>

namespace refetch {

// The tag index's table for integer ids: (tag type, id) -> cache slots, as a flat open-addressing multimap of
// 16-byte entries on huge pages. An id lookup among a million tags reads one or two cache lines and walks
// no page tables; no node or string is allocated per tag.
class TagIdTable
{
public:
    TagIdTable() = default;
    TagIdTable(const TagIdTable &) = delete;
    TagIdTable &operator=(const TagIdTable &) = delete;
    ~TagIdTable();

    // Adds (type, id) -> slot unless it is there already. Type 0 is reserved.
    void insert(quint32 type, qint64 id, quint32 slot);
    bool remove(quint32 type, qint64 id, quint32 slot);
    std::size_t size() const { return m_count; }
    void clear();

    template <typename F>
    void forEach(quint32 type, qint64 id, F &&fn) const
    {
        if (!m_entries)
            return;
        for (std::size_t i = home(type, id);; i = (i + 1) & m_mask) {
            const Entry &e = m_entries[i];
            if (!e.type)
                return;
            if (e.type == type && e.id == id)
                fn(e.slot);
        }
    }

private:
    struct Entry { qint64 id; quint32 type; quint32 slot; };
    std::size_t home(quint32 type, qint64 id) const
    {
        quint64 h = quint64(id) * 0x9E3779B97F4A7C15ull ^ (quint64(type) * 0xC2B2AE3D27D4EB4Full);
        h ^= h >> 29;
        return std::size_t(h) & m_mask;
    }
    void grow();

    Entry *m_entries = nullptr;
    std::size_t m_mask = 0;
    std::size_t m_count = 0;
};

} // namespace refetch
