#include "columnlayout.h"

#include "core/json/json.h"
#include "core/models/jsontablemodel.h"
#include "core/session/settingsstore.h"

#include <QAction>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QTableView>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace refetch {

ColumnLayout::ColumnLayout(QTableView *table, JsonTableModel *model, SettingsStore *store, const QString &key)
    : QObject(table), m_table(table), m_header(table->horizontalHeader()), m_model(model), m_store(store), m_key(key)
{
    const QJsonObject saved = QJsonDocument::fromJson(m_store->value(settingsKey(key))).object();
    for (const QJsonValue &v : saved.value(u"order"_s).toArray())
        m_order.append(v.toString());
    for (const QJsonValue &v : saved.value(u"hidden"_s).toArray())
        m_hidden.append(v.toString());
    const QJsonObject widths = saved.value(u"widths"_s).toObject();
    for (auto it = widths.begin(); it != widths.end(); ++it)
        m_widths.insert(it.key(), it.value().toInt());

    connect(m_header, &QHeaderView::sectionMoved, this, &ColumnLayout::save);
    connect(m_header, &QHeaderView::sectionResized, this, &ColumnLayout::save);
    m_header->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_header, &QHeaderView::customContextMenuRequested, this, [this](const QPoint &pos) {
        QMenu *menu = makeMenu(m_header);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_header->viewport()->mapToGlobal(pos));
    });
}

QString ColumnLayout::settingsKey(const QString &key)
{
    return u"columns/"_s + QString::fromLatin1(QUrl::toPercentEncoding(key));
}

void ColumnLayout::apply()
{
    m_applying = true;
    // Saved names first, in their order; the others keep theirs after them.
    int to = 0;
    for (const QString &name : std::as_const(m_order)) {
        const int logical = m_model->columnOf(name);
        if (logical < 0)
            continue;
        const int from = m_header->visualIndex(logical);
        if (from != to)
            m_header->moveSection(from, to);
        ++to;
    }
    for (int c = 0; c < m_model->columnCount(); ++c) {
        const QString name = m_model->columnName(c);
        m_header->setSectionHidden(c, m_hidden.contains(name));
        if (const auto w = m_widths.constFind(name); w != m_widths.cend() && *w > 0)
            m_header->resizeSection(c, *w);
    }
    m_applying = false;
    m_active = true;
    save();
}

bool ColumnLayout::isColumnHidden(const QString &name) const
{
    const int c = m_model->columnOf(name);
    return c >= 0 && m_header->isSectionHidden(c);
}

void ColumnLayout::setColumnHidden(const QString &name, bool hidden)
{
    const int c = m_model->columnOf(name);
    if (c < 0)
        return;
    if (hidden && m_header->count() - m_header->hiddenSectionCount() <= 1)
        return;   // the last column shown stays
    m_header->setSectionHidden(c, hidden);
    save();
}

void ColumnLayout::showAllColumns()
{
    for (int c = 0; c < m_model->columnCount(); ++c)
        m_header->setSectionHidden(c, false);
    save();
}

std::pair<QStringList, QStringList> ColumnLayout::arrangement() const
{
    QStringList order, hidden;
    for (int v = 0; v < m_header->count(); ++v) {
        const int logical = m_header->logicalIndex(v);
        if (logical < 0 || logical >= m_model->columnCount())
            continue;
        order.append(m_model->columnName(logical));
        if (m_header->isSectionHidden(logical))
            hidden.append(m_model->columnName(logical));
    }
    return {order, hidden};
}

void ColumnLayout::setArrangement(const QStringList &order, const QStringList &hidden)
{
    QStringList rest = m_order;
    m_order = order;
    for (const QString &name : std::as_const(rest)) {
        if (!m_order.contains(name))
            m_order.append(name);
    }
    m_hidden = hidden;
    apply();
}

void ColumnLayout::reset()
{
    m_applying = true;
    for (int c = 0; c < m_model->columnCount(); ++c) {
        m_header->setSectionHidden(c, false);
        const int visual = m_header->visualIndex(c);
        if (visual != c)
            m_header->moveSection(visual, c);
    }
    m_order.clear();
    m_hidden.clear();
    m_widths.clear();
    m_store->setValue(settingsKey(m_key), QByteArray());
    Q_EMIT resetRequested();   // fitted again (and saved from there)
    m_applying = false;
    save();
}

void ColumnLayout::save()
{
    if (!m_active || m_applying)
        return;
    // What the header shows now, over what was saved: a saved column not shown now keeps its place and width.
    QStringList order;
    for (int v = 0; v < m_header->count(); ++v) {
        const int logical = m_header->logicalIndex(v);
        if (logical >= 0 && logical < m_model->columnCount())
            order.append(m_model->columnName(logical));
    }
    for (const QString &name : std::as_const(m_order)) {
        if (!order.contains(name))
            order.append(name);
    }
    m_order = order;
    for (int c = 0; c < m_model->columnCount(); ++c) {
        const QString name = m_model->columnName(c);
        m_hidden.removeAll(name);
        if (m_header->isSectionHidden(c))
            m_hidden.append(name);
        else if (m_header->sectionSize(c) > 0)
            m_widths.insert(name, m_header->sectionSize(c));
    }
    QJsonObject widths;
    for (auto it = m_widths.cbegin(); it != m_widths.cend(); ++it)
        widths.insert(it.key(), *it);
    const QJsonObject saved{{u"order"_s, QJsonArray::fromStringList(m_order)},
                            {u"hidden"_s, QJsonArray::fromStringList(m_hidden)}, {u"widths"_s, widths}};
    m_store->setValue(settingsKey(m_key), QJsonDocument(saved).toJson(QJsonDocument::Compact));
}

QMenu *ColumnLayout::makeMenu(QWidget *parent)
{
    auto *menu = new QMenu(parent);
    menu->setObjectName(u"columnsMenu"_s);
    for (int v = 0; v < m_header->count(); ++v) {
        const int c = m_header->logicalIndex(v);
        const QString name = m_model->columnName(c);
        const QString title = m_model->headerData(c, Qt::Horizontal).toString();
        QAction *a = menu->addAction(title == name ? name : tr("%1 (%2)").arg(title, name));
        a->setCheckable(true);
        a->setChecked(!m_header->isSectionHidden(c));
        a->setData(name);
        connect(a, &QAction::toggled, this, [this, name](bool shown) { setColumnHidden(name, !shown); });
    }
    menu->addSeparator();
    connect(menu->addAction(tr("Show all columns")), &QAction::triggered, this, &ColumnLayout::showAllColumns);
    connect(menu->addAction(tr("Reset columns")), &QAction::triggered, this, &ColumnLayout::reset);
    return menu;
}

} // namespace refetch
