#include "support/memorysecretbackend.h"
#include "core/session/keychainbackend.h"
#include "core/session/settingsstore.h"
#include "core/session/tokenstore.h"

#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace Qt::StringLiterals;
using Mode = MemorySecretBackend::Mode;

namespace {

// Set by tests/support/with-secret-service.sh: a private D-Bus session with gnome-keyring runs around the test.
bool withSecretService()
{
    return qEnvironmentVariableIntValue("REFETCH_TEST_SECRET_SERVICE") == 1;
}

EndpointSettings endpoint(const QString &id, const QString &token, bool plainText = false)
{
    EndpointSettings e;
    e.id = id;
    e.baseUrl = QUrl(u"https://api.example.com/"_s + id);
    e.authValue = token;
    e.tokenInPlainText = plainText;
    return e;
}

bool waitIdle(TokenStore &tokens)
{
    if (!tokens.isBusy())
        return true;
    QSignalSpy idle(&tokens, &TokenStore::idle);
    return idle.wait(10000);
}

bool waitReady(TokenStore &tokens)
{
    if (tokens.isReady())
        return true;
    QSignalSpy ready(&tokens, &TokenStore::ready);
    return ready.wait(10000);
}

} // namespace

// Where tokens are kept: the system keychain, or without one nowhere but the session unless the user agreed to
// plain text; earlier versions' plain-text tokens move into the keychain (the settings dialog says which:
// tst_uiparts).
// The no-keychain path runs against QtKeychain itself with no Secret Service reachable (as on a headless CI
// machine); the keychain path runs against an in-memory backend, and against a real gnome-keyring Secret
// Service when tests/support/with-secret-service.sh starts one around the test (tst_tokenstore_keychain).
class tst_TokenStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();

    // QtKeychain with no keychain to talk to.
    void noKeychainKeepsTokenForSessionOnly();
    void noKeychainPlainTextOnlyWithConsent();
    void noKeychainEarlierPlainTextTokenStaysVisible();

    // The keychain path, on the in-memory backend.
    void keychainStoresAndDeletes();
    void migratesPlainTextTokensIntoKeychain();
    void refusingKeychainFallsBack();
    void silentKeychainDoesNotHoldUpStart();
    void noWriteWhenNothingChanged();
    void signInSettingsRoundTrip();

    // A real Secret Service (gnome-keyring in a private D-Bus session).
    void realSecretService();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    QString fileText() const;
    std::unique_ptr<QSettings> reopen() const;
};

void tst_TokenStore::initTestCase()
{
    // No Secret Service for the no-keychain tests, whatever the machine has (a desktop would answer).
    if (!withSecretService())
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/refetch-test-bus");
}

void tst_TokenStore::init()
{
    m_settings.reset();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_settings = std::make_unique<QSettings>(m_dir->filePath(u"Refetch.conf"_s), QSettings::IniFormat);
}

