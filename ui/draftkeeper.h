#pragma once

#include "core/session/apiconnection.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>

namespace refetch {

class ApiConnection;
class RecordPane;

// Feeds the record form's unsaved edits to its endpoint's DraftStore, like a mail client's drafts: written
// `delay` after the last change and at once on flush() (when the app quits), removed once the form has none
// (saved, discarded, the record deleted).
class DraftKeeper : public QObject
{
    Q_OBJECT
public:
    explicit DraftKeeper(RecordPane *pane, QObject *parent = nullptr);

    // Writes the pending change now.
    void flush();
    // No more writes or removals: the window is going, and its form emptying is no discard.
    void stop();
    // The draft restored from `connection`'s store is the form's now: settling the edits removes it.
    void adopt(ApiConnection *connection);

    static constexpr std::chrono::milliseconds delay{500};

private:
    void onPaneChanged();
    void write();

    RecordPane *m_pane;
    QTimer m_timer;
    QPointer<ApiConnection> m_savedIn;   // where a draft of the form is on disk
    bool m_stopped = false;
};

} // namespace refetch
