#include "ui/windowactions.h"

#include <QAction>
#include <QApplication>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QTimer>
#include <QtTest>

using namespace refetch;
using namespace Qt::StringLiterals;

// The window's actions and menus on their own; tst_mainwindow has them at work in the window.
class tst_WindowActions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aboutNamesTheVersionAndQt();
};

void tst_WindowActions::aboutNamesTheVersionAndQt()
{
    // main() sets the project's version; the dialog must show whatever the application says.
    QCoreApplication::setApplicationVersion(u"9.8.7"_s);
    QMainWindow window;
    WindowActions actions(&window);
    actions.addInspector(&window, new QAction(&window));
    actions.addMenus(&window);

    QAction *about = nullptr;
    for (QAction *menu : window.menuBar()->actions()) {
        if (menu->text() == u"&Help" && menu->menu()) {
            for (QAction *a : menu->menu()->actions()) {
                if (a->menuRole() == QAction::AboutRole)
                    about = a;
            }
        }
    }
    QVERIFY2(about, "Help has no About action");

    // The dialog is modal: read it, and close it, from its own event loop.
    QString text;
    QTimer poll;
    connect(&poll, &QTimer::timeout, this, [&] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            text = box->text();
            box->accept();
        }
    });
    poll.start(10);
    about->trigger();
    poll.stop();

    QVERIFY2(text.contains(u"Refetch 9.8.7"), qPrintable(text));
    QVERIFY2(text.contains(u"Qt "_s + QString::fromLatin1(qVersion())), qPrintable(text));
}

QTEST_MAIN(tst_WindowActions)
#include "tst_windowactions.moc"
