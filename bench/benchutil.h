#pragma once

#include <QJsonObject>
#include <QtGlobal>

#include <algorithm>
#include <functional>
#include <vector>

// What every workload of refetch-bench shares: the draws, the repetitions and the JSON lines of WORKLOADS.md.
namespace refetch::bench {

// WORKLOADS.md's generator: x = (x * 1103515245 + 12345) mod 2^31, seed 42.
struct Lcg
{
    quint64 x = 42;
    quint32 next() { return quint32(x = (x * 1103515245ull + 12345ull) % 2147483648ull); }
};

// The distinct numbers drawn in a repetition, for its check: a bit per number below `range` (a QSet's insert cost
// about 130 instructions per op, a tenth of an exact invalidation, and is the bench's own bookkeeping).
class Seen
{
public:
    explicit Seen(qsizetype range) : m_bits(size_t(range)) {}
    void insert(qsizetype i)
    {
        m_count += !m_bits[size_t(i)];
        m_bits[size_t(i)] = true;
    }
    qsizetype size() const { return m_count; }
    void clear()
    {
        std::fill(m_bits.begin(), m_bits.end(), false);
        m_count = 0;
    }

private:
    std::vector<bool> m_bits;
    qsizetype m_count = 0;
};

// At least 5 timed repetitions; REPS=9 asks for more.
int reps();
double median(std::vector<double> v);
// Prints one JSON line with "system":"refetch".
void printLine(QJsonObject o);
[[noreturn]] void fail(const char *what);
// Runs the event loop until `done` holds; fails the run after `timeoutMs` (a hang is a finding, not a wait).
void waitFor(const std::function<bool()> &done, const char *what, int timeoutMs = 10000);
qint64 residentBytes();

// One warm-up repetition, then reps() timed ones; returns the median ns per op. setup and check are untimed.
struct Timing { double nsPerOp; int ops; };
Timing measure(const std::function<void()> &setup, const std::function<int()> &run, const std::function<void(int)> &check);

} // namespace refetch::bench
