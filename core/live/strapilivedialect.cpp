#include "strapilivedialect.h"

namespace refetch {

LiveReading StrapiLiveDialect::read(const QString &, const QByteArray &data, const LiveSubscription &subscription) const
{
    LiveReading reading;
    const Json json = Json::parse(data);
    const QString event = json["event"].toString();
    if (!event.startsWith(u"entry."))
        return reading;
    const QStringView verb = QStringView(event).sliced(6);
    auto action = ChangeEvent::actionFrom(verb);
    if (verb == u"publish" || verb == u"unpublish")
        action = ChangeAction::Updated;   // the record's state changed, it is the same record
    QString model = json["model"].toString();
    if (model.isEmpty()) {
        // "api::post.post" -> "post"
        const QString uid = json["uid"].toString();
        model = uid.section(u'.', -1);
    }
    if (!action || model.isEmpty())
        return reading;
    const Json entry = json["entry"];
    Json id = entry[subscription.idField];
    if (id.isUndefined() || id.isNull())
        id = entry["documentId"].isUndefined() ? entry["id"] : entry["documentId"];
    reading.changes.append({.resource = LiveDialect::resourceFor(model, subscription.resources), .id = id, .action = *action});
    return reading;
}

} // namespace refetch
