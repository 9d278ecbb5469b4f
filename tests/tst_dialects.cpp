#include "app/sampleapi/sampleapi.h"
#include "core/models/pagedtablemodel.h"
#include "core/models/recordmodel.h"
#include "core/mutation/mutationqueue.h"
#include "core/providers/dataprovider.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"
#include "support/dialectpeers.h"
#include "support/externalserver.h"
#include "core/session/apiconnection.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace refetch;
using namespace refetch::test;
using namespace refetch::test::dialects;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

// Every dialect Refetch claims, against its real server on 127.0.0.1, with nothing set but the base URL: the app's
// own wiring (ApiConnection: detection, the provider it picks, the list, detail and write options) and the models a
// view uses. REFETCH_DIALECT_PEER (set per CTest test by tests/CMakeLists.txt) names the server:
//   builtin          the built-in sample API (json-server 0.17's dialect)
//   jsonserver017    json-server 0.17.4
//   jsonserver1      json-server 1.0.0-beta.3
//   drf-page, drf-limitoffset, drf-cursor, drf-none   Django REST framework with each pagination class
//   fastapi          FastAPI (skip/limit from its OpenAPI document)
//   jsonapi          a JSON:API server (Fortune.js)
// One shared list of behaviours: detect, page through everything (each record once), sort, search, get one,
// create, update, delete, a field error under its field, and a write refetching exactly the affected lists.

class tst_Dialects : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void detectsFromTheUrlAlone();
    void pagesThroughEverythingOnce();
    void sortsOnTheServer();
    void searchesOnTheServer();
    void filtersOnTheServer();
    void getsOne();
    void createUpdateDelete();
    void numbersRoundTripDigitForDigit();
    void writeRefetchesExactlyTheAffectedLists();
    void fieldErrorUnderItsField();

private:
    ApiConnection *connect();
    PagedTableModel *list(const QString &resource);
    void loadAll(PagedTableModel *model);
    QStringList idsOf(const PagedTableModel *model) const;
    Mutation *write(MutationOptions options, const Json &variables);
    Json fetchRecord(const Json &id);
    // GET requests the server saw for the list of `resource` (its path, any query), since the last clear.
    int listRequests(const QString &resource) const;
    void clearRequests();

    Peer m_peer;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ExternalServer> m_server;
    std::unique_ptr<SampleApi> m_sampleApi;
    QStringList m_builtinRequests;
    QUrl m_baseUrl;

    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<HttpTransport> m_transport;
    std::unique_ptr<QueryClient> m_client;
    std::unique_ptr<MutationQueue> m_queue;
    std::unique_ptr<ApiConnection> m_connection;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
    std::vector<std::unique_ptr<QObject>> m_models;
};

void tst_Dialects::initTestCase()
{
    const QString name = qEnvironmentVariable("REFETCH_DIALECT_PEER", u"builtin"_s);
    m_peer = peer(name);
    QVERIFY2(!m_peer.name.isEmpty(), qPrintable(u"unknown REFETCH_DIALECT_PEER "_s + name));
    qInfo("peer: %s", qPrintable(name));
    if (m_peer.kind) {
        REFETCH_REQUIRE_SERVER(*m_peer.kind);
    }
}

void tst_Dialects::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    const QString seed = m_dir->filePath(u"db.json"_s);
    QFile file(seed);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(seedJson());
    file.close();
    QString error;
    if (m_peer.kind) {
        m_server = std::make_unique<ExternalServer>();
        QVERIFY2(m_server->start(*m_peer.kind, seed, m_peer.args, &error), qPrintable(error));
        m_baseUrl = m_server->baseUrl();
    } else {
        m_sampleApi = std::make_unique<SampleApi>();
        QVERIFY2(m_sampleApi->start(SampleApi::Options{.databasePath = m_dir->filePath(u"sample.sqlite"_s),
                                                       .seedFile = seed, .randomSeed = 1}, &error),
                 qPrintable(error));
        QObject::connect(m_sampleApi.get(), &SampleApi::requestHandled, m_sampleApi.get(),
                         [this](const QByteArray &method, const QString &path, int) {
            m_builtinRequests.append(QString::fromLatin1(method) + u' ' + path);
        });
        m_baseUrl = m_sampleApi->baseUrl();
    }
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_transport = std::make_unique<HttpTransport>(m_nam.get());
    m_client = std::make_unique<QueryClient>();
    m_queue = std::make_unique<MutationQueue>(m_client.get());
}

