// A stand-in for the app in tst_outboxchaos: one process with the app's write path (a QueryClient, a MutationQueue,
// an HttpTransport, an Endpoint and a MutationStore on a SQLite file) that restores the writes a killed run left,
// then makes the writes it reads on standard input, one command a line, as the app's form and list make them
// (ui/apiconnection.cpp): an edit is an optimistic PATCH, a create a POST, a delete an undoable DELETE.
//
//   refetch_outboxdriver --store FILE --url BASE_URL [--server-ignores-keys] [--reconnect-ms N]
//
// Commands (OP is the caller's name for the write; it goes with the request as the X-Refetch-Op header, so that
// a write restored after a kill says which one it is):
//   patch OP ID JSON                    PATCH /posts/ID with the fields in JSON
//   create OP JSON                      POST /posts
//   delete OP ID UNDO_MS RESTART_MS     DELETE /posts/ID, undoable for UNDO_MS, RESTART_MS again after a restart
//   undo OP KEY                         undo() the write KEY, as Undo or the outbox's Cancel Change do
//   idle                                says "idle" as soon as no write is left in the queue (now or later)
//
// Lines it prints, each flushed at once:
//   restored KEY OP METHOD PATH attempted|unsent
//                                       a write the last run left, in order, before "ready"; attempted: its
//                                       request may have reached the server
//   ready N                             N writes restored; commands are read from here on
//   made OP KEY                         mutate() returned: the write is committed to FILE, nothing was sent yet
//   status KEY STATUS                   every status change (Waiting, Paused, Sending, Succeeded, Unconfirmed, ...)
//   failed KEY ERROR                    the error of a failed write, in words
//   confirm-created KEY ID | confirm-send KEY N
//                                       a restored create that may have been made (Unconfirmed): as the user would,
//                                       it is taken as created when one of the N records like it has its title
//                                       (each create's title is unique), else sent again
//   undo OP KEY 1|0                     what undo() answered
//   idle
//
// The server is taken to honour Idempotency-Key unless --server-ignores-keys (json-server 0.17 ignores it).

#include "core/http/endpoint.h"
#include "core/http/httptransport.h"
#include "core/mutation/mutationqueue.h"
#include "core/client/onlinesource.h"
#include "core/persist/mutationstore.h"
#include "core/persist/storefile.h"
#include "core/client/queryclient.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHash>
#include <QMetaEnum>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QSocketNotifier>

#include <cstdio>
#include <unistd.h>

using namespace refetch;

