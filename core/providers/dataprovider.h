#pragma once

#include "core/http/httptransport.h"
#include "core/json/json.h"
#include "core/client/queryoptions.h"
#include "core/providers/listfilter.h"

#include <QCoreApplication>
#include <QHash>
#include <QMap>
#include <QStringList>
#include <QUrlQuery>
#include <memory>

namespace refetch {

class Endpoint;

// How a server hands out a long list, one page at a time.
enum class Paging {
    None,        // the whole list in one answer
    PageNumber,  // page=2&page_size=50
    Offset,      // offset=50&limit=50 (or skip/limit, _start/_end)
    Cursor,      // a link to the next page: a "next" URL in the body, or a Link: rel="next" header
    Range,       // a Range header or parameter, answered with Content-Range: 0-49/250
};

QString pagingName(Paging paging);          // "page", "offset", "cursor", "range", "none"
Paging pagingFromName(const QString &name, Paging fallback);
QString pagingDescription(Paging paging);   // "page-number paging", ... for a person

// What one resource of an API offers, when the server says (an OpenAPI document's parameters, DRF's OPTIONS).
struct ResourceInfo
{
    QString name;                // "posts": the resource as the app names it
    QString path;                // "/posts/": its collection's path; empty: the provider's rule
    qint64 count = -1;           // records, when detection saw a total
    bool sortKnown = false;      // true: only sortFields can be sorted on; false: any field may be tried
    QStringList sortFields;
    bool searchKnown = false;    // true: searchParam says whether (and how) it can be searched
    QString searchParam;         // empty with searchKnown: no search
    QStringList filterFields;    // parameters that filter, when known
    QString sortParam;           // its own sort parameter ("order_by"), when known
    QString orderParam;          // a separate direction parameter ("order": asc|desc); empty: "-field" for descending
    QString type;                // JSON:API: the record type, when it differs from the name
    int maxPageSize = 0;         // the largest page its size parameter allows, when declared; 0: unknown
    Paging paging = Paging::None;  // its own paging when it differs (pagingKnown)
    bool pagingKnown = false;
    QString pageParam, sizeParam;  // its own parameter names, when pagingKnown
    QString manyParam;           // a list parameter taking several ids (OpenAPI: "id", an array): getMany

    Json toJson() const;
    static ResourceInfo fromJson(const Json &json);
};

// The knobs of a provider: what detection found, and what the user overrode in Settings. A plain struct that
// goes to and from JSON (the detection query's data, the settings file).
struct ProviderOptions
{
    Paging paging = Paging::PageNumber;
    QString pageParam;           // page number (PageNumber) or offset / start (Offset); empty: the dialect's
    QString sizeParam;           // page size (PageNumber) or limit / end (Offset); empty: the dialect's
    QString rowsPath;            // where a list answer keeps its rows ("results", "data.items"); empty: the dialect's
    QString totalPath;           // where a list answer keeps its total; empty: the dialect's
    QString idField = QStringLiteral("id");
    QByteArray updateMethod;     // PATCH or PUT; empty: the dialect's
    bool trailingSlash = false;  // /posts/7/ (Django REST framework)
    int maxPageSize = 0;         // the largest page the server hands out; 0: unknown
    QHash<QString, ResourceInfo> resources;  // what is known per resource

    Json toJson() const;
    static ProviderOptions fromJson(const Json &json);
};

// One page of a list, as the app asks for it.
struct ListParams
{
    int page = 1;                                 // from 1
    int pageSize = 50;
    qint64 offset = 0;                            // Offset and Range paging: rows before this page
    QUrl next;                                    // Cursor paging: the link the page before gave (page 1: none)
    QString sort;                                 // a field; empty: the server's order
    Qt::SortOrder order = Qt::AscendingOrder;
    QString search;
    QList<std::pair<QString, QString>> filters;   // parameters as the server names them
    QList<FilterCondition> conditions;            // a person's conditions: listFn() adds their parameters
};

// One page of a list, as the server answered it, in the provider's words.
struct ListPage
{
    Json rows = Json::array({});   // flat records: {"id": 7, "title": ...}
    qint64 total = -1;             // records in the whole list, when the server said
    Json next;                     // a URL string: the next page; null: this was the last; Undefined: unknown
    // Fields the server itself says point at records of another type (JSON:API relationships): field -> type.
    QMap<QString, QString> relations;
};

// A REST dialect (Refine's data provider): how lists, records and writes are asked for and read. One subclass
// per dialect; nothing else in the app knows a server's parameter names. The list and detail query functions
// it makes hand the cache normalised data: a list page is {"data": [records], "total": N|null, "next": ...}, a
// record is the flat record, whatever the server wrapped them in, so that tags, optimistic updates, the models
// and persistence read one shape.
class DataProvider : public std::enable_shared_from_this<DataProvider>
{
    Q_DECLARE_TR_FUNCTIONS(DataProvider)
public:
    explicit DataProvider(ProviderOptions options = {});
    virtual ~DataProvider();

    // "json-server", "drf", ...: how settings and detection name it.
    virtual QString dialect() const = 0;
    // "Django REST framework": for a person.
    virtual QString displayName() const = 0;

    const ProviderOptions &options() const { return m_options; }
    const QString &idField() const { return m_options.idField; }
    Paging paging(const QString &resource) const;
    const ResourceInfo *resourceInfo(const QString &resource) const;

