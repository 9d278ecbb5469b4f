#include "mutationspane.h"

#include "icons.h"

#include "core/models/jsontreemodel.h"
#include "core/models/mutationlistmodel.h"
#include "core/mutation/mutationqueue.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace refetch {

MutationsPane::MutationsPane(MutationQueue *queue, CacheEventLog *log, QWidget *parent)
    : QWidget(parent), m_queue(queue), m_model(new MutationListModel(queue, log, this)), m_table(new QTableView(this)),
      m_detail(new QLabel(this)), m_variables(new JsonTreeModel(this)), m_variablesView(new QTreeView(this)),
      m_refetched(new QListWidget(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(u"mutationsSplitter"_s);
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter);

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 12);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_table->setColumnWidth(MutationListModel::Request, 180);
    m_table->setColumnWidth(MutationListModel::Status, 150);
    m_table->setColumnWidth(MutationListModel::Variables, 200);
    m_table->setColumnWidth(MutationListModel::Invalidated, 260);
    splitter->addWidget(m_table);

    auto *detail = new QWidget(splitter);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(8, 4, 8, 4);
    m_detail->setTextFormat(Qt::PlainText);
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    detailLayout->addWidget(m_detail);
    detailLayout->addWidget(new QLabel(tr("Variables"), detail));
    m_variablesView->setModel(m_variables);
    m_variablesView->setUniformRowHeights(true);
    detailLayout->addWidget(m_variablesView, 2);
    detailLayout->addWidget(new QLabel(tr("Refetched because of it (double-click to inspect)"), detail));
    detailLayout->addWidget(m_refetched, 1);
    splitter->addWidget(detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    connect(m_refetched, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        Q_EMIT entryActivated(item->data(Qt::UserRole).value<QueryKey>());
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &MutationsPane::showSelected);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first, int last) {
        updateButtons(first, last);
    });
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] { updateButtons(0, m_model->rowCount() - 1); });
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &from, const QModelIndex &to) {
        updateButtons(from.row(), to.row());
        const QModelIndex current = m_table->currentIndex();
        if (current.isValid() && current.row() >= from.row() && current.row() <= to.row())
            showSelected();
    });
    updateButtons(0, m_model->rowCount() - 1);
    showSelected();
}

QPushButton *MutationsPane::resumeButton(int row) const
{
    QWidget *cell = m_table->indexWidget(m_model->index(row, MutationListModel::Status));
    return cell ? cell->findChild<QPushButton *>() : nullptr;
}

void MutationsPane::updateButtons(int first, int last)
{
    for (int row = std::max(first, 0); row <= last && row < m_model->rowCount(); ++row) {
        const QModelIndex index = m_model->index(row, MutationListModel::Status);
        const bool paused = index.data(MutationListModel::PausedRole).toBool();
        QWidget *cell = m_table->indexWidget(index);
        if (paused && !cell) {
            // The state stays readable beside the button: "paused [Resume]".
            cell = new QWidget(m_table);
            cell->setAutoFillBackground(true);
            auto *row = new QHBoxLayout(cell);
            row->setContentsMargins(4, 1, 2, 1);
            row->addWidget(new QLabel(MutationListModel::statusText(Mutation::Status::Paused), cell), 1);
            auto *resume = new QPushButton(icons::icon(u"refresh"_s), tr("Resume"), cell);
            resume->setToolTip(tr("Send the paused writes now, in the order they were made"));
            connect(resume, &QPushButton::clicked, m_queue, &MutationQueue::resumePaused);
            row->addWidget(resume);
            m_table->setIndexWidget(index, cell);
        } else if (!paused && cell) {
            m_table->setIndexWidget(index, nullptr);
        }
    }
}

void MutationsPane::showSelected()
{
    const int row = m_table->currentIndex().row();
    m_refetched->clear();
    if (row < 0) {
        m_detail->setText(m_model->rowCount() ? tr("Select a write to see its variables and what it refetched.")
                                              : tr("No writes yet. Saves, creates and deletes show here."));
        m_variables->setJson(Json());
        return;
    }
    const auto cell = [&](int column) { return m_model->index(row, column).data().toString(); };
    QStringList lines{tr("%1 · %2 · %3").arg(cell(MutationListModel::Request), cell(MutationListModel::Mode),
                                            cell(MutationListModel::Status))};
    const QStringList tags = m_model->tagsAt(row);
    lines.append(tags.isEmpty() ? tr("Invalidates no tags.") : tr("Tags: %1").arg(tags.join(u", "_s)));
    if (!m_model->errorAt(row).isEmpty())
        lines.append(m_model->errorAt(row));
    lines.append(tr("Id (Idempotency-Key): %1").arg(m_model->idAt(row)));
    m_detail->setText(lines.join(u'\n'));
    if (!m_model->variablesAt(row).identical(m_variables->json()))
        m_variables->setJson(m_model->variablesAt(row));
    for (const QueryKey &key : m_model->refetchedAt(row)) {
        auto *item = new QListWidgetItem(key.toString(), m_refetched);
        item->setData(Qt::UserRole, QVariant::fromValue(key));
    }
}

QString MutationsPane::detailText() const
{
    return m_detail->text();
}

} // namespace refetch
