#pragma once

#include <QMainWindow>
#include <QUrl>

class QLabel;

namespace refetch {

// The application's main window; for now a frame with menus, a placeholder and a status bar.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

    // The API the window browses; an empty URL means none was chosen.
    void setEndpoint(const QUrl &endpoint);
    QUrl endpoint() const { return m_endpoint; }

private:
    void createMenus();
    void updatePlaceholder();
    void showAbout();

    QUrl m_endpoint;
    QLabel *m_placeholder = nullptr;
};

} // namespace refetch
