#include "pagedtablemodel.h"

#include "core/http/endpoint.h"
#include "core/providers/dataprovider.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"
#include "core/mutation/resourcetags.h"

#include <QJsonArray>
#include <QSet>

#include <algorithm>

namespace refetch {

// As in tags and paths. Rows without an id are never taken for repeats.
QString PagedTableModel::idKey(const Json &record, QStringView idField)
{
    const Json id = record.value(idField);
    if (id.isUndefined() || id.isNull())
        return {};
    return id.isString() ? id.toString() : QString::fromUtf8(id.toJson());
}

PagedTableModel::PagedTableModel(QueryClient *client, const Endpoint *endpoint, PagedTableOptions options,
                                 QObject *parent)
    : JsonTableModel(options.table, parent)
    , m_client(client)
    , m_endpoint(endpoint)
    , m_provider(endpoint->providerPtr())
    , m_options(std::move(options))
{
    m_options.pageSize = std::max(1, m_options.pageSize);
    enterApplying();
    beginResetModel();
    addPage(true);
    refreshShown(0, true);
    if (shouldWindow())
        enterWindow(true);
    commitColumnsForReset();
    endResetModel();
    leaveApplying();
    updateState();
}

PagedTableModel::~PagedTableModel() = default;

QueryKey PagedTableModel::pageKey(const QString &endpoint, const QString &resource, const ListParams &params)
{
    auto text = [](const QString &s) { return s.isEmpty() ? JsonArg() : JsonArg(s); };
    Json filters;
    if (!params.filters.isEmpty()) {
        QJsonArray pairs;
        for (const auto &[name, value] : params.filters)
            pairs.append(QJsonArray{name, value});
        filters = Json(pairs);
    }
    Json where;
    if (!params.conditions.isEmpty()) {
        QList<Json> conditions;
        for (const FilterCondition &c : params.conditions)
            conditions.append(c.toJson());
        where = Json::array(conditions);
    }
    return QueryKey{endpoint, resource, {
        {u"page", params.page},
        {u"limit", params.pageSize},
        {u"sort", text(params.sort)},
        {u"order", params.sort.isEmpty() ? JsonArg() : JsonArg(params.order == Qt::AscendingOrder ? u"asc" : u"desc")},
        {u"q", text(params.search)},
        {u"filters", filters},
        {u"where", where},
    }};
}

QueryKey PagedTableModel::pageKey(int page) const
{
    return pageKey(m_endpoint->name(), m_options.resource,
                   ListParams{.page = page, .pageSize = m_options.pageSize, .sort = m_query.sort,
                              .order = m_query.order, .search = m_query.search, .filters = m_query.filters,
                              .conditions = m_query.conditions});
}

Json PagedTableModel::rowsOf(int page) const
{
    const Json data = m_pages[size_t(page - 1)].observer->data();
    if (data.isUndefined())
        return {};
    return recordsOf(data, nullptr);
}

QueryOptions PagedTableModel::pageOptions(int page) const
{
    ListParams params{.page = page, .pageSize = m_options.pageSize, .sort = m_query.sort, .order = m_query.order,
                      .search = m_query.search, .filters = m_query.filters, .conditions = m_query.conditions};
    // Offsets count the rows the server sent before (it may send fewer than asked); a cursor is the link the
    // page before gave. A window's pages are where their number puts them: the server honours the page size.
    for (int p = 1; p < page && !m_windowed; ++p) {
        const Json rows = rowsOf(p);
        params.offset += rows.isArray() ? rows.size() : m_options.pageSize;
    }
    if (m_windowed) {
        params.offset = qint64(page - 1) * m_options.pageSize;
    } else if (page > 1) {
        const Json next = DataProvider::pageOf(m_pages[size_t(page - 2)].observer->data()).next;
        if (next.isString())
            params.next = m_endpoint->config().baseUrl.resolved(QUrl(next.toString()));
    }

    QueryOptions o;
    o.key = pageKey(page);
    o.fn = m_provider->listFn(*m_endpoint, m_options.resource, params);
    o.staleTime = m_options.staleTime;
    if (m_options.provideTags)
        ResourceTags(m_options.resource, m_endpoint->name(), options().idField).provideList(o);
    if (m_options.configure)
        m_options.configure(o);
    o.key = pageKey(page);
    o.notifyOn = AllChanges;
    return o;
}

void PagedTableModel::addPage(bool inReset)
{
    const int page = int(m_pages.size()) + 1;
    auto *observer = new QueryObserver(m_client, pageOptions(page), this);
    m_pages.push_back(Page{.observer = observer, .shown = Json()});
    connect(observer, &QueryObserver::changed, this, [this, page](QueryChanges what) { onPageChanged(page, what); });
    const int segment = appendSegment();
    Q_ASSERT(segment == page - 1);
    // A cached page shows at once.
    if (!inReset)
        refreshShown(page, false);
}

void PagedTableModel::clearPages()
{
    forEachPage([this](const Page &p) {
        disconnect(p.observer, nullptr, this, nullptr);
        p.observer->deleteLater();   // it may be the sender of the signal that led here
    });
    m_pages.clear();
    m_window.clear();
}

QueryObserver *PagedTableModel::pageObserver(int page) const
{
    if (m_windowed) {
        const auto it = m_window.find(page);
        return it == m_window.end() ? nullptr : it->second.observer;
    }
    return page >= 1 && page <= pageCount() ? m_pages[size_t(page - 1)].observer : nullptr;
}

const QueryObserver *PagedTableModel::firstObserver() const
{
    return m_windowed ? m_window.begin()->second.observer : m_pages.front().observer;
}

qint64 PagedTableModel::totalOf(const QueryObserver *o) const
{
    // The data's, whether the last fetch succeeded or not (a failed refetch keeps the data and its total).
    if (o->data().isUndefined())
        return -1;
    if (const ListPage page = DataProvider::pageOf(o->data()); page.total >= 0)
        return page.total;
    if (const Json t = o->meta().value(QByteArrayView("total")); t.isInteger())
        return t.toInteger();
    if (const Json e = o->data().value(QStringView(options().totalPath)); e.isNumber())
        return e.toInteger();
    return -1;
}

Json PagedTableModel::keepRows(Page &page, const Json &rows, const std::function<bool(const QString &id)> &shownElsewhere,
                               const std::function<void(const QString &id)> &keep, qsizetype *repeats) const
{
    const QString idField = options().idField;
    QList<Json> kept;
    bool dropped = false;
    page.unmatched = page.leftOut = page.sameId = 0;
    page.unmatchedBy.clear();
    page.sameIdExample.clear();
    QSet<QString> ownKeys;
    for (const Json &r : rows) {
        const QString key = idKey(r, idField);
        // Two records of one page with one id: the server's data is wrong (json-server 1.x's random ids collide).
        // A row per id is what the list, the selection and every write go by: the first is shown, and it is said.
        if (!key.isEmpty() && ownKeys.contains(key)) {
            if (page.sameId++ == 0)
                page.sameIdExample = key;
            dropped = true;
            continue;
        }
        if (!key.isEmpty())
            ownKeys.insert(key);
        if (!key.isEmpty() && shownElsewhere(key)) {
            dropped = true;
            ++*repeats;
            continue;
        }
        const auto failed = std::find_if(m_query.conditions.cbegin(), m_query.conditions.cend(),
                                         [&r](const FilterCondition &c) {
                                             return c.matches(r) == FilterCondition::Match::No;
                                         });
        if (failed != m_query.conditions.cend()) {
            ++page.leftOut;
            const Json v = r.value(QStringView(failed->field));
            if (!((v.isUndefined() || v.isNull()) && m_provider->sendsEmptyRows(failed->op))
                && page.unmatched++ == 0) {
                page.unmatchedBy = failed->describe();
            }
            dropped = true;
            continue;
        }
        if (!key.isEmpty())
            keep(key);
        kept.append(r);
    }
    // The rows as the server wrote them (through a QJsonArray a number of 25 digits would be rounded).
    return dropped ? Json::array(kept) : rows;
}

void PagedTableModel::refreshShown(int from, bool inReset)
{
    const int first = std::max(1, from);
    const QString idField = options().idField;
    QSet<QString> seen;
    for (int p = 1; p < first; ++p) {
        for (const Json &r : m_pages[size_t(p - 1)].shown)
            seen.insert(idKey(r, idField));
    }
    for (int p = first; p <= pageCount(); ++p) {
        Page &page = m_pages[size_t(p - 1)];
        QString shapeError;
        const Json rows = recordsOf(page.observer->data(), &shapeError);
        // A page without rows where rows belong keeps its last good rows; updateState() says why.
        if (!rows.isArray()) {
            for (const Json &r : page.shown)
                seen.insert(idKey(r, idField));
            continue;
        }
        qsizetype repeats = 0;
        const Json shown = keepRows(page, rows, [&seen](const QString &key) { return seen.contains(key); },
                                    [&seen](const QString &key) { seen.insert(key); }, &repeats);
        // A later page made only of records already shown: the server ignores the paging parameters.
        if (p > 1 && rows.size() > 0 && repeats == rows.size() && !m_pagingIgnored) {
            m_pagingIgnored = true;
            qint64 shown = 0;
            for (int q = 1; q < p; ++q)
                shown += m_pages[size_t(q - 1)].shown.size();
            m_pagingNotice = tr("The server sent the same records for page %1 as for the pages before: it seems to "
                                "ignore the paging parameters, so only the first %2 records are shown and there may "
                                "be more. Set the paging in the endpoint's settings.").arg(p).arg(shown);
        }
        if (page.shown.isUndefined() ? false : (page.shown.identical(shown) || page.shown == shown))
            continue;
        page.shown = shown;
        if (inReset)
            fillSegmentForReset(p - 1, shown);
        else
            setSegmentRecords(p - 1, shown);
    }
    updateNotice();
}

qint64 PagedTableModel::unmatchedCount() const
{
    qint64 n = 0;
    forEachPage([&n, this](const Page &p) { n += !m_windowed || p.placed ? p.unmatched : 0; });
    return n;
}

void PagedTableModel::updateNotice()
{
    QStringList parts;
    if (!m_pagingNotice.isEmpty())
        parts.append(m_pagingNotice);
    if (!m_windowNotice.isEmpty())
        parts.append(m_windowNotice);
    if (const qint64 unmatched = unmatchedCount(); unmatched > 0) {
        QString by;
        forEachPage([&by, this](const Page &p) {
            if (by.isEmpty() && (!m_windowed || p.placed))
                by = p.unmatchedBy;
        });
        parts.append(tr("The server sent %Ln record(s) that do not meet “%1”: it seems not to filter on it. They are "
                        "left out, and the count is of the records shown.", nullptr, int(unmatched)).arg(by));
    }
    qint64 sameId = 0;
    QString example;
    forEachPage([&](const Page &p) {
        if (m_windowed && !p.placed)
            return;
        sameId += p.sameId;
        if (example.isEmpty())
            example = p.sameIdExample;
    });
    if (sameId > 0) {
        parts.append(tr("The server sent %Ln record(s) with the id of another record on the same page (“%1”): records "
                        "are told apart by their id, so only the first is shown. The server's data needs other ids.",
                        nullptr, int(sameId)).arg(example));
    }
    setNotice(parts.join(u' '));
}

bool PagedTableModel::canFetchMore(const QModelIndex &parent) const
{
    // A window has a row for every record already.
    if (parent.isValid() || m_windowed || m_pages.empty() || m_pagingIgnored)
        return false;
    if (m_provider->paging(m_options.resource) == Paging::None)
        return false;
    const QueryObserver *last = m_pages.back().observer;
    // Not while the last page is loading (or failed): a view asks again after the rows come.
    if (!last->isSuccess())
        return false;
    const ListPage page = DataProvider::pageOf(last->data());
    const Json rows = page.rows.isArray() ? page.rows : recordsOf(last->data(), nullptr);
    if (!rows.isArray() || rows.isEmpty())
        return false;   // an empty page ends every list
    if (page.next.isString())
        return true;
    if (page.next.isNull())
        return false;
    if (m_provider->paging(m_options.resource) == Paging::Cursor)
        return false;   // nothing to follow
    // The total, from the data or the headers the query kept.
    qint64 total = page.total;
    if (total < 0) {
        const Json t = last->meta().value(QByteArrayView("total"));
        if (t.isInteger())
            total = t.toInteger();
    }
    qint64 sent = 0;
    int largest = 0;
    for (int p = 1; p <= pageCount(); ++p) {
        const Json r = rowsOf(p);
        const int n = r.isArray() ? int(r.size()) : 0;
        sent += n;
        if (p < pageCount())
            largest = std::max(largest, n);
    }
    if (total >= 0)
        return sent < total;
    // No total and no link: more while pages come full. A first page shorter than asked may be the server's
    // own page size (it caps what it hands out): only an empty page then says the end, unless the server's
    // largest page is known to be no smaller than what was asked.
    const int n = int(rows.size());
    if (pageCount() == 1) {
        if (n >= m_options.pageSize)
            return true;
        const ResourceInfo *info = m_provider->resourceInfo(m_options.resource);
        const int max = info && info->maxPageSize > 0 ? info->maxPageSize : m_provider->options().maxPageSize;
        return !(max > 0 && max >= m_options.pageSize);
    }
    return n >= largest;   // a page shorter than the ones before is the last
}

void PagedTableModel::fetchMore(const QModelIndex &parent)
{
    // Asked from a slot of our own change signals: a reaction to rows arriving, not to scrolling. Ignored, so that
    // pages never load one after another by themselves (views ask again from a timer after rows are inserted;
    // QAbstractItemModelTester asks on every signal).
    if (isApplying() || !canFetchMore(parent))
        return;
    addPage(false);
    Q_EMIT pageCountChanged(pageCount());
    updateState();
}

bool PagedTableModel::canSort(int column) const
{
    return column >= 0 && column < columnCount() && m_provider->canSort(m_options.resource, columnName(column));
}

bool PagedTableModel::canSearch() const
{
    return m_provider->canSearch(m_options.resource);
}

void PagedTableModel::sort(int column, Qt::SortOrder order)
{
    PageQuery q = m_query;
    if (column < 0 || column >= columnCount()) {
        q.sort.clear();
        q.order = Qt::AscendingOrder;
    } else {
        if (!canSort(column))
            return;
        q.sort = columnName(column);
        q.order = order;
    }
    setQuery(q);
}

void PagedTableModel::setSearch(const QString &text)
{
    PageQuery q = m_query;
    q.search = text;
    setQuery(q);
}

void PagedTableModel::setFilters(const QList<std::pair<QString, QString>> &filters)
{
    PageQuery q = m_query;
    q.filters = filters;
    setQuery(q);
}

void PagedTableModel::setConditions(const QList<FilterCondition> &conditions)
{
    PageQuery q = m_query;
    q.conditions = conditions;
    setQuery(q);
}

void PagedTableModel::setQuery(const PageQuery &query)
{
    if (query == m_query)
        return;
    if (isApplying()) {
        // From a slot of our own signals: after they are done.
        QMetaObject::invokeMethod(this, [this, query] { setQuery(query); }, Qt::QueuedConnection);
        return;
    }
    m_query = query;
    const int pagesBefore = pageCount();
    m_pagingIgnored = false;
    m_pagingNotice.clear();
    enterApplying();
    beginResetModel();
    clearPages();
    leaveWindow();
    clearSegmentsForReset();
    addPage(true);
    refreshShown(0, true);
    if (shouldWindow())
        enterWindow(true);
    commitColumnsForReset();
    endResetModel();
    leaveApplying();
    if (pagesBefore != pageCount())
        Q_EMIT pageCountChanged(pageCount());
    updateNotice();
    updateState();
}

void PagedTableModel::refetch()
{
    forEachPage([](const Page &p) { p.observer->refetch(); });
}

qint64 PagedTableModel::loadedCount() const
{
    qint64 n = 0;
    forEachPage([&n, this](const Page &p) { n += p.shown.isArray() && (!m_windowed || p.placed) ? p.shown.size() : 0; });
    return n;
}

void PagedTableModel::onPageChanged(int page, QueryChanges what)
{
    if (m_windowed) {
        windowPageChanged(page, what);
        return;
    }
    if (what & QueryChange::Data)
        refreshShown(page, false);
    if (shouldWindow()) {
        enterApplying();
        enterWindow(false);
        leaveApplying();
    }
    updateState();
}

void PagedTableModel::setNotice(const QString &notice)
{
    if (notice == m_notice)
        return;
    m_notice = notice;
    Q_EMIT noticeChanged(m_notice);
}

void PagedTableModel::updateState()
{
    ViewState s;
    s.loading = firstObserver()->isLoading();
    qint64 oldest = -1;
    qint64 total = -1;
    forEachPage([&](const Page &p) {
        const QueryObserver *o = p.observer;
        s.fetching |= o->isFetching();
        // A window's pages waiting to be read again say nothing of the rows shown.
        if (o->isSuccess() && (!m_windowed || p.placed)) {
            s.stale |= o->isStale();
            const qint64 at = o->dataUpdatedAt().count();
            oldest = oldest < 0 ? at : std::min(oldest, at);
            if (const qint64 t = totalOf(o); t >= 0)
                total = t;
        }
        if (s.error.isEmpty()) {
            if (const QueryError *e = o->error())
                s.error = e->toString();
            else
                recordsOf(o->data(), &s.error);
        }
    });
    if (oldest >= 0)
        s.lastUpdated = QDateTime::fromMSecsSinceEpoch(oldest, Qt::UTC);
    if (m_windowed) {
        setViewState(s);
        if (m_windowTotal != m_total) {
            m_total = m_windowTotal;
            Q_EMIT totalCountChanged(m_total);
        }
        return;
    }
    // Without a total from the server, a list loaded to its end counts what it holds.
    const bool loadedToEnd = s.error.isEmpty() && !m_pagingIgnored && m_pages.back().observer->isSuccess()
                          && !canFetchMore();
    if (total < 0 && loadedToEnd)
        total = loadedCount();
    // Rows left out for not meeting the filter: the server's total counts them.
    const bool leftOut = std::any_of(m_pages.cbegin(), m_pages.cend(), [](const Page &p) { return p.leftOut > 0; });
    if (leftOut)
        total = loadedToEnd ? loadedCount() : -1;
    setViewState(s);
    if (total != m_total) {
        m_total = total;
        Q_EMIT totalCountChanged(total);
    }
}

} // namespace refetch
