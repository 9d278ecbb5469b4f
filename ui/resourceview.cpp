#include "resourceview.h"

#include "core/session/oauthcredentials.h"

#include "columnlayout.h"
#include "tablecopy.h"

#include "core/session/apiconnection.h"
#include "emptystate.h"
#include "icons.h"
#include "celldelegate.h"
#include "messagebar.h"

#include "core/models/pagedtablemodel.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"
#include "core/schema/schemaquery.h"
#include "core/models/referencelabels.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QClipboard>
#include <QGuiApplication>
#include <QShortcut>
#include <QStyle>
#include <QPainter>
#include <QPushButton>
#include <QScrollBar>
#include <QStackedWidget>
#include <QStyledItemDelegate>
#include <QTimer>
#include <QTableView>
#include <QToolTip>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace refetch {


ResourceView::ResourceView(ApiConnection *connection, const QString &resource, QWidget *parent)
    : QWidget(parent), m_connection(connection), m_resource(resource),
      m_model(new PagedTableModel(connection->client(), connection->endpoint(), connection->listOptions(resource), this)),
      m_title(new QLabel(this)), m_count(new QLabel(this)), m_search(new QLineEdit(this)),
      m_message(new MessageBar(this)), m_stack(new QStackedWidget(this)), m_table(new QTableView(this)),
      m_empty(new EmptyState(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    if (const Credentials *credentials = connection->credentials())
        connect(credentials, &Credentials::stateChanged, this, [this] { QTimer::singleShot(0, this, &ResourceView::updateMessage); });
    if (OAuthCredentials *oauth = connection->oauth()) {
        connect(oauth, &OAuthCredentials::signInFailed, this, [this](const QString &message) {
            m_message->showMessage(MessageBar::Kind::Error, tr("Could not sign in: %1").arg(message));
        });
    }

    auto *header = new QWidget(this);
    auto *headerLayout = new QHBoxLayout(header);
    headerLayout->setContentsMargins(12, 8, 8, 8);
    headerLayout->setSpacing(10);
    auto *icon = new QLabel(header);
    icon->setPixmap(icons::icon(u"table"_s).pixmap(20, 20));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setText(resource);
    m_count->setTextFormat(Qt::PlainText);
    QPalette muted = m_count->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    m_count->setPalette(muted);
    m_search->setPlaceholderText(tr("Search %1").arg(resource));
    m_search->setClearButtonEnabled(true);
    m_search->addAction(icons::icon(u"search"_s), QLineEdit::LeadingPosition);
    m_search->setMinimumWidth(220);
    m_search->setMaximumWidth(340);
    m_search->setToolTip(tr("Full-text search on the server (q=). Ctrl+F"));
    headerLayout->addWidget(icon);
    headerLayout->addWidget(m_title);
    headerLayout->addWidget(m_count, 1, Qt::AlignBottom);
    headerLayout->addWidget(m_search);
    layout->addWidget(header);
    setUpFilter(headerLayout, layout);

    m_message->setContentsMargins(8, 0, 8, 8);
    layout->addWidget(m_message);
    m_writeBar = new MessageBar(this);
    m_writeBar->setObjectName(u"writeBar"_s);
    m_writeBar->setContentsMargins(8, 0, 8, 8);
    m_writeBar->hide();
    layout->addWidget(m_writeBar);

    followSelection();   // before the table connects to the model
    m_table->setModel(m_model);
    m_delegate = new CellDelegate(m_table);
    m_table->setItemDelegate(m_delegate);
    // What the server says of the fields: column titles, booleans as check marks, dates in the user's locale.
    m_schemaObserver = std::make_unique<QueryObserver>(connection->client(), connection->schemaQuery(resource));
    connect(m_schemaObserver.get(), &QueryObserver::changed, this, &ResourceView::applySchema);
    // References: the records a column's ids point at, named by their labels (fetched a page at a time).
    m_references = new ReferenceLabels(
        connection->client(), connection->endpoint(),
        [c = QPointer<ApiConnection>(connection)](const QString &res, const Json &id) {
            return c ? c->detailQuery(res, id) : QueryOptions();
        },
        [c = QPointer<ApiConnection>(connection)](const QString &res, const Json &id) {
            return c ? c->tags(res).detailTags(id) : TagList();
        },
        this);
    m_references->setLabelFields(connection->settings().labelFields);
    m_delegate->setReferenceLabels(m_references);
    connect(m_references, &ReferenceLabels::changed, m_table->viewport(), qOverload<>(&QWidget::update));
    // The forms of this resource's records pick their references' records from what is found here.
    connect(m_references, &ReferenceLabels::changed, this, [this] {
        if (m_connection)
            m_connection->setReferences(m_resource, m_references->references());
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_references->clear();
        updateReferences(0, m_model->rowCount() - 1);
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) { updateReferences(first, last); });
    // A row that now points elsewhere (changed on the server): its new reference is named too.
    connect(m_model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &from, const QModelIndex &to) { updateReferences(from.row(), to.row()); });
    applySchema();
    updateReferences(0, m_model->rowCount() - 1);   // rows the cache had at once
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Shift and Ctrl select several rows (Ctrl+A: every row loaded); the form shows the current one.
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setFrameShape(QFrame::NoFrame);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_table->horizontalHeader()->setStretchLastSection(true);
    // No sort until the user clicks a header: the server's own order first (setSortingEnabled sorts at once).
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    // After the table's own connection: the model has ignored a column it cannot sort on by then.
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this, &ResourceView::onSortIndicatorChanged);
    m_table->horizontalHeader()->viewport()->installEventFilter(this);
    m_table->viewport()->installEventFilter(this);
    // Ctrl+Enter on a reference's cell opens the record it points at.
    for (const QKeySequence &keys : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *follow = new QShortcut(keys, m_table);
        follow->setContext(Qt::WidgetWithChildrenShortcut);
        connect(follow, &QShortcut::activated, this, &ResourceView::followCurrentReference);
    }

    // Ctrl+C: the selected rows as tab-separated text, for a spreadsheet.
    auto *copy = new QShortcut(QKeySequence::Copy, m_table);
    copy->setContext(Qt::WidgetWithChildrenShortcut);
    connect(copy, &QShortcut::activated, this, &ResourceView::copySelectedRows);

    m_stack->addWidget(m_table);
    m_stack->addWidget(m_empty);
    layout->addWidget(m_stack, 1);

    m_searchTimer.setSingleShot(true);
    m_searchTimer.setInterval(SearchDelayMs);
    connect(&m_searchTimer, &QTimer::timeout, this, &ResourceView::applySearch);
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_searchTimer.start(); });
    connect(m_search, &QLineEdit::returnPressed, this, &ResourceView::applySearch);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ResourceView::onSelectionChanged);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) {
        // (A double click that opens a cell's editor is no activation: the view says so only for the others.)
        Q_EMIT activated(m_model->rowId(index.row()));
    });
    setUpEditing();

    auto structural = [this] {
        restoreSelection();
        updatePage();
        updateTitle();
    };
    connect(m_model, &QAbstractItemModel::modelReset, this, [this, structural] {
        m_columnsFitted = false;   // a reset gives the header default widths again
        structural();
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, structural);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, structural);
    connect(m_model, &QAbstractItemModel::layoutChanged, this, structural);
    connect(m_model, &QAbstractItemModel::rowsMoved, this, structural);
    auto state = [this] {
        continueReveal();
        updatePage();
        updateMessage();
        updateTitle();
        Q_EMIT stateChanged();
    };
    connect(m_model, &JsonTableModel::loadingChanged, this, state);
    connect(m_model, &JsonTableModel::fetchingChanged, this, state);
    // A view asks for more rows when its last row shows, on a scroll or a layout; a page that ends its fetch with
    // the last row in sight and more on the server triggers neither (the rows came while the model could not fetch
    // more yet). Ask then, as the view would, so that a list that does not fill the window never stops short.
    connect(m_model, &JsonTableModel::fetchingChanged, this, [this](bool fetching) {
        if (fetching)
            return;
        QTimer::singleShot(0, this, [this] {
            if (!m_table->isVisible() || m_model->isFetching() || !m_model->canFetchMore())
                return;
            const int last = m_model->rowCount() - 1;
            if (last < 0 || m_table->viewport()->rect().intersects(m_table->visualRect(m_model->index(last, 0))))
                m_model->fetchMore();
        });
    });
    connect(m_model, &JsonTableModel::staleChanged, this, state);
    connect(m_model, &JsonTableModel::errorChanged, this, state);
    connect(m_model, &JsonTableModel::lastUpdatedChanged, this, state);
    connect(m_model, &PagedTableModel::totalCountChanged, this, state);
    connect(m_model, &PagedTableModel::pageCountChanged, this, state);
    connect(m_model, &PagedTableModel::noticeChanged, this, state);
    m_search->setObjectName(u"search"_s);
    m_count->setObjectName(u"recordCount"_s);
    m_message->setObjectName(u"listMessage"_s);
    updateCapabilities();
    state();
}

