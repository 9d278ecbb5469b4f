// MainWindow's list tools: File > Export…, saved views, many rows at once (delete, set a field, paste), and the
// lists they open.

#include "mainwindow.h"

#include "bulkedit.h"
#include "importdialog.h"
#include "exportflow.h"
#include "recordpane.h"
#include "resourceview.h"
#include "savedviewsflow.h"
#include "undodelete.h"
#include "windowactions.h"
#include "windowquestions.h"

#include "core/mutation/resourcetags.h"
#include "core/session/apiconnection.h"
#include "core/persist/storefile.h"
#include "core/models/pagedtablemodel.h"
#include "ui/connectionset.h"

#include <QAction>
#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QStandardPaths>
#include <QGuiApplication>
#include <QStatusBar>

using namespace Qt::StringLiterals;

namespace refetch {

void MainWindow::setUpListTools()
{
    m_export = new ExportFlow(this);
    m_export->setObjectName(u"exportFlow"_s);
    connect(m_actions->exportList, &QAction::triggered, this, [this] { m_export->exportView(m_view); });
    connect(m_export, &ExportFlow::started, this, &MainWindow::updateActions);
    connect(m_export, &ExportFlow::finished, this, [this](bool ok, const QString &, const QString &message) {
        if (ok)
            statusBar()->showMessage(message, 10000);
        updateActions();
    });

    m_views = new SavedViewsFlow(this, m_ui.tree, m_ctx.settings, [this] { return m_view; },
                                 [this](ApiConnection *c, const QString &resource, std::function<void(ResourceView *)> then) {
        openList(c, resource, then);
    });
    m_views->setObjectName(u"savedViews"_s);
    connect(m_actions->saveView, &QAction::triggered, m_views, &SavedViewsFlow::saveCurrent);
    connect(m_views, &SavedViewsFlow::saved, this, [this](const QString &name) {
        statusBar()->showMessage(tr("Saved the view “%1”").arg(name), 4000);
    });

    connect(m_actions->importCsv, &QAction::triggered, this, [this] {
        if (!m_view)
            return;
        const QString path = QFileDialog::getOpenFileName(this, tr("Import into %1").arg(m_view->resource()),
                                                          QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation),
                                                          tr("CSV files (*.csv *.tsv *.txt);;All files (*)"));
        if (!path.isEmpty())
            importFile(path);
    });

    m_bulk = new BulkEdit(this, m_undoDelete);
    m_bulk->setObjectName(u"bulkEdit"_s);
    connect(m_actions->setField, &QAction::triggered, this, [this] { m_bulk->setField(m_view); });
}

void MainWindow::watchListTools(ResourceView *view)
{
    connect(view, &ResourceView::saveViewRequested, m_views, &SavedViewsFlow::saveCurrent);
    connect(view, &ResourceView::pasteRequested, this, [this] {
        m_bulk->paste(m_view, QGuiApplication::clipboard()->text());
    });
    connect(view, &ResourceView::exportRequested, m_actions->exportList, &QAction::trigger);
}

bool MainWindow::deleteSelectedRows()
{
    if (m_view && m_view->allMatchingSelected() && !m_ui.pane->isCreating()) {
        m_ui.pane->clear();
        m_bulk->deleteAllMatching(m_view);
        return true;
    }
    const QList<Json> ids = m_view ? m_view->selectedIds() : QList<Json>();
    if (ids.size() < 2 || m_ui.pane->isCreating())
        return false;
    if (m_ui.pane->hasRecord() && std::any_of(ids.cbegin(), ids.cend(), [this](const Json &id) {
            return ResourceTags::sameId(m_ui.pane->recordId(), id);
        }))
        m_ui.pane->clear(tr("Undo (Ctrl+Z) brings them back until they are sent."),
                         tr("%1 records of %2 were deleted").arg(ids.size()).arg(m_view->resource()));
    m_bulk->deleteRows(m_view, ids);
    return true;
}

ImportDialog *MainWindow::importFile(const QString &path)
{
    ApiConnection *c = m_view ? m_view->connection() : nullptr;
    if (!c)
        return nullptr;
    // The journal beside the endpoint's cache (or the app's data when nothing is kept on disk).
    const QString directory = c->storeFile() ? QFileInfo(c->storeFile()->path()).dir().filePath(u"imports"_s)
                                             : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/imports"_s;
    const Json sample = m_view->model()->rowCount() > 0 ? m_view->model()->rowJson(0) : Json();
    auto *dialog = new ImportDialog(c, m_view->resource(), m_view->filterContext().schema, sample, directory, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!dialog->load(path)) {
        QMessageBox::warning(this, tr("Import"), dialog->errorString());
        dialog->deleteLater();
        return nullptr;
    }
    dialog->open();
    return dialog;
}

void MainWindow::openFiltered(const QString &endpointId, const QString &resource,
                              const QList<FilterCondition> &conditions)
{
    openList(m_connections->find(endpointId), resource, [conditions](ResourceView *view) {
        view->setConditions(conditions);
    });
}

void MainWindow::openList(ApiConnection *c, const QString &resource, const std::function<void(ResourceView *)> &then)
{
    if (!c)
        return;
    QPointer<ApiConnection> guard(c);
    m_questions->settleEdits([this, guard, resource, then] {
        if (!guard)
            return;
        if (!isShowing(guard, resource))
            showResource(guard, resource);
        if (then)
            then(m_view);
        updateActions();
    });
}

} // namespace refetch
