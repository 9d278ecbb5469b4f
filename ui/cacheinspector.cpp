#include "cacheinspector.h"

#include "icons.h"
#include "mutationspane.h"
#include "querydetailpane.h"

#include "core/inspect/cacheeventlog.h"
#include "core/models/cacheinspectorfilter.h"
#include "core/models/cacheinspectormodel.h"
#include "core/models/cachetimelinemodel.h"
#include "core/mutation/mutationqueue.h"
#include "core/client/onlinesource.h"
#include "core/client/queryclient.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace refetch {

namespace {

// How long the table gathers changes before it shows them: a burst of thousands of events is one repaint.
constexpr Millis TableUpdateInterval{100};

QLabel *mutedLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    QPalette muted = label->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    label->setPalette(muted);
    return label;
}

// "1 entry", "12 entries" (the count of entries, in the locale's digits).
QString entries(int n)
{
    return n == 1 ? QObject::tr("1 entry") : QObject::tr("%1 entries").arg(QLocale().toString(n));
}

} // namespace

CacheInspector::CacheInspector(QueryClient *client, MutationQueue *mutations, CacheEventLog *log, QWidget *parent)
    : QDockWidget(tr("Cache Inspector"), parent), m_client(client), m_log(log),
      m_model(new CacheInspectorModel(log, this)), m_filter(new CacheInspectorFilter(this)),
      m_timeline(new CacheTimelineModel(log, this))
{
    Q_ASSERT(log->client() == client);
    setObjectName(u"cacheInspector"_s);
    m_model->setUpdateInterval(TableUpdateInterval);
    m_filter->setSourceModel(m_model);
    createActions();

    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(createQueriesTab(), icons::icon(u"table"_s), tr("Queries"));
    m_tabs->addTab(createTimelineTab(), icons::icon(u"clock"_s), tr("Timeline"));
    m_mutations = new MutationsPane(mutations, log, m_tabs);
    m_tabs->addTab(m_mutations, icons::icon(u"save"_s), tr("Mutations"));
    connect(m_mutations, &MutationsPane::entryActivated, this, [this](const QueryKey &key) {
        m_tabs->setCurrentIndex(0);
        selectEntry(key);
    });
    setWidget(m_tabs);

    connect(m_model, &QAbstractItemModel::dataChanged, this, &CacheInspector::onSourceChanged);
    connect(m_model, &CacheInspectorModel::batchApplied, this, &CacheInspector::updateActions);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_filter, signal, this, &CacheInspector::updateCount);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &CacheInspector::updateCount);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &CacheInspector::updateCount);
    connect(m_model, &QAbstractItemModel::rowsRemoved, m_detail, &QueryDetailPane::refresh);
    if (OnlineSource *online = m_client->onlineSource()) {
        connect(online, &OnlineSource::onlineChanged, this, [this, online] { m_offline->setChecked(online->isForcedOffline()); });
        m_offline->setChecked(online->isForcedOffline());
    }
    updateCount();
    updateActions();
}

CacheInspector::~CacheInspector() = default;

