// refetch import: a CSV file's rows created as records of a resource, from the command line, through the same
// connection, dialects and write queue as the window; stopped (Ctrl+C, kill, a crash) and run again with the same
// file, it resumes without creating anything twice (CsvImport's journal and the queue's persisted writes).

#include "importcommand.h"

#include "commandendpoint.h"
#include "commandline.h"
#include "unixsignals.h"

#include "core/cache/query.h"
#include "core/client/queryclient.h"
#include "core/persist/storefile.h"
#include "core/providers/dataprovider.h"
#include "core/schema/schemaquery.h"
#include "core/session/apiconnection.h"
#include "core/session/csv.h"
#include "core/session/csvimport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLocale>

#include <csignal>
#include <cstdio>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {



// The data of `options` once fetched (or from the cache); Undefined when it failed.
Json fetched(QCoreApplication &app, QueryClient *client, const QueryOptions &options)
{
    Json data;
    bool done = false;
    if (!options.fn || !options.enabled)
        return data;   // nothing to ask (a server that describes nothing)
    qCInfo(lcCommand) << "reading" << options.key.toString();
    client->fetchQuery(options, &app, [&](const Query &q) {
        data = q.error() ? Json() : q.data();
        done = true;
        app.quit();
    });
    if (!done)
        app.exec();
    qCInfo(lcCommand) << "read" << options.key.toString();
    return data;
}

} // namespace

