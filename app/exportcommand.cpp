// refetch export: a resource's records to CSV or JSON from the command line, through the same connection,
// detection and providers as the window (so it speaks every dialect the window does). No display is needed: it
// runs before any QApplication, on a QCoreApplication.

#include "exportcommand.h"

#include "commandendpoint.h"
#include "commandline.h"
#include "unixsignals.h"

#include "core/providers/listfilter.h"
#include "core/session/apiconnection.h"
#include "core/session/appsession.h"
#include "core/session/endpointsettings.h"
#include "core/session/keychainbackend.h"
#include "core/session/listexport.h"
#include "core/session/settingsstore.h"
#include "core/session/tokenstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLocale>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QTimer>
#include <QUrl>

#include <csignal>
#include <cstdio>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace refetch {

int runExportCommand(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    startCommand();

    const CommandLine commandLine = exportCommandLine();
    QCommandLineParser parser;
    commandLine.addTo(parser);
    parser.process(app);
    const QCommandLineOption &endpointOption = commandLine.option(u"endpoint");
    const QCommandLineOption &formatOption = commandLine.option(u"format");
    const QCommandLineOption &filterOption = commandLine.option(u"filter");
    const QCommandLineOption &searchOption = commandLine.option(u"search");
    const QCommandLineOption &sortOption = commandLine.option(u"sort");
    const QCommandLineOption &columnsOption = commandLine.option(u"columns");
    const QCommandLineOption &outputOption = commandLine.option(u"output");
    const QCommandLineOption &pageSizeOption = commandLine.option(u"page-size");

    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2)
        return usageError(u"export"_s, positional.size() < 2 ? u"name the resource to export."_s
                                                : u"one resource at a time (got %1)."_s.arg(positional.mid(1).join(u' ')));
    if (!parser.isSet(endpointOption))
        return usageError(u"export"_s, u"--endpoint URL|NAME is needed."_s);

    ExportRequest request;
    request.resource = positional.at(1);
    const auto format = ExportRequest::formatFromName(parser.value(formatOption));
    if (!format)
        return usageError(u"export"_s, u"--format is csv or json, not '%1'."_s.arg(parser.value(formatOption)));
    request.format = *format;
    for (const QString &text : parser.values(filterOption)) {
        QString why;
        const auto condition = FilterCondition::parse(text, &why);
        if (!condition)
            return usageError(u"export"_s, why);
        request.conditions.append(*condition);
    }
    request.search = parser.value(searchOption);
    if (QString sort = parser.value(sortOption); !sort.isEmpty()) {
        request.order = sort.startsWith(u'-') ? Qt::DescendingOrder : Qt::AscendingOrder;
        request.sort = sort.startsWith(u'-') || sort.startsWith(u'+') ? sort.mid(1) : sort;
    }
    if (parser.isSet(columnsOption)) {
        for (const QString &c : parser.value(columnsOption).split(u',', Qt::SkipEmptyParts))
            request.columns.append(c.trimmed());
    }
    if (parser.isSet(pageSizeOption)) {
        bool ok = false;
        request.pageSize = parser.value(pageSizeOption).toInt(&ok);
        if (!ok || request.pageSize < 1)
            return usageError(u"export"_s, u"--page-size takes a number of records, not '%1'."_s.arg(parser.value(pageSizeOption)));
    }

    QString why;
    int status = 0;
    std::optional<CommandEndpoint> endpoint = CommandEndpoint::open(app, parser.value(endpointOption), QString(), &why, &status);
    if (!endpoint) {
        if (status == 2)
            return usageError(u"export"_s, why);
        say(u"refetch export: "_s + why);
        return status;
    }
    ApiConnection &connection = *endpoint->connection;
    const QStringList resources = connection.resources();
    if (!resources.isEmpty() && !resources.contains(request.resource))
        return usageError(u"export"_s, u"%1 has no resource '%2'; it has %3."_s.arg(connection.displayName(), request.resource,
                                                                        resources.join(u", ")));

    if (!request.conditions.isEmpty()) {
        const FilterParams params = connection.provider()->filterParams(request.resource, request.conditions);
        if (!params.error.isEmpty()) {
            say(u"refetch export: "_s + params.error);
            return 1;
        }
    }

    // Where the records go.
    QSaveFile file;
    QFile standardOutput;
    QIODevice *out = nullptr;
    const QString outputPath = parser.value(outputOption);
    if (!outputPath.isEmpty()) {
        file.setFileName(outputPath);
        if (!file.open(QIODevice::WriteOnly)) {
            say(u"refetch export: cannot write %1: %2"_s.arg(outputPath, file.errorString()));
            return 1;
        }
        out = &file;
    } else {
        if (!standardOutput.open(stdout, QIODevice::WriteOnly)) {
            say(u"refetch export: cannot write to standard output"_s);
            return 1;
        }
        out = &standardOutput;
    }

    ListExport job(&connection, request, out);
    const bool terminal = isatty(STDERR_FILENO);
    const QLocale locale;
    QElapsedTimer sinceShown;
    sinceShown.start();
    QObject::connect(&job, &ListExport::progress, &app, [&](qint64 rows, qint64 total) {
        if (sinceShown.elapsed() < (terminal ? 200 : 2000))
            return;
        sinceShown.restart();
        const QString line = total >= 0 ? u"Exported %1 of %2 %3…"_s.arg(locale.toString(rows), locale.toString(total), request.resource)
                                        : u"Exported %1 %2…"_s.arg(locale.toString(rows), request.resource);
        std::fprintf(stderr, terminal ? "\r%s\x1b[K" : "%s\n", qPrintable(line));
    });
    bool ok = false;
    QString error;
    QObject::connect(&job, &ListExport::finished, &app, [&](bool done, const QString &why) {
        ok = done;
        error = why;
        app.quit();
    });
    // Ctrl+C or kill: the page in flight ends it, and what was written is said.
    UnixSignals stop{SIGINT, SIGTERM};
    QObject::connect(&stop, &UnixSignals::received, &job, [&] { job.cancel(); });
    job.start();
    app.exec();
    if (terminal)
        std::fprintf(stderr, "\r\x1b[K");

    if (!job.warning().isEmpty())
        say(u"refetch export: "_s + job.warning());
    const QString where = outputPath.isEmpty() ? u"standard output"_s : outputPath;
    if (ok && !outputPath.isEmpty() && !file.commit()) {
        ok = false;
        error = u"could not save %1: %2"_s.arg(outputPath, file.errorString());
    }
    if (!ok) {
        QString cause = error.isEmpty() ? u"stopped"_s : error;
        while (cause.endsWith(u'.'))
            cause.chop(1);
        if (outputPath.isEmpty())
            say(u"refetch export: %1. The output is incomplete: %2 records were written before it stopped."_s
                    .arg(cause, locale.toString(job.rowsWritten())));
        else
            say(u"refetch export: %1. Nothing was written to %2."_s.arg(cause, outputPath));
        return error.isEmpty() ? 130 : 1;
    }
    say(u"Exported %1 %2 to %3."_s.arg(locale.toString(job.rowsWritten()), request.resource, where));
    return 0;
}

} // namespace refetch
