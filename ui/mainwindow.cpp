#include "mainwindow.h"

#include "core/session/apiconnection.h"
#include "cacheinspector.h"
#include "core/session/draftkeeper.h"
#include "emptystate.h"
#include "endpointtree.h"
#include "icons.h"
#include "messagebar.h"
#include "recordform.h"
#include "recordpane.h"
#include "resourceview.h"
#include "settingsdialog.h"
#include "core/session/settingsstore.h"
#include "statuspanel.h"
#include "waitingchanges.h"

#include "core/inspect/cacheeventlog.h"
#include "core/models/pagedtablemodel.h"
#include "core/models/recordmodel.h"
#include "core/mutation/mutationqueue.h"
#include "core/client/onlinesource.h"
#include "core/session/appsession.h"
#include "core/mutation/pendingwrites.h"
#include "core/client/queryclient.h"

#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLoggingCategory>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcUi, "refetch.ui")

namespace refetch {

namespace {

QString idText(const Json &id)
{
    return id.isString() ? id.toString() : QString::fromUtf8(id.toJson());
}

// The settings of endpoint `id` in `list`, or null when it is not there.
const EndpointSettings *settingsOf(const QList<EndpointSettings> &list, const QString &id)
{
    const auto it = std::find_if(list.cbegin(), list.cend(), [&](const EndpointSettings &e) { return e.id == id; });
    return it == list.cend() ? nullptr : &*it;
}

const QString SampleApiId = u"sample-api"_s;
const QString CommandLineId = u"command-line"_s;

} // namespace

MainWindow::MainWindow(AppSession *session, QWidget *parent)
    : QMainWindow(parent), m_session(session),
      m_ctx{.client = session->client(), .mutations = session->mutations(), .transport = session->transport(),
            .settings = session->store(), .transfers = session->transfers(), .cacheDirectory = session->cacheDirectory()}
{
    Q_ASSERT(m_ctx.client && m_ctx.mutations && m_ctx.transport && m_ctx.settings);
    setWindowTitle(tr("Refetch"));
    setWindowIcon(icons::applicationIcon());
    setUnifiedTitleAndToolBarOnMac(true);
    resize(1280, 780);

    m_writes = new PendingWrites(m_ctx.mutations, this);
    createActions();
    createInspector();
    createMenus();
    createToolBar();
    createCentralWidget();

    m_status = new StatusPanel(m_ctx.client, m_ctx.transfers, this);
    m_status->setServer(m_ctx.transport, m_ctx.mutations);
    m_status->setPendingWrites(m_writes);
    connect(m_status, &StatusPanel::waitingActivated, this, &MainWindow::showWaitingChanges);
    // A save that waited and then was refused after its form closed: its values are kept for the user.
    connect(m_ctx.mutations, &MutationQueue::mutationSettled, this, &MainWindow::onWriteSettled);
    statusBar()->addPermanentWidget(m_status);
    statusBar()->setSizeGripEnabled(true);

    m_undoTick.setInterval(250);
    connect(&m_undoTick, &QTimer::timeout, this, &MainWindow::updateUndoBar);

    // Where the user was last time, once its endpoint lists it.
    m_pendingEndpoint = m_ctx.settings->string(u"session/endpoint"_s);
    m_pendingResource = m_ctx.settings->string(u"session/resource"_s);
    // Each connection restores its endpoint's unsent writes as it is made (here and whenever one is added).
    connect(m_ctx.mutations, &MutationQueue::mutationAdded, this, &MainWindow::offerRestoredDelete);
    for (Mutation *m : m_ctx.mutations->mutations())
        offerRestoredDelete(m);
    rebuildConnections(m_ctx.settings->endpoints());
    restoreWindowState();
    updateActions();
    // What opens first is decided once the caller has added its session endpoints (--demo, --endpoint).
    QTimer::singleShot(0, this, [this] {
        m_started = true;
        if (m_connections.isEmpty())
            showStartPage();
        findDraft();
        if (!m_view && !m_pendingEndpoint.isEmpty())
            tryPendingOpen(connection(m_pendingEndpoint));
    });
}

MainWindow::~MainWindow()
{
    // The form's unsaved edits stay a draft (a quit by signal never asks): written now, and not removed below.
    m_drafts->flush();
    m_drafts->stop();
    // Views first: they observe queries of the connections.
    delete m_view;
    m_view = nullptr;
    m_pane->clear();
    qDeleteAll(m_connections);
}

void MainWindow::createActions()
{
    m_refresh = new QAction(icons::icon(u"refresh"_s), tr("&Refresh"), this);
    m_refresh->setShortcut(QKeySequence(Qt::Key_F5));
    m_refresh->setToolTip(tr("Fetch the list and the record again (F5)"));
    connect(m_refresh, &QAction::triggered, this, &MainWindow::refresh);

    m_find = new QAction(icons::icon(u"search"_s), tr("&Find…"), this);
    m_find->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F));
    m_find->setToolTip(tr("Search the list (Ctrl+F)"));
    connect(m_find, &QAction::triggered, this, [this] {
        if (m_view)
            m_view->focusSearch();
    });

    m_new = new QAction(icons::icon(u"add"_s), tr("&New Record"), this);
    m_new->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    m_new->setToolTip(tr("Create a record in this resource (Ctrl+N)"));
    m_new->setIconText(tr("New"));
    connect(m_new, &QAction::triggered, this, &MainWindow::newRecord);

    m_save = new QAction(icons::icon(u"save"_s), tr("&Save"), this);
    m_save->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_S));
    m_save->setToolTip(tr("Send the changed fields to the server (Ctrl+S)"));
    connect(m_save, &QAction::triggered, this, &MainWindow::saveRecord);

    m_discard = new QAction(icons::icon(u"discard"_s), tr("&Discard Changes"), this);
    connect(m_discard, &QAction::triggered, this, [this] { m_pane->revert(); });

    m_delete = new QAction(icons::icon(u"delete"_s), tr("&Delete Record"), this);
    m_delete->setShortcut(QKeySequence(Qt::Key_Delete));
    m_delete->setToolTip(tr("Delete the selected record; you can undo it for 5 seconds (Delete)"));
    m_delete->setIconText(tr("Delete"));
    connect(m_delete, &QAction::triggered, this, &MainWindow::deleteRecord);

    m_undo = new QAction(icons::icon(u"undo"_s), tr("&Undo Delete"), this);
    m_undo->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Z));
    m_undo->setToolTip(tr("Bring back the record just deleted, before it is sent (Ctrl+Z)"));
    m_undo->setIconText(tr("Undo"));
    connect(m_undo, &QAction::triggered, this, &MainWindow::undoDelete);

    m_settings = new QAction(icons::icon(u"settings"_s), tr("&Settings…"), this);
    m_settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_settings->setToolTip(tr("Endpoints, authorization and fetching (Ctrl+,)"));
    m_settings->setMenuRole(QAction::PreferencesRole);
    connect(m_settings, &QAction::triggered, this, [this] { openSettings(); });

    // Window-wide, so that they work from the table, the tree and the form alike (text fields keep the keys
    // they edit with, such as Delete and Ctrl+Z, through ShortcutOverride).
    for (QAction *a : {m_refresh, m_find, m_new, m_save, m_delete, m_undo, m_settings})
        addAction(a);
}

