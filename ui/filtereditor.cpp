#include "filtereditor.h"

#include "fieldeditor.h"
#include "schemaeditors.h"

#include "core/providers/dataprovider.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace refetch {

const FilterField *FilterContext::field(const QString &name) const
{
    for (const FilterField &f : fields) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

FilterEditor::FilterEditor(FilterContext context, QList<FilterCondition> others, QWidget *parent)
    : QDialog(parent), m_context(std::move(context)), m_others(std::move(others)), m_field(new QComboBox(this)),
      m_op(new QComboBox(this)), m_valueStack(new QStackedWidget(this)), m_valueHolder(new QWidget(this)),
      m_list(new QLineEdit(this)), m_none(new QWidget(this)), m_problem(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(u"filterEditor"_s);
    setWindowTitle(tr("Filter %1").arg(m_context.resource));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_field->setObjectName(u"filterField"_s);
    m_op->setObjectName(u"filterOperator"_s);
    m_list->setObjectName(u"filterValues"_s);
    m_list->setPlaceholderText(tr("Values, separated by commas"));
    m_list->setAccessibleName(tr("Values"));
    (new QVBoxLayout(m_valueHolder))->setContentsMargins(0, 0, 0, 0);
    m_valueStack->addWidget(m_valueHolder);
    m_valueStack->addWidget(m_list);
    m_valueStack->addWidget(m_none);
    for (const FilterField &f : std::as_const(m_context.fields)) {
        const FieldSchema *s = m_context.schema.field(f.name);
        const QString label = s ? SchemaEditors::labelOf(*s) : f.name;
        m_field->addItem(label == f.name ? f.name : label + u" ("_s + f.name + u')', f.name);
    }
    auto *fieldLabel = new QLabel(tr("&Field:"), this);
    fieldLabel->setBuddy(m_field);
    auto *opLabel = new QLabel(tr("&Condition:"), this);
    opLabel->setBuddy(m_op);
    auto *valueLabel = new QLabel(tr("&Value:"), this);
    valueLabel->setBuddy(m_valueStack);
    form->addRow(fieldLabel, m_field);
    form->addRow(opLabel, m_op);
    form->addRow(valueLabel, m_valueStack);
    layout->addLayout(form);
    m_problem->setObjectName(u"filterProblem"_s);
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::PlainText);
    QPalette warn = m_problem->palette();
    warn.setColor(QPalette::WindowText, QColor(0xb4, 0x23, 0x18));
    m_problem->setPalette(warn);
    m_problem->hide();
    layout->addWidget(m_problem);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Apply"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (condition())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_field, &QComboBox::currentIndexChanged, this, &FilterEditor::onFieldChanged);
    connect(m_op, &QComboBox::currentIndexChanged, this, &FilterEditor::onOperatorChanged);
    connect(m_list, &QLineEdit::textChanged, this, &FilterEditor::updateProblem);
    setMinimumWidth(380);
    onFieldChanged();
}

FilterEditor::~FilterEditor() = default;

void FilterEditor::setCondition(const FilterCondition &c)
{
    const int field = m_field->findData(c.field);
    if (field < 0)
        return;
    m_field->setCurrentIndex(field);
    onFieldChanged();
    const int op = m_op->findData(int(c.op));
    if (op >= 0)
        m_op->setCurrentIndex(op);
    onOperatorChanged();
    if (c.op == FilterOp::In) {
        QStringList parts;
        for (const Json &v : c.value.isArray() ? c.value : Json::array({c.value}))
            parts.append(filterValueText(v));
        m_list->setText(parts.join(u", "));
    } else if (m_value && FilterCondition::takesValue(c.op)) {
        m_value->setValue(c.value);
    }
    updateProblem();
}

FilterOp FilterEditor::currentOp() const
{
    return FilterOp(m_op->currentData().toInt());
}

void FilterEditor::onFieldChanged()
{
    const FilterOp before = m_op->count() > 0 ? currentOp() : FilterOp::Equals;
    const QSignalBlocker block(m_op);
    m_op->clear();
    const FilterField *field = m_context.field(m_field->currentData().toString());
    if (field && m_context.provider) {
        for (FilterOp op : m_context.provider->filterOperators(m_context.resource, *field))
            m_op->addItem(FilterCondition::opName(op), int(op));
    }
    const int keep = m_op->findData(int(before));
    m_op->setCurrentIndex(keep >= 0 ? keep : 0);

    // The value's editor, of the field's type.
    delete m_value;
    m_value = nullptr;
    if (field) {
        m_value = makeValueEditor(m_context, *field, m_valueHolder);
        m_value->setObjectName(u"filterValue"_s);
        m_value->setAccessibleName(tr("Value of %1").arg(field->name));
        m_valueHolder->layout()->addWidget(m_value);
        connect(m_value, &FieldEditor::edited, this, &FilterEditor::updateProblem);
    }
    onOperatorChanged();
}

