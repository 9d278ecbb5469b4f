#include "support/externalserver.h"
#include "support/storeinspection.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <memory>

#ifndef REFETCH_OUTBOX_DRIVER
#error "tests/CMakeLists.txt passes REFETCH_OUTBOX_DRIVER (the refetch_outboxdriver executable)"
#endif

using namespace refetch::test;
using namespace Qt::StringLiterals;

// Issue #13's randomised test: the app's writes against json-server 0.17 (which ignores Idempotency-Key), through a
// helper process (refetch_outboxdriver: the app's queue and store, writes read from its standard input) that is
// killed with SIGKILL at random points, while json-server is stopped and started again on the same port and data.
// Each sequence makes a few random edits (optimistic PATCHes), creates (POSTs with a unique title) and undoable
// deletes, some undone, on records of its own; once it settled, the server must hold exactly what the user last
// meant (every record's fields as last written, the deleted ones gone, each created record once), the queue and
// its file must be empty, and no write may have failed (nothing here refuses one).
//
// The model of what the user meant follows the driver's "made" lines: mutate() has returned, so the write is
// committed to the store. A write whose command was read but not answered before a kill is made exactly when the
// next run restores it (it cannot have been sent: its request starts after "made" is printed).
//
// It found three bugs of the core, fixed since; knownBug() still recognises their signs, to name them if they come
// back (each fails the test like any other failure):
//   A  a write on a kept-alive connection the server closes as it stops failed, though the server never read it;
//   B  a PATCH/PUT/DELETE restored with its request possibly out, whose check (GET) found the server down, was sent
//      again unchecked when it was back (a DELETE it had carried out failed with 404);
//   C  a restored write whose request may have left could be undone while it waited its turn.
// REFETCH_RANDOM_LENIENT=1 lets them pass as "the user was told" (for bisecting an old build).
//
// REFETCH_RANDOM_SEED=N replays a run's plans (the seed is printed first; timing still varies),
// REFETCH_RANDOM_SEQUENCE=I runs only sequence I of it, REFETCH_RANDOM_SEQUENCES=N sets how many run (300), and
// REFETCH_RANDOM_BUDGET_S=S stops starting new sequences after S seconds (150), for slow builds.

namespace {

constexpr int RecordsPerSequence = 3;
constexpr int SettleTimeoutMs = 20000;

// One thing the user did: an edit, a create, a delete or an undo of a delete.
struct Op
{
    enum Kind { Patch, Create, Delete, Undo };
    Kind kind = Patch;
    QString name;            // "s12o3": sequence 12, op 3 (also the X-Refetch-Op header)
    qint64 id = 0;           // Patch, Delete
    QJsonObject fields;      // Patch: the fields it writes; Create: the new record
    int undoMs = 0;          // Delete
    int restartUndoMs = 0;   // Delete
    QString target;          // Undo: the delete's name
    QByteArray key;          // its Idempotency-Key once made (an Undo: its delete's)
    bool made = false;       // an Undo: it undid its delete

    QByteArray command() const
    {
        const QByteArray json = QJsonDocument(fields).toJson(QJsonDocument::Compact);
        switch (kind) {
        case Patch:
            return "patch " + name.toUtf8() + ' ' + QByteArray::number(id) + ' ' + json;
        case Create:
            return "create " + name.toUtf8() + ' ' + json;
        case Delete:
            return "delete " + name.toUtf8() + ' ' + QByteArray::number(id) + ' ' + QByteArray::number(undoMs) + ' '
                + QByteArray::number(restartUndoMs);
        case Undo:
            return "undo " + name.toUtf8() + ' ' + key;
        }
        Q_UNREACHABLE();
    }
};

// What a sequence does besides its writes: kills and an outage, drawn before it starts.
struct Plan
{
    int ops = 0;
    QList<int> killAtSending;   // kill the driver as it says its n-th "Sending" (1-based, over the sequence)
    int killBeforeOp = -1;      // kill it before op n (with writes waiting, paused or in flight)
    int stopBeforeOp = -1;      // stop the server before op n (n == ops: after the last one)
    int startBeforeOp = -1;     // start it again before op n (ops: when the sequence settles)

