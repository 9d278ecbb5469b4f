#include "focussource.h"

#include <QCoreApplication>
#include <QMetaMethod>

namespace refetch {

void FocusSource::setFocused(bool focused)
{
    if (m_focused == focused)
        return;
    m_focused = focused;
    Q_EMIT focusChanged(focused);
}

ApplicationFocusSource::ApplicationFocusSource(QObject *parent)
    : FocusSource(parent)
{
    QCoreApplication *app = QCoreApplication::instance();
    if (!app)
        return;
    const QMetaObject *mo = app->metaObject();
    const int signal = mo->indexOfSignal("applicationStateChanged(Qt::ApplicationState)");
    if (signal < 0)
        return;
    const int slot = metaObject()->indexOfSlot("onApplicationStateChanged(Qt::ApplicationState)");
    QMetaObject::connect(app, signal, this, slot);
}

void ApplicationFocusSource::onApplicationStateChanged(Qt::ApplicationState state)
{
    setFocused(state == Qt::ApplicationActive);
}

} // namespace refetch
