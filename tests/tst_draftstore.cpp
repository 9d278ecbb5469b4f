#include "core/persist/draftstore.h"
#include "core/persist/storefile.h"
#include "support/storeinspection.h"

#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;

namespace {

Draft editOfPost4(const QString &title)
{
    return Draft{.endpoint = QStringLiteral("api"),
                 .resource = QStringLiteral("posts"),
                 .id = Json(4),
                 .fields = Json::object({{u"title", title}, {u"tags", Json::array({u"a", 2})}}),
                 .base = Json::object({{u"title", u"server title"}, {u"tags", Json::array({})}}),
                 .etag = "W/\"4-abc\"",
                 .savedAt = QDateTime(QDate(2024, 5, 6), QTime(7, 8, 9, 123), Qt::UTC)};
}

void writeRaw(const QString &path, const QString &endpoint, const QByteArray &body)
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tst-raw"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT OR REPLACE INTO drafts (endpoint, saved_at, body) VALUES (?, 0, ?)"));
        q.addBindValue(endpoint);
        q.addBindValue(body);
        QVERIFY(q.exec());
    }
    QSqlDatabase::removeDatabase(QStringLiteral("tst-raw"));
}

} // namespace

// DraftStore: a record form's unsaved edits kept in the endpoint's SQLite file, read back after a restart (and
// after a SIGKILL of the process that saved them), removed when settled; unreadable rows are ignored.
class tst_DraftStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void roundTrip();
    void newRecordRoundTrip();
    void endpointsHaveTheirOwnDraft();
    void removeDeletesTheRow();
    void unchangedDraftIsNotWrittenAgain();
    void unreadableRowIsIgnoredAndReplaced();
    void versionOneFileGetsTheTable();
    void survivesSigkill();

private:
    QString path() const { return dir->filePath(QStringLiteral("api.sqlite")); }

    std::unique_ptr<QTemporaryDir> dir;
};

void tst_DraftStore::init()
{
    dir = std::make_unique<QTemporaryDir>();
    QVERIFY(dir->isValid());
}

void tst_DraftStore::cleanup()
{
    dir.reset();
}

void tst_DraftStore::roundTrip()
{
    const Draft saved = editOfPost4(QStringLiteral("typed, not saved — ü"));
    {
        StoreFile file;
        QVERIFY(file.open(path()));
        DraftStore drafts(&file, QStringLiteral("api"));
        QVERIFY(!drafts.draft());
        QVERIFY(drafts.save(saved));
    }
    QCOMPARE(rowCount(path(), "drafts"), 1);
    StoreFile file;
    QVERIFY(file.open(path()));
    DraftStore drafts(&file, QStringLiteral("api"));
    const std::optional<Draft> d = drafts.draft();
    QVERIFY(d);
    QCOMPARE(d->endpoint, saved.endpoint);
    QCOMPARE(d->resource, saved.resource);
    QVERIFY(!d->isNew());
    QCOMPARE(d->id, Json(4));
    QCOMPARE(d->fields, saved.fields);
    QCOMPARE(d->base, saved.base);
    QCOMPARE(d->etag, saved.etag);
    QCOMPARE(d->savedAt, saved.savedAt);
    QVERIFY(drafts.errors().isEmpty());
}

void tst_DraftStore::newRecordRoundTrip()
{
    Draft saved = editOfPost4(QStringLiteral("a new post"));
    saved.id = Json();
    saved.base = Json::object({});
    saved.etag.clear();
    {
        StoreFile file;
        QVERIFY(file.open(path()));
        QVERIFY(DraftStore(&file, QStringLiteral("api")).save(saved));
    }
    StoreFile file;
    QVERIFY(file.open(path()));
    const std::optional<Draft> d = DraftStore(&file, QStringLiteral("api")).draft();
    QVERIFY(d);
    QVERIFY(d->isNew());
    QCOMPARE(d->fields, saved.fields);
    QVERIFY(d->base.isObject() && d->base.isEmpty());
}

void tst_DraftStore::endpointsHaveTheirOwnDraft()
{
    StoreFile file;
    QVERIFY(file.open(path()));
    DraftStore api(&file, QStringLiteral("api"));
    DraftStore other(&file, QStringLiteral("other"));
    QVERIFY(api.save(editOfPost4(QStringLiteral("one"))));
    QVERIFY(api.save(editOfPost4(QStringLiteral("two"))));   // replaces its own
    QVERIFY(other.save(editOfPost4(QStringLiteral("three"))));
    QCOMPARE(rowCount(path(), "drafts"), 2);
    QCOMPARE(api.draft()->fields.value(u"title").toString(), QStringLiteral("two"));
    const std::optional<Draft> o = other.draft();
    QVERIFY(o);
    QCOMPARE(o->endpoint, QStringLiteral("other"));   // saved under its store's endpoint
    QCOMPARE(o->fields.value(u"title").toString(), QStringLiteral("three"));
}

void tst_DraftStore::removeDeletesTheRow()
{
    StoreFile file;
    QVERIFY(file.open(path()));
    DraftStore drafts(&file, QStringLiteral("api"));
    QVERIFY(drafts.save(editOfPost4(QStringLiteral("x"))));
    QVERIFY(drafts.remove());
    QCOMPARE(rowCount(path(), "drafts"), 0);
    QVERIFY(!drafts.draft());
    const int commits = drafts.commits();
    QVERIFY(drafts.remove());   // none: nothing to write
    QCOMPARE(drafts.commits(), commits);
    // The next start finds none either.
    file.close();
    QVERIFY(file.open(path()));
    QVERIFY(!DraftStore(&file, QStringLiteral("api")).draft());
}

