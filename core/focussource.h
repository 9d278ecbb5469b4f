#pragma once

#include <QObject>

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

// Follows QEvent::ApplicationStateChange on the application object, as QGuiApplication reports it through
// its applicationStateChanged signal (looked up by name: core does not link Qt6::Gui). Under a
// QCoreApplication there is no such state and the source stays focused.
class ApplicationFocusSource : public FocusSource
{
    Q_OBJECT
public:
    explicit ApplicationFocusSource(QObject *parent = nullptr);

private Q_SLOTS:
    void onApplicationStateChanged(Qt::ApplicationState state);
};

} // namespace refetch
