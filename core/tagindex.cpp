#include "tagindex.h"

namespace refetch {

void TagIndex::setTags(Query *q, const TagList &tags)
{
    TagList &current = q->m_tags;
    if (current == tags)
        return;
    for (const Tag &t : std::as_const(current)) {
        if (!tags.contains(t))
            drop(q->m_slot, t, tags);
    }
    for (const Tag &t : tags) {
        if (!current.contains(t))
            add(q->m_slot, t);
    }
    current = tags;
}

void TagIndex::add(quint32 slot, const Tag &tag)
{
    TypeBucket &bucket = m_types[tag.type()];
    bucket.all.insert(slot);
    if (tag.hasId()) {
        Slots &ids = tag.hasNumericId() ? bucket.byNumber[tag.numericId()] : bucket.byString[tag.id()];
        if (!ids.contains(slot))
            ids.append(slot);
    }
}

void TagIndex::drop(quint32 slot, const Tag &tag, const TagList &kept)
{
    auto type = m_types.find(tag.type());
    if (type == m_types.end())
        return;
    auto dropFrom = [slot](auto &map, const auto &key) {
        auto it = map.find(key);
        if (it == map.end())
            return;
        it->removeOne(slot);
        if (it->isEmpty())
            map.erase(it);
    };
    if (tag.hasNumericId())
        dropFrom(type->byNumber, tag.numericId());
    else if (tag.hasId())
        dropFrom(type->byString, tag.id());
    // Still in `all` while it keeps another tag of the type.
    const bool keepsType = std::any_of(kept.cbegin(), kept.cend(), [&](const Tag &t) { return t.type() == tag.type(); });
    if (!keepsType)
        type->all.remove(slot);
    if (type->all.isEmpty())
        m_types.erase(type);
}

} // namespace refetch
