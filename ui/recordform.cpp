#include "recordform.h"

#include "schemaeditors.h"

#include "core/models/recordmodel.h"

#include <QApplication>
#include <QFormLayout>
#include <QLabel>
#include <QRegularExpression>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

Json jsonOf(const QVariant &v)
{
    return v.value<Json>();
}

} // namespace

RecordForm::RecordForm(QWidget *parent) : QWidget(parent), m_layout(new QFormLayout(this))
{
    m_layout->setContentsMargins(16, 12, 16, 16);
    m_layout->setHorizontalSpacing(14);
    m_layout->setVerticalSpacing(10);
    m_layout->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    m_layout->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_layout->setRowWrapPolicy(QFormLayout::DontWrapRows);
}

RecordForm::~RecordForm() = default;

void RecordForm::setModel(RecordModel *model, const QString &idField)
{
    for (const QMetaObject::Connection &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    // Entries belong to the record they were typed for.
    const bool hadEntries = !m_entries.isEmpty();
    m_entries.clear();
    m_touched.clear();
    m_model = model;
    m_idField = idField;
    if (m_model) {
        auto structural = [this] { rebuild(); };
        m_connections = {
            connect(m_model, &QAbstractItemModel::modelReset, this, structural),
            connect(m_model, &QAbstractItemModel::rowsInserted, this, structural),
            connect(m_model, &QAbstractItemModel::rowsRemoved, this, structural),
            connect(m_model, &QAbstractItemModel::rowsMoved, this, structural),
            connect(m_model, &QAbstractItemModel::dataChanged, this, &RecordForm::onDataChanged),
            connect(m_model, &QObject::destroyed, this, [this] {
                m_connections.clear();
                m_entries.clear();
                clearRows();
            }),
        };
    }
    rebuild();
    if (hadEntries)
        Q_EMIT invalidEntriesChanged();
}

void RecordForm::setShowDirty(bool show)
{
    m_showDirty = show;
    if (m_model) {
        for (int row = 0; row < m_model->rowCount(); ++row)
            syncRow(row);
    }
}

void RecordForm::setSchema(const ResourceSchema &schema)
{
    if (schema == m_schema)
        return;
    m_schema = schema;
    rebuild();
}

void RecordForm::setReferences(const QList<Reference> &references, PickerFn makePicker)
{
    m_makePicker = std::move(makePicker);
    if (references == m_references)
        return;
    QSet<QString> changed;
    for (const Reference &r : std::as_const(m_references)) {
        if (!references.contains(r))
            changed.insert(r.field);
    }
    for (const Reference &r : references) {
        if (!m_references.contains(r))
            changed.insert(r.field);
    }
    m_references = references;
    if (!m_model)
        return;
    // Only the editors of the fields whose reference changed, and not while the user types in one (it gets its
    // picker when the form is next built): the others stay the widgets they are.
    for (const QString &field : std::as_const(changed)) {
        const auto row = m_rows.find(field);
        if (row == m_rows.end() || m_entries.contains(field) || row->editor->isAncestorOf(QApplication::focusWidget()))
            continue;
        const QModelIndex value = m_model->index(m_model->rowOf(field), RecordModel::ValueColumn);
        const Json shown = jsonOf(value.data(RecordModel::ValueJsonRole));
        replaceEditor(*row, field, kindOf(field, shown), shown);
        syncRow(m_model->rowOf(field));
    }
}

const Reference *RecordForm::referenceOf(const QString &field) const
{
    for (const Reference &r : m_references) {
        if (r.field == field)
            return &r;
    }
    return nullptr;
}

void RecordForm::setCheckAll(bool all)
{
    if (all == m_checkAll)
        return;
    m_checkAll = all;
    for (const QString &field : std::as_const(m_order))
        updateMessage(field);
}

FieldEditor::Kind RecordForm::kindOf(const QString &field, const Json &value) const
{
    if (field == m_idField)
        return FieldEditor::Kind::ReadOnly;
    if (m_makePicker && referenceOf(field) && !(schemaOf(field) && schemaOf(field)->readOnly))
        return FieldEditor::Kind::Reference;
    if (const FieldSchema *f = schemaOf(field); f && (f->readOnly || f->type != FieldSchema::Type::Unknown || !f->choices.isEmpty()))
        return SchemaEditors::kindFor(*f, value);
    return m_kindHints.contains(field) ? m_kindHints.value(field) : FieldEditor::kindFor(value);
}

QString RecordForm::labelOf(const QString &field) const
{
    const FieldSchema *f = schemaOf(field);
    return f ? SchemaEditors::labelOf(*f) : field;
}

QString RecordForm::schemaProblem(const QString &field) const
{
    const FieldSchema *f = schemaOf(field);
    if (!f || !m_model || f->readOnly || field == m_idField)
        return {};
    const int row = m_model->rowOf(field);
    const QModelIndex value = m_model->index(row, RecordModel::ValueColumn);
    // Checked once the user typed in it, or changed it (a new record's fields are all "changed" from the start: only
    // those typed in, until Create checks them all).
    if (!m_checkAll && !m_touched.contains(field) && !(m_showDirty && value.data(RecordModel::DirtyRole).toBool()))
        return {};
    return f->problemWith(jsonOf(value.data(RecordModel::ValueJsonRole)));
}

QList<std::pair<QString, QString>> RecordForm::schemaProblems() const
{
    QList<std::pair<QString, QString>> out;
    for (const QString &field : m_order) {
        if (const QString problem = schemaProblem(field); !problem.isEmpty())
            out.append({field, problem});
    }
    // A required field the record does not have at all (a new record's form shows every field it knows).
    if (m_checkAll) {
        for (const FieldSchema &f : m_schema.fields) {
            if (!m_order.contains(f.name) && f.name != m_idField) {
                if (const QString problem = f.problemWith(Json()); !problem.isEmpty())
                    out.append({f.name, problem});
            }
        }
    }
    return out;
}

QStringList RecordForm::fields() const
{
    return m_order;
}

FieldEditor *RecordForm::editor(const QString &field) const
{
    return m_rows.value(field).editor;
}

QString RecordForm::messageOf(const QString &field) const
{
    const Row row = m_rows.value(field);
    return row.message && !row.message->isHidden() ? row.message->text() : QString();
}

QStringList RecordForm::invalidFields() const
{
    QStringList out;
    for (const QString &field : m_order) {
        if (const FieldEditor *e = m_rows.value(field).editor; m_entries.contains(field) || (e && !e->isValid()))
            out.append(field);
    }
    // Entries of fields not shown yet (a draft restored before its record came).
    QStringList waiting;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        if (!m_rows.contains(it.key()))
            waiting.append(it.key());
    }
    waiting.sort();
    return out + waiting;
}

