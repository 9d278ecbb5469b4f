#include "core/models/referencesearch.h"

#include "core/client/queryclient.h"
#include "core/client/queryerror.h"
#include "core/client/queryobserver.h"
#include "core/models/referencelabels.h"
#include "core/mutation/resourcetags.h"
#include "core/providers/dataprovider.h"

#include <QUuid>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

// The id a typed text names, when it reads as one: an integer, or a UUID. Other words are searched for, not
// looked up (a request per word typed that answers 404 would help nobody).
Json typedId(const QString &text)
{
    bool ok = false;
    const qint64 n = text.toLongLong(&ok);
    if (ok && !text.startsWith(u'+'))
        return Json(n);
    if (!QUuid::fromString(text).isNull())
        return Json(text);
    return {};
}

} // namespace

ReferenceSearch::ReferenceSearch(QueryClient *client, QString idField, bool serverSearches, SearchFn search,
                                 DetailFn detail, QObject *parent)
    : QObject(parent), m_client(client), m_idField(std::move(idField)), m_serverSearches(serverSearches),
      m_search(std::move(search)), m_detail(std::move(detail))
{
}

ReferenceSearch::~ReferenceSearch() = default;

void ReferenceSearch::setText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (m_started && trimmed == m_text)
        return;
    m_started = true;
    m_text = trimmed;
    m_current = false;
    // Without a server search, the list is the same for every text: only the typed id changes.
    const QString searched = m_serverSearches ? m_text : QString();
    QueryOptions list = m_search(searched);
    if (!m_list)
        m_list = std::make_unique<QueryObserver>(m_client, std::move(list));
    else
        m_list->setOptions(std::move(list));
    connect(m_list.get(), &QueryObserver::changed, this, &ReferenceSearch::update, Qt::UniqueConnection);
    const Json id = typedId(m_text);
    if (id.isUndefined()) {
        m_typed.reset();
    } else {
        m_typed = std::make_unique<QueryObserver>(m_client, m_detail(id));
        connect(m_typed.get(), &QueryObserver::changed, this, &ReferenceSearch::update);
    }
    update();
}

ReferenceSearch::Choice ReferenceSearch::choiceOf(const Json &record) const
{
    return {record.value(m_idField), ReferenceLabels::labelOf(record, m_idField, m_labelField)};
}

void ReferenceSearch::update()
{
    const auto done = [](const QueryObserver *o) { return !o || (!o->isPending() && !o->isFetching()); };
    const bool listHas = m_list && m_list->isSuccess();
    const bool typedHas = m_typed && m_typed->isSuccess() && m_typed->data().isObject();
    // Nothing of this text's yet: what is shown stays until its answers come.
    if (!listHas && !typedHas && !(done(m_list.get()) && done(m_typed.get()))) {
        Q_EMIT changed();
        return;
    }
    QList<Choice> choices;
    if (typedHas)
        choices.append(choiceOf(m_typed->data()));
    if (listHas) {
        const Json rows = ResourceTags::records(m_list->data());
        for (qsizetype r = 0; r < rows.size() && choices.size() < Limit; ++r) {
            const Choice c = choiceOf(rows.at(r));
            if (c.id.isUndefined() || c.id.isNull())
                continue;
            const bool seen = std::any_of(choices.cbegin(), choices.cend(),
                                          [&](const Choice &o) { return ResourceTags::sameId(o.id, c.id); });
            if (!seen)
                choices.append(c);
        }
    }
    m_choices = choices;
    for (const Choice &c : std::as_const(m_choices))
        m_known.insert(DataProvider::idText(c.id), c.label);
    m_current = done(m_list.get()) && done(m_typed.get());
    Q_EMIT changed();
}

bool ReferenceSearch::isFetching() const
{
    return (m_list && m_list->isFetching()) || (m_typed && m_typed->isFetching())
           || (m_named && m_named->isFetching());
}

QString ReferenceSearch::errorString() const
{
    if (m_list && m_list->isError() && m_list->error())
        return m_list->error()->toString();
    return {};
}

QString ReferenceSearch::labelOf(const Json &id)
{
    if (id.isUndefined() || id.isNull())
        return {};
    for (const Choice &c : std::as_const(m_choices)) {
        if (ResourceTags::sameId(c.id, id))
            return c.label;
    }
    if (!m_named || !ResourceTags::sameId(m_namedId, id)) {
        m_namedId = id;
        m_named = std::make_unique<QueryObserver>(m_client, m_detail(id));
        connect(m_named.get(), &QueryObserver::changed, this, &ReferenceSearch::changed);
    }
    if (m_named->isSuccess() && m_named->data().isObject())
        return choiceOf(m_named->data()).label;
    return m_known.value(DataProvider::idText(id));   // offered before: its name then, until the record comes
}

bool ReferenceSearch::isMissing(const Json &id) const
{
    return m_named && ResourceTags::sameId(m_namedId, id) && m_named->isError() && m_named->error()
           && m_named->error()->httpStatus == 404;
}

} // namespace refetch
