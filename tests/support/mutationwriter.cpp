// A stand-in for the app in tst_mutationstore's crash tests: it opens a store, makes one write (a POST), and says
// on standard output what became of it, then waits to be killed.
//
//   refetch_mutationwriter --store FILE --url BASE_URL [--offline] [--title TEXT] [--server-ignores-keys]
//
// The server is taken to honour Idempotency-Key (the sample API does) unless --server-ignores-keys: then a create
// restored after the crash is looked for on the server before it is sent again.
//
// Lines it prints: "queued <id>" once mutate() returned (the write is committed to FILE by then), "paused <id>"
// when it waits for the network, "sending <id>" when its request starts.

#include "core/http/endpoint.h"
#include "core/http/httptransport.h"
#include "core/mutation/mutationqueue.h"
#include "core/client/onlinesource.h"
#include "core/persist/mutationstore.h"
#include "core/persist/storefile.h"
#include "core/client/queryclient.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QNetworkAccessManager>

#include <cstdio>

using namespace refetch;

namespace {

void say(const char *what, const QString &id)
{
    std::printf("%s %s\n", what, qPrintable(id));
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption store(QStringLiteral("store"), QStringLiteral("The SQLite file."), QStringLiteral("file"));
    const QCommandLineOption url(QStringLiteral("url"), QStringLiteral("The API's base URL."), QStringLiteral("url"));
    const QCommandLineOption offline(QStringLiteral("offline"), QStringLiteral("Start offline: the write pauses."));
    const QCommandLineOption title(QStringLiteral("title"), QStringLiteral("The new post's title."), QStringLiteral("text"),
                                   QStringLiteral("written before the crash"));
    const QCommandLineOption ignoresKeys(QStringLiteral("server-ignores-keys"),
                                         QStringLiteral("The server does not honour Idempotency-Key."));
    parser.addOptions({store, url, offline, title, ignoresKeys});
    parser.process(app);
    if (!parser.isSet(store) || !parser.isSet(url)) {
        std::fprintf(stderr, "usage: refetch_mutationwriter --store FILE --url BASE_URL [--offline]\n");
        return 2;
    }

    OnlineSource online;
    online.setOnline(!parser.isSet(offline));
    FocusSource focus;
    QueryClient client(ClientConfig{.focus = &focus, .online = &online});
    MutationQueue queue(&client);
    QNetworkAccessManager nam;
    HttpTransport transport(&nam);
    Endpoint api(&transport, EndpointConfig{.baseUrl = QUrl(parser.value(url)),
                                            .honoursIdempotencyKey = !parser.isSet(ignoresKeys)});
    queue.addEndpoint(&api);

    StoreFile file;
    if (!file.open(parser.value(store)))
        return 1;
    MutationStore mutations(&file, &queue);

    Mutation *m = queue.mutate({.method = "POST", .path = QStringLiteral("/posts"), .resource = QStringLiteral("posts")},
                               Json::object({{u"title", parser.value(title)}, {u"userId", 1}}));
    const QString id = m->idempotencyKey();
    QObject::connect(m, &Mutation::statusChanged, &app, [id](Mutation::Status status) {
        if (status == Mutation::Status::Paused)
            say("paused", id);
        else if (status == Mutation::Status::Sending)
            say("sending", id);
    });
    say("queued", id);
    return app.exec();
}
