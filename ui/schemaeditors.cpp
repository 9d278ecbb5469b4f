#include "schemaeditors.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QStackedWidget>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

QString choiceText(const FieldSchema &field, qsizetype i)
{
    const Json &v = field.choices.at(i);
    const QString value = v.isString() ? v.toString() : QString::fromUtf8(v.toJson());
    const QString label = i < field.choiceLabels.size() ? field.choiceLabels.at(i) : QString();
    return label.isEmpty() || label == value ? value : label;
}

// The values a server allows, by their labels; a nullable field has "null" as a choice of its own. A value that is
// none of them (the server's data and its description disagree) is shown as it is, marked, never replaced.
class ChoiceEditor : public FieldEditor
{
public:
    ChoiceEditor(const FieldSchema &field, QWidget *parent)
        : FieldEditor(Kind::Choice, parent), m_box(new QComboBox(this))
    {
        for (qsizetype i = 0; i < field.choices.size(); ++i) {
            m_box->addItem(choiceText(field, i));
            m_values.append(field.choices.at(i));
            const QString raw = field.choices.at(i).isString() ? field.choices.at(i).toString()
                                                               : QString::fromUtf8(field.choices.at(i).toJson());
            if (m_box->itemText(m_box->count() - 1) != raw)
                m_box->setItemData(m_box->count() - 1, raw, Qt::ToolTipRole);
        }
        if (field.nullable) {
            m_box->addItem(u"null"_s);
            m_values.append(Json(nullptr));
        }
        m_box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        setEditorWidget(m_box);
        connect(m_box, &QComboBox::activated, this, &FieldEditor::edited);
    }
    Json value() const override
    {
        const int i = m_box->currentIndex();
        return i >= 0 && i < m_values.size() ? m_values.at(i) : Json();
    }
    void setValue(const Json &v) override
    {
        const qsizetype i = m_values.indexOf(v);
        if (i >= 0)
            m_box->setCurrentIndex(int(i));
        else
            m_box->setCurrentIndex(-1);   // a create's blank: nothing chosen yet
    }
    // Null, when it is none of the choices, shows as nothing chosen (a new record's start).
    bool canHold(const Json &v) const override { return m_values.contains(v) || v.isNull() || v.isUndefined(); }
    QWidget *focusTarget() const override { return m_box; }

private:
    QComboBox *m_box;
    QList<Json> m_values;
};

// Any editor with a "null" switch beside it: on, the field is null and "null" shows where the editor was (which
// keeps what it held, so that turning null off again gives it back; a date that never held one starts at today).
class NullableEditor : public FieldEditor
{
public:
    NullableEditor(FieldEditor *inner, QWidget *parent) : FieldEditor(inner->kind(), parent), m_inner(inner)
    {
        auto *row = new QWidget(this);
        auto *layout = new QHBoxLayout(row);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(6);
        m_stack = new QStackedWidget(row);
        inner->setParent(m_stack);
        m_stack->addWidget(inner);
        m_nullText = new QLineEdit(m_stack);
        m_nullText->setReadOnly(true);
        m_nullText->setPlaceholderText(u"null"_s);
        m_nullText->setFocusPolicy(Qt::NoFocus);
        m_stack->addWidget(m_nullText);
        m_stack->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
        m_stack->setFixedHeight(inner->sizeHint().height());
        layout->addWidget(m_stack, 1);
        m_null = new QToolButton(row);
        m_null->setText(u"null"_s);
        m_null->setCheckable(true);
        m_null->setObjectName(u"nullSwitch"_s);
        m_null->setToolTip(FieldEditor::tr("Null: the field has no value"));
        m_null->setAccessibleName(FieldEditor::tr("null"));
        layout->addWidget(m_null);
        FieldEditor::setEditorWidget(row);
        row->setObjectName(QString());
        setFocusProxy(inner);
        connect(inner, &FieldEditor::edited, this, &FieldEditor::edited);
        connect(m_null, &QToolButton::clicked, this, [this] {
            if (!m_null->isChecked() && !m_held) {
                if (m_inner->kind() == Kind::Date || m_inner->kind() == Kind::DateTime)
                    m_inner->setValue(FieldEditor::blankText(m_inner->kind()));
                m_held = true;
            }
            show(m_null->isChecked());
            if (!m_null->isChecked())
                m_inner->setFocus(Qt::OtherFocusReason);
            Q_EMIT edited();
        });
    }
    Json value() const override { return m_null->isChecked() ? Json(nullptr) : m_inner->value(); }
    void setValue(const Json &v) override
    {
        const bool isNull = v.isNull();
        if (!isNull) {
            m_inner->setValue(v);
            m_held = true;
        }
        show(isNull);
    }
    bool canHold(const Json &v) const override { return v.isNull() || m_inner->canHold(v); }
    QString validationError() const override { return m_null->isChecked() ? QString() : m_inner->validationError(); }
    QString entryText() const override { return m_null->isChecked() ? QString() : m_inner->entryText(); }
    void setEntryText(const QString &text) override
    {
        show(false);
        m_inner->setEntryText(text);
    }
    QWidget *focusTarget() const override { return m_inner->focusTarget(); }

private:
    void show(bool isNull)
    {
        m_null->setChecked(isNull);
        m_stack->setCurrentIndex(isNull ? 1 : 0);
    }

