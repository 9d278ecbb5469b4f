#include "core/models/referencelabels.h"

#include "core/client/queryclient.h"
#include "core/client/queryerror.h"
#include "core/client/queryobserver.h"
#include "core/http/endpoint.h"
#include "core/providers/dataprovider.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

// What a record is called by people, in the order record browsers look for it.
const QStringList &labelFields()
{
    static const QStringList fields{u"name"_s, u"title"_s, u"label"_s, u"displayName"_s, u"display_name"_s,
                                    u"fullName"_s, u"full_name"_s, u"username"_s, u"email"_s, u"slug"_s,
                                    u"code"_s};
    return fields;
}

// A value that can be a record's id: an integer or a short text without spaces.
bool isIdLike(const Json &v)
{
    if (v.isInteger())
        return true;
    if (v.isDouble())
        return v.toDouble() == double(v.toInteger());
    if (!v.isString())
        return false;
    const QString s = v.toString();
    return !s.isEmpty() && s.size() <= 64 && !s.contains(u' ');
}

// The link reference `field` is, when every value of the first `sample` records is a URL of one resource's
// records under `base` written the same way; not one when every such link names the record that holds it (its own
// URL, DRF's "url"). An empty Reference otherwise.
Reference linkIn(const Json &records, qsizetype sample, const QString &field, const QString &idField,
                 const QStringList &resources, const QUrl &base, const QString &ownResource)
{
    Reference found;
    if (!base.isValid())
        return {};
    bool self = true;
    for (qsizetype r = 0; r < sample; ++r) {
        const Json record = records.at(r);
        const Json v = record.value(field);
        if (v.isNull() || v.isUndefined())
            continue;
        QString resource, link;
        if (!v.isString() || !Reference::parseLink(v.toString(), base, resources, &resource, &link))
            return {};
        if (found.link.isEmpty())
            found = Reference{field, resource, u"link"_s, link};
        else if (found.resource != resource || found.link != link)
            return {};
        self = self && DataProvider::idText(found.idOf(v)) == DataProvider::idText(record.value(idField));
    }
    if (!ownResource.isEmpty() && found.resource != ownResource)
        self = false;   // another resource's records, whatever their ids
    return self ? Reference() : found;
}

constexpr int BatchLimit = 100;   // ids per request: a URL stays well under servers' limits

} // namespace

// ---------------------------------------------------------------------------------------------------- Reference

Json Reference::idOf(const Json &value) const
{
    return DataProvider::idInLink(link, value);
}

Json Reference::valueOf(const Json &id) const
{
    return DataProvider::linkTo(link, id);
}

bool Reference::parseLink(const QString &url, const QUrl &base, const QStringList &resources, QString *resource,
                          QString *link)
{
    if (!base.isValid() || url.isEmpty() || url.contains(u'?') || url.contains(u'#') || url.contains(u' '))
        return false;
    const QUrl parsed(url);
    if (!parsed.isValid())
        return false;
    const QUrl absolute = base.resolved(parsed);
    if (absolute.scheme() != base.scheme() || absolute.host() != base.host() || absolute.port() != base.port())
        return false;
    // Compared as written (percent-encoded), so that the id found is the text the value holds.
    QString root = base.path(QUrl::FullyEncoded);
    if (!root.endsWith(u'/'))
        root += u'/';
    const QString path = absolute.path(QUrl::FullyEncoded);
    if (!path.startsWith(root))
        return false;
    // What is left is "posts/7" or "posts/7/": a resource, then one record's id.
    QString rest = path.mid(root.size());
    const bool slash = rest.endsWith(u'/');
    if (slash)
        rest.chop(1);
    const QStringList parts = rest.split(u'/');
    if (parts.size() < 2 || parts.last().isEmpty())
        return false;
    const QString name = parts.mid(0, parts.size() - 1).join(u'/');
    if (!resources.contains(name))
        return false;
    // The link as the value writes it: absolute or relative, with or without the trailing slash.
    const qsizetype idAt = url.size() - (slash ? 1 : 0) - parts.last().size();
    if (idAt <= 0 || url.mid(idAt, parts.last().size()) != parts.last())
        return false;
    *resource = name;
    *link = url.left(idAt) + u"{id}"_s + (slash ? u"/"_s : QString());
    return true;
}

