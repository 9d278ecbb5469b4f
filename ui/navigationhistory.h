#pragma once

#include "core/json/json.h"

#include <QObject>

#include <functional>
#include <optional>

class QAction;
class QWidget;

namespace refetch {

// Back and Forward over the records the window showed, as a browser goes back over pages: following a reference,
// choosing a row or opening a record from elsewhere is a step; Back (Alt+Left, the mouse's back button) shows the
// record before, Forward the one after, until a new step drops what was ahead.
class RecordPane;
class ResourceView;

class NavigationHistory : public QObject
{
    Q_OBJECT
public:
    struct Place
    {
        QString endpoint;
        QString resource;
        Json id;
        bool operator==(const Place &other) const;
    };
    using Opener = std::function<void(const Place &)>;

    // `back` and `forward` are the window's actions (enabled as there is somewhere to go); `window` gets the mouse's
    // back and forward buttons; `open` shows a place.
    NavigationHistory(QWidget *window, QAction *back, QAction *forward, Opener open);

    // The window shows `place` now: a step, unless it is the one Back or Forward is going to.
    void visit(const Place &place);
    // Follows `pane`: the records it shows are visits, and a record clicked in its lists of the records pointing
    // here is opened.
    void watch(RecordPane *pane);
    // Opens the records `view`'s references are followed to.
    void watch(ResourceView *view);
    void back();
    void forward();
    bool canGoBack() const { return !m_back.isEmpty(); }
    bool canGoForward() const { return !m_forward.isEmpty(); }
    std::optional<Place> current() const { return m_current; }

    static constexpr int Limit = 100;   // places kept behind

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void go(bool back);
    void updateActions();

    QWidget *m_window;
    QAction *m_backAction;
    QAction *m_forwardAction;
    Opener m_open;
    QList<Place> m_back;
    QList<Place> m_forward;
    std::optional<Place> m_current;
    std::optional<Place> m_going;   // where Back or Forward is going: its visit is not a step
    bool m_goingBack = false;
};

} // namespace refetch
