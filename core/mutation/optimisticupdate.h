#pragma once

#include "core/json/json.h"
#include "core/cache/querykey.h"
#include "core/cache/tag.h"

#include <QList>
#include <functional>

namespace refetch {

class QueryClient;

// The cache entries one mutation changed ahead of the server's answer, with what each held before, so that a
// failure or an undo puts back exactly what the mutation put there, and leaves alone (but invalidates) an entry
// that something else changed meanwhile. Plain data: it is persisted with the mutation.
class OptimisticUpdate
{
public:
    struct Entry
    {
        QueryKey key;
        Json before;
        Json after;
        bool wasInvalidated = false;  // restored as invalidated: the data it had was already known to be old
        bool wasFetching = false;     // its fetch was cancelled for the update: it refetches once settled
    };
    // The record as the server will have it; Undefined: the record is gone (removed from lists).
    using RecordFn = std::function<Json(const Json &record)>;

    // Applies `change` to every cached list (an array, or {"data":[...]}) and detail of the record: the entries
    // are those the tag index finds with `recordTag`, the record in them the object whose `idField` is `id`.
    // A fetch under way for a touched entry is cancelled, so that an answer older than the write does not
    // overwrite the change.
    static OptimisticUpdate apply(QueryClient *client, const Tag &recordTag, const Json &id, const QString &idField,
                                  const RecordFn &change);
    // One entry's data with the change applied (the same data when it does not hold the record).
    static Json applyTo(const Json &data, const Json &id, const QString &idField, const RecordFn &change);

    // Applies `change` again to the entry `key` after its data was replaced while the write is pending (a
    // refetch brought the server's copy, or saved data was put back), and remembers that data as the one to roll
    // back to. A stale entry stays stale. Returns whether the data changed.
    bool reapply(QueryClient *client, const QueryKey &key, const Json &id, const QString &idField, const RecordFn &change);

    struct Outcome { int restored = 0; int invalidated = 0; };
    // Restores each entry that still holds `after`; invalidates (refetching the active ones) each that does not.
    Outcome rollback(QueryClient *client) const;
    // After success: the entries whose fetch was cancelled fetch again.
    void refetchCancelled(QueryClient *client) const;

    bool isEmpty() const { return m_entries.isEmpty(); }
    const QList<Entry> &entries() const { return m_entries; }

    Json toJson() const;
    static OptimisticUpdate fromJson(const Json &json);

private:
    QList<Entry> m_entries;
};

} // namespace refetch
