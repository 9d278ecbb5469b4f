#include "core/cache/queryarena.h"

#include "core/cache/hugepages.h"

#include <QtGlobal>
#include <cstdlib>
#include <new>

namespace refetch {

QueryArena::~QueryArena()
{
    for (void *chunk : m_chunks)
        std::free(chunk);
}

void QueryArena::newChunk()
{
    void *p = nullptr;
    if (posix_memalign(&p, ChunkSize, ChunkSize) != 0)
        throw std::bad_alloc();
    adviseHugePages(p, ChunkSize);   // advice only: without transparent huge pages nothing changes
    m_chunks.push_back(p);
    m_cursor = static_cast<char *>(p);
    m_end = m_cursor + ChunkSize;
}

void *QueryArena::allocate(std::size_t bytes)
{
    if (bytes > MaxSmall)
        return ::operator new(bytes);
    const std::size_t cls = classOf(bytes);
    if (FreeBlock *block = m_free[cls]) {
        m_free[cls] = block->next;
        return block;
    }
    const std::size_t size = cls * Granule;
    if (std::size_t(m_end - m_cursor) < size)
        newChunk();
    void *p = m_cursor;
    m_cursor += size;
    return p;
}

void QueryArena::deallocate(void *p, std::size_t bytes)
{
    if (bytes > MaxSmall) {
        ::operator delete(p);
        return;
    }
    const std::size_t cls = classOf(bytes);
    auto *block = static_cast<FreeBlock *>(p);
    block->next = m_free[cls];
    m_free[cls] = block;
}

} // namespace refetch
