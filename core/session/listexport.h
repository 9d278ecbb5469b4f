#pragma once

#include "core/json/json.h"
#include "core/providers/listfilter.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QUrl>

#include <memory>

class QIODevice;
class QTemporaryFile;

namespace refetch {

class ApiConnection;

// What to export: a resource's list as a view shows it (filter, search, sort, columns), every page of it.
struct ExportRequest
{
    enum class Format { Csv, Json };

    QString resource;
    Format format = Format::Csv;
    QStringList columns;                 // in this order; empty: every field the records have
    QList<FilterCondition> conditions;
    QString search;
    QString sort;
    Qt::SortOrder order = Qt::AscendingOrder;
    int pageSize = 0;                    // 0: the server's largest page when it says, else 100

    static std::optional<Format> formatFromName(const QString &name);   // "csv", "json"
};

// Writes every record of a list to `out`, page by page through the endpoint's provider (its dialect's paging,
// filters and sort), as CSV or JSON. Memory stays flat however long the list: each page is written and dropped
// before the next is asked for (its query leaves the cache at once). CSV without chosen columns needs every field
// before its header: the records go to a temporary file first, their fields noted, and the CSV is written from it
// at the end; nothing of a record is left out because its field showed late.
//
// A record the page before also held (the list moved while it was read) is written once; rows that plainly do not
// meet the filter (a server ignoring it) are left out and said in warning(). A page that fails ends the export
// with the error (`out` then holds a part: the caller says so, or discards it, as QSaveFile does).
class ListExport : public QObject
{
    Q_OBJECT
public:
    // The connection must outlive the export; `out` must be open for writing.
    ListExport(ApiConnection *connection, ExportRequest request, QIODevice *out, QObject *parent = nullptr);
    ~ListExport() override;

    void start();
    // Stops after the page in flight; finished(false, "") follows.
    void cancel();

    bool isRunning() const { return m_running; }
    qint64 rowsWritten() const { return m_written; }
    qint64 total() const { return m_total; }   // the server's count, when it gives one; else -1
    QString warning() const;

Q_SIGNALS:
    void progress(qint64 rows, qint64 total);
    // ok: every page was read and written. Not ok: `error` says why in a sentence (empty when cancelled).
    void finished(bool ok, const QString &error);

private:
    void fetchPage();
    void onPage(const Json &data, const Json &meta, const QString &error);
    void writeRecord(const Json &record);
    bool writeBytes(const QByteArray &bytes);
    bool writeCsvFromSpill();
    void finish(bool ok, const QString &error);

    QPointer<ApiConnection> m_connection;
    ExportRequest m_request;
    QIODevice *m_out;
    std::unique_ptr<QTemporaryFile> m_spill;   // CSV of every field: the records as JSON lines
    QStringList m_fields;                      // the fields seen, in the order first seen
    QSet<QString> m_fieldSet;
    int m_page = 1;
    int m_pageSize = 100;
    int m_largest = 0;
    qint64 m_received = 0;                     // rows the server sent (offsets count them)
    qint64 m_written = 0;
    qint64 m_total = -1;
    qint64 m_unmatched = 0;
    QString m_unmatchedBy;
    QUrl m_next;
    QSet<QString> m_lastPageIds;
    bool m_running = false;
    bool m_cancelled = false;
    bool m_firstJson = true;
    QString m_writeError;
    int m_serial = 0;
};

} // namespace refetch