    QString describe() const
    {
        QStringList kills;
        for (int k : killAtSending)
            kills.append(QString::number(k));
        return QStringLiteral("%1 ops, kill at Sending #[%2], kill before op %3, server stopped before op %4, started "
                              "before op %5")
            .arg(ops)
            .arg(kills.join(u','))
            .arg(killBeforeOp)
            .arg(stopBeforeOp)
            .arg(startBeforeOp);
    }
};

} // namespace

class tst_OutboxChaos : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void randomSequences();

private:
    // The sequence: plan, ops, what the user meant.
    void runSequence(int index, QRandomGenerator &rng);
    Op nextOp(int index, int n, QRandomGenerator &rng);
    void makeOp(Op &op);
    void apply(const Op &op);
    bool isDeleted(qint64 id, bool *maybe = nullptr) const;
    QString knownBug(const QList<QByteArray> &failedLine) const;
    void noteKnownBug(const QString &bug, const QString &what);
    QString verify(int index);

    // The driver process.
    bool driverRunning() const { return m_driver && m_driver->state() != QProcess::NotRunning; }
    bool ensureDriver();
    void killDriver();
    void readDriver();
    void onLine(const QByteArray &line, bool live);
    bool send(const QByteArray &command);
    bool waitForDriver(const std::function<bool()> &done, int timeoutMs);

    // The server.
    bool startServer();
    void stopServer();

    QTemporaryDir m_dir;
    QString m_seedFile;
    QString m_storeFile;
    std::unique_ptr<ExternalServer> m_server;
    int m_port = 0;
    QNetworkAccessManager m_nam;
    quint32 m_seed = 0;
    int m_sequences = 0;

    std::unique_ptr<QProcess> m_driver;
    QByteArray m_partial;
    bool m_draining = false;
    bool m_killRequested = false;
    bool m_ready = false;
    bool m_idle = false;

    // The current sequence.
    int m_index = 0;
    Plan m_plan;
    QList<Op> m_ops;
    Op *m_outstanding = nullptr;          // sent to the driver, not answered yet
    QHash<QString, QByteArray> m_restored; // op name -> key, from the current run's "restored" lines
    QHash<QByteArray, QList<QByteArray>> m_statuses;   // key -> every status it had, over the runs
    int m_sendingSeen = 0;
    QList<qint64> m_records;              // the sequence's records
    QSet<QByteArray> m_attemptedKeys;     // keys restored with their request possibly out
    // Keys of writes that failed as a known bug makes them fail (see knownBug()): the server may or may not have
    // them, and the user was told.
    QSet<QByteArray> m_toldFailed;
    QStringList m_failures;               // "failed" and "error" lines of no known bug
    QStringList m_log;                    // what the driver and the server said, for a failure's message

    // Over the run.
    int m_kills = 0;
    int m_killsInFlight = 0;
    int m_outages = 0;
    int m_restoredWrites = 0;
    int m_restoredAttempted = 0;
    int m_restoredCreates = 0;            // restored POSTs whose request may have left
    int m_confirmCreated = 0;
    int m_confirmSend = 0;
    int m_undone = 0;
    int m_opsMade = 0;
    bool m_strict = false;
    QMap<QString, int> m_knownBugs;       // name -> times seen
};