void tst_Dialects::cleanup()
{
    m_testers.clear();
    m_models.clear();
    m_connection.reset();
    m_queue.reset();
    m_client.reset();
    m_transport.reset();
    m_nam.reset();
    if (m_server && QTest::currentTestFailed())
        qInfo("the server said:\n%s", m_server->output().right(3000).constData());
    m_server.reset();
    m_sampleApi.reset();
    m_builtinRequests.clear();
    m_dir.reset();
}

ApiConnection *tst_Dialects::connect()
{
    EndpointSettings settings;
    settings.id = u"peer"_s;
    settings.baseUrl = m_baseUrl;
    settings.pageSize = PageSize;
    settings.timeout = 20s;
    m_connection = std::make_unique<ApiConnection>(settings, m_client.get(), m_queue.get(), m_transport.get());
    return m_connection.get();
}

PagedTableModel *tst_Dialects::list(const QString &resource)
{
    auto *model = new PagedTableModel(m_client.get(), m_connection->endpoint(), m_connection->listOptions(resource));
    m_models.emplace_back(model);
    m_testers.push_back(std::make_unique<QAbstractItemModelTester>(model, QAbstractItemModelTester::FailureReportingMode::Fatal));
    return model;
}

void tst_Dialects::loadAll(PagedTableModel *model)
{
    for (int guard = 0; guard < 100; ++guard) {
        QTRY_VERIFY_WITH_TIMEOUT(!model->isFetching(), 20000);
        QVERIFY2(!model->hasError(), qPrintable(model->errorString()));
        if (!model->canFetchMore())
            return;
        model->fetchMore();
    }
    QFAIL("more than 100 pages");
}

QStringList tst_Dialects::idsOf(const PagedTableModel *model) const
{
    QStringList ids;
    for (int r = 0; r < model->rowCount(); ++r)
        ids.append(idText(model->rowId(r)));
    return ids;
}

Mutation *tst_Dialects::write(MutationOptions options, const Json &variables)
{
    options.mode = MutationMode::Pessimistic;   // the undo delay of a delete is the window's business
    return m_queue->mutate(options, variables);
}

Json tst_Dialects::fetchRecord(const Json &id)
{
    m_client->removeQueries({QueryKey{u"peer"_s, u"posts"_s, id}});
    QueryObserver detail(m_client.get(), m_connection->detailQuery(u"posts"_s, id));
    if (!QTest::qWaitFor([&] { return !detail.isFetching() && !detail.isPending(); }, 20000))
        return {};
    return detail.error() ? Json() : detail.data();
}

int tst_Dialects::listRequests(const QString &resource) const
{
    const QString path = m_connection->provider()->listPath(resource);
    const QStringList requests = m_server ? m_server->requests() : m_builtinRequests;
    int n = 0;
    for (const QString &r : requests) {
        const QString target = r.section(u' ', 1);
        if (r.startsWith(u"GET "_s) && (target == path || target.startsWith(path + u'?')))
            ++n;
    }
    return n;
}

void tst_Dialects::clearRequests()
{
    if (m_server)
        m_server->clearRequests();
    m_builtinRequests.clear();
}

