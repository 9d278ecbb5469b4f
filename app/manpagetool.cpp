// refetch_manpage VERSION DATE FILE: writes refetch(1) to FILE at build time (app/CMakeLists.txt runs it), from the
// same command lines the app's parsers are made of. Built, never installed.

#include "commandline.h"
#include "manpage.h"

#include <QSaveFile>

#include <cstdio>

int main(int argc, char *argv[])
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: refetch_manpage VERSION DATE FILE\n");
        return 2;
    }
    const QString version = QString::fromLocal8Bit(argv[1]);
    const QString date = QString::fromLocal8Bit(argv[2]);
    QSaveFile file(QString::fromLocal8Bit(argv[3]));
    if (!file.open(QIODevice::WriteOnly)
        || file.write(refetch::manPage(refetch::windowCommandLine(), refetch::commands(), version, date).toUtf8()) < 0
        || !file.commit()) {
        std::fprintf(stderr, "refetch_manpage: cannot write %s: %s\n", argv[3], qPrintable(file.errorString()));
        return 1;
    }
    return 0;
}