void tst_OutboxChaos::initTestCase()
{
    REFETCH_REQUIRE_SERVER(ExternalServer::JsonServer017);
    QVERIFY(m_dir.isValid());
    m_seedFile = m_dir.filePath(QStringLiteral("db.json"));
    m_storeFile = m_dir.filePath(QStringLiteral("outbox.sqlite"));

    bool ok = false;
    m_seed = quint32(qEnvironmentVariableIntValue("REFETCH_RANDOM_SEED", &ok));
    if (!ok)
        m_seed = QRandomGenerator::global()->generate();
    m_sequences = qEnvironmentVariableIsSet("REFETCH_RANDOM_SEQUENCES") ? qEnvironmentVariableIntValue("REFETCH_RANDOM_SEQUENCES")
                                                                        : 300;
    m_strict = qEnvironmentVariableIntValue("REFETCH_RANDOM_LENIENT") != 1;
    std::printf("outboxchaos: seed %u (REFETCH_RANDOM_SEED=%u replays it)\n", m_seed, m_seed);
    std::fflush(stdout);

    // Each sequence has records of its own: no reset between sequences, and one restart-proof db.json.
    QJsonArray posts;
    for (int s = 0; s < m_sequences; ++s) {
        for (int r = 0; r < RecordsPerSequence; ++r) {
            const qint64 id = qint64(s) * RecordsPerSequence + r + 1;
            posts.append(QJsonObject{{QStringLiteral("id"), id},
                                     {QStringLiteral("seq"), s},
                                     {QStringLiteral("userId"), 1},
                                     {QStringLiteral("title"), QStringLiteral("post %1").arg(id)},
                                     {QStringLiteral("body"), QStringLiteral("body %1").arg(id)},
                                     {QStringLiteral("views"), 0}});
        }
    }
    QFile seed(m_seedFile);
    QVERIFY(seed.open(QIODevice::WriteOnly));
    seed.write(QJsonDocument(QJsonObject{{QStringLiteral("posts"), posts}}).toJson(QJsonDocument::Compact));
    seed.close();

    m_server = std::make_unique<ExternalServer>();
    connect(m_server.get(), &ExternalServer::requestSeen, this, [this](const QString &request) {
        m_log.append(QStringLiteral("  server: ") + request);
    });
    QVERIFY(startServer());
    m_port = m_server->baseUrl().port();
}

void tst_OutboxChaos::cleanupTestCase()
{
    if (m_driver) {
        m_draining = true;
        m_driver->kill();
        m_driver->waitForFinished();
    }
    if (m_server)
        m_server->stop();
}

bool tst_OutboxChaos::startServer()
{
    QStringList args{QStringLiteral("--keep-db")};
    if (m_port)
        args += {QStringLiteral("--port"), QString::number(m_port)};
    QString error;
    if (!m_server->start(ExternalServer::JsonServer017, m_seedFile, args, &error)) {
        qWarning().noquote() << "json-server did not start:" << error;
        return false;
    }
    m_log.append(QStringLiteral("  -- server started"));
    return true;
}

void tst_OutboxChaos::stopServer()
{
    m_server->stop();
    ++m_outages;
    m_log.append(QStringLiteral("  -- server stopped"));
}

// ---------------------------------------------------------------- the driver

bool tst_OutboxChaos::ensureDriver()
{
    // Started again until it stays up to "ready" (a planned kill may hit a restored write as it is sent).
    for (int attempt = 0; attempt < 8; ++attempt) {
        if (driverRunning() && m_ready)
            return true;
        if (driverRunning()) {   // up, but it never said "ready"
            m_draining = true;
            m_driver->kill();
            m_driver->waitForFinished();
            m_draining = false;
        }
        m_driver = std::make_unique<QProcess>();
        // Its log lines (refetch.core.mutation: "already applied before the restart", ...) go with its output
        // into the sequence's log: each is one write to the pipe, as each of its own lines is.
        m_driver->setProcessChannelMode(QProcess::MergedChannels);
        connect(m_driver.get(), &QProcess::readyReadStandardOutput, this, &tst_OutboxChaos::readDriver);
        m_partial.clear();
        m_ready = false;
        m_idle = false;
        m_restored.clear();
        m_log.append(QStringLiteral("  -- driver started"));
        m_driver->start(QStringLiteral(REFETCH_OUTBOX_DRIVER),
                        {QStringLiteral("--store"), m_storeFile, QStringLiteral("--url"),
                         QStringLiteral("http://127.0.0.1:%1").arg(m_port), QStringLiteral("--server-ignores-keys"),
                         QStringLiteral("--reconnect-ms"), QStringLiteral("20")});
        if (!m_driver->waitForStarted(10000))
            return false;
        if (!waitForDriver([this] { return m_ready; }, SettleTimeoutMs))
            continue;
    }
    return driverRunning() && m_ready;
}

