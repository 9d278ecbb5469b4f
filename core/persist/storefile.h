#pragma once

#include <QObject>
#include <QSqlDatabase>
#include <QString>
#include <functional>

QT_BEGIN_NAMESPACE
class QSqlQuery;
QT_END_NAMESPACE

namespace refetch {

// One SQLite file (WAL mode) that keeps a client's cache, its queued writes and its form's unsaved edits across
// restarts: the tables of CacheStore, MutationStore and DraftStore. A file of another schema version, or one
// SQLite cannot read, is moved aside with a warning and a new one is started, so that a bad file never stops the app.
class StoreFile : public QObject
{
    Q_OBJECT
public:
    // Bumped whenever a table changes (PRAGMA user_version); a file of another version is moved aside. A new
    // table needs no bump: every open makes the missing ones (CREATE TABLE IF NOT EXISTS).
    static constexpr int SchemaVersion = 1;

    // How a transaction reaches the disk: Normal may lose the last commits to a power cut (the cache can be
    // fetched again); Full syncs the commit (synchronous=FULL), for the writes a user made.
    enum class Durability { Normal, Full };

    explicit StoreFile(QObject *parent = nullptr);
    ~StoreFile() override;

    // Opens `path`, creating it and its folder. Another StoreFile of this process on the same path is closed
    // first, so that what it still had to write lands before this one reads. An unusable file is moved to
    // "<path>.corrupt" or "<path>.version-<N>" (movedAside()). False only when no file can be made at all.
    bool open(const QString &path, QString *error = nullptr);
    // Emits closing() (the stores write what they hold), then closes. Also done by the destructor.
    void close();
    bool isOpen() const { return m_open; }
    QString path() const { return m_path; }
    // Where an unusable file went when it was last opened or recovered; empty when none was.
    QString movedAside() const { return m_movedAside; }

    // The connection, for the stores' statements (valid while open).
    QSqlDatabase database() const;
    // Runs `work` in one transaction and commits it; rolls back when `work` returns false or the commit fails.
    bool transaction(Durability durability, const std::function<bool()> &work);
    // A read found the file damaged after all: moves it aside and starts a clean one (tables empty).
    bool recover(const QString &why);
    // Runs a prepared statement; on failure warns with the statement and SQLite's reason.
    static bool execute(QSqlQuery &query);

    // Small values kept beside the data (e.g. whose data the cache holds); empty when unset.
    QString value(const QString &key) const;
    bool setValue(const QString &key, const QString &value);

    // The default folder of the files: "endpoints" in QStandardPaths::CacheLocation.
    static QString defaultDirectory();
    // Deletes the file at `path` for good, with SQLite's -wal and -shm and what open() moved aside from it; a
    // StoreFile of this process open on it is closed first. False when some of it could not be deleted.
    static bool remove(const QString &path);

Q_SIGNALS:
    // The file is about to close: write what is pending now.
    void closing();
    // recover() replaced the file with an empty one: what the stores had written is gone, write it again.
    void recovered();

private:
    bool openConnection(QString *why);
    void closeConnection();
    // Checks the version and makes the tables; an empty `why` with false means another version.
    bool prepareSchema(QString *why, int *foundVersion);
    bool moveAside(const QString &suffix, const QString &why);
    bool exec(const QString &statement, QString *why = nullptr) const;

    QString m_connection;
    QString m_path;
    QString m_movedAside;
    bool m_open = false;
};

} // namespace refetch
