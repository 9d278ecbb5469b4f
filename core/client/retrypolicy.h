#pragma once

#include "core/client/clock.h"
#include "core/client/queryerror.h"

#include <functional>

namespace refetch {

// When a failed fetch is tried again, and after how long: query-core's retryer as plain data.
// Defaults: 3 retries, delay min(1 s * 2^n, 30 s); no retry on 4xx except 408 and 429; Retry-After honoured.
// Unlike TanStack, retries keep going while the window is unfocused: a desktop user expects the work to finish.
struct RetryPolicy
{
    int maxRetries = 3;
    Millis baseDelay{1000};
    Millis maxDelay{30000};
    Millis maxRetryAfter{std::chrono::minutes(5)}; // a longer Retry-After fails instead of waiting
    // Optional override; when set, it alone decides (failureCount counts failures so far, from 1).
    std::function<bool(int failureCount, const QueryError &)> shouldRetry;

    static RetryPolicy none() { return RetryPolicy{.maxRetries = 0}; }

    bool retries(int failureCount, const QueryError &error) const;
    // The wait before retry number `failureCount` (1 = the first retry).
    Millis delay(int failureCount, const QueryError &error) const;
    // Whether the error is one that a retry can fix: network trouble (not a refused certificate or redirect),
    // timeouts, 5xx, 408, 429.
    static bool isTransient(const QueryError &error);
};

} // namespace refetch
