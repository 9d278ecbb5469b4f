#include "jsonapiprovider.h"

#include "core/http/endpoint.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace refetch {

JsonApiProvider::JsonApiProvider(ProviderOptions options) : DataProvider(std::move(options))
{
    if (m_options.paging == Paging::Cursor || m_options.paging == Paging::Range)
        m_options.paging = Paging::Offset;
}

QString JsonApiProvider::displayName() const
{
    return tr("JSON:API");
}

bool JsonApiProvider::canSearch(const QString &resource) const
{
    const ResourceInfo *info = resourceInfo(resource);
    return info && info->searchKnown && !info->searchParam.isEmpty();
}

QString JsonApiProvider::typeOf(const QString &resource) const
{
    const ResourceInfo *info = resourceInfo(resource);
    return info && !info->type.isEmpty() ? info->type : resource;
}

HttpRequest JsonApiProvider::listRequest(const Endpoint &endpoint, const QString &resource, const ListParams &params) const
{
    QUrlQuery q;
    switch (paging(resource)) {
    case Paging::PageNumber:
        q.addQueryItem(m_options.pageParam.isEmpty() ? u"page[number]"_s : m_options.pageParam, QString::number(params.page));
        q.addQueryItem(m_options.sizeParam.isEmpty() ? u"page[size]"_s : m_options.sizeParam, QString::number(params.pageSize));
        break;
    case Paging::Offset:
        q.addQueryItem(m_options.pageParam.isEmpty() ? u"page[offset]"_s : m_options.pageParam, QString::number(params.offset));
        q.addQueryItem(m_options.sizeParam.isEmpty() ? u"page[limit]"_s : m_options.sizeParam, QString::number(params.pageSize));
        break;
    default:
        break;
    }
    if (!params.sort.isEmpty())
        q.addQueryItem(u"sort"_s, params.order == Qt::AscendingOrder ? params.sort : u'-' + params.sort);
    if (!params.search.isEmpty() && canSearch(resource))
        q.addQueryItem(resourceInfo(resource)->searchParam, params.search);
    for (const auto &[name, value] : params.filters)
        q.addQueryItem(name.startsWith(u"filter[") ? name : u"filter["_s + name + u']', value);
    return endpoint.request("GET", listPath(resource), q);
}

Json JsonApiProvider::flatten(const Json &object)
{
    if (!object.isObject() || !object.contains(u"attributes"))
        return object;
    // Values as the server wrote them (a number of 25 digits stays that number: a QJsonObject would round it).
    // A later member of a name replaces an earlier one, in its place.
    QList<std::pair<QString, Json>> out;
    auto put = [&out](const QString &key, const Json &value) {
        for (auto &member : out) {
            if (member.first == key) {
                member.second = value;
                return;
            }
        }
        out.append({key, value});
    };
    put(u"id"_s, object.value(u"id"));   // Undefined: left out
    const Json attributes = object.value(u"attributes");
    for (qsizetype i = 0; attributes.isObject() && i < attributes.size(); ++i)
        put(attributes.keyAt(i), attributes.valueAt(i));
    const Json relationships = object.value(u"relationships");
    for (qsizetype i = 0; relationships.isObject() && i < relationships.size(); ++i) {
        const Json data = relationships.valueAt(i).value(u"data");
        if (data.isObject()) {
            put(relationships.keyAt(i), data.value(u"id"));
        } else if (data.isArray()) {
            QList<Json> ids;
            for (const Json &r : data)
                ids.append(r.value(u"id").isUndefined() ? Json(nullptr) : r.value(u"id"));
            put(relationships.keyAt(i), Json::array(ids));
        } else if (data.isNull()) {
            put(relationships.keyAt(i), Json(nullptr));
        }
    }
    return Json::object(out);
}

QMap<QString, QString> JsonApiProvider::relationsOf(const Json &object)
{
    QMap<QString, QString> out;
    const Json relationships = object.value(u"relationships");
    for (qsizetype i = 0; i < relationships.size(); ++i) {
        const Json data = relationships.valueAt(i).value(u"data");
        if (data.isObject() && data.value(u"type").isString())
            out.insert(relationships.keyAt(i), data.value(u"type").toString());
    }
    return out;
}

