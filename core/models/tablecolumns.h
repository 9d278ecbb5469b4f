#pragma once

#include "core/json/json.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace refetch {

// How a table shows a member whose value is an object.
enum class NestedColumns {
    Flatten,      // one column per leaf, named by its path: "owner.name", "owner.age"
    CompactJson,  // one column per top-level member; an object shows as its compact JSON text
};

// The columns of a table of JSON records: given as paths, or inferred from the records in the order their
// members are first seen, each counted by how many records have it, so that a refetch updates the set from
// the rows it removed, inserted or changed only. Arrays (and, with CompactJson, objects) are one column whose cell
// is the value's compact JSON text; an empty object is a leaf too.
class TableColumns
{
public:
    struct Column
    {
        QString name;             // the path joined with '.', e.g. "owner.name"
        QList<QByteArray> path;   // member names from the record down to the cell
    };

    explicit TableColumns(NestedColumns nested = NestedColumns::Flatten);
    ~TableColumns();
    TableColumns(const TableColumns &) = delete;
    TableColumns &operator=(const TableColumns &) = delete;

    // Fixed columns: paths split at '.', in this order. An empty list goes back to inferring.
    void setGiven(const QStringList &paths);
    bool isInferred() const { return m_inferred; }
    NestedColumns nested() const { return m_nested; }

    int size() const { return int(m_columns.size()); }
    const Column &at(int i) const { return m_columns[size_t(i)]; }
    int indexOf(QStringView name) const;
    QStringList names() const;

    // Inferred columns: adds `delta` (+1 or -1) to the count of each column `record` has; an unknown column is
    // appended. Does nothing for given columns or a record that is not an object.
    void count(const Json &record, int delta);
    // Forgets every count (the columns stay, in order, for commit() to keep or drop).
    void clearCounts();
    // Whether the set differs from the last committed one: a column was added, or (when `dropEmpty`) a column
    // no record has any more is left.
    bool hasChanged(bool dropEmpty) const;
    // Drops the columns no record has (when `dropEmpty`: a table left without rows keeps its columns) and
    // makes the set the committed one.
    void commit(bool dropEmpty);

    // The cell of `record` in column `c`: Undefined when the record lacks it.
    Json cell(const Json &record, int c) const;

private:
    struct Node;
    void countObject(Node &node, const Json &object, int delta);
    void remap(Node &node, const std::vector<int> &to);

    NestedColumns m_nested;
    bool m_inferred = true;
    std::vector<Column> m_columns;
    std::vector<int> m_counts;       // per column: how many records have it
    std::unique_ptr<Node> m_root;    // member name -> column or nested node, for counting without allocating
    int m_committed = 0;             // columns in the committed set
    int m_empty = 0;                 // columns whose count is 0
};

} // namespace refetch
