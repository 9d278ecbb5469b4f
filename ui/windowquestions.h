#pragma once

#include <QObject>
#include <QPointer>
#include <functional>

class QWidget;

namespace refetch {

class RecordPane;

// The questions the window asks before it leaves something, one at a time and without a nested event loop: what
// becomes of the form's unsaved edits before another record, list, endpoint or new settings take their place (or
// the window closes), and whether to quit with changes the server has not taken.
class WindowQuestions : public QObject
{
    Q_OBJECT
public:
    // Asks about `pane`'s edits, in window-modal boxes over `window`.
    WindowQuestions(RecordPane *pane, QWidget *window);

    // Runs `proceed` once the unsaved edits are saved or discarded (at once when there are none); `cancel` if the
    // user keeps editing. Nothing while a question is open already.
    void settleEdits(const std::function<void()> &proceed, const std::function<void()> &cancel = {});
    // Quitting with `waiting` changes that wait for the server (sent at the next start) and `refused` ones it
    // refused (lost on quitting): runs `quit` on Quit, `show` on Show Changes. Nothing while a question is open.
    void askQuit(int waiting, int refused, const std::function<void()> &quit, const std::function<void()> &show);

private:
    bool isAsking() const;

    RecordPane *m_pane;
    QWidget *m_window;
    QPointer<QWidget> m_question;  // the open question
};

} // namespace refetch
