#include "cachestore.h"

#include "storefile.h"

#include "core/client/queryclient.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>

Q_DECLARE_LOGGING_CATEGORY(lcPersist)

namespace refetch {

namespace {

const QString IdentityKey = QStringLiteral("cache.identity");

QVariant jsonOrNull(const Json &json)
{
    return json.isUndefined() ? QVariant(QMetaType(QMetaType::QByteArray)) : QVariant(json.toJson());
}

QVariant bytesOrNull(const QByteArray &bytes)
{
    return bytes.isEmpty() ? QVariant(QMetaType(QMetaType::QByteArray)) : QVariant(bytes);
}

QByteArray tagsJson(const TagList &tags)
{
    Json list = Json::array({});
    for (const Tag &t : tags)
        list = list.withAppended(t.toJson());
    return list.toJson();
}

TagList tagsFrom(const QByteArray &text)
{
    TagList tags;
    if (text.isEmpty())
        return tags;
    for (const Json &t : Json::parse(text)) {
        if (t.isObject())
            tags.append(Tag::fromJson(t));
    }
    return tags;
}

} // namespace

CacheStore::CacheStore(StoreFile *file, QueryClient *client, CacheStoreOptions options, QObject *parent)
    : QObject(parent), m_file(file), m_client(client), m_options(std::move(options))
{
    if (!m_file->isOpen() || !client)
        return;
    hydrate();
    QueryCache *cache = client->cache();
    connect(cache, &QueryCache::queryUpdated, this, &CacheStore::onUpdated);
    connect(cache, &QueryCache::queryRemoved, this, &CacheStore::onRemoved);
    // The cache goes with its entries and without a word: nothing pending can be read after that.
    connect(cache, &QObject::destroyed, this, [this] {
        m_dirty.clear();
        detach();
    });
    connect(m_file, &StoreFile::closing, this, [this] {
        flush();
        detach();
    });
    connect(m_file, &StoreFile::recovered, this, &CacheStore::onRecovered);
    if (QCoreApplication *app = QCoreApplication::instance())
        connect(app, &QCoreApplication::aboutToQuit, this, &CacheStore::flush);
}

CacheStore::~CacheStore()
{
    flush();
    detach();
}

void CacheStore::detach()
{
    if (m_client) {
        m_client->scheduler()->cancel(std::exchange(m_flushTask, 0));
        disconnect(m_client->cache(), nullptr, this, nullptr);
    }
    disconnect(m_file, nullptr, this, nullptr);
}

bool CacheStore::owns(const Query *q) const
{
    return m_options.keyPrefix.isEmpty() || m_options.keyPrefix.matchesPrefixOf(q->keyText(), q->keySize());
}

void CacheStore::hydrate()
{
    QElapsedTimer timer;
    timer.start();
    QList<QByteArray> unwanted;
    QString damage;
    if (!readSaved(&unwanted, &damage)) {
        // A damaged file: what was read stays in the cache, the file starts again (and gets it back).
        m_file->recover(damage);
        onRecovered();
    } else if (!unwanted.isEmpty()) {
        m_file->transaction(StoreFile::Durability::Normal, [&] {
            QSqlQuery remove(m_file->database());
            remove.prepare(QStringLiteral("DELETE FROM queries WHERE key = ?"));
            for (const QByteArray &key : std::as_const(unwanted)) {
                remove.addBindValue(key);
                if (!StoreFile::execute(remove))
                    return false;
            }
            return true;
        });
        m_stats.dropped += int(unwanted.size());
    }
    m_stats.hydrateNs = timer.nsecsElapsed();
    qCDebug(lcPersist).noquote() << "hydrated" << m_stats.hydrated << "entries from" << m_file->path() << "in"
                                 << m_stats.hydrateNs / 1000 << "us; dropped" << m_stats.dropped;
}

bool CacheStore::readSaved(QList<QByteArray> *unwanted, QString *damage)
{
    QSqlQuery query(m_file->database());
    auto failed = [&] {
        *damage = query.lastError().text();
        return false;
    };
    // Saved for another server (a new base URL, another account): none of it may show.
    if (!m_options.identity.isEmpty() && m_file->value(IdentityKey) != m_options.identity) {
        query.prepare(QStringLiteral("DELETE FROM queries"));
        if (!StoreFile::execute(query))
            return failed();
        m_stats.dropped += query.numRowsAffected();
        m_file->setValue(IdentityKey, m_options.identity);
    }
    query.prepare(QStringLiteral("DELETE FROM queries WHERE updated_at < ?"));
    query.addBindValue(qint64((m_client->now() - m_options.maxAge).count()));
    if (!StoreFile::execute(query))
        return failed();
    m_stats.dropped += query.numRowsAffected();

    // Newest first, so that the size cap keeps the newest.
    qint64 total = 0;
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SELECT key, data, meta, updated_at, tags, etag, last_modified, size "
                                   "FROM queries ORDER BY updated_at DESC")))
        return failed();
    while (query.next()) {
        const QByteArray keyText = query.value(0).toByteArray();
        DehydratedQuery saved;
        saved.key = QueryKey::fromCanonical(keyText);
        if (saved.key.isEmpty()) {
            unwanted->append(keyText);
            continue;
        }
        if (!m_options.keyPrefix.isEmpty() && !m_options.keyPrefix.matchesPrefixOf(saved.key))
            continue;   // another store's, in a shared file
        total += query.value(7).toLongLong();
        if (total > m_options.maxBytes) {
            unwanted->append(keyText);
            continue;
        }
        saved.data = Json::parse(query.value(1).toByteArray());
        if (saved.data.isUndefined()) {
            unwanted->append(keyText);
            continue;
        }
        const QByteArray meta = query.value(2).toByteArray();
        if (!meta.isEmpty())
            saved.meta = Json::parse(meta);
        saved.updatedAt = TimePoint{query.value(3).toLongLong()};
        saved.tags = tagsFrom(query.value(4).toByteArray());
        saved.etag = query.value(5).toByteArray();
        saved.lastModified = query.value(6).toByteArray();
        if (m_client->hydrate(saved))
            ++m_stats.hydrated;
    }
    // next() also ends at a page SQLite cannot read.
    return !query.lastError().isValid() || failed();
}

