#include "pagedtablemodel.h"

#include "core/endpoint.h"
#include "core/queryclient.h"
#include "core/queryobserver.h"
#include "core/resourcetags.h"

#include <QJsonArray>
#include <QUrlQuery>

namespace refetch {

PagedTableModel::PagedTableModel(QueryClient *client, const Endpoint *endpoint, PagedTableOptions options,
                                 QObject *parent)
    : JsonTableModel(options.table, parent), m_client(client), m_endpoint(endpoint), m_options(std::move(options))
{
    if (m_options.path.isEmpty())
        m_options.path = u'/' + m_options.resource;
    m_options.pageSize = std::max(1, m_options.pageSize);
    enterApplying();
    beginResetModel();
    addPage(true);
    commitColumnsForReset();
    endResetModel();
    leaveApplying();
    updateState();
}

PagedTableModel::~PagedTableModel() = default;

QueryKey PagedTableModel::pageKey(int page) const
{
    auto text = [](const QString &s) { return s.isEmpty() ? Json() : Json(s); };
    Json filters;
    if (!m_query.filters.isEmpty()) {
        QJsonArray pairs;
        for (const auto &[name, value] : m_query.filters)
            pairs.append(QJsonArray{name, value});
        filters = Json(pairs);
    }
    const Json params = Json::object({
        {u"page", page},
        {u"limit", m_options.pageSize},
        {u"sort", text(m_query.sort)},
        {u"order", m_query.sort.isEmpty() ? Json() : Json(m_query.order == Qt::AscendingOrder ? "asc" : "desc")},
        {u"q", text(m_query.search)},
        {u"filters", filters},
    });
    return QueryKey{m_endpoint->name(), m_options.resource, params};
}

QueryOptions PagedTableModel::pageOptions(int page) const
{
    QUrlQuery q;
    const qint64 size = m_options.pageSize;
    if (m_options.parameters == PageParameters::Page) {
        q.addQueryItem(QStringLiteral("_page"), QString::number(page));
        q.addQueryItem(QStringLiteral("_limit"), QString::number(size));
    } else {
        q.addQueryItem(QStringLiteral("_start"), QString::number((page - 1) * size));
        q.addQueryItem(QStringLiteral("_end"), QString::number(page * size));
    }
    if (!m_query.sort.isEmpty()) {
        q.addQueryItem(QStringLiteral("_sort"), m_query.sort);
        q.addQueryItem(QStringLiteral("_order"),
                       m_query.order == Qt::AscendingOrder ? QStringLiteral("asc") : QStringLiteral("desc"));
    }
    if (!m_query.search.isEmpty())
        q.addQueryItem(QStringLiteral("q"), m_query.search);
    for (const auto &[name, value] : m_query.filters)
        q.addQueryItem(name, value);

    QueryOptions o;
    o.key = pageKey(page);
    o.fn = m_endpoint->get(m_options.path, q);
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
    m_pages.push_back(observer);
    connect(observer, &QueryObserver::changed, this, [this, page](QueryChanges what) { onPageChanged(page, what); });
    const int segment = appendSegment();
    Q_ASSERT(segment == page - 1);
    // A cached page shows at once.
    const Json records = recordsOf(observer->data(), nullptr);
    if (inReset) {
        fillSegmentForReset(segment, records);
    } else if (!records.isUndefined()) {
        setSegmentRecords(segment, records);
    }
}

void PagedTableModel::clearPages()
{
    for (QueryObserver *o : m_pages) {
        disconnect(o, nullptr, this, nullptr);
        o->deleteLater();   // it may be the sender of the signal that led here
    }
    m_pages.clear();
}

QueryObserver *PagedTableModel::pageObserver(int page) const
{
    return page >= 1 && page <= pageCount() ? m_pages[size_t(page - 1)] : nullptr;
}

bool PagedTableModel::canFetchMore(const QModelIndex &parent) const
{
    if (parent.isValid() || m_pages.empty())
        return false;
    const QueryObserver *last = m_pages.back();
    // Not while the last page is loading (or failed): a view asks again after the rows come.
    if (!last->isSuccess())
        return false;
    const qint64 handedOut = qint64(m_pages.size()) * m_options.pageSize;
    const Json meta = last->meta();
    const Json total = meta.value(QByteArrayView("total"));
    if (total.isInteger())
        return handedOut < total.toInteger();
    if (m_total >= 0)
        return handedOut < m_total;
    const Json links = meta.value(QByteArrayView("links"));
    if (links.isObject())
        return links.contains(QByteArrayView("next"));
    return segmentSize(segmentCount() - 1) >= m_options.pageSize;
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

void PagedTableModel::sort(int column, Qt::SortOrder order)
{
    PageQuery q = m_query;
    if (column < 0 || column >= columnCount()) {
        q.sort.clear();
        q.order = Qt::AscendingOrder;
    } else {
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
    enterApplying();
    beginResetModel();
    clearPages();
    clearSegmentsForReset();
    addPage(true);
    commitColumnsForReset();
    endResetModel();
    leaveApplying();
    if (pagesBefore != pageCount())
        Q_EMIT pageCountChanged(pageCount());
    updateState();
}

void PagedTableModel::refetch()
{
    for (QueryObserver *o : m_pages)
        o->refetch();
}

void PagedTableModel::onPageChanged(int page, QueryChanges what)
{
    if (what & QueryChange::Data) {
        QString shapeError;
        const Json records = recordsOf(m_pages[size_t(page - 1)]->data(), &shapeError);
        // A page without rows where rows belong keeps its last good rows; updateState() says why.
        if (shapeError.isEmpty())
            setSegmentRecords(page - 1, records);
    }
    updateState();
}

void PagedTableModel::updateState()
{
    ViewState s;
    const QueryObserver *first = m_pages.front();
    s.loading = first->isLoading();
    qint64 oldest = -1;
    qint64 total = -1;
    for (const QueryObserver *o : m_pages) {
        s.fetching |= o->isFetching();
        if (o->isSuccess()) {
            s.stale |= o->isStale();
            const qint64 at = o->dataUpdatedAt().count();
            oldest = oldest < 0 ? at : std::min(oldest, at);
            const Json t = o->meta().value(QByteArrayView("total"));
            if (t.isInteger())
                total = t.toInteger();
            else if (const Json e = o->data().value(QStringView(options().totalPath)); e.isNumber())
                total = e.toInteger();
        }
        if (s.error.isEmpty()) {
            if (const QueryError *e = o->error())
                s.error = e->toString();
            else
                recordsOf(o->data(), &s.error);
        }
    }
    if (oldest >= 0)
        s.lastUpdated = QDateTime::fromMSecsSinceEpoch(oldest, Qt::UTC);
    setViewState(s);
    if (total != m_total) {
        m_total = total;
        Q_EMIT totalCountChanged(total);
    }
}

} // namespace refetch
