#include "support/externalserver.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QtTest>

#ifndef REFETCH_SERVERS_DIR
#error "tests/CMakeLists.txt passes REFETCH_SERVERS_DIR (tests/servers in the source tree)"
#endif

using namespace std::chrono_literals;

namespace refetch::test {

namespace {

constexpr qsizetype OutputKept = 64 * 1024;
const QByteArray ListeningPrefix = "Listening on ";
const QByteArray RequestPrefix = "REQUEST ";

// The Python modules a server imports, and the Debian packages that bring them.
struct PythonNeeds
{
    QString modules;
    QString packages;
};

PythonNeeds pythonNeeds(ExternalServer::Kind kind)
{
    if (kind == ExternalServer::Drf)
        return {QStringLiteral("django, rest_framework, django_filters"),
                QStringLiteral("python3-django python3-djangorestframework python3-django-filters")};
    return {QStringLiteral("fastapi, uvicorn, pydantic"), QStringLiteral("python3-fastapi python3-uvicorn")};
}

// Every dependency package.json names, installed at the version it pins; else what is not.
QStringList missingNpmPackages(const QString &folder)
{
    QFile manifest(folder + QStringLiteral("/package.json"));
    if (!manifest.open(QIODevice::ReadOnly))
        return {QStringLiteral("%1 (%2)").arg(manifest.fileName(), manifest.errorString())};
    const QJsonObject dependencies = QJsonDocument::fromJson(manifest.readAll()).object().value(u"dependencies").toObject();
    QStringList missing;
    for (auto it = dependencies.begin(); it != dependencies.end(); ++it) {
        const QString wanted = it.value().toString();
        QFile installed(QStringLiteral("%1/node_modules/%2/package.json").arg(folder, it.key()));
        const QString version = installed.open(QIODevice::ReadOnly)
            ? QJsonDocument::fromJson(installed.readAll()).object().value(u"version").toString()
            : QString();
        if (version != wanted)
            missing.append(QStringLiteral("%1@%2%3").arg(it.key(), wanted,
                                                         version.isEmpty() ? QString() : QStringLiteral(" (%1 installed)").arg(version)));
    }
    return missing;
}

} // namespace

ExternalServer::ExternalServer(QObject *parent)
    : QObject(parent)
{
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &ExternalServer::readStdout);
    connect(&m_process, &QProcess::readyReadStandardError, this, &ExternalServer::readStderr);
}

ExternalServer::~ExternalServer()
{
    stop();
}

bool ExternalServer::start(const QString &program, const QStringList &args, QString *error,
                           std::chrono::milliseconds timeout)
{
    return startProcess(program, args, QString(), error, timeout);
}

bool ExternalServer::start(Kind kind, const QString &seedFile, const QStringList &extraArgs, QString *error,
                           std::chrono::milliseconds timeout)
{
    const QFileInfo seed(seedFile);
    if (!seed.isFile()) {
        *error = QStringLiteral("no seed file %1").arg(seedFile);
        return false;
    }
    const QStringList args = QStringList{script(kind), QStringLiteral("--seed"), seed.absoluteFilePath()} + extraArgs;
    return startProcess(program(kind), args, seed.absolutePath(), error, timeout);
}

bool ExternalServer::startProcess(const QString &program, const QStringList &args, const QString &workingDirectory,
                                  QString *error, std::chrono::milliseconds timeout)
{
    if (isRunning()) {
        *error = QStringLiteral("already running on %1").arg(m_baseUrl.toString());
        return false;
    }
    m_baseUrl.clear();
    m_requests.clear();
    m_output.clear();
    m_partialLine.clear();

    const QString commandLine = QStringList(QStringList{program} + args).join(u' ');
    m_process.setWorkingDirectory(workingDirectory);
    m_process.start(program, args);
    if (!m_process.waitForStarted(int(timeout.count()))) {
        *error = QStringLiteral("cannot start %1: %2").arg(commandLine, m_process.errorString());
        return false;
    }
    const bool listening = QTest::qWaitFor([this] { return !m_baseUrl.isEmpty() || !isRunning(); }, int(timeout.count()));
    if (listening && !m_baseUrl.isEmpty())
        return true;

    const QString why = isRunning() ? QStringLiteral("printed no \"Listening on\" line within %1 ms").arg(timeout.count())
                                    : QStringLiteral("exited with status %1").arg(m_process.exitCode());
    stop();
    *error = QStringLiteral("%1 %2; its output:\n%3").arg(commandLine, why, QString::fromUtf8(m_output));
    return false;
}

void ExternalServer::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    readStdout();
    readStderr();
}

QUrl ExternalServer::issuer() const
{
    static const QByteArray prefix = "Issuer ";
    for (const QByteArray &line : m_output.split('\n')) {
        if (line.startsWith(prefix))
            return QUrl(QString::fromUtf8(line.mid(prefix.size()).trimmed()));
    }
    return {};
}

