#include "draftkeeper.h"


namespace refetch {

DraftKeeper::DraftKeeper(DraftFn draft, ConnectionFn connection, QObject *parent)
    : QObject(parent), m_draft(std::move(draft)), m_connection(std::move(connection))
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(delay);
    connect(&m_timer, &QTimer::timeout, this, &DraftKeeper::write);
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

void DraftKeeper::formChanged()
{
    if (m_stopped)
        return;
    if (m_draft()) {
        m_timer.start();   // again: debounced
        return;
    }
    // Nothing unsaved (or it is being sent, and the queued write is kept instead): no draft.
    m_timer.stop();
    write();
}

void DraftKeeper::write()
{
    const std::optional<Draft> draft = m_draft();
    ApiConnection *target = draft ? m_connection() : nullptr;
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
