#include "emptystate.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace refetch {

EmptyState::EmptyState(QWidget *parent)
    : QWidget(parent), m_icon(new QLabel(this)), m_title(new QLabel(this)), m_text(new QLabel(this)),
      m_buttonRow(new QWidget(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(32, 32, 32, 32);
    layout->setSpacing(10);
    layout->addStretch(2);
    m_icon->setAlignment(Qt::AlignCenter);
    m_title->setAlignment(Qt::AlignCenter);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setWordWrap(true);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_text->setAlignment(Qt::AlignCenter);
    m_text->setTextFormat(Qt::PlainText);   // it may quote a server's error
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setMaximumWidth(560);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    QPalette muted = m_text->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    m_text->setPalette(muted);
    auto *buttons = new QHBoxLayout(m_buttonRow);
    buttons->setContentsMargins(0, 8, 0, 0);
    buttons->setSpacing(8);
    buttons->addStretch();
    buttons->addStretch();
    // The text in a row of its own between stretches: centred, at most 560 wide, and as tall as its wrapped
    // lines (a label aligned in a box layout loses its height for width).
    auto *textRow = new QHBoxLayout;
    textRow->addStretch();
    textRow->addWidget(m_text, 100);
    textRow->addStretch();
    layout->addWidget(m_icon);
    layout->addWidget(m_title);
    layout->addLayout(textRow);
    layout->addWidget(m_buttonRow);
    layout->addStretch(3);
}

QString EmptyState::title() const
{
    return m_title->text();
}

QString EmptyState::text() const
{
    return m_text->text();
}

void EmptyState::set(const QIcon &icon, const QString &title, const QString &text)
{
    // Later: one of them may be the button whose click led here.
    for (QPushButton *b : std::as_const(m_buttons)) {
        b->hide();
        b->deleteLater();
    }
    m_buttons.clear();
    m_icon->setPixmap(icon.isNull() ? QPixmap() : icon.pixmap(48, 48));
    m_icon->setVisible(!icon.isNull());
    m_title->setText(title);
    m_text->setText(text);
    m_text->setVisible(!text.isEmpty());
}

QPushButton *EmptyState::addButton(const QString &text, const QIcon &icon)
{
    auto *button = new QPushButton(icon, text, m_buttonRow);
    auto *row = static_cast<QHBoxLayout *>(m_buttonRow->layout());
    row->insertWidget(row->count() - 1, button);
    button->show();   // now, not when the layout gets to it: a screenshot may come first
    m_buttons.append(button);
    return button;
}

} // namespace refetch
