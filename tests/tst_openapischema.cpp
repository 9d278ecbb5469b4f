#include "core/schema/openapischema.h"
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

// The fields of each resource as an OpenAPI / Swagger document describes them: the real document of the FastAPI
// test server first, then the forms other servers write (DRF's schema view, 3.1's type lists, Swagger 2) as small
// documents.
class tst_OpenApiSchema : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fastApiServer();
    void notADocument();
    void openApi31();
    void openApi30Nullable();
    void drfStyle();
    void swagger2();
    void envelopeListWithoutItemPath();
    void referencesToResources();
    void cyclesEnd();
    void resourceOfPath();
    void roundTripThroughJson();
};

namespace {

Json parse(const char *text)
{
    JsonParseError error;
    const Json doc = Json::parse(QByteArray(text), &error);
    if (doc.isUndefined())
        qFatal("test document does not parse: %s", qPrintable(error.message));
    return doc;
}

QStringList names(const ResourceSchema &schema)
{
    QStringList out;
    for (const FieldSchema &f : schema.fields)
        out.append(f.name);
    return out;
}

} // namespace

void tst_OpenApiSchema::fastApiServer()
{
    REFETCH_REQUIRE_SERVER(ExternalServer::FastApi);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile seed(dir.filePath(QStringLiteral("db.json")));
    QVERIFY(seed.open(QIODevice::WriteOnly));
    seed.write(R"({"users": [{"id": 1, "name": "Ada", "active": true}],
                   "posts": [{"id": 1, "userId": 1, "title": "Hello", "views": 3, "published": true}],
                   "comments": [{"id": 1, "postId": 1, "body": "First"}]})");
    seed.close();
    ExternalServer server;
    QString error;
    QVERIFY2(server.start(ExternalServer::FastApi, seed.fileName(), {}, &error), qPrintable(error));

    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(server.baseUrl().resolved(QUrl(u"/openapi.json"_s)))));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(15000));
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    const Json document = Json::parse(reply->readAll());
    QVERIFY(document.isObject());

    const QHash<QString, ResourceSchema> schemas = OpenApiSchema::read(document, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(QSet<QString>(schemas.keyBegin(), schemas.keyEnd()), (QSet<QString>{u"users"_s, u"posts"_s, u"comments"_s}));

    const ResourceSchema posts = schemas.value(u"posts"_s);
    QCOMPARE(names(posts), (QStringList{u"id"_s, u"userId"_s, u"title"_s, u"views"_s, u"published"_s, u"rating"_s,
                                        u"publishedAt"_s, u"meta"_s}));
    const FieldSchema *id = posts.field(u"id");
    QCOMPARE(id->type, Type::Integer);
    QVERIFY(id->readOnly);   // in Post, not in PostIn: the server sets it
    QVERIFY(!id->required);
    const FieldSchema *userId = posts.field(u"userId");
    QCOMPARE(userId->type, Type::Integer);
    QVERIFY(userId->required);
    QVERIFY(!userId->readOnly);
    QVERIFY(userId->label.isEmpty()); // pydantic's "Userid" says nothing the name does not
    const FieldSchema *title = posts.field(u"title");
    QCOMPARE(title->type, Type::String);
    QVERIFY(title->required);
    QCOMPARE(title->minLength.value_or(-1), qint64(1));
    QCOMPARE(title->maxLength.value_or(-1), qint64(200));
    const FieldSchema *views = posts.field(u"views");
    QCOMPARE(views->type, Type::Integer);
    QVERIFY(!views->required);
    QCOMPARE(views->minimum.value_or(-1), 0.0);
    QVERIFY(!views->exclusiveMinimum);
    QCOMPARE(views->defaultValue, Json(0));
    QCOMPARE(posts.field(u"published")->type, Type::Boolean);
    QCOMPARE(posts.field(u"published")->defaultValue, Json(false));
    QCOMPARE(posts.field(u"rating")->type, Type::Number);
    QCOMPARE(posts.field(u"publishedAt")->type, Type::String);
    QCOMPARE(posts.field(u"publishedAt")->format, u"date-time"_s);
    QCOMPARE(posts.field(u"meta")->type, Type::Object);
    QCOMPARE(posts.field(u"meta")->defaultValue, Json::parse("{}"));
    // pydantic 1 writes no "nullable": Optional[X] = None is a field neither required nor with a default.
    QVERIFY(posts.field(u"rating")->nullable);
    QVERIFY(posts.field(u"publishedAt")->nullable);
    for (QStringView name : {u"id", u"userId", u"title", u"views", u"published", u"meta"})
        QVERIFY2(!posts.field(name)->nullable, qPrintable(name.toString()));

    const ResourceSchema users = schemas.value(u"users"_s);
    QCOMPARE(names(users), (QStringList{u"id"_s, u"name"_s, u"active"_s}));
    QVERIFY(users.field(u"name")->required);
    QCOMPARE(users.field(u"active")->defaultValue, Json(true));
    const ResourceSchema comments = schemas.value(u"comments"_s);
    QCOMPARE(names(comments), (QStringList{u"id"_s, u"postId"_s, u"body"_s}));
    QVERIFY(comments.field(u"body")->required);
}

