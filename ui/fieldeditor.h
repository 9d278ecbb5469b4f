#pragma once

#include "core/json/json.h"

#include <QWidget>

namespace refetch {

// The editor of one field of a record, chosen by the field's JSON type: a line for short text, a text box for long
// text, a number line, a check box, a date or date-time editor for ISO 8601 strings, and a JSON text box with
// validation for objects and arrays. A field that is null takes any JSON value or text.
class FieldEditor : public QWidget
{
    Q_OBJECT
public:
    enum class Kind { Text, LongText, Number, Boolean, Date, DateTime, Structured, Any, ReadOnly, Choice, Reference };
    Q_ENUM(Kind)

    // The kind for a value: strings by length and by whether they read as ISO 8601 dates.
    static Kind kindFor(const Json &value);
    // A blank value of the same shape as `like`, for a new record: empty text, zero, false, now for dates, blank
    // members.
    static Json blankValue(const Json &like);
    // A blank value for an editor of `kind` that holds text: today for a date, now (UTC) for a date and time, else
    // empty text.
    static Json blankText(Kind kind);
    static FieldEditor *create(Kind kind, QWidget *parent = nullptr);

    Kind kind() const { return m_kind; }
    // What the user entered, as JSON; Undefined while it is not valid.
    virtual Json value() const = 0;
    // Shows `value` without emitting edited().
    virtual void setValue(const Json &value) = 0;
    bool isValid() const { return validationError().isEmpty(); }
    // Why the entry is not a value (e.g. JSON that does not parse); empty when it is one.
    virtual QString validationError() const { return {}; }
    // Whether the editor shows `value` whole and gives it back unchanged (a one-line editor cannot show a line
    // break, a date editor has a range); the form picks another editor for a value this one cannot hold.
    virtual bool canHold(const Json &value) const { return !value.isUndefined(); }
    // The entry as typed, for an editor whose entry can be something other than a value (JSON text, a number):
    // what a draft keeps while it is not valid. Empty for the others.
    virtual QString entryText() const { return {}; }
    // Shows `text` as if typed, without emitting edited(); does nothing in an editor that takes no text entry.
    virtual void setEntryText(const QString &text) { Q_UNUSED(text); }
    // The widget that takes the keyboard focus.
    virtual QWidget *focusTarget() const = 0;
    // Marks the editor as holding a value the server refused.
    void setErrorState(bool error);
    bool hasErrorState() const { return m_error; }

    static constexpr int LongTextLength = 60;

Q_SIGNALS:
    // The user changed the entry (never for setValue).
    void edited();

protected:
    FieldEditor(Kind kind, QWidget *parent);
    void setEditorWidget(QWidget *editor);

private:
    Kind m_kind;
    bool m_error = false;
};

} // namespace refetch
