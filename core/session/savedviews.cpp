#include "savedviews.h"

#include "settingsstore.h"

#include <QJsonArray>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace refetch {

Json SavedView::toJson() const
{
    QList<Json> where;
    for (const FilterCondition &c : conditions)
        where.append(c.toJson());
    auto text = [](const QString &s) { return s.isEmpty() ? JsonArg() : JsonArg(s); };
    return Json::object({
        {u"name", name},
        {u"where", where.isEmpty() ? Json() : Json::array(where)},
        {u"search", text(search)},
        {u"sort", text(sort)},
        {u"order", sort.isEmpty() ? JsonArg() : JsonArg(order == Qt::AscendingOrder ? u"asc" : u"desc")},
        {u"columns", columns.isEmpty() ? Json() : Json::fromStringList(columns)},
        {u"hidden", hidden.isEmpty() ? Json() : Json::fromStringList(hidden)},
    });
}

std::optional<SavedView> SavedView::fromJson(const Json &json)
{
    SavedView v;
    v.name = json.value(u"name").toString();
    if (v.name.isEmpty())
        return std::nullopt;
    for (const Json &c : json.value(u"where")) {
        // A condition this version cannot read is not dropped silently: the view is not read at all.
        const auto condition = FilterCondition::fromJson(c);
        if (!condition)
            return std::nullopt;
        v.conditions.append(*condition);
    }
    v.search = json.value(u"search").toString();
    v.sort = json.value(u"sort").toString();
    v.order = json.value(u"order").toString() == u"desc" ? Qt::DescendingOrder : Qt::AscendingOrder;
    v.columns = json.value(u"columns").toStringList();
    v.hidden = json.value(u"hidden").toStringList();
    return v;
}

namespace SavedViews {

QString settingsKey(const QString &endpoint, const QString &resource)
{
    return u"views/"_s + QString::fromLatin1(QUrl::toPercentEncoding(endpoint)) + u'/'
         + QString::fromLatin1(QUrl::toPercentEncoding(resource));
}

QList<SavedView> load(const SettingsStore *store, const QString &endpoint, const QString &resource)
{
    QList<SavedView> out;
    for (const Json &v : Json::parse(store->value(settingsKey(endpoint, resource)))) {
        if (auto view = SavedView::fromJson(v))
            out.append(*view);
    }
    return out;
}

void save(SettingsStore *store, const QString &endpoint, const QString &resource, const QList<SavedView> &views)
{
    QList<Json> array;
    for (const SavedView &v : views)
        array.append(v.toJson());
    store->setValue(settingsKey(endpoint, resource), views.isEmpty() ? QByteArray() : Json::array(array).toJson());
}

void put(SettingsStore *store, const QString &endpoint, const QString &resource, const SavedView &view)
{
    QList<SavedView> views = load(store, endpoint, resource);
    const auto it = std::find_if(views.begin(), views.end(), [&](const SavedView &v) { return v.name == view.name; });
    if (it != views.end())
        *it = view;
    else
        views.append(view);
    save(store, endpoint, resource, views);
}

bool rename(SettingsStore *store, const QString &endpoint, const QString &resource, const QString &from, const QString &to)
{
    QList<SavedView> views = load(store, endpoint, resource);
    if (to.trimmed().isEmpty() || std::any_of(views.cbegin(), views.cend(), [&](const SavedView &v) { return v.name == to; }))
        return false;
    for (SavedView &v : views) {
        if (v.name == from) {
            v.name = to;
            save(store, endpoint, resource, views);
            return true;
        }
    }
    return false;
}

void remove(SettingsStore *store, const QString &endpoint, const QString &resource, const QString &name)
{
    QList<SavedView> views = load(store, endpoint, resource);
    views.removeIf([&](const SavedView &v) { return v.name == name; });
    save(store, endpoint, resource, views);
}

} // namespace SavedViews

} // namespace refetch