void tst_OutboxChaos::killDriver()
{
    if (!driverRunning())
        return;
    int inFlight = 0;
    for (auto it = m_statuses.cbegin(); it != m_statuses.cend(); ++it)
        inFlight += !it->isEmpty() && it->constLast() == "Sending";
    ++m_kills;
    m_killsInFlight += inFlight > 0;
    m_draining = true;
    m_driver->kill();   // SIGKILL
    m_driver->waitForFinished(10000);
    m_draining = false;
    m_log.append(QStringLiteral("  -- driver killed (%1 request(s) under way)").arg(inFlight));
    // What it printed before it died still counts: a write it said was made is made.
    m_partial += m_driver->readAllStandardOutput();
    qsizetype end;
    while ((end = m_partial.indexOf('\n')) >= 0) {
        const QByteArray line = m_partial.left(end);
        m_partial.remove(0, end + 1);
        onLine(line, false);
    }
    m_ready = false;
}

void tst_OutboxChaos::readDriver()
{
    if (m_draining || !m_driver)
        return;
    m_partial += m_driver->readAllStandardOutput();
    qsizetype end;
    while ((end = m_partial.indexOf('\n')) >= 0) {
        const QByteArray line = m_partial.left(end);
        m_partial.remove(0, end + 1);
        onLine(line, true);
    }
    if (std::exchange(m_killRequested, false))
        killDriver();
}

void tst_OutboxChaos::onLine(const QByteArray &line, bool live)
{
    m_log.append(QStringLiteral("  driver: ") + QString::fromUtf8(line));
    const QList<QByteArray> w = line.split(' ');
    const QByteArray &what = w.value(0);
    if (what == "made" && w.size() == 3) {
        if (m_outstanding && m_outstanding->name.toUtf8() == w[1]) {
            m_outstanding->key = w[2];
            m_outstanding->made = true;
            apply(*m_outstanding);
            m_outstanding = nullptr;
        }
    } else if (what == "undo" && w.size() == 4) {
        if (m_outstanding && m_outstanding->name.toUtf8() == w[1]) {
            m_outstanding->made = w[3] == "1";
            apply(*m_outstanding);
            m_outstanding = nullptr;
        }
    } else if (what == "status" && w.size() == 3) {
        m_statuses[w[1]].append(w[2]);
        if (w[2] == "Sending" && live) {
            ++m_sendingSeen;
            if (m_plan.killAtSending.contains(m_sendingSeen))
                m_killRequested = true;
        }
    } else if (what == "restored" && w.size() >= 6) {
        m_restored.insert(QString::fromUtf8(w[2]), w[1]);
        ++m_restoredWrites;
        if (w[5] == "attempted") {
            ++m_restoredAttempted;
            m_restoredCreates += w[3] == "POST";
            m_attemptedKeys.insert(w[1]);
        }
    } else if (what == "ready") {
        // A write whose command was read but not answered before the kill is made when it was restored.
        if (m_outstanding) {
            Op &op = *m_outstanding;
            m_outstanding = nullptr;
            if (op.kind == Op::Undo) {
                // Undone unless its delete is still there or went to the server.
                const QList<QByteArray> seen = m_statuses.value(op.key);
                op.made = !m_restored.contains(op.target) && !seen.contains("Succeeded") && !seen.contains("Failed");
                apply(op);
            } else if (m_restored.contains(op.name)) {
                op.key = m_restored.value(op.name);
                op.made = true;
                apply(op);
            }
            m_log.append(QStringLiteral("  -- %1 (unanswered before the kill) %2").arg(op.name, op.made ? u"made"_s : u"not made"_s));
        }
        m_ready = true;
    } else if (what == "idle") {
        m_idle = true;
    } else if (what == "confirm-created") {
        ++m_confirmCreated;
    } else if (what == "confirm-send") {
        ++m_confirmSend;
    } else if (what == "failed" && w.size() >= 3) {
        const QString bug = knownBug(w);
        if (bug.isEmpty() || m_strict) {
            m_failures.append(QString::fromUtf8(line));
        } else {
            noteKnownBug(bug, QString::fromUtf8(line));
            m_toldFailed.insert(w[1]);
        }
    } else if (what == "error") {
        m_failures.append(QString::fromUtf8(line));
    }
}

