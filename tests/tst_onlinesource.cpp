#include "core/onlinesource.h"

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
};

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

QTEST_GUILESS_MAIN(tst_OnlineSource)
#include "tst_onlinesource.moc"
