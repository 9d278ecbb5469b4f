#pragma once

#include "core/cache/query.h"
#include "core/cache/tag.h"
#include "core/cache/tagidtable.h"

#include <QHash>
#include <QSet>
#include <QVarLengthArray>

#include <vector>

namespace refetch {

// RTK Query's two-way tag index: tag -> queries here, query -> tags in the Query itself, so that invalidating
// a tag touches only the queries that provide it. {type, id} finds the queries that provided exactly that id;
// {type} finds every query that provided any tag of that type ("LIST" is an ordinary id). Queries are named by
// their cache slot; tag types are interned to small numbers.
class TagIndex
{
public:
    // Replaces the tags `q` provides.
    void setTags(Query *q, const TagList &tags);
    void remove(Query *q) { setTags(q, {}); }

    template <typename F>
    void forEachMatch(const Tag &tag, F &&fn) const
    {
        const quint32 type = m_typeIds.value(tag.type());
        if (!type)
            return;
        const TypeBucket &bucket = m_types[type];
        if (!tag.hasId()) {
            for (quint32 slot : bucket.all)
                fn(slot);
        } else if (tag.hasNumericId()) {
            m_ids.forEach(type, tag.numericId(), fn);
        } else if (auto it = bucket.byString.constFind(tag.id()); it != bucket.byString.cend()) {
            for (quint32 slot : *it)
                fn(slot);
        }
    }
    qsizetype typeCount() const { return m_typeIds.size(); }
    bool hasType(const QString &type) const { return m_typeIds.contains(type); }
    void clear();

private:
    using Slots = QVarLengthArray<quint32, 2>;
    struct TypeBucket {
        QSet<quint32> all;                // providing any tag of this type
        QHash<QString, Slots> byString;   // providing {type, non-integer id}; integer ids live in m_ids
    };
    quint32 typeId(const QString &type);
    void add(quint32 slot, const Tag &tag);
    void drop(quint32 slot, const Tag &tag, const TagList &kept);

    QHash<QString, quint32> m_typeIds;    // interned once, never reused
    std::vector<TypeBucket> m_types{1};   // by type id; 0 is no type
    TagIdTable m_ids;
};

} // namespace refetch
