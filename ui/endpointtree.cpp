#include "endpointtree.h"

#include "core/http/httptransport.h"

#include "core/session/apiconnection.h"
#include "icons.h"

#include <QLocale>
#include <QHeaderView>

using namespace Qt::StringLiterals;

namespace refetch {

EndpointTree::EndpointTree(QWidget *parent) : QTreeWidget(parent)
{
    setHeaderHidden(true);
    setColumnCount(1);
    setRootIsDecorated(true);
    setUniformRowHeights(true);
    setIndentation(14);
    setIconSize(QSize(16, 16));
    setFrameShape(QFrame::NoFrame);
    setSelectionMode(QAbstractItemView::SingleSelection);
    connect(this, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *current) {
        if (!current) {
            Q_EMIT currentChanged(nullptr, QString());
            return;
        }
        const auto kind = ItemKind(current->data(0, KindRole).toInt());
        if (kind == ItemKind::View) {
            if (!m_restoring)
                Q_EMIT viewChosen(connectionOf(current), current->data(0, ResourceRole).toString(),
                                  current->data(0, ViewRole).toString());
            return;
        }
        Q_EMIT currentChanged(connectionOf(current),
                              kind == ItemKind::Resource ? current->data(0, ResourceRole).toString() : QString());
    });
    // A click on the view already current applies it again (the list may have been changed since).
    connect(this, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem *item) {
        if (item && item == currentItem() && ItemKind(item->data(0, KindRole).toInt()) == ItemKind::View
            && m_clickedCurrent)
            Q_EMIT viewChosen(connectionOf(item), item->data(0, ResourceRole).toString(), item->data(0, ViewRole).toString());
        m_clickedCurrent = false;
    });
    connect(this, &QTreeWidget::itemPressed, this, [this](QTreeWidgetItem *item) { m_clickedCurrent = item == currentItem(); });
    setContextMenuPolicy(Qt::CustomContextMenu);
    connect(this, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        QTreeWidgetItem *item = itemAt(pos);
        if (item && ItemKind(item->data(0, KindRole).toInt()) == ItemKind::View)
            Q_EMIT viewMenuRequested(connectionOf(item), item->data(0, ResourceRole).toString(),
                                     item->data(0, ViewRole).toString(), viewport()->mapToGlobal(pos));
    });
}

void EndpointTree::refreshViews(const QString &endpointId)
{
    QTreeWidgetItem *endpoint = endpointItem(endpointId);
    if (!endpoint)
        return;
    const QSignalBlocker blocker(this);
    QTreeWidgetItem *current = currentItem();
    const bool onView = current && ItemKind(current->data(0, KindRole).toInt()) == ItemKind::View
                     && current->data(0, EndpointIdRole).toString() == endpointId;
    const QString currentResourceName = onView ? current->data(0, ResourceRole).toString() : QString();
    const QString currentView = onView ? current->data(0, ViewRole).toString() : QString();
    for (int i = 0; i < endpoint->childCount(); ++i) {
        QTreeWidgetItem *resource = endpoint->child(i);
        if (ItemKind(resource->data(0, KindRole).toInt()) != ItemKind::Resource)
            continue;
        const QString name = resource->data(0, ResourceRole).toString();
        if (onView && name == currentResourceName)
            setCurrentItem(resource);
        qDeleteAll(resource->takeChildren());
        const QStringList views = m_viewSource ? m_viewSource(endpointId, name) : QStringList();
        for (const QString &view : views) {
            auto *child = new QTreeWidgetItem(resource);
            child->setText(0, view);
            child->setIcon(0, icons::icon(u"filter"_s));
            child->setToolTip(0, tr("Saved view of %1. Right-click to rename or delete it.").arg(name));
            child->setData(0, EndpointIdRole, endpointId);
            child->setData(0, ResourceRole, name);
            child->setData(0, KindRole, int(ItemKind::View));
            child->setData(0, ViewRole, view);
        }
        resource->setExpanded(!views.isEmpty());
        if (onView && name == currentResourceName) {
            if (QTreeWidgetItem *again = viewItem(endpointId, name, currentView))
                setCurrentItem(again);
        }
    }
}

