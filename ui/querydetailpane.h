#pragma once

#include "core/json/json.h"
#include "core/cache/querykey.h"

#include <QPointer>
#include <QWidget>

class QFormLayout;
class QLabel;
class QTabWidget;
class QTableView;
class QTreeView;

namespace refetch {

class CacheEventLog;
class CacheTimelineModel;
class JsonTreeModel;

// A table of timeline events (the inspector's) that follows new events while it is scrolled to the bottom.
QTableView *createTimelineView(CacheTimelineModel *model, QWidget *parent);

// The cache inspector's detail of one entry: its state at a glance, what it holds (its JSON as a collapsible
// tree), its last error, the last request that answered it (method, URL without credentials, status, size, time,
// whether a 304 served it), and its own timeline of events.
class QueryDetailPane : public QWidget
{
    Q_OBJECT
public:
    explicit QueryDetailPane(CacheEventLog *log, QWidget *parent = nullptr);

    // Shows the entry with `key` (its timeline goes on after it is gone); an empty key shows nothing.
    void showEntry(const QueryKey &key);
    QueryKey key() const { return m_key; }
    // Reads the entry again (it changed).
    void refresh();

    QString summaryText() const;
    QString errorText() const;
    // "GET http://host/posts · 200 · 1.2 KB · 34 ms", or empty when no request is known.
    QString requestText() const;
    bool isServedByNotModified() const { return m_notModified; }
    QTabWidget *tabs() const { return m_tabs; }
    QTreeView *dataView() const { return m_dataView; }
    JsonTreeModel *dataModel() const { return m_data; }
    QTableView *timelineView() const { return m_timelineView; }
    CacheTimelineModel *timeline() const { return m_timeline; }

private:
    QLabel *addField(QFormLayout *form, const QString &label);

    QPointer<CacheEventLog> m_log;
    QueryKey m_key;
    Json m_shownData;
    bool m_notModified = false;
    QLabel *m_title;
    QLabel *m_summary;
    QTabWidget *m_tabs;
    JsonTreeModel *m_data;
    QTreeView *m_dataView;
    QLabel *m_error;
    QLabel *m_method;
    QLabel *m_url;
    QLabel *m_status;
    QLabel *m_bytes;
    QLabel *m_time;
    QLabel *m_at;
    CacheTimelineModel *m_timeline;
    QTableView *m_timelineView;
};

} // namespace refetch
