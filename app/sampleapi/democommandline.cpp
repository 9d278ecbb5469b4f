#include "democommandline.h"

#include <QCommandLineParser>

namespace refetch {

namespace {

std::optional<double> rate(const QString &value)
{
    bool ok = false;
    const double r = value.toDouble(&ok);
    return ok && r >= 0 && r <= 1 ? std::optional<double>(r) : std::nullopt;
}

} // namespace

DemoCommandLine::DemoCommandLine()
    : m_demo(QStringLiteral("demo"), QStringLiteral("Start on the built-in sample API (--endpoint wins when both are given)."))
    , m_reset(QStringLiteral("demo-reset"), QStringLiteral("Seed the sample API's data again, dropping every edit."))
    , m_seed(QStringLiteral("demo-seed"),
             QStringLiteral("Seed the sample API from <file>, a db.json in json-server's format."), QStringLiteral("file"))
    , m_latency(QStringLiteral("demo-latency"), QStringLiteral("Delay every sample API answer by <ms> milliseconds."),
                QStringLiteral("ms"))
    , m_failRate(QStringLiteral("demo-fail-rate"),
                 QStringLiteral("Answer a share <p> (0 to 1) of sample API requests with 503 and Retry-After."),
                 QStringLiteral("p"))
    , m_dropRate(QStringLiteral("demo-drop-rate"),
                 QStringLiteral("Close the connection mid-answer for a share <p> (0 to 1) of sample API requests."),
                 QStringLiteral("p"))
    , m_rows(QStringLiteral("demo-rows"),
             QStringLiteral("Add 'rows' to the sample API: <n> read-only records made as they are asked for."),
             QStringLiteral("n"))
{
}

void DemoCommandLine::addTo(QCommandLineParser &parser) const
{
    parser.addOptions(commandLineOptions());
}

QList<QCommandLineOption> DemoCommandLine::commandLineOptions() const
{
    return {m_demo, m_reset, m_seed, m_latency, m_failRate, m_dropRate, m_rows};
}

bool DemoCommandLine::isRequested(const QCommandLineParser &parser) const
{
    for (const QCommandLineOption *option : {&m_demo, &m_reset, &m_seed, &m_latency, &m_failRate, &m_dropRate, &m_rows}) {
        if (parser.isSet(*option))
            return true;
    }
    return false;
}

std::optional<SampleApi::Options> DemoCommandLine::options(const QCommandLineParser &parser, QString *error) const
{
    SampleApi::Options options;
    options.reset = parser.isSet(m_reset);
    options.seedFile = parser.value(m_seed);
    if (parser.isSet(m_latency)) {
        bool ok = false;
        const qlonglong ms = parser.value(m_latency).toLongLong(&ok);
        if (!ok || ms < 0) {
            *error = QStringLiteral("--demo-latency needs a whole number of milliseconds, got '%1'").arg(parser.value(m_latency));
            return std::nullopt;
        }
        options.latency = std::chrono::milliseconds(ms);
    }
    if (parser.isSet(m_rows)) {
        bool ok = false;
        const qlonglong rows = parser.value(m_rows).toLongLong(&ok);
        if (!ok || rows < 0) {
            *error = QStringLiteral("--demo-rows needs a whole number of records, got '%1'").arg(parser.value(m_rows));
            return std::nullopt;
        }
        options.generated.append({QStringLiteral("rows"), rows});
    }
    for (const auto &[option, target] : {std::pair{&m_failRate, &options.failRate}, std::pair{&m_dropRate, &options.dropRate}}) {
        if (!parser.isSet(*option))
            continue;
        const std::optional<double> r = rate(parser.value(*option));
        if (!r) {
            *error = QStringLiteral("--%1 needs a number from 0 to 1, got '%2'").arg(option->names().first(), parser.value(*option));
            return std::nullopt;
        }
        *target = *r;
    }
    return options;
}

} // namespace refetch
