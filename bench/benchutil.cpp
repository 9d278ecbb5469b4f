#include "benchutil.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace refetch::bench {

int reps()
{
    return std::max(5, qEnvironmentVariableIntValue("REPS"));
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

void printLine(QJsonObject o)
{
    o.insert(QStringLiteral("system"), QStringLiteral("refetch"));
    std::fputs(QJsonDocument(o).toJson(QJsonDocument::Compact).constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void fail(const char *what)
{
    std::fprintf(stderr, "refetch-bench: check failed: %s\n", what);
    std::exit(1);
}

void waitFor(const std::function<bool()> &done, const char *what, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
        if (t.elapsed() > timeoutMs)
            fail(what);
    }
}

qint64 residentBytes()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> parts = f.readAll().split(' ');
    return parts.size() > 1 ? parts[1].toLongLong() * 4096 : 0;
}

Timing measure(const std::function<void()> &setup, const std::function<int()> &run, const std::function<void(int)> &check)
{
    std::vector<double> samples;
    int ops = 0;
    for (int r = 0; r <= reps(); ++r) {
        setup();
        QElapsedTimer t;
        t.start();
        ops = run();
        const qint64 ns = t.nsecsElapsed();
        check(ops);
        if (r > 0)
            samples.push_back(double(ns) / ops);
    }
    return {median(samples), ops};
}

} // namespace refetch::bench
