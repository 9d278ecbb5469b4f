#pragma once

#include <QString>

class QTableView;

namespace refetch {

// The selected rows of a table as tab-separated text that pastes into a spreadsheet: one line per row, in the
// order shown, the columns as shown (moved ones where they were moved to, hidden ones left out), each cell's value
// as the model gives it (a reference's id, not its name; JSON as compact text). A cell holding a tab, a line break
// or a quote is quoted as spreadsheets quote it ("a ""b"""). With `header`, a first line of the column names.
// Selected rows that are not loaded (a windowed list's) have nothing to copy: how many are left out goes to
// `*rows` with how many are copied.
namespace TableCopy {

struct Counts
{
    int copied = 0;
    int notLoaded = 0;
};
QString selectedRows(const QTableView *table, bool header = false, Counts *rows = nullptr);
QString field(const QString &text);

} // namespace TableCopy

} // namespace refetch
