// PagedTableModel's windowed mode: a row for every record of a long list whose total the server gives,
// placeholders where its pages have not come, each page asked for when a view shows its rows and let go when it has
// not been shown for a while (its data left to the cache's gc), so that memory stays bounded however far the view
// travels.
//
// Rows of two states of the list never mix: every page placed says the window's total, and a page fetched from the
// list as it is now that says another starts the window again at that total (the pages placed before are let go,
// those in view read again). A write of ours (a row deleted, or put back) changes a page's count and total alike,
// and is shown as it is.
#include "pagedtablemodel.h"

#include "core/client/queryobserver.h"
#include "core/providers/dataprovider.h"

#include <QLocale>

#include <algorithm>

namespace refetch {

namespace {

// The rows a view can scroll through: QHeaderView puts rows at int pixel positions.
constexpr qint64 MaxWindowRows = 20'000'000;
// The rows whose pages one turn asks for: a view shows a screenful; more is someone walking every row.
constexpr int WantedRowsPerTurn = 400;

} // namespace

bool PagedTableModel::shouldWindow() const
{
    if (m_windowed || m_options.windowFrom <= 0 || m_pages.size() != 1 || m_pagingIgnored)
        return false;
    const Paging paging = m_provider->paging(m_options.resource);
    // A cursor reaches a page only through the ones before it.
    if (paging != Paging::Offset && paging != Paging::Range && paging != Paging::PageNumber)
        return false;
    const QueryObserver *first = m_pages.front().observer;
    const qint64 total = totalOf(first);
    const Json rows = recordsOf(first->data(), nullptr);
    // A full first page: the server honours the page size, so a page's number says where its rows are.
    return total >= m_options.windowFrom && rows.isArray()
        && rows.size() == std::min<qint64>(m_options.pageSize, total);
}

void PagedTableModel::enterWindow(bool inReset)
{
    Page first = std::move(m_pages.front());
    m_pages.clear();
    m_windowed = true;
    setKeepColumns(true);   // pages come and go; their columns stay
    m_windowTotal = totalOf(first.observer);
    first.placed = true;
    first.placedRows = recordsOf(first.observer->data(), nullptr);
    first.placedTotal = m_windowTotal;
    first.lastShown = m_turn;
    for (const Json &r : first.shown) {
        if (const QString key = idKey(r, options().idField); !key.isEmpty())
            m_windowIds.insert(key, 1);
    }
    m_window.emplace(1, std::move(first));
    const int pages = windowPages();
    appendPlaceholderSegments(pages - 1, m_options.pageSize, slotRows(pages), inReset);
    updateNotice();
}

void PagedTableModel::leaveWindow()
{
    m_windowed = false;
    setKeepColumns(false);
    m_windowTotal = -1;
    m_windowIds.clear();
    m_wanted.clear();
    m_pausedWanted.clear();
    m_windowNotice.clear();
}

int PagedTableModel::windowPages() const
{
    const qint64 rows = std::min(m_windowTotal, MaxWindowRows);
    return int(std::max<qint64>(1, (rows + m_options.pageSize - 1) / m_options.pageSize));
}

int PagedTableModel::slotRows(int page) const
{
    const int pages = windowPages();
    if (page < pages)
        return m_options.pageSize;
    return int(std::max<qint64>(0, std::min(m_windowTotal, MaxWindowRows) - qint64(pages - 1) * m_options.pageSize));
}

void PagedTableModel::segmentShown(int segment, bool loaded) const
{
    if (!m_windowed)
        return;
    const int page = segment + 1;
    if (const auto it = m_window.find(page); it != m_window.end())
        it->second.lastShown = m_turn;
    if (!loaded && !m_wanted.contains(page) && m_wanted.size() < std::max(2, WantedRowsPerTurn / m_options.pageSize))
        m_wanted.append(page);
    // At the end of the turn: a view asks for every row it shows first. While paused, each turn's rows are noted.
    if ((!loaded || m_paused) && !m_flushQueued) {
        m_flushQueued = true;
        QMetaObject::invokeMethod(const_cast<PagedTableModel *>(this), &PagedTableModel::flushWanted,
                                  Qt::QueuedConnection);
    }
}

void PagedTableModel::flushWanted()
{
    m_flushQueued = false;
    const QList<int> wanted = std::exchange(m_wanted, {});
    ++m_turn;
    if (!m_windowed)
        return;
    if (m_paused) {
        m_pausedWanted = wanted;   // where the scroll bar is now
        return;
    }
    if (wanted.isEmpty())
        return;
    requestPages(wanted);
}

void PagedTableModel::requestRows(int first, int last)
{
    if (!m_windowed || rowCount() == 0)
        return;
    if (isApplying()) {
        // From a slot of our own signals: after they are done.
        QMetaObject::invokeMethod(this, [this, first, last] { requestRows(first, last); }, Qt::QueuedConnection);
        return;
    }
    const int from = segmentOf(std::clamp(first, 0, rowCount() - 1));
    const int to = segmentOf(std::clamp(last, 0, rowCount() - 1));
    QList<int> pages;
    for (int s = from; s <= to && s < from + std::max(2, WantedRowsPerTurn / m_options.pageSize); ++s)
        pages.append(s + 1);
    requestPages(pages);
}

void PagedTableModel::requestPages(const QList<int> &pages)
{
    const int before = pageCount();
    for (int page : pages)
        requestPage(page);
    releaseOldPages();
    if (pageCount() != before)
        Q_EMIT pageCountChanged(pageCount());
    updateState();
}

void PagedTableModel::setPageRequestsPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (paused) {
        m_pausedWanted.clear();
        return;
    }
    // The rows shown last: those of this turn when rows were shown in it (its end has not come yet), else those of
    // the last turn that showed rows.
    const QList<int> wanted = m_flushQueued ? std::exchange(m_wanted, {}) : m_pausedWanted;
    m_pausedWanted.clear();
    if (!m_windowed || wanted.isEmpty())
        return;
    if (isApplying()) {
        QMetaObject::invokeMethod(this, [this, wanted] { requestPages(wanted); }, Qt::QueuedConnection);
        return;
    }
    requestPages(wanted);
}

