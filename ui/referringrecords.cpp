#include "referringrecords.h"

#include "core/providers/dataprovider.h"
#include "core/session/apiconnection.h"
#include "core/session/incomingreferences.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QListWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {
constexpr int IdRole = Qt::UserRole + 1;   // the record's id, as JSON text; absent on notes
}

ReferringRecords::ReferringRecords(QWidget *parent)
    : QWidget(parent), m_heading(new QLabel(tr("Pointing here"), this)), m_sections(new QVBoxLayout)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 16);
    layout->setSpacing(6);
    QFont bold = m_heading->font();
    bold.setBold(true);
    m_heading->setFont(bold);
    layout->addWidget(m_heading);
    m_sections->setSpacing(4);
    layout->addLayout(m_sections);
    hide();
}

ReferringRecords::~ReferringRecords() = default;

void ReferringRecords::showFor(ApiConnection *connection, const QString &resource, const Json &id)
{
    if (!connection) {
        clear();
        return;
    }
    if (!m_incoming || connection != m_connection || resource != m_resource) {
        clear();
        m_connection = connection;
        m_resource = resource;
        m_incoming = new IncomingReferences(connection, resource, this);
        connect(m_incoming, &IncomingReferences::changed, this, &ReferringRecords::update);
    }
    m_id = id;
    m_incoming->setRecord(id);
    update();
}

void ReferringRecords::refetch()
{
    if (m_incoming)
        m_incoming->refetch();
}

void ReferringRecords::clear()
{
    // Later, not now: a click in one of the lists may be what leads here.
    if (m_incoming) {
        disconnect(m_incoming, nullptr, this, nullptr);
        m_incoming->deleteLater();
    }
    m_incoming = nullptr;
    m_connection = nullptr;
    m_resource.clear();
    m_id = Json();
    for (const Section &s : std::as_const(m_byKey))
        drop(s);
    m_byKey.clear();
    hide();
}

void ReferringRecords::drop(const Section &s)
{
    for (QWidget *w : {s.heading, static_cast<QWidget *>(s.note), static_cast<QWidget *>(s.list)}) {
        w->hide();
        w->deleteLater();
    }
}

ReferringRecords::Section &ReferringRecords::section(const QString &resource, const QString &field)
{
    const QString key = resource + u'.' + field;
    auto it = m_byKey.find(key);
    if (it != m_byKey.end())
        return *it;
    Section s;
    s.heading = new QWidget(this);
    auto *row = new QHBoxLayout(s.heading);
    row->setContentsMargins(0, 0, 0, 0);
    s.title = new QLabel(s.heading);
    s.title->setTextFormat(Qt::PlainText);
    auto *showAll = s.showAll = new QToolButton(s.heading);
    showAll->setObjectName(u"showAll:"_s + key);
    showAll->setText(tr("Show all"));
    showAll->setAutoRaise(true);
    showAll->setToolTip(tr("Open %1 filtered to those whose %2 is this record").arg(resource, field));
    connect(showAll, &QToolButton::clicked, this, [this, resource, field] {
        if (!m_id.isUndefined())
            Q_EMIT listRequested(resource, field, m_id);
    });
    row->addWidget(s.title, 1);
    row->addWidget(showAll);
    s.note = new QLabel(this);
    s.note->setWordWrap(true);
    s.note->setForegroundRole(QPalette::PlaceholderText);
    s.list = new QListWidget(this);
    s.list->setObjectName(u"referring:"_s + key);
    s.list->setAccessibleName(tr("%1 whose %2 is this record").arg(resource, field));
    s.list->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    s.list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    s.list->setTextElideMode(Qt::ElideRight);
    s.list->setSelectionMode(QAbstractItemView::SingleSelection);
    auto open = [this, resource](QListWidgetItem *item) {
        const QVariant id = item ? item->data(IdRole) : QVariant();
        if (id.isValid())
            Q_EMIT recordActivated(resource, Json::parse(id.toByteArray()));
    };
    connect(s.list, &QListWidget::itemClicked, this, open);
    connect(s.list, &QListWidget::itemActivated, this, open);
    m_sections->addWidget(s.heading);
    m_sections->addWidget(s.note);
    m_sections->addWidget(s.list);
    return *m_byKey.insert(key, s);
}

void ReferringRecords::update()
{
    if (!m_incoming)
        return;
    const QList<IncomingReferences::Group> groups = m_incoming->groups();
    QSet<QString> shown;
    for (const IncomingReferences::Group &g : groups) {
        Section &s = section(g.resource, g.field);
        shown.insert(g.resource + u'.' + g.field);
        QString count;
        if (g.loading)
            count = tr("loading…");
        else if (!g.problem.isEmpty())
            count.clear();
        else if (g.total > qint64(g.records.size()))
            count = tr("%1 of %2").arg(g.records.size()).arg(QLocale().toString(g.total));
        else
            count = QLocale().toString(qlonglong(g.records.size()));
        s.title->setText(count.isEmpty() ? u"%1 · %2"_s.arg(g.resource, g.field)
                                         : u"%1 · %2 — %3"_s.arg(g.resource, g.field, count));
        s.note->setText(!g.problem.isEmpty() ? g.problem : (!g.loading && g.records.isEmpty() ? tr("None") : QString()));
        s.note->setVisible(!s.note->text().isEmpty());
        // Only a list the server can filter (and one with records in it).
        s.showAll->setVisible(g.problem.isEmpty() && !g.records.isEmpty());
        s.list->clear();
        const QBrush link = palette().brush(QPalette::Link);
        for (const ReferenceSearch::Choice &c : g.records) {
            auto *item = new QListWidgetItem(u"%1  ·  %2"_s.arg(c.label, DataProvider::idText(c.id)), s.list);
            item->setData(IdRole, c.id.toJson());
            item->setToolTip(tr("Open %1 · %2").arg(g.resource, DataProvider::idText(c.id)));
            item->setForeground(link);
        }
        s.list->setVisible(s.list->count() > 0);
        // As tall as its rows: the pane scrolls, not each list.
        const int rowHeight = s.list->count() > 0 ? s.list->sizeHintForRow(0) : 0;
        s.list->setFixedHeight(rowHeight * s.list->count() + 2 * s.list->frameWidth());
    }
    // Fields that no longer point here (the schema or the list said otherwise since).
    for (auto it = m_byKey.begin(); it != m_byKey.end();) {
        if (shown.contains(it.key())) {
            ++it;
            continue;
        }
        drop(*it);
        it = m_byKey.erase(it);
    }
    setVisible(!groups.isEmpty());
}

} // namespace refetch