void RecordForm::setEntry(const QString &field, const QString &text)
{
    m_entries.insert(field, text);
    if (const auto it = m_rows.find(field); it != m_rows.end() && m_model) {
        const Json shown = m_model->index(m_model->rowOf(field), RecordModel::ValueColumn)
                               .data(RecordModel::ValueJsonRole).value<Json>();
        replaceEditor(*it, field, it->editor->kind(), shown);
        if (it->editor->isValid()) {
            // It reads as a value after all: an ordinary edit.
            m_entries.remove(field);
            m_model->setField(field, it->editor->value());
        }
        syncRow(m_model->rowOf(field));
    }
    updateValidity();
    Q_EMIT invalidEntriesChanged();
}

void RecordForm::discardInvalidEntries()
{
    if (m_entries.isEmpty())
        return;
    const QStringList fields = m_entries.keys();
    m_entries.clear();
    if (m_model) {
        for (const QString &field : fields) {
            const auto it = m_rows.find(field);
            if (it == m_rows.end())
                continue;
            const int modelRow = m_model->rowOf(field);
            it->editor->setValue(m_model->index(modelRow, RecordModel::ValueColumn).data(RecordModel::ValueJsonRole).value<Json>());
            syncRow(modelRow);
        }
    }
    updateValidity();
    Q_EMIT invalidEntriesChanged();
}

