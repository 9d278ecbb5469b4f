#include "storefile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>

#include <atomic>

Q_LOGGING_CATEGORY(lcPersist, "refetch.persist", QtInfoMsg)

namespace refetch {

namespace {

// The tables of a file: the cache (one row per entry), the queued writes (one row per write, in order), drafts.
const char *const Schema[] = {
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    // key: the query key's canonical JSON; data, meta and tags: compact JSON; updated_at: ms since the epoch;
    // size: the bytes of data, for the size cap without reading the data.
    "CREATE TABLE IF NOT EXISTS queries (key TEXT PRIMARY KEY, data BLOB NOT NULL, meta BLOB, "
    "updated_at INTEGER NOT NULL, tags BLOB, etag BLOB, last_modified BLOB, size INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS queries_by_age ON queries (updated_at)",
    // body: PersistedMutation::toJson(); seq: the order the writes were made in.
    "CREATE TABLE IF NOT EXISTS mutations (id TEXT PRIMARY KEY, endpoint TEXT NOT NULL, seq INTEGER NOT NULL, "
    "body BLOB NOT NULL)",
    // A form's unsaved edits (DraftStore), one per endpoint; body: Draft::toJson(). Added after version 1 was
    // released: IF NOT EXISTS makes it in the files of version 1 as they open, so the version stays.
    "CREATE TABLE IF NOT EXISTS drafts (endpoint TEXT PRIMARY KEY, saved_at INTEGER NOT NULL, body BLOB NOT NULL)",
};

// The files open in this process, by path: a second StoreFile on one path closes the first.
QHash<QString, StoreFile *> &openFiles()
{
    static QHash<QString, StoreFile *> files;
    return files;
}

} // namespace

StoreFile::StoreFile(QObject *parent)
    : QObject(parent)
{
    static std::atomic<int> counter{0};
    m_connection = QStringLiteral("refetch-store-%1").arg(++counter);
}

StoreFile::~StoreFile()
{
    close();
}

QString StoreFile::defaultDirectory()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation)).filePath(QStringLiteral("endpoints"));
}

bool StoreFile::remove(const QString &path)
{
    const QFileInfo info(path);
    if (StoreFile *open = openFiles().value(QDir::cleanPath(info.absoluteFilePath())))
        open->close();
    // The file, and what moveAside() made of it: "<name>.corrupt" and "<name>.version-<N>", each with its WAL.
    const QRegularExpression ours(u'^' + QRegularExpression::escape(info.fileName())
                                  + QStringLiteral(R"((\.corrupt|\.version--?\d+)?(-wal|-shm)?$)"));
    const QDir dir = info.absoluteDir();
    bool removed = true;
    for (const QString &name : dir.entryList(QDir::Files | QDir::Hidden | QDir::System)) {
        if (ours.match(name).hasMatch() && !QFile::remove(dir.filePath(name))) {
            qCWarning(lcPersist).noquote() << "could not delete" << dir.filePath(name);
            removed = false;
        }
    }
    return removed;
}

QSqlDatabase StoreFile::database() const
{
    return QSqlDatabase::database(m_connection, false);
}

bool StoreFile::exec(const QString &statement, QString *why) const
{
    QSqlQuery query(database());
    if (query.exec(statement))
        return true;
    if (why)
        *why = query.lastError().text();
    return false;
}

