#include "tablecolumns.h"

namespace refetch {

// One level of member names. Records of one list mostly share their member order, so the member at index i is
// looked for at entry i first: one comparison per member, no allocation.
struct TableColumns::Node
{
    struct Entry
    {
        QByteArray key;
        int column = -1;                // the leaf column of this member, if any record had it as a leaf
        std::unique_ptr<Node> child;    // its members, if any record had it as a non-empty object
    };
    QList<QByteArray> path;
    std::vector<Entry> entries;

    Entry &find(QByteArrayView key, qsizetype hint)
    {
        if (hint < qsizetype(entries.size()) && entries[size_t(hint)].key == key)
            return entries[size_t(hint)];
        for (Entry &e : entries) {
            if (e.key == key)
                return e;
        }
        entries.push_back(Entry{key.toByteArray()});
        return entries.back();
    }
};

TableColumns::TableColumns(NestedColumns nested) : m_nested(nested), m_root(std::make_unique<Node>())
{
}

TableColumns::~TableColumns() = default;

void TableColumns::setGiven(const QStringList &paths)
{
    m_columns.clear();
    m_counts.clear();
    m_root = std::make_unique<Node>();
    m_committed = 0;
    m_empty = 0;
    m_inferred = paths.isEmpty();
    for (const QString &p : paths) {
        Column c{p, {}};
        for (const QString &part : p.split(u'.'))
            c.path.append(part.toUtf8());
        m_columns.push_back(std::move(c));
        m_counts.push_back(0);
    }
    m_committed = size();
}

int TableColumns::indexOf(QStringView name) const
{
    for (int i = 0; i < size(); ++i) {
        if (m_columns[size_t(i)].name == name)
            return i;
    }
    return -1;
}

QStringList TableColumns::names() const
{
    QStringList out;
    out.reserve(size());
    for (const Column &c : m_columns)
        out.append(c.name);
    return out;
}

void TableColumns::count(const Json &record, int delta)
{
    if (m_inferred && record.isObject())
        countObject(*m_root, record, delta);
}

void TableColumns::countObject(Node &node, const Json &object, int delta)
{
    const qsizetype members = object.size();
    for (qsizetype i = 0; i < members; ++i) {
        Node::Entry &e = node.find(object.keyUtf8At(i), i);
        const Json value = object.valueAt(i);
        if (m_nested == NestedColumns::Flatten && value.isObject() && !value.isEmpty()) {
            if (!e.child) {
                e.child = std::make_unique<Node>();
                e.child->path = node.path;
                e.child->path.append(e.key);
            }
            countObject(*e.child, value, delta);
            continue;
        }
        if (e.column < 0) {
            Column c;
            c.path = node.path;
            c.path.append(e.key);
            QByteArray name;
            for (const QByteArray &part : std::as_const(c.path))
                name += (name.isEmpty() ? QByteArray() : QByteArrayLiteral(".")) + part;
            c.name = QString::fromUtf8(name);
            e.column = size();
            m_columns.push_back(std::move(c));
            m_counts.push_back(0);
            ++m_empty;
        }
        int &n = m_counts[size_t(e.column)];
        const bool wasEmpty = n == 0;
        n += delta;
        if (wasEmpty && n > 0)
            --m_empty;
        else if (!wasEmpty && n <= 0)
            ++m_empty;
    }
}

void TableColumns::clearCounts()
{
    if (!m_inferred)
        return;
    std::fill(m_counts.begin(), m_counts.end(), 0);
    m_empty = size();
}

bool TableColumns::hasChanged(bool dropEmpty) const
{
    return m_inferred && (size() > m_committed || (dropEmpty && m_empty > 0));
}

void TableColumns::commit(bool dropEmpty)
{
    if (!m_inferred)
        return;
    if (dropEmpty && m_empty > 0) {
        std::vector<int> to(m_columns.size(), -1);
        std::vector<Column> columns;
        std::vector<int> counts;
        for (size_t i = 0; i < m_columns.size(); ++i) {
            if (m_counts[i] <= 0)
                continue;
            to[i] = int(columns.size());
            columns.push_back(std::move(m_columns[i]));
            counts.push_back(m_counts[i]);
        }
        m_columns = std::move(columns);
        m_counts = std::move(counts);
        m_empty = 0;
        remap(*m_root, to);
    }
    m_committed = size();
}

void TableColumns::remap(Node &node, const std::vector<int> &to)
{
    for (Node::Entry &e : node.entries) {
        if (e.column >= 0)
            e.column = to[size_t(e.column)];
        if (e.child)
            remap(*e.child, to);
    }
}

Json TableColumns::cell(const Json &record, int c) const
{
    Json v = record;
    for (const QByteArray &part : m_columns[size_t(c)].path)
        v = v.value(QByteArrayView(part));
    return v;
}

} // namespace refetch
