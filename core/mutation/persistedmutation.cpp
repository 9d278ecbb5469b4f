#include "core/mutation/persistedmutation.h"

namespace refetch {

namespace {

QString refetchName(RefetchType t)
{
    switch (t) {
    case RefetchType::Active: return QStringLiteral("active");
    case RefetchType::Inactive: return QStringLiteral("inactive");
    case RefetchType::All: return QStringLiteral("all");
    case RefetchType::None: return QStringLiteral("none");
    }
    return QStringLiteral("active");
}

RefetchType refetchFromName(const QString &name)
{
    if (name == u"inactive")
        return RefetchType::Inactive;
    if (name == u"all")
        return RefetchType::All;
    if (name == u"none")
        return RefetchType::None;
    return RefetchType::Active;
}

// Bytes are written as Latin-1 text: methods, header names and ETags are ASCII.
Json bytes(const QByteArray &b)
{
    return Json(QLatin1StringView(b));
}

QByteArray bytesFrom(const Json &j)
{
    return j.toString().toLatin1();
}

} // namespace

QString mutationModeName(MutationMode mode)
{
    switch (mode) {
    case MutationMode::Pessimistic: return QStringLiteral("pessimistic");
    case MutationMode::Optimistic: return QStringLiteral("optimistic");
    case MutationMode::Undoable: return QStringLiteral("undoable");
    }
    return QStringLiteral("pessimistic");
}

std::optional<MutationMode> mutationModeFromName(const QString &name)
{
    if (name == u"pessimistic")
        return MutationMode::Pessimistic;
    if (name == u"optimistic")
        return MutationMode::Optimistic;
    if (name == u"undoable")
        return MutationMode::Undoable;
    return std::nullopt;
}

Json PersistedMutation::toJson() const
{
    Json headerList = Json::array({});
    for (const auto &[name, value] : headers)
        headerList = headerList.withAppended(Json::array({bytes(name), bytes(value)}));
    Json tagList = Json::array({});
    for (const Tag &t : invalidates)
        tagList = tagList.withAppended(t.toJson());
    Json keyList = Json::array({});
    for (const KeyFilter &f : invalidateKeys)
        keyList = keyList.withAppended(Json::object({{u"key", f.key.parts()}, {u"exact", f.exact}}));

    return Json::object({
        {u"version", 1},
        {u"id", id},
        {u"method", bytes(method)},
        {u"endpoint", endpoint},
        {u"path", path},
        {u"body", body},                         // Undefined is left out
        {u"headers", headerList},
        {u"mode", mutationModeName(mode)},
        {u"resource", resource.isEmpty() ? Json() : Json(resource)},
        {u"recordId", recordId},
        {u"idField", idField},
        {u"scope", scope.isEmpty() ? Json() : Json(scope)},
        {u"batch", batch.isEmpty() ? Json() : Json(batch)},
        {u"etag", etag.isEmpty() ? Json() : bytes(etag)},
        {u"invalidates", tagList},
        {u"invalidateKeys", keyList},
        {u"refetch", refetchName(refetch)},
        {u"createdAt", qint64(createdAt.count())},
        {u"undoDelay", qint64(undoDelay.count())},
        {u"undoDelayAfterRestart", undoDelayAfterRestart.count() > 0 ? Json(qint64(undoDelayAfterRestart.count())) : Json()},
        {u"attempted", attempted ? Json(true) : Json()},
        {u"customChange", customChange ? Json(true) : Json()},
        {u"keyHonoured", keyHonoured ? Json(true) : Json()},
        {u"variables", variables},
        {u"optimistic", optimistic.isEmpty() ? Json() : optimistic.toJson()},
    });
}

std::optional<PersistedMutation> PersistedMutation::fromJson(const Json &json, QString *error)
{
    auto fail = [error](const QString &why) -> std::optional<PersistedMutation> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (!json.isObject())
        return fail(QStringLiteral("a persisted mutation is not a JSON object"));
    PersistedMutation m;
    m.id = json.value(QLatin1StringView("id")).toString();
    m.method = bytesFrom(json.value(QLatin1StringView("method"))).toUpper();
    m.path = json.value(QLatin1StringView("path")).toString();
    if (m.id.isEmpty() || m.method.isEmpty() || !json.value(QLatin1StringView("path")).isString())
        return fail(QStringLiteral("a persisted mutation needs an id, a method and a path"));
    const QString modeName = json.value(QLatin1StringView("mode")).toString(QStringLiteral("pessimistic"));
    const std::optional<MutationMode> mode = mutationModeFromName(modeName);
    if (!mode)
        return fail(QStringLiteral("unknown mutation mode \"%1\"").arg(modeName));
    m.mode = *mode;
    m.endpoint = json.value(QLatin1StringView("endpoint")).toString(QStringLiteral("default"));
    m.body = json.value(QLatin1StringView("body"));
    for (const Json &h : json.value(QLatin1StringView("headers"))) {
        if (h.isArray() && h.size() == 2)
            m.headers.append({bytesFrom(h.at(0)), bytesFrom(h.at(1))});
    }
    m.resource = json.value(QLatin1StringView("resource")).toString();
    m.recordId = json.value(QLatin1StringView("recordId"));
    m.idField = json.value(QLatin1StringView("idField")).toString(QStringLiteral("id"));
    m.scope = json.value(QLatin1StringView("scope")).toString();
    m.batch = json.value(QLatin1StringView("batch")).toString();
    m.etag = bytesFrom(json.value(QLatin1StringView("etag")));
    for (const Json &t : json.value(QLatin1StringView("invalidates"))) {
        if (t.isObject())
            m.invalidates.append(Tag::fromJson(t));
    }
    for (const Json &f : json.value(QLatin1StringView("invalidateKeys"))) {
        const Json key = f.value(QLatin1StringView("key"));
        if (key.isArray())
            m.invalidateKeys.append({QueryKey::fromCanonical(key.canonical()), f.value(QLatin1StringView("exact")).toBool()});
    }
    m.refetch = refetchFromName(json.value(QLatin1StringView("refetch")).toString());
    m.createdAt = TimePoint{json.value(QLatin1StringView("createdAt")).toInteger()};
    m.undoDelay = Millis{json.value(QLatin1StringView("undoDelay")).toInteger()};
    m.undoDelayAfterRestart = Millis{json.value(QLatin1StringView("undoDelayAfterRestart")).toInteger()};
    m.attempted = json.value(QLatin1StringView("attempted")).toBool();
    m.customChange = json.value(QLatin1StringView("customChange")).toBool();
    m.keyHonoured = json.value(QLatin1StringView("keyHonoured")).toBool();
    m.variables = json.value(QLatin1StringView("variables"));
    m.optimistic = OptimisticUpdate::fromJson(json.value(QLatin1StringView("optimistic")));
    return m;
}

} // namespace refetch
