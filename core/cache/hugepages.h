#pragma once

#include <cstddef>

namespace refetch {

// Zeroed memory for a large table, aligned to and advised onto 2 MB huge pages when it is at least that big
// (Linux; elsewhere, or without transparent huge pages, it is ordinary memory). Free with freeTable().
void *allocateTable(std::size_t bytes);
void freeTable(void *p);

// Asks the kernel to back [p, p + bytes) (2 MB aligned) with huge pages, or, while they are turned off, never to.
void adviseHugePages(void *p, std::size_t bytes);

// Whether the cache's large tables and its entries' arena ask for huge pages (on by default). Turned off, they
// ask for ordinary pages, so that a benchmark can show what a lookup costs without them (refetch-bench
// --no-huge-pages). Affects memory allocated afterwards.
void setHugePagesEnabled(bool enabled);
bool hugePagesEnabled();

} // namespace refetch
