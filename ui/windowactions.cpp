#include "windowactions.h"

#include "icons.h"

#include <QAction>
#include <QApplication>
#include <QKeySequence>
#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>
#include <QStyle>
#include <QToolButton>
#include <QToolBar>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

QAction *makeAction(QMainWindow *window, const char *name, const QString &icon, const QString &text)
{
    auto *action = new QAction(icons::icon(icon), text, window);
    action->setObjectName(QString::fromLatin1(name));
    return action;
}

} // namespace

WindowActions::WindowActions(QMainWindow *window)
{
    back = new QAction(window->style()->standardIcon(QStyle::SP_ArrowBack), tr("&Back"), window);
    back->setObjectName(u"backAction"_s);
    // Alt+Left, and the platform's own Back where it is another key (the same key twice would be ambiguous).
    auto keys = [](QKeySequence alt, QKeySequence::StandardKey standard) {
        QList<QKeySequence> out{alt};
        for (const QKeySequence &k : QKeySequence::keyBindings(standard)) {
            if (!out.contains(k))
                out.append(k);
        }
        return out;
    };
    back->setShortcuts(keys(QKeySequence(Qt::ALT | Qt::Key_Left), QKeySequence::Back));
    forward = new QAction(window->style()->standardIcon(QStyle::SP_ArrowForward), tr("&Forward"), window);
    forward->setObjectName(u"forwardAction"_s);
    forward->setShortcuts(keys(QKeySequence(Qt::ALT | Qt::Key_Right), QKeySequence::Forward));
    for (QAction *a : {back, forward})
        a->setShortcutContext(Qt::WindowShortcut);

    refresh = makeAction(window, "refreshAction", u"refresh"_s, tr("&Refresh"));
    refresh->setShortcut(QKeySequence(Qt::Key_F5));
    refresh->setToolTip(tr("Fetch the list and the record again (F5)"));

    find = makeAction(window, "findAction", u"search"_s, tr("&Find…"));
    find->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F));
    find->setToolTip(tr("Search the list (Ctrl+F)"));

    newRecord = makeAction(window, "newAction", u"add"_s, tr("&New Record"));
    newRecord->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    newRecord->setToolTip(tr("Create a record in this resource (Ctrl+N)"));
    newRecord->setIconText(tr("New"));

    save = makeAction(window, "saveAction", u"save"_s, tr("&Save"));
    save->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_S));
    save->setToolTip(tr("Send the changed fields to the server (Ctrl+S)"));

    discard = makeAction(window, "discardAction", u"discard"_s, tr("&Discard Changes"));

    deleteRecord = makeAction(window, "deleteAction", u"delete"_s, tr("&Delete Record"));
    deleteRecord->setShortcut(QKeySequence(Qt::Key_Delete));
    deleteRecord->setToolTip(tr("Delete the selected record; you can undo it for 5 seconds (Delete)"));
    deleteRecord->setIconText(tr("Delete"));

    undo = makeAction(window, "undoAction", u"undo"_s, tr("&Undo Delete"));
    undo->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Z));
    undo->setToolTip(tr("Bring back the record just deleted, before it is sent (Ctrl+Z)"));
    undo->setIconText(tr("Undo"));

    exportList = new QAction(tr("&Export…"), window);
    exportList->setObjectName(u"exportAction"_s);
    exportList->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportList->setToolTip(tr("Every record of the list, as filtered and sorted, to a CSV or JSON file (Ctrl+E)"));
    importCsv = new QAction(tr("&Import CSV…"), window);
    importCsv->setObjectName(u"importAction"_s);
    importCsv->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    importCsv->setToolTip(tr("Create records of the list's resource from the rows of a CSV file (Ctrl+I)"));
    saveView = makeAction(window, "saveViewAction", u"filter"_s, tr("Save &View…"));
    saveView->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    saveView->setToolTip(tr("Name this list's filter, search, sort and columns; it is listed under its resource "
                            "(Ctrl+Shift+S)"));
    setField = new QAction(tr("Set &Field on Selected Rows…"), window);
    setField->setObjectName(u"setFieldAction"_s);
    setField->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    setField->setToolTip(tr("Set one field of every selected row to one value (Ctrl+Shift+E)"));
    settings = makeAction(window, "settingsAction", u"settings"_s, tr("&Settings…"));
    settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    settings->setToolTip(tr("Endpoints, authorization and fetching (Ctrl+,)"));
    settings->setMenuRole(QAction::PreferencesRole);

    for (QAction *a : {back, forward, refresh, find, newRecord, save, deleteRecord, undo, settings, exportList, importCsv, saveView, setField})
        window->addAction(a);
}

