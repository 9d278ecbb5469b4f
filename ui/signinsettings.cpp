#include "signinsettings.h"

#include "icons.h"

#include "core/session/oauthcredentials.h"

#include <QAction>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QVBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace refetch {

using SignIn = EndpointSettings::SignIn;

SignInSettings::SignInSettings(QWidget *parent)
    : QWidget(parent), m_form(new QFormLayout(this)), m_method(new QComboBox(this)), m_name(new QLineEdit(this)),
      m_user(new QLineEdit(this)), m_secret(new QLineEdit(this)), m_issuer(new QLineEdit(this)),
      m_authorizationUrl(new QLineEdit(this)), m_tokenUrl(new QLineEdit(this)), m_clientId(new QLineEdit(this)),
      m_scope(new QLineEdit(this)), m_statusRow(new QWidget(this)), m_status(new QLabel(m_statusRow)),
      m_signIn(new QPushButton(tr("Sign &In…"), m_statusRow)), m_signOut(new QPushButton(tr("Sign &Out"), m_statusRow))
{
    m_form->setContentsMargins(0, 0, 0, 0);
    m_method->setObjectName(u"signInMethod"_s);
    const std::pair<SignIn, QString> methods[] = {
        {SignIn::None, tr("None")},
        {SignIn::Bearer, tr("Bearer token")},
        {SignIn::Header, tr("A header (name and value)")},
        {SignIn::Query, tr("API key in the URL")},
        {SignIn::Basic, tr("HTTP Basic (user and password)")},
        {SignIn::AuthorizationCode, tr("OAuth 2.0: sign in with the browser")},
        {SignIn::ClientCredentials, tr("OAuth 2.0: client credentials")},
    };
    for (const auto &[method, text] : methods)
        m_method->addItem(text, int(method));
    m_method->setAccessibleName(tr("Sign-in method"));
    m_name->setObjectName(u"authName"_s);
    m_user->setObjectName(u"authUser"_s);
    m_secret->setObjectName(u"authSecret"_s);
    m_secret->setEchoMode(QLineEdit::Password);
    QAction *reveal = m_secret->addAction(icons::icon(u"eye"_s), QLineEdit::TrailingPosition);
    reveal->setCheckable(true);
    reveal->setToolTip(tr("Show it"));
    connect(reveal, &QAction::toggled, m_secret, [this](bool on) {
        m_secret->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password);
    });
    m_issuer->setObjectName(u"oauthIssuer"_s);
    m_issuer->setPlaceholderText(u"https://auth.example.com/realms/main"_s);
    m_issuer->setToolTip(tr("The authorization server: its discovery document (.well-known/openid-configuration) "
                            "names where to sign in and where tokens come from"));
    m_authorizationUrl->setObjectName(u"oauthAuthorizationUrl"_s);
    m_authorizationUrl->setPlaceholderText(tr("from the issuer"));
    m_tokenUrl->setObjectName(u"oauthTokenUrl"_s);
    m_tokenUrl->setPlaceholderText(tr("from the issuer"));
    m_clientId->setObjectName(u"oauthClientId"_s);
    m_scope->setObjectName(u"oauthScope"_s);
    m_scope->setPlaceholderText(tr("e.g. openid profile api; empty: the server's default"));
    m_status->setObjectName(u"signInStatus"_s);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_signIn->setObjectName(u"signIn"_s);
    m_signOut->setObjectName(u"signOut"_s);
    // The buttons beside the method; the state under the fields, on a line of its own (it can be long: a
    // server's reason).
    auto *statusLayout = new QVBoxLayout(m_statusRow);
    statusLayout->setContentsMargins(0, 0, 0, 0);
    statusLayout->addWidget(m_status);
    auto *methodRow = new QWidget(this);
    auto *methodLayout = new QHBoxLayout(methodRow);
    methodLayout->setContentsMargins(0, 0, 0, 0);
    methodLayout->addWidget(m_method, 1);
    m_signIn->setParent(methodRow);
    m_signOut->setParent(methodRow);
    methodLayout->addWidget(m_signIn);
    methodLayout->addWidget(m_signOut);

    m_form->addRow(tr("&Sign-in:"), methodRow);
    qobject_cast<QLabel *>(m_form->labelForField(methodRow))->setBuddy(m_method);
    m_form->addRow(tr("Header:"), m_name);
    m_form->addRow(tr("&User:"), m_user);
    m_form->addRow(tr("Iss&uer:"), m_issuer);
    m_form->addRow(tr("Sign-in URL:"), m_authorizationUrl);
    m_form->addRow(tr("Token URL:"), m_tokenUrl);
    m_form->addRow(tr("Client &ID:"), m_clientId);
    m_form->addRow(tr("&Token:"), m_secret);   // after the client's id: OAuth's client secret is the client's
    m_form->addRow(tr("Sco&pe:"), m_scope);
    m_form->addRow(QString(), m_statusRow);

    connect(m_method, &QComboBox::currentIndexChanged, this, [this] {
        showMethod();
        if (!m_loading)
            Q_EMIT edited();
    });
    for (QLineEdit *edit : {m_user, m_issuer, m_authorizationUrl, m_tokenUrl, m_clientId, m_scope})
        connect(edit, &QLineEdit::textEdited, this, &SignInSettings::edited);
    connect(m_signIn, &QPushButton::clicked, this, [this] {
        if (m_running)
            m_running->signIn();
    });
    connect(m_signOut, &QPushButton::clicked, this, [this] {
        if (m_running)
            m_running->signOut();
    });
    showMethod();
}

