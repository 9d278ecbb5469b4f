#pragma once

#include "cacertificaterow.h"
#include "connectiontest.h"

#include "core/session/endpointsettings.h"
#include "referencesettings.h"

#include <QDialog>
#include <QMessageBox>
#include <QPointer>
#include <functional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace refetch {

class OAuthCredentials;
class SignInSettings;

class HttpTransport;
class QueryClient;
class TokenStore;

// The endpoints and how each is fetched, like a database browser's connection manager: a list on the left, the
// selected endpoint's settings on the right. OK checks every endpoint before it closes.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(const QList<EndpointSettings> &endpoints, QWidget *parent = nullptr);
    ~SettingsDialog() override;

    // The endpoints as edited (read after accept()).
    QList<EndpointSettings> endpoints() const;
    void selectEndpoint(const QString &id);
    // The id of the endpoint shown (empty when none).
    QString currentEndpointId() const;
    // Adds a blank endpoint and selects it.
    void addEndpoint();
    // Removes the selected endpoint; when it has changes not sent yet (setUnsentCounter()), asks first.
    void removeCurrentEndpoint();
    // How many changes of an endpoint are not sent yet (queued writes, unsaved edits): removing it asks first.
    void setUnsentCounter(std::function<int(const QString &endpointId)> counter) { m_unsentCounter = std::move(counter); }
    // What a running endpoint knows of its references (its resources, the references its lists use): the
    // References table lists them for the user's word over them.
    // The OAuth sign-in of the running endpoint these settings are (null: none, or the settings differ from the
    // running ones): its state, Sign In… and Sign Out.
    void setRunningSignIn(std::function<OAuthCredentials *(const EndpointSettings &endpoint)> running);
    SignInSettings *signInSettings() const { return m_signIn; }
    void setKnownReferences(std::function<ReferenceSettings::Known(const QString &endpointId)> known);
    // The open "discard the changes not sent yet?" question, if any.
    QMessageBox *removeQuestion() const { return m_removeQuestion; }

    // Where tokens are kept: the line under the token says it, and the plain-text choice is offered when no
    // keychain is there. Without one, tokens are kept for the session only.
    void setTokenStore(const TokenStore *tokens);
    // Where Test runs detection (a query of its own, never the saved endpoint's), and whose cache says what
    // detection found for each saved endpoint; both must outlive the dialog. Without them, Test is off.
    void setNetwork(QueryClient *client, HttpTransport *transport);
    // Detects the API at the URL, token and overrides typed for the selected endpoint, before anything is saved
    // (a database tool's Test Connection). Again while one runs: that one is dropped and this one starts.
    void testConnection();
    bool isTesting() const;

    QLineEdit *baseUrlEdit() const { return m_baseUrl; }
    QLineEdit *tokenEdit() const { return m_authValue; }
    QCheckBox *plainTextCheckBox() const { return m_plainText; }
    QLabel *tokenStorageLabel() const { return m_tokenStorage; }
    QSpinBox *maxResponseSpinBox() const { return m_maxResponse; }
    QLineEdit *caCertificateEdit() const { return m_ca->fileEdit(); }
    QPushButton *caCertificateBrowseButton() const { return m_ca->browseButton(); }
    // The chosen CA certificate's subject and expiry, or why the file cannot be used.
    QLabel *caCertificateInfoLabel() const { return m_ca->info(); }
    QLabel *errorLabel() const { return m_error; }
    QComboBox *dialectComboBox() const { return m_dialect; }
    QComboBox *pagingComboBox() const { return m_paging; }
    QLineEdit *pageParamEdit() const { return m_pageParam; }
    QLineEdit *sizeParamEdit() const { return m_sizeParam; }
    // What detection found for the endpoint (its summary), "Testing…", or why it failed; notes and resources under it.
    QLineEdit *detectedEdit() const { return m_detection->line(); }
    QLabel *detectedNotesLabel() const { return m_detection->notes(); }
    QPushButton *testButton() const { return m_detection->button(); }

    void accept() override;

private:
    QWidget *makeForm();
    void load(int row);
    void store();
    void updateList();
    void updateError();
    void updateTokenStorage();
    void removeEndpointAt(int row);

    QList<EndpointSettings> m_endpoints;
    int m_row = -1;
    bool m_loading = false;

    QListWidget *m_list;
    QPushButton *m_add;
    QPushButton *m_remove;
    QWidget *m_form;
    QLineEdit *m_name;
    QLineEdit *m_baseUrl;
    QLabel *m_urlNote;
    SignInSettings *m_signIn;
    std::function<OAuthCredentials *(const EndpointSettings &)> m_runningSignIn;
    QLineEdit *m_authHeader;
    QLineEdit *m_authValue;
    QCheckBox *m_plainText;
    QLabel *m_tokenStorage;
    const TokenStore *m_tokens = nullptr;
    CaCertificateRow *m_ca;
    std::function<int(const QString &)> m_unsentCounter;
    std::function<ReferenceSettings::Known(const QString &)> m_knownReferences;
    ReferenceSettings *m_references = nullptr;
    QPointer<QMessageBox> m_removeQuestion;
    QSpinBox *m_timeout;
    QSpinBox *m_staleTime;
    QCheckBox *m_refetchOnFocus;
    QSpinBox *m_pollInterval;
    QCheckBox *m_live;
    QLineEdit *m_liveUrl;
    QComboBox *m_liveDialect;
    QSpinBox *m_maxResponse;
    QSpinBox *m_pageSize;
    QLineEdit *m_idField;
    QLineEdit *m_envelopePath;
    QLineEdit *m_resources;
    QComboBox *m_dialect;
    QComboBox *m_paging;
    QLineEdit *m_pageParam;
    QLineEdit *m_sizeParam;
    ConnectionTest *m_detection;   // the Detected line and Test
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
};

} // namespace refetch