void WindowActions::addInspector(QMainWindow *window, QAction *toggle)
{
    inspector = toggle;
    inspector->setObjectName(u"inspectorAction"_s);
    inspector->setText(tr("&Cache Inspector"));
    inspector->setIcon(icons::icon(u"eye"_s));
    inspector->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
    inspector->setToolTip(tr("Every query, tag and mutation of the cache, live, and why each one fetched (Ctrl+Shift+I)"));
    window->addAction(inspector);
}

void WindowActions::addMenus(QMainWindow *window) const
{
    QMenuBar *bar = window->menuBar();
    QMenu *fileMenu = bar->addMenu(tr("&File"));
    fileMenu->addAction(newRecord);
    fileMenu->addAction(save);
    fileMenu->addSeparator();
    fileMenu->addAction(exportList);
    fileMenu->addAction(importCsv);
    fileMenu->addSeparator();
    fileMenu->addAction(settings);
    fileMenu->addSeparator();
    QAction *quit = fileMenu->addAction(tr("&Quit"), window, &QWidget::close);
    // Explicit, because QKeySequence::Quit is empty on some platforms.
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);

    QMenu *editMenu = bar->addMenu(tr("&Edit"));
    editMenu->addAction(undo);
    editMenu->addSeparator();
    editMenu->addAction(discard);
    editMenu->addAction(deleteRecord);
    editMenu->addAction(setField);
    editMenu->addSeparator();
    editMenu->addAction(find);

    QMenu *viewMenu = bar->addMenu(tr("&View"));
    viewMenu->addAction(back);
    viewMenu->addAction(forward);
    viewMenu->addSeparator();
    viewMenu->addAction(refresh);
    viewMenu->addSeparator();
    viewMenu->addAction(saveView);
    viewMenu->addSeparator();
    viewMenu->addAction(inspector);

    QMenu *helpMenu = bar->addMenu(tr("&Help"));
    QAction *about = helpMenu->addAction(tr("&About Refetch"), window, [window] {
        QMessageBox::about(window, tr("About Refetch"), aboutText());
    });
    about->setMenuRole(QAction::AboutRole);
}

QString WindowActions::aboutText()
{
    // The version main() sets from the project's (CMakeLists.txt); the Qt it runs on (qVersion()), and the one it was
    // built with where they differ.
    const QString running = QString::fromLatin1(qVersion());
    const QString built = QStringLiteral(QT_VERSION_STR);
    const QString qt = running == built ? tr("Qt %1").arg(running) : tr("Qt %1 (built with Qt %2)").arg(running, built);
    return tr("<h3>Refetch %1</h3><p>A desktop data browser for REST APIs.</p><p>Running on %2.</p>")
        .arg(QApplication::applicationVersion().toHtmlEscaped(), qt);
}

void WindowActions::addToolBar(QMainWindow *window) const
{
    QToolBar *bar = window->addToolBar(tr("Main"));
    bar->setObjectName(u"mainToolBar"_s);
    bar->setMovable(false);
    bar->setIconSize(QSize(20, 20));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    for (QAction *a : {back, forward}) {
        bar->addAction(a);
        // Arrows alone: their tooltips say where they go.
        if (QWidget *button = bar->widgetForAction(a))
            static_cast<QToolButton *>(button)->setToolButtonStyle(Qt::ToolButtonIconOnly);
    }
    bar->addAction(refresh);
    bar->addSeparator();
    bar->addAction(newRecord);
    bar->addAction(save);
    bar->addAction(deleteRecord);
    bar->addAction(undo);
    auto *spacer = new QWidget(bar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    bar->addAction(settings);
}

} // namespace refetch
