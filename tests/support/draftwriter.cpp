// A stand-in for the app in tst_draftstore's crash test: it opens a store, saves one draft of endpoint "api"
// (posts · 4 with the title given), says "saved" on standard output once save() returned, then waits to be killed.
//
//   refetch_draftwriter --store FILE --title TEXT

#include "core/persist/draftstore.h"
#include "core/persist/storefile.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

using namespace refetch;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption store(QStringLiteral("store"), QStringLiteral("The SQLite file."), QStringLiteral("file"));
    const QCommandLineOption title(QStringLiteral("title"), QStringLiteral("The edited title."), QStringLiteral("text"));
    parser.addOptions({store, title});
    parser.process(app);
    if (!parser.isSet(store) || !parser.isSet(title)) {
        std::fprintf(stderr, "usage: refetch_draftwriter --store FILE --title TEXT\n");
        return 2;
    }
    StoreFile file;
    if (!file.open(parser.value(store)))
        return 1;
    DraftStore drafts(&file, QStringLiteral("api"));
    const Draft draft{.endpoint = QStringLiteral("api"),
                      .resource = QStringLiteral("posts"),
                      .id = Json(4),
                      .fields = Json::object({{u"title", parser.value(title)}}),
                      .base = Json::object({{u"title", u"before the crash"}}),
                      .etag = "W/\"4-1\"",
                      .savedAt = QDateTime::currentDateTimeUtc()};
    if (!drafts.save(draft))
        return 1;
    std::printf("saved\n");
    std::fflush(stdout);
    return app.exec();
}