namespace {

const QByteArray OpHeader = "X-Refetch-Op";

void say(const QByteArray &line)
{
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

QByteArray statusName(Mutation::Status status)
{
    return QMetaEnum::fromType<Mutation::Status>().valueToKey(int(status));
}

QByteArray opOf(const Mutation *m)
{
    for (const auto &header : m->data().headers) {
        if (header.first.compare(OpHeader, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return "-";
}

class Driver : public QObject
{
public:
    Driver(MutationQueue *queue, MutationStore *store) : m_queue(queue)
    {
        for (Mutation *m : store->restored()) {
            follow(m);
            say("restored " + m->idempotencyKey().toUtf8() + ' ' + opOf(m) + ' ' + m->data().method + ' '
                + m->data().path.toUtf8() + (m->data().attempted ? " attempted" : " unsent"));
        }
        // changed(), not mutationSettled(): the store (connected before us) has committed the settled write by then.
        connect(queue, &MutationQueue::changed, this, [this] { sayIdleIfDone(); });
        say("ready " + QByteArray::number(store->restored().size()));
    }

    void command(const QByteArray &line)
    {
        const QList<QByteArray> words = line.trimmed().split(' ');
        const QByteArray &verb = words.value(0);
        if (verb == "patch" && words.size() >= 4) {
            const QByteArray id = words[2];
            MutationOptions o{.method = "PATCH",
                              .path = QStringLiteral("/posts/") + QString::fromLatin1(id),
                              .headers = {{OpHeader, words[1]}},
                              .resource = QStringLiteral("posts"),
                              .id = Json(id.toLongLong()),
                              .mode = MutationMode::Optimistic};
            made(words[1], m_queue->mutate(o, Json::parse(rest(line, 3))));
        } else if (verb == "create" && words.size() >= 3) {
            MutationOptions o{.method = "POST",
                              .path = QStringLiteral("/posts"),
                              .headers = {{OpHeader, words[1]}},
                              .resource = QStringLiteral("posts")};
            made(words[1], m_queue->mutate(o, Json::parse(rest(line, 2))));
        } else if (verb == "delete" && words.size() == 5) {
            const QByteArray id = words[2];
            MutationOptions o{.method = "DELETE",
                              .path = QStringLiteral("/posts/") + QString::fromLatin1(id),
                              .headers = {{OpHeader, words[1]}},
                              .resource = QStringLiteral("posts"),
                              .id = Json(id.toLongLong()),
                              .mode = MutationMode::Undoable,
                              .undoDelay = Millis(words[3].toInt()),
                              .undoDelayAfterRestart = Millis(words[4].toInt())};
            made(words[1], m_queue->mutate(o));
        } else if (verb == "undo" && words.size() == 3) {
            const QPointer<Mutation> m = m_byKey.value(QString::fromLatin1(words[2]));
            const bool undone = m && m->undo();
            say("undo " + words[1] + ' ' + words[2] + (undone ? " 1" : " 0"));
        } else if (verb == "idle") {
            m_idleAsked = true;
            sayIdleIfDone();
        } else if (!verb.isEmpty()) {
            say("error cannot read the command: " + line.trimmed());
        }
    }

private:
    static QByteArray rest(const QByteArray &line, int words)
    {
        qsizetype at = 0;
        for (int i = 0; i < words && at >= 0; ++i) {
            at = line.indexOf(' ', at);
            if (at >= 0)
                ++at;
        }
        return at < 0 ? QByteArray() : line.mid(at);
    }

    void made(const QByteArray &op, Mutation *m)
    {
        // Before anything else is printed for it: its first status change comes from the event loop.
        say("made " + op + ' ' + m->idempotencyKey().toUtf8());
        follow(m);
    }

    void follow(Mutation *m)
    {
        const QByteArray key = m->idempotencyKey().toUtf8();
        m_byKey.insert(m->idempotencyKey(), m);
        connect(m, &Mutation::statusChanged, this, [this, m, key](Mutation::Status status) {
            say("status " + key + ' ' + statusName(status));
            if (status == Mutation::Status::Failed && m->error())
                say("failed " + key + ' ' + m->error()->toString().simplified().toUtf8());
            if (status == Mutation::Status::Unconfirmed)
                QMetaObject::invokeMethod(this, [this, m = QPointer<Mutation>(m)] { confirm(m); }, Qt::QueuedConnection);
        });
    }

    // What the user does with a create that may already have been made: the outbox lists the records like it;
    // one with its title is the one it made.
    static void confirm(Mutation *m)
    {
        if (!m || m->status() != Mutation::Status::Unconfirmed)
            return;
        const QByteArray key = m->idempotencyKey().toUtf8();
        const Json title = m->variables().value(QLatin1StringView("title"));
        const Json matches = m->matches();
        for (qsizetype i = 0; i < matches.size(); ++i) {
            const Json record = matches.at(i);
            if (record.value(QLatin1StringView("title")) == title) {
                say("confirm-created " + key + ' ' + record.value(QLatin1StringView("id")).toJson());
                m->confirmCreated(record);
                return;
            }
        }
        say("confirm-send " + key + ' ' + QByteArray::number(matches.size()));
        m->confirmSend();
    }

    void sayIdleIfDone()
    {
        if (m_idleAsked && m_queue->mutations().isEmpty()) {
            m_idleAsked = false;
            say("idle");
        }
    }

    MutationQueue *m_queue;
    QHash<QString, QPointer<Mutation>> m_byKey;
    bool m_idleAsked = false;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption store(QStringLiteral("store"), QStringLiteral("The SQLite file."), QStringLiteral("file"));
    const QCommandLineOption url(QStringLiteral("url"), QStringLiteral("The API's base URL."), QStringLiteral("url"));
    const QCommandLineOption ignoresKeys(QStringLiteral("server-ignores-keys"),
                                         QStringLiteral("The server does not honour Idempotency-Key."));
    const QCommandLineOption reconnect(QStringLiteral("reconnect-ms"),
                                       QStringLiteral("The first delay before trying an unreachable server again."),
                                       QStringLiteral("ms"), QStringLiteral("1000"));
    parser.addOptions({store, url, ignoresKeys, reconnect});
    parser.process(app);
    if (!parser.isSet(store) || !parser.isSet(url)) {
        std::fprintf(stderr, "usage: refetch_outboxdriver --store FILE --url BASE_URL [--server-ignores-keys]\n");
        return 2;
    }

    OnlineSource online;
    FocusSource focus;
    QueryClient client(ClientConfig{.focus = &focus, .online = &online});
    MutationQueue queue(&client);
    const Millis first{std::max(parser.value(reconnect).toInt(), 1)};
    queue.setReconnectDelay(first, first * 10);
    QNetworkAccessManager nam;
    HttpTransport transport(&nam);
    Endpoint api(&transport, EndpointConfig{.baseUrl = QUrl(parser.value(url)),
                                            .honoursIdempotencyKey = !parser.isSet(ignoresKeys)});
    queue.addEndpoint(&api);

    StoreFile file;
    if (!file.open(parser.value(store)))
        return 1;
    MutationStore mutations(&file, &queue);
    Driver driver(&queue, &mutations);

    QByteArray pending;
    QSocketNotifier input(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&input, &QSocketNotifier::activated, &app, [&] {
        char buffer[4096];
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n <= 0) {
            input.setEnabled(false);
            app.quit();
            return;
        }
        pending.append(buffer, n);
        qsizetype end;
        while ((end = pending.indexOf('\n')) >= 0) {
            const QByteArray line = pending.left(end);
            pending.remove(0, end + 1);
            driver.command(line);
        }
    });
    return app.exec();
}
