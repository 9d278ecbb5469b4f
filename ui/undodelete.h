#pragma once

#include "core/json/json.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace refetch {

class MessageBar;
class Mutation;
class MutationQueue;
class QueryClient;

// The deletes in their undo time: the bar under the list that counts down to each DELETE and offers Undo, the
// deletes of the last session that were restored unsent (offered again), and the window's wait for them when it
// closes.
class UndoDelete : public QObject
{
    Q_OBJECT
public:
    // One delete in its undo time.
    struct Delete
    {
        QPointer<Mutation> mutation;
        QString endpointId;
        QString resource;
        Json id;
        QString label;      // "posts · 7"
        bool restored = false;   // made in the last session, not sent when it ended
        QString batch;           // deleted together with the others of its batch (rows selected): undone together
                                 // (MutationOptions::batch, so after a restart too)
    };

    // `bar` shows the countdown and the Undo button; `client` tells the time the countdown counts in.
    UndoDelete(MessageBar *bar, const QueryClient *client, QObject *parent = nullptr);

    // Follows a delete in its undo time: the undo bar, its outcome.
    void add(const Delete &pending);
    // Offers the deletes of the last session that `queue` restores unsent with a new undo time, like fresh ones:
    // those it holds now and those it restores later.
    void followRestored(MutationQueue *queue);

    // A delete can still be undone.
    bool canUndo() const;
    // A delete in its undo time is not sent yet.
    bool hasUnsent() const;
    // The window is closing: the bar says that it closes once the deletes are sent, and allSent() says when.
    void closeWhenSent();

public Q_SLOTS:
    // Brings back the newest delete that can still be undone.
    void undo();

Q_SIGNALS:
    // Whether a delete can be undone may have changed: the window's Undo action follows.
    void changed();
    // The server deleted `label` ("posts · 7").
    void deleted(const QString &label);
    // `undone` is back, before it was sent.
    void undone(const refetch::UndoDelete::Delete &undone);
    // After closeWhenSent(): the last delete is sent, the window may close.
    void allSent();

private:
    // A delete of the last session restored unsent, with a new undo time: offered for undo like a fresh one.
    void offerRestored(Mutation *m);
    // The bar's countdown and text, from the deletes still in their undo time.
    void update();

    MessageBar *m_bar;
    const QueryClient *m_client;
    QList<Delete> m_deletes;
    QTimer m_tick;
    bool m_offered = false;         // the bar shows the undo offer (not an error)
    bool m_closeWhenSent = false;   // closed while deletes waited: close once they are sent
};

} // namespace refetch
