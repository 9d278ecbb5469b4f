#include "core/models/pagedtablemodel.h"
#include "core/mutation/mutationqueue.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"
#include "support/httpfixture.h"
#include "support/tlsfront.h"
#include "core/session/apiconnection.h"
#include "ui/emptystate.h"
#include "core/session/appsession.h"
#include "ui/mainwindow.h"
#include "ui/settingsdialog.h"
#include "support/windowparts.h"
#include "core/session/settingsstore.h"

#include <QAbstractItemModelTester>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
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

// Writes `data` to `name` in `dir`; returns its path.
QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &data)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size())
        qFatal("cannot write %s", qPrintable(file.fileName()));
    return file.fileName();
}

} // namespace

// The window's side of the security promises. An endpoint's largest response: kept in the settings, checked,
// edited in the dialog, and applied by the transport to every response of that endpoint (discovery, lists, the
// record, writes); what a response over the cap looks like is tst_faults' part, this is the plumbing. And a
// certificate the system does not trust: the window says what is wrong with it, in place; an endpoint's CA
// certificate file (checked, kept, chosen in the dialog) makes it trusted for that endpoint's fetches.
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
    void caCertificateValidated_data();
    void caCertificateValidated();
    void caCertificateTrustedForFetches_data();
    void caCertificateTrustedForFetches();
    void caCertificateInDialog();
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
    e.caCertificateFile = TlsFront::certificateFile();
    store.setEndpoints({e});
    QSettings again(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    QCOMPARE(SettingsStore(&again).endpoints().value(0).maxResponseMegabytes, 3);
    QCOMPARE(SettingsStore(&again).endpoints().value(0).endpointConfig().limits.maxBytes, 3LL * 1024 * 1024);
    // The CA certificate's path is kept, and read again into the core's config.
    QCOMPARE(SettingsStore(&again).endpoints().value(0).caCertificateFile, TlsFront::certificateFile());
    QCOMPARE(SettingsStore(&again).endpoints().value(0).endpointConfig().caCertificates,
             QList<QSslCertificate>{TlsFront::certificate()});
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
}

void tst_EndpointSecurity::certificateProblemShownInPlace()
{
    HttpFixture fixture;
    QVERIFY(fixture.start());
    fixture.setJson(u"/db"_s, R"({"posts":[]})");
    TlsFront tls;
    QVERIFY(tls.start(fixture.port()));
    QTemporaryDir dir;
    AppSession session(AppSessionOptions{.settingsFile = dir.filePath(u"s.ini"_s)});
    EndpointSettings e;
    e.id = u"tls"_s;
    e.name = u"Self-signed"_s;
    e.baseUrl = tls.baseUrl();
    e.authValue = u"Bearer never-sent"_s;
    session.store()->setEndpoints({e});
    {
        MainWindow window(&session);
        window.show();
        const EmptyState *empty = findPart<EmptyState>(&window, "emptyState");
        QTRY_VERIFY_WITH_TIMEOUT(empty->title().startsWith(u"Could not reach Self-signed"_s), 15000);
        const QString text = empty->text();
        QVERIFY2(text.contains(u"the TLS certificate of 127.0.0.1 was refused: The certificate is self-signed, and untrusted"_s),
                 qPrintable(text));
        QVERIFY(!text.contains(u"never-sent"_s));
        QCOMPARE(empty->buttons().size(), 2);   // Retry, Settings…
        QCOMPARE(fixture.count(), 0);   // nothing got through, the token least of all
    }
}