void tst_Dialects::detectsFromTheUrlAlone()
{
    QElapsedTimer timer;
    timer.start();
    ApiConnection *c = connect();
    // The moments are taken where they happen (a QTRY wait polls every 50 ms).
    qint64 detectMs = -1;
    QObject::connect(c, &ApiConnection::resourcesChanged, c, [&] {
        if (detectMs < 0 && !c->isLoading())
            detectMs = timer.elapsed();
    });
    // An event loop, not a QTRY wait: QTRY sleeps 10 ms between event passes, which would be most of the figure.
    QEventLoop loop;
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    QObject::connect(c, &ApiConnection::resourcesChanged, &loop, [&] {
        if (!c->isLoading())
            loop.quit();
    });
    if (c->isLoading())
        loop.exec();
    QVERIFY2(!c->isLoading() && c->errorString().isEmpty(), qPrintable(c->errorString()));
    const DetectedApi api = c->detected();
    QCOMPARE(api.dialect, m_peer.dialect);
    for (const QString &r : {u"posts"_s, u"users"_s, u"comments"_s})
        QVERIFY2(c->resources().contains(r), qPrintable(c->resources().join(u", ")));
    QVERIFY2(api.summary.contains(pagingDescription(m_peer.paging)), qPrintable(api.summary));
    const int detectRequests = m_server ? int(m_server->requests().size()) : int(m_builtinRequests.size());
    // The first rows, as a newcomer sees them.
    PagedTableModel *posts = list(u"posts"_s);
    qint64 rowsMs = -1;
    QObject::connect(posts, &QAbstractItemModel::rowsInserted, posts, [&] {
        if (rowsMs < 0)
            rowsMs = timer.elapsed();
    });
    QObject::connect(posts, &QAbstractItemModel::modelReset, posts, [&] {
        if (rowsMs < 0 && posts->rowCount() > 0)
            rowsMs = timer.elapsed();
    });
    QObject::connect(posts, &QAbstractItemModel::rowsInserted, &loop, &QEventLoop::quit);
    QObject::connect(posts, &QAbstractItemModel::modelReset, &loop, &QEventLoop::quit);
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    while (posts->rowCount() == 0 && timer.elapsed() < 20000)
        loop.exec();
    QVERIFY(posts->rowCount() > 0);
    const int total = m_server ? int(m_server->requests().size()) : int(m_builtinRequests.size());
    qInfo("detected: %s; %d requests, %lld ms to detect; %d requests, %lld ms from the URL to the first rows",
          qPrintable(api.summary), detectRequests, detectMs, total, rowsMs);
    for (const QString &note : api.notes)
        qInfo("note: %s", qPrintable(note));
    QVERIFY2(detectRequests <= 5, qPrintable(m_server ? m_server->requests().join(u"; ") : m_builtinRequests.join(u"; ")));
}

void tst_Dialects::pagesThroughEverythingOnce()
{
    ApiConnection *c = connect();
    QTRY_VERIFY_WITH_TIMEOUT(!c->isLoading(), 20000);
    clearRequests();
    PagedTableModel *posts = list(u"posts"_s);
    QTRY_VERIFY_WITH_TIMEOUT(posts->rowCount() > 0 && !posts->isFetching(), 20000);
    // The server's total from the first page on, where the dialect gives one.
    QCOMPARE(posts->totalCount(), m_peer.total ? qint64(Posts) : qint64(-1));
    loadAll(posts);
    const QStringList ids = idsOf(posts);
    QStringList expected;
    for (int id = 1; id <= Posts; ++id)
        expected.append(QString::number(id));
    QStringList sorted = ids;
    std::sort(sorted.begin(), sorted.end(), [](const QString &a, const QString &b) { return a.toInt() < b.toInt(); });
    QCOMPARE(sorted, expected);   // every record, each once
    QCOMPARE(posts->rowCount(), Posts);
    QCOMPARE(posts->loadedCount(), qint64(Posts));
    QCOMPARE(posts->totalCount(), qint64(Posts));   // the server's total, or the count once loaded to the end
    QVERIFY(posts->notice().isEmpty());
    // One request per page of 10; without a total, at most one more to see the end.
    const int pages = m_peer.paged ? (Posts + PageSize - 1) / PageSize : 1;
    QVERIFY2(listRequests(u"posts"_s) >= pages && listRequests(u"posts"_s) <= pages + 1,
             qPrintable(m_server ? m_server->requests().join(u"; ") : m_builtinRequests.join(u"; ")));
}

