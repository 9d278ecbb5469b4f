#include "undodelete.h"

#include "icons.h"
#include "messagebar.h"

#include "core/client/queryclient.h"
#include "core/mutation/mutation.h"
#include "core/mutation/mutationerror.h"
#include "core/mutation/mutationqueue.h"
#include "core/providers/dataprovider.h"

#include <QPushButton>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace refetch {

UndoDelete::UndoDelete(MessageBar *bar, const QueryClient *client, QObject *parent)
    : QObject(parent), m_bar(bar), m_client(client)
{
    m_tick.setInterval(250);
    connect(&m_tick, &QTimer::timeout, this, &UndoDelete::update);
    connect(m_bar, &MessageBar::closed, this, [this] { m_offered = false; });
}

void UndoDelete::followRestored(MutationQueue *queue)
{
    connect(queue, &MutationQueue::mutationAdded, this, &UndoDelete::offerRestored);
    for (Mutation *m : queue->mutations())
        offerRestored(m);
}

void UndoDelete::offerRestored(Mutation *m)
{
    const PersistedMutation &d = m->data();
    // Only one that waits again: one without a new undo time, or that may have reached the server, goes at once.
    if (!m->isRestored() || d.mode != MutationMode::Undoable || d.method != "DELETE" || !m->canUndo()
        || m->undoDeadline() <= m_client->now())
        return;
    if (std::any_of(m_deletes.cbegin(), m_deletes.cend(), [m](const Delete &p) { return p.mutation == m; }))
        return;
    const QString label = d.resource.isEmpty() || d.recordId.isUndefined()
        ? d.path
        : u"%1 · %2"_s.arg(d.resource, DataProvider::idText(d.recordId));
    add(Delete{m, d.endpoint, d.resource, d.recordId, label, true, d.batch});
}

void UndoDelete::add(const Delete &pending)
{
    Mutation *m = pending.mutation;
    const QString label = pending.label;
    m_deletes.append(pending);
    connect(m, &Mutation::statusChanged, this, &UndoDelete::update);
    connect(m, &Mutation::succeeded, this, [this, label] { Q_EMIT deleted(label); });
    // A batch's failures are said by whoever deleted it, all in one (BulkEdit); a batch of the last session's
    // has nobody else to say them.
    connect(m, &Mutation::failed, this, [this, label, batchFollowed = !pending.batch.isEmpty() && !pending.restored](
                                            const MutationError &error) {
        if (batchFollowed)
            return;
        m_bar->showMessage(MessageBar::Kind::Error,
                           tr("Could not delete %1; it is back in the list. %2").arg(label, error.toString()));
        m_bar->setClosable(true);
        m_offered = false;
    });
    connect(m, &Mutation::settled, this, [this] {
        update();
        if (m_closeWhenSent && !hasUnsent())
            Q_EMIT allSent();
    });
    m_tick.start();
    update();
}

bool UndoDelete::canUndo() const
{
    return std::any_of(m_deletes.cbegin(), m_deletes.cend(),
                       [](const Delete &p) { return p.mutation && p.mutation->canUndo(); });
}

bool UndoDelete::hasUnsent() const
{
    return std::any_of(m_deletes.cbegin(), m_deletes.cend(),
                       [](const Delete &p) { return p.mutation && !p.mutation->isSettled(); });
}

void UndoDelete::closeWhenSent()
{
    m_closeWhenSent = true;
    update();
}

void UndoDelete::undo()
{
    for (auto it = m_deletes.rbegin(); it != m_deletes.rend(); ++it) {
        if (!it->mutation || !it->mutation->canUndo())
            continue;
        // The newest, and the rest of its batch with it: one Undo for one Delete. (Copied first: undoing one
        // changes m_deletes.)
        QList<Delete> back;
        if (it->batch.isEmpty()) {
            back.append(*it);
        } else {
            for (const Delete &other : std::as_const(m_deletes)) {
                if (other.batch == it->batch)
                    back.append(other);
            }
        }
        // Newest first: each puts back exactly what it changed, which is what the list holds after the ones
        // made later are undone.
        std::reverse(back.begin(), back.end());
        bool any = false;
        for (const Delete &d : std::as_const(back)) {
            if (d.mutation && d.mutation->canUndo() && d.mutation->undo()) {
                any = true;
                Q_EMIT undone(d);
            }
        }
        if (any)
            break;
    }
    update();
}

void UndoDelete::update()
{
    m_deletes.removeIf([](const Delete &p) { return !p.mutation || !p.mutation->canUndo(); });
    if (m_deletes.isEmpty()) {
        m_tick.stop();
        // An error stays until it is closed; the undo offer goes with its last write.
        if (m_offered)
            m_bar->hide();
        m_offered = false;
        Q_EMIT changed();
        return;
    }
    const Delete &last = m_deletes.last();
    const qint64 left = std::max<qint64>(0, (last.mutation->undoDeadline() - m_client->now()).count());
    const int seconds = int((left + 999) / 1000);
    const QString what = last.restored ? tr("%1 in your last session").arg(last.label) : last.label;
    const qsizetype inBatch = last.batch.isEmpty() ? 0 : std::count_if(m_deletes.cbegin(), m_deletes.cend(),
                                                                        [&](const Delete &p) { return p.batch == last.batch; });
    QString text = inBatch > 1 && last.restored
        ? tr("Deleted %1 records of %2 in your last session. They are sent to the server in %3 s.")
              .arg(inBatch).arg(last.resource).arg(seconds)
        : inBatch > 1
        ? tr("Deleted %1 records of %2. They are sent to the server in %3 s.").arg(inBatch).arg(last.resource).arg(seconds)
        : m_deletes.size() == 1
        ? tr("Deleted %1. It is sent to the server in %2 s.").arg(what).arg(seconds)
        : tr("Deleted %1 and %2 more. They are sent to the server in %3 s.")
              .arg(what).arg(m_deletes.size() - 1).arg(seconds);
    if (m_closeWhenSent)
        text += u' ' + tr("Refetch closes once it is sent.");
    if (!m_offered || m_bar->isHidden()) {
        m_bar->showMessage(MessageBar::Kind::Information, text);
        m_bar->setClosable(false);
        QPushButton *undo = m_bar->addButton(tr("Undo"), icons::icon(u"undo"_s));
        undo->setToolTip(tr("Bring the record back (Ctrl+Z)"));
        connect(undo, &QPushButton::clicked, this, &UndoDelete::undo);
        m_offered = true;
    } else {
        // The same bar, a new countdown: the button (and its focus) stays.
        m_bar->setText(text);
    }
    Q_EMIT changed();
}

} // namespace refetch
