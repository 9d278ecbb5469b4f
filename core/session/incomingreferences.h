#pragma once

#include "core/json/json.h"
#include "core/models/referencelabels.h"
#include "core/models/referencesearch.h"

#include <QObject>
#include <QPointer>

#include <memory>
#include <vector>

namespace refetch {

class ApiConnection;
class QueryObserver;

// The records of other resources that point at one record (an author's posts, a post's comments): react-admin's
// ReferenceManyField. Which fields point at `resource` comes from each resource of the endpoint: the references its
// list found (ApiConnection::references), else those its first page and its schema show (ReferenceFinder: the
// server's description, then convention). The first page is the list's own first-page query, so opening that list
// later costs nothing more. For the record, each such field is a list query of the referring resource filtered by
// the field equal to the record's id, at most Limit rows, providing that list's tags (a comment added, moved or
// deleted refreshes it). A server that does not filter by the field (it answers rows whose field is something
// else, as DRF does with a parameter it does not know) is caught: that group says so and shows none of them, never
// a record that does not point here.
class IncomingReferences : public QObject
{
    Q_OBJECT
public:
    struct Group
    {
        QString resource;                         // "comments"
        QString field;                            // "postId"
        QList<ReferenceSearch::Choice> records;   // at most Limit, by label
        qint64 total = -1;                        // all that point here, when the server says
        bool loading = false;                     // nothing to show yet
        QString problem;                          // why the group cannot be listed; empty when it can
    };

    IncomingReferences(ApiConnection *connection, const QString &resource, QObject *parent = nullptr);
    ~IncomingReferences() override;

    // Lists what points at record `id` (Undefined: nothing).
    void setRecord(const Json &id);
    Json record() const { return m_id; }
    // One group per referring field, in the order of the endpoint's resources; a group is there as soon as its
    // field is known, loading until its rows come.
    QList<Group> groups() const;
    // Asks the server again for every group (F5).
    void refetch();
    // Still reading the resources' first pages to find the fields that point here.
    bool isFinding() const;

    static constexpr int Limit = 10;

Q_SIGNALS:
    void changed();

private:
    struct Source;
    struct Listing;
    void findFields();
    void updateListings();

    QPointer<ApiConnection> m_connection;
    QString m_resource;
    Json m_id;
    std::vector<std::unique_ptr<Source>> m_sources;     // one per resource of the endpoint
    std::vector<std::unique_ptr<Listing>> m_listings;   // one per field pointing here, for the record
};

} // namespace refetch