bool tst_OutboxChaos::send(const QByteArray &command)
{
    if (!driverRunning())
        return false;
    m_log.append(QStringLiteral("  test: ") + QString::fromUtf8(command));
    m_driver->write(command + '\n');
    return true;
}

bool tst_OutboxChaos::waitForDriver(const std::function<bool()> &done, int timeoutMs)
{
    // Also over when the driver died (a planned kill): the caller looks at what is true then.
    return QTest::qWaitFor([&] { return done() || !driverRunning(); }, timeoutMs) && done();
}

// ---------------------------------------------------------------- the sequence

void tst_OutboxChaos::apply(const Op &op)
{
    // What the user meant is read from m_ops when the sequence is checked; here only the counts.
    if (!op.made)
        return;
    ++m_opsMade;
    m_undone += op.kind == Op::Undo;
    // C: a delete restored with its request possibly out waits its turn behind the other restored writes, and
    // undo() (the outbox's Cancel Change) takes it back then, though the server may have carried it out.
    if (op.kind == Op::Undo && m_attemptedKeys.contains(op.key) && !m_strict) {
        noteKnownBug(QStringLiteral("C: a write whose request may have reached the server can still be undone"),
                     QStringLiteral("%1 undid %2").arg(op.name, op.target));
        m_toldFailed.insert(op.key);
    }
}

bool tst_OutboxChaos::isDeleted(qint64 id, bool *maybe) const
{
    // The last delete of the record made and not undone; `maybe`: a known bug leaves it open whether the server
    // carried it out (it failed, or was undone after its request may have left).
    const Op *deleted = nullptr;
    for (const Op &op : m_ops) {
        if (!op.made)
            continue;
        if (op.kind == Op::Delete && op.id == id)
            deleted = &op;
        else if (op.kind == Op::Undo && deleted && op.target == deleted->name && !m_toldFailed.contains(op.key))
            deleted = nullptr;
    }
    if (maybe)
        *maybe = deleted && m_toldFailed.contains(deleted->key);
    return deleted != nullptr;
}

void tst_OutboxChaos::noteKnownBug(const QString &bug, const QString &what)
{
    ++m_knownBugs[bug];
    std::printf("outboxchaos: sequence %d: known bug %s: %s\n", m_index, qPrintable(bug.left(1)), qPrintable(what));
    std::fflush(stdout);
}

// The signs of the three bugs named above (fixed; written up in issue #13's notes), named when seen; they fail
// the test unless REFETCH_RANDOM_LENIENT=1. `failed` is the driver's line, split at spaces.
QString tst_OutboxChaos::knownBug(const QList<QByteArray> &failed) const
{
    const QByteArray error = failed.mid(2).join(' ');
    // A: the server closed a kept-alive connection (it was stopped) as the request went out on it; the server never
    // read it, yet the write fails instead of waiting for the server, as a refused connection makes it do.
    if (error.contains("connection closed by the server before it answered"))
        return QStringLiteral("A: a write the server closed its connection on fails instead of waiting");
    // B: a DELETE restored after the kill with its request possibly out, whose check (GET of the record) found the
    // server down: it is sent again unchecked when the server is back, and the record it deleted before is a 404.
    if (error.startsWith("DELETE ") && error.contains("HTTP 404") && m_attemptedKeys.contains(failed[1]))
        return QStringLiteral("B: a restored write whose check found the server down is sent again unchecked");
    return {};
}

