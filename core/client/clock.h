#pragma once

#include <QObject>
#include <chrono>

namespace refetch {

using Millis = std::chrono::milliseconds;
// Wall-clock time in milliseconds since the Unix epoch: persisted "updated at" times stay meaningful across runs.
using TimePoint = std::chrono::milliseconds;

// The source of time for everything in the cache that depends on it (stale time, gc, retries, intervals),
// so that tests can drive time instead of sleeping.
class Clock : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual TimePoint now() const = 0;
    // True when time passes by itself and deadlines are met with a real timer.
    virtual bool isRealTime() const = 0;

Q_SIGNALS:
    // A manual clock moved forward: due deadlines should run now.
    void advanced();
};

// The system's wall clock.
class SystemClock final : public Clock
{
    Q_OBJECT
public:
    using Clock::Clock;
    TimePoint now() const override;
    bool isRealTime() const override { return true; }
};

// A clock that only moves when a test says so.
class ManualClock final : public Clock
{
    Q_OBJECT
public:
    explicit ManualClock(TimePoint start = TimePoint{1'700'000'000'000}, QObject *parent = nullptr)
        : Clock(parent), m_now(start) {}
    TimePoint now() const override { return m_now; }
    bool isRealTime() const override { return false; }
    void advance(Millis by);
    void setNow(TimePoint t);

private:
    TimePoint m_now;
};

// Clamps a duration to what a QTimer's int milliseconds can hold (about 24.8 days).
int toTimerInterval(Millis d);

} // namespace refetch