void PagedTableModel::requestPage(int page)
{
    if (!m_windowed || page < 1 || page > segmentCount())
        return;
    if (const auto it = m_window.find(page); it != m_window.end()) {
        Page &p = it->second;
        p.lastShown = m_turn;
        // Rows of another state of the list wait for the server's word: asked for once.
        if (!p.placed && !p.observer->isFetching() && !p.refetchAsked) {
            p.refetchAsked = true;
            p.observer->refetch();
        }
        return;
    }
    auto *observer = new QueryObserver(m_client, pageOptions(page), this);
    Page &p = m_window[page];
    p.observer = observer;
    p.lastShown = m_turn;
    connect(observer, &QueryObserver::changed, this, [this, page](QueryChanges what) { onPageChanged(page, what); });
    // Cached rows of this state of the list show at once.
    placeWindowPage(page, false);
}

void PagedTableModel::windowPageChanged(int page, QueryChanges what)
{
    const auto it = m_window.find(page);
    if (it == m_window.end())
        return;   // let go meanwhile
    const QueryObserver *o = it->second.observer;
    // A fetch that ended: its data is the server's word on the list as it is now, not the cache's from before.
    const bool fresh = what.testFlag(QueryChange::FetchStatus) && !o->isFetching() && o->isSuccess();
    if (what & (QueryChanges(QueryChange::Data) | QueryChange::Status | QueryChange::FetchStatus))
        placeWindowPage(page, fresh);
    updateState();
}

void PagedTableModel::placeWindowPage(int page, bool fresh)
{
    Page *p = &m_window.at(page);
    if (fresh)
        p->refetchAsked = false;
    const Json rows = recordsOf(p->observer->data(), nullptr);
    if (!rows.isArray())
        return;   // nothing yet, or no rows where rows belong (updateState says why): what shows stays
    const qint64 total = totalOf(p->observer);
    if (p->placed && total == p->placedTotal && (p->placedRows.identical(rows) || p->placedRows == rows))
        return;
    const bool sameList = total >= 0
        && (total == m_windowTotal
            // A write of ours: rows deleted (or put back), the page's total down (or up) by as many.
            || (p->placed && total - p->placedTotal == rows.size() - p->placedRows.size()));
    if (!sameList) {
        if (!fresh || total < 0) {
            // The cache's rows from another state of the list: not shown, and asked for again.
            if (p->placed) {
                std::set<int> dirty;
                forgetWindowIds(page, std::exchange(p->shown, Json()), dirty);
                p->placed = false;
                discardSegment(page - 1, slotRows(page));
                refreshWindow(std::move(dirty));
            }
            if (!p->observer->isFetching() && !p->refetchAsked) {
                p->refetchAsked = true;
                p->observer->refetch();
            }
            return;
        }
        changeWindowTotal(total, page);
        const auto it = m_window.find(page);
        if (it == m_window.end())
            return;   // beyond the list's new end
        p = &it->second;
    }
    p->placed = true;
    p->placedRows = rows;
    p->placedTotal = total;
    refreshWindow({page});
}

void PagedTableModel::forgetWindowIds(int number, const Json &shown, std::set<int> &dirty)
{
    const QString idField = options().idField;
    for (const Json &r : shown) {
        const auto it = m_windowIds.find(idKey(r, idField));
        if (it != m_windowIds.end() && it.value() == number)
            m_windowIds.erase(it);
    }
    for (auto it = m_window.upper_bound(number); it != m_window.end(); ++it) {
        if (it->second.placed && it->second.repeats > 0)
            dirty.insert(it->first);
    }
}

