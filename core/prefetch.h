#pragma once

#include <cstddef>

namespace refetch {

// Calls fn(q) for every pointer in `items`, touching each pointee a few items ahead of its turn: entries of a
// large cache are scattered over the heap, and an invalidation that touches a thousand of them would otherwise
// wait for memory once per entry.
template <typename Container, typename F>
void forEachPrefetched(const Container &items, F &&fn)
{
    constexpr std::size_t Ahead = 8;
    typename Container::value_type ring[Ahead];
    std::size_t n = 0;
    for (auto item : items) {
        __builtin_prefetch(item, 1);
        if (n >= Ahead)
            fn(ring[n % Ahead]);
        ring[n % Ahead] = item;
        ++n;
    }
    const std::size_t first = n > Ahead ? n - Ahead : 0;
    for (std::size_t i = first; i < n; ++i)
        fn(ring[i % Ahead]);
}

} // namespace refetch
