#pragma once

#include "core/session/listexport.h"

#include <QObject>
#include <QPointer>

#include <memory>

class QProgressDialog;
class QSaveFile;
class QWidget;

namespace refetch {

class ResourceView;

// File > Export…: the list shown, as it is shown (its filter, search, sort, and its columns in their order, hidden
// ones left out), every page of it, to a CSV or JSON file the user picks; a progress dialog with Cancel while it
// runs; the file is replaced only once the export is complete (QSaveFile), so a cancelled or failed export leaves
// nothing half-written. The result is said in the window's status bar, a failure in a message.
class ExportFlow : public QObject
{
    Q_OBJECT
public:
    explicit ExportFlow(QWidget *window);
    ~ExportFlow() override;

    // Asks for the file, then exports `view`'s list to it.
    void exportView(ResourceView *view);
    // Exports `view`'s list to `path` in `format` without asking (what the dialog leads to).
    void exportTo(ResourceView *view, const QString &path, ExportRequest::Format format);
    bool isRunning() const { return m_job != nullptr; }
    // What the export of `view` would ask for: its filter, search, sort and shown columns.
    static ExportRequest requestFor(const ResourceView *view, ExportRequest::Format format);

Q_SIGNALS:
    void started();
    // ok: `path` holds every record; else `message` says why (empty: cancelled), and `path` is as it was.
    void finished(bool ok, const QString &path, const QString &message);

private:
    void onFinished(bool ok, const QString &error);

    QWidget *m_window;
    std::unique_ptr<QSaveFile> m_file;
    QPointer<ListExport> m_job;
    QPointer<QProgressDialog> m_progress;
    QString m_path;
    QString m_resource;
};

} // namespace refetch
