#pragma once

#include <QTimer>
#include <QWidget>

namespace refetch {

// A small spinning arc for the status bar: it turns while running and leaves its space empty otherwise.
class BusyIndicator : public QWidget
{
    Q_OBJECT
public:
    explicit BusyIndicator(QWidget *parent = nullptr);

    bool isRunning() const { return m_timer.isActive(); }
    void setRunning(bool running);
    QSize sizeHint() const override { return {16, 16}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QTimer m_timer;
    int m_angle = 0;
};

} // namespace refetch