int runImportCommand(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    startCommand();

    const CommandLine commandLine = importCommandLine();
    QCommandLineParser parser;
    commandLine.addTo(parser);
    parser.process(app);
    const QCommandLineOption &endpointOption = commandLine.option(u"endpoint");
    const QCommandLineOption &mapOption = commandLine.option(u"map");
    const QCommandLineOption &checkOption = commandLine.option(u"check");
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 3)
        return usageError(u"import"_s, u"name the resource and the CSV file: refetch import --endpoint URL posts posts.csv"_s);
    if (!parser.isSet(endpointOption))
        return usageError(u"import"_s, u"--endpoint URL|NAME is needed."_s);
    const QString resource = positional.at(1);
    const QString path = positional.at(2);

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        say(u"refetch import: cannot read %1: %2"_s.arg(path, file.errorString()));
        return 1;
    }
    const QByteArray contents = file.readAll();
    QString csvError;
    QList<QStringList> rows = Csv::parse(QString::fromUtf8(contents), &csvError);
    if (!csvError.isEmpty()) {
        say(u"refetch import: %1 is not CSV: %2"_s.arg(path, csvError));
        return 1;
    }
    if (rows.size() < 2) {
        say(u"refetch import: %1 has no rows under its header."_s.arg(path));
        return 1;
    }
    const QStringList header = rows.takeFirst();

    // Its writes persist in the app's cache directory, where a resumed import finds the unsent ones.
    const QString cacheDirectory = StoreFile::defaultDirectory();
    QString why;
    int status = 0;
    std::optional<CommandEndpoint> endpoint = CommandEndpoint::open(app, parser.value(endpointOption), cacheDirectory,
                                                                    &why, &status);
    if (!endpoint) {
        if (status == 2)
            return usageError(u"import"_s, why);
        say(u"refetch import: "_s + why);
        return status;
    }
    ApiConnection &connection = *endpoint->connection;
    if (!connection.resources().isEmpty() && !connection.resources().contains(resource))
        return usageError(u"import"_s, u"%1 has no resource '%2'; it has %3."_s.arg(connection.displayName(), resource,
                                                                         connection.resources().join(u", ")));

    // The fields, their types: the server's description, and a record it has.
    const ResourceSchema schema = SchemaQuery::schemaOf(fetched(app, connection.client(), connection.schemaQuery(resource)));
    const Json firstPage = fetched(app, connection.client(),
                                   connection.listQuery(resource, ListParams{.page = 1, .pageSize = 1}));
    const Json sample = DataProvider::pageOf(firstPage).rows.at(0);
    QStringList fields;
    for (const FieldSchema &f : schema.fields) {
        if (!f.readOnly)
            fields.append(f.name);
    }
    for (qsizetype i = 0; sample.isObject() && i < sample.size(); ++i) {
        if (!fields.contains(sample.keyAt(i)) && sample.keyAt(i) != connection.provider()->idField())
            fields.append(sample.keyAt(i));
    }
    QStringList fieldOf = CsvImport::guessFields(header, fields, schema);
    for (const QString &m : parser.values(mapOption)) {
        const QString column = m.section(u'=', 0, 0).trimmed(), field = m.section(u'=', 1).trimmed();
        const qsizetype at = header.indexOf(column);
        if (at < 0 || !m.contains(u'='))
            return usageError(u"import"_s, u"--map %1: the file has no column '%2' (it has %3)."_s.arg(m, column, header.join(u", ")));
        fieldOf[at] = field;
    }
    for (qsizetype c = 0; c < header.size(); ++c) {
        if (fieldOf.at(c).isEmpty())
            say(u"refetch import: column '%1' is not imported (no field of that name; --map '%1=FIELD')."_s.arg(header.at(c)));
        else if (fieldOf.at(c) != header.at(c))
            say(u"refetch import: column '%1' goes to %2."_s.arg(header.at(c), fieldOf.at(c)));
    }
    const QList<CsvImport::Row> prepared = CsvImport::prepare(rows, fieldOf, schema, sample);
    int problems = 0;
    for (const CsvImport::Row &r : prepared) {
        if (!r.problem.isEmpty()) {
            say(u"refetch import: line %1 is not sent: %2"_s.arg(r.line).arg(r.problem));
            ++problems;
        }
    }
    const QLocale locale;
    if (parser.isSet(checkOption)) {
        say(u"Checked %1 rows: %2 would be created in %3, %4 have problems."_s
                .arg(locale.toString(prepared.size()), locale.toString(prepared.size() - problems), resource,
                     locale.toString(problems)));
        return problems > 0 ? 1 : 0;
    }

    const QString id = CsvImport::importId(connection.cacheIdentity(), resource, contents, fieldOf);
    CsvImport import(&connection, resource, id, prepared, QDir(cacheDirectory).filePath(u"imports"_s));
    const bool terminal = isatty(STDERR_FILENO);
    QElapsedTimer sinceShown;
    sinceShown.start();
    QObject::connect(&import, &CsvImport::progressed, &app, [&] {
        if (sinceShown.elapsed() < (terminal ? 200 : 2000))
            return;
        sinceShown.restart();
        const QString line = u"Created %1 of %2 %3…"_s.arg(locale.toString(import.created() + import.skipped()),
                                                            locale.toString(import.total() - problems), resource);
        std::fprintf(stderr, terminal ? "\r%s\x1b[K" : "%s\n", qPrintable(line));
    });
    QObject::connect(&import, &CsvImport::finished, &app, &QCoreApplication::quit);
    // Ctrl+C or kill: what was handed over is on disk; run the same command again to go on.
    UnixSignals stop{SIGINT, SIGTERM};
    bool stopped = false;
    QObject::connect(&stop, &UnixSignals::received, &app, [&] {
        stopped = true;
        app.quit();
    });
    QString startError;
    qCInfo(lcCommand) << "starting the import" << id;
    if (!import.start(&startError)) {
        say(u"refetch import: "_s + startError);
        return 1;
    }
    if (!import.isDone() || !stopped)
        app.exec();
    if (terminal)
        std::fprintf(stderr, "\r\x1b[K");
    if (stopped) {
        say(u"refetch import: stopped after creating %1 records; run the same command again to go on."_s
                .arg(locale.toString(import.created() + import.skipped())));
        return 130;
    }
    for (const CsvImport::Failure &f : import.failures())
        say(u"refetch import: line %1 was refused: %2"_s.arg(f.line).arg(f.why));
    QString summary = u"Created %1 %2"_s.arg(locale.toString(import.created()), resource);
    if (import.skipped() > 0)
        summary += u" (and %1 in an earlier run)"_s.arg(locale.toString(import.skipped()));
    summary += u"."_s;
    if (import.refused() + problems > 0)
        summary += u" %1 rows were not created."_s.arg(import.refused() + problems);
    say(summary);
    return import.refused() + problems > 0 ? 1 : 0;
}

} // namespace refetch