void JsonApiProvider::noteRelations(const Json &object) const
{
    const Json type = object.value(u"type");
    if (!type.isString())
        return;
    const QMap<QString, QString> relations = relationsOf(object);
    if (!relations.isEmpty())
        m_relations[type.toString()].insert(relations);
}

ListPage JsonApiProvider::parseList(const Json &body, const Json &meta, const ListParams &params) const
{
    Q_UNUSED(params)
    ListPage page;
    const Json data = body.value(u"data");
    if (!data.isArray()) {
        page.rows = Json();
        return page;
    }
    QList<Json> rows;
    rows.reserve(data.size());
    for (const Json &r : data) {
        rows.append(flatten(r));
        noteRelations(r);
        page.relations.insert(relationsOf(r));
    }
    page.rows = Json::array(rows);
    const Json m = body.value(u"meta");
    for (const char16_t *path : {u"count", u"total", u"totalCount", u"total_count", u"page.total", u"pagination.total"}) {
        const Json t = at(m, QStringView(path));
        if (t.isNumber()) {
            page.total = t.toInteger();
            break;
        }
    }
    if (page.total < 0 && meta.value(u"total").isInteger())
        page.total = meta.value(u"total").toInteger();
    page.total = std::max<qint64>(page.total, -1);   // a negative count says nothing: not known
    const Json links = body.value(u"links");
    if (links.isObject()) {
        Json next = links.value(u"next");
        if (next.isObject())
            next = next.value(u"href");
        page.next = next.isString() ? next : Json(nullptr);
    }
    return page;
}

Json JsonApiProvider::parseRecord(const Json &body) const
{
    const Json data = body.value(u"data");
    if (data.isObject())
        noteRelations(data);
    return data.isObject() ? flatten(data) : body;
}

Json JsonApiProvider::writeBody(const QString &resource, const Json &fields, const Json &id) const
{
    QList<std::pair<QString, Json>> attributes;
    QJsonObject relationships;
    const QMap<QString, QString> relations = m_relations.value(typeOf(resource));
    for (qsizetype i = 0; i < fields.size(); ++i) {
        const QString field = fields.keyAt(i);
        if (field == idField())
            continue;
        if (const auto related = relations.constFind(field); related != relations.cend()) {
            const Json id = fields.valueAt(i);
            relationships.insert(field, QJsonObject{{u"data"_s, id.isNull() || id.isUndefined()
                                                                    ? QJsonValue(QJsonValue::Null)
                                                                    : QJsonValue(QJsonObject{{u"type"_s, *related},
                                                                                             {u"id"_s, idText(id)}})}});
        } else {
            // As the form has it: a number the user typed with more digits than a double keeps goes as typed.
            attributes.append({field, fields.valueAt(i)});
        }
    }
    const Json data = Json::object({
        {u"type", typeOf(resource)},
        {u"id", !id.isUndefined() && !id.isNull() ? JsonArg(idText(id)) : JsonArg()},
        {u"attributes", Json::object(attributes)},
        {u"relationships", relationships.isEmpty() ? JsonArg() : JsonArg(Json(relationships))},
    });
    return Json::object({{u"data", data}});
}

HttpHeaders JsonApiProvider::writeHeaders() const
{
    return {{"Content-Type", "application/vnd.api+json"}, {"Accept", "application/vnd.api+json"}};
}

HttpHeaders JsonApiProvider::readHeaders() const
{
    return {{"Accept", "application/vnd.api+json"}};
}

std::optional<std::pair<QString, QUrlQuery>> JsonApiProvider::manyRequest(const QString &resource, const QList<Json> &ids) const
{
    // Fortune and most servers: /posts/1,3 (filter[id] is not in the specification).
    QStringList texts;
    for (const Json &id : ids)
        texts.append(QString::fromUtf8(QUrl::toPercentEncoding(idText(id))));
    QString path = listPath(resource);
    if (!path.endsWith(u'/'))
        path += u'/';
    return std::make_pair(path + texts.join(u','), QUrlQuery());
}

} // namespace refetch
