#include "support/externalserver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace refetch::test;
using namespace std::chrono_literals;

// The third-party REST servers in tests/servers/ (ExternalServer): each one starts from a seed, answers a page of
// posts with the shape its framework gives, reports every request it reads, answers a bad write with its
// framework's own error, and stops leaving nothing but the seed behind. A server that cannot run here fails its
// row; REFETCH_ALLOW_MISSING_SERVERS=1 makes it a skip.

namespace {

constexpr int Posts = 45;
constexpr int Users = 5;
constexpr int Comments = 60;

QByteArray seedJson()
{
    QJsonArray users, posts, comments;
    for (int id = 1; id <= Users; ++id)
        users.append(QJsonObject{{"id", id}, {"name", QStringLiteral("User %1").arg(id)}, {"active", id % 2 == 1}});
    for (int id = 1; id <= Posts; ++id) {
        const bool published = id % 3 != 0;
        posts.append(QJsonObject{
            {"id", id},
            {"userId", (id - 1) % Users + 1},
            {"title", QStringLiteral("Post %1").arg(id)},
            {"views", (id * 37) % 101},
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

// The value at a path of object keys and array indexes ("detail/0/msg"); the document itself for "".
QJsonValue at(const QJsonDocument &document, const QString &path)
{
    QJsonValue value = document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
    for (const QString &step : path.split(u'/', Qt::SkipEmptyParts)) {
        bool isIndex = false;
        const int index = step.toInt(&isIndex);
        value = isIndex ? value.toArray().at(index) : value.toObject().value(step);
    }
    return value;
}

// A JSON value as the text a test compares: 21 and "21" both read "21".
QString text(const QJsonValue &value)
{
    return value.isString() ? value.toString() : value.toVariant().toString();
}

} // namespace

class tst_Servers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void smoke_data();
    void smoke();
    void startFailureSaysWhy();

private:
    std::unique_ptr<QNetworkReply> send(const QByteArray &method, const QUrl &url, const QByteArray &accept,
                                        const QByteArray &contentType = {}, const QByteArray &body = {});

    std::unique_ptr<QTemporaryDir> m_dir;
    QNetworkAccessManager m_nam;
};

void tst_Servers::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QFile seed(m_dir->filePath(QStringLiteral("db.json")));
    QVERIFY(seed.open(QIODevice::WriteOnly));
    seed.write(seedJson());
}

void tst_Servers::cleanup()
{
    m_dir.reset();
}

std::unique_ptr<QNetworkReply> tst_Servers::send(const QByteArray &method, const QUrl &url, const QByteArray &accept,
                                                 const QByteArray &contentType, const QByteArray &body)
{
    QNetworkRequest request(url);
    request.setRawHeader("Accept", accept);
    if (!contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    request.setTransferTimeout(10000);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(request, method, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(15000);
    return reply;
}

void tst_Servers::smoke_data()
{
    QTest::addColumn<ExternalServer::Kind>("kind");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("accept");
    QTest::addColumn<QString>("listPath");     // a page of posts
    QTest::addColumn<QString>("itemsAt");      // where the records are ("" for a plain array)
    QTest::addColumn<int>("items");
    QTest::addColumn<QString>("firstId");      // the page's first record's id, as text
    QTest::addColumn<QString>("totalAt");      // where the total is, "" when not given
    QTest::addColumn<QString>("nextAt");       // where the next page's link or number is, "" when not given
    QTest::addColumn<QByteArray>("contentType"); // of the bad write
    QTest::addColumn<QByteArray>("badBody");
    QTest::addColumn<int>("errorStatus");
    QTest::addColumn<QString>("errorAt");      // where the error says it; "" for a body that is not JSON
    QTest::addColumn<QString>("errorText");    // what it says there (contained in it for a non-JSON body)

    const QByteArray json = "application/json";
    const QByteArray drfBad = R"({"userId": 1})";
    const QString drfError = QStringLiteral("This field is required.");
    QTest::newRow("drf page") << ExternalServer::Drf << QStringList{"--paging", "page"} << json
                              << "/posts/?page=2" << "results" << 20 << "21" << "count" << "next"
                              << json << drfBad << 400 << "title/0" << drfError;
    QTest::newRow("drf limitoffset") << ExternalServer::Drf << QStringList{"--paging", "limitoffset"} << json
                                     << "/posts/?offset=20" << "results" << 20 << "21" << "count" << "next"
                                     << json << drfBad << 400 << "title/0" << drfError;
    QTest::newRow("drf cursor") << ExternalServer::Drf << QStringList{"--paging", "cursor"} << json
                                << "/posts/" << "results" << 20 << "1" << "" << "next"
                                << json << drfBad << 400 << "title/0" << drfError;
    QTest::newRow("drf none") << ExternalServer::Drf << QStringList{"--paging", "none"} << json
                              << "/posts/" << "" << Posts << "1" << "" << ""
                              << json << drfBad << 400 << "title/0" << drfError;
    QTest::newRow("fastapi") << ExternalServer::FastApi << QStringList() << json
                             << "/posts?skip=20&limit=20" << "" << 20 << "21" << "" << ""
                             << json << QByteArray(R"({"userId": 1})") << 422 << "detail/0/msg" << "field required";
    // json-server 1 validates nothing: a body that is not JSON is its only error, a 500 with the parser's message.
    QTest::newRow("json-server 1") << ExternalServer::JsonServer << QStringList() << json
                                   << "/posts?_page=2&_per_page=20" << "data" << 20 << "21" << "items" << "next"
                                   << json << QByteArray(R"({"userId": 1,)") << 500 << "" << "JSON";
    const QByteArray jsonApi = "application/vnd.api+json";
    QTest::newRow("jsonapi") << ExternalServer::JsonApi << QStringList() << jsonApi
                             << "/posts?page%5Boffset%5D=20&page%5Blimit%5D=20" << "data" << 20 << "21" << "meta/count"
                             << "links/next" << jsonApi
                             << QByteArray(R"({"data": {"type": "posts", "attributes": {"userId": 1}}})") << 400
                             << "errors/0/title" << "BadRequestError";
}

void tst_Servers::smoke()
{
    QFETCH(ExternalServer::Kind, kind);
    QFETCH(QStringList, args);
    QFETCH(QByteArray, accept);
    QFETCH(QString, listPath);
    QFETCH(QString, itemsAt);
    QFETCH(int, items);
    QFETCH(QString, firstId);
    QFETCH(QString, totalAt);
    QFETCH(QString, nextAt);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, badBody);
    QFETCH(int, errorStatus);
    QFETCH(QString, errorAt);
    QFETCH(QString, errorText);

    REFETCH_REQUIRE_SERVER(kind);

    ExternalServer server;
    QString error;
    QElapsedTimer startup;
    startup.start();
    QVERIFY2(server.start(kind, m_dir->filePath(QStringLiteral("db.json")), args, &error), qPrintable(error));
    qInfo("%s listening on %s after %lld ms", QTest::currentDataTag(), qPrintable(server.baseUrl().toString()),
          startup.elapsed());
    QCOMPARE(server.baseUrl().host(), QStringLiteral("127.0.0.1"));
    QVERIFY(server.baseUrl().port() > 0);

    // A page of posts, in the framework's own shape.
    const QString collection = listPath.section(u'?', 0, 0);
    const QUrl listUrl = QUrl(server.baseUrl().toString() + listPath, QUrl::StrictMode);
    QVERIFY(listUrl.isValid());
    const auto list = send("GET", listUrl, accept);
    QVERIFY(list->isFinished());
    const QByteArray listBody = list->readAll();
    QVERIFY2(list->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200,
             qPrintable(list->errorString() + u'\n' + QString::fromUtf8(listBody.left(2000)) + u'\n' + server.output()));
    QVERIFY2(list->header(QNetworkRequest::ContentTypeHeader).toString().contains(u"json"),
             qPrintable(list->header(QNetworkRequest::ContentTypeHeader).toString()));
    QJsonParseError parseError;
    const QJsonDocument page = QJsonDocument::fromJson(listBody, &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
    const QJsonArray records = at(page, itemsAt).toArray();
    QCOMPARE(records.size(), items);
    QCOMPARE(text(records.first().toObject().value(u"id")), firstId);
    if (!totalAt.isEmpty())
        QCOMPARE(at(page, totalAt).toInt(), Posts);
    if (!nextAt.isEmpty())
        QVERIFY2(!at(page, nextAt).isNull() && !at(page, nextAt).isUndefined(), listBody.left(300).constData());

    // The server saw it, exactly as sent.
    QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(QStringLiteral("GET"), collection), 1, 5000);
    QCOMPARE(server.requests(), QStringList{QStringLiteral("GET ") + listUrl.toString(QUrl::FullyEncoded | QUrl::RemoveScheme | QUrl::RemoveAuthority)});

    // A bad write: the framework's own error.
    const auto bad = send("POST", QUrl(server.baseUrl().toString() + collection), accept, contentType, badBody);
    QVERIFY(bad->isFinished());
    const QByteArray errorBody = bad->readAll();
    QCOMPARE(bad->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), errorStatus);
    if (errorAt.isEmpty()) {
        QVERIFY2(errorBody.contains(errorText.toUtf8()), errorBody.constData());
    } else {
        const QJsonDocument document = QJsonDocument::fromJson(errorBody, &parseError);
        QVERIFY2(parseError.error == QJsonParseError::NoError, errorBody.constData());
        QCOMPARE(text(at(document, errorAt)), errorText);
    }
    QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(QStringLiteral("POST"), collection), 1, 5000);
    QCOMPARE(server.requestCount(QString(), QStringLiteral("/")), 2);
    server.clearRequests();
    QVERIFY(server.requests().isEmpty());

    // It stops on SIGTERM and leaves nothing but the seed.
    server.stop();
    QVERIFY(!server.isRunning());
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{QStringLiteral("db.json")});
}

void tst_Servers::startFailureSaysWhy()
{
    ExternalServer server;
    QString error;
    QVERIFY(!server.start(ExternalServer::python(),
                          {QStringLiteral("-c"), QStringLiteral("import sys; print('no seed', file=sys.stderr); sys.exit(3)")},
                          &error, 10s));
    QVERIFY2(error.contains(u"exited with status 3") && error.contains(u"no seed"), qPrintable(error));
    QVERIFY(!server.isRunning());
    QVERIFY(server.baseUrl().isEmpty());

    QVERIFY(!server.start(QStringLiteral("/nonexistent/refetch-server"), {}, &error, 5s));
    QVERIFY2(error.contains(u"cannot start"), qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_Servers)
#include "tst_servers.moc"
