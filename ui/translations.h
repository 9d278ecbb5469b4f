#pragma once

class QCoreApplication;

namespace refetch {

// The English forms of the texts that count ("Copied 1 row.", "Copied 2 rows."): without a translation Qt writes
// tr("%n row(s)")'s "(s)" as it is. Kept in resources/translations/refetch_en.ts (the plural messages only, as
// lupdate -pluralonly writes them; tst_translations fails when a counted text has no English forms), compiled
// by lrelease into the app. Installed first, for every language: a translation into the user's language would
// be installed after it and win.
void installTranslations(QCoreApplication &app);

} // namespace refetch