Op tst_OutboxChaos::nextOp(int index, int n, QRandomGenerator &rng)
{
    Op op;
    op.name = QStringLiteral("s%1o%2").arg(index).arg(n);
    QList<qint64> live;
    for (qint64 id : std::as_const(m_records)) {
        if (!isDeleted(id))
            live.append(id);
    }
    // Undo the delete just made, while it may still be in its undo time.
    if (!m_ops.isEmpty()) {
        const Op &last = m_ops.constLast();
        if (last.kind == Op::Delete && last.made && last.undoMs > 0 && rng.bounded(100) < 40) {
            op.kind = Op::Undo;
            op.target = last.name;
            op.key = last.key;
            return op;
        }
    }
    const int roll = int(rng.bounded(100));
    if (!live.isEmpty() && roll < 55) {
        op.kind = Op::Patch;
        op.id = live.at(int(rng.bounded(qsizetype(live.size()))));
        // One or two fields, each with a value no other write has: "applied already" is then exact.
        const int fields = rng.bounded(100) < 75 ? 1 : 2;
        static const QStringList names{QStringLiteral("title"), QStringLiteral("body"), QStringLiteral("views")};
        const int first = int(rng.bounded(3));
        for (int f = 0; f < fields; ++f) {
            const QString &field = names.at((first + f) % 3);
            if (field == u"views")
                op.fields.insert(field, index * 1000 + n + 1);
            else
                op.fields.insert(field, QStringLiteral("%1 %2").arg(field, op.name));
        }
    } else if (live.isEmpty() || roll < 78) {
        op.kind = Op::Create;
        op.fields = QJsonObject{{QStringLiteral("seq"), index},
                                {QStringLiteral("userId"), 1},
                                {QStringLiteral("title"), QStringLiteral("new %1").arg(op.name)},
                                {QStringLiteral("body"), QStringLiteral("made by %1").arg(op.name)}};
    } else {
        op.kind = Op::Delete;
        op.id = live.at(int(rng.bounded(qsizetype(live.size()))));
        static const int undoDelays[] = {0, 0, 40, 150};
        op.undoMs = undoDelays[rng.bounded(4)];
        op.restartUndoMs = rng.bounded(100) < 50 ? 0 : 100;
    }
    return op;
}

void tst_OutboxChaos::makeOp(Op &op)
{
    m_outstanding = &op;
    if (!send(op.command()))
        return;
    // Answered, or the driver was killed first (then the next start says whether it was made).
    waitForDriver([this] { return m_outstanding == nullptr; }, SettleTimeoutMs);
}

void tst_OutboxChaos::runSequence(int index, QRandomGenerator &rng)
{
    m_index = index;
    m_plan = Plan{};
    m_ops.clear();
    m_outstanding = nullptr;
    m_statuses.clear();
    m_sendingSeen = 0;
    m_records.clear();
    m_attemptedKeys.clear();
    m_toldFailed.clear();
    m_failures.clear();
    m_log.clear();
    for (int r = 0; r < RecordsPerSequence; ++r)
        m_records.append(qint64(index) * RecordsPerSequence + r + 1);

    m_plan.ops = 1 + int(rng.bounded(7));
    m_ops.reserve(m_plan.ops);   // m_outstanding points into it
    if (rng.bounded(100) < 50)
        m_plan.killAtSending.append(1 + int(rng.bounded(m_plan.ops + 1)));
    if (rng.bounded(100) < 20)
        m_plan.killAtSending.append(1 + int(rng.bounded(m_plan.ops + 2)));
    if (rng.bounded(100) < 15)
        m_plan.killBeforeOp = 1 + int(rng.bounded(m_plan.ops));
    if (rng.bounded(100) < 22) {
        m_plan.stopBeforeOp = int(rng.bounded(m_plan.ops + 1));
        m_plan.startBeforeOp = m_plan.stopBeforeOp + 1 + int(rng.bounded(m_plan.ops + 1 - m_plan.stopBeforeOp));
    }

    for (int n = 0; n < m_plan.ops; ++n) {
        if (n == m_plan.stopBeforeOp)
            stopServer();
        if (n == m_plan.startBeforeOp)
            QVERIFY(startServer());
        if (n == m_plan.killBeforeOp)
            killDriver();
        QVERIFY2(ensureDriver(), "the driver did not start");
        m_ops.append(nextOp(index, n, rng));
        Op &op = m_ops.last();
        makeOp(op);
        // Sometimes let it go to the server (or wait for it) before the next one; else the next comes at once.
        if (op.made && driverRunning() && m_server->isRunning() && rng.bounded(100) < 35) {
            const QByteArray key = op.key;
            waitForDriver([this, key] {
                const QList<QByteArray> seen = m_statuses.value(key);
                return !seen.isEmpty()
                    && QList<QByteArray>{"Succeeded", "Failed", "Undone", "Paused", "Unconfirmed"}.contains(seen.constLast());
            }, SettleTimeoutMs);
        }
    }
    if (m_plan.stopBeforeOp == m_plan.ops)
        stopServer();

    // Settle: the server back, the app running until nothing waits.
    if (!m_server->isRunning())
        QVERIFY(startServer());
    m_idle = false;
    for (int round = 0; round < 8 && !m_idle; ++round) {
        QVERIFY2(ensureDriver(), "the driver did not start");
        m_idle = false;
        send("idle");
        waitForDriver([this] { return m_idle; }, SettleTimeoutMs);
    }
}

