#include "livedialect.h"

#include "core/live/directuslivedialect.h"
#include "core/live/plainlivedialect.h"
#include "core/live/strapilivedialect.h"
#include "core/live/supabaselivedialect.h"

namespace refetch {

QList<QByteArray> LiveDialect::openingMessages(const LiveSubscription &) const
{
    return {};
}

QByteArray LiveDialect::heartbeat(quint64) const
{
    return {};
}

std::unique_ptr<LiveDialect> LiveDialect::create(const QString &name)
{
    if (name == u"plain")
        return std::make_unique<PlainLiveDialect>();
    if (name == u"directus")
        return std::make_unique<DirectusLiveDialect>();
    if (name == u"supabase")
        return std::make_unique<SupabaseLiveDialect>();
    if (name == u"strapi")
        return std::make_unique<StrapiLiveDialect>();
    return nullptr;
}

QStringList LiveDialect::names()
{
    return {QStringLiteral("plain"), QStringLiteral("directus"), QStringLiteral("supabase"), QStringLiteral("strapi")};
}

QString LiveDialect::resourceFor(const QString &name, const QStringList &resources)
{
    if (name.isEmpty())
        return name;
    QStringList candidates{name};
    if (name.endsWith(u'y'))
        candidates.append(name.chopped(1) + QStringLiteral("ies"));
    candidates.append(name + u's');
    candidates.append(name + QStringLiteral("es"));
    for (const QString &candidate : std::as_const(candidates)) {
        for (const QString &resource : resources) {
            if (resource.compare(candidate, Qt::CaseInsensitive) == 0)
                return resource;
        }
        for (const QString &resource : resources) {
            const qsizetype slash = resource.lastIndexOf(u'/');
            if (slash >= 0 && QStringView(resource).sliced(slash + 1).compare(candidate, Qt::CaseInsensitive) == 0)
                return resource;
        }
    }
    return name;
}

} // namespace refetch
