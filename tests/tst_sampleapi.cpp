#include "app/sampleapi/sampleapi.h"
#include "core/http/httptransport.h"
#include "core/json/json.h"
#include "core/schema/openapischema.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace refetch;
using namespace std::chrono_literals;

#ifndef REFETCH_APP
#error "tests/CMakeLists.txt passes REFETCH_APP (the built refetch executable)"
#endif

namespace {

// One HTTP exchange as the test sees it, read straight off the QNetworkReply.
struct Answer
{
    int status = 0; // 0: no HTTP answer at all
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    std::optional<FetchResult> read;       // what core's HttpTransport::readJson made of it

    Json json() const { return Json::parse(body); }
    QByteArray header(const QByteArray &name) const { return headers.value(name); }
};

const QByteArray SmallSeed = R"({
  "$schema": "ignored, as json-server ignores it",
  "authors": [
    {"id": 1, "name": "Ann", "nested": {"z": 1, "a": 2}},
    {"id": 2, "name": "Bob", "nested": null}
  ],
  "books": [
    {"id": "b-1", "authorId": 1, "title": "First"},
    {"id": "b-2", "authorId": 2, "title": "Second"}
  ],
  "settings": {"theme": "dark"}
})";

} // namespace

// The built-in sample API where json-server has nothing to compare with (ETags on writes, If-Match, 422,
// persistence, seeding, fault injection) or where the answer must be exact; the json-server dialect itself is
// checked against the real json-server in tst_conformance.
class tst_SampleApi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void builtinData();
    void listHeaders();
    void etagAndNotModified();
    void ifMatchPreconditions();
    void idempotencyKeys();
    void validation_data();
    void validation();
    void errorsAreJson();
    void persistsAcrossRestart();
    void resetReseeds();
    void seedFile();
    void openApiDocument();
    void badSeedFileIsReadable();
    void failRate();
    void dropRate();
    void latency();
    void announcement();
    void appPrintsTheLine();
    void appRejectsBadOptions();

private:
    bool start(SampleApi::Options options = {});
    Answer request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                   const QList<std::pair<QByteArray, QByteArray>> &headers = {});
    QString dbPath() const { return m_dir->filePath(QStringLiteral("sample.sqlite")); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<SampleApi> m_api;
    QNetworkAccessManager m_nam;
};

void tst_SampleApi::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_SampleApi::cleanup()
{
    m_api.reset();
    m_nam.clearConnectionCache();
    m_dir.reset();
}

bool tst_SampleApi::start(SampleApi::Options options)
{
    m_api.reset(); // a restart: the old one closes its database first
    m_nam.clearConnectionCache();
    if (options.databasePath.isEmpty())
        options.databasePath = dbPath();
    if (!options.randomSeed)
        options.randomSeed = 7;
    m_api = std::make_unique<SampleApi>();
    QString error;
    if (!m_api->start(options, &error)) {
        qWarning("start: %s", qPrintable(error));
        return false;
    }
    return true;
}

