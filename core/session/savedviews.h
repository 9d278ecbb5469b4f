#pragma once

#include "core/json/json.h"
#include "core/providers/listfilter.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace refetch {

class SettingsStore;

// A named way of looking at a list: its filter, search, sort and columns (their order and which are hidden), as a
// database browser's saved query. Kept per endpoint and resource in the settings file.
struct SavedView
{
    QString name;
    QList<FilterCondition> conditions;
    QString search;
    QString sort;                         // empty: the server's order
    Qt::SortOrder order = Qt::AscendingOrder;
    QStringList columns;                  // in the order shown; empty: as the list has them
    QStringList hidden;

    Json toJson() const;
    static std::optional<SavedView> fromJson(const Json &json);
    friend bool operator==(const SavedView &, const SavedView &) = default;
};

// The saved views of a resource on an endpoint, in the settings file under "views/<endpoint>/<resource>" (each
// part percent-encoded) as a JSON array, in the order they were made.
namespace SavedViews {

QList<SavedView> load(const SettingsStore *store, const QString &endpoint, const QString &resource);
void save(SettingsStore *store, const QString &endpoint, const QString &resource, const QList<SavedView> &views);
// Adds `view`, or replaces the one of its name.
void put(SettingsStore *store, const QString &endpoint, const QString &resource, const SavedView &view);
// False when there is no view `from`, or `to` is taken.
bool rename(SettingsStore *store, const QString &endpoint, const QString &resource, const QString &from, const QString &to);
void remove(SettingsStore *store, const QString &endpoint, const QString &resource, const QString &name);
QString settingsKey(const QString &endpoint, const QString &resource);

} // namespace SavedViews

} // namespace refetch