void MainWindow::createMenus()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->addAction(m_new);
    fileMenu->addAction(m_save);
    fileMenu->addSeparator();
    fileMenu->addAction(m_settings);
    fileMenu->addSeparator();
    QAction *quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    // Explicit, because QKeySequence::Quit is empty on some platforms.
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);

    QMenu *editMenu = menuBar()->addMenu(tr("&Edit"));
    editMenu->addAction(m_undo);
    editMenu->addSeparator();
    editMenu->addAction(m_discard);
    editMenu->addAction(m_delete);
    editMenu->addSeparator();
    editMenu->addAction(m_find);

    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    viewMenu->addAction(m_refresh);
    viewMenu->addSeparator();
    viewMenu->addAction(inspectorAction());

    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    QAction *about = helpMenu->addAction(tr("&About Refetch"), this, [this] {
        QMessageBox::about(this, tr("About Refetch"),
                           tr("<h3>Refetch %1</h3><p>A desktop data browser for REST APIs.</p>"
                              "<p>Built with Qt %2.</p>")
                               .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
    });
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::createToolBar()
{
    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(u"mainToolBar"_s);
    bar->setMovable(false);
    bar->setIconSize(QSize(20, 20));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_refresh);
    bar->addSeparator();
    bar->addAction(m_new);
    bar->addAction(m_save);
    bar->addAction(m_delete);
    bar->addAction(m_undo);
    auto *spacer = new QWidget(bar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    bar->addAction(m_settings);
}

void MainWindow::createCentralWidget()
{
    m_sideSplitter = new QSplitter(Qt::Horizontal, this);
    m_sideSplitter->setObjectName(u"sideSplitter"_s);
    m_sideSplitter->setChildrenCollapsible(false);

    // The side tree, under a small title row with its own "add endpoint" button.
    auto *side = new QWidget(m_sideSplitter);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->setSpacing(0);
    auto *sideHeader = new QWidget(side);
    auto *sideHeaderLayout = new QHBoxLayout(sideHeader);
    sideHeaderLayout->setContentsMargins(12, 8, 4, 4);
    auto *sideTitle = new QLabel(tr("ENDPOINTS"), sideHeader);
    QFont small = sideTitle->font();
    small.setBold(true);
    small.setPointSizeF(small.pointSizeF() * 0.85);
    sideTitle->setFont(small);
    QPalette muted = sideTitle->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    sideTitle->setPalette(muted);
    auto *addEndpoint = new QToolButton(sideHeader);
    addEndpoint->setIcon(icons::icon(u"add"_s));
    addEndpoint->setAutoRaise(true);
    addEndpoint->setToolTip(tr("Add an endpoint"));
    connect(addEndpoint, &QToolButton::clicked, this, [this] { openSettings(u"+"_s); });
    sideHeaderLayout->addWidget(sideTitle, 1);
    sideHeaderLayout->addWidget(addEndpoint);
    sideLayout->addWidget(sideHeader);
    m_tree = new EndpointTree(side);
    m_tree->setTransport(m_ctx.transport);
    sideLayout->addWidget(m_tree, 1);
    side->setMinimumWidth(160);
    connect(m_tree, &EndpointTree::currentChanged, this, &MainWindow::onTreeCurrentChanged);
    connect(m_tree, &EndpointTree::resourcesChanged, this, &MainWindow::onResourcesChanged);

    m_detailSplitter = new QSplitter(Qt::Horizontal, m_sideSplitter);
    m_detailSplitter->setObjectName(u"detailSplitter"_s);
    m_detailSplitter->setChildrenCollapsible(false);

    auto *listArea = new QWidget(m_detailSplitter);
    auto *listLayout = new QVBoxLayout(listArea);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->setSpacing(0);
    m_listStack = new QStackedWidget(listArea);
    m_empty = new EmptyState(m_listStack);
    m_listStack->addWidget(m_empty);
    listLayout->addWidget(m_listStack, 1);
    m_undoBar = new MessageBar(listArea);
    m_undoBar->setObjectName(u"undoBar"_s);
    m_undoBar->setContentsMargins(8, 6, 8, 8);
    listLayout->addWidget(m_undoBar);
    connect(m_undoBar, &MessageBar::closed, this, [this] { m_undoOffered = false; });
    listArea->setMinimumWidth(320);

    m_pane = new RecordPane(m_detailSplitter);
    m_pane->setMinimumWidth(300);
    connect(m_pane, &RecordPane::stateChanged, this, &MainWindow::updateActions);
    connect(m_pane, &RecordPane::recordCreated, this, &MainWindow::onRecordCreated);
    connect(m_pane, &RecordPane::deleteRequested, this, &MainWindow::deleteRecord);
    m_drafts = new DraftKeeper([pane = m_pane] { return pane->draft(); }, [pane = m_pane] { return pane->connection(); },
                               this);
    connect(m_pane, &RecordPane::stateChanged, m_drafts, &DraftKeeper::formChanged);
    connect(qApp, &QCoreApplication::aboutToQuit, m_drafts, &DraftKeeper::flush);
    connect(m_pane, &RecordPane::saved, this, [this] {
        // A new record is announced by onRecordCreated, with its id.
        if (!m_pane->isCreating())
            statusBar()->showMessage(tr("Saved %1 · %2").arg(m_pane->resource(), idText(m_pane->recordId())), 4000);
    });

    m_sideSplitter->addWidget(side);
    m_sideSplitter->addWidget(m_detailSplitter);
    m_sideSplitter->setStretchFactor(0, 0);
    m_sideSplitter->setStretchFactor(1, 1);
    m_sideSplitter->setSizes({220, 1060});
    m_detailSplitter->addWidget(listArea);
    m_detailSplitter->addWidget(m_pane);
    m_detailSplitter->setStretchFactor(0, 3);
    m_detailSplitter->setStretchFactor(1, 2);
    m_detailSplitter->setSizes({640, 420});
    setCentralWidget(m_sideSplitter);
}

void MainWindow::restoreWindowState()
{
    const QByteArray geometry = m_ctx.settings->value(u"window/geometry"_s);
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
    const QByteArray side = m_ctx.settings->value(u"window/sideSplitter"_s);
    if (!side.isEmpty())
        m_sideSplitter->restoreState(side);
    const QByteArray detail = m_ctx.settings->value(u"window/detailSplitter"_s);
    if (!detail.isEmpty())
        m_detailSplitter->restoreState(detail);
    // The docks: whether the cache inspector is open, and where.
    const QByteArray state = m_ctx.settings->value(u"window/state"_s);
    if (!state.isEmpty())
        restoreState(state);
}

void MainWindow::saveWindowState()
{
    m_ctx.settings->setValue(u"window/geometry"_s, saveGeometry());
    m_ctx.settings->setValue(u"window/sideSplitter"_s, m_sideSplitter->saveState());
    m_ctx.settings->setValue(u"window/detailSplitter"_s, m_detailSplitter->saveState());
    m_ctx.settings->setValue(u"window/state"_s, saveState());
    if (m_view) {
        m_ctx.settings->setString(u"session/endpoint"_s, m_view->connection()->id());
        m_ctx.settings->setString(u"session/resource"_s, m_view->resource());
    }
}

void MainWindow::createInspector()
{
    // The log records from the client's first use on, so that the inspector can tell what happened before it was
    // opened; it belongs to the client, which every window of the session shares.
    m_events = CacheEventLog::of(m_ctx.client) ? CacheEventLog::of(m_ctx.client) : new CacheEventLog(m_ctx.client, 65536, m_ctx.client);
    m_inspector = new CacheInspector(m_ctx.client, m_ctx.mutations, m_events, this);
    addDockWidget(Qt::BottomDockWidgetArea, m_inspector);
    m_inspector->hide();
    QAction *toggle = m_inspector->toggleViewAction();
    toggle->setText(tr("&Cache Inspector"));
    toggle->setIcon(icons::icon(u"eye"_s));
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
    toggle->setToolTip(tr("Every query, tag and mutation of the cache, live, and why each one fetched (Ctrl+Shift+I)"));
    addAction(toggle);
}

QAction *MainWindow::inspectorAction() const
{
    return m_inspector->toggleViewAction();
}

SettingsDialog *MainWindow::settingsDialog() const
{
    return m_settingsDialog;
}

ApiConnection *MainWindow::connection(const QString &id) const
{
    for (ApiConnection *c : m_connections) {
        if (c->id() == id)
            return c;
    }
    return nullptr;
}

// ---- endpoints -------------------------------------------------------------------------------------------------

void MainWindow::addSessionEndpoint(const EndpointSettings &endpoint)
{
    EndpointSettings e = endpoint;
    e.transient = true;
    m_sessionEndpoints.removeIf([&](const EndpointSettings &s) { return s.id == e.id; });
    m_sessionEndpoints.prepend(e);
    m_pendingEndpoint = e.id;
    // The resource last opened on it, if the user was there; else its first.
    if (m_ctx.settings->string(u"session/endpoint"_s) != e.id)
        m_pendingResource.clear();
    rebuildConnections(m_ctx.settings->endpoints());
}

void MainWindow::openUrl(const QUrl &url)
{
    // The same API whatever the trailing slashes: "http://host/api/" is "http://host/api".
    auto normalized = [](QUrl u) {
        QString path = u.path();
        while (path.endsWith(u'/'))
            path.chop(1);
        u.setPath(path);
        return u.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment);
    };
    const QUrl wanted = normalized(url);
    for (const EndpointSettings &e : m_ctx.settings->endpoints()) {
        if (normalized(e.baseUrl) == wanted) {
            m_pendingEndpoint = e.id;
            if (m_ctx.settings->string(u"session/endpoint"_s) != e.id)
                m_pendingResource.clear();
            tryPendingOpen(connection(e.id));
            return;
        }
    }
    // No name: it shows as its host, port and path.
    addSessionEndpoint(m_ctx.settings->transientEndpoint(CommandLineId, QString(), url));
}