Answer tst_SampleApi::request(const QByteArray &method, const QString &path, const QByteArray &body,
                              const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(QUrl(m_api->baseUrl().toString() + path));
    request.setTransferTimeout(10000);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(request, method, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(15000);
    Answer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.networkError = reply->error();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        answer.headers.insert(name.toLower(), value);
    answer.body = reply->peek(reply->bytesAvailable());
    answer.read = HttpTransport::readJson(reply.get());
    return answer;
}

void tst_SampleApi::builtinData()
{
    QVERIFY(start());
    const Answer db = request("GET", QStringLiteral("/db"));
    QCOMPARE(db.status, 200);
    const Json all = db.json();
    QCOMPARE(all.value(u"users").size(), 50);
    QCOMPARE(all.value(u"posts").size(), 500);
    QCOMPARE(all.value(u"comments").size(), 1500);

    // Strings, numbers, booleans, nulls, nested objects and dates, and relations that hold.
    const Json user = all.value(u"users").at(0);
    QCOMPARE(user.keyAt(0), QStringLiteral("id")); // members in their written order, as json-server keeps them
    QVERIFY(user.value(u"name").isString());
    QVERIFY(user.value(u"active").isBool());
    QVERIFY(user.value(u"address").value(u"geo").value(u"lat").isNumber());
    QVERIFY(QDateTime::fromString(user.value(u"createdAt").toString(), Qt::ISODate).isValid());
    int nulls = 0;
    for (const Json &post : all.value(u"posts")) {
        nulls += post.value(u"publishedAt").isNull() ? 1 : 0;
        QVERIFY(post.value(u"userId").toInteger() >= 1 && post.value(u"userId").toInteger() <= 50);
    }
    QVERIFY(nulls > 0);
    QCOMPARE(request("GET", QStringLiteral("/posts/1/comments")).status, 200);
}

void tst_SampleApi::listHeaders()
{
    QVERIFY(start());
    const Answer page = request("GET", QStringLiteral("/posts?_page=2&_limit=5"));
    QCOMPARE(page.status, 200);
    QCOMPARE(page.header("x-total-count"), QByteArray("500"));
    QCOMPARE(page.header("access-control-expose-headers"), QByteArray("X-Total-Count, Link"));
    QCOMPARE(page.header("content-type"), QByteArray("application/json; charset=utf-8"));
    const QByteArray base = m_api->baseUrl().toString().toUtf8();
    QCOMPARE(page.header("link"), "<" + base + "/posts?_page=1&_limit=5>; rel=\"first\", <" + base
                                      + "/posts?_page=1&_limit=5>; rel=\"prev\", <" + base
                                      + "/posts?_page=3&_limit=5>; rel=\"next\", <" + base
                                      + "/posts?_page=100&_limit=5>; rel=\"last\"");
    QVERIFY(!page.header("etag").isEmpty());
    const Json items = page.json();
    QCOMPARE(items.size(), 5);
    QCOMPARE(items.at(0).value(u"id").toInteger(), 6);

    const Answer slice = request("GET", QStringLiteral("/comments?postId=1&_start=0&_end=1"));
    QCOMPARE(slice.header("access-control-expose-headers"), QByteArray("X-Total-Count"));
    QVERIFY(slice.header("x-total-count").toInt() >= 1);
    QVERIFY(!slice.headers.contains("link"));
}

void tst_SampleApi::etagAndNotModified()
{
    QVERIFY(start());
    const Answer first = request("GET", QStringLiteral("/posts/7"));
    QCOMPARE(first.status, 200);
    const QByteArray etag = first.header("etag");
    QVERIFY(etag.startsWith('"') && etag.endsWith('"'));
    QCOMPARE(request("GET", QStringLiteral("/posts/7")).header("etag"), etag); // stable

    // Weak comparison for If-None-Match: the tag itself, its W/ form, one of a list, or *.
    for (const QByteArray &inm : {etag, "W/" + etag, "\"other\", " + etag, QByteArray("*")}) {
        const Answer again = request("GET", QStringLiteral("/posts/7"), {}, {{"If-None-Match", inm}});
        QCOMPARE(again.status, 304);
        QVERIFY(again.body.isEmpty());
        QCOMPARE(again.header("etag"), etag);
        QVERIFY(again.read && again.read->notModified);
    }
    QCOMPARE(request("GET", QStringLiteral("/posts/7"), {}, {{"If-None-Match", "\"other\""}}).status, 200);

    // Lists have ETags too, and keep their paging headers on a 304.
    const Answer list = request("GET", QStringLiteral("/posts?_page=1"));
    const Answer listAgain = request("GET", QStringLiteral("/posts?_page=1"), {}, {{"If-None-Match", list.header("etag")}});
    QCOMPARE(listAgain.status, 304);
    QCOMPARE(listAgain.header("x-total-count"), QByteArray("500"));

    // A change gives a new tag, and the old one no longer matches.
    const Answer patched = request("PATCH", QStringLiteral("/posts/7"), R"({"title":"Changed"})");
    QCOMPARE(patched.status, 200);
    QVERIFY(!patched.header("etag").isEmpty());
    QVERIFY(patched.header("etag") != etag);
    const Answer after = request("GET", QStringLiteral("/posts/7"), {}, {{"If-None-Match", etag}});
    QCOMPARE(after.status, 200);
    QCOMPARE(after.header("etag"), patched.header("etag"));
    QCOMPARE(after.json().value(u"title").toString(), QStringLiteral("Changed"));
    QCOMPARE(request("GET", QStringLiteral("/posts?_page=1"), {}, {{"If-None-Match", list.header("etag")}}).status, 200);
}

void tst_SampleApi::ifMatchPreconditions()
{
    QVERIFY(start());
    const Answer current = request("GET", QStringLiteral("/posts/7"));
    const QByteArray etag = current.header("etag");

    // A stale tag: 412, the current record in the body (with its tag), and nothing changes.
    const Answer stale = request("PATCH", QStringLiteral("/posts/7"), R"({"title":"Lost update"})", {{"If-Match", "\"stale\""}});
    QCOMPARE(stale.status, 412);
    QCOMPARE(stale.json(), current.json());
    QCOMPARE(stale.header("etag"), etag);
    QVERIFY(stale.read && stale.read->error);
    QCOMPARE(stale.read->error->httpStatus, 412);
    QCOMPARE(request("GET", QStringLiteral("/posts/7")).json(), current.json());

    // If-Match compares strongly: the weak form of the right tag does not match.
    QCOMPARE(request("PUT", QStringLiteral("/posts/7"), R"({"title":"x"})", {{"If-Match", "W/" + etag}}).status, 412);
    QCOMPARE(request("DELETE", QStringLiteral("/posts/7"), {}, {{"If-Match", "\"stale\""}}).status, 412);
    QCOMPARE(request("GET", QStringLiteral("/posts/7")).status, 200);

    // The right tag (alone, in a list, or *) lets the write through.
    const Answer ok = request("PATCH", QStringLiteral("/posts/7"), R"({"title":"Safe update"})", {{"If-Match", "\"a\", " + etag}});
    QCOMPARE(ok.status, 200);
    QCOMPARE(ok.json().value(u"title").toString(), QStringLiteral("Safe update"));
    // ...after which the old tag is stale.
    QCOMPARE(request("PATCH", QStringLiteral("/posts/7"), R"({"title":"again"})", {{"If-Match", etag}}).status, 412);
    QCOMPARE(request("DELETE", QStringLiteral("/posts/7"), {}, {{"If-Match", ok.header("etag")}}).status, 200);
    QCOMPARE(request("DELETE", QStringLiteral("/posts/8"), {}, {{"If-Match", "*"}}).status, 200);
    // A missing record is a 404 whatever the precondition.
    QCOMPARE(request("PATCH", QStringLiteral("/posts/7"), R"({})", {{"If-Match", "*"}}).status, 404);
}

void tst_SampleApi::idempotencyKeys()
{
    QVERIFY(start());
    const int before = int(request("GET", QStringLiteral("/posts")).json().size());
    const QList<std::pair<QByteArray, QByteArray>> key{{"Idempotency-Key", "k-create"}};

    // A POST sent twice with one key creates one record; the second answer is the first, replayed.
    const Answer first = request("POST", QStringLiteral("/posts"), R"({"title":"Once"})", key);
    QCOMPARE(first.status, 201);
    QVERIFY(first.header("idempotent-replayed").isEmpty());
    const Answer again = request("POST", QStringLiteral("/posts"), R"({"title":"Once"})", key);
    QCOMPARE(again.status, 201);
    QCOMPARE(again.header("idempotent-replayed"), QByteArray("true"));
    QCOMPARE(again.json(), first.json());
    QCOMPARE(again.header("location"), first.header("location"));
    QCOMPARE(again.header("etag"), first.header("etag"));
    QCOMPARE(int(request("GET", QStringLiteral("/posts")).json().size()), before + 1);
    // Without a key, or with another, a POST is a new record each time (as in json-server).
    QCOMPARE(request("POST", QStringLiteral("/posts"), R"({"title":"Once"})", {{"Idempotency-Key", "k-other"}}).status, 201);
    QCOMPARE(int(request("GET", QStringLiteral("/posts")).json().size()), before + 2);

    // The key of one request cannot carry another.
    const Answer reused = request("POST", QStringLiteral("/posts"), R"({"title":"Different"})", key);
    QCOMPARE(reused.status, 422);
    QVERIFY(reused.json().value(u"error").toString().contains(QStringLiteral("Idempotency-Key")));
    QCOMPARE(int(request("GET", QStringLiteral("/posts")).json().size()), before + 2);

    // A DELETE sent again gets its first answer, not a 404; a PATCH sent again is not applied twice.
    const QList<std::pair<QByteArray, QByteArray>> deleteKey{{"Idempotency-Key", "k-delete"}};
    QCOMPARE(request("DELETE", QStringLiteral("/posts/9"), {}, deleteKey).status, 200);
    const Answer deletedAgain = request("DELETE", QStringLiteral("/posts/9"), {}, deleteKey);
    QCOMPARE(deletedAgain.status, 200);
    QCOMPARE(deletedAgain.header("idempotent-replayed"), QByteArray("true"));
    const QList<std::pair<QByteArray, QByteArray>> patchKey{{"Idempotency-Key", "k-patch"}};
    QCOMPARE(request("PATCH", QStringLiteral("/posts/7"), R"({"title":"First"})", patchKey).status, 200);
    QCOMPARE(request("PATCH", QStringLiteral("/posts/7"), R"({"title":"Between"})").status, 200);
    const Answer patchedAgain = request("PATCH", QStringLiteral("/posts/7"), R"({"title":"First"})", patchKey);
    QCOMPARE(patchedAgain.json().value(u"title").toString(), QStringLiteral("First"));
    QCOMPARE(request("GET", QStringLiteral("/posts/7")).json().value(u"title").toString(), QStringLiteral("Between"));

    // Reads ignore the header; the keys outlive a restart of the server.
    QCOMPARE(request("GET", QStringLiteral("/posts/7"), {}, key).header("idempotent-replayed"), QByteArray());
    QVERIFY(start());
    const Answer afterRestart = request("POST", QStringLiteral("/posts"), R"({"title":"Once"})", key);
    QCOMPARE(afterRestart.header("idempotent-replayed"), QByteArray("true"));
    QCOMPARE(afterRestart.json(), first.json());
    QCOMPARE(int(request("GET", QStringLiteral("/posts")).json().size()), before + 1);
}

void tst_SampleApi::validation_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("field"); // the field named in a 422's "fields"

    QTest::newRow("PUT an array") << QByteArray("PUT") << "/posts/3" << QByteArray("[1,2]") << 422 << "$";
    QTest::newRow("PATCH a string") << QByteArray("PATCH") << "/posts/3" << QByteArray(R"("title")") << 422 << "$";
    QTest::newRow("POST a number") << QByteArray("POST") << "/posts" << QByteArray("5") << 422 << "$";
    QTest::newRow("POST null") << QByteArray("POST") << "/posts" << QByteArray("null") << 422 << "$";
    QTest::newRow("PATCH another id") << QByteArray("PATCH") << "/posts/3" << QByteArray(R"({"id":99,"title":"x"})") << 422 << "id";
    QTest::newRow("PUT another id") << QByteArray("PUT") << "/posts/3" << QByteArray(R"({"id":"4"})") << 422 << "id";
    QTest::newRow("POST an object id") << QByteArray("POST") << "/posts" << QByteArray(R"({"id":{"a":1}})") << 422 << "id";
    QTest::newRow("PUT to a singular resource") << QByteArray("PUT") << "/settings" << QByteArray("[]") << 422 << "$";
    QTest::newRow("PUT the same id as text") << QByteArray("PUT") << "/posts/3" << QByteArray(R"({"id":"3","title":"t"})") << 200 << "";
    QTest::newRow("malformed JSON") << QByteArray("POST") << "/posts" << QByteArray(R"({"title":)") << 400 << "";
    QTest::newRow("duplicate id") << QByteArray("POST") << "/posts" << QByteArray(R"({"id":3})") << 409 << "";
}

