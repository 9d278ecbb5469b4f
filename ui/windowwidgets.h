#pragma once

#include <QCoreApplication>

class QMainWindow;
class QSplitter;
class QStackedWidget;
class QToolButton;

namespace refetch {

class EndpointPage;
class EndpointTree;
class MessageBar;
class RecordPane;
class SettingsStore;

// The main window's widgets, made and laid out as Qt Designer's setupUi() would, each named (objectName) for what
// it is: the endpoint tree under its title and its Add button, beside the list area (a stack that shows the list
// open or the endpoint page, over the undo bar) and the record pane, with the splitters between them. The window
// wires what they do.
class WindowWidgets
{
    Q_DECLARE_TR_FUNCTIONS(WindowWidgets)

public:
    // Makes them, as the central widget of `window`.
    void setupUi(QMainWindow *window);
    // The window's geometry, docks and splitters, as `settings` keep them.
    void restoreState(QMainWindow *window, const SettingsStore *settings) const;
    void saveState(const QMainWindow *window, SettingsStore *settings) const;

    QSplitter *sideSplitter = nullptr;
    QToolButton *addEndpoint = nullptr;
    EndpointTree *tree = nullptr;
    QSplitter *detailSplitter = nullptr;
    QStackedWidget *listStack = nullptr;   // the list shown ("resourceView"), else the endpoint page
    EndpointPage *endpointPage = nullptr;
    MessageBar *undoBar = nullptr;
    RecordPane *pane = nullptr;
};

} // namespace refetch