void CacheInspector::createActions()
{
    auto make = [this](const QString &icon, const QString &text, const QString &tip, void (CacheInspector::*slot)()) {
        auto *a = new QAction(icons::icon(icon), text, this);
        a->setToolTip(tip);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    m_refetch = make(u"refresh"_s, tr("Refetch"), tr("Fetch the selected entry again now"), &CacheInspector::refetchSelected);
    m_invalidate = make(u"clock"_s, tr("Invalidate"), tr("Mark the selected entry stale; it refetches if a view uses it"),
                        &CacheInspector::invalidateSelected);
    m_reset = make(u"undo"_s, tr("Reset"), tr("Drop the selected entry's data and error; it refetches if a view uses it"),
                   &CacheInspector::resetSelected);
    m_remove = make(u"delete"_s, tr("Remove"), tr("Remove the selected entry from the cache (one in use is reset instead)"),
                    &CacheInspector::removeSelected);
    m_invalidateTag = make(u"clock"_s, tr("Invalidate Tag"), tr("Invalidate every entry that provides the tag typed beside"),
                           &CacheInspector::invalidateTag);
    m_clear = make(u"discard"_s, tr("Clear Cache"), tr("Remove every entry not in use; the ones in use are reset and refetch"),
                   &CacheInspector::clearCache);
    m_offline = new QAction(icons::icon(u"offline"_s), tr("Simulate Offline"), this);
    m_offline->setCheckable(true);
    m_offline->setToolTip(tr("Act as if the network were gone: fetches and writes wait, and go when this is off again"));
    connect(m_offline, &QAction::toggled, this, &CacheInspector::setSimulatedOffline);
}

QWidget *CacheInspector::createQueriesTab()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    m_toolBar = new QToolBar(page);
    m_toolBar->setIconSize(QSize(16, 16));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->addActions({m_refetch, m_invalidate, m_reset, m_remove});
    m_toolBar->addSeparator();
    m_tagEdit = new QLineEdit(m_toolBar);
    m_tagEdit->setPlaceholderText(tr("Tag, as in the Tags column"));
    m_tagEdit->setToolTip(tr("A tag type (rest:sample-api/posts) or a tag (rest:sample-api/posts:7); Enter invalidates it"));
    m_tagEdit->setClearButtonEnabled(true);
    m_tagEdit->setMinimumWidth(200);
    m_tagEdit->setMaximumWidth(320);
    connect(m_tagEdit, &QLineEdit::returnPressed, this, &CacheInspector::invalidateTag);
    connect(m_tagEdit, &QLineEdit::textChanged, this, &CacheInspector::updateActions);
    m_toolBar->addWidget(m_tagEdit);
    m_toolBar->addAction(m_invalidateTag);
    m_toolBar->addSeparator();
    m_toolBar->addAction(m_offline);
    m_toolBar->addAction(m_clear);
    layout->addWidget(m_toolBar);

    auto *filters = new QWidget(page);
    auto *filterLayout = new QHBoxLayout(filters);
    filterLayout->setContentsMargins(6, 2, 6, 4);
    m_keyFilter = new QLineEdit(filters);
    m_keyFilter->setPlaceholderText(tr("Filter by key"));
    m_keyFilter->setClearButtonEnabled(true);
    m_keyFilter->addAction(icons::icon(u"search"_s), QLineEdit::LeadingPosition);
    connect(m_keyFilter, &QLineEdit::textChanged, m_filter, &CacheInspectorFilter::setKeyText);
    m_stateFilter = new QComboBox(filters);
    using State = CacheInspectorFilter::State;
    for (State s : {State::Any, State::Pending, State::Success, State::Error, State::Fetching, State::Paused, State::Fresh,
                    State::Stale, State::Invalidated, State::Observed, State::Unobserved})
        m_stateFilter->addItem(CacheInspectorFilter::stateName(s), QVariant::fromValue(s));
    connect(m_stateFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_filter->setState(m_stateFilter->currentData().value<CacheInspectorFilter::State>());
    });
    m_tagFilter = new QLineEdit(filters);
    m_tagFilter->setPlaceholderText(tr("Filter by tag"));
    m_tagFilter->setClearButtonEnabled(true);
    connect(m_tagFilter, &QLineEdit::textChanged, m_filter, &CacheInspectorFilter::setTagText);
    m_count = mutedLabel(filters);
    filterLayout->addWidget(m_keyFilter, 3);
    filterLayout->addWidget(m_stateFilter);
    filterLayout->addWidget(m_tagFilter, 2);
    filterLayout->addWidget(m_count);
    layout->addWidget(filters);

    auto *splitter = new QSplitter(Qt::Horizontal, page);
    splitter->setObjectName(u"inspectorSplitter"_s);
    splitter->setChildrenCollapsible(false);
    m_table = new QTableView(splitter);
    // Before the table connects to the filter: when the selected entry's row goes (evicted, removed, filtered
    // out), the table would make a neighbour current and the detail would jump to an entry nobody chose. The
    // detail stays on the entry instead: its timeline tells what became of it.
    connect(m_filter, &QAbstractItemModel::rowsAboutToBeRemoved, this, [this](const QModelIndex &, int first, int last) {
        const int current = m_table->currentIndex().row();
        if (current >= first && current <= last)
            m_losingCurrent = true;
    });
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, [this] {
        if (!m_losingCurrent)
            return;
        m_table->selectionModel()->clearSelection();
        m_table->selectionModel()->setCurrentIndex({}, QItemSelectionModel::NoUpdate);
        m_losingCurrent = false;
        m_detail->refresh();
        updateActions();
    });
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);
    m_table->setFrameShape(QFrame::NoFrame);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    const QFontMetrics fm = m_table->fontMetrics();
    m_table->setColumnWidth(CacheInspectorModel::Key, fm.horizontalAdvance(u'x') * 38);
    for (int column : {CacheInspectorModel::Status, CacheInspectorModel::FetchStatus})
        m_table->setColumnWidth(column, fm.horizontalAdvance(u"fetching"_s) + 16);
    m_table->setColumnWidth(CacheInspectorModel::Freshness, fm.horizontalAdvance(u"invalidated"_s) + 16);
    m_table->setColumnWidth(CacheInspectorModel::Observers, fm.horizontalAdvance(tr("Observers")) + 12);
    m_table->setColumnWidth(CacheInspectorModel::Tags, fm.horizontalAdvance(u'x') * 28);
    // In the order entries were made until a header is clicked.
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_table->addActions({m_refetch, m_invalidate, m_reset, m_remove});
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &CacheInspector::onCurrentChanged);
    m_detail = new QueryDetailPane(m_log, splitter);
    splitter->addWidget(m_table);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({660, 560});
    layout->addWidget(splitter, 1);

    m_status = mutedLabel(page);
    m_status->setContentsMargins(8, 3, 8, 3);
    layout->addWidget(m_status);
    return page;
}

