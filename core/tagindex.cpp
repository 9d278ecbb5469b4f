#include "tagindex.h"

namespace refetch {

void TagIndex::setTags(Query *q, const TagList &tags)
{
    TagList &current = q->m_tags;
    if (current == tags)
        return;
    for (const Tag &t : std::as_const(current)) {
        if (!tags.contains(t))
            drop(q, t, tags);
    }
    for (const Tag &t : tags) {
        if (!current.contains(t))
            add(q, t);
    }
    current = tags;
}

void TagIndex::add(Query *q, const Tag &tag)
{
    TypeBucket &bucket = m_types[tag.type()];
    bucket.all.insert(q);
    if (tag.hasId())
        bucket.byId[tag.id()].insert(q);
    else
        bucket.withoutId.insert(q);
}

void TagIndex::drop(Query *q, const Tag &tag, const TagList &kept)
{
    auto type = m_types.find(tag.type());
    if (type == m_types.end())
        return;
    if (tag.hasId()) {
        auto id = type->byId.find(tag.id());
        if (id != type->byId.end()) {
            id->remove(q);
            if (id->isEmpty())
                type->byId.erase(id);
        }
    } else {
        type->withoutId.remove(q);
    }
    // Still in `all` while it keeps another tag of the type.
    const bool keepsType = std::any_of(kept.cbegin(), kept.cend(), [&](const Tag &t) { return t.type() == tag.type(); });
    if (!keepsType)
        type->all.remove(q);
    if (type->all.isEmpty())
        m_types.erase(type);
}

} // namespace refetch
