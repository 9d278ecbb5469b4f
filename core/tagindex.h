#pragma once

#include "prefetch.h"
#include "query.h"
#include "tag.h"

#include <QHash>
#include <QSet>

namespace refetch {

// RTK Query's two-way tag index: tag -> queries here, query -> tags in the Query itself, so that invalidating
// a tag touches only the queries that provide it. {type, id} finds the queries that provided exactly that id;
// {type} finds every query that provided any tag of that type ("LIST" is an ordinary id).
class TagIndex
{
public:
    // Replaces the tags `q` provides.
    void setTags(Query *q, const TagList &tags);
    void remove(Query *q) { setTags(q, {}); }

    template <typename F>
    void forEachMatch(const Tag &tag, F &&fn) const
    {
        auto type = m_types.constFind(tag.type());
        if (type == m_types.cend())
            return;
        if (!tag.hasId()) {
            forEachPrefetched(type->all, fn);
            return;
        }
        auto id = type->byId.constFind(tag.id());
        if (id == type->byId.cend())
            return;
        forEachPrefetched(*id, fn);
    }
    qsizetype typeCount() const { return m_types.size(); }
    void clear() { m_types.clear(); }

private:
    struct TypeBucket {
        QSet<Query *> all;                      // providing any tag of this type
        QHash<QString, QSet<Query *>> byId;     // providing {type, id}
        QSet<Query *> withoutId;                // providing the bare type
    };
    void add(Query *q, const Tag &tag);
    void drop(Query *q, const Tag &tag, const TagList &kept);

    QHash<QString, TypeBucket> m_types;
};

} // namespace refetch