void tst_DraftStore::unchangedDraftIsNotWrittenAgain()
{
    StoreFile file;
    QVERIFY(file.open(path()));
    DraftStore drafts(&file, QStringLiteral("api"));
    Draft d = editOfPost4(QStringLiteral("x"));
    QVERIFY(drafts.save(d));
    QCOMPARE(drafts.commits(), 1);
    d.savedAt = d.savedAt.addSecs(5);
    QVERIFY(drafts.save(d));
    QCOMPARE(drafts.commits(), 1);
    d.fields = d.fields.withValue(u"title", Json(u"y"));
    QVERIFY(drafts.save(d));
    QCOMPARE(drafts.commits(), 2);
    QCOMPARE(drafts.draft()->fields.value(u"title").toString(), QStringLiteral("y"));
}

void tst_DraftStore::unreadableRowIsIgnoredAndReplaced()
{
    {
        StoreFile file;
        QVERIFY(file.open(path()));
    }
    const QByteArray wrongShape = Draft{editOfPost4(QStringLiteral("x"))}.toJson().withoutKey(u"fields").toJson();
    writeRaw(path(), QStringLiteral("api"), "{\"endpoint\": \"api\", trailing garbage");
    writeRaw(path(), QStringLiteral("other"), wrongShape);
    StoreFile file;
    QVERIFY(file.open(path()));
    QVERIFY(file.movedAside().isEmpty());   // a bad row is not a bad file
    DraftStore api(&file, QStringLiteral("api"));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("ignoring the unreadable draft of api")));
    QVERIFY(!api.draft());
    QCOMPARE(api.errors().size(), 1);
    DraftStore other(&file, QStringLiteral("other"));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("unreadable draft of other.*no changed fields")));
    QVERIFY(!other.draft());
    // The next save replaces the bad row.
    QVERIFY(api.save(editOfPost4(QStringLiteral("fresh"))));
    QCOMPARE(api.draft()->fields.value(u"title").toString(), QStringLiteral("fresh"));
}

void tst_DraftStore::versionOneFileGetsTheTable()
{
    // A file written before drafts existed: version 1, without the table, with cached data.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tst-old"));
        db.setDatabaseName(path());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")));
        QVERIFY(q.exec(QStringLiteral("CREATE TABLE queries (key TEXT PRIMARY KEY, data BLOB NOT NULL, meta BLOB, "
                                      "updated_at INTEGER NOT NULL, tags BLOB, etag BLOB, last_modified BLOB, size INTEGER NOT NULL)")));
        QVERIFY(q.exec(QStringLiteral("CREATE TABLE mutations (id TEXT PRIMARY KEY, endpoint TEXT NOT NULL, "
                                      "seq INTEGER NOT NULL, body BLOB NOT NULL)")));
        QVERIFY(q.exec(QStringLiteral("INSERT INTO queries VALUES ('[\"api\"]', '[]', NULL, 1, NULL, NULL, NULL, 2)")));
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version=1")));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("tst-old"));
    QCOMPARE(rowCount(path(), "drafts"), -1);

    StoreFile file;
    QVERIFY(file.open(path()));
    QVERIFY(file.movedAside().isEmpty());
    QCOMPARE(userVersion(path()), 1);
    QCOMPARE(rowCount(path(), "queries"), 1);   // the cache is kept
    DraftStore drafts(&file, QStringLiteral("api"));
    QVERIFY(drafts.save(editOfPost4(QStringLiteral("x"))));
    QCOMPARE(rowCount(path(), "drafts"), 1);
}

void tst_DraftStore::survivesSigkill()
{
    QProcess writer;
    writer.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    writer.start(QStringLiteral(REFETCH_DRAFT_WRITER),
                 {QStringLiteral("--store"), path(), QStringLiteral("--title"), QStringLiteral("typed before the kill")});
    QVERIFY(writer.waitForStarted());
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += writer.readAllStandardOutput()).contains("saved\n"), 20000);
    writer.kill();   // SIGKILL: no destructor, no close, the WAL as the commit left it
    QVERIFY(writer.waitForFinished());
    QCOMPARE(writer.exitStatus(), QProcess::CrashExit);

    StoreFile file;
    QVERIFY(file.open(path()));
    QVERIFY(file.movedAside().isEmpty());
    const std::optional<Draft> d = DraftStore(&file, QStringLiteral("api")).draft();
    QVERIFY(d);
    QCOMPARE(d->resource, QStringLiteral("posts"));
    QCOMPARE(d->id, Json(4));
    QCOMPARE(d->fields.value(u"title").toString(), QStringLiteral("typed before the kill"));
    QCOMPARE(d->base.value(u"title").toString(), QStringLiteral("before the crash"));
    QCOMPARE(d->etag, QByteArray("W/\"4-1\""));
    QVERIFY(d->savedAt.isValid());
}

QTEST_GUILESS_MAIN(tst_DraftStore)
#include "tst_draftstore.moc"