FieldEditor *FilterEditor::makeValueEditor(const FilterContext &context, const FilterField &field, QWidget *parent)
{
    for (const Reference &r : context.references) {
        if (r.field == field.name && context.picker) {
            // A field of links is filtered by the id they name (FilterCondition::link): the picker gives the id.
            Reference byId = r;
            byId.link.clear();
            return context.picker(byId, parent);
        }
    }
    FieldSchema schema;
    if (const FieldSchema *s = context.schema.field(field.name))
        schema = *s;
    schema.name = field.name;
    schema.type = field.type;
    schema.format = field.format;
    // Any value of the type: what the server sets, needs or bounds is the form's.
    schema.readOnly = schema.required = schema.nullable = false;
    schema.minimum.reset();
    schema.maximum.reset();
    schema.minLength.reset();
    schema.maxLength.reset();
    schema.pattern.clear();
    FieldEditor::Kind kind = SchemaEditors::kindFor(schema, Json());
    if (kind == FieldEditor::Kind::LongText || kind == FieldEditor::Kind::Any || kind == FieldEditor::Kind::Structured
        || kind == FieldEditor::Kind::ReadOnly)
        kind = FieldEditor::Kind::Text;
    FieldEditor *editor = SchemaEditors::create(schema, kind, parent);
    if (kind == FieldEditor::Kind::Text)
        editor->setValue(Json(QString()));
    else if (kind == FieldEditor::Kind::Date || kind == FieldEditor::Kind::DateTime)
        editor->setValue(FieldEditor::blankText(kind));
    else if (kind == FieldEditor::Kind::Number)
        editor->setValue(Json(qint64(0)));
    else if (kind == FieldEditor::Kind::Boolean)
        editor->setValue(Json(true));
    return editor;
}

void FilterEditor::onOperatorChanged()
{
    const FilterOp op = currentOp();
    if (m_op->count() == 0 || !FilterCondition::takesValue(op))
        m_valueStack->setCurrentWidget(m_none);
    else if (op == FilterOp::In)
        m_valueStack->setCurrentWidget(m_list);
    else
        m_valueStack->setCurrentWidget(m_valueHolder);
    updateProblem();
}

Json FilterEditor::listValue() const
{
    const FilterField *field = m_context.field(m_field->currentData().toString());
    QList<Json> out;   // each value as typed: a number of 25 digits stays that number
    for (const QString &raw : m_list->text().split(u',')) {
        const QString part = raw.trimmed();
        if (part.isEmpty())
            continue;
        Json v(part);
        if (field && field->isNumeric()) {
            v = Json::fromNumberText(QStringView(part));
            if (v.isUndefined() || !v.isNumber())
                return Json();   // not a number: no value yet
        }
        out.append(v);
    }
    return out.isEmpty() ? Json() : Json::array(out);
}

FilterCondition FilterEditor::entered() const
{
    FilterCondition c{.field = m_field->currentData().toString(), .op = currentOp(), .value = {}, .link = {}};
    for (const Reference &r : m_context.references) {
        if (r.field == c.field)
            c.link = r.link;
    }
    if (c.op == FilterOp::In)
        c.value = listValue();
    else if (FilterCondition::takesValue(c.op))
        c.value = m_value && m_value->isValid() ? m_value->value() : Json();
    // Text conditions are on text, whatever editor the field has.
    if ((c.op == FilterOp::Contains || c.op == FilterOp::StartsWith) && !c.value.isUndefined() && !c.value.isString())
        c.value = Json(filterValueText(c.value));
    return c;
}

std::optional<FilterCondition> FilterEditor::condition() const
{
    if (m_op->count() == 0)
        return std::nullopt;
    const FilterCondition c = entered();
    if (FilterCondition::takesValue(c.op) && c.value.isUndefined())
        return std::nullopt;
    if ((c.op == FilterOp::Contains || c.op == FilterOp::StartsWith) && c.value.toString().isEmpty())
        return std::nullopt;
    if (!m_context.provider || !m_context.provider->filterParams(m_context.resource, m_others + QList{c}).error.isEmpty())
        return std::nullopt;
    return c;
}

void FilterEditor::updateProblem()
{
    QString problem;
    if (m_op->count() == 0) {
        problem = tr("The server offers no filter on this field.");
    } else {
        const FilterCondition c = entered();
        if (FilterCondition::takesValue(c.op) && c.value.isUndefined()) {
            problem = c.op == FilterOp::In && !m_list->text().trimmed().isEmpty()
                ? tr("Each value must be a number.")
                : m_value && !m_value->validationError().isEmpty() ? m_value->validationError() : QString();
        } else if (m_context.provider) {
            problem = m_context.provider->filterParams(m_context.resource, m_others + QList{c}).error;
        }
    }
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(condition().has_value());
}

} // namespace refetch
