#pragma once

#include <QLoggingCategory>
#include <QString>

#include <memory>
#include <optional>

class QCoreApplication;

namespace refetch {

Q_DECLARE_LOGGING_CATEGORY(lcCommand)

class ApiConnection;
class AppSession;

// What `refetch export` and `refetch import` talk to: an endpoint named on the command line (an http(s) URL, or a
// saved endpoint by name, id or URL, with its token from the keychain), its dialect detected as the window does it.
struct CommandEndpoint
{
    std::unique_ptr<AppSession> session;
    std::unique_ptr<ApiConnection> connection;

    CommandEndpoint();
    ~CommandEndpoint();
    CommandEndpoint(CommandEndpoint &&) noexcept;

    // Opens it and waits for detection. `cacheDirectory`: where its writes persist (empty: nowhere). On failure:
    // `error` says why and `status` is the exit status (2: the command line, 1: the server).
    static std::optional<CommandEndpoint> open(QCoreApplication &app, const QString &text, const QString &cacheDirectory,
                                               QString *error, int *status);
};

// A command's start: the application's names (its settings and cache are the window's), and the library's notes for
// a developer kept off a script's standard error unless QT_LOGGING_RULES asks for them.
void startCommand();
// A line on standard error.
void say(const QString &text);
// "refetch <command>: <text>" and where the help is; the exit status of a wrong command line (2).
int usageError(const QString &command, const QString &text);

} // namespace refetch
