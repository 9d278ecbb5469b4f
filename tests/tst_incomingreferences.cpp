// The records that point at one record (#15): found per resource by the references of its first page, listed with
// a filter on the referring field; a server that does not apply the filter is caught, and nothing it answered is
// shown as pointing here. Over HTTP from an in-process fixture that serves a json-server-style API.
#include "core/client/queryclient.h"
#include "core/http/httptransport.h"
#include "core/mutation/mutationqueue.h"
#include "core/session/apiconnection.h"
#include "core/session/incomingreferences.h"
#include "support/httpfixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace Qt::StringLiterals;

class tst_IncomingReferences : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void listsWhatPointsHere();
    void ignoredFilterIsCaught();
    void filterTheServerDoesNotOfferIsNotAsked();

private:
    // authors 1-2; books 1-6, book n by author (n - 1) % 2 + 1; /books applies ?authorId= unless `ignoreFilter`.
    void serve(bool ignoreFilter);
    // The fixture's endpoint: json-server's dialect and the two resources given, or (detect) what detection finds.
    ApiConnection *connect(bool detect = false);
    static std::optional<IncomingReferences::Group> group(const IncomingReferences &incoming, const QString &field);

    std::unique_ptr<HttpFixture> m_server;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<HttpTransport> m_transport;
    std::unique_ptr<QueryClient> m_client;
    std::unique_ptr<MutationQueue> m_queue;
    std::unique_ptr<ApiConnection> m_connection;
};

void tst_IncomingReferences::init()
{
    m_server = std::make_unique<HttpFixture>();
    QVERIFY(m_server->start());
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_transport = std::make_unique<HttpTransport>(m_nam.get());
    m_client = std::make_unique<QueryClient>();
    m_queue = std::make_unique<MutationQueue>(m_client.get());
}

void tst_IncomingReferences::cleanup()
{
    m_connection.reset();
    m_queue.reset();
    m_client.reset();
    m_transport.reset();
    m_nam.reset();
    m_server.reset();
}

void tst_IncomingReferences::serve(bool ignoreFilter)
{
    QJsonArray authors{QJsonObject{{"id", 1}, {"name", "Ann"}}, QJsonObject{{"id", 2}, {"name", "Bo"}}};
    QJsonArray books;
    for (int id = 1; id <= 6; ++id)
        books.append(QJsonObject{{"id", id}, {"authorId", (id - 1) % 2 + 1}, {"title", u"Book %1"_s.arg(id)}});
    m_server->route("GET", u"/authors"_s, [authors](const RecordedRequest &) {
        return Response::json(QJsonDocument(authors).toJson());
    });
    m_server->route("GET", u"/books"_s, [books, ignoreFilter](const RecordedRequest &r) {
        QJsonArray out;
        const QString author = r.query.queryItemValue(u"authorId"_s);
        for (const QJsonValue &b : books) {
            if (ignoreFilter || author.isEmpty() || QString::number(b.toObject().value(u"authorId"_s).toInt()) == author)
                out.append(b);
        }
        return Response::json(QJsonDocument(out).toJson());
    });
}

ApiConnection *tst_IncomingReferences::connect(bool detect)
{
    EndpointSettings settings;
    settings.id = u"shelf"_s;
    settings.baseUrl = m_server->baseUrl();
    if (!detect) {
        settings.resources = {u"authors"_s, u"books"_s};
        settings.dialect = u"json-server"_s;
    }
    m_connection = std::make_unique<ApiConnection>(settings, m_client.get(), m_queue.get(), m_transport.get());
    return m_connection.get();
}

std::optional<IncomingReferences::Group> tst_IncomingReferences::group(const IncomingReferences &incoming,
                                                                       const QString &field)
{
    for (const IncomingReferences::Group &g : incoming.groups()) {
        if (g.field == field)
            return g;
    }
    return std::nullopt;
}