bool StoreFile::open(const QString &path, QString *error)
{
    close();
    m_movedAside.clear();
    auto fail = [&](const QString &why) {
        if (error)
            *error = why;
        qCWarning(lcPersist).noquote() << why;
        return false;
    };
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        return fail(QStringLiteral("the Qt SQLite driver is missing (install libqt6sql6-sqlite): nothing is persisted"));
    const QFileInfo info(path);
    const bool newFolder = !QFileInfo::exists(info.absolutePath());
    if (!QDir().mkpath(info.absolutePath()))
        return fail(QStringLiteral("cannot create the folder %1: nothing is persisted").arg(info.absolutePath()));
    // What an API answers may be private: a folder made here is the user's alone (so are the files, below).
    if (newFolder)
        QFile::setPermissions(info.absolutePath(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    m_path = QDir::cleanPath(info.absoluteFilePath());
    if (StoreFile *other = openFiles().value(m_path); other && other != this)
        other->close();

    QString why;
    int version = 0;
    if (!openConnection(&why) || !prepareSchema(&why, &version)) {
        const bool otherVersion = why.isEmpty();
        const QString reason = otherVersion
            ? QStringLiteral("it has schema version %1 and this build reads version %2").arg(version).arg(SchemaVersion)
            : QStringLiteral("SQLite cannot read it (%1)").arg(why);
        const QString suffix = otherVersion ? QStringLiteral(".version-%1").arg(version) : QStringLiteral(".corrupt");
        if (!moveAside(suffix, reason))
            return fail(QStringLiteral("cannot move %1 aside: nothing is persisted").arg(m_path));
        if (!openConnection(&why) || !prepareSchema(&why, &version)) {
            closeConnection();
            return fail(QStringLiteral("cannot make a new %1: %2").arg(m_path, why.isEmpty() ? QStringLiteral("unknown") : why));
        }
    }
    m_open = true;
    openFiles().insert(m_path, this);
    return true;
}

bool StoreFile::openConnection(QString *why)
{
    // Made empty (a valid empty database) and private before SQLite opens it: its WAL and index take its mode.
    if (!QFileInfo::exists(m_path)) {
        QFile file(m_path);
        if (file.open(QIODevice::WriteOnly))
            file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    if (!db.open()) {
        *why = db.lastError().text();
        return false;
    }
    return true;
}

void StoreFile::closeConnection()
{
    if (!QSqlDatabase::contains(m_connection))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

bool StoreFile::prepareSchema(QString *why, int *foundVersion)
{
    // A file that is not a database fails here, at its first read ("file is not a database").
    QSqlQuery query(database());
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next()) {
        *why = query.lastError().text();
        return false;
    }
    const int version = query.value(0).toInt();
    if (version == 0) {
        // Version 0 is a new file, unless it has tables: then it is someone else's.
        if (!query.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")) || !query.next()) {
            *why = query.lastError().text();
            return false;
        }
        if (query.value(0).toInt() != 0) {
            why->clear();
            *foundVersion = 0;
            return false;
        }
    } else if (version != SchemaVersion) {
        why->clear();
        *foundVersion = version;
        return false;
    }
    query.finish();
    // WAL: readers never wait for the writer, and a commit appends instead of rewriting pages.
    if (!exec(QStringLiteral("PRAGMA journal_mode=WAL"), why) || !exec(QStringLiteral("PRAGMA synchronous=NORMAL"), why))
        return false;
    for (const char *statement : Schema) {
        if (!exec(QString::fromLatin1(statement), why))
            return false;
    }
    return exec(QStringLiteral("PRAGMA user_version=%1").arg(SchemaVersion), why);
}

bool StoreFile::moveAside(const QString &suffix, const QString &why)
{
    closeConnection();
    const QString aside = m_path + suffix;
    for (const char *part : {"", "-wal", "-shm"})
        QFile::remove(aside + QLatin1StringView(part));
    // The WAL holds the file's last commits: it goes with it. The shared-memory index is rebuilt from it.
    bool moved = !QFile::exists(m_path) || QFile::rename(m_path, aside);
    if (moved && QFile::exists(m_path + QStringLiteral("-wal")))
        moved = QFile::rename(m_path + QStringLiteral("-wal"), aside + QStringLiteral("-wal"));
    QFile::remove(m_path + QStringLiteral("-shm"));
    if (!moved) {
        // Renaming failed (a read-only folder entry, say): a clean start still beats no cache at all.
        moved = QFile::remove(m_path) && (!QFile::exists(m_path + QStringLiteral("-wal")) || QFile::remove(m_path + QStringLiteral("-wal")));
        if (moved)
            qCWarning(lcPersist).noquote() << "deleted" << m_path << "because" << why;
        return moved;
    }
    m_movedAside = aside;
    qCWarning(lcPersist).noquote() << "moved" << m_path << "aside to" << aside << "because" << why
                                   << "- starting with an empty cache";
    return true;
}

bool StoreFile::recover(const QString &why)
{
    if (!m_open)
        return false;
    if (!moveAside(QStringLiteral(".corrupt"), QStringLiteral("SQLite cannot read it (%1)").arg(why)))
        return false;
    QString error;
    int version = 0;
    if (!openConnection(&error) || !prepareSchema(&error, &version)) {
        qCWarning(lcPersist).noquote() << "cannot make a new" << m_path << ":" << error;
        closeConnection();
        m_open = false;
        openFiles().remove(m_path);
        return false;
    }
    Q_EMIT recovered();
    return true;
}

bool StoreFile::execute(QSqlQuery &query)
{
    if (query.exec())
        return true;
    qCWarning(lcPersist).noquote() << "SQLite:" << query.lastError().text() << "in" << query.lastQuery();
    return false;
}

void StoreFile::close()
{
    if (!m_open)
        return;
    Q_EMIT closing();
    m_open = false;
    if (openFiles().value(m_path) == this)
        openFiles().remove(m_path);
    closeConnection();
}

bool StoreFile::transaction(Durability durability, const std::function<bool()> &work)
{
    if (!m_open)
        return false;
    QSqlDatabase db = database();
    // synchronous is per connection: FULL only for this commit.
    if (durability == Durability::Full)
        exec(QStringLiteral("PRAGMA synchronous=FULL"));
    bool ok = db.transaction();
    if (ok) {
        ok = work() && db.commit();
        if (!ok)
            db.rollback();
    }
    if (durability == Durability::Full)
        exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    if (!ok)
        qCWarning(lcPersist).noquote() << "could not write to" << m_path << ":" << db.lastError().text();
    return ok;
}

QString StoreFile::value(const QString &key) const
{
    if (!m_open)
        return {};
    QSqlQuery query(database());
    query.prepare(QStringLiteral("SELECT value FROM meta WHERE key = ?"));
    query.addBindValue(key);
    return query.exec() && query.next() ? query.value(0).toString() : QString();
}

bool StoreFile::setValue(const QString &key, const QString &value)
{
    if (!m_open)
        return false;
    QSqlQuery query(database());
    query.prepare(QStringLiteral("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"));
    query.addBindValue(key);
    query.addBindValue(value);
    if (query.exec())
        return true;
    qCWarning(lcPersist).noquote() << "could not write to" << m_path << ":" << query.lastError().text();
    return false;
}

} // namespace refetch
