#pragma once

#include "apiconnection.h"

#include "core/persist/draftstore.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>
#include <functional>
#include <optional>

namespace refetch {

// Feeds a form's unsaved edits to its endpoint's DraftStore, like a mail client's drafts: written `delay` after
// the last change and at once on flush() (when the app quits), removed once the form has none (saved, discarded,
// the record deleted). The form is read through two functions, so that this needs no widget: its draft (nothing
// when it has no unsaved edits, or they are being sent: the queued write is kept by then) and its connection.
class DraftKeeper : public QObject
{
    Q_OBJECT
public:
    using DraftFn = std::function<std::optional<Draft>()>;
    using ConnectionFn = std::function<ApiConnection *()>;
    DraftKeeper(DraftFn draft, ConnectionFn connection, QObject *parent = nullptr);

    // The form's edits or state changed: a draft is written after `delay`, or removed now.
    void formChanged();
    // Writes the pending change now.
    void flush();
    // No more writes or removals: the window is going, and its form emptying is no discard.
    void stop();
    // The draft restored from `connection`'s store is the form's now: settling the edits removes it.
    void adopt(ApiConnection *connection);

    static constexpr std::chrono::milliseconds delay{500};

private:
    void write();

    DraftFn m_draft;
    ConnectionFn m_connection;
    QTimer m_timer;
    QPointer<ApiConnection> m_savedIn;   // where a draft of the form is on disk
    bool m_stopped = false;
};

} // namespace refetch
