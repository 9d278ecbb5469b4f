#pragma once

#include "filtereditor.h"

#include <QWidget>

#include <functional>

class QHBoxLayout;
class QToolButton;

namespace refetch {

// A list's filter as a row of chips under its header ("views ≥ 100 ×", "userId = 3 ×"): a click on a chip changes
// that condition, its × removes it, Clear removes them all. The conditions are ANDed; each change is one new view
// state of the list (its own cached query). Hidden while there are none. The context (fields, types, references)
// comes from the list as the server describes it; FilterEditor makes or changes a condition.
class FilterBar : public QWidget
{
    Q_OBJECT
public:
    explicit FilterBar(QWidget *parent = nullptr);

    // The editor opens under `anchor` (the list's Filter button); else where the dialog system puts it.
    void setAnchor(QWidget *anchor) { m_anchor = anchor; }
    // Asked each time an editor opens: the fields as they are known then.
    void setContextSource(std::function<FilterContext()> source) { m_source = std::move(source); }

    const QList<FilterCondition> &conditions() const { return m_conditions; }
    // Shows `conditions` (emits conditionsChanged when they differ).
    void setConditions(const QList<FilterCondition> &conditions);
    // Opens the editor for a new condition (`field` first when given); it joins the others once applied.
    void addCondition(const QString &field = {});
    // Opens the editor on condition `index`.
    void editCondition(int index);
    // The editor open now, if any (for tests).
    FilterEditor *openEditor() const { return m_editor; }

Q_SIGNALS:
    void conditionsChanged(const QList<FilterCondition> &conditions);
    // Save View… on the bar: name this list's filter, sort and columns.
    void saveViewRequested();

private:
    void rebuild();
    void openEditor(int index, const QString &field);

    std::function<FilterContext()> m_source;
    QList<FilterCondition> m_conditions;
    QHBoxLayout *m_chips;
    QToolButton *m_clear;
    FilterEditor *m_editor = nullptr;
    QWidget *m_anchor = nullptr;
};

} // namespace refetch
