#include "app/sampleapi/democommandline.h"
#include "app/sampleapi/sampleapi.h"
#include "core/json/json.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace refetch;

namespace {

struct Answer
{
    int status = 0;
    QByteArray total;   // X-Total-Count
    Json json;
};

} // namespace

// The sample API's generated collections (SampleApi::Options::generated): a million rows served from their
// position, at once and without holding them, in json-server's paging; read-only.
class tst_GeneratedCollection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();

    void pagesOfAMillionRows();
    void onlyWhatItCanAnswer();
    void listedBesideTheData();
    void demoCommandLine();

private:
    Answer get(const QString &path, const QByteArray &method = "GET");

    QTemporaryDir m_dir;
    SampleApi m_api;
    QNetworkAccessManager m_nam;
};

void tst_GeneratedCollection::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QElapsedTimer started;
    started.start();
    QString error;
    QVERIFY2(m_api.start({.databasePath = m_dir.filePath("sample.sqlite"), .randomSeed = 7,
                          .generated = {{"rows", 1000000}}}, &error),
             qPrintable(error));
    qInfo("started with a million generated rows in %lld ms", started.elapsed());
}

Answer tst_GeneratedCollection::get(const QString &path, const QByteArray &method)
{
    QNetworkRequest request(QUrl(m_api.baseUrl().toString() + path));
    request.setTransferTimeout(10000);
    std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(request, method));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(15000);
    return Answer{.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                  .total = reply->rawHeader("X-Total-Count"),
                  .json = Json::parse(reply->readAll())};
}

void tst_GeneratedCollection::pagesOfAMillionRows()
{
    const Answer middle = get("/rows?_page=10001&_limit=50");
    QCOMPARE(middle.status, 200);
    QCOMPARE(middle.total, QByteArray("1000000"));
    QCOMPARE(middle.json.size(), 50);
    const Json first = middle.json.at(0);
    QCOMPARE(first.value(u"id"), Json(500001));
    QCOMPARE(first.value(u"title"), Json("Row 500001"));
    QCOMPARE(first.keyAt(0), QStringLiteral("id"));
    QVERIFY(first.value(u"views").isInteger());
    QVERIFY(first.value(u"published").isBool());
    QVERIFY(QDateTime::fromString(first.value(u"createdAt").toString(), Qt::ISODate).isValid());
    QCOMPARE(middle.json.at(49).value(u"id"), Json(500050));

    const Json end = get("/rows?_start=999990&_end=1000010").json;
    QCOMPARE(end.size(), 10);
    QCOMPARE(end.at(9).value(u"id"), Json(1000000));
    const Json limited = get("/rows?_start=10&_limit=2").json;
    QCOMPARE(limited.size(), 2);
    QCOMPARE(limited.at(0).value(u"id"), Json(11));

    const Answer descending = get("/rows?_sort=id&_order=desc&_page=1&_limit=3");
    QCOMPARE(descending.total, QByteArray("1000000"));
    QCOMPARE(descending.json.at(0).value(u"id"), Json(1000000));
    QCOMPARE(descending.json.at(2).value(u"id"), Json(999998));

    // getMany, as reference columns and reveals ask: those records, no total.
    const Answer many = get("/rows?id=7&id=5&id=2000000");
    QCOMPARE(many.json.size(), 2);
    QCOMPARE(many.json.at(0).value(u"id"), Json(5));
    QVERIFY(many.total.isEmpty());

    const Answer one = get("/rows/123456");
    QCOMPARE(one.status, 200);
    QCOMPARE(one.json.value(u"title"), Json("Row 123456"));
    QCOMPARE(get("/rows/0").status, 404);
    QCOMPARE(get("/rows/1000001").status, 404);
}

void tst_GeneratedCollection::onlyWhatItCanAnswer()
{
    const Answer search = get("/rows?q=Row&_page=1");
    QCOMPARE(search.status, 400);
    QVERIFY(search.json.value(u"detail").toString().contains(u"q"));
    QCOMPARE(get("/rows?_sort=views").status, 400);
    QCOMPARE(get("/rows", "POST").status, 405);
    QCOMPARE(get("/rows/1", "PATCH").status, 405);
    const Answer removed = get("/rows/1", "DELETE");
    QCOMPARE(removed.status, 405);
    QVERIFY(removed.json.value(u"detail").toString().contains(u"generated"));
}

void tst_GeneratedCollection::listedBesideTheData()
{
    // /db names it (so that detection lists it) without its records; the root links it.
    const Json db = get("/db").json;
    QVERIFY(db.value(u"rows").isArray());
    QCOMPARE(db.value(u"rows").size(), 0);
    QCOMPARE(db.value(u"posts").size(), 500);
    QVERIFY(get("/").json.value(u"resources").value(u"rows").isString());
}

void tst_GeneratedCollection::demoCommandLine()
{
    const DemoCommandLine demo;
    QCommandLineParser parser;
    demo.addTo(parser);
    QVERIFY(parser.parse({"refetch", "--demo-rows", "250000"}));
    QVERIFY(demo.isRequested(parser));
    QString error;
    const std::optional<SampleApi::Options> options = demo.options(parser, &error);
    QVERIFY2(options, qPrintable(error));
    QCOMPARE(options->generated.size(), 1);
    QCOMPARE(options->generated.first().first, QStringLiteral("rows"));
    QCOMPARE(options->generated.first().second, 250000);

    QCommandLineParser wrong;
    demo.addTo(wrong);
    QVERIFY(wrong.parse({"refetch", "--demo-rows", "many"}));
    QVERIFY(!demo.options(wrong, &error));
    QVERIFY(error.contains(u"--demo-rows"));
}

QTEST_GUILESS_MAIN(tst_GeneratedCollection)
#include "tst_generatedcollection.moc"
