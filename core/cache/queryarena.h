#pragma once

#include <cstddef>
#include <vector>

namespace refetch {

// Memory for the cache's entries: 2 MB chunks, asked to live on huge pages, cut into size classes with free
// lists. A lookup among a million entries then walks no page tables for the entry it lands on, and entries
// carry no malloc header.
class QueryArena
{
public:
    QueryArena() = default;
    QueryArena(const QueryArena &) = delete;
    QueryArena &operator=(const QueryArena &) = delete;
    ~QueryArena();

    void *allocate(std::size_t bytes);
    void deallocate(void *p, std::size_t bytes);
    std::size_t chunkCount() const { return m_chunks.size(); }

private:
    static constexpr std::size_t Granule = 16;
    static constexpr std::size_t MaxSmall = 1024;   // larger blocks (very long keys) come from operator new
    static constexpr std::size_t ChunkSize = 2 * 1024 * 1024;
    struct FreeBlock { FreeBlock *next; };

    static std::size_t classOf(std::size_t bytes) { return (bytes + Granule - 1) / Granule; }
    void newChunk();

    std::vector<void *> m_chunks;
    char *m_cursor = nullptr;
    char *m_end = nullptr;
    FreeBlock *m_free[MaxSmall / Granule + 1] = {};
};

} // namespace refetch
