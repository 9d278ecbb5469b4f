#pragma once

#include "core/session/endpointsettings.h"
#include "waitingchanges.h"

#include "core/json/json.h"
#include "core/persist/draftstore.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QPointer>
#include <QTimer>
#include <functional>
#include <optional>

class QAction;
class QSplitter;
class QStackedWidget;

namespace refetch {

class ApiConnection;
class AppSession;
class CacheEventLog;
class CacheInspector;
class DraftKeeper;
class EmptyState;
class EndpointTree;
class HttpTransport;
class MessageBar;
class Mutation;
class MutationQueue;
class PendingWrites;
class QueryClient;
class RecordPane;
class ResourceView;
class SettingsDialog;
class SettingsStore;
class StatusPanel;
class TransferMonitor;

// The application's window: endpoints and their resources in a side tree, the selected resource's list in the
// middle, the selected record's form on the right, and the state of things in the status bar. Everything it shows
// comes from the core's cache through the models; it keeps no data of its own.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // The application's parts (client, writes, transport, settings...), built by `session`, which must outlive the
    // window.
    explicit MainWindow(AppSession *session, QWidget *parent = nullptr);
    ~MainWindow() override;

private:
    // What the window works with, from the session.
    struct Context
    {
        QueryClient *client = nullptr;
        MutationQueue *mutations = nullptr;
        HttpTransport *transport = nullptr;
        SettingsStore *settings = nullptr;
        TransferMonitor *transfers = nullptr;   // optional: the download progress bar
        QString cacheDirectory;                 // optional: where each endpoint's cache and unsent writes persist
    };

public:

    // An endpoint for this session only (--demo, --endpoint): listed first, opened at start, never saved.
    void addSessionEndpoint(const EndpointSettings &endpoint);
    // The endpoint given on the command line: the saved one with that URL, else one for this session.
    void openUrl(const QUrl &url);
    // Opens a resource's list once it is listed (at once if it is).
    void openResource(const QString &endpointId, const QString &resource);

    QList<ApiConnection *> connections() const { return m_connections; }
    ApiConnection *connection(const QString &id) const;
    EndpointTree *endpointTree() const { return m_tree; }
    ResourceView *resourceView() const { return m_view; }
    RecordPane *recordPane() const { return m_pane; }
    StatusPanel *statusPanel() const { return m_status; }
    MessageBar *undoBar() const { return m_undoBar; }
    EmptyState *emptyState() const { return m_empty; }
    SettingsDialog *settingsDialog() const;
    // The cache inspector dock (hidden until View > Cache Inspector, Ctrl+Shift+I).
    CacheInspector *cacheInspector() const { return m_inspector; }
    QSplitter *sideSplitter() const { return m_sideSplitter; }
    QSplitter *detailSplitter() const { return m_detailSplitter; }

    QAction *refreshAction() const { return m_refresh; }
    QAction *findAction() const { return m_find; }
    QAction *newAction() const { return m_new; }
    QAction *saveAction() const { return m_save; }
    QAction *deleteAction() const { return m_delete; }
    QAction *undoAction() const { return m_undo; }
    QAction *settingsAction() const { return m_settings; }
    QAction *inspectorAction() const;

    // Writes the geometry and splitter states to the settings (also done on close).
    void saveWindowState();

public Q_SLOTS:
    void refresh();
    void newRecord();
    void saveRecord();
    void deleteRecord();
    void undoDelete();
    // Opens the settings dialog (window-modal, not blocking); `select` names the endpoint to show, "+" a new one.
    void openSettings(const QString &select = {});

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    // The settings dialog over `endpoints` (what is saved, or what was typed before a Cancel).
    void openSettingsWith(const QList<EndpointSettings> &endpoints, const QString &select);
    // Saves the endpoints from the dialog and makes again the connections whose settings changed.
    void applySettings(const QList<EndpointSettings> &edited);
    struct PendingDelete
    {
        QPointer<Mutation> mutation;
        QString endpointId;
        QString resource;
        Json id;
        QString label;      // "posts · 7"
        bool restored = false;   // made in the last session, not sent when it ended
    };

