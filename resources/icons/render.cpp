// Renders src/*.svg into the PNGs the application ships (PNG needs no SVG plugin at run time).
// Built and run by render.sh; it needs only Qt6::Gui and the SVG icon engine plugin (libqt6svg6).
#include <QDir>
#include <QGuiApplication>
#include <QIcon>
#include <QImage>
#include <QPainter>
#include <cstdio>

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    const QDir src(QStringLiteral("src"));
    for (const QString &file : src.entryList({QStringLiteral("*.svg")}, QDir::Files)) {
        const QIcon icon(src.filePath(file));
        const QString base = file.chopped(4);
        const QList<int> sizes = base == QLatin1String("refetch") ? QList<int>{16, 24, 32, 48, 64, 128, 256, 512}
                                                                   : QList<int>{16, 24, 32, 48};
        for (int size : sizes) {
            QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
            image.fill(Qt::transparent);
            QPainter painter(&image);
            icon.paint(&painter, QRect(0, 0, size, size));
            painter.end();
            const QString out = QStringLiteral("%1-%2.png").arg(base).arg(size);
            if (!image.save(out)) {
                std::fprintf(stderr, "cannot write %s\n", qPrintable(out));
                return 1;
            }
        }
    }
    return 0;
}