void tst_OpenApiSchema::notADocument()
{
    QString error;
    QVERIFY(OpenApiSchema::read(parse(R"({"posts": []})"), &error).isEmpty());
    QVERIFY(error.contains(u"neither OpenAPI 3 nor Swagger 2"));
    error.clear();
    QVERIFY(OpenApiSchema::read(parse(R"({"openapi": "3.0.0", "paths": {}})"), &error).isEmpty());
    QVERIFY(error.contains(u"no paths"));
}

void tst_OpenApiSchema::openApi31()
{
    // pydantic 2 / FastAPI 0.100+: Optional as anyOf with null, enums by $ref (with a description beside it),
    // 3.1's numeric exclusive bounds, a type list.
    const Json doc = parse(R"({"openapi": "3.1.0", "paths": {
        "/tasks": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "array",
            "items": {"$ref": "#/components/schemas/Task"}}}}}}},
                   "post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/TaskIn"}}}}}},
        "/tasks/{task_id}": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Task"}}}}}}}},
      "components": {"schemas": {
        "Status": {"type": "string", "enum": ["open", "done"], "title": "Status"},
        "TaskIn": {"type": "object", "required": ["title", "status"], "properties": {
            "title": {"type": "string", "title": "What to do", "description": "Shown in lists", "pattern": "^[A-Z]"},
            "status": {"allOf": [{"$ref": "#/components/schemas/Status"}], "description": "Where it stands", "default": "open"},
            "due": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}], "title": "Due"},
            "weight": {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 10}}},
        "Task": {"type": "object", "properties": {
            "id": {"type": "integer", "readOnly": true},
            "title": {"type": "string"}, "status": {"$ref": "#/components/schemas/Status"},
            "due": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
            "weight": {"type": ["number", "null"]},
            "createdAt": {"type": "string", "format": "date-time"}}}}}})");
    QString error;
    const ResourceSchema tasks = OpenApiSchema::read(doc, &error).value(u"tasks"_s);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(names(tasks), (QStringList{u"id"_s, u"title"_s, u"status"_s, u"due"_s, u"weight"_s, u"createdAt"_s}));
    QVERIFY(tasks.field(u"id")->readOnly);
    QVERIFY(tasks.field(u"createdAt")->readOnly); // not in TaskIn
    QCOMPARE(tasks.field(u"createdAt")->format, u"date-time"_s);
    const FieldSchema *title = tasks.field(u"title");
    QCOMPARE(title->label, u"What to do"_s);
    QCOMPARE(title->help, u"Shown in lists"_s);
    QCOMPARE(title->pattern, u"^[A-Z]"_s);
    QVERIFY(title->required);
    const FieldSchema *status = tasks.field(u"status");
    QCOMPARE(status->type, Type::String);
    QCOMPARE(status->choices, (QList<Json>{Json("open"), Json("done")}));
    QCOMPARE(status->help, u"Where it stands"_s);
    QCOMPARE(status->defaultValue, Json("open"));
    QVERIFY(status->required);
    QVERIFY(status->references.isEmpty()); // Status is an enum, not a resource
    const FieldSchema *due = tasks.field(u"due");
    QCOMPARE(due->type, Type::String);
    QCOMPARE(due->format, u"date"_s);
    QVERIFY(due->nullable);
    QVERIFY(!due->required);
    const FieldSchema *weight = tasks.field(u"weight");
    QCOMPARE(weight->type, Type::Number);
    QVERIFY(weight->nullable);
    QCOMPARE(weight->minimum.value_or(-1), 0.0);
    QVERIFY(weight->exclusiveMinimum);
    QCOMPARE(weight->maximum.value_or(-1), 10.0);
    QVERIFY(!weight->exclusiveMaximum);
}