// ---------------------------------------------------------------------------------------------- ReferenceFinder

QString ReferenceFinder::resourceByName(const QString &field, const QStringList &resources)
{
    QString base;
    bool suffixed = true;
    if (field.size() > 2 && (field.endsWith(u"Id") || field.endsWith(u"ID")))
        base = field.left(field.size() - 2);
    else if (field.size() > 3 && field.endsWith(u"_id", Qt::CaseInsensitive))
        base = field.left(field.size() - 3);
    else {
        base = field;
        suffixed = false;
    }
    if (base.isEmpty())
        return {};
    // authorId -> authors, category_id -> categories, blogPostId -> blog-posts / blog_posts / blogposts.
    QStringList forms{base};
    QString snake;
    for (QChar c : base) {
        if (c.isUpper() && !snake.isEmpty())
            snake += u'_';
        snake += c.toLower();
    }
    forms << snake << QString(snake).replace(u'_', u'-');
    QStringList candidates;
    for (const QString &f : std::as_const(forms)) {
        candidates << f + u's' << f + u"es"_s;
        if (f.endsWith(u'y'))
            candidates << f.left(f.size() - 1) + u"ies"_s;
        if (suffixed)
            candidates << f;   // a resource named in the singular ("person" for personId)
    }
    for (const QString &candidate : std::as_const(candidates)) {
        for (const QString &resource : resources) {
            if (resource.compare(candidate, Qt::CaseInsensitive) == 0)
                return resource;
        }
    }
    return {};
}

QList<Reference> ReferenceFinder::find(const ResourceSchema &schema, const Json &records, const QStringList &resources,
                                       const QString &idField, const QMap<QString, QString> &relations,
                                       const QUrl &base, const QString &resource)
{
    QList<Reference> out;
    QSet<QString> taken;
    for (const FieldSchema &f : schema.fields) {
        if (!f.references.isEmpty() && resources.contains(f.references)) {
            out.append({f.name, f.references, u"schema"_s});
            taken.insert(f.name);
        }
    }
    // JSON:API's relationships name the related type: its resource ("post" is posts).
    for (auto it = relations.cbegin(); it != relations.cend(); ++it) {
        if (taken.contains(it.key()))
            continue;
        const QString resource = resources.contains(*it) ? *it : resourceByName(*it + u"Id"_s, resources);
        if (!resource.isEmpty()) {
            out.append({it.key(), resource, u"schema"_s});
            taken.insert(it.key());
        }
    }
    // The fields of the first rows, in order.
    QStringList fields;
    const qsizetype sample = std::min<qsizetype>(records.size(), 20);
    for (qsizetype r = 0; r < sample; ++r) {
        const Json record = records.at(r);
        for (qsizetype i = 0; i < record.size(); ++i) {
            const QString name = record.keyAt(i);
            if (!fields.contains(name))
                fields.append(name);
        }
    }
    for (const QString &field : std::as_const(fields)) {
        if (field == idField || taken.contains(field))
            continue;
        if (const FieldSchema *described = schema.field(field);
            described && described->type != FieldSchema::Type::Unknown && described->type != FieldSchema::Type::Integer
            && described->type != FieldSchema::Type::String)
            continue;
        if (const Reference link = linkIn(records, sample, field, idField, resources, base, resource); !link.link.isEmpty()) {
            out.append(link);
            continue;
        }
        bool any = false;
        bool ids = true;
        for (qsizetype r = 0; r < sample && ids; ++r) {
            const Json v = records.at(r).value(field);
            if (v.isNull() || v.isUndefined())
                continue;
            any = true;
            ids = isIdLike(v);
        }
        if (!any || !ids)
            continue;
        if (const QString resource = resourceByName(field, resources); !resource.isEmpty())
            out.append({field, resource, u"convention"_s});
    }
    return out;
}

// ---------------------------------------------------------------------------------------------- ReferenceLabels

