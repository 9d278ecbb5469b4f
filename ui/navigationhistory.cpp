#include "navigationhistory.h"

#include "recordpane.h"
#include "resourceview.h"

#include "core/session/apiconnection.h"

#include "core/mutation/resourcetags.h"
#include "core/providers/dataprovider.h"

#include <QApplication>

#include <QAction>
#include <QEvent>
#include <QMouseEvent>
#include <QWidget>

namespace refetch {

bool NavigationHistory::Place::operator==(const Place &other) const
{
    return endpoint == other.endpoint && resource == other.resource && ResourceTags::sameId(id, other.id);
}

NavigationHistory::NavigationHistory(QWidget *window, QAction *back, QAction *forward, Opener open)
    : QObject(window), m_backAction(back), m_forwardAction(forward), m_open(std::move(open))
{
    connect(back, &QAction::triggered, this, &NavigationHistory::back);
    connect(forward, &QAction::triggered, this, &NavigationHistory::forward);
    // The mouse's buttons press on whatever widget is under it: watched for the whole window.
    m_window = window;
    qApp->installEventFilter(this);
    updateActions();
}

void NavigationHistory::visit(const Place &place)
{
    if (m_going && *m_going == place) {
        // Back or Forward arrived (it may not: unsaved edits can keep the window where it is).
        QList<Place> &from = m_goingBack ? m_back : m_forward;
        QList<Place> &to = m_goingBack ? m_forward : m_back;
        if (!from.isEmpty())
            from.removeLast();
        if (m_current)
            to.append(*m_current);
        m_current = place;
        m_going.reset();
        updateActions();
        return;
    }
    m_going.reset();
    if (m_current && *m_current == place)
        return;
    if (m_current) {
        m_back.append(*m_current);
        if (m_back.size() > Limit)
            m_back.removeFirst();
    }
    m_forward.clear();
    m_current = place;
    updateActions();
}

void NavigationHistory::watch(RecordPane *pane)
{
    connect(pane, &RecordPane::recordShown, this,
            [this](const QString &endpoint, const QString &resource, const Json &id) { visit({endpoint, resource, id}); });
    connect(pane, &RecordPane::referringRecordActivated, this, [this, pane](const QString &resource, const Json &id) {
        if (const ApiConnection *c = pane->connection())
            m_open({c->id(), resource, id});
    });
}

void NavigationHistory::watch(ResourceView *view)
{
    connect(view, &ResourceView::referenceFollowed, this, [this, view](const QString &resource, const Json &id) {
        if (const ApiConnection *c = view->connection())
            m_open({c->id(), resource, id});
    });
}

void NavigationHistory::back()
{
    go(true);
}

void NavigationHistory::forward()
{
    go(false);
}

void NavigationHistory::go(bool back)
{
    const QList<Place> &from = back ? m_back : m_forward;
    if (from.isEmpty())
        return;
    // The history moves when the place is shown (visit()), not before.
    m_going = from.last();
    m_goingBack = back;
    m_open(*m_going);
}

bool NavigationHistory::eventFilter(QObject *watched, QEvent *event)
{
    // The mouse's own back and forward buttons, anywhere in the window.
    if (event->type() == QEvent::MouseButtonPress && watched->isWidgetType()) {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        auto *widget = static_cast<QWidget *>(watched);
        if ((mouse->button() == Qt::BackButton || mouse->button() == Qt::ForwardButton) && widget->window() == m_window) {
            mouse->button() == Qt::BackButton ? back() : forward();
            return true;
        }
    }
    return QObject::eventFilter(watched, event);
}

void NavigationHistory::updateActions()
{
    m_backAction->setEnabled(canGoBack());
    m_forwardAction->setEnabled(canGoForward());
    auto name = [](const Place &p) { return QStringLiteral("%1 · %2").arg(p.resource, DataProvider::idText(p.id)); };
    m_backAction->setToolTip(canGoBack() ? tr("Back to %1 (Alt+Left)").arg(name(m_back.last())) : tr("Back (Alt+Left)"));
    m_forwardAction->setToolTip(canGoForward() ? tr("Forward to %1 (Alt+Right)").arg(name(m_forward.last()))
                                               : tr("Forward (Alt+Right)"));
}

} // namespace refetch
