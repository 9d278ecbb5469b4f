#pragma once

#include "record.h"

#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace refetch::sampleapi {

// A query string's parameters in order, decoded as Express decodes them ('+' is a space); repeated keys repeat.
using QueryItems = QList<std::pair<QString, QString>>;
QueryItems parseQuery(QByteArrayView encodedQuery);

// What GET /collection answers, computed as json-server 0.17 computes it: q, then the field filters (with
// their _gte/_lte/_ne/_like suffixes), then _sort/_order, then _page/_limit or _start/_end or _start/_limit.
struct ListAnswer
{
    QList<qsizetype> rows;                // indexes into the records, in answer order
    std::optional<qsizetype> totalCount;  // X-Total-Count: set when the query asked for a slice
    std::optional<QByteArray> link;       // the Link header: set (possibly empty) when it asked for a page
    QString error;                        // why the query cannot be answered, for a 400 (json-server throws a 500)
};
// `fullUrl` is the request's URL as the client sent it: the Link header is made by editing its page number.
ListAnswer answerList(const QList<Record> &records, const QueryItems &query, const QString &fullUrl);

// lodash's _.get and _.has on a record, with paths such as "meta.rating" or "tags[0]".
QJsonValue valueAtPath(const Record &record, QStringView path);
bool hasPath(const Record &record, QStringView path);

// pluralize's singular() and plural() for the simple English names resources have ("posts" <-> "post").
QString singularOf(const QString &plural);
QString pluralOf(const QString &singular);

} // namespace refetch::sampleapi
