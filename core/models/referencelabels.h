#pragma once

#include "core/client/queryoptions.h"
#include "core/schema/resourceschema.h"

#include <QHash>
#include <QMap>
#include <QSet>
#include <QObject>
#include <QUrl>

#include <functional>
#include <memory>
#include <unordered_map>

namespace refetch {

class Endpoint;
class QueryClient;
class QueryObserver;

// One reference of a resource's records to another's: `field` holds ids of `resource` (a comment's postId holds
// ids of posts).
struct Reference
{
    QString field;
    QString resource;
    QString source;   // where it was found: "schema" (the server's description), "convention" (checked on the
                      // data) or "link" (the values are the records' URLs)
    // When the field holds the referenced records' URLs rather than their ids (DRF's hyperlinked related fields,
    // a HAL-style API's hrefs): a record's URL with "{id}" for its id, as the values write it
    // ("http://127.0.0.1:8000/posts/{id}/"); empty for a field of ids.
    QString link;

    // The id a value of the field names: the value itself, or the id in its link (an integer when it is digits);
    // Undefined for a link that names no record of `resource`.
    Json idOf(const Json &value) const;
    // What the field holds for record `id`: the id, or its link.
    Json valueOf(const Json &id) const;
    // The resource and link of `url` when it names one record of one of `resources` under `base`
    // ("http://h/api/posts/7/" under "http://h/api/": posts, "http://h/api/posts/{id}/"; a relative "/api/posts/7"
    // likewise); false otherwise.
    static bool parseLink(const QString &url, const QUrl &base, const QStringList &resources, QString *resource,
                          QString *link);

    friend bool operator==(const Reference &, const Reference &) = default;
};

// Finds a resource's references: first what the server's description says (FieldSchema::references, from an
// OpenAPI x-reference or a $ref to another resource's record; JSON:API relationships), then links: a field whose
// values are URLs of one resource's records on the endpoint's server (DRF's HyperlinkedRelatedField, whatever the
// field is called; a record's link to itself, DRF's "url", is not a reference), then convention: a field named
// authorId, author_id or author whose values are ids (integers or strings) and whose name, made plural, is a
// resource of the endpoint (authors, categories). Convention is a guess until the data confirms it:
// ReferenceLabels drops one whose ids the resource does not have.
struct ReferenceFinder
{
    // `relations`: fields the server's answers say point at another type (JSON:API relationships), found first
    // like the schema's. `base`: the endpoint's base URL, under which links are looked for (none when empty).
    // `resource`: the records' own, so that a link to the record itself (DRF's "url") is told from a reference
    // that happens to name the same ids (comment 7's post 7); empty: any link naming each row's own id is its own.
    static QList<Reference> find(const ResourceSchema &schema, const Json &records, const QStringList &resources,
                                 const QString &idField, const QMap<QString, QString> &relations = {},
                                 const QUrl &base = {}, const QString &resource = {});
    // The resource a field's name points at by convention, among `resources`; empty when none.
    static QString resourceByName(const QString &field, const QStringList &resources);
};

// The labels of the records a list's references point at, fetched in batches: for each page of rows, one
// request per referenced resource through the dialect's getMany (json-server's ?id=1&id=2, DRF's ?id__in=1,2),
// or, where the dialect has none, one detail query per id not already known (shared with the forms' cache). Each
// batch is a query ([endpoint, resource, "$many", "1,2,3"]) providing the records' detail tags, so that renaming
// an author refetches it and every list shows the new name. A record's label is its name, title, label, username,
// ... (the first it has), else its id.
class ReferenceLabels : public QObject
{
    Q_OBJECT
public:
    using DetailQueryFn = std::function<QueryOptions(const QString &resource, const Json &id)>;
    using TagsFn = std::function<TagList(const QString &resource, const Json &id)>;

    // `endpoint` must outlive this object. `detailQuery` gives the detail query of a record (as the forms use it);
    // `detailTags` the tags a query holding that record provides.
    ReferenceLabels(QueryClient *client, const Endpoint *endpoint, DetailQueryFn detailQuery, TagsFn detailTags,
                    QObject *parent = nullptr);
    ~ReferenceLabels() override;

    void setReferences(const QList<Reference> &references);
    // The references found, less those the data refuted (convention whose ids the resource does not have).
    QList<Reference> references() const;
    const Reference *referenceOf(const QString &field) const;

    // Asks for the labels of what `records` (a page of rows) point at; those already known or asked are not asked
    // again.
    void request(const QList<Json> &records);
    void request(const Json &records);   // a JSON array of records
    // The label of record `id` of `resource`; empty while it is not known (or the record does not exist).
    QString label(const QString &resource, const Json &id) const;
    // Whether the record was looked for and the server does not have it.
    bool isMissing(const QString &resource, const Json &id) const;
    // Asks the server again for every name asked (F5: a record renamed elsewhere).
    void refetch();
    // Drops what is asked (a list reset); the labels stay cached as queries.
    void clear();

    // The field a record is named by: the first of name, title, label, ... that it has as text; empty: none.
    static QString labelField(const Json &record);
    // The same, `preferred` first when the record has it as text (the field the user picked in Settings).
    static QString labelField(const Json &record, const QString &preferred);
    // What the record is called: its label field's value (labelField(record, preferred)) as text, else its id as
    // text (`idField`'s value), else empty.
    static QString labelOf(const Json &record, const QString &idField, const QString &preferred = {});
    // resource -> the field its records are named by, where the user picked one.
    void setLabelFields(const QMap<QString, QString> &fields) { m_labelFields = fields; }

    int batchCount() const { return int(m_batches.size()); }

Q_SIGNALS:
    // Labels arrived (or a reference was refuted): repaint.
    void changed();

private:
    struct Batch;
    void ask(Batch *batch);
    void onBatch(Batch *batch);

    QueryClient *m_client;
    const Endpoint *m_endpoint;
    DetailQueryFn m_detailQuery;
    TagsFn m_detailTags;
    QList<Reference> m_references;
    QMap<QString, QString> m_labelFields;
    QStringList m_refuted;                                   // fields convention named and the data refuted
    QSet<QString> m_confirmed;                               // fields convention named and the data confirmed
    QHash<QString, QSet<QString>> m_fieldIds;                // convention's fields -> the ids seen in them
    QHash<QString, QHash<QString, QString>> m_labels;        // resource -> id text -> label
    QHash<QString, QSet<QString>> m_asked;                   // resource -> id texts asked for
    QHash<QString, QSet<QString>> m_missing;                 // resource -> id texts the server does not have
    std::unordered_map<Batch *, std::unique_ptr<Batch>> m_batches;
};

} // namespace refetch