void tst_SampleApi::validation()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, field);

    QTemporaryDir seedDir;
    const QString seed = seedDir.filePath(QStringLiteral("db.json"));
    QFile file(seed);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"posts":[{"id":3,"title":"three"},{"id":4,"title":"four"}],"settings":{"theme":"dark"}})");
    file.close();
    QVERIFY(start(SampleApi::Options{.seedFile = seed}));
    const Json before = request("GET", QStringLiteral("/db")).json();

    const Answer answer = request(method, path, body);
    QCOMPARE(answer.status, status);
    const Json error = answer.json();
    if (status == 422) {
        QCOMPARE(error.value(u"error").toString(), QStringLiteral("validation failed"));
        QVERIFY2(error.value(u"fields").value(field).isString(), answer.body.constData());
        QVERIFY(!error.value(u"fields").value(field).toString().isEmpty());
        QCOMPARE(error.value(u"fields").size(), 1);
    } else if (status >= 400) {
        QVERIFY2(!error.value(u"error").toString().isEmpty(), answer.body.constData());
    }
    if (status >= 400)
        QCOMPARE(request("GET", QStringLiteral("/db")).json(), before); // nothing was written
    else
        QCOMPARE(answer.json().value(u"id").toInteger(), 3); // the stored id keeps its type
}

