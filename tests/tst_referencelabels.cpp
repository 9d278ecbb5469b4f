// References (#15): found by the server's description or by convention, and convention checked on the data; the
// labels of a page's references fetched in one getMany per resource, over HTTP from the built-in sample API.
#include "app/sampleapi/sampleapi.h"
#include "core/client/queryclient.h"
#include "core/http/httptransport.h"
#include "core/models/referencelabels.h"
#include "core/providers/listfilter.h"
#include "core/mutation/mutationqueue.h"
#include "core/session/apiconnection.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QtTest>

using namespace refetch;
using namespace Qt::StringLiterals;

class tst_ReferenceLabels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void resourceByName_data();
    void resourceByName();
    void findsBySchemaThenConvention();
    void conventionIsCheckedOnTheData();
    void linksAreReferences();
};

void tst_ReferenceLabels::resourceByName_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("resource");
    const QStringList resources{u"users"_s, u"categories"_s, u"blog-posts"_s, u"boxes"_s, u"person"_s, u"tags"_s};
    QTest::newRow("camel") << u"userId"_s << u"users"_s;
    QTest::newRow("snake") << u"user_id"_s << u"users"_s;
    QTest::newRow("bare") << u"user"_s << u"users"_s;
    QTest::newRow("ID") << u"userID"_s << u"users"_s;
    QTest::newRow("-ies") << u"categoryId"_s << u"categories"_s;
    QTest::newRow("-es") << u"box_id"_s << u"boxes"_s;
    QTest::newRow("two words") << u"blogPostId"_s << u"blog-posts"_s;
    QTest::newRow("singular resource") << u"personId"_s << u"person"_s;
    QTest::newRow("bare singular is not enough") << u"person"_s << QString();
    QTest::newRow("nothing of that name") << u"ownerId"_s << QString();
    QTest::newRow("just Id") << u"Id"_s << QString();
    QTest::newRow("not a reference") << u"title"_s << QString();
}

void tst_ReferenceLabels::resourceByName()
{
    QFETCH(QString, field);
    QFETCH(QString, resource);
    const QStringList resources{u"users"_s, u"categories"_s, u"blog-posts"_s, u"boxes"_s, u"person"_s, u"tags"_s};
    QCOMPARE(ReferenceFinder::resourceByName(field, resources), resource);
}

void tst_ReferenceLabels::findsBySchemaThenConvention()
{
    ResourceSchema schema;
    FieldSchema author;
    author.name = u"writtenBy"_s;
    author.type = FieldSchema::Type::Integer;
    author.references = u"users"_s;
    FieldSchema count;
    count.name = u"tagsId"_s;   // described as a boolean: not an id, whatever its name says
    count.type = FieldSchema::Type::Boolean;
    schema.fields = {author, count};
    const Json records = Json::parse(R"([
        {"id": 1, "writtenBy": 3, "categoryId": 2, "tagsId": true, "userId": "u-7", "boxId": "a b", "box": {"x": 1}},
        {"id": 2, "writtenBy": 4, "categoryId": null, "tagsId": false, "userId": "u-8", "boxId": "c", "box": {"x": 2}}
    ])");
    const QList<Reference> found = ReferenceFinder::find(schema, records, {u"users"_s, u"categories"_s, u"tags"_s, u"boxes"_s},
                                                         u"id"_s);
    const QList<Reference> expected{{u"writtenBy"_s, u"users"_s, u"schema"_s},
                                    {u"categoryId"_s, u"categories"_s, u"convention"_s},
                                    {u"userId"_s, u"users"_s, u"convention"_s}};
    QCOMPARE(found, expected);   // boxId holds text with a space, box objects: no ids
}

