#pragma once

#include <cstddef>

namespace refetch {

// Zeroed memory for a large table, aligned to and advised onto 2 MB huge pages when it is at least that big
// (Linux; elsewhere, or without transparent huge pages, it is ordinary memory). Free with freeTable().
void *allocateTable(std::size_t bytes);
void freeTable(void *p);

} // namespace refetch
