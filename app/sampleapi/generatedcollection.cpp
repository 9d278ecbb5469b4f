#include "generatedcollection.h"

#include "jsvalue.h"
#include "restrouter.h"

#include <QDate>

#include <algorithm>
#include <cmath>

namespace refetch::sampleapi {

namespace {

const QDate Epoch(2020, 1, 1);

} // namespace

QByteArray GeneratedCollection::record(qint64 id)
{
    // A minute apart, from 2020-01-01T00:00:00Z.
    const QDate day = Epoch.addDays(id / 1440);
    const int minute = int(id % 1440);
    char created[32];
    std::snprintf(created, sizeof created, "%04d-%02d-%02dT%02d:%02d:00Z", day.year(), day.month(), day.day(),
                  minute / 60, minute % 60);
    QByteArray out;
    out.reserve(120);
    out += "{\"id\":" + QByteArray::number(id) + ",\"title\":\"Row " + QByteArray::number(id) + "\",\"views\":"
        + QByteArray::number((id * 7919) % 10000) + ",\"published\":" + (id % 3 != 0 ? "true" : "false")
        + ",\"createdAt\":\"" + created + "\"}";
    return out;
}

Reply GeneratedCollection::list(const QueryItems &query) const
{
    auto first = [&](QStringView key) -> QString {
        for (const auto &[k, v] : query) {
            if (k == key)
                return v;
        }
        return {};
    };
    QList<qint64> ids;   // id=: those records, in the collection's order
    bool byIds = false;
    for (const auto &[key, value] : query) {
        static const QStringList paging{QStringLiteral("_page"), QStringLiteral("_limit"), QStringLiteral("_start"),
                                        QStringLiteral("_end"), QStringLiteral("_order"), QStringLiteral("_delay")};
        if (paging.contains(key) || (key == u"_sort" && value == u"id"))
            continue;
        if (key == u"id") {
            byIds = true;
            bool ok = false;
            const qint64 id = value.toLongLong(&ok);
            if (ok && id >= 1 && id <= m_count)
                ids.append(id);
            continue;
        }
        return Reply::error(400, QStringLiteral("invalid query"),
                            {{QStringLiteral("detail"),
                              QStringLiteral("%1 is a generated collection: it answers paging, _sort=id and id= only, "
                                             "not %2").arg(m_name, key)}});
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    const qint64 total = byIds ? ids.size() : m_count;
    const bool descending = first(u"_order").toLower() == u"desc";

    // json-server's slices: _page (of _limit, 10 by default), else _start.._end, else _start and _limit.
    auto integer = [&](QStringView key, double fallback) {
        return js::parseInt(first(key)).value_or(fallback);
    };
    qint64 start = 0, end = total;
    const bool page = !first(u"_page").isEmpty(), limit = !first(u"_limit").isEmpty(), until = !first(u"_end").isEmpty();
    if (page) {
        const double size = integer(u"_limit", 0) != 0 ? integer(u"_limit", 10) : 10;
        start = qint64((std::max(integer(u"_page", 1), 1.0) - 1) * size);
        end = qint64(start + size);
    } else if (until) {
        start = qint64(integer(u"_start", 0));
        end = qint64(integer(u"_end", double(total)));
    } else if (limit) {
        start = qint64(integer(u"_start", 0));
        end = qint64(start + integer(u"_limit", double(total)));
    }
    start = std::clamp<qint64>(start, 0, total);
    end = std::clamp<qint64>(end, start, total);

    QByteArray body = "[";
    for (qint64 k = start; k < end; ++k) {
        const qint64 position = descending ? total - 1 - k : k;
        if (k > start)
            body += ',';
        body += record(byIds ? ids.at(position) : position + 1);
    }
    body += ']';
    Reply reply = Reply::json(200, body);
    if (page || limit || until) {
        reply.headers.emplaceBack("X-Total-Count", QByteArray::number(total));
        reply.headers.emplaceBack("Access-Control-Expose-Headers", "X-Total-Count");
    }
    return reply;
}

Reply GeneratedCollection::show(const QString &id) const
{
    bool ok = false;
    const qint64 n = id.toLongLong(&ok);
    if (!ok || n < 1 || n > m_count) {
        return Reply::error(404, QStringLiteral("not found"),
                            {{QStringLiteral("resource"), m_name}, {QStringLiteral("id"), id}});
    }
    return Reply::json(200, record(n));
}

Reply GeneratedCollection::refuseWrite() const
{
    return Reply::error(405, QStringLiteral("method not allowed"),
                        {{QStringLiteral("resource"), m_name},
                         {QStringLiteral("detail"), QStringLiteral("a generated collection: its records are made from "
                                                                   "their position and cannot be written")}});
}

} // namespace refetch::sampleapi
