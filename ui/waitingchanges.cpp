#include "waitingchanges.h"

#include "icons.h"

#include "core/mutation/mutation.h"
#include "core/mutation/mutationqueue.h"
#include "core/mutation/pendingwrites.h"
#include "core/providers/dataprovider.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

enum ItemRole { WriteRole = Qt::UserRole + 1, RefusedRole, MatchRole };

} // namespace

WaitingChanges::WaitingChanges(PendingWrites *writes, QWidget *parent)
    : QDialog(parent), m_writes(writes), m_summary(new QLabel(this)), m_list(new QTreeWidget(this))
{
    setObjectName(u"waitingChanges"_s);
    setWindowTitle(tr("Changes Waiting for the Server"));
    auto *layout = new QVBoxLayout(this);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_list->setColumnCount(3);
    m_list->setHeaderLabels({tr("Change"), tr("Why"), tr("Made")});
    m_list->setRootIsDecorated(true);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(false);
    m_list->setWordWrap(true);
    layout->addWidget(m_list, 1);

    auto *buttons = new QDialogButtonBox(this);
    m_retry = buttons->addButton(tr("&Retry Now"), QDialogButtonBox::ActionRole);
    m_retry->setIcon(icons::icon(u"refresh"_s));
    m_retry->setToolTip(tr("Try the server again now; the changes go one at a time, in the order they were made"));
    m_cancel = buttons->addButton(tr("&Cancel Change"), QDialogButtonBox::ActionRole);
    m_cancel->setIcon(icons::icon(u"discard"_s));
    m_cancel->setToolTip(tr("Do not send the selected changes: their records show the server's values again"));
    m_open = buttons->addButton(tr("&Open Record"), QDialogButtonBox::ActionRole);
    m_discard = buttons->addButton(tr("&Discard"), QDialogButtonBox::ActionRole);
    m_discard->setToolTip(tr("Let the refused values go"));
    m_sendAgain = buttons->addButton(tr("&Send Again"), QDialogButtonBox::ActionRole);
    m_sendAgain->setToolTip(tr("It was not created before Refetch stopped: create it now"));
    m_created = buttons->addButton(tr("Already &Created"), QDialogButtonBox::ActionRole);
    m_created->setToolTip(tr("The record listed under it is the one it made: send nothing"));
    buttons->addButton(QDialogButtonBox::Close);
    layout->addWidget(buttons);
    resize(640, 320);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &WaitingChanges::updateButtons);
    connect(m_list, &QTreeWidget::itemActivated, this, [this] { m_open->click(); });
    connect(m_retry, &QPushButton::clicked, this, [this] {
        if (m_writes)
            m_writes->queue()->resumePaused();
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        QList<QPointer<Mutation>> chosen;
        for (QTreeWidgetItem *item : m_list->selectedItems()) {
            if (auto *m = item->data(0, WriteRole).value<Mutation *>())
                chosen.append(m);
        }
        // The latest first: each puts back what was there before it.
        for (auto it = chosen.crbegin(); it != chosen.crend(); ++it) {
            if (*it)
                (*it)->undo();
        }
    });
    auto unconfirmed = [this](QTreeWidgetItem **matchItem = nullptr) -> Mutation * {
        const QList<QTreeWidgetItem *> items = m_list->selectedItems();
        if (items.isEmpty())
            return nullptr;
        QTreeWidgetItem *item = items.first();
        if (item->data(0, MatchRole).isValid()) {
            if (matchItem)
                *matchItem = item;
            item = item->parent();
        }
        auto *m = item ? item->data(0, WriteRole).value<Mutation *>() : nullptr;
        return m && m->status() == Mutation::Status::Unconfirmed ? m : nullptr;
    };
    connect(m_sendAgain, &QPushButton::clicked, this, [unconfirmed] {
        if (Mutation *m = unconfirmed())
            m->confirmSend();
    });
    connect(m_created, &QPushButton::clicked, this, [unconfirmed] {
        QTreeWidgetItem *match = nullptr;
        if (Mutation *m = unconfirmed(&match)) {
            const Json record = match ? match->data(0, MatchRole).value<Json>() : m->matches().at(0);
            m->confirmCreated(record);
        }
    });
    connect(m_open, &QPushButton::clicked, this, [this] {
        const QList<QTreeWidgetItem *> items = m_list->selectedItems();
        if (items.isEmpty())
            return;
        QTreeWidgetItem *item = items.first();
        if (item->data(0, MatchRole).isValid()) {
            auto *m = item->parent()->data(0, WriteRole).value<Mutation *>();
            const Json record = item->data(0, MatchRole).value<Json>();
            if (m)
                Q_EMIT openRecord(m->data().endpoint, m->data().resource, record.value(m->data().idField));
        } else if (auto *m = item->data(0, WriteRole).value<Mutation *>()) {
            if (!m->data().recordId.isUndefined())
                Q_EMIT openRecord(m->data().endpoint, m->data().resource, m->data().recordId);
        } else if (item->data(0, RefusedRole).isValid()) {
            Q_EMIT openRefused(item->data(0, RefusedRole).toInt());
        }
    });
    connect(m_discard, &QPushButton::clicked, this, [this] {
        QList<int> rows;
        for (QTreeWidgetItem *item : m_list->selectedItems()) {
            if (item->data(0, RefusedRole).isValid())
                rows.append(item->data(0, RefusedRole).toInt());
        }
        std::sort(rows.rbegin(), rows.rend());
        for (int row : rows)
            Q_EMIT discardRefused(row);
    });
    if (writes)
        connect(writes, &PendingWrites::changed, this, &WaitingChanges::rebuild);
    rebuild();
}

