#include "sampledatabase.h"

#include "jsvalue.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <atomic>

Q_LOGGING_CATEGORY(lcDatabase, "refetch.sampleapi.database", QtInfoMsg)

namespace refetch::sampleapi {

namespace {

// Bumped when the tables change: an older file is then dropped and seeded again.
constexpr int SchemaVersion = 1;

const char *const Schema[] = {
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    // object: a singular resource's JSON; NULL for a collection.
    "CREATE TABLE IF NOT EXISTS resources (position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, object TEXT)",
    // seq keeps insertion order (AUTOINCREMENT never reuses a number); id is the record's id as text, for people
    // reading the file with sqlite3.
    "CREATE TABLE IF NOT EXISTS records (seq INTEGER PRIMARY KEY AUTOINCREMENT, resource TEXT NOT NULL, id TEXT, "
    "body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS records_by_resource ON records (resource, seq)",
    // The answers to writes sent with an Idempotency-Key; created: ms since the epoch, for expiry.
    "CREATE TABLE IF NOT EXISTS idempotency (key BLOB PRIMARY KEY, fingerprint BLOB NOT NULL, status INTEGER NOT NULL, "
    "body BLOB, headers BLOB, created INTEGER NOT NULL)",
};

QVariant idColumn(const Record &record)
{
    const QJsonValue id = record.value(u"id");
    return id.isUndefined() || id.isNull() ? QVariant() : QVariant(js::toString(id));
}

} // namespace

SampleDatabase::SampleDatabase()
{
    static std::atomic<int> counter{0};
    m_connection = QStringLiteral("refetch-sampleapi-%1").arg(++counter);
}

SampleDatabase::~SampleDatabase()
{
    if (QSqlDatabase::contains(m_connection)) {
        QSqlDatabase::database(m_connection, false).close();
        QSqlDatabase::removeDatabase(m_connection);
    }
}

bool SampleDatabase::isOpen() const
{
    return QSqlDatabase::contains(m_connection) && QSqlDatabase::database(m_connection, false).isOpen();
}

bool SampleDatabase::fail(const QString &what, QString *error) const
{
    if (error)
        *error = what;
    qCWarning(lcDatabase).noquote() << m_path << what;
    return false;
}

bool SampleDatabase::exec(QSqlQuery &query, QString *error) const
{
    return query.exec() || fail(QStringLiteral("SQLite: %1 (%2)").arg(query.lastError().text(), query.lastQuery()), error);
}

bool SampleDatabase::open(const QString &path, QString *error)
{
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        return fail(QStringLiteral("the Qt SQLite driver is missing (install libqt6sql6-sqlite)"), error);
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return fail(QStringLiteral("cannot create the folder %1").arg(info.absolutePath()), error);
    m_path = info.absoluteFilePath();
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    if (!db.open())
        return fail(QStringLiteral("cannot open %1: %2").arg(m_path, db.lastError().text()), error);
    QSqlQuery pragma(db);
    // WAL with synchronous=NORMAL: a write costs no fsync, and a crash loses at most the last writes.
    pragma.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    pragma.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    return createSchema(error) && load(error);
}

bool SampleDatabase::createSchema(QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery query(db);
    int version = 0;
    if (query.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'schema'")) && query.next())
        version = query.value(0).toInt();
    if (version != SchemaVersion) {
        for (const char *table : {"meta", "resources", "records", "idempotency"}) {
            if (!query.exec(QStringLiteral("DROP TABLE IF EXISTS %1").arg(QLatin1StringView(table))))
                return fail(query.lastError().text(), error);
        }
    }
    for (const char *statement : Schema) {
        if (!query.exec(QString::fromLatin1(statement)))
            return fail(QStringLiteral("SQLite: %1").arg(query.lastError().text()), error);
    }
    query.prepare(QStringLiteral("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)"));
    query.addBindValue(SchemaVersion);
    if (!exec(query, error))
        return false;
    query.prepare(QStringLiteral("DELETE FROM idempotency WHERE created < ?"));
    query.addBindValue(QDateTime::currentMSecsSinceEpoch() - IdempotencyLifetimeMs);
    return exec(query, error);
}

bool SampleDatabase::load(QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    m_resources.clear();
    m_seqs.clear();
    m_seedSource.clear();
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (query.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'seed'")) && query.next())
        m_seedSource = query.value(0).toString();

    if (!query.exec(QStringLiteral("SELECT name, object FROM resources ORDER BY position")))
        return fail(query.lastError().text(), error);
    QHash<QString, qsizetype> positions;
    while (query.next()) {
        Resource resource{.name = query.value(0).toString(), .singular = !query.value(1).isNull()};
        if (resource.singular)
            resource.object = Record::fromJson(query.value(1).toByteArray()).value_or(Record());
        positions.insert(resource.name, m_resources.size());
        m_resources.append(std::move(resource));
    }
    if (!query.exec(QStringLiteral("SELECT resource, seq, body FROM records ORDER BY seq")))
        return fail(query.lastError().text(), error);
    while (query.next()) {
        const QString name = query.value(0).toString();
        const qsizetype position = positions.value(name, -1);
        std::optional<Record> record = Record::fromJson(query.value(2).toByteArray());
        if (position < 0 || !record)
            continue; // a row no resource owns: only a hand-edited file has those
        m_resources[position].records.append(std::move(*record));
        m_seqs[name].append(query.value(1).toLongLong());
    }
    qCDebug(lcDatabase).noquote() << "loaded" << m_path << "seeded from" << m_seedSource;
    return true;
}

bool SampleDatabase::seed(const QList<Resource> &resources, const QString &source, QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction())
        return fail(db.lastError().text(), error);
    QSqlQuery query(db);
    bool ok = query.exec(QStringLiteral("DELETE FROM records")) && query.exec(QStringLiteral("DELETE FROM resources"))
        && query.exec(QStringLiteral("DELETE FROM idempotency"));
    if (ok) {
        query.prepare(QStringLiteral("INSERT INTO resources (position, name, object) VALUES (?, ?, ?)"));
        for (qsizetype i = 0; ok && i < resources.size(); ++i) {
            const Resource &r = resources.at(i);
            query.addBindValue(i);
            query.addBindValue(r.name);
            query.addBindValue(r.singular ? QVariant(r.object.toJson()) : QVariant());
            ok = query.exec();
        }
    }
    if (ok) {
        query.prepare(QStringLiteral("INSERT INTO records (resource, id, body) VALUES (?, ?, ?)"));
        for (const Resource &r : resources) {
            for (qsizetype i = 0; ok && i < r.records.size(); ++i) {
                query.addBindValue(r.name);
                query.addBindValue(idColumn(r.records.at(i)));
                query.addBindValue(r.records.at(i).toJson());
                ok = query.exec();
            }
        }
    }
    if (ok) {
        query.prepare(QStringLiteral("INSERT OR REPLACE INTO meta (key, value) VALUES ('seed', ?)"));
        query.addBindValue(source);
        ok = query.exec();
    }
    if (!ok) {
        const QString why = query.lastError().text();
        db.rollback();
        return fail(QStringLiteral("cannot seed: %1").arg(why), error);
    }
    if (!db.commit())
        return fail(db.lastError().text(), error);
    return load(error);
}

std::optional<QList<Resource>> SampleDatabase::parseSeed(QByteArrayView json, QString *error)
{
    auto failed = [error](const QString &why) -> std::optional<QList<Resource>> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return failed(QStringLiteral("not valid JSON: %1 at offset %2").arg(parseError.errorString()).arg(parseError.offset));
    if (!doc.isObject())
        return failed(QStringLiteral("the data must be a JSON object of resource name -> array of records, "
                                     "as json-server's db.json"));
    QList<Resource> resources;
    for (const auto &[name, text] : Record::splitObject(json)) {
        if (name == u"$schema")
            continue; // json-server ignores it too
        if (name.isEmpty() || name.contains(u'/'))
            return failed(QStringLiteral("resource name '%1' cannot be used in a URL path").arg(name));
        const QJsonValue value = doc.object().value(name);
        Resource resource{.name = name};
        if (value.isArray()) {
            const QList<QByteArrayView> elements = Record::splitArray(text);
            resource.records.reserve(elements.size());
            for (qsizetype i = 0; i < elements.size(); ++i) {
                std::optional<Record> record = Record::fromJson(elements.at(i));
                if (!record)
                    return failed(QStringLiteral("%1[%2] is not a JSON object").arg(name).arg(i));
                resource.records.append(std::move(*record));
            }
        } else if (value.isObject()) {
            resource.singular = true;
            resource.object = Record::fromJson(text).value_or(Record());
        } else {
            return failed(QStringLiteral("resource '%1' must be an array of records or an object").arg(name));
        }
        // A repeated name: the last value, as JSON.parse keeps it.
        const auto same = std::find_if(resources.begin(), resources.end(),
                                       [&resource](const Resource &r) { return r.name == resource.name; });
        if (same != resources.end())
            *same = std::move(resource);
        else
            resources.append(std::move(resource));
    }
    return resources;
}

const Resource *SampleDatabase::resource(QStringView name) const
{
    for (const Resource &r : m_resources) {
        if (r.name == name)
            return &r;
    }
    for (const Resource &r : m_resources) {
        if (r.name.compare(name, Qt::CaseInsensitive) == 0)
            return &r;
    }
    return nullptr;
}

Resource *SampleDatabase::mutableResource(const QString &name)
{
    return const_cast<Resource *>(resource(name));
}

qsizetype SampleDatabase::indexOf(const QString &name, const QString &id) const
{
    const Resource *r = resource(name);
    if (!r || r->singular)
        return -1;
    for (qsizetype i = 0; i < r->records.size(); ++i) {
        const QJsonValue value = r->records.at(i).value(u"id");
        if (!value.isUndefined() && !value.isNull() && js::toString(value) == id)
            return i;
    }
    return -1;
}

bool SampleDatabase::append(const QString &name, const Record &record, QString *error)
{
    Resource *r = mutableResource(name);
    if (!r || r->singular)
        return fail(QStringLiteral("no collection named %1").arg(name), error);
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("INSERT INTO records (resource, id, body) VALUES (?, ?, ?)"));
    query.addBindValue(r->name);
    query.addBindValue(idColumn(record));
    query.addBindValue(record.toJson());
    if (!exec(query, error))
        return false;
    r->records.append(record);
    m_seqs[r->name].append(query.lastInsertId().toLongLong());
    if (m_changed)
        m_changed(r->name, record.value(u"id"), "created");
    return true;
}

bool SampleDatabase::replace(const QString &name, qsizetype index, const Record &record, QString *error)
{
    Resource *r = mutableResource(name);
    if (!r || r->singular || index < 0 || index >= r->records.size())
        return fail(QStringLiteral("no record %1 in %2").arg(index).arg(name), error);
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("UPDATE records SET id = ?, body = ? WHERE seq = ?"));
    query.addBindValue(idColumn(record));
    query.addBindValue(record.toJson());
    query.addBindValue(m_seqs.value(r->name).at(index));
    if (!exec(query, error))
        return false;
    r->records[index] = record;
    if (m_changed)
        m_changed(r->name, record.value(u"id"), "updated");
    return true;
}

