#pragma once

#include "query.h"
#include "tag.h"

#include <QHash>
#include <QSet>
#include <QVarLengthArray>

namespace refetch {

// RTK Query's two-way tag index: tag -> queries here, query -> tags in the Query itself, so that invalidating
// a tag touches only the queries that provide it. {type, id} finds the queries that provided exactly that id;
// {type} finds every query that provided any tag of that type ("LIST" is an ordinary id). Queries are named by
// their cache slot.
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
            for (quint32 slot : type->all)
                fn(slot);
            return;
        }
        const Slots *ids = nullptr;
        if (tag.hasNumericId()) {
            auto it = type->byNumber.constFind(tag.numericId());
            ids = it == type->byNumber.cend() ? nullptr : &*it;
        } else {
            auto it = type->byString.constFind(tag.id());
            ids = it == type->byString.cend() ? nullptr : &*it;
        }
        if (!ids)
            return;
        for (quint32 slot : *ids)
            fn(slot);
    }
    qsizetype typeCount() const { return m_types.size(); }
    void clear() { m_types.clear(); }

private:
    // Most ids are provided by one or two queries (a list and a detail): kept inline, no allocation.
    using Slots = QVarLengthArray<quint32, 2>;
    struct TypeBucket {
        QSet<quint32> all;                // providing any tag of this type
        QHash<qint64, Slots> byNumber;    // providing {type, integer id}
        QHash<QString, Slots> byString;   // providing {type, other id}
    };
    void add(quint32 slot, const Tag &tag);
    void drop(quint32 slot, const Tag &tag, const TagList &kept);

    QHash<QString, TypeBucket> m_types;
};

} // namespace refetch
