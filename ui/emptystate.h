#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QVBoxLayout;

namespace refetch {

// What a pane shows when it has nothing to show: an icon, a title, a sentence that says what to do, and the
// buttons that do it.
class EmptyState : public QWidget
{
    Q_OBJECT
public:
    explicit EmptyState(QWidget *parent = nullptr);

    QString title() const;
    QString text() const;
    // Replaces what is shown, and drops the buttons.
    void set(const QIcon &icon, const QString &title, const QString &text);
    QPushButton *addButton(const QString &text, const QIcon &icon = {});
    QList<QPushButton *> buttons() const { return m_buttons; }

private:
    QLabel *m_icon;
    QLabel *m_title;
    QLabel *m_text;
    QWidget *m_buttonRow;
    QList<QPushButton *> m_buttons;
};

} // namespace refetch