void tst_OpenApiSchema::openApi30Nullable()
{
    const Json doc = parse(R"({"openapi": "3.0.3", "paths": {
        "/items": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "array",
            "items": {"$ref": "#/components/schemas/Item"}}}}}}}}},
      "components": {"schemas": {"Item": {"type": "object", "required": ["id", "price"], "properties": {
        "id": {"type": "integer", "readOnly": true},
        "price": {"type": "number", "minimum": 0, "exclusiveMinimum": true},
        "note": {"type": "string", "nullable": true, "maxLength": 80}}}}}})");
    const ResourceSchema items = OpenApiSchema::read(doc).value(u"items"_s);
    QCOMPARE(names(items), (QStringList{u"id"_s, u"price"_s, u"note"_s}));
    // No input schema: required is the record's, less what the client cannot write.
    QVERIFY(!items.field(u"id")->required);
    QVERIFY(items.field(u"price")->required);
    QVERIFY(items.field(u"price")->exclusiveMinimum);
    QCOMPARE(items.field(u"price")->minimum.value_or(-1), 0.0);
    QVERIFY(items.field(u"note")->nullable);
    QCOMPARE(items.field(u"note")->maxLength.value_or(-1), qint64(80));
    // Not FastAPI's document: a field that is not required is not taken to be nullable.
    const Json other = parse(R"({"openapi": "3.0.3", "paths": {
        "/items": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "array",
            "items": {"type": "object", "properties": {"id": {"type": "integer"}, "tag": {"type": "string"}}}}}}}}}}}})");
    QVERIFY(!OpenApiSchema::read(other).value(u"items"_s).field(u"tag")->nullable);
}

void tst_OpenApiSchema::drfStyle()
{
    // DRF's schema view: one component for reading and writing, read-only fields marked, trailing slashes, choices
    // as an enum, a page envelope on the list.
    const Json doc = parse(R"({"openapi": "3.0.2", "paths": {
        "/api/books/": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "object",
            "properties": {"count": {"type": "integer"}, "next": {"type": "string", "nullable": true},
                           "results": {"type": "array", "items": {"$ref": "#/components/schemas/Book"}}}}}}}}},
                        "post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Book"}},
                                                             "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/Book"}}}}}},
        "/api/books/{id}/": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Book"}}}}}}}},
      "components": {"schemas": {"Book": {"type": "object", "required": ["title", "genre"], "properties": {
        "id": {"type": "integer", "readOnly": true},
        "title": {"type": "string", "maxLength": 120},
        "genre": {"enum": ["fiction", "poetry"], "type": "string"},
        "isbn": {"type": "string", "nullable": true}}}}}})");
    const QHash<QString, ResourceSchema> schemas = OpenApiSchema::read(doc);
    QCOMPARE(schemas.keys(), QStringList{u"api/books"_s});
    const ResourceSchema books = schemas.value(u"api/books"_s);
    QCOMPARE(names(books), (QStringList{u"id"_s, u"title"_s, u"genre"_s, u"isbn"_s}));
    QVERIFY(books.field(u"id")->readOnly);
    QVERIFY(!books.field(u"id")->required);
    QVERIFY(books.field(u"genre")->required);
    QCOMPARE(books.field(u"genre")->choices.size(), 2);
    QVERIFY(books.field(u"isbn")->nullable);
    QVERIFY(!books.field(u"isbn")->readOnly);
}

void tst_OpenApiSchema::swagger2()
{
    const Json doc = parse(R"({"swagger": "2.0", "basePath": "/v1", "paths": {
        "/pets": {"get": {"responses": {"200": {"schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}}}}},
                  "post": {"parameters": [{"in": "body", "name": "pet", "schema": {"$ref": "#/definitions/NewPet"}}]}},
        "/pets/{petId}": {"get": {"responses": {"200": {"schema": {"$ref": "#/definitions/Pet"}}}}}},
      "definitions": {
        "NewPet": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"}, "tag": {"type": "string", "x-nullable": true},
            "born": {"type": "string", "format": "date"}}},
        "Pet": {"allOf": [{"$ref": "#/definitions/NewPet"},
                          {"required": ["id"], "properties": {"id": {"type": "integer", "format": "int64"}}}]}}})");
    const ResourceSchema pets = OpenApiSchema::read(doc).value(u"pets"_s);
    QCOMPARE(names(pets), (QStringList{u"name"_s, u"tag"_s, u"born"_s, u"id"_s}));
    QVERIFY(pets.field(u"name")->required);
    QVERIFY(pets.field(u"tag")->nullable);
    QCOMPARE(pets.field(u"born")->format, u"date"_s);
    QVERIFY(pets.field(u"id")->readOnly); // in Pet, not in NewPet
    QVERIFY(!pets.field(u"id")->required);
}

void tst_OpenApiSchema::envelopeListWithoutItemPath()
{
    const Json doc = parse(R"({"openapi": "3.0.0", "paths": {
        "/notes": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/Page_Note_"}}}}}}}},
      "components": {"schemas": {
        "Page_Note_": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Note"}},
                                                        "total": {"type": "integer"}}},
        "Note": {"type": "object", "properties": {"id": {"type": "integer"}, "text": {"type": "string"}}}}}})");
    const ResourceSchema notes = OpenApiSchema::read(doc).value(u"notes"_s);
    QCOMPARE(names(notes), (QStringList{u"id"_s, u"text"_s}));
}

