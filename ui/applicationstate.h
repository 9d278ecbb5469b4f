#pragma once

#include <QtGlobal>

QT_BEGIN_NAMESPACE
class QEvent;
QT_END_NAMESPACE

namespace refetch {

// Reads a QApplicationStateChangeEvent (a Qt6::Gui class core cannot link): whether the application is active
// after it. The StateReader an ApplicationFocusSource needs to follow the window's activation.
bool isApplicationActive(const QEvent *applicationStateChange);

} // namespace refetch
