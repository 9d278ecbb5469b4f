#include "core/cache/hugepages.h"

#include <QtGlobal>
#include <cstdlib>
#include <cstring>
#include <new>
#if defined(Q_OS_LINUX)
#include <sys/mman.h>
#endif

namespace refetch {

namespace {
constexpr std::size_t HugePage = 2 * 1024 * 1024;
}

void *allocateTable(std::size_t bytes)
{
    void *p = nullptr;
    if (bytes >= HugePage) {
        if (posix_memalign(&p, HugePage, bytes) != 0)
            throw std::bad_alloc();
#if defined(Q_OS_LINUX) && defined(MADV_HUGEPAGE)
        madvise(p, bytes, MADV_HUGEPAGE);   // advice only
#endif
    } else if (!(p = std::malloc(bytes ? bytes : 1))) {
        throw std::bad_alloc();
    }
    std::memset(p, 0, bytes);
    return p;
}

void freeTable(void *p)
{
    std::free(p);
}

} // namespace refetch
