#include "draftstore.h"

#include "storefile.h"

#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>

Q_DECLARE_LOGGING_CATEGORY(lcPersist)

using namespace Qt::StringLiterals;

namespace refetch {

Json Draft::toJson() const
{
    Json out = Json::object({{u"endpoint", endpoint},
                             {u"resource", resource},
                             {u"new", isNew()},
                             {u"fields", fields.isObject() ? fields : Json::object({})},
                             {u"base", base.isObject() ? base : Json::object({})},
                             {u"etag", QString::fromLatin1(etag)},
                             {u"savedAt", savedAt.toUTC().toString(Qt::ISODateWithMs)}});
    if (!isNew())
        out = out.withValue(u"id", id);
    return out;
}

std::optional<Draft> Draft::fromJson(const Json &json, QString *error)
{
    auto fail = [error](const QString &why) -> std::optional<Draft> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (!json.isObject())
        return fail(u"not a JSON object"_s);
    Draft d;
    const Json endpoint = json.value(u"endpoint"), resource = json.value(u"resource");
    if (!endpoint.isString() || !resource.isString() || resource.toString().isEmpty())
        return fail(u"no endpoint or resource"_s);
    d.endpoint = endpoint.toString();
    d.resource = resource.toString();
    if (!json.value(u"new").toBool()) {
        d.id = json.value(u"id");
        if (d.id.isUndefined() || d.id.isNull() || d.id.isObject() || d.id.isArray())
            return fail(u"no usable record id"_s);
    }
    d.fields = json.value(u"fields");
    if (!d.fields.isObject() || d.fields.isEmpty())
        return fail(u"no changed fields"_s);
    d.base = json.value(u"base");
    if (d.base.isUndefined())
        d.base = Json::object({});
    if (!d.base.isObject())
        return fail(u"its base values are not an object"_s);
    d.etag = json.value(u"etag").toString().toLatin1();
    d.savedAt = QDateTime::fromString(json.value(u"savedAt").toString(), Qt::ISODateWithMs);
    if (!d.savedAt.isValid())
        return fail(u"no valid time"_s);
    return d;
}

DraftStore::DraftStore(StoreFile *file, QString endpoint)
    : m_file(file), m_endpoint(std::move(endpoint))
{
}

std::optional<Draft> DraftStore::draft()
{
    if (!m_file->isOpen())
        return std::nullopt;
    QSqlQuery query(m_file->database());
    query.prepare(u"SELECT body FROM drafts WHERE endpoint = ?"_s);
    query.addBindValue(m_endpoint);
    if (!StoreFile::execute(query) || !query.next()) {
        m_saved = QByteArray();
        return std::nullopt;
    }
    const QByteArray body = query.value(0).toByteArray();
    query.finish();
    JsonParseError parseError;
    const Json json = Json::parse(body, &parseError);
    QString error = parseError.message;
    std::optional<Draft> d = json.isUndefined() ? std::nullopt : Draft::fromJson(json, &error);
    if (d && d->endpoint != m_endpoint) {
        error = u"it belongs to endpoint %1"_s.arg(d->endpoint);
        d.reset();
    }
    if (!d) {
        m_errors.append(u"saved draft of %1: %2"_s.arg(m_endpoint, error));
        qCWarning(lcPersist).noquote() << "ignoring the unreadable draft of" << m_endpoint << "in" << m_file->path() << ":" << error;
        m_saved.reset();   // the next save replaces it
        return std::nullopt;
    }
    m_saved = d->toJson().withoutKey(u"savedAt").toJson();
    return d;
}

bool DraftStore::save(const Draft &draft)
{
    if (!m_file->isOpen())
        return false;
    Draft d = draft;
    d.endpoint = m_endpoint;
    const Json json = d.toJson();
    const QByteArray content = json.withoutKey(u"savedAt").toJson();
    if (m_saved && *m_saved == content)
        return true;
    const bool ok = m_file->transaction(StoreFile::Durability::Full, [&] {
        QSqlQuery write(m_file->database());
        write.prepare(u"INSERT OR REPLACE INTO drafts (endpoint, saved_at, body) VALUES (?, ?, ?)"_s);
        write.addBindValue(m_endpoint);
        write.addBindValue(d.savedAt.toMSecsSinceEpoch());
        write.addBindValue(json.toJson());
        return StoreFile::execute(write);
    });
    if (!ok) {
        m_saved.reset();
        return false;
    }
    ++m_commits;
    m_saved = content;
    return true;
}

bool DraftStore::remove()
{
    if (!m_file->isOpen())
        return false;
    if (m_saved && m_saved->isEmpty())
        return true;   // known to be none
    const bool ok = m_file->transaction(StoreFile::Durability::Full, [&] {
        QSqlQuery remove(m_file->database());
        remove.prepare(u"DELETE FROM drafts WHERE endpoint = ?"_s);
        remove.addBindValue(m_endpoint);
        return StoreFile::execute(remove);
    });
    if (!ok) {
        m_saved.reset();
        return false;
    }
    ++m_commits;
    m_saved = QByteArray();
    return true;
}

} // namespace refetch
