#include "core/client/focussource.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"

#include <QGuiApplication>
#include <QSignalSpy>
#include <QtTest>

using namespace refetch;
using namespace std::chrono_literals;

// The application's activation reaches the cache: QEvent::ApplicationStateChange on the application object,
// as a QGuiApplication delivers it, becomes focus changes and refetches of stale observed data.
class tst_FocusSource : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void followsApplicationStateEvents();
    void activationRefetchesStale();
    void manualSource();

private:
    static bool isActive(const QEvent *e)
    {
        return static_cast<const QApplicationStateChangeEvent *>(e)->applicationState() == Qt::ApplicationActive;
    }
    static void setState(Qt::ApplicationState state)
    {
        QApplicationStateChangeEvent event(state);
        QCoreApplication::sendEvent(qApp, &event);
    }
};

void tst_FocusSource::followsApplicationStateEvents()
{
    ApplicationFocusSource source(&tst_FocusSource::isActive);
    QSignalSpy spy(&source, &FocusSource::focusChanged);
    QVERIFY(spy.isValid());
    QVERIFY(source.isFocused());
    setState(Qt::ApplicationInactive);
    QCOMPARE(spy.size(), 1);
    QCOMPARE(spy.at(0).at(0).toBool(), false);
    QVERIFY(!source.isFocused());
    setState(Qt::ApplicationHidden);     // still not active: no change
    QCOMPARE(spy.size(), 1);
    setState(Qt::ApplicationActive);
    QCOMPARE(spy.size(), 2);
    QVERIFY(source.isFocused());
    setState(Qt::ApplicationActive);     // no change, no signal
    QCOMPARE(spy.size(), 2);
    // Other events on the application are not activation.
    QEvent other(QEvent::LanguageChange);
    QCoreApplication::sendEvent(qApp, &other);
    QCOMPARE(spy.size(), 2);
}

void tst_FocusSource::activationRefetchesStale()
{
    ManualClock clock;
    ApplicationFocusSource focus(&tst_FocusSource::isActive);
    QueryClient client(ClientConfig{.clock = &clock, .focus = &focus});
    int fetches = 0;
    QueryOptions o;
    o.key = {"x"};
    o.fn = [&](const QueryFnContext &ctx) { ++fetches; ctx.resolve(Json(fetches)); };
    QueryObserver observer(&client, o);
    QCOMPARE(fetches, 1);
    setState(Qt::ApplicationInactive);
    setState(Qt::ApplicationActive);
    QTRY_COMPARE(fetches, 2);
    // Within the throttle: nothing more.
    setState(Qt::ApplicationInactive);
    setState(Qt::ApplicationActive);
    QCoreApplication::processEvents();
    QCOMPARE(fetches, 2);
    // Fresh data is not refetched on focus.
    o.key = {"fresh"};
    o.staleTime = 1h;
    QueryObserver fresh(&client, o);
    QCOMPARE(fetches, 3);
    clock.advance(10s);
    setState(Qt::ApplicationInactive);
    setState(Qt::ApplicationActive);
    QTRY_COMPARE(fetches, 4);    // "x" only
    QCoreApplication::processEvents();
    QCOMPARE(fetches, 4);
}

void tst_FocusSource::manualSource()
{
    FocusSource source;
    QSignalSpy spy(&source, &FocusSource::focusChanged);
    source.setFocused(true);
    QCOMPARE(spy.size(), 0);
    source.setFocused(false);
    source.setFocused(true);
    QCOMPARE(spy.size(), 2);
}

QTEST_MAIN(tst_FocusSource)
#include "tst_focussource.moc"