// Author 1's books: found by books' authorId (convention: authors is a resource, and book 1's author exists), listed
// with ?authorId=1: books 1, 3 and 5 by title, and how many.
void tst_IncomingReferences::listsWhatPointsHere()
{
    serve(false);
    ApiConnection *c = connect();
    IncomingReferences incoming(c, u"authors"_s);
    incoming.setRecord(Json(1));
    QTRY_VERIFY(group(incoming, u"authorId"_s) && !group(incoming, u"authorId"_s)->loading);
    const IncomingReferences::Group g = *group(incoming, u"authorId"_s);
    QCOMPARE(g.resource, u"books"_s);
    QVERIFY2(g.problem.isEmpty(), qPrintable(g.problem));
    QCOMPARE(g.records, (QList<ReferenceSearch::Choice>{{Json(1), u"Book 1"_s}, {Json(3), u"Book 3"_s}, {Json(5), u"Book 5"_s}}));
    QCOMPARE(g.total, 3);
    bool filtered = false;
    for (const RecordedRequest &r : m_server->requests())
        filtered |= r.path == u"/books" && r.query.queryItemValue(u"authorId"_s) == u"1";
    QVERIFY(filtered);
    // Another record: its own list; the fields are not looked for again.
    const int reads = m_server->count("GET", u"/books"_s);
    incoming.setRecord(Json(2));
    QTRY_VERIFY(group(incoming, u"authorId"_s) && !group(incoming, u"authorId"_s)->loading);
    QCOMPARE(group(incoming, u"authorId"_s)->records.size(), 3);
    QCOMPARE(group(incoming, u"authorId"_s)->records.first().id, Json(2));
    QCOMPARE(m_server->count("GET", u"/books"_s), reads + 1);
}

// A server that answers every book whatever ?authorId= says: the group says it cannot be listed and lists nothing
// (showing them would put Bo's books under Ann). Tested: without the check, the group lists all six.
void tst_IncomingReferences::ignoredFilterIsCaught()
{
    serve(true);
    ApiConnection *c = connect();
    IncomingReferences incoming(c, u"authors"_s);
    incoming.setRecord(Json(1));
    QTRY_VERIFY(group(incoming, u"authorId"_s) && !group(incoming, u"authorId"_s)->loading);
    const IncomingReferences::Group g = *group(incoming, u"authorId"_s);
    QVERIFY(g.records.isEmpty());
    QVERIFY2(g.problem.contains(u"does not filter books by authorId"_s), qPrintable(g.problem));
}

// A server whose OpenAPI document names the parameters of /books: skip, limit and title, not authorId. Books' authorId
// is still found (by convention, on the first page), but it is not asked for: the group says the server offers no
// such filter.
void tst_IncomingReferences::filterTheServerDoesNotOfferIsNotAsked()
{
    serve(false);
    const QByteArray list = R"({"parameters": [
        {"name": "skip", "in": "query", "schema": {"type": "integer"}},
        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
        {"name": "title", "in": "query", "schema": {"type": "string"}}],
      "responses": {"200": {"description": "OK"}}})";
    const QByteArray record = R"({"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
      "responses": {"200": {"description": "OK"}}})";
    m_server->setJson(u"/openapi.json"_s, R"({"openapi": "3.0.2", "info": {"title": "Shelf", "version": "1"}, "paths": {
        "/authors": {"get": )" + list + R"(}, "/authors/{id}": {"get": )" + record + R"(},
        "/books": {"get": )" + list + R"(}, "/books/{id}": {"get": )" + record + R"(}}})");
    connect(true);
    QTRY_VERIFY(!m_connection->detected().dialect.isEmpty());
    QVERIFY2(m_connection->provider()->resourceInfo(u"books"_s), qPrintable(m_connection->detected().dialect));
    QCOMPARE(m_connection->provider()->resourceInfo(u"books"_s)->filterFields, QStringList{u"title"_s});
    IncomingReferences incoming(m_connection.get(), u"authors"_s);
    incoming.setRecord(Json(1));
    QTRY_VERIFY(group(incoming, u"authorId"_s));
    const IncomingReferences::Group g = *group(incoming, u"authorId"_s);
    QVERIFY(g.records.isEmpty());
    QVERIFY2(g.problem.contains(u"no filter of books by authorId"_s), qPrintable(g.problem));
    QTest::qWait(100);   // what went out in this time would be the filtered list
    for (const RecordedRequest &r : m_server->requests())
        QVERIFY2(!r.query.hasQueryItem(u"authorId"_s), qPrintable(r.query.toString()));
}

QTEST_GUILESS_MAIN(tst_IncomingReferences)
#include "tst_incomingreferences.moc"
