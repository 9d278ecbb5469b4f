#include "rowdiff.h"


#include <algorithm>
#include <utility>

namespace refetch {

namespace {

// Open addressing over (hash, index) pairs with linear probing: for a hundred thousand keys per refetch, several
// times faster than a node-based QHash, and one allocation.
class KeyTable
{
public:
    explicit KeyTable(int count)
    {
        size_t capacity = 16;
        while (capacity < size_t(count) * 2)
            capacity *= 2;
        m_slots.assign(capacity, Slot{0, -1});
        m_mask = capacity - 1;
    }
    // The index stored for a key equal to the one at `hash` (as `equal` says), or -1.
    template <typename Equal>
    int find(size_t hash, Equal equal) const
    {
        for (size_t i = hash & m_mask;; i = (i + 1) & m_mask) {
            const Slot &s = m_slots[i];
            if (s.index < 0)
                return -1;
            if (s.hash == quint32(hash) && equal(s.index))
                return s.index;
        }
    }
    // Stores `index` for the key; returns the index it replaced, or -1.
    template <typename Equal>
    int put(size_t hash, int index, Equal equal)
    {
        for (size_t i = hash & m_mask;; i = (i + 1) & m_mask) {
            Slot &s = m_slots[i];
            if (s.index < 0) {
                s = Slot{quint32(hash), index};
                return -1;
            }
            if (s.hash == quint32(hash) && equal(s.index))
                return std::exchange(s.index, index);
        }
    }

private:
    struct Slot
    {
        quint32 hash;
        qint32 index;
    };
    std::vector<Slot> m_slots;
    size_t m_mask = 0;
};

size_t mix(size_t h)
{
    // Json hashes of small integers can be close together: spread them over the table.
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

// Marks, per element of `values` (distinct), whether it is on one longest increasing subsequence: patience
// sorting with back links, O(k log k).
std::vector<char> longestIncreasing(const std::vector<int> &values)
{
    const int k = int(values.size());
    std::vector<char> on(size_t(k), 0);
    if (k == 0)
        return on;
    std::vector<int> tails;  // tails[l]: index of the smallest last value of an increasing run of length l + 1
    std::vector<int> back(size_t(k), -1);
    tails.reserve(size_t(k));
    for (int i = 0; i < k; ++i) {
        const auto at = std::lower_bound(tails.begin(), tails.end(), values[size_t(i)],
                                         [&](int t, int v) { return values[size_t(t)] < v; });
        if (at != tails.begin())
            back[size_t(i)] = *(at - 1);
        if (at == tails.end())
            tails.push_back(i);
        else
            *at = i;
    }
    for (int i = tails.back(); i >= 0; i = back[size_t(i)])
        on[size_t(i)] = 1;
    return on;
}

} // namespace

RowDiff RowDiff::compute(const std::vector<RowKey> &before, const std::vector<RowKey> &after)
{
    RowDiff d;
    const int n = int(before.size());
    const int m = int(after.size());
    d.m_beforeSize = n;
    int p = 0;
    while (p < n && p < m && before[size_t(p)] == after[size_t(p)])
        ++p;
    int s = 0;
    while (s < n - p && s < m - p && before[size_t(n - 1 - s)] == after[size_t(m - 1 - s)])
        ++s;
    d.m_prefix = p;
    d.m_suffix = s;
    d.m_sources.assign(size_t(m), -1);
    for (int j = 0; j < p; ++j)
        d.m_sources[size_t(j)] = j;
    for (int j = m - s; j < m; ++j)
        d.m_sources[size_t(j)] = j - m + n;

    const int oldMiddle = n - p - s;
    const int newMiddle = m - p - s;
    std::vector<int> kept;  // old rows of the kept middle rows, in new order
    if (oldMiddle > 0 && newMiddle > 0) {
        KeyTable index(oldMiddle);
        for (int i = p; i < n - s; ++i) {
            const RowKey &k = before[size_t(i)];
            index.put(mix(qHash(k)), i, [&](int o) { return before[size_t(o)] == k; });
        }
        kept.reserve(size_t(std::min(oldMiddle, newMiddle)));
        for (int j = p; j < m - s; ++j) {
            const RowKey &k = after[size_t(j)];
            const int o = index.find(mix(qHash(k)), [&](int o) { return before[size_t(o)] == k; });
            if (o >= 0) {
                d.m_sources[size_t(j)] = o;
                kept.push_back(o);
            }
        }
    }
    const int k = int(kept.size());
    d.m_removed = oldMiddle - k;
    d.m_inserted = newMiddle - k;
    d.m_stays = longestIncreasing(kept);
    d.m_moved = k - int(std::count(d.m_stays.begin(), d.m_stays.end(), 1));
    return d;
}

void RowDiff::numberRepeats(std::vector<RowKey> &keys)
{
    KeyTable last(int(keys.size()));
    for (size_t i = 0; i < keys.size(); ++i) {
        RowKey &k = keys[i];
        const int previous = last.put(mix(qHashMulti(0, k.id, k.keyedByContent)), int(i), [&](int o) {
            return keys[size_t(o)].keyedByContent == k.keyedByContent && keys[size_t(o)].id == k.id;
        });
        k.occurrence = previous < 0 ? 0 : keys[size_t(previous)].occurrence + 1;
    }
}

void RowDiff::apply(const Steps &steps, int maxMoves) const
{
    const int n = m_beforeSize;
    const int m = afterSize();
    const int p = m_prefix;
    const int s = m_suffix;

    if (m_removed) {
        std::vector<char> kept(size_t(n - p - s), 0);
        for (int j = p; j < m - s; ++j) {
            if (m_sources[size_t(j)] >= 0)
                kept[size_t(m_sources[size_t(j)] - p)] = 1;
        }
        for (int i = n - s - 1; i >= p; --i) {
            if (kept[size_t(i - p)])
                continue;
            const int last = i;
            while (i - 1 >= p && !kept[size_t(i - 1 - p)])
                --i;
            steps.remove(i, last);
        }
    }

    if (m_moved) {
        // The kept middle rows, now at p.. in their old order; `target` is the order they must end in.
        std::vector<int> target;
        target.reserve(m_stays.size());
        for (int j = p; j < m - s; ++j) {
            if (m_sources[size_t(j)] >= 0)
                target.push_back(m_sources[size_t(j)]);
        }
        std::vector<int> current = target;
        std::sort(current.begin(), current.end());
        const int k = int(current.size());
        std::vector<int> pos(size_t(n - p - s), -1);  // old row - p -> position - p now
        for (int i = 0; i < k; ++i)
            pos[size_t(current[size_t(i)] - p)] = i;

        int runs = 0;
        for (int t = 0; t < k; ++t) {
            if (m_stays[size_t(t)])
                continue;
            const bool continues = t > 0 && !m_stays[size_t(t - 1)]
                && pos[size_t(target[size_t(t)] - p)] == pos[size_t(target[size_t(t - 1)] - p)] + 1;
            runs += !continues;
        }

        if (runs > maxMoves && steps.reorder) {
            std::vector<int> order(static_cast<size_t>(k));
            for (int i = 0; i < k; ++i)
                order[size_t(i)] = pos[size_t(target[size_t(i)] - p)];
            steps.reorder(p, order);
        } else {
            // Each row off the increasing subsequence goes right after the row that precedes it in the target
            // order (placed already, or staying); rows on it never move. A run of such rows that sit together
            // moves at once.
            for (int t = 0; t < k; ++t) {
                if (m_stays[size_t(t)])
                    continue;
                const int predecessor = t == 0 ? -1 : pos[size_t(target[size_t(t - 1)] - p)];
                const int src = pos[size_t(target[size_t(t)] - p)];
                if (src == predecessor + 1)
                    continue;
                int len = 1;
                while (t + len < k && !m_stays[size_t(t + len)] && src + len < k
                       && current[size_t(src + len)] == target[size_t(t + len)])
                    ++len;
                const int dest = predecessor + 1;
                steps.move(p + src, p + src + len - 1, p + dest);
                if (dest < src) {
                    std::rotate(current.begin() + dest, current.begin() + src, current.begin() + src + len);
                    for (int i = dest; i < src + len; ++i)
                        pos[size_t(current[size_t(i)] - p)] = i;
                } else {
                    std::rotate(current.begin() + src, current.begin() + src + len, current.begin() + dest);
                    for (int i = src; i < dest; ++i)
                        pos[size_t(current[size_t(i)] - p)] = i;
                }
                t += len - 1;
            }
        }
    }

    if (m_inserted) {
        for (int j = p; j < m - s; ++j) {
            if (m_sources[size_t(j)] >= 0)
                continue;
            const int first = j;
            while (j + 1 < m - s && m_sources[size_t(j + 1)] < 0)
                ++j;
            steps.insert(first, j);
        }
    }
}

} // namespace refetch
