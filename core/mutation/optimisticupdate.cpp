#include "core/mutation/optimisticupdate.h"

#include "core/client/queryclient.h"
#include "core/mutation/resourcetags.h"

namespace refetch {

namespace {

// The array with the record changed (or removed); `removed` counts removals.
Json applyToRows(const Json &rows, const Json &id, const QString &idField, const OptimisticUpdate::RecordFn &change,
                 int *removed)
{
    Json out = rows;
    for (qsizetype i = rows.size() - 1; i >= 0; --i) {
        const Json row = rows.at(i);
        if (!row.isObject() || !ResourceTags::sameId(row.value(idField), id))
            continue;
        const Json changed = change(row);
        if (changed.isUndefined()) {
            out = out.withoutAt(i);
            ++*removed;
        } else {
            out = out.withAt(i, changed);
        }
    }
    return out;
}

} // namespace

Json OptimisticUpdate::applyTo(const Json &data, const Json &id, const QString &idField, const RecordFn &change)
{
    int removed = 0;
    if (data.isArray())
        return applyToRows(data, id, idField, change, &removed);
    if (!data.isObject())
        return data;
    if (ResourceTags::sameId(data.value(idField), id)) {
        // A detail: a deleted record's detail keeps its data until it is refetched (and found gone).
        const Json changed = change(data);
        return changed.isUndefined() ? data : changed;
    }
    const Json rows = data.value(QLatin1StringView("data"));
    if (!rows.isArray())
        return data;
    Json out = data.withValue(u"data", applyToRows(rows, id, idField, change, &removed));
    const Json total = data.value(QLatin1StringView("total"));
    if (removed && total.isInteger())
        out = out.withValue(u"total", total.toInteger() - removed);
    return out;
}

OptimisticUpdate OptimisticUpdate::apply(QueryClient *client, const Tag &recordTag, const Json &id, const QString &idField,
                                         const RecordFn &change)
{
    OptimisticUpdate update;
    if (!change || id.isUndefined())
        return update;
    // Collect first: writing data notifies observers, whose slots may touch the cache.
    QList<QueryKey> keys;
    client->cache()->forEachWithTag(recordTag, [&](Query *q) {
        if (q->hasData())
            keys.append(q->key());
    });
    for (const QueryKey &key : std::as_const(keys)) {
        const Query *q = client->query(key);
        if (!q)
            continue;
        const Json before = q->data();
        const Json after = applyTo(before, id, idField, change);
        if (after.identical(before) || after == before)
            continue;
        Entry e{.key = key, .before = before, .after = after, .wasInvalidated = q->isInvalidated(),
                .wasFetching = q->isFetching()};
        if (e.wasFetching)
            client->cancelQueries({.key = key, .exact = true});
        client->setQueryData(key, after);
        update.m_entries.append(std::move(e));
    }
    return update;
}

bool OptimisticUpdate::reapply(QueryClient *client, const QueryKey &key, const Json &id, const QString &idField,
                               const RecordFn &change)
{
    const Query *q = client->query(key);
    if (!change || id.isUndefined() || !q || !q->hasData())
        return false;
    const Json before = q->data();
    const Json after = applyTo(before, id, idField, change);
    if (after.identical(before) || after == before)
        return false;
    const bool stale = q->isInvalidated();
    const auto entry = std::find_if(m_entries.begin(), m_entries.end(), [&](const Entry &e) { return e.key == key; });
    if (entry == m_entries.end()) {
        m_entries.append(Entry{.key = key, .before = before, .after = after, .wasInvalidated = stale});
    } else {
        entry->before = before;
        entry->after = after;
        entry->wasInvalidated = entry->wasInvalidated || stale;
    }
    client->setQueryData(key, after);
    // Written data counts as fresh: saved data put back must still revalidate.
    if (stale)
        client->invalidateQueries({.key = key, .exact = true}, RefetchType::None);
    return true;
}

OptimisticUpdate::Outcome OptimisticUpdate::rollback(QueryClient *client) const
{
    Outcome outcome;
    for (const Entry &e : m_entries) {
        const Query *q = client->query(e.key);
        if (!q)
            continue;
        const QueryFilters exact{.key = e.key, .exact = true};
        if (!(q->data().identical(e.after) || q->data() == e.after)) {
            // Something else wrote it since (a refetch, another mutation): theirs stays, and is checked.
            client->invalidateQueries(exact);
            ++outcome.invalidated;
            continue;
        }
        const bool invalidatedSince = q->isInvalidated();
        client->setQueryData(e.key, e.before);
        ++outcome.restored;
        if (e.wasInvalidated || invalidatedSince || e.wasFetching)
            client->invalidateQueries(exact);
    }
    return outcome;
}

void OptimisticUpdate::refetchCancelled(QueryClient *client) const
{
    for (const Entry &e : m_entries) {
        if (e.wasFetching && client->query(e.key))
            client->invalidateQueries({.key = e.key, .exact = true});
    }
}

Json OptimisticUpdate::toJson() const
{
    Json out = Json::array({});
    for (const Entry &e : m_entries) {
        out = out.withAppended(Json::object({{u"key", e.key.parts()},
                                             {u"before", e.before},
                                             {u"after", e.after},
                                             {u"wasInvalidated", e.wasInvalidated},
                                             {u"wasFetching", e.wasFetching}}));
    }
    return out;
}

OptimisticUpdate OptimisticUpdate::fromJson(const Json &json)
{
    OptimisticUpdate update;
    for (const Json &item : json) {
        const Json key = item.value(QLatin1StringView("key"));
        if (!key.isArray())
            continue;
        update.m_entries.append(Entry{.key = QueryKey::fromCanonical(key.canonical()),
                                      .before = item.value(QLatin1StringView("before")),
                                      .after = item.value(QLatin1StringView("after")),
                                      .wasInvalidated = item.value(QLatin1StringView("wasInvalidated")).toBool(),
                                      .wasFetching = item.value(QLatin1StringView("wasFetching")).toBool()});
    }
    return update;
}

} // namespace refetch
