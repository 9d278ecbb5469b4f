#include "support/externalserver.h"
#include "support/windowparts.h"

#include "core/models/pagedtablemodel.h"
#include "core/session/apiconnection.h"
#include "core/session/appsession.h"
#include "core/session/oauthcredentials.h"
#include "core/session/settingsstore.h"
#include "ui/connectionset.h"
#include "ui/endpointtree.h"
#include "ui/mainwindow.h"
#include "ui/messagebar.h"
#include "ui/resourceview.h"
#include "ui/settingsdialog.h"
#include "ui/signinsettings.h"
#include "ui/statuspanel.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDesktopServices>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace Qt::StringLiterals;

// The window on an API behind OAuth 2.0 (oidc-provider, tests/servers/oidc): the list says it is not signed in,
// with Sign In… in place; the system browser (QDesktopServices, taken here by a URL handler that follows the
// server's redirects as a browser would) signs in, and the list fills. Settings show the sign-in's fields for the
// method chosen, the state ("Signed in as Ada Lovelace until …"), Sign Out; the tokens go to the token store and sign
// the next start in at once.
class tst_SignInWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void signInFromTheList();
    void settingsShowTheMethodsFields();

public Q_SLOTS:
    // QDesktopServices' handler of http URLs while the test runs: the system browser.
    void openBrowser(const QUrl &url);

private:
    ResourceView *openPosts();

    QTemporaryDir m_dir;
    std::unique_ptr<ExternalServer> m_server;
    std::unique_ptr<AppSession> m_session;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    QList<QUrl> m_opened;
    int m_browsed = 0;
};

void tst_SignInWindow::init()
{
    REFETCH_REQUIRE_SERVER(ExternalServer::Oidc);
    QVERIFY(m_dir.isValid());
    m_server = std::make_unique<ExternalServer>();
    QString error;
    QVERIFY2(m_server->start(ExternalServer::program(ExternalServer::Oidc), {ExternalServer::script(ExternalServer::Oidc)},
                             &error),
             qPrintable(error));
    QDesktopServices::setUrlHandler(u"http"_s, this, "openBrowser");
    m_opened.clear();
    m_browsed = 0;
    m_session = std::make_unique<AppSession>(AppSessionOptions{.settingsFile = m_dir.filePath(u"settings.ini"_s)});
    EndpointSettings e;
    e.id = u"oidc"_s;
    e.name = u"Posts behind OAuth"_s;
    e.baseUrl = m_server->baseUrl();
    e.dialect = u"json-server"_s;
    e.resources = {u"posts"_s};
    e.signIn = EndpointSettings::SignIn::AuthorizationCode;
    e.oauthIssuer = m_server->issuer().toString();
    e.oauthClientId = u"refetch"_s;
    e.oauthScope = u"openid profile api"_s;
    e.pageSize = 10;
    m_session->store()->setEndpoints({e});
}

void tst_SignInWindow::cleanup()
{
    QDesktopServices::unsetUrlHandler(u"http"_s);
    m_tester.reset();
    m_window.reset();
    m_session.reset();
    if (m_server && QTest::currentTestFailed())
        qInfo("the server said:\n%s", m_server->output().right(3000).constData());
    m_server.reset();
}

void tst_SignInWindow::openBrowser(const QUrl &url)
{
    m_opened.append(url);
    auto *browser = new QNetworkAccessManager(this);
    browser->setCookieJar(new QNetworkCookieJar(browser));
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    QNetworkReply *reply = browser->get(request);
    connect(reply, &QNetworkReply::finished, this, [this, browser, reply] {
        if (reply->error() == QNetworkReply::NoError)
            ++m_browsed;
        else
            qWarning("the browser: %s", qPrintable(reply->errorString()));
        browser->deleteLater();
    });
}