QTreeWidgetItem *EndpointTree::viewItem(const QString &endpointId, const QString &resource, const QString &name) const
{
    QTreeWidgetItem *parent = resourceItem(endpointId, resource);
    for (int i = 0; parent && i < parent->childCount(); ++i) {
        if (parent->child(i)->data(0, ViewRole).toString() == name)
            return parent->child(i);
    }
    return nullptr;
}

void EndpointTree::setTransport(HttpTransport *transport)
{
    if (m_transport)
        disconnect(m_transport, nullptr, this, nullptr);
    m_transport = transport;
    if (!transport)
        return;
    connect(transport, &HttpTransport::reachabilityChanged, this, [this] {
        const QSignalBlocker blocker(this);
        for (const auto &c : std::as_const(m_connections)) {
            if (QTreeWidgetItem *item = c ? endpointItem(c->id()) : nullptr)
                fill(item, c);
        }
    });
}

void EndpointTree::setConnections(const QList<ApiConnection *> &connections)
{
    const QString endpoint = currentConnection() ? currentConnection()->id() : QString();
    const QString resource = currentResource();
    for (const auto &c : std::as_const(m_connections)) {
        if (c)
            disconnect(c, nullptr, this, nullptr);
    }
    m_connections.clear();
    {
        const QSignalBlocker blocker(this);
        clear();
        for (ApiConnection *c : connections) {
            m_connections.append(c);
            auto *item = new QTreeWidgetItem(this);
            item->setData(0, EndpointIdRole, c->id());
            item->setData(0, KindRole, int(ItemKind::Endpoint));
            fill(item, c);
            item->setExpanded(true);
            connect(c, &ApiConnection::resourcesChanged, this, [this, c] {
                if (QTreeWidgetItem *item = endpointItem(c->id())) {
                    const QString endpoint = currentConnection() == c ? c->id() : QString();
                    const QString resource = currentResource();
                    {
                        const QSignalBlocker blocker(this);
                        fill(item, c);
                    }
                    // The row the user was on comes back once its resource is listed again.
                    if (!endpoint.isEmpty() && !resource.isEmpty()) {
                        m_restoring = true;
                        selectResource(endpoint, resource);
                        m_restoring = false;
                    }
                }
                Q_EMIT resourcesChanged(c);
            });
        }
    }
    m_restoring = true;
    const bool restored = !endpoint.isEmpty() && (resource.isEmpty() ? selectEndpoint(endpoint) : selectResource(endpoint, resource));
    m_restoring = false;
    if (!endpoint.isEmpty() && !restored)
        Q_EMIT currentChanged(nullptr, QString());
}

