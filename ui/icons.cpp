#include "icons.h"

#include <QHash>

namespace refetch::icons {

namespace {

QIcon load(const QString &name, std::initializer_list<int> sizes)
{
    QIcon result;
    for (int size : sizes)
        result.addFile(QStringLiteral(":/icons/%1-%2.png").arg(name).arg(size), QSize(size, size));
    return result;
}

} // namespace

QIcon icon(const QString &name)
{
    // Loaded once per name: toolbars, menus and tree items share the pixmaps.
    static QHash<QString, QIcon> cache;
    auto it = cache.find(name);
    if (it == cache.end())
        it = cache.insert(name, load(name, {16, 24, 32, 48}));
    return *it;
}

QIcon applicationIcon()
{
    static const QIcon appIcon = load(QStringLiteral("refetch"), {16, 32, 48, 64, 128, 256});
    return appIcon;
}

} // namespace refetch::icons