void tst_SampleApi::errorsAreJson()
{
    QVERIFY(start());
    const Answer unknownPath = request("GET", QStringLiteral("/nope"));
    QCOMPARE(unknownPath.status, 404);
    QCOMPARE(unknownPath.header("content-type"), QByteArray("application/json; charset=utf-8"));
    QCOMPARE(unknownPath.json(), Json::parse(R"({"error":"not found","path":"/nope"})"));

    const Answer missing = request("GET", QStringLiteral("/posts/12345"));
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.json(), Json::parse(R"({"error":"not found","resource":"posts","id":"12345"})"));
    // core reads it as a readable error carrying the status and the body.
    QVERIFY(missing.read && missing.read->error);
    QCOMPARE(missing.read->error->httpStatus, 404);
    QVERIFY(missing.read->error->toString().contains(u"not found"));

    const Answer badRegex = request("GET", QStringLiteral("/posts?title_like=(unclosed"));
    QCOMPARE(badRegex.status, 400);
    QCOMPARE(badRegex.json().value(u"error").toString(), QStringLiteral("invalid query"));
    QVERIFY(badRegex.json().value(u"detail").toString().contains(u"title_like"));

    QCOMPARE(request("DELETE", QStringLiteral("/posts")).status, 404);
    const Answer preflight = request("OPTIONS", QStringLiteral("/posts/1"), {}, {{"Origin", "http://example.test"}});
    QCOMPARE(preflight.status, 204);
    QCOMPARE(preflight.header("access-control-allow-origin"), QByteArray("http://example.test"));
}