void RecordForm::focusFirstField()
{
    FieldEditor *first = nullptr;
    for (const QString &field : std::as_const(m_order)) {
        const Row &row = m_rows[field];
        if (!messageOf(field).isEmpty()) {
            row.editor->setFocus(Qt::OtherFocusReason);
            return;
        }
        if (!first && row.editor->kind() != FieldEditor::Kind::ReadOnly)
            first = row.editor;
    }
    if (first)
        first->setFocus(Qt::OtherFocusReason);
}

void RecordForm::clearRows()
{
    // The widgets go on the next turn of the event loop, not now: a rebuild can come from inside an editor's own
    // signal (a typed entry that takes a new record's field out of the model), and the editor is still in its key
    // handler then. Until they go, they are hidden and tell the form nothing.
    for (const Row &row : std::as_const(m_rows)) {
        if (row.editor)
            disconnect(row.editor, nullptr, this, nullptr);
    }
    while (m_layout->rowCount() > 0) {
        const QFormLayout::TakeRowResult taken = m_layout->takeRow(0);
        for (QLayoutItem *item : {taken.labelItem, taken.fieldItem}) {
            if (!item)
                continue;
            if (QWidget *w = item->widget()) {
                w->hide();
                w->deleteLater();
            }
            delete item;
        }
    }
    m_rows.clear();
    m_order.clear();
}

void RecordForm::rebuild()
{
    // Keep the keyboard where it was: the form is rebuilt when fields come or go.
    QString focused;
    for (auto it = m_rows.cbegin(); it != m_rows.cend(); ++it) {
        if (it->editor && it->editor->isAncestorOf(QApplication::focusWidget()))
            focused = it.key();
    }
    setUpdatesEnabled(false);
    clearRows();
    if (m_model) {
        for (int row = 0; row < m_model->rowCount(); ++row) {
            const QString field = m_model->fieldName(row);
            const Row r = makeRow(field);
            m_rows.insert(field, r);
            m_order.append(field);
            m_layout->addRow(r.label, r.box);
            // Shown now rather than when the layout gets to them.
            r.label->show();
            r.box->show();
            syncRow(row);
        }
    }
    setUpdatesEnabled(true);
    if (FieldEditor *e = editor(focused))
        e->setFocus(Qt::OtherFocusReason);
    updateValidity();
}

RecordForm::Row RecordForm::makeRow(const QString &field)
{
    Row r;
    const QString label = labelOf(field);
    r.label = new QLabel(label, this);
    r.label->setTextFormat(Qt::PlainText);
    r.label->setToolTip(field);
    // Room for the changed mark in bold, so that marking a field does not cut its name.
    QFont bold = r.label->font();
    bold.setBold(true);
    r.label->setMinimumWidth(QFontMetrics(bold).horizontalAdvance(label + u" * •"_s));
    r.label->setAlignment(Qt::AlignRight | Qt::AlignTop);
    // The first line of text in the editor and the label on one baseline.
    r.label->setContentsMargins(0, 4, 0, 0);
    r.box = new QWidget(this);
    auto *box = new QVBoxLayout(r.box);
    box->setContentsMargins(0, 0, 0, 0);
    box->setSpacing(3);
    const int row = m_model->rowOf(field);
    const QModelIndex value = m_model->index(row, RecordModel::ValueColumn);
    const Json server = jsonOf(value.data(RecordModel::ServerValueRole));
    const Json shown = jsonOf(value.data(RecordModel::ValueJsonRole));
    const FieldEditor::Kind kind = kindOf(field, server.isUndefined() ? shown : server);
    r.editor = makeEditor(kind, field, shown, r.box);
    r.label->setBuddy(r.editor->focusTarget());
    connect(r.editor, &FieldEditor::edited, this, [this, field] { onEdited(field); });
    r.message = new QLabel(r.box);
    r.message->setTextFormat(Qt::PlainText);
    r.message->setWordWrap(true);
    r.message->setObjectName(u"fieldMessage"_s);
    r.message->setStyleSheet(u"color: #b91c1c;"_s);
    r.message->hide();
    box->addWidget(r.editor);
    box->addWidget(r.message);
    return r;
}

