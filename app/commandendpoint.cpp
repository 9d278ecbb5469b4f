#include "commandendpoint.h"

#include "core/session/apiconnection.h"
#include "core/session/appsession.h"
#include "core/session/endpointsettings.h"
#include "core/session/keychainbackend.h"
#include "core/session/settingsstore.h"
#include "core/session/tokenstore.h"
#include "ui/translations.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTimer>
#include <QUrl>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace refetch {

Q_LOGGING_CATEGORY(lcCommand, "refetch.command")

CommandEndpoint::CommandEndpoint() = default;
CommandEndpoint::~CommandEndpoint()
{
    connection.reset();   // before the session it writes through
}
CommandEndpoint::CommandEndpoint(CommandEndpoint &&) noexcept = default;

void say(const QString &text)
{
    std::fprintf(stderr, "%s\n", qPrintable(text));
}

int usageError(const QString &command, const QString &text)
{
    say(u"refetch %1: %2"_s.arg(command, text));
    say(u"Try 'refetch %1 --help'."_s.arg(command));
    return 2;
}

void startCommand()
{
    QCoreApplication::setApplicationName(u"Refetch"_s);
    QCoreApplication::setOrganizationName(u"Refetch"_s);
    // QT_LOGGING_RULES, read after these, still turns on what it names (refetch.command.info=true).
    QLoggingCategory::setFilterRules(u"refetch.*.info=false\nrefetch.*.debug=false"_s);
    installTranslations(*QCoreApplication::instance());
}

std::optional<CommandEndpoint> CommandEndpoint::open(QCoreApplication &app, const QString &text,
                                                     const QString &cacheDirectory, QString *error, int *status)
{
    const QUrl url(text, QUrl::StrictMode);
    const bool isUrl = EndpointSettings::isUsableUrl(url);
    CommandEndpoint out;
    out.session = std::make_unique<AppSession>(
        AppSessionOptions{.secrets = isUrl ? nullptr : std::make_unique<KeychainBackend>()});
    AppSession &session = *out.session;
    if (!isUrl && session.tokens() && !session.tokens()->isReady()) {
        QObject::connect(session.tokens(), &TokenStore::ready, &app, &QCoreApplication::quit, Qt::SingleShotConnection);
        app.exec();
    }
    EndpointSettings settings;
    if (isUrl) {
        settings = session.store()->transientEndpoint(u"command-line"_s, QString(), url);
    } else {
        bool found = false;
        QStringList names;
        for (const EndpointSettings &e : session.store()->endpoints()) {
            names.append(e.displayName());
            if (!found && (e.displayName() == text || e.id == text || e.baseUrl.toString() == text)) {
                settings = e;
                found = true;
            }
        }
        if (!found) {
            *error = names.isEmpty()
                ? u"'%1' is neither an http(s) URL nor a saved endpoint (none are saved)."_s.arg(text)
                : u"'%1' is neither an http(s) URL nor a saved endpoint (saved: %2)."_s.arg(text, names.join(u", "));
            *status = 2;
            return std::nullopt;
        }
    }
    session.setEndpointsInUse({settings.baseUrl});
    out.connection = std::make_unique<ApiConnection>(settings, session.client(), session.mutations(), session.transport(),
                                                     cacheDirectory);
    ApiConnection &connection = *out.connection;
    // A command signs in with the window's OAuth tokens (it opens no browser), and keeps what it renews.
    QObject::connect(&connection, &ApiConnection::tokensChanged, &app,
                     [store = session.store(), id = settings.id, plain = settings.tokenInPlainText](const QString &tokens) {
        store->setOAuthTokens(id, tokens, plain);
    });
    qCInfo(lcCommand) << "waiting for detection of" << settings.baseUrl;
    if (connection.isLoading()) {
        // The signal, and a look every 100 ms besides: a detection settled between the check and exec() is no wait.
        QObject::connect(&connection, &ApiConnection::resourcesChanged, &app, [&] {
            if (!connection.isLoading())
                app.quit();
        });
        QTimer poll;
        QObject::connect(&poll, &QTimer::timeout, &app, [&] {
            if (!connection.isLoading())
                app.quit();
        });
        poll.start(100);
        app.exec();
    }
    qCInfo(lcCommand) << "detected:" << connection.resources();
    if (connection.resources().isEmpty() && !connection.errorString().isEmpty()) {
        *error = u"%1: %2"_s.arg(settings.baseUrl.toString(), connection.errorString());
        *status = 1;
        return std::nullopt;
    }
    return out;
}

} // namespace refetch