void MainWindow::openResource(const QString &endpointId, const QString &resource)
{
    m_pendingEndpoint = endpointId;
    m_pendingResource = resource;
    tryPendingOpen(connection(endpointId));
}

QList<EndpointSettings> MainWindow::allEndpointSettings() const
{
    QList<EndpointSettings> all = m_sessionEndpoints;
    all += m_ctx.settings->endpoints();
    return all;
}

void MainWindow::rebuildConnections(const QList<EndpointSettings> &saved)
{
    QList<EndpointSettings> wanted = m_sessionEndpoints;
    for (const EndpointSettings &e : saved) {
        if (!settingsOf(wanted, e.id))
            wanted.append(e);
    }

    // Connections whose settings are unchanged stay; the others go before their replacements come.
    QList<ApiConnection *> retired;
    for (ApiConnection *c : std::as_const(m_connections)) {
        const EndpointSettings *same = settingsOf(wanted, c->id());
        if (!same || !(*same == c->settings()))
            retired.append(c);
    }
    // Views of a retired connection close before it goes.
    if (m_view && retired.contains(m_view->connection()))
        closeResource();
    if (m_pane->connection() && retired.contains(m_pane->connection()))
        m_pane->clear();
    for (ApiConnection *c : std::as_const(retired)) {
        m_connections.removeOne(c);
        const QString id = c->id();
        // Removed in the settings (not just changed; the user was asked about its unsent writes): its writes are
        // dropped before anything can send them, and its saved data goes with it.
        if (!settingsOf(wanted, id)) {
            if (const int dropped = m_ctx.mutations->discard(id))
                qCInfo(lcUi) << "discarded" << dropped << "unsent writes of the removed endpoint" << id;
            c->forgetSavedData();
        }
        // After the views that use it, which also go later.
        c->deleteLater();
        // Its cached data may be another server's now (a new URL, another token): forget it, before a new
        // connection of the same id observes it.
        m_ctx.client->removeQueries(QueryFilters{.key = QueryKey{id}});
    }

    QList<ApiConnection *> next;
    for (const EndpointSettings &e : std::as_const(wanted)) {
        ApiConnection *existing = connection(e.id);
        next.append(existing ? existing
                             : new ApiConnection(e, m_ctx.client, m_ctx.mutations, m_ctx.transport, m_ctx.cacheDirectory, this));
    }
    m_connections = next;
    m_tree->setConnections(m_connections);
    // When every server is on this machine, a network manager saying "disconnected" must not pause them: the
    // session decides.
    QList<QUrl> inUse;
    for (const ApiConnection *c : std::as_const(m_connections))
        inUse.append(c->settings().baseUrl);
    m_session->setEndpointsInUse(inUse);
    // A connection made again for the same id registered its endpoint before the old one went.
    for (ApiConnection *c : std::as_const(m_connections))
        m_ctx.mutations->addEndpoint(c->endpoint());

    if (m_connections.isEmpty()) {
        // Not before the caller had its turn to add the session endpoints: no "No endpoints yet" flashes by.
        if (m_started)
            showStartPage();
        return;
    }
    if (!m_view && (m_pendingEndpoint.isEmpty() || !connection(m_pendingEndpoint)))
        m_pendingEndpoint = m_connections.first()->id();
    if (!m_view && m_started)
        tryPendingOpen(connection(m_pendingEndpoint));
}

