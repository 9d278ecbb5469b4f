#pragma once

#include "core/client/queryoptions.h"
#include "core/json/json.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <memory>

namespace refetch {

class QueryClient;
class QueryObserver;

// The records a reference may point at, found on the server as the user types (react-admin's ReferenceInput): the
// search is a list query of the referenced resource with the typed text as its search parameter (json-server's q,
// DRF's search, ...), cached like any list and refreshed by its list tags, so that a record created or renamed
// elsewhere shows. A text that reads as an id is also looked up as that record (a detail query), first among the
// choices; on a server that offers no search, that and the first records of the list are what there is to pick.
// The last results stay while the next ones are on their way, so a list under the cursor does not blink.
class ReferenceSearch : public QObject
{
    Q_OBJECT
public:
    struct Choice
    {
        Json id;
        QString label;   // its name, title, ... (ReferenceLabels::labelField), else its id
        friend bool operator==(const Choice &, const Choice &) = default;
    };
    // The list query of the records matching `text` (empty: the first records).
    using SearchFn = std::function<QueryOptions(const QString &text)>;
    // The detail query of record `id`.
    using DetailFn = std::function<QueryOptions(const Json &id)>;

    ReferenceSearch(QueryClient *client, QString idField, bool serverSearches, SearchFn search, DetailFn detail,
                    QObject *parent = nullptr);
    ~ReferenceSearch() override;

    // The field the referenced records are named by (the user's pick); empty: name, title, ...
    void setLabelField(const QString &field) { m_labelField = field; }
    // Looks for `text` (trimmed); the same text again asks nothing.
    void setText(const QString &text);
    QString text() const { return m_text; }
    // Whether the server searches the referenced resource; if not, the choices are the record whose id was typed
    // and the list's first records.
    bool serverSearches() const { return m_serverSearches; }
    QList<Choice> choices() const { return m_choices; }
    // The choices are those of text() (not the last text's, still shown while these come).
    bool isCurrent() const { return m_current; }
    bool isFetching() const;
    // Why the search failed, in a sentence; empty when it did not.
    QString errorString() const;

    // The record `id` is named by: asked for once (its detail query, shared with the forms); empty while unknown.
    QString labelOf(const Json &id);
    // The record `id` was looked up and the server does not have it.
    bool isMissing(const Json &id) const;

    static constexpr int Limit = 20;   // choices a search shows

Q_SIGNALS:
    // Choices, labels or state changed.
    void changed();

private:
    void update();
    Choice choiceOf(const Json &record) const;

    QueryClient *m_client;
    QString m_idField;
    QString m_labelField;
    bool m_serverSearches;
    SearchFn m_search;
    DetailFn m_detail;
    QString m_text;
    bool m_started = false;
    bool m_current = false;
    QList<Choice> m_choices;
    QHash<QString, QString> m_known;          // id text -> label, of every record offered so far
    std::unique_ptr<QueryObserver> m_list;    // the search
    std::unique_ptr<QueryObserver> m_typed;   // the record whose id was typed, when the text reads as one
    std::unique_ptr<QueryObserver> m_named;   // the record labelOf() was last asked for
    Json m_namedId;
};

} // namespace refetch
