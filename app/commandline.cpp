#include "commandline.h"

#include "app/sampleapi/democommandline.h"

#include <QCommandLineParser>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

// --endpoint URL|NAME, as both commands take it.
QCommandLineOption commandEndpointOption()
{
    return QCommandLineOption(u"endpoint"_s,
        u"The REST API: an http(s) URL, or the name of an endpoint saved in Refetch's settings (its sign-in too)."_s,
        u"url|name"_s);
}

} // namespace

void CommandLine::addTo(QCommandLineParser &parser) const
{
    QString text = description;
    if (command.isEmpty()) {
        text += u"\nCommands that run without a window (refetch COMMAND --help says more):"_s;
        for (const CommandLine &c : commands())
            text += u"\n  %1  %2"_s.arg(c.command.leftJustified(8), c.summary);
    }
    parser.setApplicationDescription(text);
    parser.addHelpOption();
    if (hasVersionOption())
        parser.addVersionOption();
    if (!command.isEmpty())
        parser.addPositionalArgument(command, u"The command."_s);
    for (const Argument &argument : arguments)
        parser.addPositionalArgument(argument.name, argument.description);
    parser.addOptions(options);
}

const QCommandLineOption &CommandLine::option(QStringView name) const
{
    for (const QCommandLineOption &o : options) {
        if (o.names().contains(name))
            return o;
    }
    qFatal("refetch %s has no option --%s", qPrintable(command), qPrintable(name.toString()));
}

CommandLine windowCommandLine()
{
    CommandLine out;
    out.summary = u"A desktop data browser for REST APIs."_s;
    out.description = out.summary;
    out.options = {
        QCommandLineOption(u"endpoint"_s, u"Browse the REST API at <url> (http or https) for this session."_s, u"url"_s),
        QCommandLineOption(u"no-cache"_s,
            u"Keep no cache and no unsent writes on disk in this session (what was saved before stays as it is)."_s),
        QCommandLineOption(u"clear-cache"_s, u"Delete every endpoint's saved cache and unsent writes, then start."_s),
    };
    out.options += DemoCommandLine().commandLineOptions();
    return out;
}

CommandLine exportCommandLine()
{
    CommandLine out;
    out.command = u"export"_s;
    out.summary = u"Writes every record of a resource to CSV or JSON."_s;
    out.description =
        u"Writes every record of a resource (every page, as filtered and sorted) to CSV or JSON.\n"
        "Progress goes to standard error; the records to standard output, or to --output FILE, which is written "
        "whole or not at all."_s;
    out.arguments = {{u"resource"_s, u"The resource to export, as the endpoint names it (posts)."_s}};
    out.options = {
        commandEndpointOption(),
        QCommandLineOption(u"format"_s, u"csv (the default) or json."_s, u"format"_s, u"csv"_s),
        QCommandLineOption(u"filter"_s,
            u"A condition, repeated for more (all must hold): FIELD=VALUE, FIELD!=VALUE, FIELD>=VALUE, FIELD<=VALUE, "
            "FIELD>VALUE, FIELD<VALUE, FIELD~TEXT (contains), FIELD^TEXT (starts with), FIELD:in=A,B, FIELD:null, "
            "FIELD:notnull. Sent in the server's own words; one it cannot take is an error."_s,
            u"condition"_s),
        QCommandLineOption(u"search"_s, u"The server's full-text search."_s, u"text"_s),
        QCommandLineOption(u"sort"_s, u"Sort on the server by FIELD; -FIELD for descending."_s, u"field"_s),
        QCommandLineOption(u"columns"_s,
            u"Only these fields, in this order (comma-separated). Default: every field the records have."_s, u"fields"_s),
        QCommandLineOption({u"o"_s, u"output"_s},
            u"Write to FILE instead of standard output (replaced only once the export is complete)."_s, u"file"_s),
        QCommandLineOption(u"page-size"_s,
            u"Records asked for per request (default: the server's largest page when it says one, else 100)."_s, u"n"_s),
    };
    return out;
}

CommandLine importCommandLine()
{
    CommandLine out;
    out.command = u"import"_s;
    out.summary = u"Creates a record of a resource for each row of a CSV file."_s;
    out.description =
        u"Creates a record of the resource for each row of a CSV file (its first line names the columns).\n"
        "Columns go to the fields of the same name (ignoring case, spaces, _ and -); --map names others. Every row is "
        "checked first; rows with a cell that is not a value of its field are listed and not sent. Stopped and run "
        "again with the same file, it goes on where it was, creating nothing twice."_s;
    out.arguments = {
        {u"resource"_s, u"The resource the records are created in (posts)."_s},
        {u"file"_s, u"The CSV file (comma, semicolon or tab separated; UTF-8)."_s},
    };
    out.options = {
        commandEndpointOption(),
        QCommandLineOption(u"map"_s,
            u"COLUMN=FIELD: the CSV column COLUMN goes to FIELD (repeat for more); COLUMN= leaves it out."_s,
            u"column=field"_s),
        QCommandLineOption(u"check"_s, u"Check every row and say what would be created; send nothing."_s),
    };
    return out;
}

QList<CommandLine> commands()
{
    return {exportCommandLine(), importCommandLine()};
}

QString versionText(const QString &version)
{
    const QString running = QString::fromLatin1(qVersion());
    const QString built = QStringLiteral(QT_VERSION_STR);
    return running == built ? u"Refetch %1\nQt %2"_s.arg(version, running)
                            : u"Refetch %1\nQt %2 (built with Qt %3)"_s.arg(version, running, built);
}

} // namespace refetch