void MainWindow::tryPendingOpen(ApiConnection *c)
{
    if (!c || c->id() != m_pendingEndpoint)
        return;
    const QStringList resources = c->resources();
    if (!resources.isEmpty()) {
        const QString resource = resources.contains(m_pendingResource) ? m_pendingResource : resources.first();
        m_pendingEndpoint.clear();
        m_pendingResource.clear();
        m_tree->selectResource(c->id(), resource);
        if (!m_view || m_view->connection() != c || m_view->resource() != resource)
            showResource(c, resource);
        applyPendingDraft(c);
        return;
    }
    // Nothing to open: show why (looking, or could not reach the server).
    if (!c->errorString().isEmpty())
        m_pendingEndpoint.clear();
    m_navigating = true;
    m_tree->selectEndpoint(c->id());
    m_navigating = false;
    showEndpointPage(c);
}

void MainWindow::findDraft()
{
    for (ApiConnection *c : std::as_const(m_connections)) {
        std::optional<Draft> d = c->draftStore() ? c->draftStore()->draft() : std::nullopt;
        if (d && (!m_pendingDraft || d->savedAt > m_pendingDraft->savedAt))
            m_pendingDraft = std::move(d);
    }
    if (!m_pendingDraft)
        return;
    m_pendingEndpoint = m_pendingDraft->endpoint;
    m_pendingResource = m_pendingDraft->resource;
    if (m_view && m_view->connection()->id() == m_pendingEndpoint && m_view->resource() == m_pendingResource)
        applyPendingDraft(m_view->connection());
}

void MainWindow::applyPendingDraft(ApiConnection *c)
{
    if (!m_pendingDraft || m_pendingDraft->endpoint != c->id())
        return;
    const Draft d = *std::exchange(m_pendingDraft, std::nullopt);
    if (!c->resources().contains(d.resource)) {
        qCInfo(lcUi).noquote() << "dropping the unsaved edits to" << d.resource << "of" << c->id()
                               << ": the endpoint has no such resource any more";
        c->draftStore()->remove();
        return;
    }
    if (!m_view || m_view->connection() != c || m_view->resource() != d.resource)
        return;   // the user went elsewhere first: the draft waits for the next start
    m_pane->restoreDraft(c, d);
    m_drafts->adopt(c);
    if (!d.isNew())
        m_view->selectId(d.id);
    updateActions();
}

void MainWindow::onResourcesChanged(ApiConnection *c)
{
    if (c->id() == m_pendingEndpoint && m_started) {
        tryPendingOpen(c);
        return;
    }
    if (!m_view && m_tree->currentConnection() == c && m_tree->currentResource().isEmpty())
        showEndpointPage(c);
}

void MainWindow::onTreeCurrentChanged(ApiConnection *c, const QString &resource)
{
    if (!c) {
        if (m_connections.isEmpty())
            showStartPage();
        return;
    }
    if (!m_navigating && !m_tree->isRestoring()) {
        // The user chose: nothing opens by itself any more.
        m_pendingEndpoint.clear();
        m_pendingResource.clear();
    }
    if (resource.isEmpty()) {
        // An endpoint row: its page, unless its resource is open below it and the user only moved up.
        if (m_view && m_view->connection() == c)
            return;
        settleEdits([this, c] {
            closeResource();
            showEndpointPage(c);
        });
        return;
    }
    if (m_view && m_view->connection() == c && m_view->resource() == resource)
        return;
    QPointer<ApiConnection> guard(c);
    settleEdits(
        [this, guard, resource] {
            if (guard)
                showResource(guard, resource);
        },
        [this] {
            if (m_view)
                m_tree->selectResource(m_view->connection()->id(), m_view->resource());
        });
}

