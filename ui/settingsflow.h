#pragma once

#include "core/session/endpointsettings.h"

#include <QObject>
#include <QPointer>
#include <functional>

class QWidget;

namespace refetch {

class AppSession;
class ConnectionSet;
class RecordPane;
class SettingsDialog;
class WindowQuestions;

// The settings dialog as the window opens it, and what becomes of what is accepted: every endpoint (the session's
// first), how many changes of each are not sent yet (removing one asks then), the form's unsaved edits asked about
// before new settings make their endpoint again (Cancel goes back to what was typed), then the endpoints saved.
class SettingsFlow : public QObject
{
    Q_OBJECT
public:
    // The dialog opens over `window`, on the endpoints of `connections` and the session's settings; it asks about
    // `pane`'s edits through `questions`. `shownEndpoint` says which endpoint the window shows (selected when no
    // other is asked for).
    SettingsFlow(AppSession *session, ConnectionSet *connections, RecordPane *pane, WindowQuestions *questions,
                 std::function<QString()> shownEndpoint, QWidget *window);

    // Opens the dialog (window-modal, not blocking), or raises the open one; `select` names the endpoint to show,
    // "+" a new one.
    void open(const QString &select = {});

Q_SIGNALS:
    // New settings are saved (and the session's endpoints updated): `saved` are the endpoints of the settings
    // file, whose connections the window makes again.
    void applied(const QList<EndpointSettings> &saved);

private:
    // The dialog over `endpoints` (what is saved, or what was typed before a Cancel).
    void openWith(const QList<EndpointSettings> &endpoints, const QString &select);
    void apply(const QList<EndpointSettings> &edited);
    // The endpoint's writes not sent yet, and the form's unsaved edits of one of its records.
    int unsentChanges(const QString &endpointId) const;

    AppSession *m_session;
    ConnectionSet *m_connections;
    RecordPane *m_pane;
    WindowQuestions *m_questions;
    std::function<QString()> m_shownEndpoint;
    QWidget *m_window;
    QPointer<SettingsDialog> m_dialog;
};

} // namespace refetch