struct ReferenceLabels::Batch
{
    QString resource;
    QList<Json> ids;
    QStringList fields;                                      // the reference fields that asked for them
    std::vector<std::unique_ptr<QueryObserver>> observers;   // one getMany, or one detail query per id
    bool many = false;
    bool settled = false;
};

ReferenceLabels::ReferenceLabels(QueryClient *client, const Endpoint *endpoint, DetailQueryFn detailQuery,
                                 TagsFn detailTags, QObject *parent)
    : QObject(parent), m_client(client), m_endpoint(endpoint), m_detailQuery(std::move(detailQuery)),
      m_detailTags(std::move(detailTags))
{
}

ReferenceLabels::~ReferenceLabels() = default;

void ReferenceLabels::setReferences(const QList<Reference> &references)
{
    if (references == m_references)
        return;
    m_references = references;
    m_refuted.clear();
    m_confirmed.clear();
    m_fieldIds.clear();
    Q_EMIT changed();
}

QList<Reference> ReferenceLabels::references() const
{
    QList<Reference> out;
    for (const Reference &r : m_references) {
        if (!m_refuted.contains(r.field))
            out.append(r);
    }
    return out;
}

const Reference *ReferenceLabels::referenceOf(const QString &field) const
{
    if (m_refuted.contains(field))
        return nullptr;
    for (const Reference &r : m_references) {
        if (r.field == field)
            return &r;
    }
    return nullptr;
}

QString ReferenceLabels::labelField(const Json &record)
{
    for (const QString &f : labelFields()) {
        const Json v = record.value(f);
        if (v.isString() && !v.toString().trimmed().isEmpty())
            return f;
    }
    return {};
}

QString ReferenceLabels::labelField(const Json &record, const QString &preferred)
{
    if (!preferred.isEmpty()) {
        const Json v = record.value(preferred);
        if (!v.isUndefined() && !v.isNull() && !(v.isString() && v.toString().trimmed().isEmpty()))
            return preferred;
    }
    return labelField(record);
}

QString ReferenceLabels::labelOf(const Json &record, const QString &idField, const QString &preferred)
{
    const QString field = labelField(record, preferred);
    if (field.isEmpty()) {
        const Json id = record.value(idField);
        return id.isUndefined() ? QString() : DataProvider::idText(id);
    }
    const Json named = record.value(field);
    return named.isString() ? named.toString() : QString::fromUtf8(named.toJson());
}

QString ReferenceLabels::label(const QString &resource, const Json &id) const
{
    const auto it = m_labels.constFind(resource);
    return it == m_labels.cend() ? QString() : it->value(DataProvider::idText(id));
}

bool ReferenceLabels::isMissing(const QString &resource, const Json &id) const
{
    return m_missing.value(resource).contains(DataProvider::idText(id));
}

void ReferenceLabels::refetch()
{
    for (const auto &[raw, batch] : m_batches) {
        for (const auto &o : batch->observers)
            o->refetch();
    }
}

void ReferenceLabels::clear()
{
    m_batches.clear();
    m_asked.clear();
}

void ReferenceLabels::request(const Json &records)
{
    QList<Json> list;
    list.reserve(records.size());
    for (qsizetype r = 0; r < records.size(); ++r)
        list.append(records.at(r));
    request(list);
}

void ReferenceLabels::request(const QList<Json> &records)
{
    struct Wanted
    {
        QList<Json> ids;
        QStringList fields;
    };
    QHash<QString, Wanted> wanted;
    for (const Reference &ref : references()) {
        QSet<QString> &asked = m_asked[ref.resource];
        for (const Json &record : records) {
            const Json v = ref.idOf(record.value(ref.field));
            if (!isIdLike(v))
                continue;
            const QString text = DataProvider::idText(v);
            if (ref.source == u"convention")
                m_fieldIds[ref.field].insert(text);
            if (asked.contains(text))
                continue;
            asked.insert(text);
            Wanted &w = wanted[ref.resource];
            w.ids.append(v);
            if (!w.fields.contains(ref.field))
                w.fields.append(ref.field);
        }
    }
    for (auto it = wanted.cbegin(); it != wanted.cend(); ++it) {
        for (qsizetype from = 0; from < it->ids.size(); from += BatchLimit) {
            auto batch = std::make_unique<Batch>();
            batch->resource = it.key();
            batch->ids = it->ids.mid(from, BatchLimit);
            batch->fields = it->fields;
            Batch *raw = batch.get();
            m_batches.emplace(raw, std::move(batch));
            ask(raw);
        }
    }
}

