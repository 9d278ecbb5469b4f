#pragma once

#include "core/json/json.h"

#include <QHashFunctions>
#include <functional>
#include <vector>

namespace refetch {

// What identifies a row from one response to the next: its id, or, for a row without a usable id, its content.
// A repeated id gets the number of its repeat, so that keys are unique within a list.
struct RowKey
{
    Json id;                 // the record's id; for a row without one, the whole record
    quint32 occurrence = 0;  // 0 for the first row with this key, n for its n-th repeat
    bool keyedByContent = false;

    friend bool operator==(const RowKey &a, const RowKey &b)
    {
        return a.occurrence == b.occurrence && a.keyedByContent == b.keyedByContent && a.id == b.id;
    }
    friend size_t qHash(const RowKey &k, size_t seed = 0)
    {
        return qHashMulti(seed, k.id, k.occurrence, k.keyedByContent);
    }
};

// The keyed difference between two lists of rows, and its replay as the fewest row operations a view needs:
// removals, moves, insertions, each over a contiguous run (list-diff libraries' algorithm: common prefix and
// suffix, a hash of the old keys for the rest, and a longest increasing subsequence of the kept rows' old
// positions, whose rows stay while the others move). O(n) plus O(k log k) for the k kept rows between the
// common prefix and suffix. Keys must be unique within each list.
class RowDiff
{
public:
    static RowDiff compute(const std::vector<RowKey> &before, const std::vector<RowKey> &after);
    // Numbers repeats: each key's occurrence becomes the count of equal keys (id and keyedByContent) before it.
    static void numberRepeats(std::vector<RowKey> &keys);

    // Per row of `after`: its row in `before`, or -1 when it is new.
    const std::vector<int> &sources() const { return m_sources; }
    int beforeSize() const { return m_beforeSize; }
    int afterSize() const { return int(m_sources.size()); }
    int removedCount() const { return m_removed; }
    int insertedCount() const { return m_inserted; }
    // Kept rows whose order changed (not in the longest increasing subsequence), moved one run at a time.
    int movedCount() const { return m_moved; }
    bool isStructural() const { return m_removed || m_inserted || m_moved; }

    // What apply() calls; positions are rows of the list as it is at the time of the call.
    struct Steps
    {
        std::function<void(int first, int last)> remove;
        // Rows [first, last] go before row `destination` (beginMoveRows' destinationChild: counted before the move).
        std::function<void(int first, int last, int destination)> move;
        // Many moves at once: the rows from `first` on are permuted so that position first + i gets the row that was
        // at first + order[i]. Without it, every move is a move().
        std::function<void(int first, const std::vector<int> &order)> reorder;
        // Rows [first, last] of `after` are inserted at those positions.
        std::function<void(int first, int last)> insert;
    };
    // Replays the difference: removals (last run first), then moves (or one reorder() when more than `maxMoves`
    // runs would move), then insertions (first run first). After each step the list is what the step says, so a
    // model can call begin/end around it.
    void apply(const Steps &steps, int maxMoves = 64) const;

private:
    std::vector<int> m_sources;
    int m_beforeSize = 0;
    int m_prefix = 0;
    int m_suffix = 0;
    int m_removed = 0;
    int m_inserted = 0;
    int m_moved = 0;
    std::vector<char> m_stays;  // per kept row between prefix and suffix, in `after` order: on the LIS
};

} // namespace refetch
