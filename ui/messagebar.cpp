#include "messagebar.h"

#include "icons.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace refetch {

MessageBar::MessageBar(QWidget *parent)
    : QWidget(parent), m_frame(new QFrame(this)), m_icon(new QLabel(m_frame)), m_text(new QLabel(m_frame)),
      m_buttonLayout(new QHBoxLayout), m_close(new QToolButton(m_frame))
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_frame);
    m_frame->setObjectName(QStringLiteral("messageBar"));
    auto *layout = new QHBoxLayout(m_frame);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->setSpacing(8);
    m_icon->setFixedSize(20, 20);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);   // server text is never markup
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_buttonLayout->setSpacing(6);
    m_close->setAutoRaise(true);
    m_close->setIcon(icons::icon(QStringLiteral("discard")));
    m_close->setToolTip(tr("Close"));
    m_close->setVisible(false);
    connect(m_close, &QToolButton::clicked, this, [this] {
        hide();
        Q_EMIT closed();
    });
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    layout->addLayout(m_buttonLayout);
    layout->addWidget(m_close, 0, Qt::AlignTop);
    applyKind();
    hide();
}

QString MessageBar::text() const
{
    return m_text->text();
}

void MessageBar::setText(const QString &text)
{
    m_text->setText(text);
}

void MessageBar::showMessage(Kind kind, const QString &text)
{
    // Later: one of them may be the button whose click led here.
    for (QPushButton *b : std::as_const(m_buttons)) {
        b->hide();
        b->deleteLater();
    }
    m_buttons.clear();
    m_kind = kind;
    m_text->setText(text);
    applyKind();
    show();
}

QPushButton *MessageBar::addButton(const QString &text, const QIcon &icon)
{
    auto *button = new QPushButton(icon, text, m_frame);
    m_buttonLayout->addWidget(button);
    button->setVisible(!isHidden());
    m_buttons.append(button);
    return button;
}

void MessageBar::setClosable(bool closable)
{
    m_close->setVisible(closable);
}

void MessageBar::applyKind()
{
    // Soft tints that read on light palettes, with a border in the kind's colour.
    const char *iconName = "info";
    QString style;
    switch (m_kind) {
    case Kind::Information:
        iconName = "info";
        style = QStringLiteral("#messageBar { background: #eff6ff; border: 1px solid #93c5fd; border-radius: 4px; }"
                               "#messageBar QLabel { color: #1e3a8a; }");
        break;
    case Kind::Warning:
        iconName = "warning";
        style = QStringLiteral("#messageBar { background: #fffbeb; border: 1px solid #fcd34d; border-radius: 4px; }"
                               "#messageBar QLabel { color: #78350f; }");
        break;
    case Kind::Error:
        iconName = "error";
        style = QStringLiteral("#messageBar { background: #fef2f2; border: 1px solid #fca5a5; border-radius: 4px; }"
                               "#messageBar QLabel { color: #7f1d1d; }");
        break;
    }
    m_frame->setStyleSheet(style);
    m_icon->setPixmap(icons::icon(QString::fromLatin1(iconName)).pixmap(20, 20));
}

} // namespace refetch
