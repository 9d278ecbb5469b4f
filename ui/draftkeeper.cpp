#include "draftkeeper.h"

#include "core/session/apiconnection.h"
#include "recordpane.h"

#include "core/persist/draftstore.h"

namespace refetch {

DraftKeeper::DraftKeeper(RecordPane *pane, QObject *parent) : QObject(parent), m_pane(pane)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(delay);
    connect(&m_timer, &QTimer::timeout, this, &DraftKeeper::write);
    connect(m_pane, &RecordPane::stateChanged, this, &DraftKeeper::onPaneChanged);
}

void DraftKeeper::flush()
{
    if (m_timer.isActive()) {
        m_timer.stop();
        write();
    }
}

void DraftKeeper::stop()
{
    m_timer.stop();
    m_stopped = true;
}

void DraftKeeper::adopt(ApiConnection *connection)
{
    m_savedIn = connection;
}

void DraftKeeper::onPaneChanged()
{
    if (m_stopped)
        return;
    if (m_pane->isDirty() && !m_pane->isSubmitting()) {
        m_timer.start();   // again: debounced
        return;
    }
    // Nothing unsaved (or it is being sent, and the queued write is kept instead): no draft.
    m_timer.stop();
    write();
}

void DraftKeeper::write()
{
    const std::optional<Draft> draft = m_pane->draft();
    ApiConnection *target = draft ? m_pane->connection() : nullptr;
    if (m_savedIn && m_savedIn != target) {
        if (DraftStore *store = m_savedIn->draftStore())
            store->remove();
        m_savedIn = nullptr;
    }
    if (!target || !target->draftStore())
        return;
    if (target->draftStore()->save(*draft))
        m_savedIn = target;
}

} // namespace refetch
