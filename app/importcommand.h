#pragma once

namespace refetch {

// `refetch import ...`: runs the whole command (its own QCoreApplication: no display needed) and gives main()'s exit
// status: 0 every row created, 1 rows not created or a failure (said on standard error), 2 a wrong command line,
// 130 stopped by a signal (run it again to go on).
int runImportCommand(int argc, char *argv[]);

} // namespace refetch
