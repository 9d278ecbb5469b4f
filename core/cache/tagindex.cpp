#include "core/cache/tagindex.h"

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

void TagIndex::clear()
{
    m_typeIds.clear();
    m_types.assign(1, TypeBucket{});
    m_ids.clear();
}

quint32 TagIndex::typeId(const QString &type)
{
    auto it = m_typeIds.constFind(type);
    if (it != m_typeIds.cend())
        return *it;
    const quint32 id = quint32(m_types.size());
    m_types.emplace_back();
    m_typeIds.insert(type, id);
    return id;
}

void TagIndex::add(quint32 slot, const Tag &tag)
{
    const quint32 type = typeId(tag.type());
    TypeBucket &bucket = m_types[type];
    bucket.all.insert(slot);
    if (tag.hasNumericId()) {
        m_ids.insert(type, tag.numericId(), slot);
    } else if (tag.hasId()) {
        Slots &ids = bucket.byString[tag.id()];
        if (!ids.contains(slot))
            ids.append(slot);
    }
}

void TagIndex::drop(quint32 slot, const Tag &tag, const TagList &kept)
{
    const quint32 type = m_typeIds.value(tag.type());
    if (!type)
        return;
    TypeBucket &bucket = m_types[type];
    if (tag.hasNumericId()) {
        m_ids.remove(type, tag.numericId(), slot);
    } else if (tag.hasId()) {
        auto it = bucket.byString.find(tag.id());
        if (it != bucket.byString.end()) {
            it->removeOne(slot);
            if (it->isEmpty())
                bucket.byString.erase(it);
        }
    }
    // Still in `all` while it keeps another tag of the type.
    const bool keepsType = std::any_of(kept.cbegin(), kept.cend(), [&](const Tag &t) { return t.type() == tag.type(); });
    if (!keepsType)
        bucket.all.remove(slot);
}

} // namespace refetch
