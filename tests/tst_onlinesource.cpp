#include "core/client/onlinesource.h"

#include <QNetworkInformation>
#include <QSignalSpy>
#include <QtTest>

using namespace refetch;

// Network reachability as the cache sees it: a hand-driven source, and QNetworkInformation's default backend
// when the machine has one (CI machines often do not: then the source stays online rather than pausing
// everything).
class tst_OnlineSource : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void manual();
    void forcedOffline();
    void networkInformation();
    void localOnlyIgnoresTheNetwork();
    void loopbackUrls_data();
    void loopbackUrls();
};

namespace {
// The network's word, driven by hand.
class DrivenNetworkSource : public NetworkOnlineSource
{
public:
    using NetworkOnlineSource::setNetworkReachable;
};
} // namespace

void tst_OnlineSource::manual()
{
    OnlineSource source;
    QSignalSpy spy(&source, &OnlineSource::onlineChanged);
    QVERIFY(spy.isValid());
    QVERIFY(source.isOnline());
    source.setOnline(true);
    QCOMPARE(spy.size(), 0);
    source.setOnline(false);
    QCOMPARE(spy.size(), 1);
    QCOMPARE(spy.at(0).at(0).toBool(), false);
    source.setOnline(false);
    QCOMPARE(spy.size(), 1);
    source.setOnline(true);
    QCOMPARE(spy.size(), 2);
}

void tst_OnlineSource::forcedOffline()
{
    // The inspector's "simulate offline": offline whatever the network says, and back to what it says after.
    OnlineSource source;
    QSignalSpy spy(&source, &OnlineSource::onlineChanged);
    source.setForcedOffline(true);
    QVERIFY(!source.isOnline() && source.isForcedOffline());
    QCOMPARE(spy.size(), 1);
    QCOMPARE(spy.at(0).at(0).toBool(), false);
    // The network going and coming while forced changes nothing anyone sees.
    source.setOnline(false);
    source.setOnline(true);
    QCOMPARE(spy.size(), 1);
    source.setOnline(false);
    source.setForcedOffline(false);
    QCOMPARE(spy.size(), 1);   // still offline: the network is down
    QVERIFY(!source.isOnline());
    source.setOnline(true);
    QCOMPARE(spy.size(), 2);
    QCOMPARE(spy.at(1).at(0).toBool(), true);
}

void tst_OnlineSource::networkInformation()
{
    NetworkOnlineSource source;
    QNetworkInformation *info = QNetworkInformation::instance();
    if (!source.hasBackend()) {
        QVERIFY(source.isOnline());
        QSKIP("no QNetworkInformation backend on this machine: the source stays online (checked above)");
    }
    QVERIFY(info);
    QCOMPARE(source.isOnline(), info->reachability() != QNetworkInformation::Reachability::Disconnected);
}

// A desktop whose network manager says "disconnected" while every endpoint is on 127.0.0.1 (the sample API, a
// local dev server) must not pause anything.
void tst_OnlineSource::localOnlyIgnoresTheNetwork()
{
    DrivenNetworkSource source;
    QSignalSpy spy(&source, &OnlineSource::onlineChanged);
    source.setNetworkReachable(false);
    QVERIFY(!source.isOnline());
    source.setLocalOnly(true);
    QVERIFY(source.isOnline());
    source.setNetworkReachable(true);
    source.setNetworkReachable(false);
    QVERIFY(source.isOnline());
    QCOMPARE(spy.size(), 2);   // offline, then online; nothing while local only
    source.setForcedOffline(true);   // the inspector's "simulate offline" still wins
    QVERIFY(!source.isOnline());
    source.setForcedOffline(false);
    source.setLocalOnly(false);      // a server on the network again: the network's word counts
    QVERIFY(!source.isOnline());
    QCOMPARE(spy.last().at(0).toBool(), false);
}

void tst_OnlineSource::loopbackUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("loopback");
    QTest::newRow("127.0.0.1") << "http://127.0.0.1:3000/api" << true;
    QTest::newRow("127.8.9.10") << "http://127.8.9.10/" << true;
    QTest::newRow("localhost") << "http://LOCALHOST:8080" << true;
    QTest::newRow("sub.localhost") << "https://api.localhost/" << true;
    QTest::newRow("::1") << "http://[::1]:3000/" << true;
    QTest::newRow("lan") << "http://192.168.1.5/" << false;
    QTest::newRow("name") << "https://api.example.com/v1" << false;
    QTest::newRow("localhost.example.com") << "https://localhost.example.com/" << false;
    QTest::newRow("empty") << "" << false;
}

void tst_OnlineSource::loopbackUrls()
{
    QFETCH(QString, url);
    QFETCH(bool, loopback);
    QCOMPARE(NetworkOnlineSource::isLoopback(QUrl(url)), loopback);
}

QTEST_GUILESS_MAIN(tst_OnlineSource)
#include "tst_onlinesource.moc"
