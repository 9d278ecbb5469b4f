#pragma once

#include <QObject>

class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QWidget;

namespace refetch {

// The settings dialog's CA certificate row: the file of a private certificate authority to trust besides the
// system's (verification itself is never turned off), Browse…, a note on what it is for, and the chosen file's
// certificates with their expiry dates, or why the file cannot be used.
class CaCertificateRow : public QObject
{
    Q_OBJECT
public:
    // Makes the row's widgets, children of `parent`; `baseUrl` is the endpoint's URL as typed (an http URL gets a
    // note of its own).
    CaCertificateRow(QLineEdit *baseUrl, QWidget *parent);

    // Adds the row, its note and its information to `form`.
    void addTo(QFormLayout *form);

    QLineEdit *fileEdit() const { return m_file; }
    QPushButton *browseButton() const { return m_browse; }
    QLabel *note() const { return m_note; }
    // The chosen file's certificates (subject and expiry), or why it cannot be used.
    QLabel *info() const { return m_info; }

    // Shows `path` and what it holds.
    void setFile(const QString &path);

Q_SIGNALS:
    // A file was chosen with Browse… (typing is QLineEdit::textEdited).
    void chosen();

private:
    void browse();
    // The note and the information, from the file and the base URL as typed.
    void update();

    QLineEdit *m_baseUrl;
    QLineEdit *m_file;
    QPushButton *m_browse;
    QLabel *m_note;
    QLabel *m_info;
};

} // namespace refetch
