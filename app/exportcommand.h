#pragma once

namespace refetch {

// `refetch export ...`: runs the whole command (its own QCoreApplication: no display needed) and gives main()'s
// exit status: 0 done, 1 failed (said on standard error), 2 a wrong command line, 130 stopped by a signal.
int runExportCommand(int argc, char *argv[]);

} // namespace refetch
