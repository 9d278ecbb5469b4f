#pragma once

#include <QObject>
#include <functional>

namespace refetch {

// Whether the application has the user's attention (query-core's focusManager). The base class is driven by
// hand (tests, or an app that knows better); ApplicationFocusSource follows the application's activation.
class FocusSource : public QObject
{
    Q_OBJECT
public:
    explicit FocusSource(QObject *parent = nullptr) : QObject(parent) {}
    bool isFocused() const { return m_focused; }
    void setFocused(bool focused);

Q_SIGNALS:
    void focusChanged(bool focused);

private:
    bool m_focused = true;
};

// Follows the application's activation: QEvent::ApplicationStateChange on the application object. The event's
// state lives in a Qt6::Gui class that core cannot link, so whoever links Gui (app/, tests) passes a reader for
// it. Without a reader the source follows QGuiApplication's applicationStateChanged signal, looked up by name;
// under a QCoreApplication there is no application state and the source stays focused.
class ApplicationFocusSource : public FocusSource
{
    Q_OBJECT
public:
    // Whether the application is active after this ApplicationStateChange event.
    using StateReader = std::function<bool(const QEvent *)>;

    explicit ApplicationFocusSource(QObject *parent = nullptr);
    explicit ApplicationFocusSource(StateReader reader, QObject *parent = nullptr);
    ~ApplicationFocusSource() override;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private Q_SLOTS:
    void onApplicationStateChanged(Qt::ApplicationState state);

private:
    StateReader m_reader;
};

} // namespace refetch
