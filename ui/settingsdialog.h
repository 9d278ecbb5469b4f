#pragma once

#include "endpointsettings.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace refetch {

class TokenStore;

// The endpoints and how each is fetched, like a database browser's connection manager: a list on the left, the
// selected endpoint's settings on the right. OK checks every endpoint before it closes.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(const QList<EndpointSettings> &endpoints, QWidget *parent = nullptr);

    // The endpoints as edited (read after accept()).
    QList<EndpointSettings> endpoints() const;
    void selectEndpoint(const QString &id);
    // Adds a blank endpoint and selects it.
    void addEndpoint();
    void removeCurrentEndpoint();

    // Where tokens are kept: the line under the token says it, and the plain-text choice is offered when no
    // keychain is there. Without one, tokens are kept for the session only.
    void setTokenStore(const TokenStore *tokens);

    QLineEdit *baseUrlEdit() const { return m_baseUrl; }
    QLineEdit *tokenEdit() const { return m_authValue; }
    QCheckBox *plainTextCheckBox() const { return m_plainText; }
    QLabel *tokenStorageLabel() const { return m_tokenStorage; }
    QSpinBox *maxResponseSpinBox() const { return m_maxResponse; }
    QLabel *errorLabel() const { return m_error; }

    void accept() override;

private:
    QWidget *makeForm();
    void load(int row);
    void store();
    void updateList();
    void updateError();
    void updateTokenStorage();

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
    QLineEdit *m_authHeader;
    QLineEdit *m_authValue;
    QCheckBox *m_plainText;
    QLabel *m_tokenStorage;
    const TokenStore *m_tokens = nullptr;
    QSpinBox *m_timeout;
    QSpinBox *m_staleTime;
    QCheckBox *m_refetchOnFocus;
    QSpinBox *m_pollInterval;
    QSpinBox *m_maxResponse;
    QSpinBox *m_pageSize;
    QLineEdit *m_idField;
    QLineEdit *m_envelopePath;
    QLineEdit *m_resources;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
};

} // namespace refetch
