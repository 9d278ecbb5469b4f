#pragma once

#include <QObject>

namespace refetch {
Q_NAMESPACE

// Whether a query has data (Success), only an error (Error), or neither yet (Pending).
enum class QueryStatus : quint8 { Pending, Success, Error };
Q_ENUM_NS(QueryStatus)

// Whether a request for the query is under way, waiting for the network (Paused), or not (Idle).
enum class FetchStatus : quint8 { Idle, Fetching, Paused };
Q_ENUM_NS(FetchStatus)

// Why a fetch started: shown by the cache inspector, and used in logs.
enum class FetchReason : quint8 { Mount, Manual, Invalidated, WindowFocus, Reconnect, Interval, Prefetch, Reset };
Q_ENUM_NS(FetchReason)

// What changed in a query, as observers are told.
enum class QueryChange : quint16 {
    Data = 0x01,         // the (selected) data
    Status = 0x02,       // pending/success/error
    Error = 0x04,        // the error value
    FetchStatus = 0x08,  // fetching/paused/idle
    Stale = 0x10,        // fresh/stale/invalidated
    UpdatedAt = 0x20,    // data or error updated-at time
    FailureCount = 0x40, // a failed attempt that will be retried
};
Q_DECLARE_FLAGS(QueryChanges, QueryChange)
Q_FLAG_NS(QueryChanges)
Q_DECLARE_OPERATORS_FOR_FLAGS(QueryChanges)

// What an observer is told by default: the data, the status and the error. A refetch that brings the same JSON
// changes none of them, so it notifies nobody. Views that show fetching or staleness ask for those too.
inline constexpr QueryChanges DefaultNotifyOn = QueryChanges(QueryChange::Data) | QueryChange::Status | QueryChange::Error;
inline constexpr QueryChanges AllChanges = QueryChanges(0x7f);

} // namespace refetch
