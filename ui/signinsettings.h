#pragma once

#include "core/session/endpointsettings.h"

#include <QPointer>
#include <QWidget>

#include <functional>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;

namespace refetch {

class OAuthCredentials;

// The sign-in part of an endpoint's settings (Bruno's and Postman's "Auth" tab): the method, and the fields that
// method needs, each shown only when it applies: a header's name and value, a bearer token, an API key in the URL
// and its parameter's name, HTTP Basic's user and password, OAuth 2.0's issuer (or its two URLs), client ID, scope
// and secret. For OAuth, the running endpoint's state ("Signed in as Ada until 14:32") with Sign in… and Sign out.
// The secret's field is secretEdit(), the header's or parameter's name nameEdit(): the dialog keeps them with the
// endpoint's other fields (the secret goes to the keychain).
class SignInSettings : public QWidget
{
    Q_OBJECT
public:
    explicit SignInSettings(QWidget *parent = nullptr);

    QFormLayout *form() const { return m_form; }
    QComboBox *methodBox() const { return m_method; }
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *secretEdit() const { return m_secret; }
    QPushButton *signInButton() const { return m_signIn; }
    QPushButton *signOutButton() const { return m_signOut; }
    QLabel *statusLabel() const { return m_status; }

    // Shows `e`'s method and fields (but its name and secret: the dialog's); `running` is the endpoint's OAuth
    // sign-in as it runs now, when it has one and these are its settings.
    void load(const EndpointSettings &e, OAuthCredentials *running);
    // Writes the method and its fields into `e`.
    void store(EndpointSettings &e) const;
    EndpointSettings::SignIn method() const;

Q_SIGNALS:
    void edited();

private:
    void showMethod();
    void showStatus();

    QFormLayout *m_form;
    QComboBox *m_method;
    QLineEdit *m_name;
    QLineEdit *m_user;
    QLineEdit *m_secret;
    QLineEdit *m_issuer;
    QLineEdit *m_authorizationUrl;
    QLineEdit *m_tokenUrl;
    QLineEdit *m_clientId;
    QLineEdit *m_scope;
    QWidget *m_statusRow;
    QLabel *m_status;
    QPushButton *m_signIn;
    QPushButton *m_signOut;
    QPointer<OAuthCredentials> m_running;
    bool m_loading = false;
};

} // namespace refetch
