#include "plainlivedialect.h"

namespace refetch {

namespace {

std::optional<ChangeEvent> changeOf(const Json &object, const LiveSubscription &subscription)
{
    if (!object.isObject())
        return std::nullopt;
    const QString resource = object["resource"].toString();
    const auto action = ChangeEvent::actionFrom(object["action"].toString());
    if (resource.isEmpty() || !action)
        return std::nullopt;
    return ChangeEvent{.resource = LiveDialect::resourceFor(resource, subscription.resources),
                       .id = object["id"],
                       .action = *action};
}

} // namespace

LiveReading PlainLiveDialect::read(const QString &sseType, const QByteArray &data, const LiveSubscription &subscription) const
{
    LiveReading reading;
    const Json json = Json::parse(data);
    // Over a WebSocket the type and the event's id travel in the message itself.
    const bool socket = sseType.isEmpty();
    const QString type = socket ? json["type"].toString(QStringLiteral("change")) : sseType;
    if (socket && json["eventId"].isString())
        reading.eventId = json["eventId"].toString();
    else if (socket && json["eventId"].isNumber())
        reading.eventId = QString::number(json["eventId"].toInteger());
    if (type == u"ready") {
        reading.resumed = json["resumed"].toBool();
        return reading;
    }
    if (type == u"resync") {
        reading.resync = true;
        return reading;
    }
    if (type != u"change" && type != u"message")
        return reading;
    if (json.isArray()) {
        for (qsizetype i = 0; i < json.size(); ++i) {
            if (auto change = changeOf(json.at(i), subscription))
                reading.changes.append(*change);
        }
    } else if (auto change = changeOf(json, subscription)) {
        reading.changes.append(*change);
    }
    for (ChangeEvent &change : reading.changes)
        change.eventId = reading.eventId;
    return reading;
}

} // namespace refetch