void EndpointTree::fill(QTreeWidgetItem *item, ApiConnection *c)
{
    const EndpointSettings &s = c->settings();
    item->setText(0, c->displayName());
    // A server that does not answer says so where the user looks for it, whatever the network's state.
    const QDateTime down = m_transport ? m_transport->unreachableSince(s.baseUrl) : QDateTime();
    item->setIcon(0, icons::icon(down.isValid() ? u"offline"_s : u"server"_s));
    QFont bold = font();
    bold.setBold(true);
    item->setFont(0, bold);
    QString tip = s.transient ? tr("%1\n%2 (this session only)").arg(c->displayName(), s.baseUrl.toDisplayString(QUrl::RemoveUserInfo))
                              : tr("%1\n%2").arg(c->displayName(), s.baseUrl.toDisplayString(QUrl::RemoveUserInfo));
    // What it speaks: "Django REST framework · page-number paging · 45 posts" (with Settings' overrides).
    if (const QString summary = c->effectiveApi().summary; !summary.isEmpty())
        tip += u'\n' + summary;
    if (down.isValid())
        tip += u'\n' + tr("Not answering since %1").arg(QLocale().toString(down.time(), QLocale::ShortFormat));
    item->setToolTip(0, tip);
    item->setData(0, Qt::AccessibleDescriptionRole, down.isValid() ? tr("not answering") : QString());
    // What the children show: rebuilt only when it changes (a refetch that brings the same list changes nothing).
    const QString signature = c->resources().join(u'\n') + u'\x1f' + c->errorString() + u'\x1f'
        + QString::number(c->isLoading());
    if (item->childCount() > 0 && item->data(0, SignatureRole).toString() == signature)
        return;
    item->setData(0, SignatureRole, signature);
    const bool wasCurrent = currentItem() && currentItem()->parent() == item;
    qDeleteAll(item->takeChildren());
    if (wasCurrent)
        setCurrentItem(item);

    auto status = [&](const QString &text, const QString &icon, const QString &tip) {
        auto *child = new QTreeWidgetItem(item);
        child->setText(0, text);
        child->setIcon(0, icons::icon(icon));
        child->setToolTip(0, tip);
        child->setData(0, EndpointIdRole, c->id());
        child->setData(0, KindRole, int(ItemKind::Status));
        QFont italic = font();
        italic.setItalic(true);
        child->setFont(0, italic);
        child->setForeground(0, palette().brush(QPalette::PlaceholderText));
    };
    const QStringList resources = c->resources();
    if (resources.isEmpty()) {
        if (!c->errorString().isEmpty())
            status(tr("Could not list resources"), u"error"_s, c->errorString());
        else if (c->isLoading() || c->isDiscovered())
            status(tr("Looking for resources…"), u"refresh"_s, QString());
        else
            status(tr("No resources: add them in Settings"), u"info"_s, QString());
        return;
    }
    for (const QString &r : resources) {
        auto *child = new QTreeWidgetItem(item);
        child->setText(0, r);
        child->setIcon(0, icons::icon(u"table"_s));
        child->setToolTip(0, c->endpoint()->url(u'/' + r).toDisplayString(QUrl::RemoveUserInfo));
        child->setData(0, EndpointIdRole, c->id());
        child->setData(0, ResourceRole, r);
        child->setData(0, KindRole, int(ItemKind::Resource));
    }
    refreshViews(c->id());
}

ApiConnection *EndpointTree::connectionOf(const QTreeWidgetItem *item) const
{
    const QString id = item ? item->data(0, EndpointIdRole).toString() : QString();
    for (const auto &c : m_connections) {
        if (c && c->id() == id)
            return c;
    }
    return nullptr;
}

bool EndpointTree::selectResource(const QString &endpointId, const QString &resource)
{
    QTreeWidgetItem *item = resourceItem(endpointId, resource);
    if (!item)
        return false;
    if (currentItem() != item)
        setCurrentItem(item);
    return true;
}

bool EndpointTree::selectEndpoint(const QString &endpointId)
{
    QTreeWidgetItem *item = endpointItem(endpointId);
    if (!item)
        return false;
    if (currentItem() != item)
        setCurrentItem(item);
    return true;
}

ApiConnection *EndpointTree::currentConnection() const
{
    return connectionOf(currentItem());
}

QString EndpointTree::currentResource() const
{
    const QTreeWidgetItem *item = currentItem();
    const auto kind = item ? ItemKind(item->data(0, KindRole).toInt()) : ItemKind::Status;
    if (kind != ItemKind::Resource && kind != ItemKind::View)
        return {};
    return item->data(0, ResourceRole).toString();
}

QTreeWidgetItem *EndpointTree::endpointItem(const QString &endpointId) const
{
    for (int i = 0; i < topLevelItemCount(); ++i) {
        if (topLevelItem(i)->data(0, EndpointIdRole).toString() == endpointId)
            return topLevelItem(i);
    }
    return nullptr;
}

QTreeWidgetItem *EndpointTree::resourceItem(const QString &endpointId, const QString &resource) const
{
    QTreeWidgetItem *endpoint = endpointItem(endpointId);
    for (int i = 0; endpoint && i < endpoint->childCount(); ++i) {
        QTreeWidgetItem *child = endpoint->child(i);
        if (ItemKind(child->data(0, KindRole).toInt()) == ItemKind::Resource && child->data(0, ResourceRole).toString() == resource)
            return child;
    }
    return nullptr;
}

} // namespace refetch
