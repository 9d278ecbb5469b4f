#include "listexport.h"

#include "apiconnection.h"
#include "csv.h"

#include "core/cache/query.h"
#include "core/client/queryclient.h"
#include "core/http/endpoint.h"
#include "core/providers/dataprovider.h"

#include <QIODevice>
#include <QJsonArray>
#include <QTemporaryFile>

#include <atomic>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

QString idKey(const Json &record, const QString &idField)
{
    const Json id = record.value(QStringView(idField));
    return id.isUndefined() || id.isNull() ? QString() : DataProvider::idText(id);
}

// Each export's pages are keys of their own: never a list's page that a view shows, so they can leave the cache
// as soon as they are written.
int nextSerial()
{
    static std::atomic<int> serial{0};
    return ++serial;
}

} // namespace

std::optional<ExportRequest::Format> ExportRequest::formatFromName(const QString &name)
{
    if (name.compare(u"csv", Qt::CaseInsensitive) == 0)
        return Format::Csv;
    if (name.compare(u"json", Qt::CaseInsensitive) == 0)
        return Format::Json;
    return std::nullopt;
}

ListExport::ListExport(ApiConnection *connection, ExportRequest request, QIODevice *out, QObject *parent)
    : QObject(parent), m_connection(connection), m_request(std::move(request)), m_out(out), m_serial(nextSerial())
{
}

ListExport::~ListExport() = default;

QString ListExport::warning() const
{
    if (m_unmatched == 0)
        return {};
    return tr("The server sent %Ln record(s) that do not meet “%1”: it seems not to filter on it. They were left "
              "out.", nullptr, int(m_unmatched)).arg(m_unmatchedBy);
}

void ListExport::start()
{
    if (m_running || !m_connection)
        return;
    m_running = true;
    const DataProvider *provider = m_connection->provider();
    const ResourceInfo *info = provider->resourceInfo(m_request.resource);
    const int largest = info && info->maxPageSize > 0 ? info->maxPageSize : provider->options().maxPageSize;
    m_pageSize = m_request.pageSize > 0 ? m_request.pageSize : (largest > 0 ? std::min(largest, 1000) : 100);
    if (!m_request.conditions.isEmpty()) {
        const FilterParams params = provider->filterParams(m_request.resource, m_request.conditions);
        if (!params.error.isEmpty()) {
            QMetaObject::invokeMethod(this, [this, e = params.error] { finish(false, e); }, Qt::QueuedConnection);
            return;
        }
    }
    if (m_request.format == ExportRequest::Format::Csv && m_request.columns.isEmpty()) {
        m_spill = std::make_unique<QTemporaryFile>();
        if (!m_spill->open()) {
            const QString e = tr("Could not make a temporary file for the export: %1").arg(m_spill->errorString());
            QMetaObject::invokeMethod(this, [this, e] { finish(false, e); }, Qt::QueuedConnection);
            return;
        }
    }
    if (m_request.format == ExportRequest::Format::Csv && !m_request.columns.isEmpty())
        writeBytes(Csv::row(m_request.columns));
    else if (m_request.format == ExportRequest::Format::Json)
        writeBytes("[");
    fetchPage();
}

void ListExport::cancel()
{
    if (m_running)
        m_cancelled = true;
}

void ListExport::fetchPage()
{
    if (!m_connection) {
        finish(false, tr("The endpoint was closed."));
        return;
    }
    ListParams params{.page = m_page, .pageSize = m_pageSize, .offset = m_received, .next = m_next,
                      .sort = m_request.sort, .order = m_request.order, .search = m_request.search,
                      .conditions = m_request.conditions};
    QueryOptions o = m_connection->listQuery(m_request.resource, params);
    o.key = QueryKey{m_connection->id(), m_request.resource,
                     Json::object({{u"export", m_serial}, {u"page", m_page}})};
    o.staleTime = Millis(0);
    o.refetchInterval = Millis(0);
    o.tags.clear();   // nobody's list: no write should refetch it
    o.tagsFrom = nullptr;
    const QueryKey key = o.key;
    m_connection->client()->fetchQuery(o, this, [this, key](const Query &q) {
        const Json data = q.data(), meta = q.meta();
        const QString error = q.error() ? q.error()->toString() : QString();
        // Out of the cache before the next page (not from inside its own notification).
        QMetaObject::invokeMethod(this, [this, key, data, meta, error] {
            if (m_connection)
                m_connection->client()->removeQueries({.key = key, .exact = true});
            onPage(data, meta, error);
        }, Qt::QueuedConnection);
    });
}

