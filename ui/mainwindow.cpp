#include "mainwindow.h"

#include "exportflow.h"


#include "core/session/apiconnection.h"
#include "cacheinspector.h"
#include "connectionset.h"
#include "core/session/draftkeeper.h"
#include "endpointpage.h"
#include "endpointtree.h"
#include "icons.h"
#include "outbox.h"
#include "recordform.h"
#include "recordpane.h"
#include "resourceview.h"
#include "settingsflow.h"
#include "core/session/settingsstore.h"
#include "statuspanel.h"
#include "undodelete.h"
#include "windowactions.h"
#include "navigationhistory.h"
#include "windowquestions.h"
#include "windowwidgets.h"

#include "core/inspect/cacheeventlog.h"
#include "core/models/pagedtablemodel.h"
#include "core/models/recordmodel.h"
#include "core/mutation/mutationqueue.h"
#include "core/session/appsession.h"
#include "core/mutation/pendingwrites.h"
#include "core/providers/dataprovider.h"
#include "core/client/queryclient.h"

#include <QApplication>
#include <QCloseEvent>
#include <QLoggingCategory>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolButton>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcUi, "refetch.ui")

namespace refetch {

namespace {

const QString CommandLineId = u"command-line"_s;

} // namespace

MainWindow::MainWindow(AppSession *session, QWidget *parent)
    : QMainWindow(parent), m_session(session),
      m_ctx{.client = session->client(), .mutations = session->mutations(), .transport = session->transport(),
            .settings = session->store(), .transfers = session->transfers()},
      m_open(session->store())   // where the user was last time, once its endpoint lists it
{
    Q_ASSERT(m_ctx.client && m_ctx.mutations && m_ctx.transport && m_ctx.settings);
    setWindowTitle(tr("Refetch"));
    setWindowIcon(icons::applicationIcon());
    setUnifiedTitleAndToolBarOnMac(true);
    resize(1280, 780);

    m_writes = new PendingWrites(m_ctx.mutations, this);
    createActions();
    createInspector();
    m_actions->addMenus(this);
    m_actions->addToolBar(this);
    createCentralWidget();
    m_questions = new WindowQuestions(m_ui.pane, this);
    m_history = new NavigationHistory(this, m_actions->back, m_actions->forward, [this](const auto &p) { openPlace(p); });
    m_history->watch(m_ui.pane);
    connect(m_ui.pane, &RecordPane::referringListRequested, this,
            [this](const QString &resource, const QString &field, const Json &id) {
        if (const ApiConnection *c = m_ui.pane->connection()) {
            FilterCondition condition{.field = field, .op = FilterOp::Equals, .value = id, .link = {}};
            for (const Reference &r : c->knownReferences(resource)) {
                if (r.field == field)
                    condition.link = r.link;   // a field of links is filtered by the id they name
            }
            openFiltered(c->id(), resource, {condition});
        }
    });

    m_status = new StatusPanel(m_ctx.client, m_ctx.transfers, this);
    m_status->setObjectName(u"statusPanel"_s);
    m_status->setServer(m_ctx.transport, m_ctx.mutations);
    m_status->setPendingWrites(m_writes);
    // A save that waited and then was refused after its form closed: its values are kept for the user.
    m_outbox = new Outbox(m_ctx.mutations, m_writes, m_ui.pane, std::bind_front(&MainWindow::openRecord, this), this);
    connect(m_status, &StatusPanel::waitingActivated, m_outbox, &Outbox::show);
    connect(m_outbox, &Outbox::refusedCountChanged, m_status, &StatusPanel::setRefusedCount);
    connect(m_outbox, &Outbox::refused, this, [this](const QString &label, const QString &error) {
        statusBar()->showMessage(tr("Not saved: %1. %2").arg(label, error), 10000);
    });
    statusBar()->addPermanentWidget(m_status);
    statusBar()->setSizeGripEnabled(true);

    m_undoDelete = new UndoDelete(m_ui.undoBar, m_ctx.client, this);
    setUpListTools();
    connect(m_undoDelete, &UndoDelete::changed, this, &MainWindow::updateActions);
    connect(m_undoDelete, &UndoDelete::deleted, this, [this](const QString &label) {
        statusBar()->showMessage(tr("Deleted %1").arg(label), 4000);
    });
    connect(m_undoDelete, &UndoDelete::undone, this, [this](const UndoDelete::Delete &undone) {
        statusBar()->showMessage(tr("Restored %1").arg(undone.label), 4000);
        if (m_view && m_view->connection()->id() == undone.endpointId && m_view->resource() == undone.resource
            && !m_ui.pane->isDirty()) {
            m_ui.pane->showRecord(m_view->connection(), undone.resource, undone.id);
            m_view->selectId(undone.id);
        }
    });
    // Closed while deletes waited for their undo time: they are sent, the window goes.
    connect(m_undoDelete, &UndoDelete::allSent, this, &QWidget::close);
    // Each connection restores its endpoint's unsent writes as it is made (here and whenever one is added).
    m_undoDelete->followRestored(m_ctx.mutations);

    // After the widgets, so that a connection replaced but not deleted yet goes after the views of it.
    m_connections = new ConnectionSet(session, this);
    m_connections->setObjectName(u"connections"_s);
    connect(m_connections, &ConnectionSet::aboutToRetire, this, [this](const QList<ApiConnection *> &retired) {
        if (m_view && retired.contains(m_view->connection()))
            closeResource();
        if (m_ui.pane->connection() && retired.contains(m_ui.pane->connection()))
            m_ui.pane->clear();
    });
    connect(m_connections, &ConnectionSet::listChanged, this, [this] { m_ui.tree->setConnections(m_connections->list()); });
    m_settings = new SettingsFlow(session, m_connections, m_ui.pane, m_questions,
                                  [this] { return m_view ? m_view->connection()->id() : QString(); }, this);
    connect(m_settings, &SettingsFlow::applied, this, &MainWindow::applySettings);
    rebuildConnections(m_ctx.settings->endpoints());
    m_ui.restoreState(this, m_ctx.settings);
    updateActions();
    // What opens first is decided once the caller has added its session endpoints (--demo, --endpoint).
    QTimer::singleShot(0, this, [this] {
        m_started = true;
        if (m_connections->isEmpty())
            showStartPage();
        findDraft();
        if (!m_view && !m_open.endpoint().isEmpty())
            openPending(m_connections->find(m_open.endpoint()));
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
    m_ui.pane->clear();
    m_connections->clear();
}

void MainWindow::createActions()
{
    m_actions = std::make_unique<WindowActions>(this);
    connect(m_actions->refresh, &QAction::triggered, this, &MainWindow::refresh);
    connect(m_actions->find, &QAction::triggered, this, [this] {
        if (m_view)
            m_view->focusSearch();
    });
    connect(m_actions->newRecord, &QAction::triggered, this, &MainWindow::newRecord);
    connect(m_actions->save, &QAction::triggered, this, &MainWindow::saveRecord);
    connect(m_actions->discard, &QAction::triggered, this, [this] { m_ui.pane->revert(); });
    connect(m_actions->deleteRecord, &QAction::triggered, this, &MainWindow::deleteRecord);
    connect(m_actions->undo, &QAction::triggered, this, [this] { m_undoDelete->undo(); });
    connect(m_actions->settings, &QAction::triggered, this, [this] { openSettings(); });
}

void MainWindow::createCentralWidget()
{
    m_ui.setupUi(this);
    connect(m_ui.addEndpoint, &QToolButton::clicked, this, [this] { openSettings(u"+"_s); });
    m_ui.tree->setTransport(m_ctx.transport);
    connect(m_ui.tree, &EndpointTree::currentChanged, this, &MainWindow::onTreeCurrentChanged);
    connect(m_ui.tree, &EndpointTree::resourcesChanged, this, &MainWindow::onResourcesChanged);
    connect(m_ui.endpointPage, &EndpointPage::settingsRequested, this, &MainWindow::openSettings);

    connect(m_ui.pane, &RecordPane::stateChanged, this, &MainWindow::updateActions);
    connect(m_ui.pane, &RecordPane::recordCreated, this, &MainWindow::onRecordCreated);
    connect(m_ui.pane, &RecordPane::deleteRequested, this, &MainWindow::deleteRecord);
    m_drafts = new DraftKeeper([pane = m_ui.pane] { return pane->draft(); },
                               [pane = m_ui.pane] { return pane->connection(); }, this);
    connect(m_ui.pane, &RecordPane::stateChanged, m_drafts, &DraftKeeper::formChanged);
    connect(qApp, &QCoreApplication::aboutToQuit, m_drafts, &DraftKeeper::flush);
    connect(m_ui.pane, &RecordPane::saved, this, [this] {
        // A new record is announced by onRecordCreated, with its id.
        if (!m_ui.pane->isCreating())
            statusBar()->showMessage(
                tr("Saved %1 · %2").arg(m_ui.pane->resource(), DataProvider::idText(m_ui.pane->recordId())), 4000);
    });
}

void MainWindow::saveWindowState()
{
    m_ui.saveState(this, m_ctx.settings);
    if (m_view)
        m_open.remember(m_view->connection()->id(), m_view->resource());
}

void MainWindow::createInspector()
{
    // The log records from the client's first use on, so that the inspector can tell what happened before it was
    // opened; it belongs to the client, which every window of the session shares.
    m_events = CacheEventLog::of(m_ctx.client) ? CacheEventLog::of(m_ctx.client) : new CacheEventLog(m_ctx.client, 65536, m_ctx.client);
    m_inspector = new CacheInspector(m_ctx.client, m_ctx.mutations, m_events, this);
    addDockWidget(Qt::BottomDockWidgetArea, m_inspector);
    m_inspector->hide();
    m_actions->addInspector(this, m_inspector->toggleViewAction());
}

// ---- endpoints -------------------------------------------------------------------------------------------------

void MainWindow::addSessionEndpoint(const EndpointSettings &endpoint)
{
    m_connections->addSessionEndpoint(endpoint);
    // The resource last opened on it, if the user was there; else its first.
    m_open.openEndpoint(endpoint.id);
    rebuildConnections(m_ctx.settings->endpoints());
}

void MainWindow::openUrl(const QUrl &url)
{
    const QList<EndpointSettings> saved = m_ctx.settings->endpoints();
    if (const EndpointSettings *e = ConnectionSet::endpointAt(saved, url)) {
        m_open.openEndpoint(e->id);
        openPending(m_connections->find(e->id));
        return;
    }
    // No name: it shows as its host, port and path.
    addSessionEndpoint(m_ctx.settings->transientEndpoint(CommandLineId, QString(), url));
}

void MainWindow::openResource(const QString &endpointId, const QString &resource)
{
    m_open.open(endpointId, resource);
    openPending(m_connections->find(endpointId));
}

void MainWindow::rebuildConnections(const QList<EndpointSettings> &saved)
{
    m_connections->rebuild(saved);
    if (m_connections->isEmpty()) {
        // Not before the caller had its turn to add the session endpoints: no "No endpoints yet" flashes by.
        if (m_started)
            showStartPage();
        return;
    }
    if (!m_view)
        m_open.fallBackTo(m_connections->list());
    if (!m_view && m_started)
        openPending(m_connections->find(m_open.endpoint()));
}

void MainWindow::openPending(ApiConnection *c)
{
    const PendingOpen::Step step = m_open.next(c);
    switch (step.kind) {
    case PendingOpen::Step::Kind::Nothing:
        return;
    case PendingOpen::Step::Kind::OpenResource:
        m_ui.tree->selectResource(c->id(), step.resource);
        if (!isShowing(c, step.resource))
            showResource(c, step.resource);
        applyPendingDraft(c);
        return;
    case PendingOpen::Step::Kind::ShowEndpoint:
        m_navigating = true;
        m_ui.tree->selectEndpoint(c->id());
        m_navigating = false;
        showEndpointPage(c);
        return;
    }
}

void MainWindow::findDraft()
{
    if (!m_open.findDraft(m_connections->list()))
        return;
    if (m_view && m_open.wants(m_view->connection()->id()) && m_view->resource() == m_open.resource())
        applyPendingDraft(m_view->connection());
}

void MainWindow::applyPendingDraft(ApiConnection *c)
{
    const std::optional<Draft> d = m_open.takeDraft(c);
    if (!d || !isShowing(c, d->resource))
        return;   // none, or the user went elsewhere first: the draft waits for the next start
    m_ui.pane->restoreDraft(c, *d);
    m_drafts->adopt(c);
    if (!d->isNew())
        m_view->selectId(d->id);
    updateActions();
}

void MainWindow::onResourcesChanged(ApiConnection *c)
{
    if (m_open.wants(c->id()) && m_started) {
        openPending(c);
        return;
    }
    if (!m_view && m_ui.tree->currentConnection() == c && m_ui.tree->currentResource().isEmpty())
        showEndpointPage(c);
}

void MainWindow::onTreeCurrentChanged(ApiConnection *c, const QString &resource)
{
    if (!c) {
        if (m_connections->isEmpty())
            showStartPage();
        return;
    }
    if (!m_navigating && !m_ui.tree->isRestoring())
        m_open.clear();   // the user chose: nothing opens by itself any more
    if (resource.isEmpty()) {
        // An endpoint row: its page, unless its resource is open below it and the user only moved up.
        if (m_view && m_view->connection() == c)
            return;
        m_questions->settleEdits([this, c] {
            closeResource();
            showEndpointPage(c);
        });
        return;
    }
    if (isShowing(c, resource))
        return;
    QPointer<ApiConnection> guard(c);
    m_questions->settleEdits(
        [this, guard, resource] {
            if (guard)
                showResource(guard, resource);
        },
        [this] {
            if (m_view)
                m_ui.tree->selectResource(m_view->connection()->id(), m_view->resource());
        });
}

bool MainWindow::isShowing(const ApiConnection *c, const QString &resource) const
{
    return m_view && m_view->connection() == c && m_view->resource() == resource;
}

void MainWindow::showResource(ApiConnection *c, const QString &resource)
{
    // The user (or the start) chose: nothing else opens by itself any more.
    m_open.clear();
    closeResource();
    m_view = new ResourceView(c, resource, m_ui.listStack);
    m_view->setObjectName(u"resourceView"_s);
    m_view->rememberColumns(m_ctx.settings);
    m_ui.listStack->addWidget(m_view);
    m_ui.listStack->setCurrentWidget(m_view);
    connect(m_view, &ResourceView::currentIdChanged, this, &MainWindow::onCurrentIdChanged);
    connect(m_view, &ResourceView::stateChanged, this, &MainWindow::updateActions);
    connect(m_view, &ResourceView::createRequested, this, &MainWindow::newRecord);
    // Enter (or a double click) on a row: on to its form.
    connect(m_view, &ResourceView::activated, this, [this] {
        if (m_ui.pane->hasRecord())
            m_ui.pane->form()->focusFirstField();
    });
    m_history->watch(m_view);
    watchListTools(m_view);
    connect(m_view, &ResourceView::settingsRequested, this, [this] {
        openSettings(m_view ? m_view->connection()->id() : QString());
    });
    m_status->setList(m_view->model());
    m_status->setEndpoint(c->settings().baseUrl);
    m_status->setLive(c->live());
    m_status->setSignIn(c->credentials(), c->oauth());
    m_view->model()->setPendingWrites(m_writes, c->id(), resource);
    m_ui.pane->clear();
    m_open.remember(c->id(), resource);
    m_ui.tree->selectResource(c->id(), resource);
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
    m_status->setLive(nullptr);
    m_status->setSignIn(nullptr, nullptr);
    m_ui.listStack->removeWidget(m_view);
    // Later: this may run inside one of the view's own signals.
    m_view->hide();
    m_view->deleteLater();
    m_view = nullptr;
    if (!m_ui.pane->isCreating() || !m_ui.pane->isDirty())
        m_ui.pane->clear();
    m_ui.listStack->setCurrentWidget(m_ui.endpointPage);
    updateTitle();
    updateActions();
}

void MainWindow::showEndpointPage(ApiConnection *c)
{
    if (m_view)
        return;
    m_ui.endpointPage->showEndpoint(c);
    m_ui.listStack->setCurrentWidget(m_ui.endpointPage);
    if (!m_ui.pane->isDirty())
        m_ui.pane->clear(tr("Choose a resource on the left, then a row of its list."));
    updateActions();
}

void MainWindow::showStartPage()
{
    closeResource();
    m_ui.endpointPage->showStart();
    m_ui.listStack->setCurrentWidget(m_ui.endpointPage);
    updateTitle();
}

// ---- records ---------------------------------------------------------------------------------------------------

void MainWindow::onCurrentIdChanged(const Json &id)
{
    if (!m_view || id.isUndefined())
        return;
    if (m_ui.pane->hasRecord() && !m_ui.pane->isCreating() && ResourceTags::sameId(m_ui.pane->recordId(), id)
        && m_ui.pane->resource() == m_view->resource())
        return;
    QPointer<ResourceView> view(m_view);
    m_questions->settleEdits(
        [this, view, id] {
            if (view && view == m_view)
                m_ui.pane->showRecord(view->connection(), view->resource(), id);
        },
        [this, view] {
            // Back to the row being edited.
            if (view && view == m_view && m_ui.pane->hasRecord() && !m_ui.pane->isCreating())
                view->selectId(m_ui.pane->recordId());
        });
}

void MainWindow::onRecordCreated(const QString &resource, const Json &id)
{
    statusBar()->showMessage(tr("Created %1 · %2").arg(resource, DataProvider::idText(id)), 4000);
    // After the pane's signal has returned: showing a record replaces the model that emitted it.
    QTimer::singleShot(0, this, [this, resource, id] {
        if (!m_view || m_view->resource() != resource)
            return;
        m_ui.pane->showRecord(m_view->connection(), resource, id);
        m_view->selectId(id);
    });
}

void MainWindow::refresh()
{
    if (m_view)
        m_view->refresh();
    if (m_ui.pane->hasRecord())
        m_ui.pane->reload();
    if (!m_view) {
        if (ApiConnection *c = m_ui.tree->currentConnection())
            c->refresh();
    }
}

void MainWindow::newRecord()
{
    if (!m_view)
        return;
    QPointer<ResourceView> view(m_view);
    m_questions->settleEdits([this, view] {
        if (!view || view != m_view)
            return;
        m_ui.pane->showNewRecord(view->connection(), view->resource(), view->sampleRecord());
        updateActions();
    });
}

void MainWindow::saveRecord()
{
    m_ui.pane->save();
}

void MainWindow::deleteRecord()
{
    if (!m_view)
        return;
    ApiConnection *c = m_view->connection();
    const QString resource = m_view->resource();
    // The record in the form, else the selected row.
    if (deleteSelectedRows())
        return;
    Json id = m_ui.pane->hasRecord() && !m_ui.pane->isCreating() && m_ui.pane->resource() == resource
        ? m_ui.pane->recordId()
        : m_view->currentId();
    if (id.isUndefined() || m_ui.pane->isCreating())
        return;
    Mutation *m = m_ctx.mutations->mutate(c->deleteOptions(resource, id));
    const QString label = u"%1 · %2"_s.arg(resource, DataProvider::idText(id));
    if (m_ui.pane->hasRecord() && !m_ui.pane->isCreating() && ResourceTags::sameId(m_ui.pane->recordId(), id))
        m_ui.pane->clear(tr("Undo (Ctrl+Z) brings it back until it is sent."), tr("%1 was deleted").arg(label));
    m_undoDelete->add(UndoDelete::Delete{m, c->id(), resource, id, label});
}

void MainWindow::openRecord(const QString &endpointId, const QString &resource, const Json &id,
                            const std::optional<Draft> &draft, const std::function<void()> &opened)
{
    ApiConnection *c = m_connections->find(endpointId);
    if (!c)
        return;
    m_questions->settleEdits([this, c, resource, id, draft, opened] {
        if (!isShowing(c, resource))
            showResource(c, resource);
        if (draft) {
            m_ui.pane->restoreDraft(c, *draft);
            m_drafts->adopt(c);
        } else if (!id.isUndefined()) {
            m_ui.pane->showRecord(c, resource, id);
        }
        if (opened)
            opened();
        updateActions();
    });
}

void MainWindow::openPlace(const NavigationHistory::Place &place)
{
    openRecord(place.endpoint, place.resource, place.id, std::nullopt, [this, id = place.id] {
        if (m_view)
            m_view->selectId(id);
    });
}

// ---- settings --------------------------------------------------------------------------------------------------

void MainWindow::openSettings(const QString &select)
{
    m_settings->open(select);
}

void MainWindow::applySettings(const QList<EndpointSettings> &saved)
{
    // The list shown opens again once its endpoint is made again; a new endpoint opens once it lists its resources.
    if (m_view)
        m_open.open(m_view->connection()->id(), m_view->resource());
    for (const EndpointSettings &e : saved) {
        if (!m_connections->find(e.id))
            m_open.open(e.id, QString());
    }
    rebuildConnections(saved);
    if (ApiConnection *c = m_connections->find(m_open.endpoint()); c && (!m_view || m_view->connection() != c))
        openPending(c);
}

// ---- closing ---------------------------------------------------------------------------------------------------

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_ui.pane->isDirty() && !m_closeConfirmed) {
        event->ignore();
        m_questions->settleEdits([this] {
            m_closeConfirmed = true;
            close();
        });
        return;
    }
    // Writes that wait for the server go at the next start; refused ones kept here would be lost: say so first.
    if (!m_quitConfirmed && (m_writes->count() > 0 || m_outbox->refusedCount() > 0)) {
        event->ignore();
        m_questions->askQuit(m_writes->count(), m_outbox->refusedCount(),
                             [this] {
                                 m_quitConfirmed = true;
                                 QTimer::singleShot(0, this, &QWidget::close);
                             },
                             [this] { m_outbox->show(); });
        return;
    }
    saveWindowState();
    // Deletes still in their undo time are sent before the application goes.
    if (m_undoDelete->hasUnsent()) {
        // The window stays (a hidden one would never let the application quit), saying why, until they are sent.
        event->ignore();
        m_undoDelete->closeWhenSent();
        return;
    }
    QMainWindow::closeEvent(event);
}

// ---- state -----------------------------------------------------------------------------------------------------

void MainWindow::updateActions()
{
    const bool hasView = m_view != nullptr;
    m_actions->find->setEnabled(hasView);
    m_actions->newRecord->setEnabled(hasView);
    m_actions->save->setEnabled(m_ui.pane->canSave());
    m_actions->save->setText(m_ui.pane->isCreating() ? tr("&Create") : tr("&Save"));
    m_actions->save->setIconText(m_ui.pane->isCreating() ? tr("Create") : tr("Save"));
    m_actions->discard->setEnabled(m_ui.pane->isDirty() && !m_ui.pane->isSubmitting());
    const bool hasRecord = hasView && !m_ui.pane->isCreating()
        && (m_ui.pane->hasRecord() || !m_view->currentId().isUndefined());
    m_actions->deleteRecord->setEnabled(hasRecord);
    m_actions->undo->setEnabled(m_undoDelete && m_undoDelete->canUndo());
    m_actions->refresh->setEnabled(hasView || m_ui.tree->currentConnection());
    m_actions->exportList->setEnabled(hasView && m_export && !m_export->isRunning());
    m_actions->saveView->setEnabled(hasView);
    m_actions->importCsv->setEnabled(hasView);
    m_actions->setField->setEnabled(hasView);
    updateTitle();
}

void MainWindow::updateTitle()
{
    QStringList parts;
    if (m_view) {
        parts << m_view->resource() << m_view->connection()->displayName();
    } else if (ApiConnection *c = m_ui.tree->currentConnection()) {
        parts << c->displayName();
    }
    parts << tr("Refetch");
    setWindowTitle(parts.join(u" — "_s));
}

} // namespace refetch
