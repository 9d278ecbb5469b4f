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
bool s_hugePages = true;
}

void setHugePagesEnabled(bool enabled)
{
    s_hugePages = enabled;
}

bool hugePagesEnabled()
{
    return s_hugePages;
}

void adviseHugePages(void *p, std::size_t bytes)
{
#if defined(Q_OS_LINUX) && defined(MADV_HUGEPAGE) && defined(MADV_NOHUGEPAGE)
    madvise(p, bytes, s_hugePages ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);   // advice only
#else
    Q_UNUSED(p);
    Q_UNUSED(bytes);
#endif
}

void *allocateTable(std::size_t bytes)
{
    void *p = nullptr;
    if (bytes >= HugePage) {
        if (posix_memalign(&p, HugePage, bytes) != 0)
            throw std::bad_alloc();
        adviseHugePages(p, bytes);
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
