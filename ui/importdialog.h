#pragma once

#include "core/json/json.h"
#include "core/schema/resourceschema.h"
#include "core/session/csvimport.h"

#include <QDialog>
#include <QPointer>

class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace refetch {

class ApiConnection;

// File > Import CSV…: a CSV file's rows as new records of the list's resource. First a preview: the file's first
// rows under its columns, each column's field in a drop-down (guessed by name; "(not imported)" leaves it out), and
// the rows checked against the fields' types and the server's description, those with a problem listed (they are not
// sent). Import creates the others (CsvImport: a few at a time, a progress bar, nothing created twice if it is
// stopped and started again with the same file); rows the server refuses are listed with why, their values
// editable, and Send Again sends the fixed ones.
class ImportDialog : public QDialog
{
    Q_OBJECT
public:
    // `sample`: a record of the resource, for the types the schema does not give. `journalDirectory`: where the
    // import's journal is kept (beside the endpoint's cache).
    ImportDialog(ApiConnection *connection, const QString &resource, const ResourceSchema &schema, const Json &sample,
                 const QString &journalDirectory, QWidget *parent = nullptr);
    ~ImportDialog() override;

    // Reads `path`; false (and the reason in errorString()) when it is not CSV with a header and rows.
    bool load(const QString &path);
    QString errorString() const { return m_error; }

    // The field of each column, as chosen now.
    QStringList mapping() const;
    void setField(int column, const QString &field);
    // Rows checked with a problem (never sent) and rows ready.
    int problemCount() const;
    // Starts the import of the rows without problems.
    bool startImport();
    CsvImport *import() const { return m_import; }
    // Sends the row of `line` again with the values now in the failures table.
    void sendAgain(qsizetype line);

    QTableWidget *preview() const { return m_preview; }
    QListWidget *problems() const { return m_problems; }
    QTableWidget *failures() const { return m_failures; }
    QLabel *summary() const { return m_summary; }

Q_SIGNALS:
    void importFinished();

private:
    void check();
    void showProgress();
    void showFailures();

    QPointer<ApiConnection> m_connection;
    QString m_resource;
    ResourceSchema m_schema;
    Json m_sample;
    QString m_journalDirectory;
    QString m_error;
    QByteArray m_contents;
    QStringList m_header;
    QList<QStringList> m_rows;
    QStringList m_fields;
    QList<CsvImport::Row> m_prepared;
    QList<QComboBox *> m_columnFields;
    QLabel *m_summary;
    QTableWidget *m_preview;
    QListWidget *m_problems;
    QProgressBar *m_progress;
    QTableWidget *m_failures;
    QPushButton *m_importButton;
    QPushButton *m_sendAgain;
    CsvImport *m_import = nullptr;
};

} // namespace refetch