QString tst_OutboxChaos::verify(int index)
{
    QStringList problems;
    if (!m_idle)
        problems.append(QStringLiteral("writes were still waiting %1 s after the sequence").arg(SettleTimeoutMs / 1000));
    problems += m_failures;
    const int saved = rowCount(m_storeFile, "mutations");
    if (saved < 0)
        problems.append(QStringLiteral("the store %1 cannot be read").arg(m_storeFile));
    if (saved > 0) {
        QStringList rows;
        for (const QVariant &row : readColumn(m_storeFile, QStringLiteral("SELECT body FROM mutations ORDER BY seq")))
            rows.append(row.toString());
        problems.append(QStringLiteral("the store still holds %1 write(s): %2").arg(saved).arg(rows.join(u"; ")));
    }

    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/posts?seq=%2").arg(m_port).arg(index)));
    request.setTransferTimeout(10000);
    std::unique_ptr<QNetworkReply> reply(m_nam.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(15000))
        return QStringLiteral("GET %1 was not answered").arg(request.url().toString());
    if (reply->error() != QNetworkReply::NoError)
        return QStringLiteral("GET %1: %2").arg(request.url().toString(), reply->errorString());
    const QJsonArray rows = QJsonDocument::fromJson(reply->readAll()).array();

    QHash<qint64, QJsonObject> byId;
    QMap<QString, int> createdCount;
    for (const QJsonValue &row : rows) {
        const QJsonObject record = row.toObject();
        const qint64 id = record.value(u"id").toInteger();
        if (m_records.contains(id))
            byId.insert(id, record);
        else
            ++createdCount[record.value(u"title").toString()];
    }
    const auto text = [](const QJsonValue &v) {
        return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
    };
    for (qint64 id : std::as_const(m_records)) {
        bool maybeDeleted = false;
        const bool deleted = isDeleted(id, &maybeDeleted);
        if (deleted && !maybeDeleted) {
            if (byId.contains(id))
                problems.append(QStringLiteral("post %1 was deleted, the server still has it").arg(id));
            continue;
        }
        if (!byId.contains(id)) {
            if (!deleted)
                problems.append(QStringLiteral("post %1 is gone from the server; it was not deleted").arg(id));
            continue;
        }
        const QJsonObject server = byId.value(id);
        for (const QString &field : {u"title"_s, u"body"_s, u"views"_s}) {
            // The value of the last edit made; of the ones before it too while each later one failed as the user
            // was told (it may or may not have been applied); the seed's when none is sure.
            const QJsonValue seeded = field == u"views" ? QJsonValue(0)
                                                        : QJsonValue(QStringLiteral("%1 %2").arg(field == u"title" ? u"post"_s : u"body"_s).arg(id));
            QList<QJsonValue> meant;
            bool sure = false;
            for (qsizetype i = m_ops.size() - 1; i >= 0 && !sure; --i) {
                const Op &op = m_ops.at(i);
                if (op.made && op.kind == Op::Patch && op.id == id && op.fields.contains(field)) {
                    meant.append(op.fields.value(field));
                    sure = !m_toldFailed.contains(op.key);
                }
            }
            if (!sure)
                meant.append(seeded);
            if (!meant.contains(server.value(field))) {
                QStringList values;
                for (const QJsonValue &v : std::as_const(meant))
                    values.append(text(v));
                problems.append(QStringLiteral("post %1: %2 is %3 on the server, the user last wrote %4")
                                    .arg(id)
                                    .arg(field, text(server.value(field)), values.join(u" or ")));
            }
        }
    }
    for (const Op &op : std::as_const(m_ops)) {
        if (!op.made || op.kind != Op::Create)
            continue;
        const QString title = op.fields.value(u"title").toString();
        const int count = createdCount.take(title);
        if (count != 1 && !(count == 0 && m_toldFailed.contains(op.key)))
            problems.append(QStringLiteral("\"%1\" was created %2 times on the server").arg(title).arg(count));
    }
    for (auto it = createdCount.cbegin(); it != createdCount.cend(); ++it)
        problems.append(QStringLiteral("\"%1\" is on the server %2 time(s); the user did not create it (or it was "
                                       "not made)").arg(it.key()).arg(it.value()));
    return problems.join(u'\n');
}

