#include "referencesettings.h"

#include "icons.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {
// Kept on the row's first cell: what was found for it (empty: the user's own), its resource and field.
constexpr int FoundRole = Qt::UserRole + 1;
constexpr int ResourceRole = Qt::UserRole + 2;
constexpr int FieldRole = Qt::UserRole + 3;
} // namespace

ReferenceSettings::ReferenceSettings(QWidget *parent)
    : QWidget(parent), m_table(new QTableWidget(0, 4, this)),
      m_add(new QPushButton(icons::icon(u"add"_s), tr("Add"), this)),
      m_remove(new QPushButton(icons::icon(u"delete"_s), tr("Remove"), this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_table->setObjectName(u"referencesTable"_s);
    m_table->setHorizontalHeaderLabels({tr("Field"), tr("Points at"), tr("Named by"), tr("Found")});
    m_table->horizontalHeader()->setSectionResizeMode(FieldColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(TargetColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(LabelColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(SourceColumn, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setMinimumHeight(120);
    m_table->horizontalHeaderItem(LabelColumn)->setToolTip(
        tr("The field the records pointed at are named by; empty: their name, title, label, …"));
    layout->addWidget(m_table);
    auto *note = new QLabel(tr("Found in the server's description or by name, in what has been read so far (the lists "
                               "opened, the records shown). Your choices here are kept."), this);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(note);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    m_add->setObjectName(u"addReference"_s);
    m_remove->setObjectName(u"removeReference"_s);
    connect(m_add, &QPushButton::clicked, this, [this] { addReference(); });
    connect(m_remove, &QPushButton::clicked, this, &ReferenceSettings::removeSelected);
}

void ReferenceSettings::load(const EndpointSettings &endpoint, const Known &known)
{
    m_table->setRowCount(0);
    m_resources = known.resources;
    for (const QString &r : endpoint.resources) {
        if (!m_resources.contains(r))
            m_resources.append(r);
    }
    m_labelFields = endpoint.labelFields;
    QSet<QString> shown;
    for (const auto &[resource, ref] : known.references) {
        const QString key = EndpointSettings::referenceKey(resource, ref.field);
        shown.insert(key);
        // As used now (the user's word already over it): a target of the user's has no finding to go back to.
        const QString found = ref.source == u"settings" ? QString() : ref.resource;
        addRow(resource, ref.field, ref.resource, found, ref.source);
    }
    // The user's word on references not in use now: removed ones, and ones whose list was not opened yet.
    for (auto it = endpoint.references.cbegin(); it != endpoint.references.cend(); ++it) {
        if (shown.contains(it.key()))
            continue;
        const QString resource = it.key().section(u'\t', 0, 0);
        const QString field = it.key().section(u'\t', 1);
        addRow(resource, field, *it, QString(), it->isEmpty() ? u"removed"_s : u"settings"_s);
    }
}

void ReferenceSettings::addRow(const QString &resource, const QString &field, const QString &target,
                               const QString &foundTarget, const QString &source)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    auto *name = new QTableWidgetItem(u"%1 · %2"_s.arg(resource, field));
    name->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    name->setData(FoundRole, foundTarget);
    name->setData(ResourceRole, resource);
    name->setData(FieldRole, field);
    m_table->setItem(row, FieldColumn, name);
    auto *targets = new QComboBox(m_table);
    targets->addItem(tr("(not a reference)"), QString());
    for (const QString &r : std::as_const(m_resources))
        targets->addItem(r, r);
    if (!target.isEmpty() && targets->findData(target) < 0)
        targets->addItem(target, target);
    targets->setCurrentIndex(std::max(0, targets->findData(target)));
    m_table->setCellWidget(row, TargetColumn, targets);
    auto *label = new QLineEdit(m_table);
    label->setFrame(false);
    label->setPlaceholderText(tr("name, title, …"));
    label->setText(m_labelFields.value(target));
    m_table->setCellWidget(row, LabelColumn, label);
    const QString sourceText = source == u"schema"       ? tr("server")
                               : source == u"link"       ? tr("by link")
                               : source == u"convention" ? tr("by name")
                               : source == u"removed"    ? tr("removed")
                                                         : tr("yours");
    auto *found = new QTableWidgetItem(sourceText);
    found->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    m_table->setItem(row, SourceColumn, found);
    connect(targets, &QComboBox::currentIndexChanged, this, [this, targets, label] {
        label->setText(m_labelFields.value(targets->currentData().toString()));
        label->setEnabled(!targets->currentData().toString().isEmpty());
        Q_EMIT edited();
    });
    connect(label, &QLineEdit::textEdited, this, [this, targets, label] {
        // One field per resource: every row pointing there shows it.
        const QString target = targets->currentData().toString();
        m_labelFields.insert(target, label->text().trimmed());
        for (int r = 0; r < m_table->rowCount(); ++r) {
            auto *otherTargets = qobject_cast<QComboBox *>(m_table->cellWidget(r, TargetColumn));
            auto *otherLabel = qobject_cast<QLineEdit *>(m_table->cellWidget(r, LabelColumn));
            if (otherLabel && otherLabel != label && otherTargets && otherTargets->currentData().toString() == target)
                otherLabel->setText(label->text());
        }
        Q_EMIT edited();
    });
    label->setEnabled(!target.isEmpty());
}

void ReferenceSettings::addReference(const QString &resource, const QString &field, const QString &target)
{
    // The user's own: which resource's field, typed in the first cell ("comments · authorId").
    addRow(resource.isEmpty() ? m_resources.value(0) : resource, field, target, QString(), u"settings"_s);
    const int row = m_table->rowCount() - 1;
    QTableWidgetItem *name = m_table->item(row, FieldColumn);
    name->setFlags(name->flags() | Qt::ItemIsEditable);
    if (field.isEmpty())
        name->setText(u"%1 · "_s.arg(name->data(ResourceRole).toString()));
    m_table->setCurrentCell(row, FieldColumn);
    if (field.isEmpty())
        m_table->editItem(name);
    Q_EMIT edited();
}

void ReferenceSettings::removeSelected()
{
    const int row = m_table->currentRow();
    if (row < 0)
        return;
    const QString found = m_table->item(row, FieldColumn)->data(FoundRole).toString();
    const QString source = m_table->item(row, SourceColumn)->text();
    if (found.isEmpty() && source == tr("yours")) {
        m_table->removeRow(row);
    } else if (auto *targets = qobject_cast<QComboBox *>(m_table->cellWidget(row, TargetColumn))) {
        targets->setCurrentIndex(0);   // "(not a reference)": kept, so that it is not found again
    }
    Q_EMIT edited();
}

void ReferenceSettings::store(EndpointSettings &endpoint) const
{
    QMap<QString, QString> references;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QTableWidgetItem *name = m_table->item(row, FieldColumn);
        // "resource · field" as shown (the user's own rows can be typed in).
        QString resource = name->data(ResourceRole).toString();
        QString field = name->data(FieldRole).toString();
        if (name->flags() & Qt::ItemIsEditable) {
            const QStringList parts = name->text().split(u'·');
            if (parts.size() == 2) {
                resource = parts[0].trimmed();
                field = parts[1].trimmed();
            }
        }
        if (resource.isEmpty() || field.isEmpty())
            continue;
        const auto *targets = qobject_cast<QComboBox *>(m_table->cellWidget(row, TargetColumn));
        const QString target = targets ? targets->currentData().toString() : QString();
        const QString found = name->data(FoundRole).toString();
        if (!found.isEmpty() && target == found)
            continue;   // as found: nothing to say
        references.insert(EndpointSettings::referenceKey(resource, field), target);
    }
    endpoint.references = references;
    QMap<QString, QString> labels;
    for (auto it = m_labelFields.cbegin(); it != m_labelFields.cend(); ++it) {
        if (!it.key().isEmpty() && !it->isEmpty())
            labels.insert(it.key(), *it);
    }
    endpoint.labelFields = labels;
}

} // namespace refetch