void ListExport::onPage(const Json &data, const Json &meta, const QString &error)
{
    if (!m_running)
        return;
    if (m_cancelled) {
        finish(false, QString());
        return;
    }
    if (!error.isEmpty()) {
        finish(false, tr("Page %1 could not be read after %2 records: %3")
                          .arg(m_page).arg(m_written).arg(error));
        return;
    }
    const ListPage page = DataProvider::pageOf(data);
    if (!page.rows.isArray()) {
        finish(false, tr("The server's answer for page %1 holds no list of records.").arg(m_page));
        return;
    }
    if (page.total >= 0)
        m_total = page.total;
    else if (const Json t = meta.value(QByteArrayView("total")); t.isInteger())
        m_total = t.toInteger();

    const DataProvider *provider = m_connection->provider();
    const QString idField = provider->idField();
    QSet<QString> ids;
    qsizetype repeats = 0;
    for (const Json &r : page.rows) {
        const QString key = idKey(r, idField);
        if (!key.isEmpty() && m_lastPageIds.contains(key)) {
            ++repeats;   // it moved onto this page while the list was read: written once
            continue;
        }
        if (!key.isEmpty())
            ids.insert(key);
        const auto failed = std::find_if(m_request.conditions.cbegin(), m_request.conditions.cend(),
                                         [&r](const FilterCondition &c) { return c.matches(r) == FilterCondition::Match::No; });
        if (failed != m_request.conditions.cend()) {
            const Json v = r.value(QStringView(failed->field));
            if (!((v.isUndefined() || v.isNull()) && provider->sendsEmptyRows(failed->op)) && m_unmatched++ == 0)
                m_unmatchedBy = failed->describe();
            continue;
        }
        writeRecord(r);
        if (!m_writeError.isEmpty()) {
            finish(false, m_writeError);
            return;
        }
    }
    const qsizetype n = page.rows.size();
    if (m_page > 1 && n > 0 && repeats == n) {
        finish(false, tr("The server sent the same records for page %1 as for the page before: it seems to ignore "
                         "the paging parameters. Set the paging in the endpoint's settings.").arg(m_page));
        return;
    }
    m_received += n;
    m_lastPageIds = std::move(ids);
    Q_EMIT progress(m_written, m_total);

    // More? As the list decides it: the next link, else the total, else a page as full as the ones before.
    bool more = false;
    const Paging paging = provider->paging(m_request.resource);
    if (paging == Paging::None || n == 0) {
        more = false;
    } else if (page.next.isString()) {
        m_next = m_connection->endpoint()->config().baseUrl.resolved(QUrl(page.next.toString()));
        more = true;
    } else if (page.next.isNull() || paging == Paging::Cursor) {
        more = false;
    } else if (m_total >= 0) {
        more = m_received < m_total;
    } else {
        more = n >= m_largest;   // the first page may be shorter than asked (the server's cap): the next says
    }
    m_largest = std::max(m_largest, int(n));
    if (!more) {
        finish(true, QString());
        return;
    }
    ++m_page;
    fetchPage();
}

void ListExport::writeRecord(const Json &record)
{
    ++m_written;
    if (m_request.format == ExportRequest::Format::Json) {
        Json out = record;
        if (!m_request.columns.isEmpty()) {
            // In the columns' order (a QJsonObject would sort them).
            out = Json::object({});
            for (const QString &c : std::as_const(m_request.columns)) {
                const Json v = record.value(QStringView(c));
                if (!v.isUndefined())
                    out = out.withValue(c, v);
            }
        }
        writeBytes((m_firstJson ? QByteArray("\n") : QByteArray(",\n")) + out.toJson());
        m_firstJson = false;
        return;
    }
    if (!m_request.columns.isEmpty()) {
        QStringList cells;
        cells.reserve(m_request.columns.size());
        for (const QString &c : std::as_const(m_request.columns))
            cells.append(Csv::cell(record.value(QStringView(c))));
        writeBytes(Csv::row(cells));
        return;
    }
    // Every field: noted, and the record kept for the second pass.
    for (qsizetype i = 0; i < record.size(); ++i) {
        const QString key = record.keyAt(i);
        if (!m_fieldSet.contains(key)) {
            m_fieldSet.insert(key);
            m_fields.append(key);
        }
    }
    if (m_spill->write(record.toJson() + '\n') < 0)
        m_writeError = tr("Could not write the temporary file: %1").arg(m_spill->errorString());
}

bool ListExport::writeBytes(const QByteArray &bytes)
{
    if (!m_writeError.isEmpty())
        return false;
    if (m_out->write(bytes) != bytes.size()) {
        m_writeError = tr("Could not write the export: %1").arg(m_out->errorString());
        return false;
    }
    return true;
}

bool ListExport::writeCsvFromSpill()
{
    // The id first, as the list shows it; then the fields in the order they were first seen.
    const QString idField = m_connection ? m_connection->provider()->idField() : u"id"_s;
    QStringList fields = m_fields;
    if (fields.removeOne(idField))
        fields.prepend(idField);
    if (!writeBytes(Csv::row(fields)))
        return false;
    if (!m_spill->seek(0)) {
        m_writeError = tr("Could not read the temporary file back: %1").arg(m_spill->errorString());
        return false;
    }
    while (!m_spill->atEnd()) {
        const QByteArray line = m_spill->readLine();
        const Json record = Json::parse(line.trimmed());
        QStringList cells;
        cells.reserve(fields.size());
        for (const QString &f : std::as_const(fields))
            cells.append(Csv::cell(record.value(QStringView(f))));
        if (!writeBytes(Csv::row(cells)))
            return false;
    }
    return true;
}

void ListExport::finish(bool ok, const QString &error)
{
    if (!m_running)
        return;
    QString why = error;
    if (ok) {
        if (m_request.format == ExportRequest::Format::Json)
            writeBytes(m_firstJson ? QByteArray("]\n") : QByteArray("\n]\n"));
        else if (m_spill)
            writeCsvFromSpill();
        if (!m_writeError.isEmpty()) {
            ok = false;
            why = m_writeError;
        }
    }
    m_spill.reset();
    m_running = false;
    Q_EMIT finished(ok, why);
}

} // namespace refetch
