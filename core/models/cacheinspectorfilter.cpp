#include "cacheinspectorfilter.h"

#include "cacheinspectormodel.h"

#include "core/cache/query.h"
#include "core/cache/querycache.h"

#include <string_view>

namespace refetch {

CacheInspectorFilter::CacheInspectorFilter(QObject *parent) : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    setSortRole(CacheInspectorModel::SortRole);
}

void CacheInspectorFilter::setSourceModel(QAbstractItemModel *model)
{
    m_model = qobject_cast<CacheInspectorModel *>(model);
    Q_ASSERT_X(m_model || !model, "CacheInspectorFilter", "filters a CacheInspectorModel");
    QSortFilterProxyModel::setSourceModel(model);
}

void CacheInspectorFilter::setKeyText(const QString &text)
{
    if (text == m_keyText)
        return;
    m_keyText = text;
    m_keyUtf8 = text.toUtf8();
    invalidateRowsFilter();
}

void CacheInspectorFilter::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    invalidateRowsFilter();
}

void CacheInspectorFilter::setTagText(const QString &text)
{
    if (text == m_tagText)
        return;
    m_tagText = text;
    invalidateRowsFilter();
}

QString CacheInspectorFilter::stateName(State state)
{
    switch (state) {
    case State::Any: return tr("Any state");
    case State::Pending: return tr("Pending");
    case State::Success: return tr("Success");
    case State::Error: return tr("Error");
    case State::Fetching: return tr("Fetching");
    case State::Paused: return tr("Paused");
    case State::Fresh: return tr("Fresh");
    case State::Stale: return tr("Stale");
    case State::Invalidated: return tr("Invalidated");
    case State::Observed: return tr("Observed");
    case State::Unobserved: return tr("Unobserved");
    }
    return QString();
}

bool CacheInspectorFilter::acceptsState(const Query &q) const
{
    const QueryCache *cache = m_model->cache();
    switch (m_state) {
    case State::Any: return true;
    case State::Pending: return q.status() == QueryStatus::Pending;
    case State::Success: return q.status() == QueryStatus::Success;
    case State::Error: return q.status() == QueryStatus::Error || q.error();
    case State::Fetching: return q.fetchStatus() == FetchStatus::Fetching;
    case State::Paused: return q.fetchStatus() == FetchStatus::Paused;
    case State::Fresh: return !cache->isStale(q);
    case State::Stale: return cache->isStale(q);
    case State::Invalidated: return cache->flags(q.slot()) & QueryCache::Invalidated;
    case State::Observed: return q.isObserved();
    case State::Unobserved: return !q.isObserved();
    }
    return true;
}

bool CacheInspectorFilter::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    if (!m_model)
        return true;
    const Query *q = m_model->queryAt(sourceRow);
    if (!q)
        return m_keyText.isEmpty() && m_state == State::Any && m_tagText.isEmpty();
    if (!m_keyUtf8.isEmpty()) {
        // Keys are canonical UTF-8 JSON: a byte search, case-insensitive for ASCII, builds no string.
        const QByteArrayView key = q->keyText();
        if (!QLatin1StringView(key.data(), key.size()).contains(QLatin1StringView(m_keyUtf8), Qt::CaseInsensitive))
            return false;
    }
    if (!acceptsState(*q))
        return false;
    if (!m_tagText.isEmpty()) {
        const TagList &tags = q->tags();
        if (std::none_of(tags.cbegin(), tags.cend(),
                         [this](const Tag &t) { return t.toString().contains(m_tagText, Qt::CaseInsensitive); }))
            return false;
    }
    return true;
}

bool CacheInspectorFilter::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const Query *a = m_model ? m_model->queryAt(left.row()) : nullptr;
    const Query *b = m_model ? m_model->queryAt(right.row()) : nullptr;
    if (!a || !b)
        return !a && b;
    // Keys compare as their canonical text, bytes by bytes; the rest by the model's raw values.
    if (left.column() == CacheInspectorModel::Key) {
        const QByteArrayView ka = a->keyText(), kb = b->keyText();
        return std::string_view(ka.data(), size_t(ka.size())) < std::string_view(kb.data(), size_t(kb.size()));
    }
    return QSortFilterProxyModel::lessThan(left, right);
}

} // namespace refetch
