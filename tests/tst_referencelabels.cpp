// References (#15): found by the server's description or by convention, and convention checked on the data; the
// labels of a page's references fetched in one getMany per resource, over HTTP from the built-in sample API.
#include "app/sampleapi/sampleapi.h"
#include "core/client/queryclient.h"
#include "core/http/httptransport.h"
#include "core/models/referencelabels.h"
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

QTEST_GUILESS_MAIN(tst_ReferenceLabels)
#include "tst_referencelabels.moc"
