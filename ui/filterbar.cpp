#include "filterbar.h"

#include "icons.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QToolButton>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace refetch {

FilterBar::FilterBar(QWidget *parent)
    : QWidget(parent), m_chips(new QHBoxLayout), m_clear(new QToolButton(this))
{
    setObjectName(u"filterBar"_s);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 0, 8, 6);
    layout->setSpacing(6);
    auto *icon = new QLabel(this);
    icon->setPixmap(icons::icon(u"filter"_s).pixmap(16, 16));
    icon->setToolTip(tr("Records meeting every condition"));
    layout->addWidget(icon);
    m_chips->setSpacing(6);
    layout->addLayout(m_chips);
    auto *add = new QToolButton(this);
    add->setObjectName(u"addCondition"_s);
    add->setIcon(icons::icon(u"add"_s));
    add->setAutoRaise(true);
    add->setToolTip(tr("Add a condition"));
    add->setAccessibleName(tr("Add a condition"));
    connect(add, &QToolButton::clicked, this, [this] { addCondition(); });
    layout->addWidget(add);
    m_clear->setObjectName(u"clearFilter"_s);
    m_clear->setText(tr("Clear"));
    m_clear->setAutoRaise(true);
    m_clear->setToolTip(tr("Remove every condition"));
    connect(m_clear, &QToolButton::clicked, this, [this] { setConditions({}); });
    layout->addWidget(m_clear);
    layout->addStretch(1);
    auto *save = new QToolButton(this);
    save->setObjectName(u"saveView"_s);
    save->setText(tr("Save View…"));
    save->setAutoRaise(true);
    save->setToolTip(tr("Name this filter, with the list's sort and columns; it is listed under the resource"));
    connect(save, &QToolButton::clicked, this, &FilterBar::saveViewRequested);
    layout->addWidget(save);
    hide();
}

void FilterBar::setConditions(const QList<FilterCondition> &conditions)
{
    if (conditions == m_conditions)
        return;
    m_conditions = conditions;
    rebuild();
    Q_EMIT conditionsChanged(m_conditions);
}

void FilterBar::addCondition(const QString &field)
{
    openEditor(-1, field);
}

void FilterBar::editCondition(int index)
{
    if (index >= 0 && index < m_conditions.size())
        openEditor(index, QString());
}

void FilterBar::openEditor(int index, const QString &field)
{
    if (m_editor || !m_source)
        return;
    QList<FilterCondition> others = m_conditions;
    if (index >= 0)
        others.removeAt(index);
    m_editor = new FilterEditor(m_source(), others, window());
    m_editor->setAttribute(Qt::WA_DeleteOnClose);
    if (index >= 0)
        m_editor->setCondition(m_conditions.at(index));
    else if (!field.isEmpty())
        m_editor->fieldBox()->setCurrentIndex(std::max(0, m_editor->fieldBox()->findData(field)));
    QPointer<FilterEditor> editor = m_editor;
    connect(m_editor, &QDialog::finished, this, [this, editor, index](int result) {
        m_editor = nullptr;
        if (result != QDialog::Accepted || !editor)
            return;
        const auto c = editor->condition();
        if (!c)
            return;
        QList<FilterCondition> next = m_conditions;
        if (index >= 0 && index < next.size())
            next[index] = *c;
        else
            next.append(*c);
        setConditions(next);
    });
    if (m_anchor) {
        m_editor->adjustSize();
        const QPoint below = m_anchor->mapToGlobal(QPoint(0, m_anchor->height() + 2));
        const QRect room = window()->geometry();
        m_editor->move(std::clamp(below.x(), room.left(), std::max(room.left(), room.right() - m_editor->width())),
                       below.y());
    }
    m_editor->open();
}

void FilterBar::rebuild()
{
    while (QLayoutItem *item = m_chips->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (int i = 0; i < m_conditions.size(); ++i) {
        const QString text = m_conditions.at(i).describe();
        auto *chip = new QWidget(this);
        chip->setObjectName(u"filterChip"_s);
        chip->setAttribute(Qt::WA_StyledBackground);
        chip->setStyleSheet(u"#filterChip { border: 1px solid palette(mid); border-radius: 10px; "
                            "background: palette(alternate-base); }"_s);
        auto *row = new QHBoxLayout(chip);
        row->setContentsMargins(6, 0, 2, 0);
        row->setSpacing(0);
        auto *label = new QToolButton(chip);
        label->setObjectName(u"filterChipText"_s);
        label->setText(text);
        label->setAutoRaise(true);
        label->setToolTip(tr("Change this condition"));
        connect(label, &QToolButton::clicked, this, [this, i] { editCondition(i); });
        auto *remove = new QToolButton(chip);
        remove->setObjectName(u"filterChipRemove"_s);
        remove->setText(u"\u00d7"_s);
        remove->setAutoRaise(true);
        remove->setToolTip(tr("Remove this condition"));
        remove->setAccessibleName(tr("Remove %1").arg(text));
        connect(remove, &QToolButton::clicked, this, [this, i] {
            QList<FilterCondition> next = m_conditions;
            next.removeAt(i);
            setConditions(next);
        });
        row->addWidget(label);
        row->addWidget(remove);
        m_chips->addWidget(chip);
    }
    m_clear->setVisible(m_conditions.size() > 1);
    setVisible(!m_conditions.isEmpty());
}

} // namespace refetch
