#include "directuslivedialect.h"

namespace refetch {

QList<QByteArray> DirectusLiveDialect::openingMessages(const LiveSubscription &subscription) const
{
    QList<QByteArray> messages;
    if (!subscription.token.isEmpty())
        messages.append(Json::object({{u"type", u"auth"}, {u"access_token", subscription.token}}).toJson());
    for (const QString &resource : subscription.resources) {
        // The collection is the resource's last path segment ("items/posts" -> "posts"); the uid brings the
        // resource back with every message, which otherwise does not name its collection.
        const QString collection = resource.section(u'/', -1);
        messages.append(Json::object({{u"type", u"subscribe"}, {u"collection", collection}, {u"uid", resource}}).toJson());
    }
    return messages;
}

LiveReading DirectusLiveDialect::read(const QString &, const QByteArray &data, const LiveSubscription &subscription) const
{
    LiveReading reading;
    const Json json = Json::parse(data);
    const QString type = json["type"].toString();
    if (type == u"ping") {
        reading.reply = Json::object({{u"type", u"pong"}}).toJson();
        return reading;
    }
    if (type != u"subscription")
        return reading;
    const auto action = ChangeEvent::actionFrom(json["event"].toString());   // "init" is none
    const Json uid = json["uid"];
    const QString name = uid.isString() ? uid.toString() : uid.isNumber() ? QString::number(uid.toInteger()) : QString();
    if (!action || name.isEmpty())
        return reading;
    const QString resource = LiveDialect::resourceFor(name, subscription.resources);
    Json items = json["data"];
    if (!items.isArray())
        items = Json::array({items});
    for (qsizetype i = 0; i < items.size(); ++i) {
        const Json item = items.at(i);
        // Items for create and update, bare ids for delete (an item, should one come, gives its id).
        Json id = item.isObject() ? item[subscription.idField] : item;
        if (item.isObject() && id.isUndefined())
            id = item["id"];
        reading.changes.append({.resource = resource, .id = id, .action = *action});
    }
    if (reading.changes.isEmpty() && *action == ChangeAction::Created)
        reading.changes.append({.resource = resource, .action = *action});
    return reading;
}

} // namespace refetch