void tst_EndpointSecurity::caCertificateValidated_data()
{
    QTest::addColumn<QString>("file");    // in a temporary folder; "!" + name: not created; "/...": as it is
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("error");   // after the file's path; empty: usable
    const QByteArray pem = TlsFront::certificate().toPem();
    QTest::newRow("PEM") << u"ca.pem"_s << pem << QString();
    QTest::newRow("DER") << u"ca.der"_s << TlsFront::certificate().toDer() << QString();
    QTest::newRow("PEM bundle") << u"bundle.crt"_s << pem + pem << QString();
    QTest::newRow("missing") << u"!gone.pem"_s << QByteArray() << u"” cannot be read (No such file or directory)."_s;
    QTest::newRow("folder") << u"!"_s << QByteArray() << u"” cannot be read (file to open is a directory)."_s;
    QTest::newRow("garbage") << u"garbage.pem"_s << QByteArray("not a certificate\n\x01\x02") << u"” holds no certificate (PEM or DER)."_s;
    QTest::newRow("empty") << u"empty.crt"_s << QByteArray() << u"” holds no certificate (PEM or DER)."_s;
    QTest::newRow("endless device") << u"/dev/zero"_s << QByteArray() << u"” is too large for a certificate file (more than 8 MB)."_s;
    QTest::newRow("broken PEM") << u"broken.pem"_s
        << QByteArray("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n") << u"” holds no certificate (PEM or DER)."_s;
}

void tst_EndpointSecurity::caCertificateValidated()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, data);
    QFETCH(QString, error);
    QTemporaryDir dir;
    const QString path = file.startsWith(u'/') ? file
                       : file.startsWith(u'!') ? dir.filePath(file.mid(1)) : writeFile(dir, file, data);
    EndpointSettings e;
    e.baseUrl = QUrl(u"https://api.example.com"_s);
    e.caCertificateFile = path;
    const EndpointConfig config = e.endpointConfig();
    if (error.isEmpty()) {
        QCOMPARE(e.validate(), QString());
        QVERIFY(!config.caCertificates.isEmpty());
        QVERIFY(config.caCertificates.contains(TlsFront::certificate()));
        QCOMPARE(config.caCertificatesError, QString());
        return;
    }
    // The sentence names the file, and the core gets the same sentence to name when a certificate is refused.
    QVERIFY2(e.validate().startsWith(u"The CA certificate file “"_s + path + error), qPrintable(e.validate()));
    QVERIFY(config.caCertificates.isEmpty());
    QCOMPARE(config.caCertificatesError, e.validate());
}

void tst_EndpointSecurity::caCertificateTrustedForFetches_data()
{
    QTest::addColumn<QString>("caFile");   // "gone": a file that was there and is no more
    QTest::addColumn<QString>("error");    // empty: the fetch succeeds
    QTest::newRow("committed certificate") << TlsFront::certificateFile() << QString();
    QTest::newRow("none") << QString()
        << u"was refused: The certificate is self-signed, and untrusted; if the server uses a private certificate "
           "authority, trust its CA certificate in the endpoint's settings"_s;
    QTest::newRow("file gone") << u"gone"_s
        << u"was refused: The certificate is self-signed, and untrusted; the CA certificate set for this endpoint was "
           "not loaded: The CA certificate file “"_s;
}

void tst_EndpointSecurity::caCertificateTrustedForFetches()
{
    QFETCH(QString, caFile);
    QFETCH(QString, error);
    HttpFixture fixture;
    QVERIFY(fixture.start());
    fixture.setJson(u"/posts"_s, R"([{"id":1}])");
    TlsFront tls;
    QVERIFY(tls.start(fixture.port()));
    QTemporaryDir dir;
    if (caFile == u"gone") {
        // Chosen, then removed before the connection is made (the next start).
        caFile = writeFile(dir, u"ca.pem"_s, TlsFront::certificate().toPem());
        EndpointSettings chosen;
        chosen.baseUrl = tls.baseUrl();
        chosen.caCertificateFile = caFile;
        QCOMPARE(chosen.validate(), QString());
        QVERIFY(QFile::remove(caFile));
    }
    EndpointSettings settings;
    settings.id = u"private-ca"_s;
    settings.baseUrl = tls.baseUrl();
    settings.authValue = u"Bearer sent-only-when-trusted"_s;
    settings.caCertificateFile = caFile;

    QNetworkAccessManager nam;
    HttpTransport transport(&nam);
    const Endpoint endpoint(&transport, settings.endpointConfig());
    QueryClient client;
    QueryObserver posts(&client, QueryOptions{.key = QueryKey{settings.id, u"posts"_s}, .fn = endpoint.get(u"/posts"_s),
                                              .retry = RetryPolicy::none()});
    QTRY_VERIFY_WITH_TIMEOUT(posts.isSuccess() || posts.isError(), 10000);
    if (error.isEmpty()) {
        QVERIFY2(posts.isSuccess(), qPrintable(posts.error() ? posts.error()->toString() : QString()));
        QCOMPARE(posts.data().size(), 1);
        QCOMPARE(fixture.count("GET", "/posts"), 1);
        QCOMPARE(fixture.requests().first().headers.value("authorization"), QByteArray("Bearer sent-only-when-trusted"));
    } else {
        QVERIFY(posts.isError());
        const QString text = posts.error()->toString();
        QCOMPARE(posts.error()->networkError, QNetworkReply::SslHandshakeFailedError);
        QVERIFY2(text.contains(u"the TLS certificate of 127.0.0.1 "_s + error), qPrintable(text));
        QCOMPARE(fixture.count(), 0);   // the token never left
    }
}