void tst_Dialects::sortsOnTheServer()
{
    ApiConnection *c = connect();
    QTRY_VERIFY_WITH_TIMEOUT(!c->isLoading(), 20000);
    PagedTableModel *posts = list(u"posts"_s);
    QTRY_VERIFY_WITH_TIMEOUT(posts->rowCount() > 0 && !posts->isFetching(), 20000);
    const int column = posts->columnOf(u"views");
    QVERIFY(column >= 0);
    QVERIFY2(posts->canSort(column), "the server sorts on views");
    posts->sort(column, Qt::DescendingOrder);
    QTRY_VERIFY_WITH_TIMEOUT(posts->rowCount() > 0 && !posts->isFetching(), 20000);
    QVERIFY2(!posts->hasError(), qPrintable(posts->errorString()));
    int maxViews = 0;
    for (int id = 1; id <= Posts; ++id)
        maxViews = std::max(maxViews, views(id));
    QCOMPARE(posts->data(posts->index(0, column), JsonTableModel::CellJsonRole).value<Json>().toInteger(), qint64(maxViews));
    for (int r = 1; r < posts->rowCount(); ++r) {
        const qint64 before = posts->data(posts->index(r - 1, column), JsonTableModel::CellJsonRole).value<Json>().toInteger();
        const qint64 here = posts->data(posts->index(r, column), JsonTableModel::CellJsonRole).value<Json>().toInteger();
        QVERIFY(before >= here);
    }
}

void tst_Dialects::searchesOnTheServer()
{
    ApiConnection *c = connect();
    QTRY_VERIFY_WITH_TIMEOUT(!c->isLoading(), 20000);
    PagedTableModel *posts = list(u"posts"_s);
    QTRY_VERIFY_WITH_TIMEOUT(posts->rowCount() > 0 && !posts->isFetching(), 20000);
    QCOMPARE(posts->canSearch(), m_peer.search);
    if (!m_peer.search)
        QSKIP("this server offers no search: the search field is disabled");
    posts->setSearch(u"sqlite"_s);
    loadAll(posts);
    QStringList ids = idsOf(posts);
    std::sort(ids.begin(), ids.end(), [](const QString &a, const QString &b) { return a.toInt() < b.toInt(); });
    QStringList expected;
    for (int id = 1; id <= Posts; ++id) {
        if (topic(id) == u"SQLite")
            expected.append(QString::number(id));
    }
    QCOMPARE(ids, expected);
}

void tst_Dialects::filtersOnTheServer()
{
    ApiConnection *c = connect();
    QTRY_VERIFY_WITH_TIMEOUT(!c->isLoading(), 20000);
    PagedTableModel *posts = list(u"posts"_s);
    QTRY_VERIFY_WITH_TIMEOUT(posts->rowCount() > 0 && !posts->isFetching(), 20000);
    // A field filter, as every dialect spells it (JSON:API's filter[userId]=2 is the provider's doing).
    posts->setFilters({{u"userId"_s, u"2"_s}});
    loadAll(posts);
    QStringList ids = idsOf(posts);
    std::sort(ids.begin(), ids.end(), [](const QString &a, const QString &b) { return a.toInt() < b.toInt(); });
    QStringList expected;
    for (int id = 1; id <= Posts; ++id) {
        if (userOf(id) == 2)
            expected.append(QString::number(id));
    }
    QCOMPARE(ids, expected);
}

void tst_Dialects::getsOne()
{
    ApiConnection *c = connect();
    QTRY_VERIFY_WITH_TIMEOUT(!c->isLoading(), 20000);
    const Json record = fetchRecord(Json(7));
    QVERIFY(record.isObject());
    QCOMPARE(idText(record.value(u"id")), u"7"_s);
    QCOMPARE(record.value(u"title").toString(), title(7));
    QCOMPARE(record.value(u"views").toInteger(), qint64(views(7)));
}