FieldEditor *RecordForm::makeEditor(FieldEditor::Kind kind, const QString &field, const Json &shown, QWidget *parent)
{
    const auto entry = m_entries.constFind(field);
    const FieldSchema *described = schemaOf(field);
    FieldEditor *editor = nullptr;
    if (kind == FieldEditor::Kind::Reference)
        editor = SchemaEditors::withNull(described, m_makePicker(*referenceOf(field), parent), parent);
    else
        editor = described ? SchemaEditors::create(*described, kind, parent) : FieldEditor::create(kind, parent);
    // Never a shorter, rounded or clamped value: an editor that cannot hold the value gives way to one that can.
    if (entry == m_entries.constEnd() && kind != FieldEditor::Kind::ReadOnly && !editor->canHold(shown)) {
        delete editor;
        editor = FieldEditor::create(FieldEditor::kindFor(shown), parent);
    }
    editor->setValue(shown);
    if (entry != m_entries.constEnd()) {
        editor->setEntryText(*entry);
        if (editor->entryText() != *entry) {
            // This kind takes no typed entry (the field changed type since): the JSON box takes any text.
            delete editor;
            editor = FieldEditor::create(FieldEditor::Kind::Structured, parent);
            editor->setEntryText(*entry);
        }
    }
    connect(editor, &FieldEditor::edited, this, [this, field] { onEdited(field); });
    // A screen reader names the editor by its field and reads the server's help as its description.
    editor->focusTarget()->setAccessibleName(labelOf(field));
    if (described && !described->help.isEmpty()) {
        editor->focusTarget()->setAccessibleDescription(described->help);
        editor->focusTarget()->setToolTip(described->help);
    }
    return editor;
}

void RecordForm::replaceEditor(Row &row, const QString &field, FieldEditor::Kind kind, const Json &shown)
{
    FieldEditor *old = row.editor;
    const bool hadFocus = old->isAncestorOf(QApplication::focusWidget());
    FieldEditor *replacement = makeEditor(kind, field, shown, row.box);
    row.box->layout()->replaceWidget(old, replacement);
    old->hide();
    old->deleteLater();
    row.editor = replacement;
    row.label->setBuddy(replacement->focusTarget());
    if (hadFocus)
        replacement->setFocus(Qt::OtherFocusReason);
}

