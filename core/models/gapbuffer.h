#pragma once

#include <algorithm>
#include <vector>

namespace refetch {

// A vector with a movable gap (an editor's text buffer): a run of erasures from the back and then insertions from
// the front, as a model replays a diff, moves each element O(1) times in all, where a plain vector would shift the
// whole tail for each of them (100 scattered changes over a million rows: 100 million moves). Elements in the gap
// are default-constructed, so they hold nothing.
template <typename T>
class GapBuffer
{
public:
    int size() const { return int(m_items.size()) - m_gap; }
    bool empty() const { return size() == 0; }
    T &operator[](int i) { return m_items[size_t(i < m_at ? i : i + m_gap)]; }
    const T &operator[](int i) const { return m_items[size_t(i < m_at ? i : i + m_gap)]; }

    void assign(std::vector<T> items)
    {
        m_items = std::move(items);
        m_at = int(m_items.size());
        m_gap = 0;
    }
    void erase(int first, int count)
    {
        moveGapTo(first + count);
        for (int i = first; i < first + count; ++i)
            m_items[size_t(i)] = T();
        m_at = first;
        m_gap += count;
    }
    template <typename It>
    void insert(int at, It begin, It end)
    {
        const int count = int(end - begin);
        moveGapTo(at);
        if (m_gap < count) {
            // Grow the gap in place, by half the size at least, so that a run of insertions grows it rarely.
            const int extra = std::max(count - m_gap, size() / 2 + 16);
            m_items.insert(m_items.begin() + m_at + m_gap, size_t(extra), T());
            m_gap += extra;
        }
        std::copy(begin, end, m_items.begin() + m_at);
        m_at += count;
        m_gap -= count;
    }
    // std::rotate on positions [first, last): the element at `middle` becomes the first.
    void rotate(int first, int middle, int last)
    {
        moveGapTo(size());
        std::rotate(m_items.begin() + first, m_items.begin() + middle, m_items.begin() + last);
    }
    // The elements as one contiguous run again, the gap dropped.
    void compact()
    {
        moveGapTo(size());
        m_items.resize(size_t(size()));
        m_gap = 0;
    }

private:
    void moveGapTo(int at)
    {
        if (at < m_at)
            std::move_backward(m_items.begin() + at, m_items.begin() + m_at, m_items.begin() + m_at + m_gap);
        else if (at > m_at)
            std::move(m_items.begin() + m_at + m_gap, m_items.begin() + at + m_gap, m_items.begin() + m_at);
        m_at = at;
    }

    std::vector<T> m_items;
    int m_at = 0;   // where the gap starts
    int m_gap = 0;  // its length
};

} // namespace refetch