void WaitingChanges::setRefused(const QList<RefusedWrite> &refused)
{
    m_refused = refused;
    rebuild();
}

void WaitingChanges::rebuild()
{
    // The selection survives: by write, or by refused index.
    QList<const void *> selected;
    QList<int> selectedRefused;
    for (QTreeWidgetItem *item : m_list->selectedItems()) {
        if (auto *m = item->data(0, WriteRole).value<Mutation *>())
            selected.append(m);
        else if (item->data(0, RefusedRole).isValid())
            selectedRefused.append(item->data(0, RefusedRole).toInt());
    }
    const bool hadItems = m_list->topLevelItemCount() > 0;
    m_list->clear();
    const QList<Mutation *> writes = m_writes ? m_writes->writes() : QList<Mutation *>();
    const QLocale locale;
    for (Mutation *m : writes) {
        auto *item = new QTreeWidgetItem(m_list, {PendingWrites::describe(m), PendingWrites::reason(m), QString()});
        const QDateTime made = QDateTime::fromMSecsSinceEpoch(m->data().createdAt.count());
        item->setText(2, locale.toString(made.toLocalTime().time(), QLocale::ShortFormat));
        item->setData(0, WriteRole, QVariant::fromValue(m));
        item->setIcon(0, icons::icon(u"clock"_s));
        item->setSelected(selected.contains(m));
        // The records that look like what it creates: open one to see whether it is the one.
        const Json matches = m->status() == Mutation::Status::Unconfirmed ? m->matches() : Json();
        for (qsizetype i = 0; i < matches.size(); ++i) {
            const Json record = matches.at(i);
            const QString id = DataProvider::idText(record.value(m->data().idField));
            auto *child = new QTreeWidgetItem(item, {tr("%1 · %2 on the server").arg(m->data().resource, id),
                                                     tr("looks like it"), QString()});
            child->setData(0, MatchRole, QVariant::fromValue(record));
            child->setToolTip(0, QString::fromUtf8(record.toJson()).left(500));
        }
        item->setExpanded(true);
    }
    for (int i = 0; i < m_refused.size(); ++i) {
        const RefusedWrite &r = m_refused[i];
        auto *item = new QTreeWidgetItem(m_list, {r.label, tr("refused: %1").arg(r.error),
                                                  locale.toString(r.at.toLocalTime().time(), QLocale::ShortFormat)});
        item->setData(0, RefusedRole, i);
        item->setToolTip(1, r.error);
        item->setIcon(0, icons::icon(u"error"_s));
        item->setSelected(selectedRefused.contains(i));
    }
    QStringList parts;
    if (!writes.isEmpty())
        parts.append(writes.size() == 1
                         ? tr("1 change waits for the server. It is kept (also if Refetch quits) and sent when the "
                              "server answers.")
                         : tr("%1 changes wait for the server. They are kept (also if Refetch quits) and sent one at "
                              "a time, in the order they were made, when the server answers.").arg(writes.size()));
    if (!m_refused.isEmpty())
        parts.append((m_refused.size() == 1 ? tr("1 change was refused by the server after its form was closed.")
                                            : tr("%1 changes were refused by the server after their form was closed.")
                                                  .arg(m_refused.size()))
                     + u' ' + tr("Open one to correct it and save again."));
    if (parts.isEmpty())
        parts.append(tr("Nothing waits for the server."));
    m_summary->setText(parts.join(u' '));
    // Something to act on at once.
    if (m_list->selectedItems().isEmpty() && m_list->topLevelItemCount() > 0 && !hadItems)
        m_list->topLevelItem(0)->setSelected(true);
    m_discard->setVisible(!m_refused.isEmpty());
    updateButtons();
}

void WaitingChanges::updateButtons()
{
    bool canCancel = false, canOpen = false, canDiscard = false, canConfirm = false;
    for (QTreeWidgetItem *item : m_list->selectedItems()) {
        if (item->data(0, MatchRole).isValid()) {
            canOpen = canConfirm = true;
        } else if (auto *m = item->data(0, WriteRole).value<Mutation *>()) {
            canConfirm = canConfirm || m->status() == Mutation::Status::Unconfirmed;
            canCancel = canCancel || m->canUndo();
            canOpen = canOpen || !m->data().recordId.isUndefined();
        } else {
            canOpen = canDiscard = true;
        }
    }
    m_retry->setEnabled(m_writes && m_writes->count() > 0);
    m_cancel->setEnabled(canCancel);
    m_open->setEnabled(canOpen);
    m_discard->setEnabled(canDiscard);
    m_sendAgain->setEnabled(canConfirm);
    m_created->setEnabled(canConfirm);
    m_sendAgain->setVisible(canConfirm);
    m_created->setVisible(canConfirm);
}

} // namespace refetch