void RecordForm::syncRow(int modelRow)
{
    const QString field = m_model->fieldName(modelRow);
    const auto it = m_rows.find(field);
    if (it == m_rows.end())
        return;
    const QModelIndex value = m_model->index(modelRow, RecordModel::ValueColumn);
    const Json shown = jsonOf(value.data(RecordModel::ValueJsonRole));
    const Json server = jsonOf(value.data(RecordModel::ServerValueRole));
    // An entry that is not a value is an edit the model does not have: it stays as typed.
    const bool held = m_entries.contains(field);
    const bool dirty = value.data(RecordModel::DirtyRole).toBool() || held;
    const bool typing = it->editor->isAncestorOf(QApplication::focusWidget()) && dirty;
    if (!typing && !held && it->editor->kind() != FieldEditor::Kind::ReadOnly) {
        // The server changed the field's type (null -> text...), or the value is one the editor cannot hold
        // (a line break in a line): a new editor.
        if (!dirty && !server.isUndefined() && kindOf(field, server) != it->editor->kind())
            replaceEditor(*it, field, kindOf(field, server), shown);
        else if (!it->editor->canHold(shown))
            replaceEditor(*it, field, kindOf(field, shown), shown);
    }
    FieldEditor *editor = it->editor;
    // Never overwrite what the user is typing; everything else shows the model.
    if (!typing && !held && !(editor->value() == shown && editor->value().type() == shown.type()))
        editor->setValue(shown);

    const bool mark = dirty && m_showDirty;
    // Saved, and the write waits for the server (it does not answer): not an edit, but not there yet either.
    const bool waiting = !dirty && value.data(RecordModel::WaitingRole).toBool();
    QFont font = it->label->font();
    font.setBold(mark);
    font.setItalic(waiting);
    it->label->setFont(font);
    it->label->setStyleSheet(mark ? u"color: #1d4ed8;"_s : waiting ? u"color: #b45309;"_s : QString());
    const FieldSchema *described = schemaOf(field);
    const bool required = described && described->required && !described->readOnly;
    const QString label = labelOf(field) + (required ? u" *"_s : QString());
    it->label->setText(mark ? label + u" •"_s : waiting ? label + u" ◷"_s : label);
    // The field's own name where the label is the server's, and its help.
    QString about = labelOf(field) == field ? field : tr("%1 (%2)").arg(labelOf(field), field);
    if (required)
        about += u" · "_s + tr("required");
    if (described && described->readOnly)
        about += u" · "_s + tr("set by the server");
    if (described && !described->help.isEmpty())
        about += u"\n"_s + described->help;
    it->label->setToolTip(mark ? tr("%1: changed; the server has %2")
                                     .arg(about, server.isUndefined() ? tr("no value")
                                                                      : QString::fromUtf8(server.toJson()).left(200))
                          : waiting ? tr("%1: saved; waiting for the server to answer").arg(about)
                                    : about);
    it->label->setAccessibleDescription(waiting ? tr("waiting for the server") : mark ? tr("changed") : QString());
    it->editor->focusTarget()->setAccessibleDescription(
        QStringList{required ? tr("required") : QString(), described ? described->help : QString(),
                    waiting ? tr("waiting for the server") : mark ? tr("changed") : QString()}
            .filter(QRegularExpression(u"."_s)).join(u"; "_s));
    updateMessage(field);
}

void RecordForm::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight)
{
    if (topLeft.column() > RecordModel::ValueColumn || bottomRight.column() < RecordModel::ValueColumn)
        return;
    for (int row = topLeft.row(); row <= bottomRight.row(); ++row)
        syncRow(row);
    updateValidity();
}

void RecordForm::onEdited(const QString &field)
{
    const Row row = m_rows.value(field);
    if (!row.editor || !m_model)
        return;
    const bool wasHeld = m_entries.contains(field);
    m_touched.insert(field);
    if (row.editor->isValid()) {
        m_entries.remove(field);
        m_model->setField(field, row.editor->value());
    } else {
        // The field's edit is now the text typed, not a value typed on the way to it ("1" of "1e400").
        m_entries.insert(field, row.editor->entryText());
        // A field the server has goes back to its value; one it has not (a new record's) keeps its last value, so
        // that it stays in the form while the entry is being typed (a save waits for the entry either way).
        if (!m_model->serverRecord().value(QStringView(field)).isUndefined())
            m_model->revertField(field);
    }
    if (wasHeld || m_entries.contains(field)) {
        // The model may not have changed (an entry typed, or corrected back to what it holds): mark the row here.
        syncRow(m_model->rowOf(field));
        updateValidity();
        Q_EMIT invalidEntriesChanged();
        return;
    }
    updateMessage(field);
    updateValidity();
}

void RecordForm::updateMessage(const QString &field)
{
    const Row row = m_rows.value(field);
    if (!row.message || !m_model)
        return;
    QString text = row.editor->validationError();
    if (text.isEmpty()) {
        const int modelRow = m_model->rowOf(field);
        text = m_model->index(modelRow, RecordModel::ValueColumn).data(RecordModel::FieldErrorRole).toString();
        // What the server's description already says it would refuse, before it is sent.
        if (text.isEmpty())
            text = schemaProblem(field);
        row.editor->setErrorState(!text.isEmpty());
    }
    row.message->setText(text);
    row.message->setVisible(!text.isEmpty());
}

void RecordForm::updateValidity()
{
    const bool valid = invalidFields().isEmpty();
    if (valid != m_valid) {
        m_valid = valid;
        Q_EMIT validityChanged(valid);
    }
}

} // namespace refetch
