#pragma once

#include "core/json/json.h"
#include "core/schema/resourceschema.h"

#include <QFile>
#include <QHash>
#include <QObject>
#include <QPointer>

namespace refetch {

class ApiConnection;
class Mutation;

// A CSV file into a resource: each row a record made on the server (a create through the queue, so each is
// persisted before it is sent), a few at a time. The rows are read and checked first (typed by the fields they go
// to; a row with a cell that is no value of its field is not sent, and says why); those the server refuses are
// listed with why and can be fixed and sent again.
//
// An import stopped by a crash, a SIGKILL or a closed window resumes where it was, creating nothing twice: each
// row's create has an id of its own (the import's id and the row's number, also its Idempotency-Key), and a journal
// beside the cache says which rows were handed to the queue and which are done. Started again with the same file,
// resource and mapping, the import skips the rows done, follows the creates the queue restored, and makes only the
// rows never handed over; a create that may have reached a server that does not honour Idempotency-Key is matched
// against the records the server has (MutationQueue's restore), never sent blindly again.
class CsvImport : public QObject
{
    Q_OBJECT
public:
    struct Row
    {
        qsizetype line = 0;     // 1-based, the header being line 1
        Json record;            // the typed record; Undefined when `problem` is set
        QString problem;
    };
    struct Failure
    {
        qsizetype line = 0;
        Json record;
        QString why;
    };

    // The field each CSV column goes to, guessed by name (exact, then ignoring case, spaces, _ and -, then the
    // server's label); empty: the column is left out.
    static QStringList guessFields(const QStringList &header, const QStringList &fields, const ResourceSchema &schema);
    // A cell's text as a value of a field now holding `sample` (`schema` when described): a number for a number,
    // true/false for a boolean, null for an empty cell where the field takes null, else the text. Undefined, with
    // `error`, when it is not one.
    static Json typedCell(const QString &text, const Json &sample, const FieldSchema *schema, QString *error);
    // The rows as records, checked: `rows` without the header, `fieldOf` from guessFields() or the user, `sample` a
    // record of the resource (for the types the schema does not give). A cell the schema refuses is a problem too.
    static QList<Row> prepare(const QList<QStringList> &rows, const QStringList &fieldOf, const ResourceSchema &schema,
                              const Json &sample);
    // The import's identity: the same file, resource and mapping on the same server's data (`endpoint`: its
    // ApiConnection::cacheIdentity(), so that a sample API started afresh is another import) resume the same import.
    static QString importId(const QString &endpoint, const QString &resource, const QByteArray &fileContents,
                            const QStringList &fieldOf);

    // `journalDirectory`: where the journal is kept (ApiConnection's cache directory's "imports"); the connection
    // must persist its writes there too for a crash to lose nothing.
    CsvImport(ApiConnection *connection, QString resource, QString importId, QList<Row> rows,
              QString journalDirectory, QObject *parent = nullptr);
    ~CsvImport() override;

    // Reads the journal (resuming) and starts; false, with `error`, when the journal cannot be written.
    bool start(QString *error = nullptr);
    // Sends `record` for the row of `line` again (a failed row fixed).
    void resend(qsizetype line, const Json &record);

    int total() const { return int(m_rows.size()); }
    int created() const { return m_done; }
    int skipped() const { return m_skipped; }            // done in an earlier run (resumed)
    int refused() const { return int(m_failures.size()); }
    int unchecked() const { return m_problems; }          // rows with a problem: never sent
    bool isDone() const;
    QList<Failure> failures() const;
    QString journalPath() const;

    static constexpr int Batch = 50;   // rows handed to the queue at a time

Q_SIGNALS:
    void progressed();
    void finished();

private:
    enum class State : quint8 { New, Handed, Done, Failed };
    void handOut();
    void follow(qsizetype index, Mutation *m);
    // A restored create of a row the journal says is settled: made (`created`) or refused; never asked about.
    void settleKnown(Mutation *m, bool created);
    void note(char what, qsizetype line, const QString &why = {});
    QString mutationId(qsizetype line) const;
    void checkDone();

    QPointer<ApiConnection> m_connection;
    QString m_resource;
    QString m_id;
    QList<Row> m_rows;
    QString m_directory;
    QFile m_journal;
    QList<State> m_states;
    QHash<qsizetype, qsizetype> m_indexOfLine;
    QList<Failure> m_failures;
    qsizetype m_next = 0;     // the next row to hand out
    int m_inFlight = 0;
    int m_done = 0;
    int m_skipped = 0;
    int m_problems = 0;
    bool m_finished = false;
};

} // namespace refetch
