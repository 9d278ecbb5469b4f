// The change streams' dialects: each server's messages read into {resource, id, action}, from the shapes their
// documentation shows (Directus, Supabase, Strapi) and the sample API's own; and what each change invalidates.
#include "core/live/directuslivedialect.h"
#include "core/live/liveinvalidator.h"
#include "core/live/plainlivedialect.h"
#include "core/live/strapilivedialect.h"
#include "core/live/supabaselivedialect.h"
#include "core/mutation/resourcetags.h"

#include <QtTest>

using namespace refetch;

Q_DECLARE_METATYPE(refetch::ChangeEvent)

namespace {

ChangeEvent change(const QString &resource, const Json &id, ChangeAction action, const QString &eventId = {})
{
    return ChangeEvent{.resource = resource, .id = id, .action = action, .eventId = eventId};
}

const LiveSubscription posts{.resources = {QStringLiteral("posts"), QStringLiteral("users"), QStringLiteral("categories")}};

} // namespace

class tst_LiveDialect : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyNameMakesItsDialect();
    void resourceForFindsTheEndpointsName_data();
    void resourceForFindsTheEndpointsName();
    void plain_data();
    void plain();
    void plainGreetingAndResync();
    void directusSubscribesAndAnswersPings();
    void directus_data();
    void directus();
    void supabaseJoinsAndBeats();
    void supabase_data();
    void supabase();
    void strapi_data();
    void strapi();
    void invalidMessagesSayNothing_data();
    void invalidMessagesSayNothing();
    void tagsAreThoseOfTheSameWrite();
};

void tst_LiveDialect::everyNameMakesItsDialect()
{
    for (const QString &name : LiveDialect::names()) {
        const auto dialect = LiveDialect::create(name);
        QVERIFY(dialect);
        QCOMPARE(dialect->name(), name);
    }
    QVERIFY(!LiveDialect::create(QStringLiteral("nope")));
}

void tst_LiveDialect::resourceForFindsTheEndpointsName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("resources");
    QTest::addColumn<QString>("expected");
    const QStringList r{QStringLiteral("posts"), QStringLiteral("categories"), QStringLiteral("items/articles"), QStringLiteral("boxes")};
    QTest::newRow("same") << "posts" << r << "posts";
    QTest::newRow("case") << "Posts" << r << "posts";
    QTest::newRow("plural s") << "post" << r << "posts";
    QTest::newRow("plural ies") << "category" << r << "categories";
    QTest::newRow("plural es") << "box" << r << "boxes";
    QTest::newRow("last segment") << "articles" << r << "items/articles";
    QTest::newRow("singular in a path") << "article" << r << "items/articles";
    QTest::newRow("unknown stays") << "tags" << r << "tags";
    QTest::newRow("no resources") << "post" << QStringList() << "post";
}

void tst_LiveDialect::resourceForFindsTheEndpointsName()
{
    QFETCH(QString, name);
    QFETCH(QStringList, resources);
    QFETCH(QString, expected);
    QCOMPARE(LiveDialect::resourceFor(name, resources), expected);
}

void tst_LiveDialect::plain_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QList<ChangeEvent>>("expected");
    QTest::newRow("SSE update") << "change" << QByteArray(R"({"resource":"posts","id":7,"action":"updated"})")
                                << QList{change("posts", 7, ChangeAction::Updated)};
    QTest::newRow("SSE default type") << "message" << QByteArray(R"({"resource":"posts","id":"7","action":"deleted"})")
                                      << QList{change("posts", "7", ChangeAction::Deleted)};
    QTest::newRow("SSE create") << "change" << QByteArray(R"({"resource":"users","id":12,"action":"created"})")
                                << QList{change("users", 12, ChangeAction::Created)};
    QTest::newRow("several") << "change"
                             << QByteArray(R"([{"resource":"posts","id":1,"action":"updated"},{"resource":"posts","id":2,"action":"deleted"}])")
                             << QList{change("posts", 1, ChangeAction::Updated), change("posts", 2, ChangeAction::Deleted)};
    QTest::newRow("Refine's words") << "change" << QByteArray(R"({"resource":"post","id":3,"action":"update"})")
                                    << QList{change("posts", 3, ChangeAction::Updated)};
    QTest::newRow("WebSocket") << "" << QByteArray(R"({"type":"change","eventId":"r1-9","resource":"posts","id":7,"action":"updated"})")
                               << QList{change("posts", 7, ChangeAction::Updated, "r1-9")};
    QTest::newRow("other SSE type") << "ping" << QByteArray(R"({"resource":"posts","id":7,"action":"updated"})")
                                    << QList<ChangeEvent>{};
}

void tst_LiveDialect::plain()
{
    QFETCH(QString, type);
    QFETCH(QByteArray, data);
    QFETCH(QList<ChangeEvent>, expected);
    const LiveReading reading = PlainLiveDialect().read(type, data, posts);
    QCOMPARE(reading.changes, expected);
    QVERIFY(!reading.resync);
}