QWidget *CacheInspector::createTimelineTab()
{
    m_timelineView = createTimelineView(m_timeline, this);
    m_timelineView->setColumnWidth(CacheTimelineModel::Entry, m_timelineView->fontMetrics().horizontalAdvance(u'x') * 44);
    m_timelineView->setToolTip(tr("Every event of the cache, the newest at the bottom; double-click one to inspect its entry"));
    connect(m_timelineView, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        const QueryKey key = index.data(CacheTimelineModel::KeyRole).value<QueryKey>();
        if (!key.isEmpty() && selectEntry(key))
            m_tabs->setCurrentIndex(0);
    });
    return m_timelineView;
}

// ---------------------------------------------------------------- selection

bool CacheInspector::selectEntry(const QueryKey &key)
{
    int row = m_model->rowOf(key);
    if (row < 0 && m_client->query(key)) {
        m_model->flush();   // made since the last batch
        row = m_model->rowOf(key);
    }
    if (row < 0)
        return false;
    QModelIndex index = m_filter->mapFromSource(m_model->index(row, CacheInspectorModel::Key));
    if (!index.isValid()) {
        m_keyFilter->clear();
        m_tagFilter->clear();
        m_stateFilter->setCurrentIndex(0);
        index = m_filter->mapFromSource(m_model->index(row, CacheInspectorModel::Key));
    }
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index);
    return true;
}

void CacheInspector::onCurrentChanged()
{
    if (m_losingCurrent)
        return;
    const QModelIndex current = m_table->currentIndex();
    if (current.isValid()) {
        m_selected = current.data(CacheInspectorModel::KeyRole).value<QueryKey>();
        m_detail->showEntry(m_selected);
    }
    updateActions();
}

void CacheInspector::onSourceChanged(const QModelIndex &from, const QModelIndex &to)
{
    if (m_selected.isEmpty())
        return;
    const int row = m_model->rowOf(m_selected);
    if (row >= from.row() && row <= to.row())
        m_detail->refresh();
}

