#include "savedviewsflow.h"

#include "endpointtree.h"
#include "resourceview.h"

#include "core/session/apiconnection.h"
#include "core/session/settingsstore.h"

#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>

using namespace Qt::StringLiterals;

namespace refetch {

SavedViewsFlow::SavedViewsFlow(QWidget *window, EndpointTree *tree, SettingsStore *store, ViewFn current, OpenFn open)
    : QObject(window), m_window(window), m_tree(tree), m_store(store), m_current(std::move(current)),
      m_open(std::move(open))
{
    m_tree->setViewSource([this](const QString &endpoint, const QString &resource) {
        QStringList names;
        for (const SavedView &v : SavedViews::load(m_store, endpoint, resource))
            names.append(v.name);
        return names;
    });
    connect(m_tree, &EndpointTree::viewChosen, this, &SavedViewsFlow::open);
    connect(m_tree, &EndpointTree::viewMenuRequested, this, &SavedViewsFlow::showMenu);
}

void SavedViewsFlow::saveCurrent()
{
    ResourceView *view = m_current();
    if (!view || !view->connection())
        return;
    QStringList described;
    for (const FilterCondition &c : view->conditions())
        described.append(c.describe());
    const QString suggestion = described.isEmpty() ? view->resource() : described.join(u", ");
    bool ok = false;
    const QString name = QInputDialog::getText(m_window, tr("Save View"),
                                               tr("A name for this view of %1 (its filter, search, sort and columns):")
                                                   .arg(view->resource()),
                                               QLineEdit::Normal, suggestion, &ok).trimmed();
    if (!ok || name.isEmpty())
        return;
    const QList<SavedView> existing = SavedViews::load(m_store, view->connection()->id(), view->resource());
    if (std::any_of(existing.cbegin(), existing.cend(), [&](const SavedView &v) { return v.name == name; })
        && QMessageBox::question(m_window, tr("Save View"), tr("Replace the view “%1”?").arg(name))
               != QMessageBox::Yes)
        return;
    saveCurrentAs(name);
}

bool SavedViewsFlow::saveCurrentAs(const QString &name)
{
    ResourceView *view = m_current();
    if (!view || !view->connection() || name.trimmed().isEmpty())
        return false;
    SavedView kept = view->currentView();
    kept.name = name.trimmed();
    const QString endpoint = view->connection()->id();
    SavedViews::put(m_store, endpoint, view->resource(), kept);
    m_tree->refreshViews(endpoint);
    Q_EMIT saved(kept.name);
    return true;
}

void SavedViewsFlow::open(ApiConnection *connection, const QString &resource, const QString &name)
{
    if (!connection)
        return;
    const QList<SavedView> views = SavedViews::load(m_store, connection->id(), resource);
    const auto it = std::find_if(views.cbegin(), views.cend(), [&](const SavedView &v) { return v.name == name; });
    if (it == views.cend())
        return;
    m_open(connection, resource, [view = *it](ResourceView *list) {
        if (list)
            list->applyView(view);
    });
}

bool SavedViewsFlow::rename(const QString &endpointId, const QString &resource, const QString &from, const QString &to)
{
    if (!SavedViews::rename(m_store, endpointId, resource, from, to.trimmed()))
        return false;
    m_tree->refreshViews(endpointId);
    return true;
}

void SavedViewsFlow::remove(const QString &endpointId, const QString &resource, const QString &name)
{
    SavedViews::remove(m_store, endpointId, resource, name);
    m_tree->refreshViews(endpointId);
}

void SavedViewsFlow::showMenu(ApiConnection *connection, const QString &resource, const QString &name, const QPoint &at)
{
    if (!connection)
        return;
    auto *menu = new QMenu(m_tree);
    menu->setObjectName(u"savedViewMenu"_s);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    const QString endpoint = connection->id();
    menu->addAction(tr("Open"), this, [this, connection = QPointer(connection), resource, name] {
        open(connection, resource, name);
    });
    menu->addAction(tr("Rename…"), this, [this, endpoint, resource, name] {
        bool ok = false;
        const QString to = QInputDialog::getText(m_window, tr("Rename View"), tr("New name:"), QLineEdit::Normal,
                                                 name, &ok).trimmed();
        if (ok && !to.isEmpty() && to != name && !rename(endpoint, resource, name, to))
            QMessageBox::warning(m_window, tr("Rename View"), tr("There is already a view “%1” of %2.").arg(to, resource));
    });
    menu->addAction(tr("Delete"), this, [this, endpoint, resource, name] {
        if (QMessageBox::question(m_window, tr("Delete View"), tr("Delete the view “%1” of %2? The records stay as "
                                                                  "they are.").arg(name, resource))
            == QMessageBox::Yes)
            remove(endpoint, resource, name);
    });
    menu->popup(at);
}

} // namespace refetch
