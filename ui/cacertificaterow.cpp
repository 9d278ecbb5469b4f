#include "cacertificaterow.h"

#include "core/session/endpointsettings.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSslCertificate>

using namespace Qt::StringLiterals;

namespace refetch {

CaCertificateRow::CaCertificateRow(QLineEdit *baseUrl, QWidget *parent)
    : QObject(parent), m_baseUrl(baseUrl), m_file(new QLineEdit(parent)),
      m_browse(new QPushButton(tr("&Browse…"), parent)), m_note(new QLabel(parent)), m_info(new QLabel(parent))
{
    m_file->setObjectName(u"caCertificateFile"_s);
    m_file->setPlaceholderText(tr("none: only the system's certificate authorities"));
    m_note->setObjectName(u"caCertificateNote"_s);
    m_info->setObjectName(u"caCertificateInfo"_s);
    for (QLabel *label : {m_note, m_info}) {
        label->setTextFormat(Qt::PlainText);
        label->setWordWrap(true);
    }
    connect(m_browse, &QPushButton::clicked, this, &CaCertificateRow::browse);
    for (QLineEdit *edit : {m_file, m_baseUrl})
        connect(edit, &QLineEdit::textEdited, this, &CaCertificateRow::update);
}

void CaCertificateRow::addTo(QFormLayout *form)
{
    auto *row = new QHBoxLayout;
    row->addWidget(m_file, 1);
    row->addWidget(m_browse);
    auto *label = new QLabel(tr("&CA certificate:"), m_file->parentWidget());
    label->setBuddy(m_file);
    form->addRow(label, row);
    form->addRow(QString(), m_note);
    form->addRow(QString(), m_info);
}

void CaCertificateRow::setFile(const QString &path)
{
    m_file->setText(path);
    update();
}

void CaCertificateRow::update()
{
    const QString path = m_file->text().trimmed();
    QString note = tr("Trust this CA certificate in addition to the system's, for a server with a private "
                      "certificate authority.");
    if (!path.isEmpty() && QUrl(m_baseUrl->text().trimmed()).scheme() == u"http")
        note += u' ' + tr("The base URL is http: it is only used if the server redirects to https.");
    m_note->setText(note);
    m_info->setVisible(!path.isEmpty());
    if (path.isEmpty())
        return;
    QString error;
    const QList<QSslCertificate> certificates = EndpointSettings::loadCaCertificates(path, &error);
    if (certificates.isEmpty()) {
        m_info->setText(error);
        m_info->setStyleSheet(u"color: #b91c1c;"_s);
        return;
    }
    QStringList shown;
    for (const QSslCertificate &certificate : certificates) {
        const QString name = certificate.subjectInfo(QSslCertificate::CommonName).join(u", "_s);
        const QDateTime expiry = certificate.expiryDate();
        const QString date = expiry.toUTC().date().toString(Qt::ISODate);
        shown.append((name.isEmpty() ? certificate.subjectDisplayName() : u"CN="_s + name) + u", "_s
                     + (expiry < QDateTime::currentDateTimeUtc() ? tr("expired %1").arg(date) : tr("expires %1").arg(date)));
    }
    // A bundle lists the first few.
    constexpr int maxShown = 3;
    if (shown.size() > maxShown) {
        const qsizetype more = shown.size() - maxShown;
        shown.resize(maxShown);
        shown.append(tr("and %n more", nullptr, int(more)));
    }
    m_info->setText(shown.join(u'\n'));
    m_info->setStyleSheet(QString());
}

void CaCertificateRow::browse()
{
    const QString current = m_file->text().trimmed();
    auto *chooser = new QFileDialog(m_file->window(), tr("Choose a CA certificate"),
                                    current.isEmpty() ? QString() : QFileInfo(current).absolutePath(),
                                    tr("Certificates (*.pem *.crt *.cer *.der);;All files (*)"));
    chooser->setFileMode(QFileDialog::ExistingFile);
    chooser->setAttribute(Qt::WA_DeleteOnClose);
    connect(chooser, &QFileDialog::fileSelected, this, [this](const QString &path) {
        m_file->setText(path);
        Q_EMIT chosen();
        update();
    });
    chooser->open();
}

} // namespace refetch
