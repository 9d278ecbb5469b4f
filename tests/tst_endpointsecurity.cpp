#include "core/models/pagedtablemodel.h"
#include "core/mutationqueue.h"
#include "core/queryclient.h"
#include "core/queryobserver.h"
#include "support/httpfixture.h"
#include "support/tlsfront.h"
#include "ui/apiconnection.h"
#include "ui/emptystate.h"
#include "ui/mainwindow.h"
#include "ui/settingsdialog.h"
#include "ui/settingsstore.h"

#include <QAbstractItemModelTester>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace Qt::StringLiterals;

namespace {

// A JSON document of about `megabytes` MB: `head` and a padding member.
QByteArray padded(const QByteArray &head, double megabytes)
{
    return "{" + head + R"(,"padding":")" + QByteArray(qsizetype(megabytes * 1024 * 1024), 'x') + "\"}";
}

} // namespace

// The window's side of the security promises. An endpoint's largest response: kept in the settings, checked,
// edited in the dialog, and applied by the transport to every response of that endpoint (discovery, lists, the
// record, writes); what a response over the cap looks like is tst_faults' part, this is the plumbing. And a
// certificate the system does not trust: the window says what is wrong with it, in place.
class tst_EndpointSecurity : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void settingPersistedAndClamped();
    void settingValidated();
    void settingInDialog();
    void settingsKeepNoCredentials();
    void capReachesEveryResponse_data();
    void capReachesEveryResponse();
    void certificateProblemShownInPlace();
};

void tst_EndpointSecurity::settingPersistedAndClamped()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    SettingsStore store(&settings);
    EndpointSettings e;
    e.id = u"a"_s;
    e.baseUrl = QUrl(u"https://api.example.com"_s);
    QCOMPARE(e.maxResponseMegabytes, 64);
    QCOMPARE(e.endpointConfig().limits.maxBytes, 64LL * 1024 * 1024);
    e.maxResponseMegabytes = 3;
    store.setEndpoints({e});
    QSettings again(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    QCOMPARE(SettingsStore(&again).endpoints().value(0).maxResponseMegabytes, 3);
    QCOMPARE(SettingsStore(&again).endpoints().value(0).endpointConfig().limits.maxBytes, 3LL * 1024 * 1024);
    // A hand-edited file is held to the limits.
    settings.setValue(u"endpoints/a/maxResponseMegabytes"_s, 0);
    QCOMPARE(store.endpoints().value(0).maxResponseMegabytes, 1);
    settings.setValue(u"endpoints/a/maxResponseMegabytes"_s, 1'000'000);
    QCOMPARE(store.endpoints().value(0).maxResponseMegabytes, EndpointSettings::maxResponseMegabytesLimit);
    settings.setValue(u"endpoints/a/maxResponseMegabytes"_s, u"lots"_s);
    QCOMPARE(store.endpoints().value(0).maxResponseMegabytes, 1);
}

void tst_EndpointSecurity::settingValidated()
{
    EndpointSettings e;
    e.baseUrl = QUrl(u"https://api.example.com"_s);
    QVERIFY(e.validate().isEmpty());
    e.maxResponseMegabytes = 0;
    QCOMPARE(e.validate(), u"The largest response must be between 1 and 1024 MB."_s);
    e.maxResponseMegabytes = 1025;
    QVERIFY(!e.validate().isEmpty());
    // The core never sees an out-of-range cap.
    QCOMPARE(e.endpointConfig().limits.maxBytes, 1024LL * 1024 * 1024);
}

void tst_EndpointSecurity::settingsKeepNoCredentials()
{
    EndpointSettings e;
    e.baseUrl = QUrl(u"https://alice:pw@api.example.com"_s);
    QVERIFY(e.validate().contains(u"Leave the user name and password out of the URL"_s));
    QVERIFY(!e.validate().contains(u"pw"_s));
    e.transient = true;   // --endpoint: for this session, never saved
    QVERIFY(e.validate().isEmpty());
    e.transient = false;
    e.baseUrl = QUrl(u"https://api.example.com"_s);
    e.authValue = u"Bearer a\r\nX-Injected: 1"_s;
    QCOMPARE(e.validate(), u"The token cannot contain line breaks."_s);
}

void tst_EndpointSecurity::settingInDialog()
{
    EndpointSettings e;
    e.id = u"a"_s;
    e.baseUrl = QUrl(u"https://api.example.com"_s);
    e.maxResponseMegabytes = 8;
    SettingsDialog dialog({e});
    QSpinBox *box = dialog.maxResponseSpinBox();
    QCOMPARE(box->value(), 8);
    QCOMPARE(box->minimum(), 1);
    QCOMPARE(box->maximum(), EndpointSettings::maxResponseMegabytesLimit);
    box->setValue(2);
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(dialog.endpoints().value(0).maxResponseMegabytes, 2);
}

