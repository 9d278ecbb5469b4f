#pragma once

#include "core/json/json.h"
#include "core/providers/dataprovider.h"
#include "support/externalserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace refetch::test {

// The servers tst_dialects and tst_dialectwindow run against, and the data both seed them with. Every field of the
// seed is a simple function of the id, so that expectations can be computed.
namespace dialects {

constexpr int Posts = 45;
constexpr int Users = 5;
constexpr int Comments = 60;
constexpr int PageSize = 10;   // the 45 posts come in five pages

// A word only titles hold, so that every server's search (a phrase, words, any field) finds the same posts.
inline QString topic(int id)
{
    static const QStringList topics{QStringLiteral("Qt"), QStringLiteral("REST"), QStringLiteral("SQLite"),
                                    QStringLiteral("caching"), QStringLiteral("testing")};
    return topics.at(id % topics.size());
}

inline QString title(int id)
{
    return QStringLiteral("Post %1 on %2").arg(id).arg(topic(id));
}

inline int views(int id)
{
    return (id * 37) % 101;
}

inline int userOf(int postId)
{
    return (postId - 1) % Users + 1;
}

// json-server's db.json format, which every server in tests/servers/ seeds from.
inline QByteArray seedJson()
{
    QJsonArray users, posts, comments;
    for (int id = 1; id <= Users; ++id)
        users.append(QJsonObject{{"id", id}, {"name", QStringLiteral("User %1").arg(id)}, {"active", id % 2 == 1}});
    for (int id = 1; id <= Posts; ++id) {
        const bool published = id % 3 != 0;
        posts.append(QJsonObject{
            {"id", id},
            {"userId", userOf(id)},
            {"title", title(id)},
            {"views", views(id)},
            {"published", published},
            {"rating", id % 4 == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(1 + (id % 5) * 0.5)},
            {"publishedAt", published ? QJsonValue(QStringLiteral("2024-01-%1T09:30:00Z").arg(id % 28 + 1, 2, 10, QLatin1Char('0')))
                                      : QJsonValue(QJsonValue::Null)},
            {"meta", QJsonObject{{"words", id * 10}, {"tags", QJsonArray{"a", "b"}}}}});
    }
    for (int id = 1; id <= Comments; ++id)
        comments.append(QJsonObject{{"id", id}, {"postId", (id - 1) % Posts + 1}, {"body", QStringLiteral("Comment %1").arg(id)}});
    return QJsonDocument(QJsonObject{{"users", users}, {"posts", posts}, {"comments", comments}}).toJson();
}

// 7 and "7" alike (json-server 1.x and JSON:API hand out string ids).
inline QString idText(const Json &id)
{
    return id.isString() ? id.toString() : QString::fromUtf8(id.toJson());
}

// One server, and what its dialect can and cannot do. REFETCH_DIALECT_PEER names it (tests/CMakeLists.txt):
// builtin, jsonserver017, jsonserver1, drf-page, drf-limitoffset, drf-cursor, drf-none, drf-hyperlinked, fastapi,
// jsonapi.
struct Peer
{
    QString name;
    std::optional<ExternalServer::Kind> kind;   // none: the built-in API
    QStringList args;
    QString dialect;                            // what detection must find
    Paging paging = Paging::PageNumber;         // ... and its paging
    bool total = true;                          // the first page says how many records there are
    bool paged = true;                          // lists come a page at a time
    bool search = true;                         // the server searches titles
    bool validates = true;                      // the server refuses a bad value
    bool fieldNamed = true;                     // ... and names the field
    QString invalidField = QStringLiteral("views");
    Json invalidValue = Json(-1);               // set in the record model
    QString invalidText = QStringLiteral("-1"); // typed into the field's editor
    bool links = false;                         // references are the URLs of the records (DRF hyperlinked)

    // A reference to record `id` of `resource` on the server at `base`, as the server writes it: the id, or (links)
    // the record's URL.
    Json refTo(const QUrl &base, const QString &resource, int id) const
    {
        return links ? Json(base.resolved(QUrl(QStringLiteral("%1/%2/").arg(resource).arg(id))).toString()) : Json(id);
    }
    // The id a reference's value names: the value, or the last part of its URL.
    Json refId(const Json &value) const
    {
        if (!links || !value.isString())
            return value;
        const QStringList parts = QUrl(value.toString()).path().split(u'/', Qt::SkipEmptyParts);
        return parts.isEmpty() ? Json() : Json(parts.last().toLongLong());
    }
};

inline Peer peer(const QString &name)
{
    if (name == u"builtin")
        return Peer{.name = name, .dialect = QStringLiteral("json-server"), .validates = false};
    if (name == u"jsonserver017")
        return Peer{.name = name, .kind = ExternalServer::JsonServer017, .dialect = QStringLiteral("json-server"),
                    .validates = false};
    if (name == u"jsonserver1")
        return Peer{.name = name, .kind = ExternalServer::JsonServer, .dialect = QStringLiteral("json-server-1"),
                    .search = false, .validates = false};
    if (name == u"drf-hyperlinked")
        // DRF's tutorial's HyperlinkedModelSerializer: references as the URLs of the records they point at.
        return Peer{.name = name, .kind = ExternalServer::Drf, .args = {QStringLiteral("--hyperlinked")},
                    .dialect = QStringLiteral("drf"), .links = true};
    if (name.startsWith(u"drf-"))
        return Peer{.name = name, .kind = ExternalServer::Drf, .args = {QStringLiteral("--paging"), name.mid(4)},
                    .dialect = QStringLiteral("drf"),
                    .paging = name == u"drf-limitoffset" ? Paging::Offset
                            : name == u"drf-cursor"      ? Paging::Cursor
                            : name == u"drf-none"        ? Paging::None
                                                         : Paging::PageNumber,
                    .total = name != u"drf-cursor", .paged = name != u"drf-none"};
    if (name == u"fastapi")
        return Peer{.name = name, .kind = ExternalServer::FastApi, .dialect = QStringLiteral("openapi"),
                    .paging = Paging::Offset, .total = false};
    if (name == u"jsonapi")
        // Fortune names the field in its message only; the empty title is what it refuses.
        return Peer{.name = name, .kind = ExternalServer::JsonApi, .dialect = QStringLiteral("jsonapi"),
                    .paging = Paging::Offset, .search = false, .fieldNamed = false,
                    .invalidField = QStringLiteral("title"), .invalidValue = Json(QString()), .invalidText = QString()};
    return Peer{};
}

} // namespace dialects
} // namespace refetch::test