void tst_SampleApi::persistsAcrossRestart()
{
    QVERIFY(start());
    const QString path = m_api->databasePath();
    QCOMPARE(path, QFileInfo(dbPath()).absoluteFilePath());
    QCOMPARE(request("PATCH", QStringLiteral("/posts/7"), R"({"title":"Kept"})").status, 200);
    const Answer created = request("POST", QStringLiteral("/users"), R"({"name":"New user"})");
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json().value(u"id").toInteger(), 51);
    QCOMPARE(created.header("location"), m_api->baseUrl().toString().toUtf8() + "/users/51");
    QCOMPARE(request("DELETE", QStringLiteral("/comments/1")).status, 200);
    const quint16 oldPort = m_api->port();

    QVERIFY(start()); // same database path, new process state
    QVERIFY(m_api->port() != 0);
    Q_UNUSED(oldPort);
    QCOMPARE(request("GET", QStringLiteral("/posts/7")).json().value(u"title").toString(), QStringLiteral("Kept"));
    QCOMPARE(request("GET", QStringLiteral("/users/51")).json().value(u"name").toString(), QStringLiteral("New user"));
    QCOMPARE(request("GET", QStringLiteral("/comments/1")).status, 404);
    // Insertion order survives too: the new user is last.
    const Json users = request("GET", QStringLiteral("/users")).json();
    QCOMPARE(users.at(users.size() - 1).value(u"id").toInteger(), 51);
}

void tst_SampleApi::resetReseeds()
{
    QVERIFY(start());
    const Json original = request("GET", QStringLiteral("/posts/7")).json();
    QCOMPARE(request("PATCH", QStringLiteral("/posts/7"), R"({"title":"Edited"})").status, 200);
    QCOMPARE(request("DELETE", QStringLiteral("/users/3")).status, 200);

    QVERIFY(start(SampleApi::Options{.reset = true}));
    QCOMPARE(request("GET", QStringLiteral("/posts/7")).json(), original);
    QCOMPARE(request("GET", QStringLiteral("/users/3")).status, 200);
    QCOMPARE(request("GET", QStringLiteral("/db")).json().value(u"comments").size(), 1500);
}