ResourceView::~ResourceView() = default;

void ResourceView::refresh()
{
    m_model->refetch();
    m_references->refetch();   // a referenced record renamed elsewhere
}

void ResourceView::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

QString ResourceView::appliedSearch() const
{
    return m_model->query().search;
}

void ResourceView::copySelectedRows()
{
    TableCopy::Counts counts;
    if (const QString text = TableCopy::selectedRows(m_table, false, &counts); !text.isEmpty())
        QGuiApplication::clipboard()->setText(text);
    // Rows not loaded are not copied: a window's rows away from the view, or (Select All Matching in a list that
    // loads as it scrolls) the records past the last page loaded.
    qint64 left = counts.notLoaded;
    bool unknownMore = false;
    if (m_allMatching && !m_model->isWindowed()) {
        const qint64 total = m_model->totalCount();
        if (total > 0)
            left += std::max<qint64>(0, total - m_model->loadedCount());
        else
            unknownMore = m_model->hasMore();
    }
    if (left == 0 && !unknownMore)
        return;
    const QLocale locale;
    const QString copied = tr("Copied %Ln row(s).", nullptr, counts.copied);
    const QString missing = unknownMore ? tr("The selected records not loaded yet were not copied.")
                                        : tr("%1 selected rows are not loaded and were not copied.").arg(locale.toString(left));
    m_writeBar->showMessage(MessageBar::Kind::Warning,
                            copied + u' ' + missing + u' ' + tr("Export… writes every record of the list."));
    QPushButton *exportList = m_writeBar->addButton(tr("Export…"));
    exportList->setObjectName(u"exportFromCopy"_s);
    connect(exportList, &QPushButton::clicked, this, &ResourceView::exportRequested);
}

