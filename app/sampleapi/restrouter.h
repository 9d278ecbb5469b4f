#pragma once

#include "generatedcollection.h"
#include "listquery.h"

#include <QByteArray>
#include <QHash>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <utility>

QT_BEGIN_NAMESPACE
class QRandomGenerator;
QT_END_NAMESPACE

namespace refetch::sampleapi {

class Record;
class SampleDatabase;
struct Resource;

using HeaderList = QList<std::pair<QByteArray, QByteArray>>;

// One HTTP request, as the router needs it.
struct Request
{
    QByteArray method;  // upper case
    QString path;       // decoded, without the query
    QByteArray query;   // percent-encoded, without the '?'
    QByteArray body;
    HeaderList headers; // names in lower case
    QString origin;     // "http://host:port" as the client addressed us, for Location and Link

    QByteArray header(const QByteArray &lowerCaseName) const;
};

// One HTTP answer: a JSON body (empty for 204 and 304) and the headers besides Content-Type and Content-Length.
struct Reply
{
    int status = 200;
    QByteArray body;
    HeaderList headers;

    static Reply json(int status, QByteArray body);
    static Reply error(int status, const QString &message, const QList<std::pair<QString, QString>> &details = {});
};

// json-server 0.17's routes and semantics over a SampleDatabase, plus ETags, conditional requests and validation:
// turns one request into one reply.
class RestRouter
{
public:
    RestRouter(SampleDatabase *db, QRandomGenerator *random) : m_db(db), m_random(random) {}

    // A write (POST, PUT, PATCH, DELETE) with an Idempotency-Key is carried out once: its answer is kept under
    // the key and replayed, with "Idempotent-Replayed: true", when the key comes again; the key used for another
    // request gets 422. Errors of the server (5xx) are not kept, so that the write can be tried again.
    Reply handle(const Request &request);
    // An OpenAPI document served at /openapi.json (the built-in data's; none for a seed file of the user's, which
    // it would not describe).
    void setOpenApi(QByteArray document) { m_openApi = std::move(document); }
    // Collections made from their position (SampleApi::Options::generated), read-only, beside the database's.
    void setGenerated(QList<GeneratedCollection> collections) { m_generated = std::move(collections); }

private:
    Reply route(const Request &request);
    const GeneratedCollection *generated(QStringView name) const;
    Reply generatedRoute(const Request &request, const GeneratedCollection &collection, const QStringList &segments) const;
    Reply idempotent(const Request &request, const QByteArray &key);
    Reply index(const Request &request) const;
    Reply list(const Request &request, const Resource &resource, const QString &nestedKey = {},
               const QString &nestedId = {}) const;
    Reply show(const Request &request, const Resource &resource, const QString &id) const;
    Reply create(const Request &request, const Resource &resource, const QString &nestedKey = {},
                 const QString &nestedId = {});
    Reply update(const Request &request, const Resource &resource, const QString &id);
    Reply destroy(const Request &request, const Resource &resource, const QString &id);
    Reply singular(const Request &request, const Resource &resource);

    // _embed and _expand, on a copy of the record.
    Record withRelations(const Resource &resource, Record record, const QueryItems &query) const;
    QJsonValue nextId(const Resource &resource);
    // Records left pointing at a record that is gone (a "postId" naming a missing post), as json-server removes them.
    QHash<QString, QList<qsizetype>> danglingRecords() const;

    SampleDatabase *m_db;
    QRandomGenerator *m_random;
    QByteArray m_openApi;
    QList<GeneratedCollection> m_generated;
};

} // namespace refetch::sampleapi