// Two fields that convention takes for references to users: userId holds users' ids, user holds numbers no user
// has. The data confirms the first and refutes the second; the labels of a page come in one request.
void tst_ReferenceLabels::conventionIsCheckedOnTheData()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QJsonArray users, posts;
    for (int id = 1; id <= 3; ++id)
        users.append(QJsonObject{{"id", id}, {"name", u"User %1"_s.arg(id)}});
    for (int id = 1; id <= 12; ++id)
        posts.append(QJsonObject{{"id", id}, {"userId", (id - 1) % 3 + 1}, {"user", 900 + id}, {"title", u"Post %1"_s.arg(id)}});
    QFile seed(dir.filePath(u"seed.json"_s));
    QVERIFY(seed.open(QIODevice::WriteOnly));
    seed.write(QJsonDocument(QJsonObject{{"users", users}, {"posts", posts}}).toJson());
    seed.close();
    SampleApi api;
    QStringList requests;
    connect(&api, &SampleApi::requestHandled, this, [&](const QByteArray &method, const QString &path, int) {
        requests.append(QString::fromLatin1(method) + u' ' + path);
    });
    QString error;
    QVERIFY2(api.start(SampleApi::Options{.databasePath = dir.filePath(u"db.sqlite"_s), .seedFile = seed.fileName()}, &error),
             qPrintable(error));

    QNetworkAccessManager nam;
    HttpTransport transport(&nam);
    QueryClient client;
    MutationQueue queue(&client);
    EndpointSettings settings;
    settings.id = u"sample"_s;
    settings.baseUrl = api.baseUrl();
    settings.resources = {u"users"_s, u"posts"_s};
    ApiConnection connection(settings, &client, &queue, &transport);
    // Detection reads a page of users on its own: done before counting.
    QTRY_VERIFY(!connection.detected().dialect.isEmpty());
    QTRY_COMPARE(client.fetchingCount(), 0);
    requests.clear();

    ReferenceLabels labels(
        &client, connection.endpoint(),
        [&](const QString &resource, const Json &id) { return connection.detailQuery(resource, id); },
        [&](const QString &resource, const Json &id) { return connection.tags(resource).detailTags(id); });
    const Json records = Json(QJsonValue(posts));
    labels.setReferences(ReferenceFinder::find({}, records, connection.resources(), u"id"_s));
    QCOMPARE(labels.references().size(), 2);
    QSignalSpy changed(&labels, &ReferenceLabels::changed);
    labels.request(records);
    QTRY_COMPARE(labels.label(u"users"_s, Json(2)), u"User 2"_s);
    QTRY_VERIFY(!labels.referenceOf(u"user"_s));
    QCOMPARE(labels.references(), (QList<Reference>{{u"userId"_s, u"users"_s, u"convention"_s}}));
    QVERIFY(labels.isMissing(u"users"_s, Json(905)));
    QVERIFY(!labels.isMissing(u"users"_s, Json(1)));
    // One request for the fifteen numbers: the three authors, and twelve that turned out not to be users.
    QStringList userReads;
    for (const QString &r : std::as_const(requests)) {
        if (r.startsWith(u"GET /users"_s))
            userReads.append(r);
    }
    QCOMPARE(userReads.size(), 1);
    QCOMPARE(labels.batchCount(), 1);
    // Asking again for the same rows asks nothing.
    const int before = int(requests.size());
    labels.request(records);
    QTest::qWait(100);
    QCOMPARE(int(requests.size()), before);
    QVERIFY(changed.size() > 0);
}