void tst_LiveDialect::plainGreetingAndResync()
{
    PlainLiveDialect d;
    QCOMPARE(d.read(QStringLiteral("ready"), R"({"resumed":true})", posts).resumed, std::optional<bool>(true));
    QCOMPARE(d.read(QStringLiteral("ready"), R"({"resumed":false})", posts).resumed, std::optional<bool>(false));
    QCOMPARE(d.read(QString(), R"({"type":"ready","resumed":true})", posts).resumed, std::optional<bool>(true));
    QVERIFY(!d.read(QStringLiteral("change"), R"({"resource":"posts","id":1,"action":"updated"})", posts).resumed);
    QVERIFY(d.read(QStringLiteral("resync"), "{}", posts).resync);
    QCOMPARE(d.resumeParameter(), QStringLiteral("lastEventId"));
}

void tst_LiveDialect::directusSubscribesAndAnswersPings()
{
    DirectusLiveDialect d;
    LiveSubscription s{.resources = {QStringLiteral("posts"), QStringLiteral("items/users")}, .token = QStringLiteral("abc")};
    const QList<QByteArray> opening = d.openingMessages(s);
    QCOMPARE(opening.size(), 3);
    QCOMPARE(Json::parse(opening[0]), Json::parse(R"({"type":"auth","access_token":"abc"})"));
    QCOMPARE(Json::parse(opening[1]), Json::parse(R"({"type":"subscribe","collection":"posts","uid":"posts"})"));
    QCOMPARE(Json::parse(opening[2]), Json::parse(R"({"type":"subscribe","collection":"users","uid":"items/users"})"));
    s.token.clear();
    QCOMPARE(d.openingMessages(s).size(), 2);
    const LiveReading ping = d.read(QString(), R"({"type":"ping"})", s);
    QCOMPARE(Json::parse(ping.reply), Json::parse(R"({"type":"pong"})"));
    QVERIFY(ping.changes.isEmpty());
    QVERIFY(d.read(QString(), R"({"type":"subscription","event":"init","uid":"posts"})", s).changes.isEmpty());
}

void tst_LiveDialect::directus_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QList<ChangeEvent>>("expected");
    QTest::newRow("create") << QByteArray(R"({"type":"subscription","event":"create","uid":"posts","data":[{"id":11,"title":"New"}]})")
                            << QList{change("posts", 11, ChangeAction::Created)};
    QTest::newRow("update of two") << QByteArray(R"({"type":"subscription","event":"update","uid":"posts","data":[{"id":1,"title":"a"},{"id":2,"title":"b"}]})")
                                   << QList{change("posts", 1, ChangeAction::Updated), change("posts", 2, ChangeAction::Updated)};
    QTest::newRow("delete gives ids") << QByteArray(R"({"type":"subscription","event":"delete","uid":"posts","data":["5","6"]})")
                                      << QList{change("posts", "5", ChangeAction::Deleted), change("posts", "6", ChangeAction::Deleted)};
    QTest::newRow("uid of a path") << QByteArray(R"({"type":"subscription","event":"update","uid":"items/users","data":[{"id":3}]})")
                                   << QList{change("items/users", 3, ChangeAction::Updated)};
    QTest::newRow("no uid: collection unknown") << QByteArray(R"({"type":"subscription","event":"update","data":[{"id":3}]})")
                                                << QList<ChangeEvent>{};
}

void tst_LiveDialect::directus()
{
    QFETCH(QByteArray, message);
    QFETCH(QList<ChangeEvent>, expected);
    LiveSubscription s{.resources = {QStringLiteral("posts"), QStringLiteral("items/users")}};
    QCOMPARE(DirectusLiveDialect().read(QString(), message, s).changes, expected);
}

void tst_LiveDialect::supabaseJoinsAndBeats()
{
    SupabaseLiveDialect d;
    const QList<QByteArray> opening = d.openingMessages({.resources = {QStringLiteral("posts")}, .token = QStringLiteral("jwt")});
    QCOMPARE(opening.size(), 1);
    const Json join = Json::parse(opening[0]);
    QCOMPARE(join["event"].toString(), QStringLiteral("phx_join"));
    QCOMPARE(join["topic"].toString(), QStringLiteral("realtime:refetch"));
    QCOMPARE(join["payload"]["config"]["postgres_changes"][0]["schema"].toString(), QStringLiteral("public"));
    QCOMPARE(join["payload"]["access_token"].toString(), QStringLiteral("jwt"));
    const Json beat = Json::parse(d.heartbeat(4));
    QCOMPARE(beat["topic"].toString(), QStringLiteral("phoenix"));
    QCOMPARE(beat["event"].toString(), QStringLiteral("heartbeat"));
    QCOMPARE(beat["ref"].toString(), QStringLiteral("4"));
    QVERIFY(d.heartbeatInterval() > Millis{0});
}