// The built-in data is described at /openapi.json (#15): its fields, which are required, their choices, and the
// references between the resources; a seed file of the user's gets no document, since it would not describe it.
void tst_SampleApi::openApiDocument()
{
    QVERIFY(start());
    const Answer answer = request("GET", QStringLiteral("/openapi.json"));
    QCOMPARE(answer.status, 200);
    QString error;
    const QHash<QString, ResourceSchema> schemas = OpenApiSchema::read(answer.json(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(QSet<QString>(schemas.keyBegin(), schemas.keyEnd()),
             (QSet<QString>{QStringLiteral("users"), QStringLiteral("posts"), QStringLiteral("comments")}));
    // Every field of every record is described, in the data's order.
    const Json db = request("GET", QStringLiteral("/db")).json();
    for (const QString &resource : {QStringLiteral("users"), QStringLiteral("posts"), QStringLiteral("comments")}) {
        const Json first = db.value(resource).at(0);
        QStringList inData, described;
        for (qsizetype i = 0; i < first.size(); ++i)
            inData.append(first.keyAt(i));
        for (const FieldSchema &f : schemas.value(resource).fields)
            described.append(f.name);
        QCOMPARE(described, inData);
    }
    const ResourceSchema posts = schemas.value(QStringLiteral("posts"));
    QCOMPARE(posts.field(u"userId")->references, QStringLiteral("users"));
    QCOMPARE(posts.field(u"userId")->label, QStringLiteral("Author"));
    QVERIFY(posts.field(u"userId")->required);
    QCOMPARE(posts.field(u"status")->choices,
             (QList<Json>{Json("draft"), Json("published"), Json("archived")}));
    QCOMPARE(posts.field(u"status")->defaultValue, Json("draft"));
    QVERIFY(posts.field(u"id")->readOnly);
    QVERIFY(posts.field(u"createdAt")->readOnly);
    QVERIFY(posts.field(u"publishedAt")->nullable);
    const ResourceSchema comments = schemas.value(QStringLiteral("comments"));
    QCOMPARE(comments.field(u"postId")->references, QStringLiteral("posts"));
    QCOMPARE(comments.field(u"userId")->references, QStringLiteral("users"));
    const ResourceSchema users = schemas.value(QStringLiteral("users"));
    QCOMPARE(users.field(u"role")->choices.size(), 3);
    QCOMPARE(users.field(u"email")->format, QStringLiteral("email"));
    QCOMPARE(users.field(u"website")->format, QStringLiteral("uri"));
    QVERIFY(users.field(u"website")->nullable);
    QVERIFY(!users.field(u"username")->pattern.isEmpty());

    const QString seed = m_dir->filePath(QStringLiteral("seed.json"));
    QFile file(seed);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(SmallSeed);
    file.close();
    QVERIFY(start(SampleApi::Options{.databasePath = m_dir->filePath(QStringLiteral("other.sqlite")), .seedFile = seed}));
    QCOMPARE(request("GET", QStringLiteral("/openapi.json")).status, 404);
}

void tst_SampleApi::seedFile()
{
    const QString seed = m_dir->filePath(QStringLiteral("seed.json"));
    QFile file(seed);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(SmallSeed);
    file.close();
    QVERIFY(start(SampleApi::Options{.seedFile = seed}));

    // GET /db gives the seed back (without $schema), members and nested members in their written order.
    QCOMPARE(request("GET", QStringLiteral("/db")).body,
             QByteArray(R"({"authors":[{"id":1,"name":"Ann","nested":{"z":1,"a":2}},{"id":2,"name":"Bob","nested":null}],)"
                        R"("books":[{"id":"b-1","authorId":1,"title":"First"},{"id":"b-2","authorId":2,"title":"Second"}],)"
                        R"("settings":{"theme":"dark"}})"));
    QCOMPARE(request("GET", QStringLiteral("/books/b-2")).json().value(u"title").toString(), QStringLiteral("Second"));
    QCOMPARE(request("GET", QStringLiteral("/authors/1/books")).json().size(), 1);
    QCOMPARE(request("GET", QStringLiteral("/books?_expand=author")).json().at(1).value(u"author").value(u"name").toString(),
             QStringLiteral("Bob"));

    // A collection with string ids gets json-server's 7-character ids.
    const Answer book = request("POST", QStringLiteral("/books"), R"({"title":"Third","authorId":1})");
    QCOMPARE(book.status, 201);
    QVERIFY2(QRegularExpression(QStringLiteral("^[A-Za-z0-9_-]{7}$")).match(book.json().value(u"id").toString()).hasMatch(),
             book.body.constData());

    // A singular resource: GET, PATCH merges, PUT replaces.
    QCOMPARE(request("PATCH", QStringLiteral("/settings"), R"({"lang":"en"})").json(), Json::parse(R"({"theme":"dark","lang":"en"})"));
    QCOMPARE(request("PUT", QStringLiteral("/settings"), R"({"lang":"fr"})").json(), Json::parse(R"({"lang":"fr"})"));

    // Deleting an author removes the books that pointed at it, as json-server does.
    QCOMPARE(request("DELETE", QStringLiteral("/authors/1")).status, 200);
    QCOMPARE(request("GET", QStringLiteral("/books")).json().size(), 1);

    // Same seed file on the next start: the edits stay. A changed seed file: seeded again from it.
    QVERIFY(start(SampleApi::Options{.seedFile = seed}));
    QCOMPARE(request("GET", QStringLiteral("/authors/1")).status, 404);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(R"({"authors":[{"id":1,"name":"Ann again"}]})");
    file.close();
    QVERIFY(start(SampleApi::Options{.seedFile = seed}));
    QCOMPARE(request("GET", QStringLiteral("/authors/1")).json().value(u"name").toString(), QStringLiteral("Ann again"));
    QCOMPARE(request("GET", QStringLiteral("/books")).status, 404);
}

void tst_SampleApi::badSeedFileIsReadable()
{
    const QString seed = m_dir->filePath(QStringLiteral("bad.json"));
    QFile file(seed);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"posts": 5})");
    file.close();
    SampleApi api;
    QString error;
    QVERIFY(!api.start(SampleApi::Options{.databasePath = dbPath(), .seedFile = seed}, &error));
    QVERIFY2(error.contains(u"posts") && error.contains(seed), qPrintable(error));
    QVERIFY(!api.isListening());

    QVERIFY(!api.start(SampleApi::Options{.databasePath = dbPath(), .seedFile = m_dir->filePath(QStringLiteral("missing.json"))}, &error));
    QVERIFY2(error.contains(u"missing.json"), qPrintable(error));
}

