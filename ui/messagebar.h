#pragma once

#include <QWidget>

class QHBoxLayout;
class QLabel;
class QPushButton;
class QToolButton;

namespace refetch {

// A message shown in place, above what it is about (KMessageWidget's idea): an icon, a sentence, and the buttons
// that act on it ("Retry", "Undo"). The data under it stays visible. Its margins (setContentsMargins) go and come
// with it.
class MessageBar : public QWidget
{
    Q_OBJECT
public:
    enum class Kind { Information, Warning, Error };
    Q_ENUM(Kind)

    explicit MessageBar(QWidget *parent = nullptr);

    Kind kind() const { return m_kind; }
    QString text() const;
    // Shows the bar with `text` (plain text) and no buttons.
    void showMessage(Kind kind, const QString &text);
    // Changes the text only; the buttons stay.
    void setText(const QString &text);
    // A button at the right, until the next showMessage().
    QPushButton *addButton(const QString &text, const QIcon &icon = {});
    QList<QPushButton *> buttons() const { return m_buttons; }
    void setClosable(bool closable);

Q_SIGNALS:
    // The user closed the bar.
    void closed();

private:
    void applyKind();

    Kind m_kind = Kind::Information;
    QWidget *m_frame;
    QLabel *m_icon;
    QLabel *m_text;
    QHBoxLayout *m_buttonLayout;
    QToolButton *m_close;
    QList<QPushButton *> m_buttons;
};

} // namespace refetch
