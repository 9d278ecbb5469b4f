#include "windowwidgets.h"

#include "endpointpage.h"
#include "endpointtree.h"
#include "icons.h"
#include "messagebar.h"
#include "recordpane.h"

#include "core/session/settingsstore.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMainWindow>
#include <QSplitter>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace refetch {

void WindowWidgets::setupUi(QMainWindow *window)
{
    sideSplitter = new QSplitter(Qt::Horizontal, window);
    sideSplitter->setObjectName(u"sideSplitter"_s);
    sideSplitter->setChildrenCollapsible(false);

    // The side tree, under a small title row with its own "add endpoint" button.
    auto *side = new QWidget(sideSplitter);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->setSpacing(0);
    auto *sideHeader = new QWidget(side);
    auto *sideHeaderLayout = new QHBoxLayout(sideHeader);
    sideHeaderLayout->setContentsMargins(12, 8, 4, 4);
    auto *sideTitle = new QLabel(tr("ENDPOINTS"), sideHeader);
    QFont small = sideTitle->font();
    small.setBold(true);
    small.setPointSizeF(small.pointSizeF() * 0.85);
    sideTitle->setFont(small);
    QPalette muted = sideTitle->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    sideTitle->setPalette(muted);
    addEndpoint = new QToolButton(sideHeader);
    addEndpoint->setObjectName(u"addEndpoint"_s);
    addEndpoint->setIcon(icons::icon(u"add"_s));
    addEndpoint->setAutoRaise(true);
    addEndpoint->setToolTip(tr("Add an endpoint"));
    sideHeaderLayout->addWidget(sideTitle, 1);
    sideHeaderLayout->addWidget(addEndpoint);
    sideLayout->addWidget(sideHeader);
    tree = new EndpointTree(side);
    tree->setObjectName(u"endpointTree"_s);
    sideLayout->addWidget(tree, 1);
    side->setMinimumWidth(160);

    detailSplitter = new QSplitter(Qt::Horizontal, sideSplitter);
    detailSplitter->setObjectName(u"detailSplitter"_s);
    detailSplitter->setChildrenCollapsible(false);

    auto *listArea = new QWidget(detailSplitter);
    auto *listLayout = new QVBoxLayout(listArea);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->setSpacing(0);
    listStack = new QStackedWidget(listArea);
    listStack->setObjectName(u"listStack"_s);
    endpointPage = new EndpointPage(listStack);
    endpointPage->setObjectName(u"emptyState"_s);
    listStack->addWidget(endpointPage);
    listLayout->addWidget(listStack, 1);
    undoBar = new MessageBar(listArea);
    undoBar->setObjectName(u"undoBar"_s);
    undoBar->setContentsMargins(8, 6, 8, 8);
    listLayout->addWidget(undoBar);
    listArea->setMinimumWidth(320);

    pane = new RecordPane(detailSplitter);
    pane->setObjectName(u"recordPane"_s);
    pane->setMinimumWidth(300);

    sideSplitter->addWidget(side);
    sideSplitter->addWidget(detailSplitter);
    sideSplitter->setStretchFactor(0, 0);
    sideSplitter->setStretchFactor(1, 1);
    sideSplitter->setSizes({220, 1060});
    detailSplitter->addWidget(listArea);
    detailSplitter->addWidget(pane);
    detailSplitter->setStretchFactor(0, 3);
    detailSplitter->setStretchFactor(1, 2);
    detailSplitter->setSizes({640, 420});
    window->setCentralWidget(sideSplitter);
}

void WindowWidgets::restoreState(QMainWindow *window, const SettingsStore *settings) const
{
    const QByteArray geometry = settings->value(u"window/geometry"_s);
    if (!geometry.isEmpty())
        window->restoreGeometry(geometry);
    const QByteArray side = settings->value(u"window/sideSplitter"_s);
    if (!side.isEmpty())
        sideSplitter->restoreState(side);
    const QByteArray detail = settings->value(u"window/detailSplitter"_s);
    if (!detail.isEmpty())
        detailSplitter->restoreState(detail);
    // The docks: whether the cache inspector is open, and where.
    const QByteArray state = settings->value(u"window/state"_s);
    if (!state.isEmpty())
        window->restoreState(state);
}

void WindowWidgets::saveState(const QMainWindow *window, SettingsStore *settings) const
{
    settings->setValue(u"window/geometry"_s, window->saveGeometry());
    settings->setValue(u"window/sideSplitter"_s, sideSplitter->saveState());
    settings->setValue(u"window/detailSplitter"_s, detailSplitter->saveState());
    settings->setValue(u"window/state"_s, window->saveState());
}

} // namespace refetch
