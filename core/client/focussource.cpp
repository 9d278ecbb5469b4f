#include "core/client/focussource.h"

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

ApplicationFocusSource::ApplicationFocusSource(StateReader reader, QObject *parent)
    : FocusSource(parent), m_reader(std::move(reader))
{
    if (QCoreApplication *app = QCoreApplication::instance())
        app->installEventFilter(this);
}

ApplicationFocusSource::~ApplicationFocusSource()
{
    if (m_reader && QCoreApplication::instance())
        QCoreApplication::instance()->removeEventFilter(this);
}

bool ApplicationFocusSource::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::ApplicationStateChange && watched == QCoreApplication::instance() && m_reader)
        setFocused(m_reader(event));
    return false;
}

void ApplicationFocusSource::onApplicationStateChanged(Qt::ApplicationState state)
{
    setFocused(state == Qt::ApplicationActive);
}

} // namespace refetch
