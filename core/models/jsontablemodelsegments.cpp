// How a JsonTableModel's segments change: a segment diffed against new records, filled or cleared inside a
// reset, and the placeholders a windowed list keeps for the pages it has not loaded (or has let go).
#include "jsontablemodel.h"

#include <QLoggingCategory>
#include <QScopeGuard>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcModels)

namespace refetch {

namespace {

const QList<int> CellRoles = {Qt::DisplayRole, Qt::EditRole, JsonTableModel::CellJsonRole,
                              JsonTableModel::RowJsonRole, JsonTableModel::RowObjectRole};
const QList<int> RowRoles = {JsonTableModel::RowJsonRole, JsonTableModel::RowObjectRole};
// What differs between a placeholder and a loaded row: every role the model answers.
const QList<int> LoadRoles = {Qt::DisplayRole, Qt::EditRole, Qt::ToolTipRole, JsonTableModel::CellJsonRole,
                              JsonTableModel::RowJsonRole, JsonTableModel::RowObjectRole, JsonTableModel::RowIdRole,
                              JsonTableModel::RowStateRole, JsonTableModel::RowErrorRole, JsonTableModel::WaitingRole};

} // namespace

int JsonTableModel::appendSegment()
{
    Segment s;
    s.offset = m_rowCount;
    m_segments.push_back(std::move(s));
    return int(m_segments.size()) - 1;
}

void JsonTableModel::shiftOffsets(int fromSegment, int delta)
{
    for (size_t k = size_t(fromSegment); k < m_segments.size(); ++k)
        m_segments[k].offset += delta;
}

void JsonTableModel::clearSegmentsForReset()
{
    m_segments.clear();
    m_rowCount = 0;
    m_columns.clearCounts();
}

void JsonTableModel::fillSegmentForReset(int segment, const Json &records)
{
    Segment &seg = m_segments[size_t(segment)];
    std::vector<Row> rows = makeRows(records, nullptr);
    for (const Row &r : rows)
        m_columns.count(r.record, +1);
    for (int i = 0; i < seg.rows.size(); ++i)
        m_columns.count(seg.rows[i].record, -1);
    const int delta = int(rows.size()) - seg.rows.size();
    seg.rows.assign(std::move(rows));
    m_rowCount += delta;
    shiftOffsets(segment + 1, delta);
}

void JsonTableModel::commitColumnsForReset()
{
    m_columns.commit(dropsEmptyColumns(m_rowCount));
}

void JsonTableModel::setSegmentRecords(int segment, const Json &records)
{
    Q_ASSERT(segment >= 0 && segment < segmentCount());
    ++m_applying;
    const auto done = qScopeGuard([this] { --m_applying; });
    Segment &seg = m_segments[size_t(segment)];
    if (seg.placeholders >= 0) {
        loadPlaceholders(segment, records);
        return;
    }
    std::vector<RowKey> after;
    std::vector<Row> next = makeRows(records, &after);
    const int n = seg.rows.size();
    const int m = int(next.size());

    std::vector<RowKey> before;
    before.reserve(size_t(n));
    for (int i = 0; i < n; ++i)
        before.push_back(keyOf(seg.rows[i]));
    const RowDiff diff = RowDiff::compute(before, after);
    before.clear();
    after.clear();
    const std::vector<int> &sources = diff.sources();

    // Which kept rows changed (two parses of equal text compare with one memcmp), and the column counts.
    std::vector<char> changed(size_t(m), 0);
    std::vector<char> kept(size_t(n), 0);
    bool anyChanged = false;
    for (int j = 0; j < m; ++j) {
        const int src = sources[size_t(j)];
        if (src < 0) {
            m_columns.count(next[size_t(j)].record, +1);
            continue;
        }
        kept[size_t(src)] = 1;
        const Json &old = seg.rows[src].record;
        if (old.identical(next[size_t(j)].record) || old == next[size_t(j)].record)
            continue;
        changed[size_t(j)] = 1;
        anyChanged = true;
        m_columns.count(old, -1);
        m_columns.count(next[size_t(j)].record, +1);
    }
    for (int i = 0; i < n; ++i) {
        if (!kept[size_t(i)])
            m_columns.count(seg.rows[i].record, -1);
    }

    const int rowsAfter = m_rowCount - n + m;
    if (m_columns.hasChanged(dropsEmptyColumns(rowsAfter))) {
        qCDebug(lcModels) << "column set changed: reset";
        beginResetModel();
        seg.rows.assign(std::move(next));
        m_rowCount = rowsAfter;
        shiftOffsets(segment + 1, m - n);
        m_columns.commit(dropsEmptyColumns(rowsAfter));
        endResetModel();
        return;
    }

    if (diff.isStructural()) {
        RowDiff::Steps steps;
        steps.remove = [&](int first, int last) {
            const int count = last - first + 1;
            beginRemoveRows(QModelIndex(), seg.offset + first, seg.offset + last);
            seg.rows.erase(first, count);
            m_rowCount -= count;
            shiftOffsets(segment + 1, -count);
            endRemoveRows();
        };
        steps.move = [&](int first, int last, int destination) {
            if (!beginMoveRows(QModelIndex(), seg.offset + first, seg.offset + last, QModelIndex(),
                               seg.offset + destination)) {
                qCWarning(lcModels) << "refused move" << first << last << destination;
                return;
            }
            if (destination < first)
                seg.rows.rotate(destination, first, last + 1);
            else
                seg.rows.rotate(first, last + 1, destination);
            endMoveRows();
        };
        steps.reorder = [&](int first, const std::vector<int> &order) {
            const int k = int(order.size());
            Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
            std::vector<int> moved(static_cast<size_t>(k));  // old position - first -> new position - first
            for (int i = 0; i < k; ++i)
                moved[size_t(order[size_t(i)])] = i;
            const QModelIndexList persistent = persistentIndexList();
            QModelIndexList from, to;
            const int top = seg.offset + first;
            for (const QModelIndex &idx : persistent) {
                const int r = idx.row() - top;
                if (r < 0 || r >= k)
                    continue;
                from.append(idx);
                to.append(index(top + moved[size_t(r)], idx.column()));
            }
            std::vector<Row> permuted(static_cast<size_t>(k));
            for (int i = 0; i < k; ++i)
                permuted[size_t(i)] = std::move(seg.rows[first + order[size_t(i)]]);
            for (int i = 0; i < k; ++i)
                seg.rows[first + i] = std::move(permuted[size_t(i)]);
            changePersistentIndexList(from, to);
            Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
        };
        steps.insert = [&](int first, int last) {
            const int count = last - first + 1;
            beginInsertRows(QModelIndex(), seg.offset + first, seg.offset + last);
            seg.rows.insert(first, next.begin() + first, next.begin() + last + 1);
            m_rowCount += count;
            shiftOffsets(segment + 1, count);
            endInsertRows();
        };
        diff.apply(steps, m_options.maxMoves);
        seg.rows.compact();
    }
    Q_ASSERT(seg.rows.size() == m);

    // The rows now stand where the new data has them: take the new records (freeing the old document), and tell
    // views about the cells that changed.
    std::vector<Json> previous;
    if (anyChanged)
        previous.resize(size_t(m));
    for (int j = 0; j < m; ++j) {
        if (sources[size_t(j)] < 0)
            continue;
        if (changed[size_t(j)])
            previous[size_t(j)] = std::move(seg.rows[j].record);
        seg.rows[j].record = std::move(next[size_t(j)].record);
    }
    if (anyChanged)
        emitChanges(segment, previous, sources, changed);
}

void JsonTableModel::emitChanges(int segment, const std::vector<Json> &previous, const std::vector<int> &sources,
                                 const std::vector<char> &changed)
{
    const int columns = m_columns.size();
    if (columns == 0)
        return;
    const Segment &seg = m_segments[size_t(segment)];
    // Rectangles of changed cells: within a row, contiguous changed columns; across rows, the same columns on
    // consecutive rows. A row whose changes have no column is one row-wide rectangle with the row roles only.
    struct Rect
    {
        int top, bottom, left, right;
        bool rowOnly;
    };
    std::vector<Rect> open, done, next;
    std::vector<std::pair<int, int>> runs;
    const int m = int(changed.size());
    for (int j = 0; j < m; ++j) {
        if (!changed[size_t(j)] || sources[size_t(j)] < 0)
            continue;
        const Json &before = previous[size_t(j)];
        const Json &after = seg.rows[j].record;
        runs.clear();
        for (int c = 0; c < columns; ++c) {
            if (m_columns.cell(before, c) == m_columns.cell(after, c))
                continue;
            if (!runs.empty() && runs.back().second == c - 1)
                runs.back().second = c;
            else
                runs.emplace_back(c, c);
        }
        const bool rowOnly = runs.empty();
        if (rowOnly)
            runs.emplace_back(0, columns - 1);
        next.clear();
        for (const auto &run : runs) {
            const int left = run.first, right = run.second;  // not a structured binding: clang 14 can't capture one
            auto it = std::find_if(open.begin(), open.end(), [&](const Rect &r) {
                return r.bottom == j - 1 && r.left == left && r.right == right && r.rowOnly == rowOnly;
            });
            if (it != open.end()) {
                it->bottom = j;
                next.push_back(*it);
                open.erase(it);
            } else {
                next.push_back(Rect{j, j, left, right, rowOnly});
            }
        }
        done.insert(done.end(), open.begin(), open.end());
        open.swap(next);
    }
    done.insert(done.end(), open.begin(), open.end());
    std::sort(done.begin(), done.end(), [](const Rect &a, const Rect &b) {
        return a.top != b.top ? a.top < b.top : a.left < b.left;
    });
    for (const Rect &r : done) {
        Q_EMIT dataChanged(index(seg.offset + r.top, r.left), index(seg.offset + r.bottom, r.right),
                           r.rowOnly ? RowRoles : CellRoles);
    }
}

void JsonTableModel::countColumns(const Segment &segment, int delta)
{
    for (int i = 0; i < segment.rows.size(); ++i)
        m_columns.count(segment.rows[i].record, delta);
}

void JsonTableModel::appendPlaceholderSegments(int count, int rows, int lastRows, bool inReset)
{
    if (count <= 0)
        return;
    ++m_applying;
    const auto done = qScopeGuard([this] { --m_applying; });
    const int added = rows * (count - 1) + lastRows;
    const bool signal = !inReset && added > 0;
    if (signal)
        beginInsertRows(QModelIndex(), m_rowCount, m_rowCount + added - 1);
    for (int k = 0; k < count; ++k) {
        Segment s;
        s.offset = m_rowCount;
        s.placeholders = k == count - 1 ? lastRows : rows;
        m_rowCount += s.placeholders;
        m_segments.push_back(std::move(s));
    }
    if (signal)
        endInsertRows();
}

void JsonTableModel::releaseSegment(int segment)
{
    Segment &seg = m_segments[size_t(segment)];
    if (seg.placeholders >= 0)
        return;
    ++m_applying;
    const auto done = qScopeGuard([this] { --m_applying; });
    const int n = seg.rows.size();
    countColumns(seg, -1);
    seg.rows.assign({});
    seg.placeholders = n;
    if (n > 0 && columnCount() > 0)
        Q_EMIT dataChanged(index(seg.offset, 0), index(seg.offset + n - 1, columnCount() - 1), LoadRoles);
}

void JsonTableModel::discardSegment(int segment, int placeholders)
{
    ++m_applying;
    const auto done = qScopeGuard([this] { --m_applying; });
    Segment &seg = m_segments[size_t(segment)];
    const int n = seg.size();
    if (n > 0)
        beginRemoveRows(QModelIndex(), seg.offset, seg.offset + n - 1);
    countColumns(seg, -1);
    seg.rows.assign({});
    seg.placeholders = 0;
    m_rowCount -= n;
    shiftOffsets(segment + 1, -n);
    if (n > 0)
        endRemoveRows();
    resizePlaceholders(segment, placeholders);
}

void JsonTableModel::resizePlaceholders(int segment, int rows)
{
    Segment &seg = m_segments[size_t(segment)];
    Q_ASSERT(seg.placeholders >= 0);
    const int n = seg.placeholders;
    if (rows == n)
        return;
    ++m_applying;
    const auto done = qScopeGuard([this] { --m_applying; });
    if (rows > n)
        beginInsertRows(QModelIndex(), seg.offset + n, seg.offset + rows - 1);
    else
        beginRemoveRows(QModelIndex(), seg.offset + rows, seg.offset + n - 1);
    seg.placeholders = rows;
    m_rowCount += rows - n;
    shiftOffsets(segment + 1, rows - n);
    if (rows > n)
        endInsertRows();
    else
        endRemoveRows();
}

void JsonTableModel::removeTrailingSegments(int count)
{
    count = std::min(count, segmentCount());
    if (count <= 0)
        return;
    ++m_applying;
    const auto done = qScopeGuard([this] { --m_applying; });
    const size_t first = m_segments.size() - size_t(count);
    const int from = m_segments[first].offset;
    if (from < m_rowCount)
        beginRemoveRows(QModelIndex(), from, m_rowCount - 1);
    for (size_t k = first; k < m_segments.size(); ++k)
        countColumns(m_segments[k], -1);
    m_segments.erase(m_segments.begin() + qsizetype(first), m_segments.end());
    const bool removed = from < m_rowCount;
    m_rowCount = from;
    if (removed)
        endRemoveRows();
}

void JsonTableModel::loadPlaceholders(int segment, const Json &records)
{
    std::vector<Row> next = makeRows(records, nullptr);
    const int m = int(next.size());
    // The rows' count first (placeholders come or go at the end), then the records in place.
    resizePlaceholders(segment, m);
    Segment &seg = m_segments[size_t(segment)];
    for (const Row &r : next)
        m_columns.count(r.record, +1);
    if (m_columns.hasChanged(dropsEmptyColumns(m_rowCount))) {
        qCDebug(lcModels) << "column set changed: reset";
        beginResetModel();
        seg.rows.assign(std::move(next));
        seg.placeholders = -1;
        m_columns.commit(dropsEmptyColumns(m_rowCount));
        endResetModel();
        return;
    }
    seg.rows.assign(std::move(next));
    seg.placeholders = -1;
    if (m > 0 && columnCount() > 0)
        Q_EMIT dataChanged(index(seg.offset, 0), index(seg.offset + m - 1, columnCount() - 1), LoadRoles);
}

} // namespace refetch
