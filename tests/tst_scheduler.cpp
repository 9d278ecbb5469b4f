#include "core/client/scheduler.h"

#include <QtTest>

using namespace refetch;
using namespace std::chrono_literals;

class tst_Scheduler : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void runsInDeadlineOrder();
    void cancel();
    void dueNowRunsNextTurn();
    void tasksScheduleTasks();
    void realClockFires();
    void timerIntervalClamped();
};

void tst_Scheduler::runsInDeadlineOrder()
{
    ManualClock clock;
    Scheduler s(&clock);
    QList<int> ran;
    s.scheduleIn(30ms, [&] { ran << 3; });
    s.scheduleIn(10ms, [&] { ran << 1; });
    s.scheduleIn(20ms, [&] { ran << 2; });
    s.scheduleIn(20ms, [&] { ran << 22; });  // same deadline: in the order scheduled
    QCOMPARE(s.pending(), 4);
    QCOMPARE(s.nextDeadline(), clock.now() + 10ms);
    clock.advance(9ms);
    QVERIFY(ran.isEmpty());
    clock.advance(11ms);
    QCOMPARE(ran, (QList<int>{1, 2, 22}));
    clock.advance(1h);
    QCOMPARE(ran, (QList<int>{1, 2, 22, 3}));
    QCOMPARE(s.pending(), 0);
    QCOMPARE(s.nextDeadline(), TimePoint::max());
}

void tst_Scheduler::cancel()
{
    ManualClock clock;
    Scheduler s(&clock);
    int ran = 0;
    const auto a = s.scheduleIn(10ms, [&] { ++ran; });
    const auto b = s.scheduleIn(10ms, [&] { ran += 10; });
    QVERIFY(s.isScheduled(a));
    s.cancel(a);
    s.cancel(a);      // twice: nothing
    s.cancel(0);      // never an id
    QVERIFY(!s.isScheduled(a));
    clock.advance(10ms);
    QCOMPARE(ran, 10);
    QVERIFY(!s.isScheduled(b));
    s.cancel(b);      // already ran: nothing
}

void tst_Scheduler::dueNowRunsNextTurn()
{
    ManualClock clock;
    Scheduler s(&clock);
    bool ran = false;
    s.scheduleIn(0ms, [&] { ran = true; });
    QVERIFY(!ran);     // never synchronously
    QTRY_VERIFY(ran);  // the next turn, without the clock moving
}

void tst_Scheduler::tasksScheduleTasks()
{
    ManualClock clock;
    Scheduler s(&clock);
    int count = 0;
    std::function<void()> again = [&] {
        if (++count < 3)
            s.scheduleIn(5ms, again);
    };
    s.scheduleIn(5ms, again);
    clock.advance(5ms);
    QCOMPARE(count, 1);
    clock.advance(5ms);
    QCOMPARE(count, 2);
    clock.advance(50ms);
    QCOMPARE(count, 3);
}

void tst_Scheduler::realClockFires()
{
    SystemClock clock;
    Scheduler s(&clock);
    QList<int> ran;
    s.scheduleIn(60ms, [&] { ran << 2; });
    s.scheduleIn(20ms, [&] { ran << 1; });
    QTRY_COMPARE(ran, (QList<int>{1, 2}));
}

void tst_Scheduler::timerIntervalClamped()
{
    QCOMPARE(toTimerInterval(-5ms), 0);
    QCOMPARE(toTimerInterval(1500ms), 1500);
    QCOMPARE(toTimerInterval(std::chrono::hours(24 * 365)), std::numeric_limits<int>::max());
    QCOMPARE(toTimerInterval(Millis::max()), std::numeric_limits<int>::max());
    // A far deadline does not overflow the timer.
    SystemClock clock;
    Scheduler s(&clock);
    s.scheduleIn(std::chrono::hours(24 * 365), [] {});
    QCOMPARE(s.pending(), 1);
}

QTEST_GUILESS_MAIN(tst_Scheduler)
#include "tst_scheduler.moc"
