#include "outbox.h"

#include "recordpane.h"

#include "core/mutation/mutation.h"
#include "core/mutation/mutationerror.h"
#include "core/mutation/mutationqueue.h"
#include "core/mutation/pendingwrites.h"
#include "core/session/apiconnection.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcUi)

namespace refetch {

Outbox::Outbox(MutationQueue *queue, PendingWrites *writes, RecordPane *pane, OpenRecord open, QWidget *window)
    : QObject(window), m_writes(writes), m_pane(pane), m_open(std::move(open)), m_window(window)
{
    connect(queue, &MutationQueue::mutationSettled, this, &Outbox::onWriteSettled);
}

void Outbox::show()
{
    if (!m_dialog) {
        m_dialog = new WaitingChanges(m_writes, m_window);
        connect(m_dialog, &WaitingChanges::openRecord, this,
                [this](const QString &endpoint, const QString &resource, const Json &id) {
            m_open(endpoint, resource, id, std::nullopt, {});
        });
        connect(m_dialog, &WaitingChanges::openRefused, this, [this](int index) {
            if (index < 0 || index >= m_refused.size())
                return;
            const RefusedWrite r = m_refused[index];
            Draft draft{.endpoint = r.endpoint, .resource = r.resource, .id = r.id, .fields = r.fields,
                        .base = Json::object({}), .savedAt = r.at.toUTC()};
            m_open(r.endpoint, r.resource, r.id, draft, [this, index] {
                m_refused.removeAt(index);
                refusedChanged();
            });
        });
        connect(m_dialog, &WaitingChanges::discardRefused, this, [this](int index) {
            if (index >= 0 && index < m_refused.size()) {
                m_refused.removeAt(index);
                refusedChanged();
            }
        });
    }
    m_dialog->setRefused(m_refused);
    m_dialog->show();
    m_dialog->raise();
    m_dialog->activateWindow();
}

void Outbox::refusedChanged()
{
    Q_EMIT refusedCountChanged(refusedCount());
    if (m_dialog)
        m_dialog->setRefused(m_refused);
}

void Outbox::onWriteSettled(Mutation *m)
{
    const MutationError *error = m->error();
    const PersistedMutation &d = m->data();
    if (!error || error->error.kind == QueryError::Kind::Cancelled || d.method == "DELETE" || !d.variables.isObject()
        || d.resource.isEmpty())
        return;
    // The form that shows the record puts the values back as its edits, with the server's words.
    const bool shown = m_pane->connection() && m_pane->connection()->id() == d.endpoint && m_pane->resource() == d.resource
        && (d.recordId.isUndefined() ? m_pane->isCreating() : ResourceTags::sameId(m_pane->recordId(), d.recordId));
    if (shown)
        return;
    const QString label = PendingWrites::describe(m);
    m_refused.append(RefusedWrite{.endpoint = d.endpoint, .resource = d.resource, .id = d.recordId,
                                  .fields = d.variables, .label = label, .error = error->toString(),
                                  .at = QDateTime::currentDateTime()});
    qCInfo(lcUi).noquote() << "refused after its form closed:" << label << "-" << error->toString();
    refusedChanged();
    Q_EMIT refused(label, error->toString());
}

} // namespace refetch
