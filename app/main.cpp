#include "app/sampleapi/democommandline.h"
#include "app/sampleapi/sampleapi.h"
#include "core/focussource.h"
#include "core/httptransport.h"
#include "core/mutationqueue.h"
#include "core/onlinesource.h"
#include "core/queryclient.h"
#include "ui/applicationstate.h"
#include "ui/mainwindow.h"
#include "ui/settingsstore.h"
#include "ui/transfermonitor.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
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
        u"Browse the REST API at <url> (http or https) for this session."_s, u"url"_s);
    parser.addOption(endpointOption);
    const refetch::DemoCommandLine demo;
    demo.addTo(parser);
    parser.process(app);

    QUrl endpoint;
    if (parser.isSet(endpointOption)) {
        const QString value = parser.value(endpointOption);
        endpoint = QUrl(value, QUrl::StrictMode);
        if (!refetch::EndpointSettings::isUsableUrl(endpoint)) {
            std::fprintf(stderr, "refetch: --endpoint needs an http or https URL such as "
                                 "https://api.example.com/v1, got '%s'\n", qPrintable(value));
            return 2;
        }
    }

    refetch::SampleApi sampleApi;
    const bool useDemo = endpoint.isEmpty() && demo.isRequested(parser);
    if (useDemo) {
        QString error;
        const auto options = demo.options(parser, &error);
        if (!options || !sampleApi.start(*options, &error)) {
            std::fprintf(stderr, "refetch: %s\n", qPrintable(error));
            return options ? 1 : 2;
        }
        // One line on standard output, flushed: scripts and tests read the port from it.
        std::printf("%s\n", qPrintable(sampleApi.announcement()));
        std::fflush(stdout);
    }

    // The cache and its sources of time, focus and network state; the writes go before the client.
    refetch::ApplicationFocusSource focus(&refetch::isApplicationActive);
    refetch::NetworkOnlineSource online;
    refetch::QueryClient client(refetch::ClientConfig{.focus = &focus, .online = &online});
    refetch::MutationQueue mutations(&client);
    refetch::TransferMonitor network;
    refetch::HttpTransport transport(&network);

    QSettings settings;
    refetch::SettingsStore store(&settings);
    int status = 0;
    {
        refetch::MainWindow window({.client = &client, .mutations = &mutations, .transport = &transport,
                                    .settings = &store, .transfers = &network});
        if (useDemo)
            window.addSessionEndpoint(store.transientEndpoint(u"sample-api"_s, u"Sample API"_s, sampleApi.baseUrl()));
        else if (!endpoint.isEmpty())
            window.openUrl(endpoint);
        window.show();
        status = app.exec();
    }
    // Empty the cache while the client's scheduler is still there: ~QueryClient deletes the scheduler before the
    // cache, whose entries would cancel their timers on it.
    client.removeQueries({});
    return status;
}
