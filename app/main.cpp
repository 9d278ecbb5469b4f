#include "app/sampleapi/democommandline.h"
#include "app/sampleapi/sampleapi.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QUrl>

#include <cstdio>

using namespace Qt::StringLiterals;

// app/CMakeLists.txt may pass the project version; this mirrors project(VERSION) in the top CMakeLists.txt.
#ifndef REFETCH_VERSION
#define REFETCH_VERSION "0.1.0"
#endif

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"Refetch"_s);
    QApplication::setOrganizationName(u"Refetch"_s);
    QApplication::setApplicationVersion(QStringLiteral(REFETCH_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(u"A desktop data browser for REST APIs."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption endpointOption(u"endpoint"_s,
        u"Browse the REST API at <url> (http or https)."_s, u"url"_s);
    parser.addOption(endpointOption);
    const refetch::DemoCommandLine demo;
    demo.addTo(parser);
    parser.process(app);

    QUrl endpoint;
    if (parser.isSet(endpointOption)) {
        const QString value = parser.value(endpointOption);
        endpoint = QUrl(value, QUrl::StrictMode);
        if (!endpoint.isValid() || (endpoint.scheme() != u"http" && endpoint.scheme() != u"https")
            || endpoint.host().isEmpty()) {
            std::fprintf(stderr, "refetch: --endpoint needs an http or https URL such as "
                                 "https://api.example.com/v1, got '%s'\n", qPrintable(value));
            return 2;
        }
    }

    refetch::SampleApi sampleApi;
    if (endpoint.isEmpty() && demo.isRequested(parser)) {
        QString error;
        const auto options = demo.options(parser, &error);
        if (!options || !sampleApi.start(*options, &error)) {
            std::fprintf(stderr, "refetch: %s\n", qPrintable(error));
            return options ? 1 : 2;
        }
        // One line on standard output, flushed: scripts and tests read the port from it.
        std::printf("%s\n", qPrintable(sampleApi.announcement()));
        std::fflush(stdout);
        endpoint = sampleApi.baseUrl();
    }

    refetch::MainWindow window;
    window.setEndpoint(endpoint);
    window.show();

    return app.exec();
}
