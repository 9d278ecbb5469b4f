#pragma once

#include "core/json/json.h"

#include <QHashFunctions>
#include <QList>
#include <QString>

namespace refetch {

// A label a query provides and a mutation invalidates, as in RTK Query: a type ("Post") and an optional id
// (7, or "LIST" for a list). Numbers and strings name the same id: {Post, 7} == {Post, "7"}, as REST paths do.
// Integer ids are kept as numbers: no string to build when a tag is made, none to compare when it is looked up.
class Tag
{
public:
    Tag() = default;
    Tag(const QString &type) : m_type(type) {}                  // NOLINT: a bare type is a tag
    Tag(const char *type) : m_type(QString::fromUtf8(type)) {}  // NOLINT
    Tag(const QString &type, const Json &id);
    Tag(const QString &type, qint64 id) : m_type(type), m_number(id), m_kind(IdKind::Number) {}
    Tag(const QString &type, int id) : Tag(type, qint64(id)) {}
    Tag(const QString &type, const QString &id);
    Tag(const QString &type, const char *id) : Tag(type, QString::fromUtf8(id)) {}

    const QString &type() const { return m_type; }
    bool hasId() const { return m_kind != IdKind::None; }
    bool hasNumericId() const { return m_kind == IdKind::Number; }
    qint64 numericId() const { return m_number; }
    QString id() const { return m_kind == IdKind::Number ? QString::number(m_number) : m_string; }
    QString toString() const { return hasId() ? m_type + u':' + id() : m_type; }
    // {"type": "Post", "id": 7} (no "id" without one): how a tag is written down (persisted writes and cache).
    Json toJson() const;
    // A tag as toJson() wrote it; a string id is taken as written.
    static Tag fromJson(const Json &json);

    friend bool operator==(const Tag &a, const Tag &b)
    {
        return a.m_kind == b.m_kind && a.m_number == b.m_number && a.m_type == b.m_type && a.m_string == b.m_string;
    }
    friend size_t qHash(const Tag &t, size_t seed = 0) noexcept
    {
        return qHashMulti(seed, t.m_type, t.m_string, t.m_number, int(t.m_kind));
    }

private:
    enum class IdKind : quint8 { None, Number, String };
    QString m_type;
    QString m_string;
    qint64 m_number = 0;
    IdKind m_kind = IdKind::None;
};

using TagList = QList<Tag>;

} // namespace refetch
