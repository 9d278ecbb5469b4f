#include "manpage.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

// Text for one roff text line: backslashes and anything beyond ASCII as escapes, the hyphens of a word that starts with
// one (--output, -FIELD) as \- (a minus sign, which copies from the terminal as the '-' a shell needs), a leading . or '
// made plain text rather than a request.
QString roff(const QString &text)
{
    QString out;
    bool optionWord = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        const QChar before = i > 0 ? text.at(i - 1) : u' ';
        if (before.isSpace() || before == u'(' || before == u'[')
            optionWord = c == u'-';
        if (c == u'\\')
            out += u"\\e"_s;
        else if (c == u'-' && optionWord)
            out += u"\\-"_s;
        else if (c.unicode() > 0x7e)
            out += u"\\[u%1]"_s.arg(QString::number(c.unicode(), 16).toUpper().rightJustified(4, u'0'));
        else
            out += c;
    }
    if (out.startsWith(u'.') || out.startsWith(u'\''))
        out.prepend(u"\\&"_s);
    return out;
}

QString bold(const QString &text)
{
    return u"\\fB"_s + roff(text) + u"\\fR"_s;
}

QString italic(const QString &text)
{
    return u"\\fI"_s + roff(text) + u"\\fR"_s;
}

// Each line of `text` (a description: a line break starts a paragraph) as a paragraph.
QString paragraphs(const QString &text)
{
    QString out;
    const QStringList lines = text.split(u'\n', Qt::SkipEmptyParts);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (i > 0)
            out += u".PP\n"_s;
        out += roff(lines.at(i).trimmed()) + u'\n';
    }
    return out;
}

// An entry of a list of options or arguments: its tag line, then its description.
QString entry(const QString &tag, const QString &description)
{
    return u".TP\n"_s + tag + u'\n' + roff(description) + u'\n';
}

QString optionEntry(const QCommandLineOption &option)
{
    QStringList names;
    for (const QString &name : option.names())
        names.append(bold((name.size() == 1 ? u"-"_s : u"--"_s) + name));
    QString tag = names.join(u", "_s);
    if (!option.valueName().isEmpty())
        tag += u' ' + italic(option.valueName());
    return entry(tag, option.description());
}

// "refetch export [options] resource", as a line of the synopsis.
QString synopsis(const CommandLine &commandLine)
{
    QString out = bold(commandLine.command.isEmpty() ? u"refetch"_s : u"refetch "_s + commandLine.command);
    out += u" [\\fIoptions\\fR]"_s;
    for (const CommandLine::Argument &argument : commandLine.arguments)
        out += u' ' + italic(argument.name);
    return out;
}

// What every command line has besides its own options (QCommandLineParser's help and version options).
QString standardOptions(const CommandLine &commandLine)
{
    QString out = entry(bold(u"-h"_s) + u", "_s + bold(u"--help"_s),
                        commandLine.command.isEmpty() ? u"Print the options and exit."_s
                                                      : u"Print the command's arguments and options and exit."_s);
    out += entry(bold(u"--help-all"_s),
                 u"As --help, with the options of Qt itself (such as -platform and -style) besides."_s);
    if (commandLine.hasVersionOption())
        out += entry(bold(u"-v"_s) + u", "_s + bold(u"--version"_s),
                     u"Print the version of Refetch and of the Qt it runs on, and exit."_s);
    return out;
}

QString sentenceFragment(QString summary)
{
    // "A desktop data browser for REST APIs." -> "a desktop data browser for REST APIs", as NAME has it (an
    // acronym keeps its capitals).
    while (summary.endsWith(u'.'))
        summary.chop(1);
    if (summary.size() > 1 && !summary.at(1).isUpper())
        summary[0] = summary.at(0).toLower();
    return summary;
}

} // namespace

QString manPage(const CommandLine &window, const QList<CommandLine> &commands, const QString &version,
                const QString &date)
{
    QString out;
    out += u".\\\" refetch(1), written at build time by refetch_manpage from app/commandline.cpp: edit that.\n"_s;
    out += u".TH REFETCH 1 %1 \"Refetch %2\" \"User Commands\"\n"_s.arg(date, version);
    out += u".SH NAME\nrefetch \\- %1\n"_s.arg(roff(sentenceFragment(window.summary)));

    out += u".SH SYNOPSIS\n"_s + synopsis(window) + u'\n';
    for (const CommandLine &command : commands)
        out += u".br\n"_s + synopsis(command) + u'\n';

    out += u".SH DESCRIPTION\n"_s + paragraphs(window.description);
    out += u".PP\n"_s
        + roff(u"Refetch opens a window on the REST APIs saved in its settings, on the one --endpoint names, or on "
               "its built-in sample API with --demo. The commands (see COMMANDS below) run without a window and "
               "without a display, for scripts."_s)
        + u'\n';

    out += u".SH OPTIONS\n"_s + standardOptions(window);
    for (const QCommandLineOption &option : window.options) {
        if (!(option.flags() & QCommandLineOption::HiddenFromHelp))
            out += optionEntry(option);
    }

    if (!commands.isEmpty())
        out += u".SH COMMANDS\n"_s;
    for (const CommandLine &command : commands) {
        out += u".SS %1\n"_s.arg(roff(u"refetch "_s + command.command));
        out += synopsis(command) + u'\n';
        out += u".PP\n"_s + paragraphs(command.description);
        for (const CommandLine::Argument &argument : command.arguments)
            out += entry(italic(argument.name), argument.description);
        out += standardOptions(command);
        for (const QCommandLineOption &option : command.options) {
            if (!(option.flags() & QCommandLineOption::HiddenFromHelp))
                out += optionEntry(option);
        }
    }
    return out;
}

} // namespace refetch
