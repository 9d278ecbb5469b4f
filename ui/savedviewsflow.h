#pragma once

#include "core/session/savedviews.h"

#include <QObject>
#include <QPointer>

#include <functional>

class QWidget;

namespace refetch {

class ApiConnection;
class EndpointTree;
class ResourceView;
class SettingsStore;

// Saved views, end to end: View > Save View… (and the filter bar's Save View…) names the list's filter, search,
// sort and columns; the view is listed under its resource in the side tree, and a click there opens the list as it
// was saved; right-click renames or deletes it. Kept in the settings file (SavedViews), so they survive a restart.
class SavedViewsFlow : public QObject
{
    Q_OBJECT
public:
    using ViewFn = std::function<ResourceView *()>;
    // Opens `resource`'s list of `connection` (once edits are settled) and calls `then` with it.
    using OpenFn = std::function<void(ApiConnection *connection, const QString &resource,
                                      std::function<void(ResourceView *)> then)>;

    SavedViewsFlow(QWidget *window, EndpointTree *tree, SettingsStore *store, ViewFn current, OpenFn open);

    // Asks for a name (the conditions, as a suggestion) and saves the list shown under it.
    void saveCurrent();
    // Saves the list shown as `name` (replacing a view of that name); false without a list.
    bool saveCurrentAs(const QString &name);
    void open(ApiConnection *connection, const QString &resource, const QString &name);
    bool rename(const QString &endpointId, const QString &resource, const QString &from, const QString &to);
    void remove(const QString &endpointId, const QString &resource, const QString &name);

Q_SIGNALS:
    void saved(const QString &name);

private:
    void showMenu(ApiConnection *connection, const QString &resource, const QString &name, const QPoint &at);

    QWidget *m_window;
    EndpointTree *m_tree;
    SettingsStore *m_store;
    ViewFn m_current;
    OpenFn m_open;
};

} // namespace refetch