void tst_LiveDialect::supabase_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QList<ChangeEvent>>("expected");
    QTest::newRow("the change itself") << QByteArray(R"({"type":"UPDATE","table":"posts","schema":"public","record":{"id":7,"title":"x"},"old_record":{"id":7}})")
                                       << QList{change("posts", 7, ChangeAction::Updated)};
    QTest::newRow("v2 postgres_changes") << QByteArray(R"({"topic":"realtime:refetch","event":"postgres_changes","ref":null,"payload":{"ids":[1],"data":{"type":"INSERT","table":"posts","schema":"public","record":{"id":12},"old_record":null,"commit_timestamp":"2024-01-01T00:00:00Z"}}})")
                                         << QList{change("posts", 12, ChangeAction::Created)};
    QTest::newRow("v1 DELETE with old_record") << QByteArray(R"({"topic":"realtime:public:posts","event":"DELETE","payload":{"type":"DELETE","table":"posts","schema":"public","record":null,"old_record":{"id":4}}})")
                                               << QList{change("posts", 4, ChangeAction::Deleted)};
    QTest::newRow("singular table") << QByteArray(R"({"type":"UPDATE","table":"category","record":{"id":2}})")
                                    << QList{change("categories", 2, ChangeAction::Updated)};
    QTest::newRow("reply") << QByteArray(R"({"topic":"realtime:refetch","event":"phx_reply","payload":{"status":"ok","response":{}},"ref":"1"})")
                           << QList<ChangeEvent>{};
}

void tst_LiveDialect::supabase()
{
    QFETCH(QByteArray, message);
    QFETCH(QList<ChangeEvent>, expected);
    QCOMPARE(SupabaseLiveDialect().read(QString(), message, posts).changes, expected);
}

void tst_LiveDialect::strapi_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QString>("idField");
    QTest::addColumn<QList<ChangeEvent>>("expected");
    QTest::newRow("v4 update") << QByteArray(R"({"event":"entry.update","createdAt":"2024-01-10T08:58:26.563Z","model":"post","uid":"api::post.post","entry":{"id":1,"title":"x"}})")
                               << "id" << QList{change("posts", 1, ChangeAction::Updated)};
    QTest::newRow("create") << QByteArray(R"({"event":"entry.create","model":"category","entry":{"id":9}})")
                            << "id" << QList{change("categories", 9, ChangeAction::Created)};
    QTest::newRow("delete") << QByteArray(R"({"event":"entry.delete","model":"post","entry":{"id":3}})")
                            << "id" << QList{change("posts", 3, ChangeAction::Deleted)};
    QTest::newRow("publish is an update") << QByteArray(R"({"event":"entry.publish","model":"post","entry":{"id":3}})")
                                          << "id" << QList{change("posts", 3, ChangeAction::Updated)};
    QTest::newRow("v5 documentId") << QByteArray(R"({"event":"entry.update","uid":"api::post.post","entry":{"id":4,"documentId":"abc123"}})")
                                   << "documentId" << QList{change("posts", "abc123", ChangeAction::Updated)};
    QTest::newRow("media ignored") << QByteArray(R"({"event":"media.create","media":{"id":1}})") << "id" << QList<ChangeEvent>{};
}

void tst_LiveDialect::strapi()
{
    QFETCH(QByteArray, message);
    QFETCH(QString, idField);
    QFETCH(QList<ChangeEvent>, expected);
    LiveSubscription s = posts;
    s.idField = idField;
    QCOMPARE(StrapiLiveDialect().read(QStringLiteral("message"), message, s).changes, expected);
}

void tst_LiveDialect::invalidMessagesSayNothing_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("not JSON") << QByteArray("hello");
    QTest::newRow("truncated") << QByteArray(R"({"resource":"posts","id":)");
    QTest::newRow("array of junk") << QByteArray("[1,2,null]");
    QTest::newRow("unknown action") << QByteArray(R"({"resource":"posts","id":1,"action":"touched","type":"UPSERT","table":"posts","event":"entry.touch","model":"post"})");
}

void tst_LiveDialect::invalidMessagesSayNothing()
{
    QFETCH(QByteArray, message);
    for (const QString &name : LiveDialect::names()) {
        const auto d = LiveDialect::create(name);
        const LiveReading reading = d->read(QStringLiteral("change"), message, posts);
        QVERIFY2(reading.changes.isEmpty(), qPrintable(name));
        QVERIFY(!reading.resync);
        QVERIFY(reading.reply.isEmpty());
    }
}

void tst_LiveDialect::tagsAreThoseOfTheSameWrite()
{
    const ResourceTags t(QStringLiteral("posts"), QStringLiteral("api"));
    // The same scopes as ApiConnection's update, create and delete options.
    QCOMPARE(LiveInvalidator::tagsFor(change("posts", 7, ChangeAction::Updated), t), t.list() + t.detail(7));
    QCOMPARE(LiveInvalidator::tagsFor(change("posts", 7, ChangeAction::Deleted), t), t.list() + t.detail(7));
    QCOMPARE(LiveInvalidator::tagsFor(change("posts", 7, ChangeAction::Created), t), t.list());
    QCOMPARE(LiveInvalidator::tagsFor(change("posts", Json(), ChangeAction::Updated), t), t.list());
}

QTEST_GUILESS_MAIN(tst_LiveDialect)
#include "tst_livedialect.moc"
