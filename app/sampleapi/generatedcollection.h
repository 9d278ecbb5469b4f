#pragma once

#include "listquery.h"

#include <QByteArray>
#include <QString>

namespace refetch::sampleapi {

struct Reply;

// A read-only collection of records made from their position, for a list longer than anyone would seed (a million
// rows, without a million rows in memory or on disk): record n (from 1) is
// {"id": n, "title": "Row n", "views": ..., "published": ..., "createdAt": ...}. It answers what a list view and
// an export ask of json-server 0.17: _page/_limit, _start/_end, _start/_limit with X-Total-Count, _sort=id with
// _order, id= (getMany), and one record by id; any other parameter is a 400 that says so, and writes a 405.
class GeneratedCollection
{
public:
    GeneratedCollection(QString name, qint64 count) : m_name(std::move(name)), m_count(count) {}

    const QString &name() const { return m_name; }
    qint64 count() const { return m_count; }
    // Record `id` as JSON text (1 <= id <= count()).
    static QByteArray record(qint64 id);

    Reply list(const QueryItems &query) const;
    Reply show(const QString &id) const;
    Reply refuseWrite() const;

private:
    QString m_name;
    qint64 m_count = 0;
};

} // namespace refetch::sampleapi
