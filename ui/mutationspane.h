#pragma once

#include "core/cache/querykey.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;
class QTableView;
class QTreeView;

namespace refetch {

class CacheEventLog;
class JsonTreeModel;
class MutationListModel;
class MutationQueue;

// The cache inspector's Mutations tab: every write with its state, mode and variables, the tags it invalidated
// and the entries that refetched because of it; a paused write has a Resume button. The selected write's
// variables show as a tree, with its error and the entries it refetched (double-click one to inspect it).
class MutationsPane : public QWidget
{
    Q_OBJECT
public:
    MutationsPane(MutationQueue *queue, CacheEventLog *log, QWidget *parent = nullptr);

    MutationListModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    // The Resume button of a paused row, or nullptr.
    QPushButton *resumeButton(int row) const;
    QListWidget *refetchedList() const { return m_refetched; }
    JsonTreeModel *variables() const { return m_variables; }
    QString detailText() const;

Q_SIGNALS:
    // The user asked to inspect an entry the selected write refetched.
    void entryActivated(const refetch::QueryKey &key);

private:
    void updateButtons(int first, int last);
    void showSelected();

    MutationQueue *m_queue;
    MutationListModel *m_model;
    QTableView *m_table;
    QLabel *m_detail;
    JsonTreeModel *m_variables;
    QTreeView *m_variablesView;
    QListWidget *m_refetched;
};

} // namespace refetch