QString tst_TokenStore::fileText() const
{
    m_settings->sync();
    QFile f(m_settings->fileName());
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

std::unique_ptr<QSettings> tst_TokenStore::reopen() const
{
    m_settings->sync();
    return std::make_unique<QSettings>(m_settings->fileName(), QSettings::IniFormat);
}

void tst_TokenStore::noKeychainKeepsTokenForSessionOnly()
{
    if (withSecretService())
        QSKIP("a Secret Service runs around this test");
    TokenStore tokens(m_settings.get(), std::make_unique<KeychainBackend>(u"Refetch-test"_s));
    SettingsStore store(m_settings.get(), &tokens);
    tokens.load(store.endpointIds());
    QVERIFY(waitReady(tokens));
    QCOMPARE(tokens.keychain(), TokenStore::Keychain::Unavailable);

    store.setEndpoints({endpoint(u"a"_s, u"Bearer s3cret-a"_s)});
    QVERIFY(waitIdle(tokens));
    QCOMPARE(tokens.keychain(), TokenStore::Keychain::Unavailable);
    // This session has it; the file does not.
    QCOMPARE(store.endpoints().value(0).authValue, u"Bearer s3cret-a"_s);
    HttpRequest request;
    store.endpoints().value(0).endpointConfig().credentials->apply(request);
    QCOMPARE(request.headers.value(0).second, QByteArray("Bearer s3cret-a"));
    QVERIFY2(!fileText().contains(u"s3cret"_s), qPrintable(fileText()));
    QVERIFY(fileText().contains(u"api.example.com/a"_s));
    QCOMPARE(tokens.storageDescription(false), u"No keychain available: the token is kept for this session only."_s);

    // The next session starts without it.
    auto again = reopen();
    TokenStore nextTokens(again.get(), std::make_unique<KeychainBackend>(u"Refetch-test"_s));
    SettingsStore next(again.get(), &nextTokens);
    nextTokens.load(next.endpointIds());
    QVERIFY(waitReady(nextTokens));
    QCOMPARE(next.endpoints().size(), 1);
    QVERIFY(next.endpoints().first().authValue.isEmpty());
}

void tst_TokenStore::noKeychainPlainTextOnlyWithConsent()
{
    if (withSecretService())
        QSKIP("a Secret Service runs around this test");
    TokenStore tokens(m_settings.get(), std::make_unique<KeychainBackend>(u"Refetch-test"_s));
    SettingsStore store(m_settings.get(), &tokens);
    tokens.load({});
    QVERIFY(waitReady(tokens));
    QCOMPARE(tokens.keychain(), TokenStore::Keychain::Unavailable);

    store.setEndpoints({endpoint(u"a"_s, u"Bearer agreed"_s, true), endpoint(u"b"_s, u"Bearer not-agreed"_s)});
    QVERIFY(waitIdle(tokens));
    const QString text = fileText();
    QVERIFY2(text.contains(u"Bearer agreed"_s), qPrintable(text));
    QVERIFY2(!text.contains(u"not-agreed"_s), qPrintable(text));
    QCOMPARE(tokens.storageDescription(true),
             u"Stored in plain text in %1."_s.arg(QDir::toNativeSeparators(m_settings->fileName())));

    auto again = reopen();
    TokenStore nextTokens(again.get(), std::make_unique<KeychainBackend>(u"Refetch-test"_s));
    SettingsStore next(again.get(), &nextTokens);
    nextTokens.load(next.endpointIds());
    QVERIFY(waitReady(nextTokens));
    QCOMPARE(next.endpoints().value(0).authValue, u"Bearer agreed"_s);
    QVERIFY(next.endpoints().value(0).tokenInPlainText);
    QVERIFY(next.endpoints().value(1).authValue.isEmpty());

    // Taking the consent back takes the token out of the file (it stays for this session).
    EndpointSettings a = next.endpoints().value(0);
    a.tokenInPlainText = false;
    next.setEndpoints({a, next.endpoints().value(1)});
    QVERIFY(waitIdle(nextTokens));
    again->sync();
    QVERIFY(!fileText().contains(u"agreed"_s));
    QCOMPARE(next.endpoints().value(0).authValue, u"Bearer agreed"_s);

    // A removed endpoint's plain-text token goes with it.
    a.tokenInPlainText = true;
    next.setEndpoints({a});
    QVERIFY(waitIdle(nextTokens));
    again->sync();
    QVERIFY(fileText().contains(u"Bearer agreed"_s));
    next.setEndpoints({});
    QVERIFY(waitIdle(nextTokens));
    again->sync();
    QVERIFY(!fileText().contains(u"agreed"_s));
}

void tst_TokenStore::noKeychainEarlierPlainTextTokenStaysVisible()
{
    if (withSecretService())
        QSKIP("a Secret Service runs around this test");
    // Written by an earlier version, which kept every token in the file and said so.
    m_settings->setValue(u"endpoints/order"_s, QStringList{u"old"_s});
    m_settings->setValue(u"endpoints/old/baseUrl"_s, u"https://old.example.com"_s);
    m_settings->setValue(u"endpoints/old/authValue"_s, u"Bearer from-before"_s);
    TokenStore tokens(m_settings.get(), std::make_unique<KeychainBackend>(u"Refetch-test"_s));
    SettingsStore store(m_settings.get(), &tokens);
    tokens.load(store.endpointIds());
    QVERIFY(waitReady(tokens));
    // Kept, and now shown as the plain-text choice it is, which the user can take back.
    const EndpointSettings old = store.endpoints().value(0);
    QCOMPARE(old.authValue, u"Bearer from-before"_s);
    QVERIFY(old.tokenInPlainText);
    QVERIFY(fileText().contains(u"from-before"_s));
}

void tst_TokenStore::keychainStoresAndDeletes()
{
    auto *backend = new MemorySecretBackend(Mode::Available);
    TokenStore tokens(m_settings.get(), std::unique_ptr<SecretBackend>(backend));
    SettingsStore store(m_settings.get(), &tokens);
    tokens.load({});
    QVERIFY(waitReady(tokens));
    QCOMPARE(tokens.keychain(), TokenStore::Keychain::Available);

    // Even with the plain-text choice made (on a machine without keychain), a keychain gets it and the file not.
    store.setEndpoints({endpoint(u"a"_s, u"Bearer kc-a"_s, true), endpoint(u"b"_s, u"Bearer kc-b"_s)});
    QVERIFY(waitIdle(tokens));
    QCOMPARE(backend->secrets().value(TokenStore::keychainKey(u"a"_s)), u"Bearer kc-a"_s);
    QCOMPARE(backend->secrets().value(TokenStore::keychainKey(u"b"_s)), u"Bearer kc-b"_s);
    QVERIFY(!fileText().contains(u"kc-"_s));
    QCOMPARE(tokens.storageDescription(true), u"Stored in the system keychain."_s);

    // The next session reads them back.
    {
        auto again = reopen();
        auto *same = new MemorySecretBackend(Mode::Available);
        same->secrets() = backend->secrets();
        TokenStore nextTokens(again.get(), std::unique_ptr<SecretBackend>(same));
        SettingsStore next(again.get(), &nextTokens);
        nextTokens.load(next.endpointIds());
        QVERIFY(waitReady(nextTokens));
        QCOMPARE(next.endpoints().value(0).authValue, u"Bearer kc-a"_s);
        QCOMPARE(next.endpoints().value(1).authValue, u"Bearer kc-b"_s);
    }

    // An emptied token is deleted, a removed endpoint's too.
    store.setEndpoints({endpoint(u"a"_s, QString()), endpoint(u"b"_s, u"Bearer kc-b"_s)});
    QVERIFY(waitIdle(tokens));
    QVERIFY(!backend->secrets().contains(TokenStore::keychainKey(u"a"_s)));
    store.setEndpoints({endpoint(u"a"_s, QString())});
    QVERIFY(waitIdle(tokens));
    QVERIFY(backend->secrets().isEmpty());
}

// Every sign-in method's fields come back as they were written; the secrets (a password, a client secret, the
// OAuth tokens) are in the keychain, never in the file, and an emptied field leaves the file.
void tst_TokenStore::signInSettingsRoundTrip()
{
    auto *backend = new MemorySecretBackend(Mode::Available);
    TokenStore tokens(m_settings.get(), std::unique_ptr<SecretBackend>(backend));
    SettingsStore store(m_settings.get(), &tokens);
    tokens.load({});
    QVERIFY(waitReady(tokens));

    EndpointSettings basic = endpoint(u"basic"_s, u"pa55word"_s);
    basic.signIn = EndpointSettings::SignIn::Basic;
    basic.authUser = u"ada"_s;
    EndpointSettings oauth = endpoint(u"oauth"_s, u"client-s3cret"_s);
    oauth.signIn = EndpointSettings::SignIn::ClientCredentials;
    oauth.oauthIssuer = u"https://id.example.com/realms/x"_s;
    oauth.oauthAuthorizationUrl = u"https://id.example.com/auth"_s;
    oauth.oauthTokenUrl = u"https://id.example.com/token"_s;
    oauth.oauthClientId = u"refetch-service"_s;
    oauth.oauthScope = u"api read"_s;
    store.setEndpoints({basic, oauth});
    store.setOAuthTokens(u"oauth"_s, uR"({"access":"acc3ss","refresh":"r3fresh"})"_s, false);
    QVERIFY(waitIdle(tokens));
    const QString text = fileText();
    for (const char *secret : {"pa55word", "client-s3cret", "acc3ss", "r3fresh"})
        QVERIFY2(!text.contains(QLatin1StringView(secret)), secret);

    auto again = reopen();
    auto *same = new MemorySecretBackend(Mode::Available);
    same->secrets() = backend->secrets();
    TokenStore nextTokens(again.get(), std::unique_ptr<SecretBackend>(same));
    SettingsStore next(again.get(), &nextTokens);
    nextTokens.load(next.tokenIds());   // as AppSession loads them
    QVERIFY(waitReady(nextTokens));
    const EndpointSettings b = next.endpoints().value(0), o = next.endpoints().value(1);
    QCOMPARE(b.signIn, EndpointSettings::SignIn::Basic);
    QCOMPARE(b.authUser, u"ada"_s);
    QCOMPARE(b.authValue, u"pa55word"_s);
    QCOMPARE(o.signIn, EndpointSettings::SignIn::ClientCredentials);
    QCOMPARE(o.oauthIssuer, oauth.oauthIssuer);
    QCOMPARE(o.oauthAuthorizationUrl, oauth.oauthAuthorizationUrl);
    QCOMPARE(o.oauthTokenUrl, oauth.oauthTokenUrl);
    QCOMPARE(o.oauthClientId, oauth.oauthClientId);
    QCOMPARE(o.oauthScope, oauth.oauthScope);
    QCOMPARE(o.authValue, u"client-s3cret"_s);
    QVERIFY(o.oauthTokens.contains(u"r3fresh"_s));

    // Emptied: gone from the file, not kept as an empty key.
    oauth.oauthScope.clear();
    store.setEndpoints({basic, oauth});
    QVERIFY(waitIdle(tokens));
    QVERIFY(!fileText().contains(u"oauthScope"_s));
    QVERIFY(fileText().contains(u"oauthClientId"_s));
}

void tst_TokenStore::migratesPlainTextTokensIntoKeychain()
{
    m_settings->setValue(u"endpoints/order"_s, QStringList{u"a"_s, u"b"_s, u"c"_s});
    for (const QString &id : {u"a"_s, u"b"_s, u"c"_s})
        m_settings->setValue(u"endpoints/%1/baseUrl"_s.arg(id), u"https://%1.example.com"_s.arg(id));
    m_settings->setValue(u"endpoints/a/authValue"_s, u"Bearer plain-a"_s);   // an earlier version's
    m_settings->setValue(u"endpoints/b/authValue"_s, u"Bearer plain-b-newer"_s);   // written while no keychain answered
    m_settings->setValue(u"endpoints/b/tokenInPlainText"_s, true);
    auto *backend = new MemorySecretBackend(Mode::Available);
    backend->secrets().insert(TokenStore::keychainKey(u"b"_s), u"Bearer kc-b-older"_s);
    backend->secrets().insert(TokenStore::keychainKey(u"c"_s), u"Bearer kc-c"_s);

    TokenStore tokens(m_settings.get(), std::unique_ptr<SecretBackend>(backend));
    SettingsStore store(m_settings.get(), &tokens);
    tokens.load(store.endpointIds());
    QVERIFY(waitReady(tokens));
    QVERIFY(waitIdle(tokens));
    const QList<EndpointSettings> loaded = store.endpoints();
    QCOMPARE(loaded.value(0).authValue, u"Bearer plain-a"_s);
    QCOMPARE(loaded.value(1).authValue, u"Bearer plain-b-newer"_s);
    QCOMPARE(loaded.value(2).authValue, u"Bearer kc-c"_s);
    // In the keychain now, and out of the file.
    QCOMPARE(backend->secrets().value(TokenStore::keychainKey(u"a"_s)), u"Bearer plain-a"_s);
    QCOMPARE(backend->secrets().value(TokenStore::keychainKey(u"b"_s)), u"Bearer plain-b-newer"_s);
    const QString text = fileText();
    QVERIFY2(!text.contains(u"plain-"_s), qPrintable(text));
    QVERIFY(text.contains(u"a.example.com"_s));
}

void tst_TokenStore::refusingKeychainFallsBack()
{
    auto *backend = new MemorySecretBackend(Mode::Available);
    TokenStore tokens(m_settings.get(), std::unique_ptr<SecretBackend>(backend));
    SettingsStore store(m_settings.get(), &tokens);
    tokens.load({});
    QVERIFY(waitReady(tokens));
    backend->setMode(Mode::Refusing);
    QSignalSpy failed(&tokens, &TokenStore::failed);
    store.setEndpoints({endpoint(u"a"_s, u"Bearer refused"_s)});
    QVERIFY(waitIdle(tokens));
    QCOMPARE(failed.size(), 1);
    QVERIFY(failed.first().at(1).toString().contains(u"Access denied"_s));
    QVERIFY(!failed.first().at(1).toString().contains(u"refused"_s));   // the message names no secret
    QCOMPARE(store.endpoints().value(0).authValue, u"Bearer refused"_s);   // this session keeps it
    QVERIFY(!fileText().contains(u"Bearer"_s));
}

void tst_TokenStore::silentKeychainDoesNotHoldUpStart()
{
    m_settings->setValue(u"endpoints/order"_s, QStringList{u"a"_s});
    m_settings->setValue(u"endpoints/a/baseUrl"_s, u"https://a.example.com"_s);
    TokenStore tokens(m_settings.get(), std::make_unique<MemorySecretBackend>(Mode::Silent));
    QSignalSpy ready(&tokens, &TokenStore::ready);
    tokens.load({u"a"_s}, std::chrono::milliseconds(50));
    QVERIFY(!tokens.isReady());
    QVERIFY(ready.wait(5000));
    QCOMPARE(ready.size(), 1);
    QVERIFY(tokens.isReady());
    QVERIFY(tokens.token(u"a"_s).isEmpty());
}

void tst_TokenStore::noWriteWhenNothingChanged()
{
    auto *backend = new MemorySecretBackend(Mode::Available);
    backend->secrets().insert(TokenStore::keychainKey(u"a"_s), u"Bearer same"_s);
    m_settings->setValue(u"endpoints/order"_s, QStringList{u"a"_s});
    m_settings->setValue(u"endpoints/a/baseUrl"_s, u"https://a.example.com"_s);
    TokenStore tokens(m_settings.get(), std::unique_ptr<SecretBackend>(backend));
    SettingsStore store(m_settings.get(), &tokens);
    tokens.load(store.endpointIds());
    QVERIFY(waitReady(tokens));
    const int calls = backend->calls();
    // Saving the settings (another field changed) does not write the unchanged token again.
    EndpointSettings a = store.endpoints().value(0);
    a.pageSize = 20;
    store.setEndpoints({a});
    QVERIFY(!tokens.isBusy());
    QCOMPARE(backend->calls(), calls);
    a.authValue = u"Bearer other"_s;
    store.setEndpoints({a});
    QVERIFY(waitIdle(tokens));
    QCOMPARE(backend->calls(), calls + 1);
    QCOMPARE(backend->secrets().value(TokenStore::keychainKey(u"a"_s)), u"Bearer other"_s);
}

void tst_TokenStore::realSecretService()
{
    if (!withSecretService())
        QSKIP("needs a Secret Service: run through tests/support/with-secret-service.sh (tst_tokenstore_keychain)");
    const QString service = u"Refetch-test-%1"_s.arg(QCoreApplication::applicationPid());
    m_settings->setValue(u"endpoints/order"_s, QStringList{u"a"_s, u"b"_s});
    m_settings->setValue(u"endpoints/a/baseUrl"_s, u"https://a.example.com"_s);
    m_settings->setValue(u"endpoints/b/baseUrl"_s, u"https://b.example.com"_s);
    m_settings->setValue(u"endpoints/a/authValue"_s, u"Bearer real-plain-a"_s);
    {
        TokenStore tokens(m_settings.get(), std::make_unique<KeychainBackend>(service));
        SettingsStore store(m_settings.get(), &tokens);
        tokens.load(store.endpointIds());
        QVERIFY(waitReady(tokens));
        QCOMPARE(tokens.keychain(), TokenStore::Keychain::Available);
        QVERIFY(waitIdle(tokens));
        QVERIFY2(!fileText().contains(u"real-plain-a"_s), qPrintable(fileText()));   // migrated
        QList<EndpointSettings> endpoints = store.endpoints();
        QCOMPARE(endpoints.value(0).authValue, u"Bearer real-plain-a"_s);
        endpoints[1].authValue = u"Bearer real-b"_s;
        store.setEndpoints(endpoints);
        QVERIFY(waitIdle(tokens));
        QVERIFY(!fileText().contains(u"real-b"_s));
    }
    {
        // Another process's view: QtKeychain on the same Secret Service.
        auto again = reopen();
        TokenStore tokens(again.get(), std::make_unique<KeychainBackend>(service));
        SettingsStore store(again.get(), &tokens);
        tokens.load(store.endpointIds());
        QVERIFY(waitReady(tokens));
        QCOMPARE(store.endpoints().value(0).authValue, u"Bearer real-plain-a"_s);
        QCOMPARE(store.endpoints().value(1).authValue, u"Bearer real-b"_s);
        // Removing the endpoints deletes their tokens from the keychain.
        store.setEndpoints({});
        QVERIFY(waitIdle(tokens));
    }
    {
        auto again = reopen();
        TokenStore tokens(again.get(), std::make_unique<KeychainBackend>(service));
        tokens.load({u"a"_s, u"b"_s});
        QVERIFY(waitReady(tokens));
        QCOMPARE(tokens.keychain(), TokenStore::Keychain::Available);
        QVERIFY(tokens.token(u"a"_s).isEmpty());
        QVERIFY(tokens.token(u"b"_s).isEmpty());
    }
}

QTEST_MAIN(tst_TokenStore)
#include "tst_tokenstore.moc"