    // What the server can do with a list: the sort headers and the search field offer only that.
    virtual bool canSort(const QString &resource, const QString &field) const;
    virtual bool canSearch(const QString &resource) const;

    // Requests.
    virtual QString listPath(const QString &resource) const;
    virtual HttpRequest listRequest(const Endpoint &endpoint, const QString &resource, const ListParams &params) const;
    // "/posts/7" (DRF: "/posts/7/"). A record that names its own URL (a "url" member, as DRF's hyperlinked
    // serializers give, or HAL's "_links.self.href") is written where it says, when that is on `base`'s server
    // under its path.
    virtual QString recordPath(const QString &resource, const Json &id, const Json &record = {}) const;
    QString recordPath(const QUrl &base, const QString &resource, const Json &id, const Json &record) const;
    virtual QString createPath(const QString &resource) const { return listPath(resource); }
    virtual QByteArray updateMethod() const;
    // The body of a create (id Undefined) or an update of `fields`.
    virtual Json writeBody(const QString &resource, const Json &fields, const Json &id) const;
    virtual HttpHeaders writeHeaders() const { return {}; }
    // Headers every read carries (JSON:API's Accept).
    virtual HttpHeaders readHeaders() const { return {}; }
    // getMany: the query that fetches these records in one request (Undefined path: the dialect has none).
    virtual std::optional<std::pair<QString, QUrlQuery>> manyRequest(const QString &resource, const QList<Json> &ids) const;

    // Filters: the operators the server takes on `field` of `resource` (those of its dialect for the field's type,
    // and where the server declares its filters, those it declares), and the parameters of a list's conditions
    // (all of them, or none and why). Two conditions that would go as one parameter are refused unless the server
    // reads a repeated parameter as both (json-server's _ne): most read it as either, or take one of them.
    QList<FilterOp> filterOperators(const QString &resource, const FilterField &field) const;
    FilterParams filterParams(const QString &resource, const QList<FilterCondition> &conditions) const;
    // Whether the server sends the rows whose field is null or missing whatever the condition `op` says
    // (json-server 1's "="): the list leaves them out without taking the filter for ignored.
    virtual bool sendsEmptyRows(FilterOp op) const { Q_UNUSED(op); return false; }

    // Answers.
    virtual ListPage parseList(const Json &body, const Json &meta, const ListParams &params) const;
    virtual Json parseRecord(const Json &body) const { return body; }

    // The cache's side: the fetch function of one page (normalised as above) and of one record.
    QueryFn listFn(const Endpoint &endpoint, const QString &resource, const ListParams &params) const;
    QueryFn recordFn(const Endpoint &endpoint, const QString &resource, const Json &id) const;
    // getMany's fetch (Refine's getMany): the records with these ids, in one request, as an array of flat records
    // (those the server has; an id it does not know is left out). Null when the dialect has no such request.
    QueryFn manyFn(const Endpoint &endpoint, const QString &resource, const QList<Json> &ids) const;

    // The normalised page {"data": rows, "total": N|null, "next": link|null|absent}, and back.
    static Json pageData(const ListPage &page);
    static ListPage pageOf(const Json &data);

    // The id `value` names when a field holds links to records rather than their ids: `link` is a record's URL
    // with "{id}" for its id ("http://127.0.0.1:8000/posts/{id}/"); an id of digits is an integer. Undefined when
    // `value` is no such link; `value` itself when `link` is empty.
    static Json idInLink(const QString &link, const Json &value);
    // The other way: what such a field holds for record `id` (the URL; `id` itself when `link` is empty or `id` null).
    static Json linkTo(const QString &link, const Json &id);
    // A record's id as text: a string as it is, anything else as its JSON (7, 7.5, true). So it goes into a path
    // or a parameter, and so the app names a record to a person ("posts · 7").
    static QString idText(const Json &id);

    // The dialects there are, and one made from its name (an unknown name gives the generic one).
    static QStringList dialects();
    static QString dialectDisplayName(const QString &dialect);
    static std::shared_ptr<const DataProvider> create(const QString &dialect, ProviderOptions options = {});

protected:
    // The parameters of one condition in this dialect; empty, with `error` saying why, when the server cannot take
    // it. The base class: the parameters the server declares (ResourceInfo::filterFields) under the usual names
    // (field, field__gte, field_gte, field[gte], min_field, field__icontains, field__in, field__isnull, ...); with
    // nothing declared, equality alone (field=value), which the list then checks row by row.
    virtual QList<std::pair<QString, QString>> conditionParams(const QString &resource, const FilterCondition &c,
                                                               QString *error) const;
    // Whether the server reads a parameter given twice as both conditions (json-server 0.17's field_ne).
    virtual bool repeatsAreAnd(const QString &name) const { Q_UNUSED(name); return false; }
    // Whether the dialect has `op` for a field of this kind at all (contains for text, order for numbers and dates).
    virtual bool opSuitsField(FilterOp op, const FilterField &field) const;

    // Helpers for subclasses.
    static Json at(const Json &json, QStringView path);   // "a.b.c"; empty path: json itself
    QString pathWithSlash(QString path) const;            // adds the trailing slash the dialect wants
    // Rows and total from `body` with options' (or the given default) paths.
    ListPage readEnvelope(const Json &body, const Json &meta, const QString &rowsDefault,
                          const QString &totalDefault) const;
    static Json nextFromMeta(const Json &meta);           // Link: rel="next"

    ProviderOptions m_options;
};

} // namespace refetch
