#pragma once

#include "fieldeditor.h"

class QCompleter;
class QLabel;
class QLineEdit;
class QStandardItemModel;
class QTimer;

namespace refetch {

class ReferenceSearch;

// The editor of a reference (react-admin's ReferenceInput): it shows the referenced record by its label, with
// "users · 7" beside it, and stores the id. Typing searches the referenced resource on the server (after a short
// pause, through ReferenceSearch) and offers what it finds in a list under the field; picking one (click, or the
// arrow keys and Enter) sets the id. A text that matches no pick is not a value: the form keeps it as an entry that
// holds back a save, and the message says to pick one. A text that is exactly one offered record's label or id is
// that record.
class ReferencePicker : public FieldEditor
{
    Q_OBJECT
public:
    // `search` (owned by the picker from now on) looks in `resource`, named for a person in messages.
    ReferencePicker(ReferenceSearch *search, const QString &resource, QWidget *parent = nullptr);
    ~ReferencePicker() override;

    Json value() const override;
    void setValue(const Json &value) override;
    bool canHold(const Json &value) const override;
    QString validationError() const override;
    QString entryText() const override;
    void setEntryText(const QString &text) override;
    QWidget *focusTarget() const override;

    // The field holds links to the records, not their ids (Reference::link): value() is a picked record's link.
    void setLink(const QString &link);

    ReferenceSearch *search() const { return m_search; }
    QCompleter *completer() const { return m_completer; }
    // Picks the offered record at `row` of the list, as a click on it does.
    void pick(int row);

    static constexpr int PauseMs = 250;   // typing pauses this long before the server is asked

private:
    void onTextEdited();
    void onSearchChanged();
    void showPicked();
    // The text typed names exactly one of the choices (its label or its id): that one's row, else -1.
    int matchingChoice() const;
    // A picked record's id as the field holds ids.
    Json fieldId(const Json &id) const;

    ReferenceSearch *m_search;
    QString m_resource;
    QString m_link;           // Reference::link: m_value is the id, value() its link
    bool m_unlinked = false;  // m_value is a link that names no record: kept as it came
    QLineEdit *m_edit;
    QLabel *m_idLabel;
    QCompleter *m_completer;
    QStandardItemModel *m_choices;
    QTimer *m_pause;
    Json m_value = Json(nullptr);
    QString m_shownText;      // the text shown for m_value; anything else in the line is the user's typing
    bool m_typing = false;    // the line holds the user's text, not m_value's label
    bool m_integerIds = false;   // the field held an integer id: a picked "7" goes in as 7
};

} // namespace refetch
