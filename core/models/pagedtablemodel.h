#pragma once

#include "core/client/clock.h"
#include "core/models/jsontablemodel.h"
#include "core/providers/dataprovider.h"
#include "core/client/queryoptions.h"
#include "core/cache/querystate.h"

#include <QSet>

#include <functional>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace refetch {

class DataProvider;
class Endpoint;
class QueryClient;
class QueryObserver;

// One view state of a paged list: its sort, search and filters. Each state is its own set of cached pages (they
// are parts of the pages' keys), so going back to a state shows its pages at once.
struct PageQuery
{
    QString sort;                                // a field; empty: the server's order
    Qt::SortOrder order = Qt::AscendingOrder;    // sent with a sort
    QString search;                              // full-text search, as the dialect sends it
    QList<std::pair<QString, QString>> filters;  // more parameters: {"userId", "3"}, {"views_gte", "100"}
    QList<FilterCondition> conditions;           // a person's filter, in the dialect's parameters when sent

    friend bool operator==(const PageQuery &, const PageQuery &) = default;
};

struct PagedTableOptions
{
    QString resource;                            // "posts": the key's second part; its path is the provider's
    int pageSize = 50;
    Millis staleTime{0};
    bool provideTags = true;                     // pages provide ResourceTags(resource, endpoint) list tags
    std::function<void(QueryOptions &)> configure;  // the last word on each page's options (key and notifyOn stay)
    TableModelOptions table;
    // Windowed from this many records: a list whose server gives its total, in a paging that can ask for any page
    // (offsets, ranges, page numbers of a size the server honours), has every row at once, placeholders until
    // their page comes. 0: never (the list grows as it is scrolled).
    qint64 windowFrom = 10000;
    // Windowed: the pages kept besides the first (their observers and rows); those shown longest ago go first, their
    // data left to the cache's gc.
    int keptPages = 30;
};

// A table of a server-side paged list, for a QTableView that loads more as it scrolls: each page is its own
// cached query, keyed [endpoint, resource, {page, limit, sort, order, q, filters}], asked for and read by the
// endpoint's DataProvider (its dialect: page numbers, offsets, next links or ranges), observed while the model
// shows it. canFetchMore()/fetchMore() add the next page while the server has more: its next link, else its
// total, else until a short or empty page; a resource of a million rows loads only the pages scrolled to. sort()
// and setQuery() switch view states (a reset; a cached state comes back at once).
//
// A filtered list (PageQuery::conditions) is sent to the server in its dialect's words, never filtered here over
// what is loaded; but each row the server sends is checked against the conditions, and one that plainly fails them
// (the server ignored a filter it does not have) is left out and said in notice(), so that the list never shows
// unfiltered rows as the filtered ones.
//
// No record shows twice: a row whose id an earlier page already shows is left out of its page (records move
// between pages when others are written). A page after the first that holds only records already shown means
// the server ignored the paging parameters: the list stops there and notice() says so.
//
// Refreshing: each page's observer refetches on its own (invalidation, focus, interval), and its rows are diffed
// within the page's range like a QueryTableModel's.
//
// Windowed (PagedTableOptions::windowFrom, pagedtablemodelwindow.cpp): a long list with a known total has a row for
// every record from the start, placeholders (RowState::NotLoaded) where its pages have not come. data() on a
// placeholder asks for its page at the end of the event-loop turn (only pages whose rows were asked for, so a view
// asks for what it shows), and pages shown longest ago are let go beyond keptPages. Every page must say the same
// total: one fetched from a list that changed since (another total) starts the window again at the new total, and
// the pages read before it are read again before they show, so rows of two states of the list never mix.
class PagedTableModel : public JsonTableModel
{
    Q_OBJECT
    Q_PROPERTY(qint64 totalCount READ totalCount NOTIFY totalCountChanged)
    Q_PROPERTY(int pageCount READ pageCount NOTIFY pageCountChanged)
    Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
public:
    // The endpoint must outlive the model. Page 1 is observed at once (its cached rows show at once).
    PagedTableModel(QueryClient *client, const Endpoint *endpoint, PagedTableOptions options, QObject *parent = nullptr);
    ~PagedTableModel() override;

    // The key of a page of `resource`'s list on `endpoint` as `params` ask for it: [endpoint, resource, {page, limit,
    // sort, order, q, filters}], empty texts left out (as absent parameters). Other queries of the same page (a
    // picker's search, a record's referring records) use it, so that they share the list's cache.
    static QueryKey pageKey(const QString &endpoint, const QString &resource, const ListParams &params);

    bool canFetchMore(const QModelIndex &parent = {}) const override;
    void fetchMore(const QModelIndex &parent = {}) override;
    // Server-side sort by the column's path; a column of -1 goes back to the server's order. A column the server
    // cannot sort on (canSort) is ignored.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    bool canSort(int column) const;
    bool canSearch() const;

    const PageQuery &query() const { return m_query; }
    // Another view state: a reset, starting again from page 1.
    void setQuery(const PageQuery &query);
    void setSearch(const QString &text);
    void setFilters(const QList<std::pair<QString, QString>> &filters);
    void setConditions(const QList<FilterCondition> &conditions);
    // Rows the server sent that do not meet the conditions (it ignored one): left out, and said in notice().
    qint64 unmatchedCount() const;

