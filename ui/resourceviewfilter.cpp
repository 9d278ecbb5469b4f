// ResourceView's filter: the header's Filter button, the chips under it, and what a condition is built from.

#include "resourceview.h"

#include "filterbar.h"
#include "columnlayout.h"
#include "formdescription.h"
#include "icons.h"
#include "celldelegate.h"

#include "core/models/pagedtablemodel.h"
#include "core/models/referencelabels.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QTableView>
#include <QKeySequence>
#include <QShortcut>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

// A field's type as its values show it, where the server does not say.
FilterField fieldFromValues(const QString &name, const PagedTableModel *model)
{
    FilterField f{.name = name};
    const int column = model->columnOf(name);
    // The rows loaded only: a window's placeholders would ask for their pages.
    for (int row = model->nextLoadedRow(0); row >= 0 && column >= 0; row = model->nextLoadedRow(row + 1)) {
        const Json v = model->columns().cell(model->rowJson(row), column);
        if (v.isUndefined() || v.isNull())
            continue;
        if (v.isInteger()) {
            f.type = f.type == FieldSchema::Type::Number ? f.type : FieldSchema::Type::Integer;
            continue;   // a later 2.5 makes it a number
        }
        if (v.isDouble())
            f.type = FieldSchema::Type::Number;
        else if (v.isBool())
            f.type = FieldSchema::Type::Boolean;
        else if (v.isObject())
            f.type = FieldSchema::Type::Object;
        else if (v.isArray())
            f.type = FieldSchema::Type::Array;
        else if (v.isString()) {
            f.type = FieldSchema::Type::String;
            const FieldEditor::Kind kind = FieldEditor::kindFor(v);
            f.format = kind == FieldEditor::Kind::Date ? u"date"_s : kind == FieldEditor::Kind::DateTime ? u"date-time"_s : QString();
        }
        break;
    }
    return f;
}

} // namespace

void ResourceView::setUpFilter(QHBoxLayout *header, QVBoxLayout *layout)
{
    m_filterButton = new QToolButton(this);
    m_filterButton->setObjectName(u"filterButton"_s);
    m_filterButton->setIcon(icons::icon(u"filter"_s));
    m_filterButton->setText(tr("Filter"));
    m_filterButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_filterButton->setAutoRaise(true);
    m_filterButton->setToolTip(tr("Show only the records meeting conditions, filtered on the server (Ctrl+Shift+F)"));
    header->insertWidget(header->indexOf(static_cast<QWidget *>(m_search)), m_filterButton);
    m_filterBar = new FilterBar(this);
    layout->addWidget(m_filterBar);
    m_filterBar->setContextSource([this] { return filterContext(); });
    m_filterBar->setAnchor(m_filterButton);
    connect(m_filterButton, &QToolButton::clicked, this, [this] {
        // The column the user is on comes first.
        const QModelIndex current = m_table->currentIndex();
        m_filterBar->addCondition(current.isValid() ? m_model->columnName(current.column()) : QString());
    });
    auto *shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F), this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, m_filterButton, &QToolButton::click);
    connect(m_filterBar, &FilterBar::conditionsChanged, this,
            [this](const QList<FilterCondition> &conditions) { m_model->setConditions(conditions); });
    connect(m_filterBar, &FilterBar::saveViewRequested, this, &ResourceView::saveViewRequested);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ResourceView::syncSortIndicator);
    connect(m_model, &QAbstractItemModel::columnsInserted, this, &ResourceView::syncSortIndicator);
    // A saved view's columns, once the list has columns to arrange.
    auto arrange = [this] {
        if (m_pendingColumns.columns.isEmpty() && m_pendingColumns.hidden.isEmpty())
            return;
        if (m_model->columnCount() == 0)
            return;
        if (m_columns)
            m_columns->setArrangement(m_pendingColumns.columns, m_pendingColumns.hidden);
        m_pendingColumns = SavedView();
    };
    connect(m_model, &QAbstractItemModel::columnsInserted, this, arrange, Qt::QueuedConnection);
    connect(m_model, &QAbstractItemModel::modelReset, this, arrange, Qt::QueuedConnection);
}

void ResourceView::syncSortIndicator()
{
    const PageQuery &q = m_model->query();
    const int sorted = q.sort.isEmpty() ? -1 : m_model->columnOf(q.sort);
    QHeaderView *header = m_table->horizontalHeader();
    if (header->sortIndicatorSection() == sorted && (sorted < 0 || header->sortIndicatorOrder() == q.order))
        return;
    const QSignalBlocker blocker(header);
    header->setSortIndicator(sorted, q.order);
    header->viewport()->update();
}

SavedView ResourceView::currentView() const
{
    SavedView v;
    const PageQuery &q = m_model->query();
    v.conditions = q.conditions;
    v.search = q.search;
    v.sort = q.sort;
    v.order = q.order;
    if (m_columns)
        std::tie(v.columns, v.hidden) = m_columns->arrangement();
    return v;
}

void ResourceView::applyView(const SavedView &view)
{
    m_pendingColumns = view;
    {
        const QSignalBlocker blockSearch(m_search);
        m_search->setText(view.search);
        m_searchTimer.stop();
    }
    {
        // One new view state, not three: the chips show the conditions without each asking on its own.
        const QSignalBlocker blockBar(m_filterBar);
        m_filterBar->setConditions(view.conditions);
    }
    PageQuery q = m_model->query();
    q.conditions = view.conditions;
    q.search = view.search;
    q.sort = view.sort;
    q.order = view.order;
    m_model->setQuery(q);
    syncSortIndicator();
    if (m_model->columnCount() > 0 && m_columns) {
        m_columns->setArrangement(view.columns, view.hidden);
        m_pendingColumns = SavedView();
    }
}

void ResourceView::setConditions(const QList<FilterCondition> &conditions)
{
    m_filterBar->setConditions(conditions);
}

QList<FilterCondition> ResourceView::conditions() const
{
    return m_model->query().conditions;
}

FilterContext ResourceView::filterContext() const
{
    FilterContext context;
    if (!m_connection)
        return context;
    context.provider = m_connection->endpoint()->providerPtr();
    context.resource = m_resource;
    context.schema = m_delegate->schema();
    context.references = m_references->references();
    context.picker = FormDescription::pickers(m_connection);
    // The columns in the order shown, then the fields only the schema names.
    QStringList names;
    const QHeaderView *header = m_table->horizontalHeader();
    for (int visual = 0; visual < m_model->columnCount(); ++visual)
        names.append(m_model->columnName(header->logicalIndex(visual)));
    for (const FieldSchema &f : context.schema.fields) {
        if (!names.contains(f.name))
            names.append(f.name);
    }
    for (const QString &name : std::as_const(names)) {
        if (name.isEmpty())
            continue;
        FilterField field = fieldFromValues(name, m_model);
        if (const FieldSchema *s = context.schema.field(name); s && s->type != FieldSchema::Type::Unknown) {
            field.type = s->type;
            field.format = s->format;
        }
        if (field.type == FieldSchema::Type::Object || field.type == FieldSchema::Type::Array)
            continue;   // no dialect filters on a whole object
        context.fields.append(field);
    }
    return context;
}

} // namespace refetch