void tst_OpenApiSchema::referencesToResources()
{
    // A $ref to another resource's record schema, and an x-reference hint on a plain id.
    const Json doc = parse(R"({"openapi": "3.0.0", "paths": {
        "/authors": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "array",
            "items": {"$ref": "#/components/schemas/Author"}}}}}}}},
        "/books": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "array",
            "items": {"$ref": "#/components/schemas/Book"}}}}}}}}},
      "components": {"schemas": {
        "Author": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
        "Book": {"type": "object", "properties": {"id": {"type": "integer"},
            "author": {"$ref": "#/components/schemas/Author"},
            "editorId": {"type": "integer", "x-reference": "/authors/"},
            "price": {"type": "number"}}}}}})");
    const ResourceSchema books = OpenApiSchema::read(doc).value(u"books"_s);
    QCOMPARE(books.field(u"author")->references, u"authors"_s);
    QCOMPARE(books.field(u"author")->type, Type::Object);
    QCOMPARE(books.field(u"editorId")->references, u"authors"_s);
    QVERIFY(books.field(u"price")->references.isEmpty());
}

void tst_OpenApiSchema::cyclesEnd()
{
    // A tree (a category's parent is a category) and a $ref that points at itself: read, not followed forever.
    const Json doc = parse(R"({"openapi": "3.0.0", "paths": {
        "/categories": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "array",
            "items": {"$ref": "#/components/schemas/Category"}}}}}}}}},
      "components": {"schemas": {
        "Loop": {"$ref": "#/components/schemas/Loop"},
        "Category": {"allOf": [{"$ref": "#/components/schemas/Category"}], "properties": {
            "id": {"type": "integer"}, "parent": {"$ref": "#/components/schemas/Category"},
            "odd": {"$ref": "#/components/schemas/Loop"}}}}}})");
    const ResourceSchema categories = OpenApiSchema::read(doc).value(u"categories"_s);
    QCOMPARE(names(categories), (QStringList{u"id"_s, u"parent"_s, u"odd"_s}));
    QCOMPARE(categories.field(u"parent")->references, u"categories"_s);
    QCOMPARE(categories.field(u"odd")->type, Type::Unknown);
}

void tst_OpenApiSchema::resourceOfPath()
{
    QCOMPARE(OpenApiSchema::resourceOfPath(u"/posts"), u"posts"_s);
    QCOMPARE(OpenApiSchema::resourceOfPath(u"/api/posts/"), u"api/posts"_s);
    QVERIFY(OpenApiSchema::resourceOfPath(u"/posts/{id}").isEmpty());
    QVERIFY(OpenApiSchema::resourceOfPath(u"/openapi.json").isEmpty());
    QVERIFY(OpenApiSchema::resourceOfPath(u"/docs").isEmpty());
    QVERIFY(OpenApiSchema::resourceOfPath(u"/").isEmpty());
}

// Schemas are cached and persisted as JSON: every field of every resource comes back as it was read.
void tst_OpenApiSchema::roundTripThroughJson()
{
    const Json doc = parse(R"({"openapi": "3.1.0", "paths": {
        "/tasks": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "array",
            "items": {"$ref": "#/components/schemas/Task"}}}}}}}}},
      "components": {"schemas": {"Task": {"type": "object", "required": ["title"], "properties": {
        "id": {"type": "integer", "readOnly": true},
        "title": {"type": "string", "title": "What to do", "description": "Shown in lists", "minLength": 1,
                  "maxLength": 80, "pattern": "^[A-Z]"},
        "status": {"type": "string", "enum": ["open", "done", null], "default": "open"},
        "weight": {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 10, "exclusiveMaximum": 10},
        "ownerId": {"type": "integer", "x-reference": "users"},
        "due": {"type": "string", "format": "date"}}}}}})");
    const ResourceSchema tasks = OpenApiSchema::read(doc).value(u"tasks"_s);
    QCOMPARE(tasks.fields.size(), 6);
    const ResourceSchema back = ResourceSchema::fromJson(Json::parse(tasks.toJson().toJson()));
    QCOMPARE(back.resource, u"tasks"_s);
    QCOMPARE(back.fields.size(), tasks.fields.size());
    for (qsizetype i = 0; i < tasks.fields.size(); ++i)
        QVERIFY2(back.fields.at(i) == tasks.fields.at(i), qPrintable(tasks.fields.at(i).name));
    QVERIFY(back == tasks);
    // Only what is known is written.
    QCOMPARE(tasks.field(u"due")->toJson(), Json::parse(R"({"name": "due", "type": "string", "format": "date"})"));
    FieldSchema choices;
    choices.name = u"genre"_s;
    choices.choices = {Json("fiction"), Json(2)};
    choices.choiceLabels = {u"Fiction"_s, u"Second"_s};
    QVERIFY(FieldSchema::fromJson(choices.toJson()) == choices);
}

QTEST_GUILESS_MAIN(tst_OpenApiSchema)
#include "tst_openapischema.moc"
