#include "mutationstore.h"

#include "storefile.h"

#include "core/mutation/mutationqueue.h"

#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>

Q_DECLARE_LOGGING_CATEGORY(lcPersist)

namespace refetch {

MutationStore::MutationStore(StoreFile *file, MutationQueue *queue, MutationStoreOptions options, QObject *parent)
    : QObject(parent), m_file(file), m_queue(queue), m_options(std::move(options))
{
    if (!m_file->isOpen() || !queue)
        return;
    restore();
    // Direct, and before anything is sent: MutationQueue::mutate() emits changed() at once, and the write's
    // request starts from a later event-loop turn, so the commit below always comes first.
    connect(queue, &MutationQueue::changed, this, &MutationStore::flush, Qt::DirectConnection);
    connect(queue, &QObject::destroyed, this, &MutationStore::detach);
    connect(m_file, &StoreFile::closing, this, [this] {
        flush();
        detach();
    });
    connect(m_file, &StoreFile::recovered, this, [this] {
        // The file is new and empty: everything unsettled is written again.
        m_saved.clear();
        m_seq.clear();
        flush();
    });
    // Restored writes were saved already; anything else the queue held before us is saved now.
    flush();
}

MutationStore::~MutationStore()
{
    flush();
    detach();
}

void MutationStore::detach()
{
    if (m_queue)
        disconnect(m_queue, nullptr, this, nullptr);
    disconnect(m_file, nullptr, this, nullptr);
    m_queue = nullptr;
}

QList<Mutation *> MutationStore::restored() const
{
    QList<Mutation *> out;
    for (const QPointer<Mutation> &m : m_restored) {
        if (m)
            out.append(m);
    }
    return out;
}

void MutationStore::restore()
{
    QSqlQuery query(m_file->database());
    query.setForwardOnly(true);
    if (m_options.endpoint.isEmpty()) {
        query.prepare(QStringLiteral("SELECT id, seq, body FROM mutations ORDER BY seq"));
    } else {
        query.prepare(QStringLiteral("SELECT id, seq, body FROM mutations WHERE endpoint = ? ORDER BY seq"));
        query.addBindValue(m_options.endpoint);
    }
    QList<PersistedMutation> list;
    bool readable = StoreFile::execute(query);
    while (readable && query.next()) {
        const QString id = query.value(0).toString();
        const qint64 seq = query.value(1).toLongLong();
        m_lastSeq = std::max(m_lastSeq, seq);
        QString error;
        JsonParseError parseError;
        const Json json = Json::parse(query.value(2).toByteArray(), &parseError);
        std::optional<PersistedMutation> d = json.isUndefined() ? std::nullopt : PersistedMutation::fromJson(json, &error);
        if (!d || d->id != id) {
            if (error.isEmpty())
                error = json.isUndefined() ? parseError.message : QStringLiteral("its id does not match its row");
            m_errors.append(QStringLiteral("saved write %1: %2").arg(id, error));
            qCWarning(lcPersist).noquote() << "cannot restore the saved write" << id << "from" << m_file->path() << ":" << error;
            continue;
        }
        // What is on disk, as this build writes it: an unchanged write is not written again.
        m_saved.insert(id, d->toJson().toJson());
        m_seq.insert(id, seq);
        list.append(std::move(*d));
    }
    if (readable && query.lastError().isValid())
        readable = false;
    const QString why = query.lastError().text();
    query.finish();
    if (!readable) {
        // The writes read so far are restored; the file starts again and gets them back from the queue.
        m_file->recover(why);
        m_saved.clear();
        m_seq.clear();
    }
    for (Mutation *m : m_queue->restore(list))
        m_restored.append(m);
    if (!list.isEmpty())
        qCInfo(lcPersist).noquote() << "restored" << list.size() << "unsent writes from" << m_file->path();
}

bool MutationStore::flush()
{
    if (!m_queue || !m_file->isOpen())
        return false;
    QHash<QString, QByteArray> next;
    QList<std::pair<QString, QString>> changed;   // id, endpoint
    for (const PersistedMutation &d : m_queue->persisted()) {
        if (!m_options.endpoint.isEmpty() && d.endpoint != m_options.endpoint)
            continue;
        QByteArray json = d.toJson().toJson();
        const auto saved = m_saved.constFind(d.id);
        if (saved == m_saved.cend() || *saved != json)
            changed.append({d.id, d.endpoint});
        next.insert(d.id, std::move(json));
    }
    QList<QString> gone;
    for (auto it = m_saved.cbegin(); it != m_saved.cend(); ++it) {
        if (!next.contains(it.key()))
            gone.append(it.key());
    }
    if (changed.isEmpty() && gone.isEmpty())
        return true;

    QHash<QString, qint64> seq = m_seq;
    qint64 lastSeq = m_lastSeq;
    const bool ok = m_file->transaction(StoreFile::Durability::Full, [&] {
        QSqlDatabase db = m_file->database();
        QSqlQuery remove(db);
        remove.prepare(QStringLiteral("DELETE FROM mutations WHERE id = ?"));
        for (const QString &id : std::as_const(gone)) {
            remove.addBindValue(id);
            if (!StoreFile::execute(remove))
                return false;
            seq.remove(id);
        }
        QSqlQuery write(db);
        write.prepare(QStringLiteral("INSERT OR REPLACE INTO mutations (id, endpoint, seq, body) VALUES (?, ?, ?, ?)"));
        for (const auto &[id, endpoint] : std::as_const(changed)) {
            // A write keeps its place in the order when it changes (an ETag passed on).
            auto place = seq.find(id);
            if (place == seq.end())
                place = seq.insert(id, ++lastSeq);
            write.addBindValue(id);
            write.addBindValue(endpoint);
            write.addBindValue(*place);
            write.addBindValue(next.value(id));
            if (!StoreFile::execute(write))
                return false;
        }
        return true;
    });
    if (!ok)
        return false;
    ++m_commits;
    m_saved = std::move(next);
    m_seq = std::move(seq);
    m_lastSeq = lastSeq;
    return true;
}

} // namespace refetch
