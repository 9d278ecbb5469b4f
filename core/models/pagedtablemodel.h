#pragma once

#include "core/clock.h"
#include "core/models/jsontablemodel.h"
#include "core/queryoptions.h"
#include "core/querystate.h"

#include <functional>
#include <utility>
#include <vector>

namespace refetch {

class Endpoint;
class QueryClient;
class QueryObserver;

// How a page is asked for, in json-server's and Refine simple-rest's dialect.
enum class PageParameters {
    Page,   // _page=2&_limit=50
    Range,  // _start=50&_end=100
};

// One view state of a paged list: its sort, search and filters. Each state is its own set of cached pages (they
// are parts of the pages' keys), so going back to a state shows its pages at once.
struct PageQuery
{
    QString sort;                                // _sort: a field, or "a,b"; empty: the server's order
    Qt::SortOrder order = Qt::AscendingOrder;    // _order=asc|desc, sent with a sort
    QString search;                              // q: full-text search
    QList<std::pair<QString, QString>> filters;  // more parameters: {"userId", "3"}, {"views_gte", "100"}

    friend bool operator==(const PageQuery &, const PageQuery &) = default;
};

struct PagedTableOptions
{
    QString resource;                            // "posts": the path "/posts" (unless `path`), and the key's second part
    QString path;
    int pageSize = 50;
    PageParameters parameters = PageParameters::Page;
    Millis staleTime{0};
    bool provideTags = true;                     // pages provide ResourceTags(resource, endpoint) list tags
    std::function<void(QueryOptions &)> configure;  // the last word on each page's options (key and notifyOn stay)
    TableModelOptions table;
};

// A table of a server-side paged list, for a QTableView that loads more as it scrolls: each page is its own
// cached query, keyed [endpoint, resource, {page, limit, sort, order, q, filters}], observed while the model shows
// it. canFetchMore()/fetchMore() add the next page while the server has more (X-Total-Count, else a Link rel=next,
// else a full last page), so a resource of a million rows loads only the pages scrolled to. sort() and
// setQuery() switch view states (a reset; a cached state comes back at once).
//
// Refreshing: each page's observer refetches on its own (invalidation, focus, interval), and its rows are diffed
// within the page's range like a QueryTableModel's (duplicate ids are looked for within a page). After a write
// shifts records across page boundaries, a record can briefly show on two pages until both have refetched.
class PagedTableModel : public JsonTableModel
{
    Q_OBJECT
    Q_PROPERTY(qint64 totalCount READ totalCount NOTIFY totalCountChanged)
    Q_PROPERTY(int pageCount READ pageCount NOTIFY pageCountChanged)
public:
    // The endpoint must outlive the model. Page 1 is observed at once (its cached rows show at once).
    PagedTableModel(QueryClient *client, const Endpoint *endpoint, PagedTableOptions options, QObject *parent = nullptr);
    ~PagedTableModel() override;

    bool canFetchMore(const QModelIndex &parent = {}) const override;
    void fetchMore(const QModelIndex &parent = {}) override;
    // Server-side sort by the column's path (_sort, _order); a column of -1 goes back to the server's order.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    const PageQuery &query() const { return m_query; }
    // Another view state: a reset, starting again from page 1.
    void setQuery(const PageQuery &query);
    void setSearch(const QString &text);
    void setFilters(const QList<std::pair<QString, QString>> &filters);

    int pageCount() const { return int(m_pages.size()); }      // pages observed (loaded or loading)
    int pageSize() const { return m_options.pageSize; }
    qint64 totalCount() const { return m_total; }              // the server's total for this view state, or -1
    QueryKey pageKey(int page) const;                          // page from 1, in the current view state
    QueryObserver *pageObserver(int page) const;               // page from 1
    void refetch();                                            // every page shown

Q_SIGNALS:
    void totalCountChanged(qint64 total);
    void pageCountChanged(int pages);

private:
    QueryOptions pageOptions(int page) const;
    void addPage(bool inReset);
    void clearPages();
    void onPageChanged(int page, QueryChanges what);
    void updateState();

    QueryClient *m_client;
    const Endpoint *m_endpoint;
    PagedTableOptions m_options;
    PageQuery m_query;
    std::vector<QueryObserver *> m_pages;  // children; page k + 1 at k
    qint64 m_total = -1;
};

} // namespace refetch