ResourceView *tst_SignInWindow::openPosts()
{
    m_window = std::make_unique<MainWindow>(m_session.get());
    m_window->resize(1100, 600);
    m_window->show();
    if (!QTest::qWaitForWindowExposed(m_window.get()))
        return nullptr;
    EndpointTree *tree = findPart<EndpointTree>(m_window.get(), "endpointTree");
    if (!QTest::qWaitFor([&] { return tree->resourceItem(u"oidc"_s, u"posts"_s) != nullptr; }, 10000))
        return nullptr;
    QTreeWidgetItem *posts = tree->resourceItem(u"oidc"_s, u"posts"_s);
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualItemRect(posts).center());
    if (!QTest::qWaitFor([&] { return shownList(m_window.get()) && shownList(m_window.get())->resource() == u"posts"; }, 10000))
        return nullptr;
    ResourceView *view = shownList(m_window.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(view->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    return view;
}

void tst_SignInWindow::signInFromTheList()
{
    ResourceView *view = openPosts();
    QVERIFY(view);
    ApiConnection *c = connectionsOf(m_window.get())->find(u"oidc"_s);
    QVERIFY(c && c->oauth());
    // Refused (no token yet): said above the list, with the way to sign in.
    auto *message = view->findChild<MessageBar *>();
    QTRY_VERIFY_WITH_TIMEOUT(message->isVisible() && message->text().contains(u"Not signed in"_s), 10000);
    QCOMPARE(view->model()->rowCount(), 0);
    const StatusPanel *status = findPart<StatusPanel>(m_window.get(), "statusPanel");
    QCOMPARE(status->signInText(), u"Not signed in"_s);
    QPushButton *signIn = nullptr;
    for (QPushButton *b : message->findChildren<QPushButton *>()) {
        if (b->text() == u"Sign In…")
            signIn = b;
    }
    QVERIFY(signIn);
    QTest::mouseClick(signIn, Qt::LeftButton);
    // The browser opens the server's sign-in page; once signed in, the list fills by itself.
    QTRY_COMPARE_WITH_TIMEOUT(m_opened.size(), 1, 10000);
    QVERIFY(m_opened.first().toString().startsWith(m_server->issuer().toString()));
    QTRY_COMPARE_WITH_TIMEOUT(m_browsed, 1, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(c->credentials()->state(), Credentials::State::SignedIn, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(view->model()->rowCount() >= 10, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(message->isHidden(), 10000);
    QCOMPARE(view->model()->rowJson(0).value(u"title").toString(), u"Post 1"_s);
    // The status bar says who (its tooltip until when).
    QCOMPARE(status->signInText(), u"Signed in as Ada Lovelace"_s);

    // Kept for the next start: in the token store, never in the settings file.
    QTRY_VERIFY_WITH_TIMEOUT(!m_session->store()->endpoints().value(0).oauthTokens.isEmpty(), 10000);
    QFile settingsFile(m_dir.filePath(u"settings.ini"_s));
    QVERIFY(settingsFile.open(QIODevice::ReadOnly));
    const QByteArray settingsText = settingsFile.readAll();
    QVERIFY(!settingsText.contains(c->oauth()->tokens().access.toUtf8()));
    QVERIFY(!settingsText.contains(c->oauth()->tokens().refresh.toUtf8()));
}

void tst_SignInWindow::settingsShowTheMethodsFields()
{
    ResourceView *view = openPosts();
    QVERIFY(view);
    ApiConnection *c = connectionsOf(m_window.get())->find(u"oidc"_s);
    m_window->openSettings(u"oidc"_s);
    QTRY_VERIFY(settingsDialogOf(m_window.get()) && settingsDialogOf(m_window.get())->isVisible());
    SignInSettings *signIn = settingsDialogOf(m_window.get())->signInSettings();
    QVERIFY(signIn);
    QCOMPARE(signIn->method(), EndpointSettings::SignIn::AuthorizationCode);
    auto visible = [&](const char *name) { return signIn->findChild<QLineEdit *>(QLatin1StringView(name))->isVisibleTo(signIn); };
    QVERIFY(visible("oauthIssuer") && visible("oauthClientId") && visible("oauthScope") && visible("oauthAuthorizationUrl"));
    QVERIFY(!visible("authUser") && !visible("authName"));
    QCOMPARE(signIn->statusLabel()->text(), u"Not signed in."_s);
    // Sign In… from the settings.
    QTest::mouseClick(signIn->signInButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(c->credentials()->state(), Credentials::State::SignedIn, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(signIn->statusLabel()->text().startsWith(u"Signed in as Ada Lovelace until "_s), 5000);
    QVERIFY(signIn->signOutButton()->isEnabled());
    if (const QString shots = qEnvironmentVariable("REFETCH_SCREENSHOTS"); !shots.isEmpty())
        settingsDialogOf(m_window.get())->grab().save(shots + u"/sign-in-settings.png"_s);
    QTest::mouseClick(signIn->signOutButton(), Qt::LeftButton);
    QCOMPARE(signIn->statusLabel()->text(), u"Signed out."_s);
    QCOMPARE(c->credentials()->state(), Credentials::State::SignInNeeded);
    QCOMPARE(findPart<StatusPanel>(m_window.get(), "statusPanel")->signInText(), u"Not signed in"_s);

    // Each method shows its own fields: HTTP Basic a user and a password, an API key its parameter and key.
    QComboBox *method = signIn->methodBox();
    method->setCurrentIndex(method->findData(int(EndpointSettings::SignIn::Basic)));
    QVERIFY(visible("authUser") && visible("authSecret") && !visible("authName") && !visible("oauthIssuer"));
    QCOMPARE(signIn->secretEdit()->accessibleName(), u"Password"_s);
    method->setCurrentIndex(method->findData(int(EndpointSettings::SignIn::Query)));
    QVERIFY(visible("authName") && visible("authSecret") && !visible("authUser"));
    QCOMPARE(signIn->secretEdit()->accessibleName(), u"Key"_s);
    method->setCurrentIndex(method->findData(int(EndpointSettings::SignIn::None)));
    QVERIFY(!visible("authSecret") && !visible("authName"));
    settingsDialogOf(m_window.get())->reject();
}

QTEST_MAIN(tst_SignInWindow)
#include "tst_signinwindow.moc"