void MainWindow::showResource(ApiConnection *c, const QString &resource)
{
    // The user (or the start) chose: nothing else opens by itself any more.
    m_pendingEndpoint.clear();
    m_pendingResource.clear();
    closeResource();
    m_view = new ResourceView(c, resource, m_listStack);
    m_listStack->addWidget(m_view);
    m_listStack->setCurrentWidget(m_view);
    connect(m_view, &ResourceView::currentIdChanged, this, &MainWindow::onCurrentIdChanged);
    connect(m_view, &ResourceView::stateChanged, this, &MainWindow::updateActions);
    connect(m_view, &ResourceView::createRequested, this, &MainWindow::newRecord);
    // Enter (or a double click) on a row: on to its form.
    connect(m_view, &ResourceView::activated, this, [this] {
        if (m_pane->hasRecord())
            m_pane->form()->focusFirstField();
    });
    connect(m_view, &ResourceView::settingsRequested, this, [this] {
        openSettings(m_view ? m_view->connection()->id() : QString());
    });
    m_status->setList(m_view->model());
    m_status->setEndpoint(c->settings().baseUrl);
    m_view->model()->setPendingWrites(m_writes, c->id(), resource);
    m_pane->clear();
    m_ctx.settings->setString(u"session/endpoint"_s, c->id());
    m_ctx.settings->setString(u"session/resource"_s, resource);
    m_tree->selectResource(c->id(), resource);
    qCDebug(lcUi) << "showing" << resource << "of" << c->displayName();
    updateTitle();
    updateActions();
}

void MainWindow::closeResource()
{
    if (!m_view)
        return;
    m_status->setList(nullptr);
    m_status->setEndpoint(QUrl());
    m_listStack->removeWidget(m_view);
    // Later: this may run inside one of the view's own signals.
    m_view->hide();
    m_view->deleteLater();
    m_view = nullptr;
    if (!m_pane->isCreating() || !m_pane->isDirty())
        m_pane->clear();
    m_listStack->setCurrentWidget(m_empty);
    updateTitle();
    updateActions();
}

void MainWindow::showEndpointPage(ApiConnection *c)
{
    if (m_view)
        return;
    const QString url = c->settings().baseUrl.toDisplayString(QUrl::RemoveUserInfo);
    if (!c->errorString().isEmpty() && c->resources().isEmpty()) {
        m_empty->set(icons::icon(u"error"_s), tr("Could not reach %1").arg(c->displayName()),
                     tr("%1\n\nCheck the base URL (%2) and the token in Settings, then try again.")
                         .arg(c->errorString(), url));
        connect(m_empty->addButton(tr("Retry"), icons::icon(u"refresh"_s)), &QPushButton::clicked, c,
                &ApiConnection::refresh);
        connect(m_empty->addButton(tr("Settings…"), icons::icon(u"settings"_s)), &QPushButton::clicked, this,
                [this, id = c->id()] { openSettings(id); });
    } else if (c->resources().isEmpty() && (c->isLoading() || c->isDiscovered())) {
        m_empty->set(icons::icon(u"server"_s), tr("Connecting to %1…").arg(c->displayName()),
                     tr("Asking %1 which resources it has.").arg(url));
    } else if (c->resources().isEmpty()) {
        m_empty->set(icons::icon(u"server"_s), tr("%1 has no resources yet").arg(c->displayName()),
                     tr("Name the resources to browse, such as posts or users, in Settings."));
        connect(m_empty->addButton(tr("Settings…"), icons::icon(u"settings"_s)), &QPushButton::clicked, this,
                [this, id = c->id()] { openSettings(id); });
    } else {
        m_empty->set(icons::icon(u"server"_s), c->displayName(),
                     c->resources().size() == 1
                         ? tr("%1\n\nChoose its resource on the left to see its records.").arg(url)
                         : tr("%1\n\nChoose one of its %2 resources on the left to see its records.")
                               .arg(url).arg(c->resources().size()));
    }
    m_listStack->setCurrentWidget(m_empty);
    if (!m_pane->isDirty())
        m_pane->clear(tr("Choose a resource on the left, then a row of its list."));
    updateActions();
}

void MainWindow::showStartPage()
{
    closeResource();
    m_empty->set(icons::applicationIcon(), tr("No endpoints yet"),
                 tr("Add the base URL of a REST API to browse its resources. To try Refetch on its built-in "
                    "sample data, start it with --demo."));
    connect(m_empty->addButton(tr("Add Endpoint…"), icons::icon(u"add"_s)), &QPushButton::clicked, this,
            [this] { openSettings(u"+"_s); });
    m_listStack->setCurrentWidget(m_empty);
    updateTitle();
}

// ---- records ---------------------------------------------------------------------------------------------------

void MainWindow::onCurrentIdChanged(const Json &id)
{
    if (!m_view || id.isUndefined())
        return;
    if (m_pane->hasRecord() && !m_pane->isCreating() && ResourceTags::sameId(m_pane->recordId(), id)
        && m_pane->resource() == m_view->resource())
        return;
    QPointer<ResourceView> view(m_view);
    settleEdits(
        [this, view, id] {
            if (view && view == m_view)
                m_pane->showRecord(view->connection(), view->resource(), id);
        },
        [this, view] {
            // Back to the row being edited.
            if (view && view == m_view && m_pane->hasRecord() && !m_pane->isCreating())
                view->selectId(m_pane->recordId());
        });
}

void MainWindow::onRecordCreated(const QString &resource, const Json &id)
{
    statusBar()->showMessage(tr("Created %1 · %2").arg(resource, idText(id)), 4000);
    // After the pane's signal has returned: showing a record replaces the model that emitted it.
    QTimer::singleShot(0, this, [this, resource, id] {
        if (!m_view || m_view->resource() != resource)
            return;
        m_pane->showRecord(m_view->connection(), resource, id);
        m_view->selectId(id);
    });
}

void MainWindow::refresh()
{
    if (m_view)
        m_view->refresh();
    if (m_pane->hasRecord())
        m_pane->reload();
    if (!m_view) {
        if (ApiConnection *c = m_tree->currentConnection())
            c->refresh();
    }
}

void MainWindow::newRecord()
{
    if (!m_view)
        return;
    QPointer<ResourceView> view(m_view);
    settleEdits([this, view] {
        if (!view || view != m_view)
            return;
        m_pane->showNewRecord(view->connection(), view->resource(), view->sampleRecord());
        updateActions();
    });
}

void MainWindow::saveRecord()
{
    m_pane->save();
}

