#include "windowquestions.h"

#include "recordpane.h"

#include "core/models/recordmodel.h"
#include "core/providers/dataprovider.h"

#include <QMessageBox>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace refetch {

WindowQuestions::WindowQuestions(RecordPane *pane, QWidget *window) : QObject(window), m_pane(pane), m_window(window)
{
}

bool WindowQuestions::isAsking() const
{
    // One answered may wait for its deferred deletion: only a visible one is open.
    return m_question && m_question->isVisible();
}

void WindowQuestions::settleEdits(const std::function<void()> &proceed, const std::function<void()> &cancel)
{
    if (!m_pane->isDirty()) {
        proceed();
        return;
    }
    if (isAsking())
        return;
    auto *box = new QMessageBox(QMessageBox::Question, tr("Unsaved changes"),
                                m_pane->isCreating()
                                    ? tr("The new %1 record has not been created yet.").arg(m_pane->resource())
                                    : tr("%1 · %2 has unsaved changes.")
                                          .arg(m_pane->resource(), DataProvider::idText(m_pane->recordId())),
                                QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, m_window);
    box->setInformativeText(tr("Save them before you move on?"));
    box->setDefaultButton(QMessageBox::Save);
    box->setAttribute(Qt::WA_DeleteOnClose);
    m_question = box;
    connect(box, &QMessageBox::finished, this, [this, box, proceed, cancel](int) {
        const QMessageBox::StandardButton choice = box->standardButton(box->clickedButton());
        if (choice == QMessageBox::Discard) {
            m_pane->revert();
            if (m_pane->isCreating())
                m_pane->clear();
            proceed();
        } else if (choice == QMessageBox::Save && m_pane->save()) {
            // Move on once the server has it, or once the write waits for the server (it is kept and sent, the
            // edits are no longer unsaved); a failure keeps the user on the form, with its errors.
            // (Of this form's save only: if the form was replaced meanwhile, a later save says nothing here.)
            connect(m_pane, &RecordPane::saveFinished, this,
                    [this, proceed, cancel, form = QPointer<RecordModel>(m_pane->model())](RecordPane::SaveOutcome outcome) {
                if (m_pane->model() != form)
                    return;
                if (outcome == RecordPane::SaveOutcome::Failed) {
                    if (cancel)
                        cancel();
                    return;
                }
                // Not from inside the write's own signals: moving on replaces the form and its model.
                QMetaObject::invokeMethod(this, proceed, Qt::QueuedConnection);
            }, Qt::SingleShotConnection);
        } else if (cancel) {
            cancel();
        }
    });
    box->open();
}

void WindowQuestions::askQuit(int waiting, int refused, const std::function<void()> &quit,
                              const std::function<void()> &show)
{
    if (isAsking())
        return;
    QStringList text;
    if (waiting > 0)
        text.append((waiting == 1 ? tr("1 change is waiting for the server.")
                                  : tr("%1 changes are waiting for the server.").arg(waiting))
                    + u' ' + tr("They are kept and will be sent when Refetch next starts and the server answers."));
    if (refused > 0)
        text.append((refused == 1 ? tr("1 change was refused by the server and is not saved.")
                                  : tr("%1 changes were refused by the server and are not saved.").arg(refused))
                    + u' ' + tr("Quitting lets them go: Show Changes to open and correct them."));
    auto *box = new QMessageBox(QMessageBox::Question, tr("Quit Refetch"), text.join(u"\n\n"_s),
                                QMessageBox::NoButton, m_window);
    QPushButton *quitButton = box->addButton(tr("&Quit"), QMessageBox::AcceptRole);
    QPushButton *showButton = box->addButton(tr("&Show Changes"), QMessageBox::ActionRole);
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(refused == 0 ? quitButton : showButton);
    box->setAttribute(Qt::WA_DeleteOnClose);
    m_question = box;
    connect(box, &QMessageBox::finished, this, [box, quitButton, showButton, quit, show](int) {
        if (box->clickedButton() == quitButton)
            quit();
        else if (box->clickedButton() == showButton)
            show();
    });
    box->open();
}

} // namespace refetch