void CacheStore::onRecovered()
{
    // The file is new and empty: every entry with data is pending again.
    if (!m_client)
        return;
    m_client->cache()->forEach({}, [this](Query *q) {
        if (q->hasData() && owns(q))
            m_dirty.insert(q, true);
    });
    scheduleFlush();
}

void CacheStore::onUpdated(Query *q, QueryChanges changes)
{
    if (!owns(q))
        return;
    bool &whole = m_dirty[q];
    whole = whole || (changes & QueryChange::Data) || !q->hasData();
    scheduleFlush();
}

void CacheStore::onRemoved(Query *q)
{
    if (!owns(q))
        return;
    m_dirty.remove(q);
    m_removed.insert(q->keyText().toByteArray());
    scheduleFlush();
}

void CacheStore::scheduleFlush()
{
    Scheduler *scheduler = m_client->scheduler();
    const TimePoint now = m_client->now();
    if (!m_flushTask)
        m_firstPendingAt = now;
    // Debounced, but not forever: a steady stream of changes (polling) is still written every maxWriteDelay.
    const TimePoint at = std::min(now + m_options.writeDelay, m_firstPendingAt + m_options.maxWriteDelay);
    if (m_flushTask && at == m_flushAt)
        return;
    scheduler->cancel(m_flushTask);
    m_flushAt = at;
    m_flushTask = scheduler->schedule(at, [this] {
        m_flushTask = 0;
        flush();
    });
}

bool CacheStore::flush()
{
    if (m_client)
        m_client->scheduler()->cancel(std::exchange(m_flushTask, 0));
    if ((m_dirty.isEmpty() && m_removed.isEmpty()) || !m_file->isOpen())
        return true;
    const QHash<Query *, bool> dirty = std::exchange(m_dirty, {});
    const QSet<QByteArray> removed = std::exchange(m_removed, {});
    Stats counted;
    const bool ok = m_file->transaction(StoreFile::Durability::Normal, [&] {
        QSqlDatabase db = m_file->database();
        QSqlQuery remove(db);
        remove.prepare(QStringLiteral("DELETE FROM queries WHERE key = ?"));
        auto erase = [&](const QByteArray &key) {
            remove.addBindValue(key);
            if (!StoreFile::execute(remove))
                return false;
            counted.deleted += remove.numRowsAffected();
            return true;
        };
        // Removals first: an entry removed and made again since the last write is in both, and must stay.
        for (const QByteArray &key : removed) {
            if (!erase(key))
                return false;
        }
        QSqlQuery touch(db);
        touch.prepare(QStringLiteral("UPDATE queries SET updated_at = ?, etag = ?, last_modified = ? WHERE key = ?"));
        QSqlQuery write(db);
        write.prepare(QStringLiteral("INSERT OR REPLACE INTO queries (key, data, meta, updated_at, tags, etag, "
                                     "last_modified, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
        for (auto it = dirty.cbegin(); it != dirty.cend(); ++it) {
            const Query *q = it.key();
            const QByteArray key = q->keyText().toByteArray();
            if (!q->hasData()) {
                if (!erase(key))
                    return false;
                continue;
            }
            const qint64 updatedAt = q->dataUpdatedAt().count();
            if (!it.value()) {
                // Same JSON: only the time and the validators moved. A row that is not there is written whole.
                touch.addBindValue(updatedAt);
                touch.addBindValue(bytesOrNull(q->revalidationEtag()));
                touch.addBindValue(bytesOrNull(q->revalidationLastModified()));
                touch.addBindValue(key);
                if (!StoreFile::execute(touch))
                    return false;
                if (touch.numRowsAffected() > 0) {
                    ++counted.touched;
                    continue;
                }
            }
            const QByteArray data = q->data().toJson();
            if (data.size() > m_options.maxEntryBytes) {
                qCInfo(lcPersist).noquote() << "not saving" << q->key().toString() << "-" << data.size()
                                            << "bytes is over the limit of" << m_options.maxEntryBytes;
                if (!erase(key))
                    return false;
                continue;
            }
            write.addBindValue(key);
            write.addBindValue(data);
            write.addBindValue(jsonOrNull(q->meta()));
            write.addBindValue(updatedAt);
            write.addBindValue(q->tags().isEmpty() ? QVariant(QMetaType(QMetaType::QByteArray)) : QVariant(tagsJson(q->tags())));
            write.addBindValue(bytesOrNull(q->revalidationEtag()));
            write.addBindValue(bytesOrNull(q->revalidationLastModified()));
            write.addBindValue(qint64(data.size()));
            if (!StoreFile::execute(write))
                return false;
            ++counted.written;
        }
        return true;
    });
    ++m_stats.flushes;
    if (!ok) {
        // Tried again with the next change; entries removed meanwhile have left the set.
        for (auto it = dirty.cbegin(); it != dirty.cend(); ++it)
            m_dirty[it.key()] = m_dirty.value(it.key()) || it.value();
        m_removed.unite(removed);
        return false;
    }
    m_stats.written += counted.written;
    m_stats.touched += counted.touched;
    m_stats.deleted += counted.deleted;
    return true;
}

} // namespace refetch