bool SampleDatabase::remove(const QHash<QString, QList<qsizetype>> &rows, QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction())
        return fail(db.lastError().text(), error);
    QSqlQuery query(db);
    query.prepare(QStringLiteral("DELETE FROM records WHERE seq = ?"));
    for (auto it = rows.cbegin(); it != rows.cend(); ++it) {
        const QList<qint64> &seqs = m_seqs[it.key()];
        for (qsizetype index : it.value()) {
            query.addBindValue(seqs.value(index, -1));
            if (!exec(query, error)) {
                db.rollback();
                return false;
            }
        }
    }
    if (!db.commit())
        return fail(db.lastError().text(), error);
    QList<std::pair<QString, QJsonValue>> removed;
    for (auto it = rows.cbegin(); it != rows.cend(); ++it) {
        Resource *r = mutableResource(it.key());
        QList<qint64> &seqs = m_seqs[it.key()];
        QList<qsizetype> indexes = it.value();
        std::sort(indexes.begin(), indexes.end(), std::greater<>());
        indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());
        for (qsizetype index : indexes) {
            if (r && index >= 0 && index < r->records.size()) {
                removed.prepend({r->name, r->records.at(index).value(u"id")});
                r->records.removeAt(index);
                seqs.removeAt(index);
            }
        }
    }
    if (m_changed) {
        for (const auto &[resource, id] : std::as_const(removed))
            m_changed(resource, id, "deleted");
    }
    return true;
}

