#pragma once

#include "core/client/clock.h"
#include "core/json/json.h"
#include "core/cache/querykey.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <functional>

namespace refetch::test {

// Reads a store's SQLite file through a connection of its own, as another process would: what is committed.
inline QVariantList readColumn(const QString &path, const QString &sql, const QVariantList &bindings = {})
{
    static int counter = 0;
    const QString name = QStringLiteral("tst-inspect-%1").arg(++counter);
    QVariantList out;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery query(db);
            query.prepare(sql);
            for (const QVariant &v : bindings)
                query.addBindValue(v);
            if (query.exec()) {
                while (query.next())
                    out.append(query.value(0));
            }
        }
    }
    QSqlDatabase::removeDatabase(name);
    return out;
}

inline int rowCount(const QString &path, const char *table)
{
    const QVariantList v = readColumn(path, QStringLiteral("SELECT count(*) FROM %1").arg(QLatin1StringView(table)));
    return v.isEmpty() ? -1 : v.first().toInt();
}

inline int userVersion(const QString &path)
{
    const QVariantList v = readColumn(path, QStringLiteral("PRAGMA user_version"));
    return v.isEmpty() ? -1 : v.first().toInt();
}

inline Json storedData(const QString &path, const QueryKey &key)
{
    const QVariantList v = readColumn(path, QStringLiteral("SELECT data FROM queries WHERE key = ?"), {key.canonical()});
    return v.isEmpty() ? Json() : Json::parse(v.first().toByteArray());
}

inline TimePoint storedUpdatedAt(const QString &path, const QueryKey &key)
{
    const QVariantList v = readColumn(path, QStringLiteral("SELECT updated_at FROM queries WHERE key = ?"), {key.canonical()});
    return TimePoint{v.isEmpty() ? -1 : v.first().toLongLong()};
}

// The ids of the saved writes, in their order.
inline QStringList storedMutationIds(const QString &path)
{
    QStringList ids;
    for (const QVariant &v : readColumn(path, QStringLiteral("SELECT id FROM mutations ORDER BY seq")))
        ids.append(v.toString());
    return ids;
}

} // namespace refetch::test