void tst_EndpointSecurity::capReachesEveryResponse_data()
{
    QTest::addColumn<int>("cap");
    QTest::addColumn<bool>("refused");
    QTest::newRow("1 MB refuses 2 MB") << 1 << true;
    QTest::newRow("3 MB takes 2 MB") << 3 << false;
}

void tst_EndpointSecurity::capReachesEveryResponse()
{
    QFETCH(int, cap);
    QFETCH(bool, refused);
    HttpFixture fixture;
    QVERIFY(fixture.start());
    // Every answer is about 2 MB.
    fixture.setJson(u"/openapi.json"_s, padded(R"("openapi":"3.0.0","paths":{"/posts":{"get":{}}})", 2));
    fixture.setJson(u"/posts"_s, "[" + padded(R"("id":1)", 2) + "]");
    fixture.setJson(u"/posts/1"_s, padded(R"("id":1)", 2));
    fixture.route("PATCH", u"/posts/1"_s, [](const RecordedRequest &) { return Response::json(padded(R"("id":1)", 2)); });

    EndpointSettings settings;
    settings.id = u"big"_s;
    settings.baseUrl = fixture.baseUrl();
    settings.maxResponseMegabytes = cap;
    QueryClient client;
    MutationQueue queue(&client);
    QNetworkAccessManager nam;
    HttpTransport transport(&nam);
    {
        ApiConnection connection(settings, &client, &queue, &transport);
        // Discovery (/openapi.json).
        QTRY_VERIFY_WITH_TIMEOUT(!connection.isLoading(), 10000);
        QCOMPARE(connection.errorString().contains(u"too large"_s), refused);
        QCOMPARE(connection.resources(), refused ? QStringList() : QStringList{u"posts"_s});
        // The list.
        PagedTableModel list(&client, connection.endpoint(), connection.listOptions(u"posts"_s));
        QAbstractItemModelTester tester(&list, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QTRY_VERIFY_WITH_TIMEOUT(list.hasError() || list.rowCount() == 1, 10000);
        QCOMPARE(list.hasError(), refused);
        QCOMPARE(list.errorString().contains(u"too large"_s), refused);
        // The record (the form's detail query).
        QueryObserver detail(&client, connection.detailQuery(u"posts"_s, Json(1)));
        QTRY_VERIFY_WITH_TIMEOUT(!detail.isFetching(), 10000);
        QCOMPARE(detail.error() != nullptr, refused);
        if (refused)
            QCOMPARE(detail.error()->kind, QueryError::Kind::TooLarge);
        // A write's answer.
        Mutation *write = queue.mutate(connection.updateOptions(u"posts"_s, Json(1)), Json::object({{u"title", Json("t")}}));
        QSignalSpy settled(write, &Mutation::settled);
        QVERIFY(settled.wait(10000));
        QCOMPARE(write->error() != nullptr, refused);
        if (refused)
            QCOMPARE(write->error()->error.kind, QueryError::Kind::TooLarge);
    }
    client.removeQueries({});
}

void tst_EndpointSecurity::certificateProblemShownInPlace()
{
    HttpFixture fixture;
    QVERIFY(fixture.start());
    fixture.setJson(u"/db"_s, R"({"posts":[]})");
    TlsFront tls;
    QVERIFY(tls.start(fixture.port()));
    QTemporaryDir dir;
    QSettings settings(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    SettingsStore store(&settings);
    EndpointSettings e;
    e.id = u"tls"_s;
    e.name = u"Self-signed"_s;
    e.baseUrl = tls.baseUrl();
    e.authValue = u"Bearer never-sent"_s;
    store.setEndpoints({e});

    QueryClient client;
    MutationQueue mutations(&client);
    QNetworkAccessManager nam;
    HttpTransport transport(&nam);
    {
        MainWindow window({.client = &client, .mutations = &mutations, .transport = &transport, .settings = &store});
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.emptyState()->title().startsWith(u"Could not reach Self-signed"_s), 15000);
        const QString text = window.emptyState()->text();
        QVERIFY2(text.contains(u"the TLS certificate of 127.0.0.1 was refused: The certificate is self-signed, and untrusted"_s),
                 qPrintable(text));
        QVERIFY(!text.contains(u"never-sent"_s));
        QCOMPARE(window.emptyState()->buttons().size(), 2);   // Retry, Settings…
        QCOMPARE(fixture.count(), 0);   // nothing got through, the token least of all
    }
    client.removeQueries({});
}

QTEST_MAIN(tst_EndpointSecurity)
#include "tst_endpointsecurity.moc"
