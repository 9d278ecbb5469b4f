#pragma once

#include "recordform.h"

#include "core/providers/listfilter.h"
#include "core/models/referencelabels.h"
#include "core/schema/resourceschema.h"

#include <QDialog>

#include <memory>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QStackedWidget;

namespace refetch {

class DataProvider;
class FieldEditor;

// What a list's filter is built from: the server's dialect and the resource, the fields it can filter on (with
// their types), what the server says of them, and the references with their pickers.
struct FilterContext
{
    std::shared_ptr<const DataProvider> provider;
    QString resource;
    QList<FilterField> fields;
    ResourceSchema schema;
    QList<Reference> references;
    RecordForm::PickerFn picker;   // null: references are typed as ids

    const FilterField *field(const QString &name) const;
};

// The dialog that makes or changes one condition of a list's filter: a field, one of the operators the server's
// dialect has for it, and a value in an editor of the field's type (a date editor for dates, a number box, the
// choices of an enum, a reference picker searching the referenced resource; "is one of" takes values separated
// by commas). What the server cannot take (json-server's two "≥" on one field, a fraction where json-server 1 reads
// whole numbers) is said under it and holds back Apply.
class FilterEditor : public QDialog
{
    Q_OBJECT
public:
    // `others`: the list's other conditions, which the new one joins.
    FilterEditor(FilterContext context, QList<FilterCondition> others, QWidget *parent = nullptr);
    ~FilterEditor() override;

    // Starts from `condition` (a chip being changed) instead of the first field.
    void setCondition(const FilterCondition &condition);
    // The condition as entered; nullopt while it is not one.
    std::optional<FilterCondition> condition() const;

    // An editor for a value of `field` (a filter's, a bulk set's): the reference's picker, else the schema's editor
    // for its type, any value of the type allowed (bounds and read-only are the form's business).
    static FieldEditor *makeValueEditor(const FilterContext &context, const FilterField &field, QWidget *parent);

    QComboBox *fieldBox() const { return m_field; }
    QComboBox *operatorBox() const { return m_op; }
    FieldEditor *valueEditor() const { return m_value; }
    QLineEdit *listEditor() const { return m_list; }
    QLabel *problemLabel() const { return m_problem; }

private:
    void onFieldChanged();
    void onOperatorChanged();
    void updateProblem();
    FilterOp currentOp() const;
    // The condition as the widgets hold it; its value Undefined while the entry is not one.
    FilterCondition entered() const;
    // The members typed for "is one of", each as the field's type.
    Json listValue() const;

    FilterContext m_context;
    QList<FilterCondition> m_others;
    QComboBox *m_field;
    QComboBox *m_op;
    QStackedWidget *m_valueStack;
    QWidget *m_valueHolder;
    FieldEditor *m_value = nullptr;
    QLineEdit *m_list;
    QWidget *m_none;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};

} // namespace refetch