void tst_SampleApi::failRate()
{
    QVERIFY(start(SampleApi::Options{.failRate = 1.0}));
    for (int i = 0; i < 3; ++i) {
        const Answer answer = request("GET", QStringLiteral("/posts/1"));
        QCOMPARE(answer.status, 503);
        QCOMPARE(answer.header("retry-after"), QByteArray("1"));
        QCOMPARE(answer.json().value(u"error").toString(), QStringLiteral("service unavailable"));
        QVERIFY(answer.read && answer.read->error);
        QCOMPARE(answer.read->error->kind, QueryError::Kind::Http);
        QCOMPARE(answer.read->error->retryAfter, std::optional<std::chrono::milliseconds>(1s));
    }
    // A failed write is not carried out.
    QCOMPARE(request("POST", QStringLiteral("/users"), R"({"name":"never"})").status, 503);
    QVERIFY(start());
    QCOMPARE(request("GET", QStringLiteral("/users/51")).status, 404);

    // A rate in between fails some requests and not others (the seed makes it repeatable).
    QVERIFY(start(SampleApi::Options{.failRate = 0.5, .randomSeed = 42}));
    int failed = 0;
    for (int i = 0; i < 40; ++i)
        failed += request("GET", QStringLiteral("/users/1")).status == 503 ? 1 : 0;
    QVERIFY2(failed > 5 && failed < 35, qPrintable(QString::number(failed)));
}