bool SampleDatabase::setObject(const QString &name, const Record &object, QString *error)
{
    Resource *r = mutableResource(name);
    if (!r || !r->singular)
        return fail(QStringLiteral("no singular resource named %1").arg(name), error);
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("UPDATE resources SET object = ? WHERE name = ?"));
    query.addBindValue(object.toJson());
    query.addBindValue(r->name);
    if (!exec(query, error))
        return false;
    r->object = object;
    if (m_changed)
        m_changed(r->name, QJsonValue(QJsonValue::Null), "updated");
    return true;
}

std::optional<SampleDatabase::IdempotentReply> SampleDatabase::idempotentReply(const QByteArray &key) const
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT fingerprint, status, body, headers FROM idempotency WHERE key = ? AND created >= ?"));
    query.addBindValue(key);
    query.addBindValue(QDateTime::currentMSecsSinceEpoch() - IdempotencyLifetimeMs);
    if (!exec(query, nullptr) || !query.next())
        return std::nullopt;
    return IdempotentReply{.fingerprint = query.value(0).toByteArray(),
                           .status = query.value(1).toInt(),
                           .body = query.value(2).toByteArray(),
                           .headers = query.value(3).toByteArray()};
}

bool SampleDatabase::saveIdempotentReply(const QByteArray &key, const IdempotentReply &reply, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("INSERT OR REPLACE INTO idempotency (key, fingerprint, status, body, headers, created) "
                                 "VALUES (?, ?, ?, ?, ?, ?)"));
    query.addBindValue(key);
    query.addBindValue(reply.fingerprint);
    query.addBindValue(reply.status);
    query.addBindValue(reply.body);
    query.addBindValue(reply.headers);
    query.addBindValue(QDateTime::currentMSecsSinceEpoch());
    return exec(query, error);
}

QByteArray SampleDatabase::toJson() const
{
    QByteArray out = "{";
    for (const Resource &r : m_resources) {
        if (out.size() > 1)
            out += ',';
        appendJsonString(out, r.name);
        out += ':';
        if (r.singular) {
            out += r.object.toJson();
            continue;
        }
        out += '[';
        for (qsizetype i = 0; i < r.records.size(); ++i) {
            if (i > 0)
                out += ',';
            out += r.records.at(i).toJson();
        }
        out += ']';
    }
    out += '}';
    return out;
}

} // namespace refetch::sampleapi
