#pragma once

#include "core/client/clock.h"

#include <QRandomGenerator>

namespace refetch {

// How long a dropped stream waits before it connects again.
struct BackoffOptions
{
    Millis initial{1000};   // the first wait (SSE's "retry" field replaces it)
    Millis max{30000};      // the longest
    double jitter = 0.5;    // each wait is taken at random from [(1 - jitter) * d, d]: clients a server dropped
                            // together do not all come back in the same millisecond
    quint32 seed = 0;       // for the jitter; 0: a random seed
};

// Exponential backoff with jitter for reconnecting: initial * 2^n up to max, n counting the failures since the
// stream last opened. Plain arithmetic: the stream schedules the wait on its clock.
class ReconnectBackoff
{
public:
    explicit ReconnectBackoff(BackoffOptions options = {});

    // The wait before the next try; counts a failure.
    Millis next();
    // The stream opened: the next failure waits `initial` again.
    void reset() { m_failures = 0; }
    int failures() const { return m_failures; }
    // The server's word on the first wait (SSE "retry"), kept within [100 ms, max].
    void setInitial(Millis initial);
    const BackoffOptions &options() const { return m_options; }

private:
    BackoffOptions m_options;
    QRandomGenerator m_random;
    int m_failures = 0;
};

} // namespace refetch
