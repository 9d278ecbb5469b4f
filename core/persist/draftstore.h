#pragma once

#include "core/json/json.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace refetch {

class StoreFile;

// Unsaved edits of one record form, as plain data: what a DraftStore keeps so that they survive a crash.
struct Draft
{
    QString endpoint;     // EndpointConfig::name
    QString resource;     // "posts"
    Json id;              // the record's id; Undefined for a new record (not created yet)
    Json fields;          // object: the changed fields with the values typed
    Json base;            // object: the server's values of those fields the edits were made on (none for a new record)
    QByteArray etag;      // the ETag of the record the edits were made on; empty when unknown
    QDateTime savedAt;    // when the edits were last changed

    bool isNew() const { return id.isUndefined(); }
    Json toJson() const;
    // Nothing, with `error` set, when `json` is not a draft.
    static std::optional<Draft> fromJson(const Json &json, QString *error = nullptr);
};

// Keeps an endpoint's draft (at most one: its form edits one record at a time) in a StoreFile, committed durably
// (synchronous=FULL: it is what the user typed, and a power cut must not take it). A row that cannot be read is
// ignored with a warning, and replaced by the next save.
class DraftStore
{
public:
    DraftStore(StoreFile *file, QString endpoint);

    // The saved draft, read from the file; nothing when there is none or it cannot be read (see errors()).
    std::optional<Draft> draft();
    // Replaces the endpoint's draft. A draft equal to the saved one but for its time is not written again.
    bool save(const Draft &draft);
    // Deletes the endpoint's draft, if any.
    bool remove();
    // Why saved drafts could not be read, as they were found.
    QStringList errors() const { return m_errors; }
    // Commits made by save() and remove(), for tests.
    int commits() const { return m_commits; }

private:
    StoreFile *m_file;
    QString m_endpoint;
    std::optional<QByteArray> m_saved;   // the body on disk, without its time; unset: not known
    QStringList m_errors;
    int m_commits = 0;
};

} // namespace refetch
