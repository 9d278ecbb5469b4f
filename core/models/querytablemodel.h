#pragma once

#include "core/models/jsontablemodel.h"
#include "core/client/queryoptions.h"
#include "core/cache/querystate.h"

namespace refetch {

class QueryClient;
class QueryObserver;

// A table of the records of one list query (a JSON array, or an envelope {"data": [...], "total": N}), for a
// QTableView: it observes the query, and each refetch is diffed by row id into the minimal row signals (see
// JsonTableModel), so that selection and scroll position survive it. Columns are inferred in first-seen order
// (nested objects flattened into "a.b" columns, or shown as compact JSON: TableModelOptions::nested) or given.
// Loading, fetching, staleness, the error and the time of the data are properties.
class QueryTableModel : public JsonTableModel
{
    Q_OBJECT
    Q_PROPERTY(qint64 totalCount READ totalCount NOTIFY totalCountChanged)
public:
    // Observes `query` (its notifyOn is widened to every change, to follow fetching and staleness). Rows already
    // cached are there at once.
    QueryTableModel(QueryClient *client, QueryOptions query, TableModelOptions options = {},
                    QObject *parent = nullptr);
    ~QueryTableModel() override;

    QueryObserver *observer() const { return m_observer; }
    // Another query: a different key resets the model with that query's rows (at once when cached); the same
    // key only takes the new options.
    void setQuery(QueryOptions query);
    void refetch();

    // The total the server reported (X-Total-Count, or the envelope's total), or -1.
    qint64 totalCount() const { return m_total; }

Q_SIGNALS:
    void totalCountChanged(qint64 total);

private:
    void onChanged(QueryChanges what);
    void updateState();
    Json currentRecords(QString *shapeError) const;

    QueryObserver *m_observer = nullptr;
    QString m_shapeError;
    qint64 m_total = -1;
};

} // namespace refetch