void ResourceView::applySearch()
{
    m_searchTimer.stop();
    m_model->setSearch(m_search->text().trimmed());
}

void ResourceView::updatePage()
{
    if (m_model->rowCount() > 0) {
        if (!m_columnsFitted) {
            m_columnsFitted = true;
            fitColumns();
        }
        m_stack->setCurrentWidget(m_table);
        return;
    }
    if (m_model->isLoading() || (m_model->isFetching() && !m_model->hasError())) {
        m_empty->set(icons::icon(u"refresh"_s), tr("Loading %1…").arg(m_resource), QString());
    } else if (m_model->hasError()) {
        m_empty->set(icons::icon(u"error"_s), tr("Could not load %1").arg(m_resource), m_model->errorString());
        connect(m_empty->addButton(tr("Retry"), icons::icon(u"refresh"_s)), &QPushButton::clicked, this,
                &ResourceView::refresh);
        connect(m_empty->addButton(tr("Settings…"), icons::icon(u"settings"_s)), &QPushButton::clicked, this,
                [this] { Q_EMIT settingsRequested(); });
    } else if (!m_model->query().conditions.isEmpty()) {
        m_empty->set(icons::icon(u"filter"_s), tr("No %1 meet the filter").arg(m_resource),
                     tr("The server has no records meeting every condition. Change a condition, or clear the "
                        "filter."));
        connect(m_empty->addButton(tr("Clear Filter")), &QPushButton::clicked, this, [this] { setConditions({}); });
    } else if (!m_model->query().search.isEmpty()) {
        m_empty->set(icons::icon(u"search"_s), tr("No %1 match “%2”").arg(m_resource, m_model->query().search),
                     tr("The server found nothing for this search. Try other words, or clear the search."));
        connect(m_empty->addButton(tr("Clear Search")), &QPushButton::clicked, this, [this] {
            m_search->clear();
            applySearch();
        });
    } else {
        m_empty->set(icons::icon(u"table"_s), tr("No %1 yet").arg(m_resource),
                     tr("The server has no records here. Create the first one with New (Ctrl+N)."));
        connect(m_empty->addButton(tr("New Record"), icons::icon(u"add"_s)), &QPushButton::clicked, this,
                [this] { Q_EMIT createRequested(); });
    }
    m_stack->setCurrentWidget(m_empty);
}

void ResourceView::updateCapabilities()
{
    const bool search = m_model->canSearch();
    m_search->setEnabled(search);
    m_search->setToolTip(search ? tr("Full-text search on the server (q=). Ctrl+F")
                                : tr("This server offers no search for %1").arg(m_resource));
}

void ResourceView::onSortIndicatorChanged(int column, Qt::SortOrder order)
{
    Q_UNUSED(order)
    if (column < 0 || m_model->canSort(column))
        return;
    // The model ignored it: the header shows the sort in use again, and nothing else happens.
    const PageQuery &q = m_model->query();
    const int sorted = q.sort.isEmpty() ? -1 : m_model->columnOf(q.sort);
    QHeaderView *header = m_table->horizontalHeader();
    const QSignalBlocker blocker(header);
    header->setSortIndicator(sorted, q.order);
    header->viewport()->update();
}

