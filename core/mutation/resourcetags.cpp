#include "core/mutation/resourcetags.h"

#include <QUrl>

namespace refetch {

namespace {
const QString AnyEndpoint = QStringLiteral("*");
const QString ListId = QStringLiteral("*list");
const QString DefaultEndpoint = QStringLiteral("default");
} // namespace

ResourceTags::ResourceTags(const QString &resource, const QString &endpoint, const QString &idField)
    : m_resource(resource), m_endpoint(endpoint), m_idField(idField.isEmpty() ? QStringLiteral("id") : idField)
{
}

QString ResourceTags::endpointPart(const QString &endpoint)
{
    // Unreserved characters stay readable; '/', '*' and the rest are encoded, so the type splits one way only.
    return endpoint.isEmpty() ? AnyEndpoint : QString::fromLatin1(QUrl::toPercentEncoding(endpoint));
}

QString ResourceTags::typeName(const QString &endpointPart, const QString &resource)
{
    return QStringLiteral("rest:") + endpointPart + u'/' + resource;
}

QString ResourceTags::providerEndpoint() const
{
    return m_endpoint.isEmpty() ? DefaultEndpoint : m_endpoint;
}

Tag ResourceTags::idTag(const QString &type, const Json &id)
{
    if (id.isString()) {
        const QString s = id.toString();
        if (s.startsWith(u'*'))
            return Tag(type, u'*' + s);
    }
    return Tag(type, id);
}

bool ResourceTags::sameId(const Json &a, const Json &b)
{
    if (a.isUndefined() || b.isUndefined())
        return false;
    return idTag(QString(), a) == idTag(QString(), b);
}

TagList ResourceTags::list() const
{
    return {Tag(typeName(endpointPart(m_endpoint), m_resource), ListId)};
}

TagList ResourceTags::detail(const Json &id) const
{
    return {recordTag(id)};
}

TagList ResourceTags::many(const QList<Json> &ids) const
{
    TagList tags;
    tags.reserve(ids.size());
    for (const Json &id : ids)
        tags.append(recordTag(id));
    return tags;
}

TagList ResourceTags::resourceAll() const
{
    return {Tag(typeName(endpointPart(m_endpoint), m_resource))};
}

TagList ResourceTags::all(const QString &endpoint)
{
    return {Tag(QStringLiteral("rest:") + endpointPart(endpoint))};
}

Tag ResourceTags::recordTag(const Json &id) const
{
    return idTag(typeName(endpointPart(m_endpoint), m_resource), id);
}

TagList ResourceTags::fixedTags() const
{
    const QString ep = endpointPart(providerEndpoint());
    return {Tag(QStringLiteral("rest:") + ep), Tag(QStringLiteral("rest:") + AnyEndpoint)};
}

Json ResourceTags::records(const Json &listData)
{
    if (listData.isArray())
        return listData;
    if (listData.isObject()) {
        const Json data = listData.value(QLatin1StringView("data"));
        if (data.isArray())
            return data;
    }
    return Json();
}

TagList ResourceTags::listTags(const Json &data) const
{
    const QString own = typeName(endpointPart(providerEndpoint()), m_resource);
    const QString any = typeName(AnyEndpoint, m_resource);
    TagList tags{Tag(own, ListId), Tag(any, ListId)};
    tags += fixedTags();
    const Json rows = records(data);
    tags.reserve(tags.size() + 2 * rows.size());
    for (const Json &row : rows) {
        const Json id = row.value(m_idField);
        if (id.isUndefined() || id.isNull())
            continue;
        tags.append(idTag(own, id));
        tags.append(idTag(any, id));
    }
    return tags;
}

TagList ResourceTags::detailTags(const Json &id) const
{
    TagList tags{idTag(typeName(endpointPart(providerEndpoint()), m_resource), id),
                 idTag(typeName(AnyEndpoint, m_resource), id)};
    tags += fixedTags();
    return tags;
}

void ResourceTags::provideList(QueryOptions &options) const
{
    const QString own = typeName(endpointPart(providerEndpoint()), m_resource);
    const QString any = typeName(AnyEndpoint, m_resource);
    options.tags += TagList{Tag(own, ListId), Tag(any, ListId)} + fixedTags();
    // The per-record tags follow the data: a record that leaves the list no longer matches it.
    options.tagsFrom = [previous = std::move(options.tagsFrom), own, any, idField = m_idField](const Json &data) {
        TagList tags = previous ? previous(data) : TagList();
        const Json rows = records(data);
        tags.reserve(tags.size() + 2 * rows.size());
        for (const Json &row : rows) {
            const Json id = row.value(idField);
            if (id.isUndefined() || id.isNull())
                continue;
            tags.append(idTag(own, id));
            tags.append(idTag(any, id));
        }
        return tags;
    };
}

void ResourceTags::provideDetail(QueryOptions &options, const Json &id) const
{
    options.tags += detailTags(id);
}

} // namespace refetch
