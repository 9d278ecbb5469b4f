#pragma once

#include "core/session/apiconnection.h"

#include <QPointer>
#include <QTreeWidget>

#include <functional>

namespace refetch {

class ApiConnection;
class HttpTransport;

// The side tree: the endpoints side by side, each with its resources under it (or why they could not be
// listed). Selecting a resource opens its list.
class EndpointTree : public QTreeWidget
{
    Q_OBJECT
public:
    explicit EndpointTree(QWidget *parent = nullptr);

    void setConnections(const QList<ApiConnection *> &connections);
    // Where the endpoints' servers are asked: one that stops answering is marked, and unmarked when it answers.
    void setTransport(HttpTransport *transport);
    // Selects a resource row; false when there is none by that name (yet).
    bool selectResource(const QString &endpointId, const QString &resource);
    bool selectEndpoint(const QString &endpointId);

    // True while the tree puts back the current row after it was rebuilt (not the user's choice).
    bool isRestoring() const { return m_restoring; }

    ApiConnection *currentConnection() const;
    QString currentResource() const;
    QTreeWidgetItem *endpointItem(const QString &endpointId) const;
    QTreeWidgetItem *resourceItem(const QString &endpointId, const QString &resource) const;

    enum ItemRole { EndpointIdRole = Qt::UserRole + 1, ResourceRole, KindRole, SignatureRole, ViewRole };
    enum class ItemKind { Endpoint, Resource, Status, View };

    // Where the saved views of a resource are listed from (their names); they show under their resource.
    using ViewSource = std::function<QStringList(const QString &endpointId, const QString &resource)>;
    void setViewSource(ViewSource source) { m_viewSource = std::move(source); }
    // Lists the saved views of `endpointId`'s resources again (one was saved, renamed or deleted).
    void refreshViews(const QString &endpointId);
    QTreeWidgetItem *viewItem(const QString &endpointId, const QString &resource, const QString &name) const;

Q_SIGNALS:
    // A resource row became current (resource empty: an endpoint or status row).
    void currentChanged(refetch::ApiConnection *connection, const QString &resource);
    // A saved view was chosen (a click on it, or the keyboard): its resource's list, as the view says.
    void viewChosen(refetch::ApiConnection *connection, const QString &resource, const QString &name);
    // The context menu of a saved view's row, at `globalPos`.
    void viewMenuRequested(refetch::ApiConnection *connection, const QString &resource, const QString &name,
                           const QPoint &globalPos);
    // An endpoint's resources changed (came, failed, refreshed).
    void resourcesChanged(refetch::ApiConnection *connection);

private:
    void fill(QTreeWidgetItem *endpoint, ApiConnection *connection);
    ApiConnection *connectionOf(const QTreeWidgetItem *item) const;

    QList<QPointer<ApiConnection>> m_connections;
    QPointer<HttpTransport> m_transport;
    ViewSource m_viewSource;
    bool m_clickedCurrent = false;   // the press was on the row already current
    bool m_restoring = false;
};

} // namespace refetch