void tst_Dialects::createUpdateDelete()
{
    ApiConnection *c = connect();
    QTRY_VERIFY_WITH_TIMEOUT(!c->isLoading(), 20000);
    // Create.
    const Json fields = Json::object({{u"userId", 1}, {u"title", Json("Created here")}, {u"views", 3},
                                      {u"published", true}, {u"rating", nullptr}, {u"publishedAt", nullptr},
                                      {u"meta", Json::object({{u"words", 1}})}});
    Mutation *create = write(c->createOptions(u"posts"_s), fields);
    QSignalSpy created(create, &Mutation::settled);
    QVERIFY(created.wait(20000));
    QVERIFY2(!create->error(), qPrintable(create->error() ? create->error()->toString() : QString()));
    const Json newId = create->result().value(u"id");
    if (m_peer.kind == ExternalServer::JsonApi && newId.isUndefined()) {
        QFAIL("the JSON:API answer carried no record");
    }
    QVERIFY2(!newId.isUndefined() && !newId.isNull(), create->result().toJson().constData());
    QCOMPARE(fetchRecord(newId).value(u"title").toString(), u"Created here"_s);

    // Update, as the form does it: a RecordModel sending the changed field.
    RecordModelOptions options;
    options.submit = c->updateOptions(u"posts"_s, Json(7));
    RecordModel form(m_queue.get(), c->detailQuery(u"posts"_s, Json(7)), options);
    QAbstractItemModelTester tester(&form, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QTRY_VERIFY_WITH_TIMEOUT(form.rowCount() > 0 && !form.isLoading(), 20000);
    QVERIFY(form.setField(u"title"_s, Json("Edited by Refetch")));
    QSignalSpy saved(&form, &RecordModel::submitSucceeded);
    QSignalSpy refused(&form, &RecordModel::submitFailed);
    QVERIFY(form.submitChanges());
    QTRY_VERIFY_WITH_TIMEOUT(saved.count() + refused.count() > 0, 20000);
    QVERIFY2(refused.isEmpty(), qPrintable(form.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(!form.isDirty(), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(form.fieldValue(u"title").toString(), u"Edited by Refetch"_s, 20000);
    QCOMPARE(fetchRecord(Json(7)).value(u"title").toString(), u"Edited by Refetch"_s);
    QCOMPARE(fetchRecord(Json(7)).value(u"views").toInteger(), qint64(views(7)));   // only the title was sent

    // Delete.
    Mutation *remove = write(c->deleteOptions(u"posts"_s, newId), Json());
    QSignalSpy deleted(remove, &Mutation::settled);
    QVERIFY(deleted.wait(20000));
    QVERIFY2(!remove->error(), qPrintable(remove->error() ? remove->error()->toString() : QString()));
    QVERIFY(fetchRecord(newId).isUndefined());
}

// Numbers beyond what a double holds go to the server and come back digit for digit, through the record model as
// the form uses it: DRF's BigIntegerField (posts' counter) at int64's largest and at 2^53 + 1, typed as text, and
// integers beyond int64 in a JSON field (which Python keeps whole). json-server, the JSON:API server (JavaScript)
// and the built-in API (json-server's twin, numbers as JavaScript has them) round such numbers themselves;
// FastAPI's posts have no field to hold them.
void tst_Dialects::numbersRoundTripDigitForDigit()
{
    if (!m_peer.kind || *m_peer.kind != ExternalServer::Drf)
        QSKIP("this server rounds numbers beyond 2^53 itself, or has no field to hold them");
    ApiConnection *c = connect();
    QTRY_VERIFY_WITH_TIMEOUT(!c->isLoading(), 20000);
    RecordModelOptions options;
    options.submit = c->updateOptions(u"posts"_s, Json(7));
    RecordModel form(m_queue.get(), c->detailQuery(u"posts"_s, Json(7)), options);
    QAbstractItemModelTester tester(&form, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QTRY_VERIFY_WITH_TIMEOUT(form.rowCount() > 0 && !form.isLoading(), 20000);
    auto save = [&] {
        QSignalSpy saved(&form, &RecordModel::submitSucceeded);
        QSignalSpy refused(&form, &RecordModel::submitFailed);
        QVERIFY(form.submitChanges());
        QTRY_VERIFY_WITH_TIMEOUT(saved.count() + refused.count() > 0, 20000);
        QVERIFY2(refused.isEmpty(), qPrintable(form.errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(!form.isDirty() && !form.isSubmitting(), 20000);
    };

    const QByteArray meta = R"({"words":70,"big":12345678901234567890123,"negative":-98765432109876543210})";
    QVERIFY(form.setField(u"counter"_s, Json::fromNumberText(QByteArrayView("9223372036854775807"))));
    QVERIFY(form.setField(u"meta"_s, Json::parse(meta)));
    save();
    Json record = fetchRecord(Json(7));
    QCOMPARE(record.value(u"counter").toJson(), QByteArray("9223372036854775807"));
    QCOMPARE(record.value(u"meta").value(u"big").toJson(), QByteArray("12345678901234567890123"));
    QCOMPARE(record.value(u"meta").value(u"negative").toJson(), QByteArray("-98765432109876543210"));
    QCOMPARE(record.value(u"meta"), Json::parse(meta));
    QTRY_COMPARE_WITH_TIMEOUT(form.fieldValue(u"meta").value(u"big").toJson(), QByteArray("12345678901234567890123"),
                              20000);
    QCOMPARE(form.fieldValue(u"counter").toJson(), QByteArray("9223372036854775807"));

    // 2^53 + 1 as typed text, which a double would make 2^53.
    QVERIFY(form.setData(form.index(form.rowOf(u"counter"), RecordModel::ValueColumn), u"9007199254740993"_s));
    save();
    record = fetchRecord(Json(7));
    QCOMPARE(record.value(u"counter").toJson(), QByteArray("9007199254740993"));
    QCOMPARE(record.value(u"title").toString(), title(7));   // only what changed was sent
}

void tst_Dialects::writeRefetchesExactlyTheAffectedLists()
{
    ApiConnection *c = connect();
    QTRY_VERIFY_WITH_TIMEOUT(!c->isLoading(), 20000);
    PagedTableModel *posts = list(u"posts"_s);
    PagedTableModel *users = list(u"users"_s);
    QTRY_VERIFY_WITH_TIMEOUT(posts->rowCount() > 0 && users->rowCount() > 0 && !posts->isFetching() && !users->isFetching(), 20000);
    const Json id = posts->rowId(2);
    clearRequests();
    Mutation *m = write(c->updateOptions(u"posts"_s, id), Json::object({{u"title", Json("Renamed")}}));
    QSignalSpy settled(m, &Mutation::settled);
    QVERIFY(settled.wait(20000));
    QVERIFY2(!m->error(), qPrintable(m->error() ? m->error()->toString() : QString()));
    // The list that shows the record refetches by itself and shows the change; the users' list does not.
    QTRY_COMPARE_WITH_TIMEOUT(posts->data(posts->index(posts->rowOf(id), posts->columnOf(u"title"))).toString(),
                              u"Renamed"_s, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(!posts->isFetching(), 20000);
    QCOMPARE(listRequests(u"posts"_s), 1);
    QCOMPARE(listRequests(u"users"_s), 0);
}

void tst_Dialects::fieldErrorUnderItsField()
{
    if (!m_peer.validates)
        QSKIP("this server accepts any value: there is no field error to show");
    ApiConnection *c = connect();
    QTRY_VERIFY_WITH_TIMEOUT(!c->isLoading(), 20000);
    RecordModelOptions options;
    options.submit = c->updateOptions(u"posts"_s, Json(7));
    RecordModel form(m_queue.get(), c->detailQuery(u"posts"_s, Json(7)), options);
    QAbstractItemModelTester tester(&form, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QTRY_VERIFY_WITH_TIMEOUT(form.rowCount() > 0 && !form.isLoading(), 20000);
    QVERIFY(form.setField(m_peer.invalidField, m_peer.invalidValue));
    QSignalSpy refused(&form, &RecordModel::submitFailed);
    QVERIFY(form.submitChanges());
    QVERIFY(refused.wait(20000));
    const MutationError error = refused.first().first().value<MutationError>();
    qInfo("refused: %s", qPrintable(error.toString()));
    QVERIFY(form.isDirty());   // the edit stays
    QCOMPARE(form.fieldValue(m_peer.invalidField), m_peer.invalidValue);
    if (m_peer.fieldNamed) {
        QVERIFY2(form.fieldErrors().contains(m_peer.invalidField), qPrintable(error.toString()));
        QVERIFY(!form.fieldErrors().value(m_peer.invalidField).isEmpty());
        QVERIFY(!form.data(form.index(form.rowOf(m_peer.invalidField), RecordModel::ValueColumn),
                           RecordModel::FieldErrorRole).toString().isEmpty());
    } else {
        // The server's message names the field in words only: it is shown over the form.
        QVERIFY2(error.toString().contains(m_peer.invalidField), qPrintable(error.toString()));
    }
    // Nothing reached the server's data.
    QCOMPARE(fetchRecord(Json(7)).value(u"views").toInteger(), qint64(views(7)));
}

QTEST_MAIN(tst_Dialects)
#include "tst_dialects.moc"
