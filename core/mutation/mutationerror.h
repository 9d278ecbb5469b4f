#pragma once

#include "core/json/json.h"
#include "core/client/queryerror.h"

#include <QMap>
#include <QMetaType>
#include <QStringList>

namespace refetch {

// Why a write failed, as a form needs it: the HTTP error, the server's own message, the errors per field of a
// 422, and for a 412 both the user's change and the server's current record, so that nothing is lost.
struct MutationError
{
    enum class Kind {
        Failed,      // anything else: see `error`
        Validation,  // the server refused the values: see fieldErrors
        Conflict,    // the record changed on the server since it was read (412): see mine and theirs
    };

    Kind kind = Kind::Failed;
    QueryError error;                        // status, method, URL without credentials, body excerpt
    QString serverMessage;                   // "message", "error", "detail" or "title" of a JSON error body
    QMap<QString, QStringList> fieldErrors;  // field -> its messages, in the server's words
    Json body;                               // the error body, when it is JSON
    Json mine;                               // Conflict: the change the user sent
    Json theirs;                             // Conflict: the server's record now (Undefined if it could not be read)
    QByteArray theirsEtag;                   // Conflict: send it as the mutation's etag to overwrite theirs

    int httpStatus() const { return error.httpStatus; }
    bool isConflict() const { return kind == Kind::Conflict; }
    bool isValidation() const { return kind == Kind::Validation; }

    // "PATCH http://host/posts/7: HTTP 422: title: must not be empty"
    QString toString() const;

    // A failure with its body read: a 412 is a Conflict, field errors make it a Validation error.
    static MutationError fromFailure(const QueryError &error, const Json &body = {});
    // Field errors of every shape servers use: {"errors":{"f":"msg"}} and {"errors":{"f":["msg",...]}} (Laravel,
    // Rails), {"fields":{...}} (ours), {"errors":[{"field":"f","message":"msg"},...]}, JSON:API's
    // {"errors":[{"source":{"pointer":"/data/attributes/f"},"detail":...}]}, FastAPI/pydantic's
    // {"detail":[{"loc":["body","f"],"msg":...}]}, Strapi's {"error":{"details":{"errors":[{"path":["f"]}]}}}, and
    // Django REST framework's bare {"f":["msg"],"non_field_errors":[...]}.
    static QMap<QString, QStringList> parseFieldErrors(const Json &body);
    static QString parseMessage(const Json &body);
    // A request that never reached the server: no connection, no route, no name, or a timeout before any
    // byte of an answer. Such a write is paused until the network returns, not failed.
    static bool isConnectionFailure(const QueryError &error);
};

} // namespace refetch

Q_DECLARE_METATYPE(refetch::MutationError)
