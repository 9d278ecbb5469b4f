#pragma once

#include "sampleapi.h"

#include <QCommandLineOption>

#include <optional>

QT_BEGIN_NAMESPACE
class QCommandLineParser;
QT_END_NAMESPACE

namespace refetch {

// The --demo command-line options: declares them on a parser, then reads what was given as SampleApi::Options.
class DemoCommandLine
{
public:
    DemoCommandLine();

    void addTo(QCommandLineParser &parser) const;
    // What addTo() adds, for a command line that lists them with its own (app/commandline.h).
    QList<QCommandLineOption> commandLineOptions() const;
    // --demo, or any --demo-... option (each implies --demo).
    bool isRequested(const QCommandLineParser &parser) const;
    // Nothing, with a sentence in *error, when a value is out of range.
    std::optional<SampleApi::Options> options(const QCommandLineParser &parser, QString *error) const;

private:
    QCommandLineOption m_demo;
    QCommandLineOption m_reset;
    QCommandLineOption m_seed;
    QCommandLineOption m_latency;
    QCommandLineOption m_failRate;
    QCommandLineOption m_dropRate;
    QCommandLineOption m_rows;
};

} // namespace refetch
