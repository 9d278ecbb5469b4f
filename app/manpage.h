#pragma once

#include "commandline.h"

#include <QString>

namespace refetch {

// refetch(1) in roff with the man(7) macros, written from the command lines --help prints: the window's options, then
// each command with its arguments and options. `date` is the version's release date (YYYY-MM-DD).
QString manPage(const CommandLine &window, const QList<CommandLine> &commands, const QString &version,
                const QString &date);

} // namespace refetch