    FieldEditor *m_inner;
    QStackedWidget *m_stack;
    QLineEdit *m_nullText;
    QToolButton *m_null;
    bool m_held = false;   // the editor holds a value of the field's (not its own blank start)
};

} // namespace

namespace SchemaEditors {

FieldEditor::Kind kindFor(const FieldSchema &field, const Json &value)
{
    using Kind = FieldEditor::Kind;
    if (field.readOnly)
        return Kind::ReadOnly;
    if (!field.choices.isEmpty())
        return Kind::Choice;
    switch (field.type) {
    case FieldSchema::Type::Boolean:
        return Kind::Boolean;
    case FieldSchema::Type::Integer:
    case FieldSchema::Type::Number:
        return Kind::Number;
    case FieldSchema::Type::Object:
    case FieldSchema::Type::Array:
        return Kind::Structured;
    case FieldSchema::Type::String:
        if (field.format == u"date")
            return Kind::Date;
        if (field.format == u"date-time")
            return Kind::DateTime;
        // Long text: what the server lets be long, or what already is.
        if ((field.maxLength && *field.maxLength > 255) || FieldEditor::kindFor(value) == Kind::LongText)
            return Kind::LongText;
        return Kind::Text;
    case FieldSchema::Type::Unknown:
        break;
    }
    return FieldEditor::kindFor(value);
}

FieldEditor *create(const FieldSchema &field, FieldEditor::Kind kind, QWidget *parent)
{
    using Kind = FieldEditor::Kind;
    if (kind == Kind::Choice && !field.choices.isEmpty())
        return new ChoiceEditor(field, parent);   // null is one of its choices
    FieldEditor *editor = FieldEditor::create(kind == Kind::Choice ? Kind::Any : kind, parent);
    // An editor of one type with null beside it; Any and ReadOnly take null as they are.
    if (field.nullable && kind != Kind::Any && kind != Kind::ReadOnly && kind != Kind::Structured)
        return new NullableEditor(editor, parent);
    return editor;
}

FieldEditor *withNull(const FieldSchema *field, FieldEditor *editor, QWidget *parent)
{
    return field && field->nullable ? new NullableEditor(editor, parent) : editor;
}

Json startValue(const FieldSchema &field)
{
    if (field.readOnly)
        return Json();
    if (!field.defaultValue.isUndefined())
        return field.defaultValue;
    if (field.nullable || !field.choices.isEmpty())
        return Json(nullptr);   // a choice is the user's to make: none is made for them
    switch (field.type) {
    case FieldSchema::Type::String:
        return FieldEditor::blankText(field.format == u"date"        ? FieldEditor::Kind::Date
                                      : field.format == u"date-time" ? FieldEditor::Kind::DateTime
                                                                     : FieldEditor::Kind::Text);
    case FieldSchema::Type::Integer:
    case FieldSchema::Type::Number:
        return Json(nullptr);   // typed by the user; never a made-up 0
    case FieldSchema::Type::Boolean:
        return Json(false);
    case FieldSchema::Type::Object:
        return Json::object({});
    case FieldSchema::Type::Array:
        return Json::array({});
    case FieldSchema::Type::Unknown:
        break;
    }
    return Json(nullptr);
}

QString labelOf(const FieldSchema &field)
{
    return field.label.isEmpty() ? field.name : field.label;
}

} // namespace SchemaEditors

} // namespace refetch
