#include "tablecopy.h"

#include "core/models/jsontablemodel.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QTableView>

#include <algorithm>

namespace refetch {

namespace TableCopy {

QString field(const QString &text)
{
    if (!text.contains(u'\t') && !text.contains(u'\n') && !text.contains(u'\r') && !text.contains(u'"'))
        return text;
    QString quoted = text;
    quoted.replace(u'"', QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

QString selectedRows(const QTableView *table, bool header, Counts *counts)
{
    const QAbstractItemModel *model = table->model();
    const QItemSelectionModel *selection = table->selectionModel();
    if (!model || !selection)
        return {};
    QList<int> rows;
    const auto *json = qobject_cast<const JsonTableModel *>(model);
    int notLoaded = 0;
    // By ranges of whole rows: Ctrl+A in a million-row window is one range, not a million indexes.
    for (const QItemSelectionRange &range : selection->selection()) {
        if (range.left() != 0 || range.right() != model->columnCount() - 1)
            continue;   // some cells, not whole rows
        for (int r = range.top(); r <= range.bottom(); ++r) {
            // A window's rows not loaded have nothing to copy (and asking for them would ask for their pages).
            if (json && !json->isRowLoaded(r))
                ++notLoaded;
            else
                rows.append(r);
        }
    }
    if (rows.isEmpty() && !notLoaded && selection->currentIndex().isValid())
        rows.append(selection->currentIndex().row());
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    const QHeaderView *h = table->horizontalHeader();
    QList<int> columns;
    for (int v = 0; v < h->count(); ++v) {
        const int logical = h->logicalIndex(v);
        if (!h->isSectionHidden(logical))
            columns.append(logical);
    }
    QStringList lines;
    if (header) {
        QStringList names;
        for (int c : std::as_const(columns))
            names.append(field(json ? json->columnName(c) : model->headerData(c, Qt::Horizontal).toString()));
        lines.append(names.join(u'\t'));
    }
    if (counts)
        *counts = Counts{.copied = int(rows.size()), .notLoaded = notLoaded};
    for (int r : std::as_const(rows)) {
        QStringList cells;
        for (int c : std::as_const(columns)) {
            const QModelIndex index = model->index(r, c);
            QString text;
            if (json) {
                const Json v = index.data(JsonTableModel::CellJsonRole).value<Json>();
                text = v.isUndefined() || v.isNull() ? QString() : v.isString() ? v.toString() : QString::fromUtf8(v.toJson());
            } else {
                text = index.data().toString();
            }
            cells.append(field(text));
        }
        lines.append(cells.join(u'\t'));
    }
    return lines.join(u'\n');
}

} // namespace TableCopy

} // namespace refetch