void ReferenceLabels::ask(Batch *batch)
{
    const QString &resource = batch->resource;
    const QList<Json> &ids = batch->ids;
    const DataProvider *provider = m_endpoint->provider();
    QueryFn many = provider ? provider->manyFn(*m_endpoint, resource, ids) : QueryFn();
    if (many) {
        batch->many = true;
        QStringList texts;
        for (const Json &id : ids)
            texts.append(DataProvider::idText(id));
        QueryOptions o;
        o.key = QueryKey{m_endpoint->name(), resource, "$many", texts.join(u',')};
        o.fn = std::move(many);
        o.staleTime = std::chrono::seconds(30);
        for (const Json &id : ids)
            o.tags += m_detailTags(resource, id);
        batch->observers.push_back(std::make_unique<QueryObserver>(m_client, std::move(o)));
    } else {
        // No getMany in this dialect: each record's own detail query, which the form shares.
        for (const Json &id : ids)
            batch->observers.push_back(std::make_unique<QueryObserver>(m_client, m_detailQuery(resource, id)));
    }
    for (const auto &o : batch->observers)
        connect(o.get(), &QueryObserver::changed, this, [this, batch] { onBatch(batch); });
    onBatch(batch);
}

void ReferenceLabels::onBatch(Batch *batch)
{
    if (!m_batches.count(batch))
        return;
    const QString idField = m_endpoint->provider() ? m_endpoint->provider()->idField() : u"id"_s;
    QHash<QString, QString> &labels = m_labels[batch->resource];
    auto take = [&](const Json &record) {
        const Json id = record.value(idField);
        if (!isIdLike(id))
            return;
        labels.insert(DataProvider::idText(id), labelOf(record, idField, m_labelFields.value(batch->resource)));
        m_missing[batch->resource].remove(DataProvider::idText(id));
    };
    bool done = true;
    for (std::size_t i = 0; i < batch->observers.size(); ++i) {
        const QueryObserver *o = batch->observers[i].get();
        if (o->isSuccess()) {
            const Json data = o->data();
            if (batch->many) {
                for (qsizetype r = 0; r < data.size(); ++r)
                    take(data.at(r));
            } else {
                take(data);
            }
        } else if (o->isError() && o->error() && o->error()->httpStatus == 404 && !batch->many) {
            m_missing[batch->resource].insert(DataProvider::idText(batch->ids.value(qsizetype(i))));
        } else {
            done = false;
        }
    }
    if (done && !batch->settled) {
        batch->settled = true;
        // A getMany answers the records it has: the others do not exist.
        for (const Json &id : std::as_const(batch->ids)) {
            if (!labels.contains(DataProvider::idText(id)))
                m_missing[batch->resource].insert(DataProvider::idText(id));
        }
    }
    // Convention is checked on the data: a field whose ids the resource has is a reference; one whose every id
    // the resource does not have is not.
    for (const Reference &r : std::as_const(m_references)) {
        if (r.source != u"convention" || r.resource != batch->resource || m_confirmed.contains(r.field)
            || m_refuted.contains(r.field))
            continue;
        const QSet<QString> &ids = m_fieldIds[r.field];
        const QSet<QString> &missing = m_missing[r.resource];
        bool all = !ids.isEmpty();
        for (const QString &id : ids) {
            if (labels.contains(id)) {
                m_confirmed.insert(r.field);
                all = false;
                break;
            }
            all = all && missing.contains(id);
        }
        if (all)
            m_refuted.append(r.field);
    }
    Q_EMIT changed();
}

} // namespace refetch
