#pragma once

#include <QSortFilterProxyModel>

namespace refetch {

class CacheInspectorModel;
class Query;

// Filters and sorts the inspector's table of entries: by text in the key, by state, by text in a provided tag.
// Rows are tested and compared on the entries themselves (no strings built for a state or a number), so that
// filtering or sorting 100,000 rows takes milliseconds, not seconds.
class CacheInspectorFilter : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum class State { Any, Pending, Success, Error, Fetching, Paused, Fresh, Stale, Invalidated, Observed, Unobserved };
    Q_ENUM(State)

    explicit CacheInspectorFilter(QObject *parent = nullptr);

    void setSourceModel(QAbstractItemModel *model) override;

    QString keyText() const { return m_keyText; }
    // Rows whose key contains `text` (ASCII letters in any case).
    void setKeyText(const QString &text);
    State state() const { return m_state; }
    void setState(State state);
    QString tagText() const { return m_tagText; }
    // Rows with a tag whose text ("type:id") contains `text`, in any case.
    void setTagText(const QString &text);

    static QString stateName(State state);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    bool acceptsState(const Query &q) const;

    CacheInspectorModel *m_model = nullptr;
    QString m_keyText;
    QByteArray m_keyUtf8;
    State m_state = State::Any;
    QString m_tagText;
};

} // namespace refetch
