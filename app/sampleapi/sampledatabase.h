#pragma once

#include "record.h"

#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

QT_BEGIN_NAMESPACE
class QSqlQuery;
QT_END_NAMESPACE

namespace refetch::sampleapi {

// A resource as json-server has them: a collection of records ("posts"), or one object ("profile").
struct Resource
{
    QString name;
    bool singular = false;
    QList<Record> records; // a collection's records, in insertion order
    Record object;         // a singular resource's object
};

// The sample API's data in SQLite, mirrored in memory so that reads never touch the disk; every write is
// one transaction, made before the memory copy changes.
class SampleDatabase
{
public:
    SampleDatabase();
    ~SampleDatabase();
    SampleDatabase(const SampleDatabase &) = delete;
    SampleDatabase &operator=(const SampleDatabase &) = delete;

    // Opens (creating the file and its folder if needed) and loads the data.
    bool open(const QString &path, QString *error);
    bool isOpen() const;
    QString path() const { return m_path; }

    // What the data was seeded from (a hash of the seed), empty when it never was.
    QString seedSource() const { return m_seedSource; }
    // Replaces all data with `resources`.
    bool seed(const QList<Resource> &resources, const QString &source, QString *error);
    // A db.json in json-server's format: an object of resource name -> array of records (or one object).
    static std::optional<QList<Resource>> parseSeed(QByteArrayView json, QString *error);

    const QList<Resource> &resources() const { return m_resources; }
    // Matched case-insensitively, as Express routes are; null when there is no such resource.
    const Resource *resource(QStringView name) const;
    // The first record of a collection whose id reads as `id` (ids compare as strings, as in json-server).
    qsizetype indexOf(const QString &resource, const QString &id) const;

    bool append(const QString &resource, const Record &record, QString *error);
    bool replace(const QString &resource, qsizetype index, const Record &record, QString *error);
    // Removes records by index from several collections in one transaction.
    bool remove(const QHash<QString, QList<qsizetype>> &rows, QString *error);
    bool setObject(const QString &resource, const Record &object, QString *error);

    // Told of every record a write created ("created"), changed ("updated") or removed ("deleted"), once it is
    // saved; a singular resource's change has a null id. Seeding tells nothing.
    using ChangeFn = std::function<void(const QString &resource, const QJsonValue &id, const char *action)>;
    void setChangeHandler(ChangeFn handler) { m_changed = std::move(handler); }

    // Everything, as GET /db answers it.
    QByteArray toJson() const;

    // A write's answer kept under its Idempotency-Key (as Stripe keeps them, for 24 hours), replayed when the
    // same key comes again, so that a write sent twice applies once.
    struct IdempotentReply
    {
        QByteArray fingerprint;  // what the request was (method, path, body): another request may not reuse the key
        int status = 0;
        QByteArray body;
        QByteArray headers;      // "Name: value" lines
    };
    std::optional<IdempotentReply> idempotentReply(const QByteArray &key) const;
    bool saveIdempotentReply(const QByteArray &key, const IdempotentReply &reply, QString *error);
    static constexpr qint64 IdempotencyLifetimeMs = 24 * 3600 * 1000;

private:
    bool createSchema(QString *error);
    bool load(QString *error);
    Resource *mutableResource(const QString &name);
    bool fail(const QString &what, QString *error) const;
    // Runs a prepared statement; on failure says which and why.
    bool exec(QSqlQuery &query, QString *error) const;

    QString m_connection;
    QString m_path;
    QString m_seedSource;
    QList<Resource> m_resources;
    QHash<QString, QList<qint64>> m_seqs; // per collection, the SQLite row of each record (same order)
    ChangeFn m_changed;
};

} // namespace refetch::sampleapi