int ExternalServer::requestCount(const QString &method, const QString &pathPrefix) const
{
    int count = 0;
    for (const QString &request : m_requests) {
        const qsizetype space = request.indexOf(u' ');
        const QStringView requestMethod = QStringView(request).left(space);
        const QStringView target = QStringView(request).mid(space + 1);
        if ((method.isEmpty() || requestMethod == method) && target.startsWith(pathPrefix))
            ++count;
    }
    return count;
}

void ExternalServer::readStdout()
{
    const QByteArray bytes = m_process.readAllStandardOutput();
    if (bytes.isEmpty())
        return;
    appendOutput(bytes);
    m_partialLine += bytes;
    qsizetype end;
    while ((end = m_partialLine.indexOf('\n')) >= 0) {
        QByteArray line = m_partialLine.left(end);
        m_partialLine.remove(0, end + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.startsWith(RequestPrefix)) {
            const QString request = QString::fromUtf8(line.mid(RequestPrefix.size()));
            m_requests.append(request);
            emit requestSeen(request);
        } else if (line.startsWith(ListeningPrefix) && m_baseUrl.isEmpty()) {
            m_baseUrl = QUrl(QString::fromUtf8(line.mid(ListeningPrefix.size()).trimmed()));
        }
    }
}

void ExternalServer::readStderr()
{
    appendOutput(m_process.readAllStandardError());
}

void ExternalServer::appendOutput(const QByteArray &bytes)
{
    m_output += bytes;
    if (m_output.size() > OutputKept)
        m_output.remove(0, m_output.size() - OutputKept);
}

QString ExternalServer::python()
{
    return QStringLiteral("/usr/bin/python3");
}

QString ExternalServer::node()
{
    return QStandardPaths::findExecutable(QStringLiteral("node"));
}

QString ExternalServer::serversDir()
{
    return QStringLiteral(REFETCH_SERVERS_DIR);
}

QString ExternalServer::script(Kind kind)
{
    switch (kind) {
    case Drf:
        return serversDir() + QStringLiteral("/drf/server.py");
    case FastApi:
        return serversDir() + QStringLiteral("/fastapi/server.py");
    case JsonServer:
        return serversDir() + QStringLiteral("/json-server-1/server.mjs");
    case JsonApi:
        return serversDir() + QStringLiteral("/jsonapi/server.js");
    case JsonServer017:
        return serversDir() + QStringLiteral("/json-server-0.17/server.js");
    case Oidc:
        return serversDir() + QStringLiteral("/oidc/server.js");
    }
    Q_UNREACHABLE();
}

QString ExternalServer::program(Kind kind)
{
    return kind == Drf || kind == FastApi ? python() : node();
}

bool ExternalServer::available(Kind kind, QString *why)
{
    const QString name = QString::fromLatin1(QMetaEnum::fromType<Kind>().valueToKey(kind));
    if (!QFileInfo::exists(script(kind))) {
        *why = QStringLiteral("%1: no %2").arg(name, script(kind));
        return false;
    }
    if (kind == Drf || kind == FastApi) {
        const PythonNeeds needs = pythonNeeds(kind);
        if (!QFileInfo(python()).isExecutable()) {
            *why = QStringLiteral("%1: no %2 (Debian's python3)").arg(name, python());
            return false;
        }
        QProcess probe;
        probe.setProcessChannelMode(QProcess::MergedChannels);
        probe.start(python(), {QStringLiteral("-c"), QStringLiteral("import %1").arg(needs.modules)});
        if (!probe.waitForFinished(30000) || probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0) {
            const QList<QByteArray> lines = probe.readAll().trimmed().split('\n');
            *why = QStringLiteral("%1: %2 cannot import %3: %4; scripts/setup.sh installs %5")
                       .arg(name, python(), needs.modules, QString::fromUtf8(lines.last()), needs.packages);
            return false;
        }
        return true;
    }
    if (node().isEmpty()) {
        *why = QStringLiteral("%1: no node in PATH; scripts/setup.sh installs Debian's nodejs").arg(name);
        return false;
    }
    // json-server 0.17 is the conformance suite's (tests/conformance/package.json).
    const QString folder = kind == JsonServer017 ? serversDir() + QStringLiteral("/../conformance")
                                                 : QFileInfo(script(kind)).absolutePath();
    const QStringList missing = missingNpmPackages(folder);
    if (!missing.isEmpty()) {
        *why = QStringLiteral("%1: not installed in %2: %3; its CTest fixture installs them (npm ci --prefix %2)")
                   .arg(name, folder, missing.join(QStringLiteral(", ")));
        return false;
    }
    return true;
}

bool ExternalServer::skipAllowed()
{
    return qEnvironmentVariableIntValue("REFETCH_ALLOW_MISSING_SERVERS") == 1;
}

} // namespace refetch::test
