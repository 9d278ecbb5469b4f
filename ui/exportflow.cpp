#include "exportflow.h"

#include "resourceview.h"

#include "core/models/pagedtablemodel.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLocale>
#include <QMessageBox>
#include <QProgressDialog>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTableView>

using namespace Qt::StringLiterals;

namespace refetch {

ExportFlow::ExportFlow(QWidget *window) : QObject(window), m_window(window) {}

ExportFlow::~ExportFlow()
{
    if (m_job)
        m_job->disconnect(this);
}

ExportRequest ExportFlow::requestFor(const ResourceView *view, ExportRequest::Format format)
{
    const PagedTableModel *model = view->model();
    ExportRequest r;
    r.resource = view->resource();
    r.format = format;
    r.conditions = model->query().conditions;
    r.search = model->query().search;
    r.sort = model->query().sort;
    r.order = model->query().order;
    const QHeaderView *header = view->table()->horizontalHeader();
    for (int visual = 0; visual < header->count(); ++visual) {
        const int logical = header->logicalIndex(visual);
        if (!header->isSectionHidden(logical))
            r.columns.append(model->columnName(logical));
    }
    return r;
}

void ExportFlow::exportView(ResourceView *view)
{
    if (!view || isRunning())
        return;
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString csv = tr("CSV, for spreadsheets (*.csv)"), json = tr("JSON (*.json)");
    QString chosenFilter = csv;
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Export %1").arg(view->resource()),
                                                      folder + u'/' + view->resource() + u".csv"_s,
                                                      csv + u";;"_s + json, &chosenFilter);
    if (path.isEmpty())
        return;
    const bool asJson = chosenFilter == json || path.endsWith(u".json"_s, Qt::CaseInsensitive);
    exportTo(view, path, asJson ? ExportRequest::Format::Json : ExportRequest::Format::Csv);
}

void ExportFlow::exportTo(ResourceView *view, const QString &path, ExportRequest::Format format)
{
    if (!view || !view->connection() || isRunning())
        return;
    m_path = path;
    m_resource = view->resource();
    m_file = std::make_unique<QSaveFile>(path);
    if (!m_file->open(QIODevice::WriteOnly)) {
        const QString why = tr("Could not write %1: %2").arg(QFileInfo(path).fileName(), m_file->errorString());
        m_file.reset();
        QMessageBox::warning(m_window, tr("Export"), why);
        Q_EMIT finished(false, path, why);
        return;
    }
    m_job = new ListExport(view->connection(), requestFor(view, format), m_file.get(), this);
    m_progress = new QProgressDialog(tr("Exporting %1…").arg(m_resource), tr("Cancel"), 0, 0, m_window);
    m_progress->setObjectName(u"exportProgress"_s);
    m_progress->setWindowTitle(tr("Export"));
    m_progress->setMinimumDuration(400);
    m_progress->setAutoClose(false);
    m_progress->setAutoReset(false);
    connect(m_progress, &QProgressDialog::canceled, m_job, &ListExport::cancel);
    connect(m_job, &ListExport::progress, this, [this](qint64 rows, qint64 total) {
        if (!m_progress)
            return;
        const QLocale locale;
        if (total > 0) {
            // QProgressDialog counts in int: in thousandths of the total.
            m_progress->setMaximum(1000);
            m_progress->setValue(int(std::min<qint64>(1000, rows * 1000 / total)));
            m_progress->setLabelText(tr("Exporting %1: %2 of %3…").arg(m_resource, locale.toString(rows), locale.toString(total)));
        } else {
            m_progress->setLabelText(tr("Exporting %1: %2…").arg(m_resource, locale.toString(rows)));
        }
    });
    connect(m_job, &ListExport::finished, this, &ExportFlow::onFinished);
    m_job->start();
    Q_EMIT started();
}

void ExportFlow::onFinished(bool ok, const QString &error)
{
    const qint64 rows = m_job ? m_job->rowsWritten() : 0;
    const QString warning = m_job ? m_job->warning() : QString();
    if (m_job)
        m_job->deleteLater();
    m_job = nullptr;
    if (m_progress) {
        m_progress->hide();
        m_progress->deleteLater();
    }
    QString message;
    if (ok && !m_file->commit()) {
        ok = false;
        message = tr("Could not save %1: %2").arg(QFileInfo(m_path).fileName(), m_file->errorString());
    } else if (!ok) {
        m_file->cancelWriting();
        m_file->commit();   // discards: the file stays as it was
        message = error;
    }
    m_file.reset();
    if (ok) {
        message = tr("Exported %Ln record(s) of %1 to %2.", nullptr, int(std::min<qint64>(rows, INT_MAX)))
                      .arg(m_resource, QFileInfo(m_path).fileName());
        if (!warning.isEmpty())
            message += u' ' + warning;
    } else if (!message.isEmpty()) {
        QMessageBox::warning(m_window, tr("Export"), tr("The export of %1 stopped, and %2 was not written. %3")
                                                        .arg(m_resource, QFileInfo(m_path).fileName(), message));
    }
    Q_EMIT finished(ok, m_path, message);
}

} // namespace refetch