void MainWindow::deleteRecord()
{
    if (!m_view)
        return;
    ApiConnection *c = m_view->connection();
    const QString resource = m_view->resource();
    // The record in the form, else the selected row.
    Json id = m_pane->hasRecord() && !m_pane->isCreating() && m_pane->resource() == resource ? m_pane->recordId()
                                                                                            : m_view->currentId();
    if (id.isUndefined() || m_pane->isCreating())
        return;
    Mutation *m = m_ctx.mutations->mutate(c->deleteOptions(resource, id));
    const QString label = u"%1 · %2"_s.arg(resource, idText(id));
    if (m_pane->hasRecord() && !m_pane->isCreating() && ResourceTags::sameId(m_pane->recordId(), id))
        m_pane->clear(tr("Undo (Ctrl+Z) brings it back until it is sent."), tr("%1 was deleted").arg(label));
    addPendingDelete(PendingDelete{m, c->id(), resource, id, label});
}

void MainWindow::offerRestoredDelete(Mutation *m)
{
    const PersistedMutation &d = m->data();
    // Only one that waits again: one without a new undo time, or that may have reached the server, goes at once.
    if (!m->isRestored() || d.mode != MutationMode::Undoable || d.method != "DELETE" || !m->canUndo()
        || m->undoDeadline() <= m_ctx.client->now())
        return;
    if (std::any_of(m_pendingDeletes.cbegin(), m_pendingDeletes.cend(), [m](const PendingDelete &p) { return p.mutation == m; }))
        return;
    const QString label = d.resource.isEmpty() || d.recordId.isUndefined() ? d.path
                                                                          : u"%1 · %2"_s.arg(d.resource, idText(d.recordId));
    addPendingDelete(PendingDelete{m, d.endpoint, d.resource, d.recordId, label, true});
}

void MainWindow::addPendingDelete(const PendingDelete &pending)
{
    Mutation *m = pending.mutation;
    const QString label = pending.label;
    m_pendingDeletes.append(pending);
    connect(m, &Mutation::statusChanged, this, &MainWindow::updateUndoBar);
    connect(m, &Mutation::succeeded, this, [this, label] {
        statusBar()->showMessage(tr("Deleted %1").arg(label), 4000);
    });
    connect(m, &Mutation::failed, this, [this, label](const MutationError &error) {
        m_undoBar->showMessage(MessageBar::Kind::Error,
                               tr("Could not delete %1; it is back in the list. %2").arg(label, error.toString()));
        m_undoBar->setClosable(true);
        m_undoOffered = false;
    });
    connect(m, &Mutation::settled, this, [this] {
        updateUndoBar();
        if (m_closeWhenSent && std::none_of(m_pendingDeletes.cbegin(), m_pendingDeletes.cend(),
                                            [](const PendingDelete &p) { return p.mutation && !p.mutation->isSettled(); }))
            close();
    });
    m_undoTick.start();
    updateUndoBar();
    updateActions();
}

void MainWindow::undoDelete()
{
    for (auto it = m_pendingDeletes.rbegin(); it != m_pendingDeletes.rend(); ++it) {
        if (!it->mutation || !it->mutation->canUndo())
            continue;
        const PendingDelete undone = *it;
        if (!undone.mutation->undo())
            continue;
        statusBar()->showMessage(tr("Restored %1").arg(undone.label), 4000);
        if (m_view && m_view->connection()->id() == undone.endpointId && m_view->resource() == undone.resource
            && !m_pane->isDirty()) {
            m_pane->showRecord(m_view->connection(), undone.resource, undone.id);
            m_view->selectId(undone.id);
        }
        break;
    }
    updateUndoBar();
    updateActions();
}

void MainWindow::updateUndoBar()
{
    m_pendingDeletes.removeIf([](const PendingDelete &p) { return !p.mutation || !p.mutation->canUndo(); });
    if (m_pendingDeletes.isEmpty()) {
        m_undoTick.stop();
        // An error stays until it is closed; the undo offer goes with its last write.
        if (m_undoOffered)
            m_undoBar->hide();
        m_undoOffered = false;
        updateActions();
        return;
    }
    const PendingDelete &last = m_pendingDeletes.last();
    const qint64 left = std::max<qint64>(0, (last.mutation->undoDeadline() - m_ctx.client->now()).count());
    const int seconds = int((left + 999) / 1000);
    const QString what = last.restored ? tr("%1 in your last session").arg(last.label) : last.label;
    QString text = m_pendingDeletes.size() == 1
        ? tr("Deleted %1. It is sent to the server in %2 s.").arg(what).arg(seconds)
        : tr("Deleted %1 and %2 more. They are sent to the server in %3 s.")
              .arg(what).arg(m_pendingDeletes.size() - 1).arg(seconds);
    if (m_closeWhenSent)
        text += u' ' + tr("Refetch closes once it is sent.");
    if (!m_undoOffered || m_undoBar->isHidden()) {
        m_undoBar->showMessage(MessageBar::Kind::Information, text);
        m_undoBar->setClosable(false);
        QPushButton *undo = m_undoBar->addButton(tr("Undo"), icons::icon(u"undo"_s));
        undo->setToolTip(tr("Bring the record back (Ctrl+Z)"));
        connect(undo, &QPushButton::clicked, this, &MainWindow::undoDelete);
        m_undoOffered = true;
    } else {
        // The same bar, a new countdown: the button (and its focus) stays.
        m_undoBar->setText(text);
    }
    updateActions();
}

