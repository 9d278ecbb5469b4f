#include "mainwindow.h"

#include <QApplication>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

using namespace Qt::StringLiterals;

namespace refetch {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_placeholder(new QLabel(this))
{
    setWindowTitle(tr("Refetch"));
    resize(1100, 700);

    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    // The endpoint comes from the command line: plain text, so it can never be read as markup.
    m_placeholder->setTextFormat(Qt::PlainText);
    m_placeholder->setMargin(24);
    setCentralWidget(m_placeholder);

    createMenus();
    updatePlaceholder();
    statusBar()->showMessage(tr("Ready"));
}

void MainWindow::setEndpoint(const QUrl &endpoint)
{
    m_endpoint = endpoint;
    updatePlaceholder();
}

void MainWindow::createMenus()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    // Explicit, because QKeySequence::Quit is empty on some platforms.
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);

    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    QAction *about = helpMenu->addAction(tr("&About Refetch"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::updatePlaceholder()
{
    QString text = tr("The data browser is coming: tables, record forms and a cache inspector.");
    if (m_endpoint.isEmpty()) {
        text += u"\n\n"_s + tr("No endpoint yet: start Refetch with --endpoint URL or --demo.");
    } else {
        // Never show credentials that were part of the URL.
        text += u"\n\n"_s + tr("Endpoint: %1").arg(m_endpoint.toDisplayString(QUrl::RemoveUserInfo));
    }
    m_placeholder->setText(text);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Refetch"),
                       tr("<h3>Refetch %1</h3><p>A desktop data browser for REST APIs.</p>"
                          "<p>Built with Qt %2.</p>")
                           .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

} // namespace refetch
