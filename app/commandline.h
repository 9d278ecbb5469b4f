#pragma once

#include <QCommandLineOption>
#include <QList>
#include <QString>

QT_BEGIN_NAMESPACE
class QCommandLineParser;
QT_END_NAMESPACE

namespace refetch {

// One of refetch's command lines, written once: its parser (what --help prints) and the man page, refetch(1), are
// both made from it (app/manpage.h), so neither can list what the other lacks.
struct CommandLine
{
    struct Argument
    {
        QString name;
        QString description;
    };

    QString command;                   // "export"; empty for the window's command line
    QString summary;                   // one sentence, for lists of commands
    QString description;               // what --help prints above the options (the window's --help adds the
                                       // commands); a line break starts a paragraph
    QList<Argument> arguments;         // the positional arguments after the command's name
    QList<QCommandLineOption> options; // besides --help (every command line) and --version (the window's)

    // The description, -h/--help (and -v/--version for the window), the command's name and its arguments, the options.
    void addTo(QCommandLineParser &parser) const;
    // The option with this name (any of its names); a name that none has is a programming error (qFatal).
    const QCommandLineOption &option(QStringView name) const;
    bool hasVersionOption() const { return command.isEmpty(); }
};

// `refetch [options]`: the window.
CommandLine windowCommandLine();
// `refetch export`, `refetch import`: the commands that run without a window.
CommandLine exportCommandLine();
CommandLine importCommandLine();
// The commands, in the order --help lists them.
QList<CommandLine> commands();

// What `refetch --version` prints: the version and the Qt it runs on (and the one it was built with where they differ).
QString versionText(const QString &version);

} // namespace refetch
