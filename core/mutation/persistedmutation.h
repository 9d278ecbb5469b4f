#pragma once

#include "core/client/clock.h"
#include "core/http/httptransport.h"
#include "core/json/json.h"
#include "core/mutation/optimisticupdate.h"
#include "core/client/queryclient.h"
#include "core/cache/querykey.h"
#include "core/cache/tag.h"

#include <optional>

namespace refetch {

// How a write meets the cache (Refine's mutation modes).
enum class MutationMode {
    Pessimistic,  // send, and invalidate what it made out of date once the server agreed
    Optimistic,   // change every cached list and detail of the record at once; roll back on failure
    Undoable,     // optimistic, and sent only after a delay during which undo() puts everything back
};

// One queued write as plain data, without a single function: what survives a restart (persisted with the
// cache), and what re-creates the mutation then (MutationQueue::restore).
struct PersistedMutation
{
    // A query-key filter that can be written down (QueryFilters without its predicate).
    struct KeyFilter
    {
        QueryKey key;
        bool exact = false;
    };

    QString id;                        // unique; also sent as Idempotency-Key, so a resent write applies once
    QByteArray method = "POST";
    QString endpoint = QStringLiteral("default");
    QString path;
    Json body;                         // Undefined: no body
    HttpHeaders headers;               // the mutation's own; the endpoint's (Authorization...) are never stored
    MutationMode mode = MutationMode::Pessimistic;
    QString resource;                  // the record written, when known: resource, id and its id field
    Json recordId;
    QString idField = QStringLiteral("id");
    QString scope;                     // mutations with the same scope run one after another
    QString batch;                     // MutationOptions::batch: made together, undone together
    QByteArray etag;                   // sent as If-Match (PUT, PATCH, DELETE)
    TagList invalidates;               // on success
    QList<KeyFilter> invalidateKeys;   // on success
    RefetchType refetch = RefetchType::Active;
    TimePoint createdAt{0};
    Millis undoDelay{0};               // Undoable: sent at createdAt + undoDelay
    Millis undoDelayAfterRestart{0};   // Undoable, restored before it was sent: waits this long again from then
    bool attempted = false;            // a request may have gone out: no undo again, and checked before a re-send
    bool customChange = false;         // its optimistic change came from a function, which is not persisted
    bool keyHonoured = false;          // its server applies a write once per Idempotency-Key (EndpointConfig)
    Json variables;                    // what the form submitted, to show it again after a failure
    OptimisticUpdate optimistic;       // what the write changed in the cache, to roll it back

    Json toJson() const;
    // Undefined members take their defaults; a missing id, method or path is an error.
    static std::optional<PersistedMutation> fromJson(const Json &json, QString *error = nullptr);
};

QString mutationModeName(MutationMode mode);
std::optional<MutationMode> mutationModeFromName(const QString &name);

} // namespace refetch