// A field of the records' URLs (DRF's hyperlinked fields; a relative href) is a reference whatever its name, read as
// the id it names and written back as a URL; a record's link to itself (DRF's "url") is not; links to another
// server, to a list, or to a resource the endpoint does not have are not.
void tst_ReferenceLabels::linksAreReferences()
{
    const QUrl base(u"http://127.0.0.1:8000/api/"_s);
    const QStringList resources{u"users"_s, u"posts"_s, u"comments"_s};
    const Json records = Json::parse(R"([
        {"url": "http://127.0.0.1:8000/api/comments/1/", "id": 1, "on": "http://127.0.0.1:8000/api/posts/7/",
         "by": "/api/users/u%20x", "site": "http://example.org/users/1/", "all": "http://127.0.0.1:8000/api/posts/",
         "tag": "http://127.0.0.1:8000/api/tags/3/", "title": "Hello"},
        {"url": "http://127.0.0.1:8000/api/comments/2/", "id": 2, "on": "http://127.0.0.1:8000/api/posts/12/",
         "by": null, "site": "http://example.org/users/2/", "all": "http://127.0.0.1:8000/api/posts/",
         "tag": "http://127.0.0.1:8000/api/tags/4/", "title": "Again"}
    ])");
    const QList<Reference> found = ReferenceFinder::find({}, records, resources, u"id"_s, {}, base);
    const QList<Reference> expected{
        {u"on"_s, u"posts"_s, u"link"_s, u"http://127.0.0.1:8000/api/posts/{id}/"_s},
        {u"by"_s, u"users"_s, u"link"_s, u"/api/users/{id}"_s}};
    QCOMPARE(found, expected);
    // Read as ids (digits as integers, an escaped text as it reads), written back as the server writes them.
    const Reference &on = found.at(0), &by = found.at(1);
    QCOMPARE(on.idOf(Json(u"http://127.0.0.1:8000/api/posts/7/"_s)), Json(7));
    QCOMPARE(on.valueOf(Json(12)), Json(u"http://127.0.0.1:8000/api/posts/12/"_s));
    QCOMPARE(by.idOf(Json(u"/api/users/u%20x"_s)), Json(u"u x"_s));
    QCOMPARE(by.valueOf(Json(u"u x"_s)), Json(u"/api/users/u%20x"_s));
    QCOMPARE(on.valueOf(Json(nullptr)), Json(nullptr));
    // Not a link of that form: no id (a list, another resource's record, a record below a record).
    QVERIFY(on.idOf(Json(u"http://127.0.0.1:8000/api/posts/"_s)).isUndefined());
    QVERIFY(on.idOf(Json(u"http://127.0.0.1:8000/api/users/7/"_s)).isUndefined());
    QVERIFY(on.idOf(Json(u"http://127.0.0.1:8000/api/posts/7/comments/"_s)).isUndefined());
    QVERIFY(on.idOf(Json(7)).isUndefined());
    // A field of ids is read as it is.
    QCOMPARE((Reference{u"userId"_s, u"users"_s, u"convention"_s, {}}).idOf(Json(7)), Json(7));

    // Comments whose post has the comment's own id (comment 1 on post 1, 2 on 2): a reference to posts, not the
    // comment's own URL, once the records' resource is known.
    const Json sameIds = Json::parse(R"([
        {"url": "http://127.0.0.1:8000/api/comments/1/", "id": 1, "on": "http://127.0.0.1:8000/api/posts/1/"},
        {"url": "http://127.0.0.1:8000/api/comments/2/", "id": 2, "on": "http://127.0.0.1:8000/api/posts/2/"}
    ])");
    QCOMPARE(ReferenceFinder::find({}, sameIds, resources, u"id"_s, {}, base, u"comments"_s),
             (QList<Reference>{{u"on"_s, u"posts"_s, u"link"_s, u"http://127.0.0.1:8000/api/posts/{id}/"_s}}));

    // Without a base URL nothing is a link.
    QVERIFY(ReferenceFinder::find({}, records, resources, u"id"_s).isEmpty());

    // A condition on a field of links compares the id each row's link names.
    FilterCondition onPost{.field = u"on"_s, .op = FilterOp::Equals, .value = Json(7), .link = on.link};
    QCOMPARE(onPost.matches(records.at(0)), FilterCondition::Match::Yes);
    QCOMPARE(onPost.matches(records.at(1)), FilterCondition::Match::No);
    QCOMPARE(FilterCondition::fromJson(onPost.toJson()), std::optional<FilterCondition>(onPost));
}

QTEST_GUILESS_MAIN(tst_ReferenceLabels)
#include "tst_referencelabels.moc"
