#pragma once

#include <QByteArray>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QString>
#include <QTcpServer>

#include <memory>

// What the in-process QHttpServer users (the sample API and the tests' HTTP fixture) share. Header-only, so that
// the fixtures use it without linking the sample API.

namespace refetch {

// Listens on 127.0.0.1 on a free port and binds `server` to it: our own QTcpServer bound to QHttpServer is the
// start-up that works on Qt 6.4 and later. Returns the listener (owned by `server`), or nullptr and `error`.
inline QTcpServer *listenOnLoopback(QHttpServer *server, QString *error = nullptr, quint16 port = 0)
{
    auto listener = std::make_unique<QTcpServer>();
    if (!listener->listen(QHostAddress::LocalHost, port)) {
        if (error)
            *error = QStringLiteral("cannot listen on 127.0.0.1: %1").arg(listener->errorString());
        return nullptr;
    }
    listener->setParent(server);
    server->bind(listener.get());
    return listener.release();
}

// "GET", "PATCH"...: the request line's method.
inline QByteArray methodName(QHttpServerRequest::Method method)
{
    using M = QHttpServerRequest::Method;
    switch (method) {
    case M::Get: return "GET";
    case M::Put: return "PUT";
    case M::Delete: return "DELETE";
    case M::Post: return "POST";
    case M::Head: return "HEAD";
    case M::Options: return "OPTIONS";
    case M::Patch: return "PATCH";
    case M::Connect: return "CONNECT";
    case M::Trace: return "TRACE";
    default: return "UNKNOWN";
    }
}

} // namespace refetch
