#pragma once

#include "core/cache/querykey.h"
#include "core/providers/apidetector.h"
#include "core/session/endpointsettings.h"

#include <QObject>
#include <functional>

class QLabel;
class QLineEdit;
class QPushButton;
class QWidget;

namespace refetch {

class HttpTransport;
class QueryClient;
class QueryObserver;

// The settings dialog's Detected line and its Test button: what detection found for the endpoint shown (the
// saved endpoint's detection, from the cache), or what a Test of the settings as typed finds before anything is
// saved, as a database tool's Test Connection; with notes under it (the resources, what the fields set in the
// dialog make of it) or why it failed.
class ConnectionTest : public QObject
{
    Q_OBJECT
public:
    // Makes the line, the notes and the button, children of `parent`, for the dialog to lay out. `shown` gives the
    // endpoint shown, as typed so far (null when none is).
    ConnectionTest(std::function<const EndpointSettings *()> shown, QWidget *parent);
    ~ConnectionTest() override;

    QLineEdit *line() const { return m_line; }
    QLabel *notes() const { return m_notes; }
    QPushButton *button() const { return m_button; }

    // Where Test runs detection (a query of its own, never the saved endpoint's), and whose cache says what
    // detection found for each saved endpoint; both must outlive this. Without them, Test is off.
    void setNetwork(QueryClient *client, HttpTransport *transport);
    bool hasNetwork() const { return m_client && m_transport; }
    // Detects the API of the endpoint shown, as typed. Again while one runs: that one is dropped and this one
    // starts.
    void run();
    // Drops the running or finished Test (its query goes with it).
    void stop();
    bool isTesting() const;
    // Shows what detection found for the endpoint shown when it was opened (another endpoint is shown).
    void showSaved();
    // Shows it again with the settings typed now.
    void update();

private:
    void onTestChanged();

    std::function<const EndpointSettings *()> m_shownEndpoint;
    // Made in this order, as the dialog made them (the focus chain follows it).
    QLineEdit *m_line;
    QPushButton *m_button;
    QLabel *m_notes;
    QueryClient *m_client = nullptr;
    HttpTransport *m_transport = nullptr;
    QueryObserver *m_observer = nullptr;   // the Test under way or done, for the endpoint shown
    QueryKey m_key;
    // What the Detected line is about.
    enum class Shown { Nothing, NotAsked, Saved, Testing, Tested, Failed };
    Shown m_shown = Shown::Nothing;
    DetectedApi m_api;                     // Saved, Tested
    QString m_error;                       // Failed
};

} // namespace refetch
