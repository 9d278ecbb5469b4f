#pragma once

#include "json.h"

#include <QHashFunctions>
#include <QList>
#include <QString>

namespace refetch {

// A label a query provides and a mutation invalidates, as in RTK Query: a type ("Post") and an optional id
// (7, or "LIST" for a list). Numbers and strings name the same id: {Post, 7} == {Post, "7"}, as REST paths do.
class Tag
{
public:
    Tag() = default;
    Tag(const QString &type) : m_type(type) {}              // NOLINT: a bare type is a tag
    Tag(const char *type) : m_type(QString::fromUtf8(type)) {} // NOLINT
    Tag(const QString &type, const Json &id);
    Tag(const QString &type, qint64 id) : m_type(type), m_id(QString::number(id)), m_hasId(true) {}
    Tag(const QString &type, const QString &id) : m_type(type), m_id(id), m_hasId(true) {}
    Tag(const QString &type, const char *id) : Tag(type, QString::fromUtf8(id)) {}

    const QString &type() const { return m_type; }
    bool hasId() const { return m_hasId; }
    const QString &id() const { return m_id; }
    QString toString() const { return m_hasId ? m_type + u':' + m_id : m_type; }

    friend bool operator==(const Tag &a, const Tag &b)
    {
        return a.m_hasId == b.m_hasId && a.m_type == b.m_type && a.m_id == b.m_id;
    }
    friend size_t qHash(const Tag &t, size_t seed = 0) noexcept
    {
        return qHashMulti(seed, t.m_type, t.m_id, t.m_hasId);
    }

private:
    QString m_type;
    QString m_id;
    bool m_hasId = false;
};

using TagList = QList<Tag>;

// A tag's id from a JSON value: integers and strings by their text, anything else by its canonical JSON.
QString tagIdFromJson(const Json &id);

} // namespace refetch