void MainWindow::settleEdits(const std::function<void()> &proceed, const std::function<void()> &cancel)
{
    if (!m_pane->isDirty()) {
        proceed();
        return;
    }
    if (m_question && m_question->isVisible())
        return;   // already asking (one answered may wait for its deferred deletion)
    auto *box = new QMessageBox(QMessageBox::Question, tr("Unsaved changes"),
                                m_pane->isCreating() ? tr("The new %1 record has not been created yet.").arg(m_pane->resource())
                                                     : tr("%1 · %2 has unsaved changes.").arg(m_pane->resource(), idText(m_pane->recordId())),
                                QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box->setInformativeText(tr("Save them before you move on?"));
    box->setDefaultButton(QMessageBox::Save);
    box->setAttribute(Qt::WA_DeleteOnClose);
    m_question = box;
    connect(box, &QMessageBox::finished, this, [this, box, proceed, cancel](int) {
        const QMessageBox::StandardButton choice = box->standardButton(box->clickedButton());
        if (choice == QMessageBox::Discard) {
            m_pane->revert();
            if (m_pane->isCreating())
                m_pane->clear();
            proceed();
        } else if (choice == QMessageBox::Save && m_pane->save()) {
            // Move on once the server has it, or once the write waits for the server (it is kept and sent, the
            // edits are no longer unsaved); a failure keeps the user on the form, with its errors.
            // (Of this form's save only: if the form was replaced meanwhile, a later save says nothing here.)
            connect(m_pane, &RecordPane::saveFinished, this,
                    [this, proceed, cancel, form = QPointer<RecordModel>(m_pane->model())](RecordPane::SaveOutcome outcome) {
                if (m_pane->model() != form)
                    return;
                if (outcome == RecordPane::SaveOutcome::Failed) {
                    if (cancel)
                        cancel();
                    return;
                }
                // Not from inside the write's own signals: moving on replaces the form and its model.
                QMetaObject::invokeMethod(this, proceed, Qt::QueuedConnection);
            }, Qt::SingleShotConnection);
        } else if (cancel) {
            cancel();
        }
    });
    box->open();
}

// ---- writes that wait ------------------------------------------------------------------------------------------

void MainWindow::showWaitingChanges()
{
    if (!m_waitingDialog) {
        m_waitingDialog = new WaitingChanges(m_writes, this);
        connect(m_waitingDialog, &WaitingChanges::openRecord, this,
                [this](const QString &endpoint, const QString &resource, const Json &id) {
            openRecord(endpoint, resource, id, std::nullopt);
        });
        connect(m_waitingDialog, &WaitingChanges::openRefused, this, [this](int index) {
            if (index < 0 || index >= m_refused.size())
                return;
            const RefusedWrite r = m_refused[index];
            Draft draft{.endpoint = r.endpoint, .resource = r.resource, .id = r.id, .fields = r.fields,
                        .base = Json::object({}), .savedAt = r.at.toUTC()};
            openRecord(r.endpoint, r.resource, r.id, draft, [this, index] {
                m_refused.removeAt(index);
                refusedChanged();
            });
        });
        connect(m_waitingDialog, &WaitingChanges::discardRefused, this, [this](int index) {
            if (index >= 0 && index < m_refused.size()) {
                m_refused.removeAt(index);
                refusedChanged();
            }
        });
    }
    m_waitingDialog->setRefused(m_refused);
    m_waitingDialog->show();
    m_waitingDialog->raise();
    m_waitingDialog->activateWindow();
}

void MainWindow::refusedChanged()
{
    m_status->setRefusedCount(int(m_refused.size()));
    if (m_waitingDialog)
        m_waitingDialog->setRefused(m_refused);
}

void MainWindow::openRecord(const QString &endpointId, const QString &resource, const Json &id,
                            const std::optional<Draft> &draft, const std::function<void()> &opened)
{
    ApiConnection *c = connection(endpointId);
    if (!c)
        return;
    settleEdits([this, c, endpointId, resource, id, draft, opened] {
        if (!m_view || m_view->connection() != c || m_view->resource() != resource)
            showResource(c, resource);
        if (draft) {
            m_pane->restoreDraft(c, *draft);
            m_drafts->adopt(c);
        } else if (!id.isUndefined()) {
            m_pane->showRecord(c, resource, id);
        }
        if (opened)
            opened();
        updateActions();
    });
}

void MainWindow::onWriteSettled(Mutation *m)
{
    const MutationError *error = m->error();
    const PersistedMutation &d = m->data();
    if (!error || error->error.kind == QueryError::Kind::Cancelled || d.method == "DELETE" || !d.variables.isObject()
        || d.resource.isEmpty())
        return;
    // The form that shows the record puts the values back as its edits, with the server's words.
    const bool shown = m_pane->connection() && m_pane->connection()->id() == d.endpoint && m_pane->resource() == d.resource
        && (d.recordId.isUndefined() ? m_pane->isCreating() : ResourceTags::sameId(m_pane->recordId(), d.recordId));
    if (shown)
        return;
    const QString label = d.recordId.isUndefined() ? PendingWrites::describe(m) : PendingWrites::describe(m);
    m_refused.append(RefusedWrite{.endpoint = d.endpoint, .resource = d.resource, .id = d.recordId,
                                  .fields = d.variables, .label = label, .error = error->toString(),
                                  .at = QDateTime::currentDateTime()});
    qCInfo(lcUi).noquote() << "refused after its form closed:" << label << "-" << error->toString();
    refusedChanged();
    statusBar()->showMessage(tr("Not saved: %1. %2").arg(label, error->toString()), 10000);
}

// ---- settings --------------------------------------------------------------------------------------------------

void MainWindow::openSettings(const QString &select)
{
    openSettingsWith(allEndpointSettings(), select);
}

void MainWindow::openSettingsWith(const QList<EndpointSettings> &endpoints, const QString &select)
{
    // A closed one may still be there until its deferred deletion: a new one then.
    if (m_settingsDialog && m_settingsDialog->isVisible()) {
        m_settingsDialog->raise();
        m_settingsDialog->activateWindow();
        return;
    }
    auto *dialog = new SettingsDialog(endpoints, this);
    dialog->setTokenStore(m_ctx.settings->tokenStore());
    dialog->setNetwork(m_ctx.client, m_ctx.transport);
    dialog->setUnsentCounter([this](const QString &id) { return unsentChanges(id); });
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_settingsDialog = dialog;
    if (select == u"+")
        dialog->addEndpoint();
    else if (!select.isEmpty())
        dialog->selectEndpoint(select);
    else if (m_view)
        dialog->selectEndpoint(m_view->connection()->id());
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QList<EndpointSettings> edited = dialog->endpoints();
        const QString formEndpoint = dialog->currentEndpointId();
        // New settings make the form's endpoint again, which empties the form: its unsaved edits are asked
        // about first (a removed endpoint's were asked about by Remove). Cancel goes back to what was typed.
        const ApiConnection *form = m_pane->isDirty() ? m_pane->connection() : nullptr;
        const EndpointSettings *next = form ? settingsOf(edited, form->id()) : nullptr;
        if (next && !(*next == form->settings())) {
            settleEdits([this, edited] { applySettings(edited); },
                        [this, edited, formEndpoint] { openSettingsWith(edited, formEndpoint); });
            return;
        }
        applySettings(edited);
    });
    dialog->open();
}

