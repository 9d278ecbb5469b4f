#include "core/client/retrypolicy.h"

#include <algorithm>

namespace refetch {

bool RetryPolicy::isTransient(const QueryError &error)
{
    switch (error.kind) {
    case QueryError::Kind::Network:
        // A refused certificate or redirect is refused again: trying is only a wait for the same message.
        return error.networkError != QNetworkReply::SslHandshakeFailedError
            && error.networkError != QNetworkReply::InsecureRedirectError
            && error.networkError != QNetworkReply::TooManyRedirectsError
            && error.networkError != QNetworkReply::ProtocolUnknownError;
    case QueryError::Kind::Timeout:
        return true;
    case QueryError::Kind::Http:
        if (error.httpStatus >= 500)
            return true;
        return error.httpStatus == 408 || error.httpStatus == 429;
    case QueryError::Kind::Other:
        return true;
    case QueryError::Kind::Parse:
    case QueryError::Kind::TooLarge:
    case QueryError::Kind::Cancelled:
        return false;
    }
    return false;
}

bool RetryPolicy::retries(int failureCount, const QueryError &error) const
{
    if (shouldRetry)
        return shouldRetry(failureCount, error);
    if (failureCount > maxRetries || !isTransient(error))
        return false;
    if (error.retryAfter && *error.retryAfter > maxRetryAfter)
        return false;
    return true;
}

Millis RetryPolicy::delay(int failureCount, const QueryError &error) const
{
    if (error.retryAfter)
        return std::clamp(*error.retryAfter, Millis{0}, maxRetryAfter);
    const int shift = std::clamp(failureCount - 1, 0, 30);
    const qint64 ms = baseDelay.count() << shift;
    return std::min(Millis{ms}, maxDelay);
}

} // namespace refetch
