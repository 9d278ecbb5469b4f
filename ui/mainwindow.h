#pragma once

#include "core/session/endpointsettings.h"
#include "navigationhistory.h"
#include "pendingopen.h"
#include "windowwidgets.h"

#include "core/json/json.h"
#include "core/persist/draftstore.h"
#include "core/providers/listfilter.h"

#include <QMainWindow>
#include <QPointer>
#include <functional>
#include <memory>
#include <optional>

namespace refetch {

class ApiConnection;
class AppSession;
class CacheEventLog;
class CacheInspector;
class ConnectionSet;
class DraftKeeper;
class HttpTransport;
class MutationQueue;
class Outbox;
class PendingWrites;
class QueryClient;
class ResourceView;
class SettingsFlow;
class SettingsStore;
class StatusPanel;
class TransferMonitor;
class UndoDelete;
class ExportFlow;
class SavedViewsFlow;
class BulkEdit;
class ImportDialog;
class WindowActions;
class WindowQuestions;

// The application's window: endpoints and their resources in a side tree, the selected resource's list in the
// middle, the selected record's form on the right, and the state of things in the status bar. Everything it shows
// comes from the core's cache through the models; it keeps no data of its own. Its parts are named (objectName)
// for what they are, so that tests and tools find them without accessors: "endpointTree", "listStack" (the list
// shown, or "emptyState" saying why there is none), "recordPane", "undoBar", "statusPanel", "cacheInspector",
// "settingsDialog" while it is open, the splitters, the actions ("saveAction"...) and "connections".
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // The application's parts (client, writes, transport, settings...), built by `session`, which must outlive the
    // window.
    explicit MainWindow(AppSession *session, QWidget *parent = nullptr);
    ~MainWindow() override;

    // An endpoint for this session only (--demo, --endpoint): listed first, opened at start, never saved.
    void addSessionEndpoint(const EndpointSettings &endpoint);
    // The endpoint given on the command line: the saved one with that URL, else one for this session.
    void openUrl(const QUrl &url);
    // Opens a resource's list once it is listed (at once if it is).
    void openResource(const QString &endpointId, const QString &resource);
    // The list of `resource` showing only the records meeting `conditions` (a record's "Show all" of what points
    // at it), once edits in the form are settled.
    void openFiltered(const QString &endpointId, const QString &resource, const QList<FilterCondition> &conditions);
    // File > Import CSV… of `path` into the list shown: the import dialog, its preview loaded (null without a list or
    // when the file is not CSV, said in a message).
    ImportDialog *importFile(const QString &path);
    // `resource`'s list of `c`, once edits in the form are settled, then `then` with it.
    void openList(ApiConnection *c, const QString &resource, const std::function<void(ResourceView *)> &then);

public Q_SLOTS:
    void refresh();
    void newRecord();
    void saveRecord();
    void deleteRecord();
    // Opens the settings dialog (window-modal, not blocking); `select` names the endpoint to show, "+" a new one.
    void openSettings(const QString &select = {});

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    // What the window works with, from the session.
    struct Context
    {
        QueryClient *client = nullptr;
        MutationQueue *mutations = nullptr;
        HttpTransport *transport = nullptr;
        SettingsStore *settings = nullptr;
        TransferMonitor *transfers = nullptr;   // optional: the download progress bar
    };

    void createActions();
    void createInspector();
    void createCentralWidget();
    // Writes the geometry and splitter states to the settings (on close).
    void saveWindowState();

    // New settings are saved (`saved`, and the session's endpoints): makes again the connections whose settings
    // changed, and opens again what was shown, or a new endpoint.
    void applySettings(const QList<EndpointSettings> &saved);

    void rebuildConnections(const QList<EndpointSettings> &saved);
    // Opens what PendingOpen wants of `connection`, if anything (its resource, or its page while it has none).
    void openPending(ApiConnection *connection);
    // At start: the newest draft of unsaved edits any endpoint kept opens (its endpoint and resource first).
    void findDraft();
    // Shows the draft found at start in the form, once its resource is open; drops it if the resource is gone.
    void applyPendingDraft(ApiConnection *connection);
    void onTreeCurrentChanged(ApiConnection *connection, const QString &resource);
    void onResourcesChanged(ApiConnection *connection);
    // The list shown is `resource` of `connection`.
    bool isShowing(const ApiConnection *connection, const QString &resource) const;
    void showResource(ApiConnection *connection, const QString &resource);
    // The list's tools (mainwindowlists.cpp): export, saved views, many rows at once, paste.
    void setUpListTools();
    void watchListTools(ResourceView *view);
    // Delete with several rows selected: they all go behind one Undo; false when fewer than two are selected.
    bool deleteSelectedRows();
    void closeResource();
    void showEndpointPage(ApiConnection *connection);
    void showStartPage();
    void onCurrentIdChanged(const Json &id);
    void onRecordCreated(const QString &resource, const Json &id);
    // Shows a record (its unsaved edits settled first), with `draft`'s values as edits when given.
    // Shows record `place.id` of its resource, its list open and the row selected (a reference followed, Back).
    void openPlace(const NavigationHistory::Place &place);
    void openRecord(const QString &endpointId, const QString &resource, const Json &id,
                    const std::optional<Draft> &draft, const std::function<void()> &opened = {});
    void updateActions();
    void updateTitle();

    AppSession *m_session;
    Context m_ctx;
    ConnectionSet *m_connections = nullptr;
    PendingOpen m_open;            // what opens by itself once its endpoint lists its resources
    std::unique_ptr<WindowActions> m_actions;

    WindowWidgets m_ui;
    ResourceView *m_view = nullptr;   // the list shown, in m_ui.listStack
    StatusPanel *m_status = nullptr;
    SettingsFlow *m_settings = nullptr;
    CacheEventLog *m_events = nullptr;
    CacheInspector *m_inspector = nullptr;
    WindowQuestions *m_questions = nullptr;
    NavigationHistory *m_history = nullptr;
    DraftKeeper *m_drafts = nullptr;
    UndoDelete *m_undoDelete = nullptr;
    ExportFlow *m_export = nullptr;
    SavedViewsFlow *m_views = nullptr;
    BulkEdit *m_bulk = nullptr;
    PendingWrites *m_writes = nullptr;
    Outbox *m_outbox = nullptr;

    bool m_quitConfirmed = false;
    bool m_closeConfirmed = false;
    bool m_navigating = false;      // the tree's current row is being set by code, not by the user
    bool m_started = false;         // the first event-loop turn has run: pending opens may happen
};

} // namespace refetch