void tst_OutboxChaos::randomSequences()
{
    const int only = qEnvironmentVariableIsSet("REFETCH_RANDOM_SEQUENCE") ? qEnvironmentVariableIntValue("REFETCH_RANDOM_SEQUENCE") : -1;
    const int budgetS = qEnvironmentVariableIsSet("REFETCH_RANDOM_BUDGET_S") ? qEnvironmentVariableIntValue("REFETCH_RANDOM_BUDGET_S") : 150;
    QElapsedTimer clock;
    clock.start();
    QStringList failed;
    int ran = 0;
    for (int index = 0; index < m_sequences; ++index) {
        if (only >= 0 && index != only)
            continue;
        if (clock.elapsed() > qint64(budgetS) * 1000) {
            std::printf("outboxchaos: stopped after %d s (REFETCH_RANDOM_BUDGET_S), %d of %d sequences run\n", budgetS,
                        ran, m_sequences);
            break;
        }
        // Each sequence draws from a generator of its own: one can be replayed alone.
        const quint32 seeds[] = {m_seed, quint32(index)};
        QRandomGenerator rng(seeds, 2);
        runSequence(index, rng);
        if (QTest::currentTestFailed())
            return;
        ++ran;
        const QString problems = verify(index);
        if (!problems.isEmpty()) {
            failed.append(QString::number(index));
            std::printf("outboxchaos: sequence %d failed: %s\n", index, qPrintable(problems.section(u'\n', 0, 0)));
            if (failed.size() <= 3) {
                qWarning().noquote() << QStringLiteral("sequence %1 (REFETCH_RANDOM_SEED=%2 REFETCH_RANDOM_SEQUENCE=%1):\n%3\n"
                                                       "plan: %4\n%5")
                                            .arg(index)
                                            .arg(m_seed)
                                            .arg(problems, m_plan.describe(), m_log.join(u'\n'));
            }
            // A queue that did not settle would carry its writes into the next sequence.
            if (!m_idle && m_driver) {
                m_draining = true;
                m_driver->kill();
                m_driver->waitForFinished();
                m_draining = false;
                m_ready = false;
                QFile::remove(m_storeFile);
                QFile::remove(m_storeFile + u"-wal"_s);
                QFile::remove(m_storeFile + u"-shm"_s);
            }
        }
    }
    std::printf("outboxchaos: %d sequences, %d writes made (%d deletes undone), %d kills of the app (%d with a request "
                "under way), %d server outages; %d writes restored (%d whose request may have left, %d of them creates: "
                "%d found made and confirmed, %d sent again after the user said so, the others found not made and sent "
                "again); %.1f s\n",
                ran, m_opsMade - m_undone, m_undone, m_kills, m_killsInFlight, m_outages, m_restoredWrites,
                m_restoredAttempted, m_restoredCreates, m_confirmCreated, m_confirmSend, double(clock.elapsed()) / 1000);
    for (auto it = m_knownBugs.cbegin(); it != m_knownBugs.cend(); ++it)
        std::printf("outboxchaos: known bug %s: %d time(s), let pass (REFETCH_RANDOM_LENIENT=1)\n",
                    qPrintable(it.key()), it.value());
    std::fflush(stdout);
    QVERIFY2(failed.isEmpty(), qPrintable(QStringLiteral("%1 of %2 sequences ended with the server not holding what the "
                                                         "user meant (seed %3): %4")
                                              .arg(failed.size())
                                              .arg(ran)
                                              .arg(m_seed)
                                              .arg(failed.join(u", "))));
}

QTEST_GUILESS_MAIN(tst_OutboxChaos)
#include "tst_outboxchaos.moc"