void PagedTableModel::refreshWindow(std::set<int> dirty)
{
    // In page order: an earlier page takes an id from a later one (which is then recomputed), never the reverse.
    while (!dirty.empty()) {
        const int number = *dirty.begin();
        dirty.erase(dirty.begin());
        const auto it = m_window.find(number);
        if (it == m_window.end() || !it->second.placed)
            continue;
        Page &p = it->second;
        forgetWindowIds(number, p.shown, dirty);
        qsizetype repeats = 0;
        const Json shown = keepRows(
            p, p.placedRows,
            [&](const QString &key) {
                const auto shownAt = m_windowIds.constFind(key);
                return shownAt != m_windowIds.cend() && shownAt.value() < number;
            },
            [&](const QString &key) {
                int &shownAt = m_windowIds[key];
                if (shownAt > number)
                    dirty.insert(shownAt);
                shownAt = number;
            },
            &repeats);
        p.repeats = repeats;
        if (isSegmentLoaded(number - 1) && p.shown.isArray() && (p.shown.identical(shown) || p.shown == shown))
            continue;
        p.shown = shown;
        setSegmentRecords(number - 1, shown);
    }
    // Every page kept has been read again since the list changed.
    const bool waiting = std::any_of(m_window.cbegin(), m_window.cend(),
                                     [](const auto &page) { return !page.second.placed; });
    if (!waiting)
        m_windowNotice.clear();
    updateNotice();
}

void PagedTableModel::changeWindowTotal(qint64 total, int from)
{
    const qint64 before = m_windowTotal;
    m_windowTotal = total;
    const int pages = windowPages();
    const int oldPages = segmentCount();
    // Pages beyond the new end go.
    if (pages < oldPages) {
        for (auto it = m_window.upper_bound(std::max(pages, 1)); it != m_window.end();) {
            disconnect(it->second.observer, nullptr, this, nullptr);
            it->second.observer->deleteLater();
            it = m_window.erase(it);
        }
        removeTrailingSegments(oldPages - pages);
    }
    // Pages placed with another total: their rows may have moved, so they go (the view asks again for those it
    // shows, which are then read again before they show). Page 1 stays, read again now; pages still loading stay.
    for (auto it = m_window.begin(); it != m_window.end();) {
        const int number = it->first;
        Page &p = it->second;
        if (number == from || (p.placed && p.placedTotal == total)) {
            ++it;
            continue;
        }
        if (p.placed) {
            p.placed = false;
            p.shown = Json();
            discardSegment(number - 1, slotRows(number));
        }
        if (number == 1 || p.observer->isFetching()) {
            if (!p.observer->isFetching() && totalOf(p.observer) != total) {
                p.refetchAsked = true;
                p.observer->refetch();
            }
            ++it;
            continue;
        }
        disconnect(p.observer, nullptr, this, nullptr);
        p.observer->deleteLater();
        it = m_window.erase(it);
    }
    // The old last page's placeholders (a full page now, or the new last one), and the pages the list gained.
    const int kept = std::min(oldPages, pages);
    if (!isSegmentLoaded(kept - 1) && segmentSize(kept - 1) != slotRows(kept))
        resizePlaceholders(kept - 1, slotRows(kept));
    if (pages > oldPages)
        appendPlaceholderSegments(pages - oldPages, m_options.pageSize, slotRows(pages), false);
    // What the pages kept show, again from the first.
    m_windowIds.clear();
    std::set<int> placed;
    for (auto &[number, p] : m_window) {
        if (p.placed) {
            placed.insert(number);
            p.shown = Json();   // recomputed
        }
    }
    const QLocale locale;
    m_windowNotice = tr("The list changed on the server while it was shown (%1 records, now %2): its rows are "
                        "read again.").arg(locale.toString(before), locale.toString(total));
    refreshWindow(std::move(placed));
}

void PagedTableModel::releasePage(int page)
{
    const auto it = m_window.find(page);
    if (it == m_window.end() || page == 1)
        return;
    Page p = std::move(it->second);
    m_window.erase(it);
    disconnect(p.observer, nullptr, this, nullptr);
    p.observer->deleteLater();
    if (p.placed) {
        // Its rows stay where they are as placeholders: the same records come back there if it is shown again.
        std::set<int> dirty;
        forgetWindowIds(page, p.shown, dirty);
        releaseSegment(page - 1);
        refreshWindow(std::move(dirty));
    }
}

void PagedTableModel::releaseOldPages()
{
    const size_t keep = size_t(std::max(1, m_options.keptPages)) + 1;   // and page 1
    if (m_window.size() <= keep)
        return;
    std::vector<std::pair<quint64, int>> byAge;
    for (const auto &[number, p] : m_window) {
        if (number != 1)
            byAge.emplace_back(p.lastShown, number);
    }
    std::sort(byAge.begin(), byAge.end());
    size_t excess = m_window.size() - keep;
    for (const auto &[shown, number] : byAge) {
        // What the last turn showed stays, however many pages that is.
        if (excess == 0 || shown + 1 >= m_turn)
            break;
        releasePage(number);
        --excess;
    }
}

} // namespace refetch
