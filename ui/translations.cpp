#include "translations.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTranslator>

Q_LOGGING_CATEGORY(lcTranslations, "refetch.ui.translations")

namespace refetch {

void installTranslations(QCoreApplication &app)
{
    auto *english = new QTranslator(&app);
    if (!english->load(QStringLiteral(":/i18n/refetch_en.qm"))) {
        qCWarning(lcTranslations, "the English plural forms are not in the build: counts read \"record(s)\"");
        delete english;
        return;
    }
    QCoreApplication::installTranslator(english);
}

} // namespace refetch
