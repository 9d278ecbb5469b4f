#include "jsontreemodel.h"

namespace refetch {

JsonTreeModel::JsonTreeModel(QObject *parent)
    : QAbstractItemModel(parent), m_root(std::make_unique<Node>())
{
}

JsonTreeModel::~JsonTreeModel() = default;

void JsonTreeModel::setJson(const Json &json)
{
    beginResetModel();
    m_json = json;
    m_root = std::make_unique<Node>();
    if (json.isArray() || json.isObject()) {
        m_root->value = json;
    } else if (!json.isUndefined()) {
        // A scalar document: one row holding it.
        m_root->value = Json::array({json});
        auto node = std::make_unique<Node>();
        node->value = json;
        node->name = tr("(value)");
        node->parent = m_root.get();
        m_root->children.push_back(std::move(node));
    }
    endResetModel();
}

int JsonTreeModel::childCount(const Json &value)
{
    return value.isArray() || value.isObject() ? int(value.size()) : 0;
}

JsonTreeModel::Node *JsonTreeModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

JsonTreeModel::Node *JsonTreeModel::child(Node *parent, int row) const
{
    if (parent->children.empty())
        parent->children.resize(size_t(childCount(parent->value)));
    std::unique_ptr<Node> &slot = parent->children[size_t(row)];
    if (!slot) {
        slot = std::make_unique<Node>();
        slot->parent = parent;
        slot->row = row;
        if (parent->value.isObject()) {
            slot->name = parent->value.keyAt(row);
            slot->value = parent->value.valueAt(row);
        } else {
            slot->name = QStringLiteral("[%1]").arg(row);
            slot->value = parent->value.at(row);
        }
    }
    return slot.get();
}

QModelIndex JsonTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column, child(nodeOf(parent), row));
}

QModelIndex JsonTreeModel::parent(const QModelIndex &index) const
{
    if (!index.isValid())
        return {};
    const Node *node = nodeOf(index);
    Node *parent = node->parent;
    if (!parent || parent == m_root.get())
        return {};
    return createIndex(parent->row, 0, parent);
}

int JsonTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    return childCount(nodeOf(parent)->value);
}

int JsonTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool JsonTreeModel::hasChildren(const QModelIndex &parent) const
{
    return rowCount(parent) > 0;
}

Json JsonTreeModel::valueAt(const QModelIndex &index) const
{
    return index.isValid() ? nodeOf(index)->value : m_json;
}

QString JsonTreeModel::typeName(const Json &value)
{
    switch (value.type()) {
    case Json::Type::Undefined: return QString();
    case Json::Type::Null: return QStringLiteral("null");
    case Json::Type::Bool: return QStringLiteral("boolean");
    case Json::Type::Integer:
    case Json::Type::Double: return QStringLiteral("number");
    case Json::Type::String: return QStringLiteral("string");
    case Json::Type::Array: return QStringLiteral("array");
    case Json::Type::Object: return QStringLiteral("object");
    }
    return QString();
}

QString JsonTreeModel::valueText(const Json &value)
{
    switch (value.type()) {
    case Json::Type::Undefined: return QString();
    case Json::Type::String: return value.toString();
    case Json::Type::Array: return tr("[%Ln items]", nullptr, int(value.size()));
    case Json::Type::Object: return tr("{%Ln members}", nullptr, int(value.size()));
    default: return QString::fromUtf8(value.toJson());
    }
}

QVariant JsonTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node *node = nodeOf(index);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name: return node->name;
        case Value: return valueText(node->value);
        case Type: return typeName(node->value);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Value && !node->value.isArray() && !node->value.isObject())
            return valueText(node->value);
        return {};
    case JsonRole:
        return QVariant::fromValue(node->value);
    default:
        return {};
    }
}

QVariant JsonTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (section) {
    case Name: return tr("Name");
    case Value: return tr("Value");
    case Type: return tr("Type");
    }
    return {};
}

} // namespace refetch