    // Pages observed (loaded or loading); windowed, those kept around the rows shown.
    int pageCount() const { return m_windowed ? int(m_window.size()) : int(m_pages.size()); }
    int pageSize() const { return m_options.pageSize; }
    // The server's total for this view state; without one, what the list holds once it is loaded to its end; else -1.
    qint64 totalCount() const { return m_total; }
    qint64 loadedCount() const;                                // records shown (each once)
    // Whether the server has more than is loaded: known from its total or next link, else guessed from a full page.
    bool hasMore() const { return canFetchMore(); }
    // Something the user should know about the list, in a sentence (the server ignored paging); empty: nothing.
    QString notice() const { return m_notice; }
    // Whether every record has a row (placeholders where its page has not come), as windowFrom says.
    bool isWindowed() const { return m_windowed; }
    // Windowed: asks for the pages of rows first..last now, as showing them would (to reveal a row out of view).
    void requestRows(int first, int last);
    // Windowed: while a view's scroll bar is dragged, rows shown on the way ask for nothing; when it is let go, the
    // pages of the rows shown last are asked for.
    void setPageRequestsPaused(bool paused);
    QueryKey pageKey(int page) const;                          // page from 1, in the current view state
    QueryObserver *pageObserver(int page) const;               // page from 1; null when not observed
    void refetch();                                            // every page shown

Q_SIGNALS:
    void totalCountChanged(qint64 total);
    void pageCountChanged(int pages);
    void noticeChanged(const QString &notice);

protected:
    void segmentShown(int segment, bool loaded) const override;

private:
    struct Page
    {
        QueryObserver *observer = nullptr;  // a child
        Json shown;                         // the records its segment shows (its rows less earlier pages' ids)
        qsizetype unmatched = 0;            // rows left out for not meeting the conditions, the server unaware
        qsizetype leftOut = 0;              // ... and those the dialect sends knowingly (json-server 1's nulls)
        QString unmatchedBy;                // the first condition one of them failed
        qsizetype sameId = 0;               // rows left out for the id of a row before them on the same page
        QString sameIdExample;              // the first such id
        // Windowed:
        bool placed = false;                // its rows are shown (else its segment holds placeholders)
        Json placedRows;                    // the records it was placed with, as the server sent them
        qint64 placedTotal = -1;            // the total they came with
        qsizetype repeats = 0;              // rows left out for an id another page shows
        bool refetchAsked = false;          // asked again for rows of the window's total; once per answer
        mutable quint64 lastShown = 0;      // the turn a view last showed its rows
    };

    // What identifies a record across pages: its id as text (7 and "7" are one record); empty without one.
    static QString idKey(const Json &record, QStringView idField);
    QueryOptions pageOptions(int page) const;
    void addPage(bool inReset);
    void clearPages();
    void onPageChanged(int page, QueryChanges what);
    // Recomputes what pages `from`.. show, leaving out ids earlier pages show; applies what changed.
    void refreshShown(int from, bool inReset);
    // The rows of `rows` a page shows: those whose id is not `shownElsewhere` (counted in `repeats`) and that meet
    // the conditions; `keep` is told the id of each row kept (rows without one are never repeats).
    Json keepRows(Page &page, const Json &rows, const std::function<bool(const QString &id)> &shownElsewhere,
                  const std::function<void(const QString &id)> &keep, qsizetype *repeats) const;
    Json rowsOf(int page) const;   // the page's records as the server sent them; Undefined before they came
    qint64 totalOf(const QueryObserver *observer) const;   // the server's total with its data; -1: none
    template <typename F> void forEachPage(F f) const;
    const QueryObserver *firstObserver() const;
    void setNotice(const QString &notice);
    void updateNotice();
    void updateState();

    // Windowed (pagedtablemodelwindow.cpp).
    bool shouldWindow() const;
    void enterWindow(bool inReset);
    void leaveWindow();
    int windowPages() const;              // page slots for the window's total
    int slotRows(int page) const;         // placeholders a page not loaded stands for
    void flushWanted();
    void requestPage(int page);
    // requestPage() of each, then the pages too far from them let go, and the counts and state said once.
    void requestPages(const QList<int> &pages);
    void windowPageChanged(int page, QueryChanges what);
    void placeWindowPage(int page, bool fresh);
    // Recomputes what the `dirty` pages show (their rows placed or changed), and the pages they take ids from or
    // give them back to: no id twice, the earlier page showing it. Applies what changed.
    void refreshWindow(std::set<int> dirty);
    // The ids page `number` showed are no longer shown there: pages after it that left rows out as repeats are
    // added to `dirty`.
    void forgetWindowIds(int number, const Json &shown, std::set<int> &dirty);
    // A page fetched from the list as it is now says `total`: pages placed with another one are let go (page 1 is
    // read again), and the window's rows follow the new total.
    void changeWindowTotal(qint64 total, int from);
    void releasePage(int page);
    void releaseOldPages();

    QueryClient *m_client;
    const Endpoint *m_endpoint;
    std::shared_ptr<const DataProvider> m_provider;
    PagedTableOptions m_options;
    PageQuery m_query;
    std::vector<Page> m_pages;      // page k + 1 at k
    qint64 m_total = -1;
    bool m_pagingIgnored = false;   // a later page repeated earlier ones: no more pages are asked for
    QString m_notice;
    QString m_pagingNotice;

    // Windowed.
    bool m_windowed = false;
    qint64 m_windowTotal = -1;      // what every page shown says; one that says another is not shown
    std::map<int, Page> m_window;   // the pages observed, by number; page 1 always
    QHash<QString, int> m_windowIds;   // the ids the placed pages show, and the page that shows each
    mutable QList<int> m_wanted;    // placeholders' pages asked for in this turn, in order
    mutable bool m_flushQueued = false;
    mutable quint64 m_turn = 1;     // counts the turns in which rows were shown
    bool m_paused = false;
    QList<int> m_pausedWanted;      // while paused: the pages of the rows shown last
    QString m_windowNotice;
};

template <typename F>
void PagedTableModel::forEachPage(F f) const
{
    for (const Page &p : m_pages)
        f(p);
    for (const auto &[number, p] : m_window)
        f(p);
}

} // namespace refetch
