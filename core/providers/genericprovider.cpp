#include "genericprovider.h"

using namespace Qt::StringLiterals;

namespace refetch {

GenericProvider::GenericProvider(ProviderOptions options) : DataProvider(std::move(options))
{
}

QString GenericProvider::displayName() const
{
    return tr("JSON (no known dialect)");
}

bool GenericProvider::canSort(const QString &resource, const QString &field) const
{
    const ResourceInfo *info = resourceInfo(resource);
    return info && !info->sortParam.isEmpty() && (!info->sortKnown || info->sortFields.contains(field));
}

bool GenericProvider::canSearch(const QString &resource) const
{
    const ResourceInfo *info = resourceInfo(resource);
    return info && !info->searchParam.isEmpty();
}

Json GenericProvider::findRows(const Json &body, QString *path)
{
    if (body.isArray())
        return body;
    if (!body.isObject())
        return {};
    for (const char16_t *name : {u"data", u"results", u"items", u"records", u"rows"}) {
        const Json v = body.value(QStringView(name));
        if (v.isArray()) {
            if (path)
                *path = QString::fromUtf16(name);
            return v;
        }
        // {"data": {"items": [...]}}
        if (v.isObject()) {
            QString inner;
            const Json rows = findRows(v, &inner);
            if (rows.isArray() && !inner.isEmpty()) {
                if (path)
                    *path = QString::fromUtf16(name) + u'.' + inner;
                return rows;
            }
        }
    }
    Json only;
    QString onlyName;
    for (qsizetype i = 0; i < body.size(); ++i) {
        if (body.valueAt(i).isArray()) {
            if (!only.isUndefined())
                return {};   // two arrays: which one holds the records is not for us to guess
            only = body.valueAt(i);
            onlyName = body.keyAt(i);
        }
    }
    if (path && !only.isUndefined())
        *path = onlyName;
    return only;
}

ListPage GenericProvider::parseList(const Json &body, const Json &meta, const ListParams &params) const
{
    Q_UNUSED(params)
    if (!m_options.rowsPath.isEmpty())
        return readEnvelope(body, meta, QString(), u"total"_s);
    ListPage page = readEnvelope(body, meta, QString(), u"total"_s);
    if (page.rows.isUndefined()) {
        page.rows = findRows(body);
        if (!page.rows.isArray())
            page.rows = Json();
    }
    if (body.isObject() && body.value(u"next").isString())
        page.next = body.value(u"next");
    return page;
}

} // namespace refetch
