#include "applicationstate.h"

#include <QEvent>
#include <QtGui/qevent.h>

namespace refetch {

bool isApplicationActive(const QEvent *event)
{
    return static_cast<const QApplicationStateChangeEvent *>(event)->applicationState() == Qt::ApplicationActive;
}

} // namespace refetch
