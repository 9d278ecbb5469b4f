#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QStatusBar>
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
    const QCommandLineOption demoOption(u"demo"_s,
        u"Start on the built-in sample API (--endpoint wins when both are given)."_s);
    const QCommandLineOption endpointOption(u"endpoint"_s,
        u"Browse the REST API at <url> (http or https)."_s, u"url"_s);
    parser.addOption(demoOption);
    parser.addOption(endpointOption);
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

    refetch::MainWindow window;
    window.setEndpoint(endpoint);
    // The sample API is a later issue: accept the flag and say where things stand.
    if (parser.isSet(demoOption) && endpoint.isEmpty())
        window.statusBar()->showMessage(QObject::tr("Sample API: not built yet"));
    window.show();

    return app.exec();
}
