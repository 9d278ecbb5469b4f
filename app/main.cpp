#include "app/commandline.h"
#include "app/exportcommand.h"
#include "app/importcommand.h"
#include "app/sampleapi/democommandline.h"
#include "app/sampleapi/sampleapi.h"
#include "core/persist/storefile.h"
#include "core/session/appsession.h"
#include "core/session/keychainbackend.h"
#include "core/session/settingsstore.h"
#include "core/session/tokenstore.h"
#include "ui/applicationstate.h"
#include "ui/mainwindow.h"
#include "ui/translations.h"
#include "unixsignals.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QTimer>
#include <QUrl>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

// The version is project(VERSION) in the top CMakeLists.txt, passed by app/CMakeLists.txt: nowhere else.
#ifndef REFETCH_VERSION
#error "REFETCH_VERSION is not defined: app/CMakeLists.txt passes the project's version"
#endif

namespace {

// --help and --version are answered before any QApplication, which would need a display. Nothing when neither was
// asked for (or one of them was only the value of another option); --help-all (Qt's own options too) is left to the
// QApplication, whose options it lists.
std::optional<int> answerHelpOrVersion(int argc, char *argv[])
{
    bool named = false;
    for (int i = 1; i < argc && !named; ++i) {
        for (const char *flag : {"-h", "--help", "-v", "--version"})
            named = named || std::strcmp(argv[i], flag) == 0;
    }
    if (!named)
        return std::nullopt;
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    refetch::windowCommandLine().addTo(parser);
    // parse(), not process(): options of Qt's QApplication (-platform, -style) are unknown here and no error.
    parser.parse(QCoreApplication::arguments());
    if (parser.isSet(u"version"_s)) {
        std::printf("%s\n", qPrintable(refetch::versionText(QCoreApplication::applicationVersion())));
        return 0;
    }
    if (parser.isSet(u"help"_s))
        parser.showHelp(0);
    return std::nullopt;
}

} // namespace

int main(int argc, char *argv[])
{
    // Commands for scripts run without a window (and without a display).
    if (argc > 1 && std::strcmp(argv[1], "export") == 0)
        return refetch::runExportCommand(argc, argv);
    if (argc > 1 && std::strcmp(argv[1], "import") == 0)
        return refetch::runImportCommand(argc, argv);

    QCoreApplication::setApplicationName(u"Refetch"_s);
    QCoreApplication::setOrganizationName(u"Refetch"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(REFETCH_VERSION));
    if (const std::optional<int> status = answerHelpOrVersion(argc, argv))
        return *status;

    QApplication app(argc, argv);
    refetch::installTranslations(app);
    // Its .desktop file's name: how a Wayland compositor finds the window's icon and name.
    QGuiApplication::setDesktopFileName(QStringLiteral(REFETCH_APP_ID));

    // kill, Ctrl+C or a closed terminal quits the normal way: the cache and the unsent writes are saved.
    refetch::UnixSignals quitSignals{SIGTERM, SIGINT, SIGHUP};
    QObject::connect(&quitSignals, &refetch::UnixSignals::received, &app, [](int signalNumber) {
        std::fprintf(stderr, "refetch: %s received: quitting\n", strsignal(signalNumber));
        QCoreApplication::exit(0);
    });

    const refetch::CommandLine commandLine = refetch::windowCommandLine();
    QCommandLineParser parser;
    commandLine.addTo(parser);
    parser.process(app);
    const QCommandLineOption &endpointOption = commandLine.option(u"endpoint");
    const QCommandLineOption &noCacheOption = commandLine.option(u"no-cache");
    const QCommandLineOption &clearCacheOption = commandLine.option(u"clear-cache");
    const refetch::DemoCommandLine demo;

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

    // The cache and its sources of focus and network state, the writes, the transport, the settings and the tokens
    // (in the system keychain; without one, in the settings file only where the user agreed).
    const QString cacheDirectory = refetch::StoreFile::defaultDirectory();
    if (parser.isSet(clearCacheOption) && !QDir(cacheDirectory).removeRecursively())
        std::fprintf(stderr, "refetch: could not delete all of %s\n", qPrintable(cacheDirectory));
    refetch::AppSession session(refetch::AppSessionOptions{
        // Each endpoint's cache and unsent writes persist in a SQLite file there (README, "Persistence").
        .cacheDirectory = parser.isSet(noCacheOption) ? QString() : cacheDirectory,
        .secrets = std::make_unique<refetch::KeychainBackend>(),
        .applicationActive = &refetch::isApplicationActive});
    refetch::SettingsStore &store = *session.store();
    refetch::TokenStore &tokens = *session.tokens();
    int status = 0;
    {
        std::unique_ptr<refetch::MainWindow> window;
        // The window reads the endpoints, tokens included, once the keychain has answered (milliseconds; the
        // token store gives up waiting after 5 s).
        const auto open = [&] {
            window = std::make_unique<refetch::MainWindow>(&session);
            if (useDemo) {
                refetch::EndpointSettings sample = store.transientEndpoint(u"sample-api"_s, u"Sample API"_s, sampleApi.baseUrl());
                // Its port changes every run; its data is the database's.
                sample.cacheIdentity = u"sample-api "_s + sampleApi.databasePath();
                // It applies a write once per Idempotency-Key: after a crash a create is sent again as it is.
                sample.honoursIdempotencyKey = true;
                window->addSessionEndpoint(sample);
            } else if (!endpoint.isEmpty()) {
                window->openUrl(endpoint);
            }
            window->show();
        };
        if (tokens.isReady())
            open();
        else
            QObject::connect(&tokens, &refetch::TokenStore::ready, &app, open, Qt::SingleShotConnection);
        status = app.exec();
    }
    // A token saved just before quitting may still be on its way to the keychain: let it arrive (5 s at most).
    if (tokens.isBusy()) {
        QObject::connect(&tokens, &refetch::TokenStore::idle, &app, &QCoreApplication::quit);
        QTimer::singleShot(5000, &app, &QCoreApplication::quit);
        app.exec();
    }
    return status;
}