void MainWindow::applySettings(const QList<EndpointSettings> &edited)
{
    QList<EndpointSettings> saved;
    for (const EndpointSettings &e : edited) {
        if (e.transient) {
            for (EndpointSettings &s : m_sessionEndpoints) {
                if (s.id == e.id)
                    s = e;
            }
        } else {
            saved.append(e);
        }
    }
    // Session endpoints are stored too, for their tuning (never their URL, never listed).
    QList<EndpointSettings> toStore = m_sessionEndpoints;
    toStore += saved;
    m_ctx.settings->setEndpoints(toStore);
    const QString current = m_view ? m_view->connection()->id() : QString();
    const QString resource = m_view ? m_view->resource() : QString();
    if (!current.isEmpty()) {
        m_pendingEndpoint = current;
        m_pendingResource = resource;
    }
    // A new endpoint opens once it lists its resources.
    for (const EndpointSettings &e : saved) {
        if (!connection(e.id)) {
            m_pendingEndpoint = e.id;
            m_pendingResource.clear();
        }
    }
    rebuildConnections(saved);
    if (ApiConnection *c = connection(m_pendingEndpoint); c && (!m_view || m_view->connection() != c))
        tryPendingOpen(c);
}

int MainWindow::unsentChanges(const QString &endpointId) const
{
    const QList<Mutation *> writes = m_ctx.mutations->mutations();
    int count = int(std::count_if(writes.cbegin(), writes.cend(), [&](const Mutation *m) { return m->data().endpoint == endpointId; }));
    // The form's edits go with the endpoint's views too (while they are being saved, they are the write above).
    if (m_pane->connection() && m_pane->connection()->id() == endpointId && m_pane->isDirty() && !m_pane->isSubmitting())
        ++count;
    return count;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_pane->isDirty() && !m_closeConfirmed) {
        event->ignore();
        settleEdits([this] {
            m_closeConfirmed = true;
            close();
        });
        return;
    }
    // Writes that wait for the server go at the next start; refused ones kept here would be lost: say so first.
    if (!m_quitConfirmed && (m_writes->count() > 0 || !m_refused.isEmpty())) {
        event->ignore();
        if (m_question && m_question->isVisible())
            return;
        const int waiting = m_writes->count();
        QStringList text;
        if (waiting > 0)
            text.append((waiting == 1 ? tr("1 change is waiting for the server.")
                                      : tr("%1 changes are waiting for the server.").arg(waiting))
                        + u' ' + tr("They are kept and will be sent when Refetch next starts and the server answers."));
        if (!m_refused.isEmpty())
            text.append((m_refused.size() == 1 ? tr("1 change was refused by the server and is not saved.")
                                               : tr("%1 changes were refused by the server and are not saved.")
                                                     .arg(m_refused.size()))
                        + u' ' + tr("Quitting lets them go: Show Changes to open and correct them."));
        auto *box = new QMessageBox(QMessageBox::Question, tr("Quit Refetch"), text.join(u"\n\n"_s),
                                    QMessageBox::NoButton, this);
        QPushButton *quit = box->addButton(tr("&Quit"), QMessageBox::AcceptRole);
        QPushButton *show = box->addButton(tr("&Show Changes"), QMessageBox::ActionRole);
        box->addButton(QMessageBox::Cancel);
        box->setDefaultButton(m_refused.isEmpty() ? quit : show);
        box->setAttribute(Qt::WA_DeleteOnClose);
        m_question = box;
        connect(box, &QMessageBox::finished, this, [this, box, quit, show](int) {
            if (box->clickedButton() == quit) {
                m_quitConfirmed = true;
                QTimer::singleShot(0, this, &QWidget::close);
            } else if (box->clickedButton() == show) {
                showWaitingChanges();
            }
        });
        box->open();
        return;
    }
    saveWindowState();
    // Deletes still in their undo time are sent before the application goes.
    const bool waiting = std::any_of(m_pendingDeletes.cbegin(), m_pendingDeletes.cend(),
                                     [](const PendingDelete &p) { return p.mutation && !p.mutation->isSettled(); });
    if (waiting) {
        // The window stays (a hidden one would never let the application quit), saying why, until they are sent.
        event->ignore();
        m_closeWhenSent = true;
        updateUndoBar();
        return;
    }
    QMainWindow::closeEvent(event);
}

// ---- state -----------------------------------------------------------------------------------------------------

void MainWindow::updateActions()
{
    const bool hasView = m_view != nullptr;
    m_find->setEnabled(hasView);
    m_new->setEnabled(hasView);
    m_save->setEnabled(m_pane->canSave());
    m_save->setText(m_pane->isCreating() ? tr("&Create") : tr("&Save"));
    m_save->setIconText(m_pane->isCreating() ? tr("Create") : tr("Save"));
    m_discard->setEnabled(m_pane->isDirty() && !m_pane->isSubmitting());
    const bool hasRecord = hasView && !m_pane->isCreating()
        && (m_pane->hasRecord() || !m_view->currentId().isUndefined());
    m_delete->setEnabled(hasRecord);
    const bool canUndo = std::any_of(m_pendingDeletes.cbegin(), m_pendingDeletes.cend(),
                                     [](const PendingDelete &p) { return p.mutation && p.mutation->canUndo(); });
    m_undo->setEnabled(canUndo);
    m_refresh->setEnabled(hasView || m_tree->currentConnection());
    updateTitle();
}

void MainWindow::updateTitle()
{
    QStringList parts;
    if (m_view) {
        parts << m_view->resource() << m_view->connection()->displayName();
    } else if (ApiConnection *c = m_tree->currentConnection()) {
        parts << c->displayName();
    }
    parts << tr("Refetch");
    setWindowTitle(parts.join(u" — "_s));
}

} // namespace refetch
