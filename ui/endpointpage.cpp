#include "endpointpage.h"

#include "icons.h"

#include "core/session/apiconnection.h"

#include <QPushButton>

using namespace Qt::StringLiterals;

namespace refetch {

EndpointPage::EndpointPage(QWidget *parent) : EmptyState(parent)
{
}

void EndpointPage::showEndpoint(ApiConnection *c)
{
    const QString url = c->settings().baseUrl.toDisplayString(QUrl::RemoveUserInfo);
    if (!c->errorString().isEmpty() && c->resources().isEmpty()) {
        set(icons::icon(u"error"_s), tr("Could not reach %1").arg(c->displayName()),
            tr("%1\n\nCheck the base URL (%2) and the token in Settings, then try again.").arg(c->errorString(), url));
        connect(addButton(tr("Retry"), icons::icon(u"refresh"_s)), &QPushButton::clicked, c, &ApiConnection::refresh);
        connect(addButton(tr("Settings…"), icons::icon(u"settings"_s)), &QPushButton::clicked, this,
                [this, id = c->id()] { Q_EMIT settingsRequested(id); });
    } else if (c->resources().isEmpty() && (c->isLoading() || c->isDiscovered())) {
        set(icons::icon(u"server"_s), tr("Connecting to %1…").arg(c->displayName()),
            tr("Asking %1 which resources it has.").arg(url));
    } else if (c->resources().isEmpty()) {
        set(icons::icon(u"server"_s), tr("%1 has no resources yet").arg(c->displayName()),
            tr("Name the resources to browse, such as posts or users, in Settings."));
        connect(addButton(tr("Settings…"), icons::icon(u"settings"_s)), &QPushButton::clicked, this,
                [this, id = c->id()] { Q_EMIT settingsRequested(id); });
    } else {
        set(icons::icon(u"server"_s), c->displayName(),
            c->resources().size() == 1
                ? tr("%1\n\nChoose its resource on the left to see its records.").arg(url)
                : tr("%1\n\nChoose one of its %2 resources on the left to see its records.")
                      .arg(url).arg(c->resources().size()));
    }
}

void EndpointPage::showStart()
{
    set(icons::applicationIcon(), tr("No endpoints yet"),
        tr("Add the base URL of a REST API to browse its resources. To try Refetch on its built-in sample data, "
           "start it with --demo."));
    connect(addButton(tr("Add Endpoint…"), icons::icon(u"add"_s)), &QPushButton::clicked, this,
            [this] { Q_EMIT settingsRequested(u"+"_s); });
}

} // namespace refetch