void CacheInspector::updateActions()
{
    const bool hasEntry = !m_selected.isEmpty() && m_client->query(m_selected);
    for (QAction *a : {m_refetch, m_invalidate, m_reset, m_remove})
        a->setEnabled(hasEntry);
    m_invalidateTag->setEnabled(!m_tagEdit->text().trimmed().isEmpty());
}

void CacheInspector::updateCount()
{
    const int all = m_model->rowCount();
    const int shown = m_filter->rowCount();
    m_count->setText(shown == all ? entries(all) : tr("%1 of %2").arg(QLocale().toString(shown), entries(all)));
}

QString CacheInspector::statusText() const
{
    return m_status->text();
}

void CacheInspector::report(const QString &text)
{
    m_status->setText(text);
}

// ---------------------------------------------------------------- actions

void CacheInspector::refetchSelected()
{
    if (m_selected.isEmpty())
        return;
    const CacheEventLog::Origin origin(m_log, tr("the inspector"));
    const int started = m_client->refetchQueries({.key = m_selected, .exact = true}, FetchMode::CancelRunning);
    report(started ? tr("Refetching %1.").arg(m_selected.toString())
                   : tr("%1 cannot refetch: it has no fetch function, or its views disabled it.").arg(m_selected.toString()));
}

void CacheInspector::invalidateSelected()
{
    if (m_selected.isEmpty())
        return;
    const CacheEventLog::Origin origin(m_log, tr("the inspector"));
    m_client->invalidateQueries({.key = m_selected, .exact = true});
    report(tr("Invalidated %1: it refetches if a view uses it.").arg(m_selected.toString()));
}

void CacheInspector::resetSelected()
{
    if (m_selected.isEmpty())
        return;
    const CacheEventLog::Origin origin(m_log, tr("the inspector"));
    m_client->resetQueries({.key = m_selected, .exact = true});
    report(tr("Reset %1.").arg(m_selected.toString()));
}

void CacheInspector::removeSelected()
{
    const Query *q = m_selected.isEmpty() ? nullptr : m_client->query(m_selected);
    if (!q)
        return;
    const bool inUse = q->isObserved();
    const CacheEventLog::Origin origin(m_log, tr("the inspector"));
    // An entry a view shows cannot go: it is reset, and refetches for the view, as Clear Cache does.
    if (inUse)
        m_client->resetQueries({.key = m_selected, .exact = true});
    else
        m_client->removeQueries({.key = m_selected, .exact = true});
    report(inUse ? tr("%1 is in use, so it was reset (and refetches) instead of removed.").arg(m_selected.toString())
                 : tr("Removed %1.").arg(m_selected.toString()));
    m_detail->refresh();
    updateActions();
}

void CacheInspector::invalidateTag()
{
    const QString text = m_tagEdit->text().trimmed();
    if (text.isEmpty())
        return;
    const Tag tag = m_client->cache()->tagFromText(text);
    const CacheEventLog::Origin origin(m_log, tr("the inspector"));
    const int matched = m_client->invalidateTags({tag});
    report(matched ? tr("Invalidated %1 with the tag %2.").arg(entries(matched), tag.toString())
                   : tr("No entry provides the tag %1.").arg(tag.toString()));
}

void CacheInspector::setSimulatedOffline(bool offline)
{
    OnlineSource *online = m_client->onlineSource();
    if (!online || online->isForcedOffline() == offline)
        return;
    online->setForcedOffline(offline);
    report(offline ? tr("Simulating offline: fetches and writes wait for the network.")
                   : tr("No longer simulating offline."));
}

void CacheInspector::clearCache()
{
    const CacheEventLog::Origin origin(m_log, tr("the inspector"));
    const int unused = m_client->removeQueries({.type = QueryFilters::Type::Inactive});
    const int inUse = m_client->resetQueries({.type = QueryFilters::Type::Active});
    report(tr("Cleared the cache: %1 removed, %2 in use reset and refetching.").arg(entries(unused), entries(inUse)));
    m_detail->refresh();
    updateActions();
}

} // namespace refetch