SignIn SignInSettings::method() const
{
    return SignIn(m_method->currentData().toInt());
}

void SignInSettings::load(const EndpointSettings &e, OAuthCredentials *running)
{
    m_loading = true;
    // A header method with nothing to send is no sign-in.
    const SignIn shown = e.signIn == SignIn::Header && e.authValue.isEmpty() ? SignIn::None : e.signIn;
    m_method->setCurrentIndex(std::max(0, m_method->findData(int(shown))));
    m_user->setText(e.authUser);
    m_issuer->setText(e.oauthIssuer);
    m_authorizationUrl->setText(e.oauthAuthorizationUrl);
    m_tokenUrl->setText(e.oauthTokenUrl);
    m_clientId->setText(e.oauthClientId);
    m_scope->setText(e.oauthScope);
    m_loading = false;
    if (m_running)
        disconnect(m_running, nullptr, this, nullptr);
    m_running = running;
    if (m_running) {
        connect(m_running, &OAuthCredentials::statusChanged, this, &SignInSettings::showStatus);
        connect(m_running, &OAuthCredentials::signInFailed, this, [this](const QString &message) {
            showStatus();
            m_status->setText(message);
        });
    }
    showMethod();
}

void SignInSettings::store(EndpointSettings &e) const
{
    e.signIn = method();
    // Nothing to send is the header method without a value, as settings from before the methods have it.
    if (e.signIn == SignIn::None && e.authValue.isEmpty())
        e.signIn = SignIn::Header;
    e.authUser = m_user->text().trimmed();
    e.oauthIssuer = m_issuer->text().trimmed();
    e.oauthAuthorizationUrl = m_authorizationUrl->text().trimmed();
    e.oauthTokenUrl = m_tokenUrl->text().trimmed();
    e.oauthClientId = m_clientId->text().trimmed();
    e.oauthScope = m_scope->text().simplified();
}

void SignInSettings::showMethod()
{
    const SignIn m = method();
    const bool oauth = m == SignIn::ClientCredentials || m == SignIn::AuthorizationCode;
    auto show = [this](QWidget *field, bool visible) { m_form->setRowVisible(field, visible); };
    show(m_name, m == SignIn::Header || m == SignIn::Query);
    show(m_user, m == SignIn::Basic);
    show(m_secret, m != SignIn::None);
    for (QWidget *w : {static_cast<QWidget *>(m_issuer), static_cast<QWidget *>(m_tokenUrl),
                       static_cast<QWidget *>(m_clientId), static_cast<QWidget *>(m_scope)})
        show(w, oauth);
    show(m_authorizationUrl, m == SignIn::AuthorizationCode);
    show(m_statusRow, oauth);
    m_signIn->setVisible(oauth);
    m_signOut->setVisible(oauth);

    auto *nameLabel = qobject_cast<QLabel *>(m_form->labelForField(m_name));
    auto *secretLabel = qobject_cast<QLabel *>(m_form->labelForField(m_secret));
    if (m == SignIn::Query) {
        nameLabel->setText(tr("&Parameter:"));
        m_name->setPlaceholderText(u"api_key"_s);
    } else {
        nameLabel->setText(tr("&Header:"));
        m_name->setPlaceholderText(u"Authorization"_s);
    }
    switch (m) {
    case SignIn::Header:
        secretLabel->setText(tr("&Value:"));
        m_secret->setPlaceholderText(tr("e.g. Bearer eyJhbGciOi… or an API key"));
        break;
    case SignIn::Bearer:
        secretLabel->setText(tr("&Token:"));
        m_secret->setPlaceholderText(tr("sent as Authorization: Bearer …"));
        break;
    case SignIn::Query:
        secretLabel->setText(tr("&Key:"));
        m_secret->setPlaceholderText(QString());
        break;
    case SignIn::Basic:
        secretLabel->setText(tr("Pass&word:"));
        m_secret->setPlaceholderText(QString());
        break;
    case SignIn::ClientCredentials:
        secretLabel->setText(tr("Client &secret:"));
        m_secret->setPlaceholderText(QString());
        break;
    case SignIn::AuthorizationCode:
        secretLabel->setText(tr("Client &secret:"));
        m_secret->setPlaceholderText(tr("only for a confidential client; usually empty"));
        break;
    case SignIn::None:
        break;
    }
    m_secret->setAccessibleName(secretLabel->text().remove(u'&').remove(u':'));
    showStatus();
}

void SignInSettings::showStatus()
{
    if (!m_running) {
        m_status->setText(tr("Sign in once these settings are saved: press OK, then Sign In… here or in the list."));
        m_signIn->setEnabled(false);
        m_signOut->setEnabled(false);
        return;
    }
    m_status->setText(m_running->statusText());
    m_signIn->setEnabled(!m_running->isSigningIn());
    m_signOut->setEnabled(!m_running->tokens().isEmpty());
}

} // namespace refetch
