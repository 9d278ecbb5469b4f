#pragma once

#include "waitingchanges.h"

#include "core/json/json.h"
#include "core/persist/draftstore.h"

#include <QObject>
#include <QPointer>
#include <functional>
#include <optional>

class QWidget;

namespace refetch {

class Mutation;
class MutationQueue;
class PendingWrites;
class RecordPane;

// The window's outbox: the writes the server refused after their form closed, kept with their values (nothing
// else keeps them) until the user opens them in the form again or lets them go, and the dialog that lists them
// with the writes that wait for the server.
class Outbox : public QObject
{
    Q_OBJECT
public:
    // Shows a record in the window, with `draft`'s values as its edits when given; `opened` runs once it shows.
    using OpenRecord = std::function<void(const QString &endpointId, const QString &resource, const Json &id,
                                          const std::optional<Draft> &draft, const std::function<void()> &opened)>;

    // Keeps the refusals of `queue`'s writes whose record `pane` does not show (the form shows its own, with its
    // edits); the dialog, over `window`, lists `writes` too and opens records through `open`.
    Outbox(MutationQueue *queue, PendingWrites *writes, RecordPane *pane, OpenRecord open, QWidget *window);

    int refusedCount() const { return int(m_refused.size()); }

public Q_SLOTS:
    // Opens the dialog, or brings it to the front.
    void show();

Q_SIGNALS:
    // A write was refused after its form closed: what it was ("tasks · 16: title") and the server's words.
    void refused(const QString &label, const QString &error);
    void refusedCountChanged(int count);

private:
    void onWriteSettled(Mutation *m);
    void refusedChanged();

    PendingWrites *m_writes;
    RecordPane *m_pane;
    OpenRecord m_open;
    QWidget *m_window;
    QList<RefusedWrite> m_refused;
    QPointer<WaitingChanges> m_dialog;
};

} // namespace refetch
