#include "supabaselivedialect.h"

namespace refetch {

QList<QByteArray> SupabaseLiveDialect::openingMessages(const LiveSubscription &subscription) const
{
    const Json changes = Json::array({Json::object({{u"event", u"*"}, {u"schema", u"public"}})});
    Json payload = Json::object({{u"config", Json::object({{u"postgres_changes", changes}})}});
    if (!subscription.token.isEmpty())
        payload = payload.withValue(u"access_token", subscription.token);
    return {Json::object({{u"topic", u"realtime:refetch"},
                          {u"event", u"phx_join"},
                          {u"payload", payload},
                          {u"ref", u"1"},
                          {u"join_ref", u"1"}})
                .toJson()};
}

QByteArray SupabaseLiveDialect::heartbeat(quint64 ref) const
{
    return Json::object({{u"topic", u"phoenix"},
                         {u"event", u"heartbeat"},
                         {u"payload", Json::object({})},
                         {u"ref", QString::number(ref)}})
        .toJson();
}

LiveReading SupabaseLiveDialect::read(const QString &, const QByteArray &data, const LiveSubscription &subscription) const
{
    LiveReading reading;
    const Json json = Json::parse(data);
    Json change = json;
    if (json.contains(u"payload")) {
        const Json payload = json["payload"];
        change = payload["data"].isObject() ? payload["data"] : payload;
    }
    const QString table = change["table"].toString();
    const auto action = ChangeEvent::actionFrom(change["type"].toString());
    if (table.isEmpty() || !action)
        return reading;
    Json id = change["record"][subscription.idField];
    if (id.isUndefined() || id.isNull())
        id = change["old_record"][subscription.idField];
    reading.changes.append({.resource = LiveDialect::resourceFor(table, subscription.resources), .id = id, .action = *action});
    return reading;
}

} // namespace refetch
