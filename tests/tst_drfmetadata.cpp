#include "core/schema/drfmetadata.h"
#include "support/externalserver.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace Qt::StringLiterals;
using Type = FieldSchema::Type;

// The fields Django REST framework describes when asked OPTIONS on a list: the real test server's answer, then
// the parts of the format it does not show (choices, help texts, an endpoint the user may not write).
class tst_DrfMetadata : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void realServer();
    void choicesAndHelp();
    void noWritableAction();
    void oddAnswersNameNoFieldOrChoice();
};

void tst_DrfMetadata::realServer()
{
    REFETCH_REQUIRE_SERVER(ExternalServer::Drf);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile seed(dir.filePath(u"db.json"_s));
    QVERIFY(seed.open(QIODevice::WriteOnly));
    seed.write(R"({"users": [{"id": 1, "name": "Ada", "active": true}],
                   "posts": [{"id": 1, "userId": 1, "title": "Hello", "views": 3, "published": true}],
                   "comments": [{"id": 1, "postId": 1, "body": "First"}]})");
    seed.close();
    ExternalServer server;
    QString error;
    QVERIFY2(server.start(ExternalServer::Drf, seed.fileName(), {u"--paging"_s, u"page"_s}, &error), qPrintable(error));

    QNetworkAccessManager nam;
    QNetworkRequest request(server.baseUrl().resolved(QUrl(u"/posts/"_s)));
    request.setRawHeader("Accept", "application/json");
    std::unique_ptr<QNetworkReply> reply(nam.sendCustomRequest(request, "OPTIONS"));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(15000));
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    const Json options = Json::parse(reply->readAll());
    QVERIFY(options.isObject());

    const ResourceSchema posts = DrfMetadata::read(options, u"posts"_s, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QStringList names;
    for (const FieldSchema &f : posts.fields)
        names.append(f.name);
    QCOMPARE(names, (QStringList{u"id"_s, u"userId"_s, u"title"_s, u"views"_s, u"published"_s, u"rating"_s,
                                 u"publishedAt"_s, u"meta"_s, u"counter"_s}));
    const FieldSchema *id = posts.field(u"id");
    QCOMPARE(id->type, Type::Integer);
    QVERIFY(id->readOnly);
    QVERIFY(!id->required);
    QVERIFY(id->label.isEmpty()); // "ID" says nothing "id" does not
    const FieldSchema *userId = posts.field(u"userId");
    QVERIFY(userId->required);
    QVERIFY(!userId->readOnly);
    QCOMPARE(userId->type, Type::Unknown); // a related field: its id's type is not described
    const FieldSchema *title = posts.field(u"title");
    QCOMPARE(title->type, Type::String);
    QVERIFY(title->required);
    QCOMPARE(title->maxLength.value_or(-1), qint64(200));
    QCOMPARE(posts.field(u"views")->minimum.value_or(-1), 0.0);
    QVERIFY(!posts.field(u"views")->required);
    QCOMPARE(posts.field(u"published")->type, Type::Boolean);
    QCOMPARE(posts.field(u"rating")->type, Type::Number);
    QCOMPARE(posts.field(u"publishedAt")->type, Type::String);
    QCOMPARE(posts.field(u"publishedAt")->format, u"date-time"_s);
}

void tst_DrfMetadata::choicesAndHelp()
{
    const Json options = Json::parse(R"({"name": "Book List", "actions": {"POST": {
        "genre": {"type": "choice", "required": true, "read_only": false, "label": "Genre of the book",
                  "help_text": "As the library files it", "choices": [{"value": "fiction", "display_name": "Fiction"},
                                                                      {"value": "poetry", "display_name": "Poetry"}]},
        "rank": {"type": "choice", "required": false, "read_only": false, "label": "Rank",
                 "choices": [{"value": 1, "display_name": "First"}, {"value": 2, "display_name": "Second"}]},
        "email": {"type": "email", "required": false, "read_only": false, "label": "Email", "allow_null": true},
        "price": {"type": "decimal", "required": false, "read_only": false, "label": "Price", "max_value": 1000}}}})");
    const ResourceSchema books = DrfMetadata::read(options, u"books"_s);
    const FieldSchema *genre = books.field(u"genre");
    QCOMPARE(genre->type, Type::String);
    QCOMPARE(genre->choices, (QList<Json>{Json("fiction"), Json("poetry")}));
    QCOMPARE(genre->choiceLabels, (QStringList{u"Fiction"_s, u"Poetry"_s}));
    QCOMPARE(genre->label, u"Genre of the book"_s);
    QCOMPARE(genre->help, u"As the library files it"_s);
    QCOMPARE(books.field(u"rank")->type, Type::Integer);
    QCOMPARE(books.field(u"email")->format, u"email"_s);
    QVERIFY(books.field(u"email")->nullable);
    QCOMPARE(books.field(u"price")->type, Type::Number);
    QCOMPARE(books.field(u"price")->maximum.value_or(-1), 1000.0);
}

void tst_DrfMetadata::noWritableAction()
{
    QString error;
    const ResourceSchema schema = DrfMetadata::read(Json::parse(R"({"name": "Report", "renders": ["application/json"]})"),
                                                    u"reports"_s, &error);
    QVERIFY(schema.isEmpty());
    QVERIFY(error.contains(u"describes no fields"));
}

// What fuzz_schema found: a field named "" (it has no editor or column to name) and choices that are not a list
// of {value, display_name} (an object, an entry without a value) give no field and no choice, and the schema
// reads the same from its cached form.
void tst_DrfMetadata::oddAnswersNameNoFieldOrChoice()
{
    const Json options = Json::parse(R"({"actions": {"POST": {
        "": {"type": "integer", "required": false, "read_only": false, "label": "Counter"},
        "title": {"type": "string", "choices": {"type": "boolean", "label": "Published"}},
        "status": {"type": "choice", "choices": [{"value": "a", "display_name": "A"}, {"display_name": "no value"}]}}}})");
    const ResourceSchema schema = DrfMetadata::read(options, u"posts"_s);
    QCOMPARE(schema.fields.size(), 2);
    QVERIFY(!schema.field(u""));
    QVERIFY(schema.field(u"title")->choices.isEmpty());
    QCOMPARE(schema.field(u"status")->choices, QList<Json>{Json(u"a"_s)});
    QCOMPARE(schema.field(u"status")->choiceLabels, QStringList{u"A"_s});
    QCOMPARE(ResourceSchema::fromJson(Json::parse(schema.toJson().toJson())), schema);
}

QTEST_GUILESS_MAIN(tst_DrfMetadata)
#include "tst_drfmetadata.moc"