void tst_EndpointSecurity::caCertificateInDialog()
{
    QTemporaryDir dir;
    const QString garbage = writeFile(dir, u"garbage.crt"_s, "no certificate here");
    EndpointSettings e;
    e.id = u"a"_s;
    e.baseUrl = QUrl(u"https://intranet.example.com"_s);
    SettingsDialog dialog({e});
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QLineEdit *edit = dialog.caCertificateEdit();
    QLabel *info = dialog.caCertificateInfoLabel();
    QVERIFY(edit->text().isEmpty());
    QVERIFY(!info->isVisible());

    // Browse…: the file dialog offers certificates; the chosen file's subject and expiry show under the field.
    QTest::mouseClick(dialog.caCertificateBrowseButton(), Qt::LeftButton);
    QFileDialog *chooser = nullptr;
    QTRY_VERIFY((chooser = dialog.findChild<QFileDialog *>()) != nullptr);
    QCOMPARE(chooser->nameFilters().value(0), u"Certificates (*.pem *.crt *.cer *.der)"_s);
    chooser->selectFile(TlsFront::certificateFile());
    static_cast<QDialog *>(chooser)->accept();   // QFileDialog::accept(), which checks the file
    QCOMPARE(edit->text(), TlsFront::certificateFile());
    QVERIFY(info->isVisible());
    QCOMPARE(info->text(), u"CN=127.0.0.1, expires 2126-10-28"_s);
    QVERIFY(dialog.errorLabel()->isHidden());

    // A file without a certificate: the error shows in place of the subject, and OK refuses with it.
    edit->selectAll();
    QTest::keyClicks(edit, garbage);
    const QString error = u"The CA certificate file “"_s + garbage + u"” holds no certificate (PEM or DER)."_s;
    QCOMPARE(info->text(), error);
    QVERIFY(dialog.errorLabel()->text().contains(error));
    dialog.accept();
    QVERIFY(dialog.isVisible());
    QVERIFY2(dialog.errorLabel()->text().endsWith(error), qPrintable(dialog.errorLabel()->text()));

    // An http base URL keeps the file, and says when it is used.
    QLineEdit *url = dialog.baseUrlEdit();
    url->selectAll();
    QTest::keyClicks(url, u"http://intranet.example.com"_s);
    QVERIFY(dialog.findChild<QLabel *>(u"caCertificateNote"_s)->text().contains(u"only used if the server redirects to https"_s));
    QCOMPARE(edit->text(), garbage);

    // Back to a good file: accepted, and kept.
    edit->selectAll();
    QTest::keyClicks(edit, TlsFront::certificateFile());
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(dialog.endpoints().value(0).caCertificateFile, TlsFront::certificateFile());
}

QTEST_MAIN(tst_EndpointSecurity)
#include "tst_endpointsecurity.moc"
