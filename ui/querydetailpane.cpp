#include "querydetailpane.h"

#include "core/inspect/cacheeventlog.h"
#include "core/models/cacheinspectormodel.h"
#include "core/models/cachetimelinemodel.h"
#include "core/models/jsontreemodel.h"
#include "core/cache/query.h"
#include "core/client/queryclient.h"

#include <QDateTime>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QScrollBar>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

QString statusLine(int status, bool notModified)
{
    if (status == 0)
        return QObject::tr("no HTTP answer");
    if (notModified)
        return QObject::tr("304 Not Modified: the cached data was served");
    return QString::number(status);
}

} // namespace

QTableView *createTimelineView(CacheTimelineModel *model, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setModel(model);
    view->verticalHeader()->setVisible(false);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setWordWrap(false);
    // "invalidated by tag … from mutation PATCH /posts/7": the cause and who caused it both stay in sight.
    view->setTextElideMode(Qt::ElideMiddle);
    view->setAlternatingRowColors(true);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setColumnWidth(CacheTimelineModel::Time, view->fontMetrics().horizontalAdvance(u"00:00:00.000"_s) + 16);
    // New events show at the bottom: follow them, unless the user scrolled up to read.
    QObject::connect(model, &QAbstractItemModel::rowsInserted, view, [view] {
        QScrollBar *bar = view->verticalScrollBar();
        if (bar->value() >= bar->maximum() - 2)
            QMetaObject::invokeMethod(view, &QAbstractItemView::scrollToBottom, Qt::QueuedConnection);
    });
    return view;
}

QueryDetailPane::QueryDetailPane(CacheEventLog *log, QWidget *parent)
    : QWidget(parent), m_log(log), m_title(new QLabel(this)), m_summary(new QLabel(this)), m_tabs(new QTabWidget(this)),
      m_data(new JsonTreeModel(this)), m_dataView(new QTreeView(this)), m_error(new QLabel(this)),
      m_timeline(new CacheTimelineModel(log, this)), m_timelineView(createTimelineView(m_timeline, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->setSpacing(4);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    QPalette muted = m_summary->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    m_summary->setPalette(muted);
    layout->addWidget(m_title);
    layout->addWidget(m_summary);
    layout->addWidget(m_tabs, 1);

    m_dataView->setModel(m_data);
    m_dataView->setUniformRowHeights(true);
    m_dataView->setAlternatingRowColors(true);
    m_dataView->header()->setStretchLastSection(false);
    m_dataView->header()->setSectionResizeMode(JsonTreeModel::Value, QHeaderView::Stretch);
    m_tabs->addTab(m_dataView, tr("Data"));

    auto *request = new QWidget(m_tabs);
    auto *form = new QFormLayout(request);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_method = addField(form, tr("Method"));
    m_url = addField(form, tr("URL"));
    m_status = addField(form, tr("Status"));
    m_bytes = addField(form, tr("Size"));
    m_time = addField(form, tr("Time"));
    m_at = addField(form, tr("Answered at"));
    m_tabs->addTab(request, tr("Request"));

    m_error->setTextFormat(Qt::PlainText);
    m_error->setWordWrap(true);
    m_error->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setMargin(8);
    m_tabs->addTab(m_error, tr("Error"));

    m_timelineView->setColumnHidden(CacheTimelineModel::Entry, true);
    m_tabs->addTab(m_timelineView, tr("Timeline"));

    showEntry({});
}

QLabel *QueryDetailPane::addField(QFormLayout *form, const QString &label)
{
    auto *value = new QLabel(form->parentWidget());
    value->setTextFormat(Qt::PlainText);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setWordWrap(true);
    form->addRow(label, value);
    return value;
}

void QueryDetailPane::showEntry(const QueryKey &key)
{
    const bool same = key == m_key && !key.isEmpty();
    m_key = key;
    if (!same) {
        m_shownData = Json();
        m_data->setJson(Json());
        if (key.isEmpty())
            m_timeline->showEntry(QueryKey{});
        else
            m_timeline->showEntry(key);
        m_timelineView->scrollToBottom();
    }
    refresh();
}

void QueryDetailPane::refresh()
{
    const Query *q = m_key.isEmpty() || !m_log || !m_log->client() ? nullptr : m_log->client()->query(m_key);
    m_title->setText(m_key.isEmpty() ? tr("Select an entry to see its data, its last request and its timeline.")
                                     : m_key.toString());
    if (!q) {
        m_summary->setText(m_key.isEmpty() ? QString() : tr("Not in the cache (any more): its timeline tells why."));
        m_error->clear();
        for (QLabel *l : {m_method, m_url, m_status, m_bytes, m_time, m_at})
            l->clear();
        m_notModified = false;
        return;
    }
    QStringList parts{CacheInspectorModel::freshnessText(m_log->client()->cache(), *q)};
    switch (q->status()) {
    case QueryStatus::Pending: parts.prepend(tr("pending")); break;
    case QueryStatus::Success: parts.prepend(tr("success")); break;
    case QueryStatus::Error: parts.prepend(tr("error")); break;
    }
    if (q->fetchStatus() == FetchStatus::Fetching)
        parts.append(tr("fetching"));
    else if (q->fetchStatus() == FetchStatus::Paused)
        parts.append(tr("paused"));
    const int observers = int(q->observers().size());
    parts.append(observers == 1 ? tr("1 observer") : tr("%1 observers").arg(observers));
    if (q->failureCount())
        parts.append(q->failureCount() == 1 ? tr("1 failure") : tr("%1 failures").arg(q->failureCount()));
    if (q->dataUpdatedAt().count())
        parts.append(tr("updated %1").arg(QDateTime::fromMSecsSinceEpoch(q->dataUpdatedAt().count()).toString(u"HH:mm:ss"_s)));
    m_summary->setText(parts.join(u" · "_s));

    // A new tree only for new data: what the user expanded stays expanded across refetches that change nothing.
    if (!q->data().identical(m_shownData) || m_shownData.isUndefined() != q->data().isUndefined()) {
        m_shownData = q->data();
        m_data->setJson(m_shownData);
        m_dataView->resizeColumnToContents(JsonTreeModel::Name);
    }

    m_error->setText(q->error() ? q->error()->toString() : tr("No error."));

    if (const std::optional<CacheRequestRecord> r = m_log->lastRequest(q)) {
        m_notModified = r->request.notModified;
        m_method->setText(QString::fromLatin1(r->request.method));
        m_url->setText(r->request.url.toDisplayString());
        m_status->setText(statusLine(r->request.status, r->request.notModified));
        m_bytes->setText(QLocale().formattedDataSize(r->request.bytes));
        m_time->setText(tr("%1 ms").arg(r->request.duration.count()));
        m_at->setText(QDateTime::fromMSecsSinceEpoch(r->at.count()).toString(u"HH:mm:ss.zzz"_s));
    } else {
        m_notModified = false;
        m_method->setText(tr("No request seen since the inspector started (data set by code, or not fetched yet)."));
        for (QLabel *l : {m_url, m_status, m_bytes, m_time, m_at})
            l->clear();
    }
}

QString QueryDetailPane::summaryText() const
{
    return m_summary->text();
}

QString QueryDetailPane::errorText() const
{
    return m_error->text();
}

QString QueryDetailPane::requestText() const
{
    if (m_url->text().isEmpty())
        return QString();
    return QStringList{m_method->text() + u' ' + m_url->text(), m_status->text(), m_bytes->text(), m_time->text()}.join(u" · "_s);
}

} // namespace refetch