bool ResourceView::eventFilter(QObject *watched, QEvent *event)
{
    QHeaderView *header = m_table->horizontalHeader();
    if (watched == header->viewport() && event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const int column = header->logicalIndexAt(help->pos());
        if (column >= 0 && !m_model->canSort(column)) {
            QToolTip::showText(help->globalPos(), tr("The server cannot sort on this field"), header->viewport());
            return true;
        }
    }
    // A click on a reference's name follows it (the rest of the cell only selects the row).
    if (watched == m_table->viewport() && event->type() == QEvent::MouseButtonRelease) {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        const QModelIndex index = m_table->indexAt(mouse->position().toPoint());
        if (mouse->button() == Qt::LeftButton && mouse->modifiers() == Qt::NoModifier && index.isValid()) {
            const Reference *ref = m_references->referenceOf(m_model->columnName(index.column()));
            const Json id = ref ? ref->idOf(index.data(JsonTableModel::CellJsonRole).value<Json>()) : Json();
            const QString label = ref ? m_references->label(ref->resource, id) : QString();
            const QRect cell = m_table->visualRect(index);
            const int margin = m_table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_table) + 1;
            if (!label.isEmpty()
                && mouse->position().x() <= cell.left() + margin + m_table->fontMetrics().horizontalAdvance(label) + 2)
                QTimer::singleShot(0, this, [this, resource = ref->resource, id] { Q_EMIT referenceFollowed(resource, id); });
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ResourceView::followCurrentReference()
{
    const QModelIndex index = m_table->currentIndex();
    if (!index.isValid())
        return;
    const Reference *ref = m_references->referenceOf(m_model->columnName(index.column()));
    if (const Json id = ref ? ref->idOf(index.data(JsonTableModel::CellJsonRole).value<Json>()) : Json();
        id.isInteger() || id.isString())
        Q_EMIT referenceFollowed(ref->resource, id);
}

void ResourceView::updateMessage()
{
    // The server refused the endpoint's sign-in and nothing could renew it: said above the list, with the way back.
    const Credentials *credentials = m_connection ? m_connection->credentials() : nullptr;
    if (credentials && credentials->state() == Credentials::State::SignInNeeded && m_model->hasError()) {
        m_message->showMessage(MessageBar::Kind::Warning, tr("Not signed in to %1: %2").arg(m_connection->displayName(),
                                                                                          credentials->problem()));
        if (OAuthCredentials *oauth = m_connection->oauth())
            connect(m_message->addButton(tr("Sign In…")), &QPushButton::clicked, oauth, &OAuthCredentials::signIn);
        else
            m_message->setText(m_message->text() + u' ' + tr("Give others in Settings."));
        return;
    }
    // With rows to show, an error goes above them: the last good data stays.
    if (m_model->hasError() && m_model->rowCount() > 0) {
        const QString when = m_model->lastUpdated().isValid()
            ? QLocale().toString(m_model->lastUpdated().toLocalTime().time(), QLocale::ShortFormat)
            : QString();
        m_message->showMessage(MessageBar::Kind::Error,
                               when.isEmpty() ? tr("Could not refresh %1. %2").arg(m_resource, m_model->errorString())
                                              : tr("Could not refresh %1; showing the rows from %2. %3")
                                                    .arg(m_resource, when, m_model->errorString()));
        connect(m_message->addButton(tr("Retry"), icons::icon(u"refresh"_s)), &QPushButton::clicked, this,
                &ResourceView::refresh);
    } else if (m_cellFailure) {
        showCellFailure();
    } else if (!m_model->notice().isEmpty()) {
        // The server ignored paging, say: the list shows what it could, and says why it stops there.
        if (m_message->isHidden() || m_message->kind() != MessageBar::Kind::Warning || m_message->text() != m_model->notice())
            m_message->showMessage(MessageBar::Kind::Warning, m_model->notice());
    } else {
        m_message->hide();
    }
}

void ResourceView::updateTitle()
{
    const qint64 total = m_model->totalCount();
    const int shown = m_model->rowCount();
    const QLocale locale;
    auto records = [&](qint64 n) {
        return n == 1 ? tr("1 record") : tr("%1 records").arg(locale.toString(n));
    };
    if (m_model->isWindowed())
        m_count->setText(records(total));   // every record has its row
    else if (total < 0 && shown > 0 && m_model->hasMore())
        m_count->setText(tr("%1 loaded, more on the server").arg(locale.toString(m_model->loadedCount())));
    else if (total < 0)
        m_count->setText(shown > 0 ? records(shown) : QString());
    else if (shown < total)
        m_count->setText(tr("%1 of %2 loaded").arg(locale.toString(shown), records(total)));
    else
        m_count->setText(records(total));
}

QMap<QString, QString> ResourceView::relationsOfFirstPage() const
{
    const QueryObserver *first = m_model->pageObserver(1);
    return first ? DataProvider::pageOf(first->data()).relations : QMap<QString, QString>();
}

void ResourceView::rememberColumns(SettingsStore *store)
{
    if (m_columns || !store || !m_connection)
        return;
    m_columns = new ColumnLayout(m_table, m_model, store, m_connection->id() + u'/' + m_resource);
    connect(m_columns, &ColumnLayout::resetRequested, this, [this] {
        fitColumns();
        widenReferenceColumns();
    });
    // Fields that come later (a page with more of them) take their saved place.
    connect(m_model, &QAbstractItemModel::columnsInserted, m_columns, [this] {
        if (m_columnsFitted)
            m_columns->apply();
    });
    if (m_columnsFitted)
        m_columns->apply();
}

void ResourceView::fitColumns()
{
    // The id first, as a database browser shows the primary key.
    QHeaderView *header = m_table->horizontalHeader();
    const int idColumn = m_model->columnOf(m_connection ? m_connection->settings().idField : u"id"_s);
    if (idColumn >= 0 && header->visualIndex(idColumn) != 0)
        header->moveSection(header->visualIndex(idColumn), 0);
    // To their contents, within reason: long text is cut, not given the whole width. A window's rows out of view
    // are not measured (that would ask for their pages).
    m_table->horizontalHeader()->setResizeContentsPrecision(m_model->isWindowed() ? 0 : 1000);
    m_table->resizeColumnsToContents();
    const int cap = std::max(160, m_table->fontMetrics().averageCharWidth() * 36);
    for (int c = 0; c < m_model->columnCount(); ++c) {
        if (m_table->columnWidth(c) > cap)
            m_table->setColumnWidth(c, cap);
    }
    // The user's arrangement over the fitted one.
    if (m_columns)
        m_columns->apply();
}

void ResourceView::widenReferenceColumns()
{
    // Room for a name where the columns were fitted to ids.
    for (const Reference &ref : m_references->references()) {
        if (const int column = m_model->columnOf(ref.field); column >= 0 && m_table->columnWidth(column) < 150)
            m_table->setColumnWidth(column, 150);
    }
    if (m_columns)
        m_columns->apply();
}

void ResourceView::applySchema()
{
    const ResourceSchema schema = SchemaQuery::schemaOf(m_schemaObserver->data());
    if (schema == m_delegate->schema())
        return;
    m_delegate->setSchema(schema);
    QHash<QString, QString> titles;
    for (const FieldSchema &f : schema.fields) {
        if (!f.label.isEmpty())
            titles.insert(f.name, f.label);
    }
    m_model->setColumnTitles(titles);
    m_referencesFound = false;
    updateReferences(0, m_model->rowCount() - 1);
    m_table->viewport()->update();
}

void ResourceView::updateReferences(int first, int last)
{
    if (!m_connection || m_model->rowCount() == 0 || first > last)
        return;
    const QString idField = m_connection->settings().idField;
    if (!m_referencesFound) {
        // Found once the first rows are here (convention reads them), and again when the schema comes.
        Json sample = Json::array({});
        for (int r = m_model->nextLoadedRow(0), n = 0; r >= 0 && n < 20; r = m_model->nextLoadedRow(r + 1), ++n)
            sample = sample.withAppended(m_model->rowJson(r));
        // What the schema and convention find, with the user's word (Settings, References) over it.
        m_references->setReferences(m_connection->settings().referencesWith(
            m_resource, ReferenceFinder::find(m_delegate->schema(), sample, m_connection->resources(), idField,
                                              relationsOfFirstPage(), m_connection->settings().baseUrl,
                                              m_resource)));
        m_referencesFound = true;
        widenReferenceColumns();
        first = 0;
        last = m_model->rowCount() - 1;
    }
    // The rows loaded (a window's placeholders have nothing to name yet).
    QList<Json> rows;
    for (int r = m_model->nextLoadedRow(first); r >= 0 && r <= last; r = m_model->nextLoadedRow(r + 1))
        rows.append(m_model->rowJson(r));
    m_references->request(rows);
}

} // namespace refetch
