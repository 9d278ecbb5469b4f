#include "changeevent.h"

#include "core/providers/dataprovider.h"

namespace refetch {

QString ChangeEvent::actionName(ChangeAction action)
{
    switch (action) {
    case ChangeAction::Created: return QStringLiteral("created");
    case ChangeAction::Updated: return QStringLiteral("updated");
    case ChangeAction::Deleted: return QStringLiteral("deleted");
    }
    return QString();
}

std::optional<ChangeAction> ChangeEvent::actionFrom(QStringView name)
{
    // Refine's, Directus's, Postgres's and Strapi's words for the three.
    static const std::pair<const char *, ChangeAction> words[] = {
        {"created", ChangeAction::Created}, {"create", ChangeAction::Created}, {"insert", ChangeAction::Created},
        {"inserted", ChangeAction::Created}, {"updated", ChangeAction::Updated}, {"update", ChangeAction::Updated},
        {"deleted", ChangeAction::Deleted}, {"delete", ChangeAction::Deleted}, {"removed", ChangeAction::Deleted},
        {"remove", ChangeAction::Deleted},
    };
    for (const auto &[word, action] : words) {
        if (name.compare(QLatin1StringView(word), Qt::CaseInsensitive) == 0)
            return action;
    }
    return std::nullopt;
}

QString ChangeEvent::describe() const
{
    QString text = actionName(action) + u' ' + resource;
    if (!id.isUndefined() && !id.isNull())
        text += u' ' + DataProvider::idText(id);
    return text;
}

} // namespace refetch
