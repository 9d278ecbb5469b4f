#pragma once

#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QWidget>

class QLabel;
class QWidget;
class QProgressBar;
class QToolButton;

namespace refetch {

class BusyIndicator;
class Credentials;
class HttpTransport;
class JsonTableModel;
class LiveConnection;
class MutationQueue;
class OAuthCredentials;
class PendingWrites;
class QueryClient;
class TransferMonitor;

// The state of things at a glance, for the status bar: requests in flight (QueryClient::fetchingCount) with a
// spinner, a progress bar while a large response downloads, when the current list was updated and whether it is
// stale, and whether the network is there.
class StatusPanel : public QWidget
{
    Q_OBJECT
public:
    // `transfers` may be null (no progress bar).
    StatusPanel(QueryClient *client, TransferMonitor *transfers, QWidget *parent = nullptr);

    // The list whose freshness is shown; nullptr: none.
    void setList(JsonTableModel *model);
    // The server of the endpoint shown, whose answering (through `transport`) the panel tells besides the
    // network's state, with the writes waiting for it in `queue`; an empty URL: none.
    void setServer(HttpTransport *transport, MutationQueue *queue);
    void setEndpoint(const QUrl &baseUrl);
    // The live updates of the endpoint shown ("Live", "Live: reconnecting in 4 s", "Not live: ..."); null: none.
    void setLive(LiveConnection *live);
    QString liveText() const;
    // Who the endpoint shown is signed in as ("Signed in as Ada Lovelace", for OAuth), or "Not signed in" when the
    // server refused its credentials (any method); hidden otherwise. `oauth` may be null.
    void setSignIn(Credentials *credentials, OAuthCredentials *oauth);
    QString signInText() const;
    // The writes that wait for the server (counted instead of every unsettled write of the queue), and those the
    // server refused after their form was closed; a button shows them (waitingActivated).
    void setPendingWrites(PendingWrites *writes);
    void setRefusedCount(int count);
    QToolButton *waitingButton() const { return m_waitingButton; }

    QString requestsText() const;
    QString updatedText() const;
    bool isStaleShown() const;
    QString onlineText() const;
    QProgressBar *progressBar() const { return m_progress; }
    BusyIndicator *busyIndicator() const { return m_busy; }

    // "just now", "12 s ago", "3 min ago", "at 14:02"
    static QString ago(qint64 ms, const QDateTime &at);

Q_SIGNALS:
    // The user asked to see the changes that wait for the server.
    void waitingActivated();

private:
    void updateRequests();
    void updateProgress(qint64 received, qint64 total);
    void updateFreshness();
    void updateOnline();
    void updateLive();
    void updateSignIn();

    QueryClient *m_client;
    QPointer<JsonTableModel> m_list;
    QPointer<HttpTransport> m_transport;
    QPointer<MutationQueue> m_queue;
    QPointer<PendingWrites> m_pending;
    QPointer<LiveConnection> m_liveConnection;
    QPointer<Credentials> m_credentials;
    QPointer<OAuthCredentials> m_oauth;
    int m_refused = 0;
    QUrl m_endpoint;
    BusyIndicator *m_busy;
    QLabel *m_requests;
    QProgressBar *m_progress;
    QLabel *m_staleIcon;
    QLabel *m_updated;
    QLabel *m_onlineIcon;
    QLabel *m_online;
    QWidget *m_liveSeparator;
    QLabel *m_live;
    QWidget *m_signInSeparator;
    QLabel *m_signIn;
    QToolButton *m_waitingButton;
    QTimer m_tick;
};

} // namespace refetch
