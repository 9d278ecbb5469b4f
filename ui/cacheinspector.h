#pragma once

#include "core/cache/querykey.h"

#include <QDockWidget>
#include <QPointer>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QTabWidget;
class QTableView;
class QToolBar;

namespace refetch {

class CacheEventLog;
class CacheInspectorFilter;
class CacheInspectorModel;
class CacheTimelineModel;
class MutationQueue;
class MutationsPane;
class QueryClient;
class QueryDetailPane;

// The cache inspector (View > Cache Inspector, Ctrl+Shift+I): a dock showing the query cache as it lives.
// Queries: every entry in a table that stays live with 100,000 of them (filter by key, state or tag), the
// selected one's data, last error, request and timeline; Timeline: why the whole cache did what it did;
// Mutations: every write, paused ones with Resume. Actions: refetch, invalidate, reset and remove an entry,
// invalidate a tag by hand, simulate offline, clear the cache. Everything done here is marked "from the
// inspector" in the timelines.
class CacheInspector : public QDockWidget
{
    Q_OBJECT
public:
    // `log` must belong to `client`; all three must outlive the dock.
    CacheInspector(QueryClient *client, MutationQueue *mutations, CacheEventLog *log, QWidget *parent = nullptr);
    ~CacheInspector() override;

    CacheInspectorModel *model() const { return m_model; }
    CacheInspectorFilter *filter() const { return m_filter; }
    QTableView *table() const { return m_table; }
    QueryDetailPane *detail() const { return m_detail; }
    CacheTimelineModel *timelineModel() const { return m_timeline; }
    QTableView *timelineView() const { return m_timelineView; }
    MutationsPane *mutationsPane() const { return m_mutations; }
    QTabWidget *tabs() const { return m_tabs; }
    QLineEdit *keyFilterEdit() const { return m_keyFilter; }
    QComboBox *stateFilterBox() const { return m_stateFilter; }
    QLineEdit *tagFilterEdit() const { return m_tagFilter; }
    QLineEdit *tagEdit() const { return m_tagEdit; }
    // The last action's outcome ("Invalidated 12 entries with tag …").
    QString statusText() const;
    QLabel *countLabel() const { return m_count; }

    QAction *refetchAction() const { return m_refetch; }
    QAction *invalidateAction() const { return m_invalidate; }
    QAction *resetAction() const { return m_reset; }
    QAction *removeAction() const { return m_remove; }
    QAction *invalidateTagAction() const { return m_invalidateTag; }
    QAction *offlineAction() const { return m_offline; }
    QAction *clearAction() const { return m_clear; }

    // Selects the entry with `key` in the Queries table, clearing the filters if they hide it; false if the cache
    // has no such entry.
    bool selectEntry(const QueryKey &key);
    // The entry selected (kept by key across refetches, sorting and filtering).
    QueryKey selectedKey() const { return m_selected; }

public Q_SLOTS:
    void refetchSelected();
    void invalidateSelected();
    void resetSelected();
    void removeSelected();
    // Invalidates the tag typed in tagEdit() ("type" or "type:id", as the Tags column writes them).
    void invalidateTag();
    void setSimulatedOffline(bool offline);
    // Removes every unobserved entry; the ones in use are reset and refetch.
    void clearCache();

private:
    QWidget *createQueriesTab();
    QWidget *createTimelineTab();
    void createActions();
    void onCurrentChanged();
    void onSourceChanged(const QModelIndex &from, const QModelIndex &to);
    void updateActions();
    void updateCount();
    void report(const QString &text);

    QueryClient *m_client;
    QPointer<CacheEventLog> m_log;
    CacheInspectorModel *m_model;
    CacheInspectorFilter *m_filter;
    CacheTimelineModel *m_timeline;
    QTabWidget *m_tabs = nullptr;
    QTableView *m_table = nullptr;
    QueryDetailPane *m_detail = nullptr;
    QTableView *m_timelineView = nullptr;
    MutationsPane *m_mutations = nullptr;
    QToolBar *m_toolBar = nullptr;
    QLineEdit *m_keyFilter = nullptr;
    QComboBox *m_stateFilter = nullptr;
    QLineEdit *m_tagFilter = nullptr;
    QLineEdit *m_tagEdit = nullptr;
    QLabel *m_count = nullptr;
    QLabel *m_status = nullptr;
    QAction *m_refetch = nullptr;
    QAction *m_invalidate = nullptr;
    QAction *m_reset = nullptr;
    QAction *m_remove = nullptr;
    QAction *m_invalidateTag = nullptr;
    QAction *m_offline = nullptr;
    QAction *m_clear = nullptr;
    QueryKey m_selected;
    bool m_losingCurrent = false;   // the selected row is being removed: keep the detail on its entry
};

} // namespace refetch
