#pragma once

#include <QCoreApplication>

class QAction;
class QMainWindow;

namespace refetch {

// The main window's actions with their keys, icons and tooltips, and the menus and the tool bar that show them.
// Each action is named for what it does (its objectName: "saveAction", "undoAction"...), so that a test finds it
// as a user would, by what it is. The window connects them to what they do.
class WindowActions
{
    Q_DECLARE_TR_FUNCTIONS(WindowActions)

public:
    // Makes the actions, window-wide, so that their keys work from the table, the tree and the form alike (text
    // fields keep the keys they edit with, such as Delete and Ctrl+Z, through ShortcutOverride).
    explicit WindowActions(QMainWindow *window);

    // The cache inspector dock's `toggle` (View > Cache Inspector, Ctrl+Shift+I), named and set up as the others.
    void addInspector(QMainWindow *window, QAction *toggle);
    // The File, Edit, View and Help menus.
    void addMenus(QMainWindow *window) const;
    void addToolBar(QMainWindow *window) const;
    // Help > About's text: the application's version and the Qt it runs on.
    static QString aboutText();

    QAction *back;      // the record shown before (NavigationHistory)
    QAction *forward;
    QAction *refresh;
    QAction *find;
    QAction *newRecord;
    QAction *save;
    QAction *discard;
    QAction *deleteRecord;
    QAction *undo;
    QAction *settings;
    QAction *exportList;   // File > Export… of the list shown
    QAction *importCsv;    // File > Import CSV… into the list's resource
    QAction *saveView;
    QAction *setField;     // Edit > Set Field…: one field of the selected rows to one value     // View > Save View…: the list's filter, sort and columns under a name
    QAction *inspector = nullptr;   // the dock's own toggle action
};

} // namespace refetch