    void createActions();
    void createInspector();
    void createMenus();
    void createToolBar();
    void createCentralWidget();
    void restoreWindowState();

    void rebuildConnections(const QList<EndpointSettings> &endpoints);
    QList<EndpointSettings> allEndpointSettings() const;
    void onTreeCurrentChanged(ApiConnection *connection, const QString &resource);
    void onResourcesChanged(ApiConnection *connection);
    void showResource(ApiConnection *connection, const QString &resource);
    void closeResource();
    void showEndpointPage(ApiConnection *connection);
    void showStartPage();
    void onCurrentIdChanged(const Json &id);
    void onRecordCreated(const QString &resource, const Json &id);
    // Runs `proceed` once unsaved edits are saved or discarded; `cancel` if the user keeps editing. Asks without a
    // nested event loop.
    void settleEdits(const std::function<void()> &proceed, const std::function<void()> &cancel = {});
    void updateActions();
    void updateTitle();
    void updateUndoBar();
    // Follows a delete in its undo time: the undo bar, its outcome, closing once it is sent.
    void addPendingDelete(const PendingDelete &pending);
    // A delete of the last session restored unsent, with a new undo time: offered for undo like a fresh one.
    void offerRestoredDelete(Mutation *m);
    void tryPendingOpen(ApiConnection *connection);
    // At start: the newest draft of unsaved edits any endpoint kept opens (its endpoint and resource first).
    void findDraft();
    // Shows the draft found at start in the form, once its resource is open; drops it if the resource is gone.
    void applyPendingDraft(ApiConnection *connection);
    // The endpoint's writes not sent yet, and the form's unsaved edits of one of its records.
    int unsentChanges(const QString &endpointId) const;
    // The outbox: the writes that wait for the server, and those it refused after their form closed.
    void showWaitingChanges();
    void onWriteSettled(Mutation *m);
    void refusedChanged();
    // Shows a record (its unsaved edits settled first), with `draft`'s values as edits when given.
    void openRecord(const QString &endpointId, const QString &resource, const Json &id,
                    const std::optional<Draft> &draft, const std::function<void()> &opened = {});

    AppSession *m_session;
    Context m_ctx;
    QList<EndpointSettings> m_sessionEndpoints;
    QList<ApiConnection *> m_connections;
    QString m_pendingEndpoint;     // open this endpoint's resource once it is listed
    QString m_pendingResource;     // empty: its first resource

    EndpointTree *m_tree = nullptr;
    QSplitter *m_sideSplitter = nullptr;
    QSplitter *m_detailSplitter = nullptr;
    QStackedWidget *m_listStack = nullptr;
    EmptyState *m_empty = nullptr;
    ResourceView *m_view = nullptr;
    RecordPane *m_pane = nullptr;
    MessageBar *m_undoBar = nullptr;
    StatusPanel *m_status = nullptr;
    QPointer<SettingsDialog> m_settingsDialog;
    CacheEventLog *m_events = nullptr;
    CacheInspector *m_inspector = nullptr;
    QPointer<QWidget> m_question;  // the open "unsaved changes" question
    DraftKeeper *m_drafts = nullptr;
    std::optional<Draft> m_pendingDraft;   // found at start, shown once its resource is open

    QAction *m_refresh = nullptr;
    QAction *m_find = nullptr;
    QAction *m_new = nullptr;
    QAction *m_save = nullptr;
    QAction *m_discard = nullptr;
    QAction *m_delete = nullptr;
    QAction *m_undo = nullptr;
    QAction *m_settings = nullptr;

    QList<PendingDelete> m_pendingDeletes;
    PendingWrites *m_writes = nullptr;
    QList<RefusedWrite> m_refused;
    QPointer<WaitingChanges> m_waitingDialog;
    bool m_quitConfirmed = false;
    QTimer m_undoTick;
    bool m_undoOffered = false;     // the undo bar shows the undo offer (not an error)
    bool m_closeWhenSent = false;   // closed while deletes waited: close once they are sent
    bool m_closeConfirmed = false;
    bool m_navigating = false;      // the tree's current row is being set by code, not by the user
    bool m_started = false;         // the first event-loop turn has run: pending opens may happen
};

} // namespace refetch
