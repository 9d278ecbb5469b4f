#pragma once

#include <QIcon>

namespace refetch::icons {

// The application's icons, drawn for Refetch (resources/icons/src/*.svg, rendered to PNG at 16, 24, 32 and 48
// pixels): names such as "refresh", "add", "save", "delete", "undo", "settings", "server", "table".
QIcon icon(const QString &name);
// The application icon ("refetch"), at every size it has.
QIcon applicationIcon();

} // namespace refetch::icons
