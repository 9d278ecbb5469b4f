#pragma once

#include "core/json/json.h"

#include <QAbstractItemModel>
#include <memory>
#include <vector>

namespace refetch {

// A JSON document as a tree for a QTreeView (name, value, type): objects and arrays are rows that expand.
// A node is made only when a view asks for its index, so a large document costs what is shown, not its size.
class JsonTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { Name, Value, Type, ColumnCount };
    Q_ENUM(Column)
    enum Role { JsonRole = Qt::UserRole + 1 };   // the node's value as refetch::Json

    explicit JsonTreeModel(QObject *parent = nullptr);
    ~JsonTreeModel() override;

    // Shows `json`: its members (or elements) are the top rows; a scalar is one row. A new document is a reset.
    void setJson(const Json &json);
    const Json &json() const { return m_json; }
    Json valueAt(const QModelIndex &index) const;

    // "object", "array", "string", "number", "true/false", "null"
    static QString typeName(const Json &value);
    // A scalar as text; a container as "{3 members}" or "[20 items]".
    static QString valueText(const Json &value);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Node
    {
        Json value;
        QString name;
        Node *parent = nullptr;
        int row = 0;
        std::vector<std::unique_ptr<Node>> children;   // made on demand; sized on first use
    };

    Node *nodeOf(const QModelIndex &index) const;
    Node *child(Node *parent, int row) const;
    static int childCount(const Json &value);

    Json m_json;
    std::unique_ptr<Node> m_root;
};

} // namespace refetch