void tst_SampleApi::dropRate()
{
    QVERIFY(start(SampleApi::Options{.dropRate = 1.0}));
    const Answer answer = request("GET", QStringLiteral("/posts/1"));
    QVERIFY2(answer.networkError != QNetworkReply::NoError, qPrintable(QString::number(answer.networkError)));
    QVERIFY(answer.read && answer.read->error);
    QCOMPARE(answer.read->error->kind, QueryError::Kind::Network);
    QVERIFY(!answer.read->error->message.isEmpty());
    // Dropped or not, the server is still there for the next request.
    QCOMPARE(request("GET", QStringLiteral("/posts/2")).read->error->kind, QueryError::Kind::Network);
}

void tst_SampleApi::latency()
{
    QVERIFY(start(SampleApi::Options{.latency = 300ms}));
    QElapsedTimer timer;
    timer.start();
    const Answer answer = request("GET", QStringLiteral("/posts/1"));
    QCOMPARE(answer.status, 200);
    QVERIFY2(timer.elapsed() >= 290, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(answer.json().value(u"id").toInteger(), 1);

    // A client that leaves while its answer waits does no harm.
    QNetworkRequest leaving(QUrl(m_api->baseUrl().toString() + QStringLiteral("/posts/2")));
    QNetworkReply *reply = m_nam.get(leaving);
    QTRY_VERIFY(reply->isRunning());
    reply->abort();
    delete reply;
    QCOMPARE(request("GET", QStringLiteral("/posts/3")).status, 200);
}

void tst_SampleApi::announcement()
{
    QVERIFY(start());
    const QRegularExpression line(QStringLiteral(R"(^Sample API at http://127\.0\.0\.1:(\d+)$)"));
    const QRegularExpressionMatch match = line.match(m_api->announcement());
    QVERIFY2(match.hasMatch(), qPrintable(m_api->announcement()));
    QCOMPARE(match.captured(1).toUShort(), m_api->port());
    QCOMPARE(m_api->baseUrl(), QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_api->port())));
}

void tst_SampleApi::appPrintsTheLine()
{
    QProcess app;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir->filePath(QStringLiteral("data"))); // where AppDataLocation goes
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir->filePath(QStringLiteral("cache"))); // the persisted cache
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir->filePath(QStringLiteral("config"))); // the settings
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_dir->path());
    app.setProcessEnvironment(env);
    app.start(QStringLiteral(REFETCH_APP), {QStringLiteral("--demo")});
    QVERIFY2(app.waitForStarted(10000), qPrintable(app.errorString()));
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += app.readAllStandardOutput()).contains('\n') || app.state() != QProcess::Running, 20000);
    const QByteArray firstLine = out.left(out.indexOf('\n'));
    const QRegularExpressionMatch match =
        QRegularExpression(QStringLiteral(R"(^Sample API at http://127\.0\.0\.1:(\d+)$)")).match(QString::fromUtf8(firstLine));
    QVERIFY2(match.hasMatch(), out.constData());
    QCOMPARE(out.count('\n'), 1); // exactly one line

    // The line names a live server, with its data under the app's data location.
    QNetworkReply *reply = m_nam.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/posts/1").arg(match.captured(1)))));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    delete reply;
    QVERIFY(QFile::exists(m_dir->filePath(QStringLiteral("data/Refetch/Refetch/sample-api.sqlite"))));

    // SIGTERM quits the normal way (the cache and unsent writes saved), not as a crash.
    app.terminate();
    QVERIFY(app.waitForFinished(15000));
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 0);
    QVERIFY2(app.readAllStandardError().contains("quitting"), "the app says why it quits");
}

void tst_SampleApi::appRejectsBadOptions()
{
    QProcess app;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir->filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_dir->path());
    app.setProcessEnvironment(env);
    app.start(QStringLiteral(REFETCH_APP), {QStringLiteral("--demo-fail-rate"), QStringLiteral("1.5")});
    QVERIFY(app.waitForFinished(20000));
    QCOMPARE(app.exitCode(), 2);
    const QByteArray err = app.readAllStandardError();
    QVERIFY2(err.contains("--demo-fail-rate needs a number from 0 to 1"), err.constData());
    QVERIFY(app.readAllStandardOutput().isEmpty());
}

QTEST_GUILESS_MAIN(tst_SampleApi)
#include "tst_sampleapi.moc"
