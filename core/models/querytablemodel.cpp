#include "querytablemodel.h"

#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"

namespace refetch {

namespace {

QueryOptions observing(QueryOptions query)
{
    query.notifyOn = AllChanges;
    return query;
}

} // namespace

QueryTableModel::QueryTableModel(QueryClient *client, QueryOptions query, TableModelOptions options, QObject *parent)
    : JsonTableModel(std::move(options), parent)
{
    m_observer = new QueryObserver(client, observing(std::move(query)), this);
    connect(m_observer, &QueryObserver::changed, this, &QueryTableModel::onChanged);
    appendSegment();
    // Cached rows show at once; nobody is connected yet, so no signals are needed.
    fillSegmentForReset(0, currentRecords(&m_shapeError));
    commitColumnsForReset();
    updateState();
}

QueryTableModel::~QueryTableModel() = default;

void QueryTableModel::setQuery(QueryOptions query)
{
    if (isApplying()) {
        // From a slot of our own signals: after they are done.
        QMetaObject::invokeMethod(this, [this, query = std::move(query)]() mutable { setQuery(std::move(query)); },
                                  Qt::QueuedConnection);
        return;
    }
    const bool sameKey = query.key == m_observer->options().key;
    if (sameKey) {
        m_observer->setOptions(observing(std::move(query)));
        return;
    }
    enterApplying();
    beginResetModel();
    m_observer->setOptions(observing(std::move(query)));
    clearSegmentsForReset();
    appendSegment();
    fillSegmentForReset(0, currentRecords(&m_shapeError));
    commitColumnsForReset();
    endResetModel();
    leaveApplying();
    updateState();
}

void QueryTableModel::refetch()
{
    m_observer->refetch();
}

Json QueryTableModel::currentRecords(QString *shapeError) const
{
    shapeError->clear();
    return recordsOf(m_observer->data(), shapeError);
}

void QueryTableModel::onChanged(QueryChanges what)
{
    if (what & QueryChange::Data) {
        const Json records = currentRecords(&m_shapeError);
        // Data without rows where rows belong (an object instead of an array) keeps the last good rows on screen.
        if (m_shapeError.isEmpty())
            setSegmentRecords(0, records);
    }
    updateState();
}

void QueryTableModel::updateState()
{
    ViewState s;
    s.loading = m_observer->isLoading();
    s.fetching = m_observer->isFetching();
    s.stale = m_observer->isSuccess() && m_observer->isStale();
    if (const QueryError *e = m_observer->error())
        s.error = e->toString();
    else
        s.error = m_shapeError;
    if (m_observer->isSuccess())
        s.lastUpdated = QDateTime::fromMSecsSinceEpoch(m_observer->dataUpdatedAt().count(), Qt::UTC);
    setViewState(s);

    qint64 total = -1;
    const Json meta = m_observer->meta();
    if (meta.value(QByteArrayView("total")).isInteger())
        total = meta.value(QByteArrayView("total")).toInteger();
    else if (const Json t = m_observer->data().value(QStringView(options().totalPath)); t.isNumber())
        total = t.toInteger();
    if (total != m_total) {
        m_total = total;
        Q_EMIT totalCountChanged(total);
    }
}

} // namespace refetch
