#include "settingsflow.h"

#include "core/session/oauthcredentials.h"

#include "connectionset.h"
#include "recordpane.h"
#include "settingsdialog.h"
#include "windowquestions.h"

#include "core/mutation/mutation.h"
#include "core/mutation/mutationqueue.h"
#include "core/session/apiconnection.h"
#include "core/session/appsession.h"
#include "core/session/settingsstore.h"

using namespace Qt::StringLiterals;

namespace refetch {

SettingsFlow::SettingsFlow(AppSession *session, ConnectionSet *connections, RecordPane *pane,
                           WindowQuestions *questions, std::function<QString()> shownEndpoint, QWidget *window)
    : QObject(window), m_session(session), m_connections(connections), m_pane(pane), m_questions(questions),
      m_shownEndpoint(std::move(shownEndpoint)), m_window(window)
{
}

void SettingsFlow::open(const QString &select)
{
    openWith(m_connections->withSessionEndpoints(m_session->store()->endpoints()), select);
}

void SettingsFlow::openWith(const QList<EndpointSettings> &endpoints, const QString &select)
{
    // A closed one may still be there until its deferred deletion: a new one then.
    if (m_dialog && m_dialog->isVisible()) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    auto *dialog = new SettingsDialog(endpoints, m_window);
    dialog->setObjectName(u"settingsDialog"_s);
    dialog->setTokenStore(m_session->store()->tokenStore());
    dialog->setNetwork(m_session->client(), m_session->transport());
    dialog->setUnsentCounter([this](const QString &id) { return unsentChanges(id); });
    dialog->setRunningSignIn([this](const EndpointSettings &e) -> OAuthCredentials * {
        // The running sign-in, while the dialog shows the settings it runs with.
        const ApiConnection *c = m_connections->find(e.id);
        if (!c || !c->oauth())
            return nullptr;
        EndpointSettings running = c->settings();
        running.oauthTokens = e.oauthTokens;
        return running == e ? c->oauth() : nullptr;
    });
    dialog->setKnownReferences([this](const QString &id) {
        ReferenceSettings::Known known;
        if (const ApiConnection *c = m_connections->find(id)) {
            known.resources = c->resources();
            for (const QString &resource : std::as_const(known.resources)) {
                for (const Reference &r : c->knownReferences(resource))
                    known.references.append({resource, r});
            }
        }
        return known;
    });
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog = dialog;
    if (select == u"+")
        dialog->addEndpoint();
    else if (!select.isEmpty())
        dialog->selectEndpoint(select);
    else if (const QString shown = m_shownEndpoint(); !shown.isEmpty())
        dialog->selectEndpoint(shown);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QList<EndpointSettings> edited = dialog->endpoints();
        const QString formEndpoint = dialog->currentEndpointId();
        // New settings make the form's endpoint again, which empties the form: its unsaved edits are asked
        // about first (a removed endpoint's were asked about by Remove). Cancel goes back to what was typed.
        const ApiConnection *form = m_pane->isDirty() ? m_pane->connection() : nullptr;
        const auto next = std::find_if(edited.cbegin(), edited.cend(),
                                       [&](const EndpointSettings &e) { return form && e.id == form->id(); });
        if (next != edited.cend() && !(*next == form->settings())) {
            m_questions->settleEdits([this, edited] { apply(edited); },
                                     [this, edited, formEndpoint] { openWith(edited, formEndpoint); });
            return;
        }
        apply(edited);
    });
    dialog->open();
}

void SettingsFlow::apply(const QList<EndpointSettings> &edited)
{
    QList<EndpointSettings> saved;
    for (const EndpointSettings &e : edited) {
        if (e.transient)
            m_connections->updateSessionEndpoint(e);
        else
            saved.append(e);
    }
    // Session endpoints are stored too, for their tuning (never their URL, never listed).
    m_session->store()->setEndpoints(m_connections->withSessionEndpoints(saved));
    Q_EMIT applied(saved);
}

int SettingsFlow::unsentChanges(const QString &endpointId) const
{
    const QList<Mutation *> writes = m_session->mutations()->mutations();
    int count = int(std::count_if(writes.cbegin(), writes.cend(), [&](const Mutation *m) { return m->data().endpoint == endpointId; }));
    // The form's edits go with the endpoint's views too (while they are being saved, they are the write above).
    if (m_pane->connection() && m_pane->connection()->id() == endpointId && m_pane->isDirty() && !m_pane->isSubmitting())
        ++count;
    return count;
}

} // namespace refetch
