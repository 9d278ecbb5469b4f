#include "importdialog.h"

#include "core/session/apiconnection.h"
#include "core/session/csv.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {
constexpr int PreviewRows = 10;
}

ImportDialog::ImportDialog(ApiConnection *connection, const QString &resource, const ResourceSchema &schema,
                           const Json &sample, const QString &journalDirectory, QWidget *parent)
    : QDialog(parent), m_connection(connection), m_resource(resource), m_schema(schema), m_sample(sample),
      m_journalDirectory(journalDirectory), m_summary(new QLabel(this)), m_preview(new QTableWidget(this)),
      m_problems(new QListWidget(this)), m_progress(new QProgressBar(this)), m_failures(new QTableWidget(this)),
      m_importButton(new QPushButton(tr("Import"), this)), m_sendAgain(new QPushButton(tr("Send Again"), this))
{
    setObjectName(u"importDialog"_s);
    setWindowTitle(tr("Import into %1").arg(resource));
    resize(760, 560);
    auto *layout = new QVBoxLayout(this);
    m_summary->setObjectName(u"importSummary"_s);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_preview->setObjectName(u"importPreview"_s);
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->verticalHeader()->setVisible(false);
    layout->addWidget(m_preview, 2);
    auto *problemsLabel = new QLabel(tr("Rows that will not be sent:"), this);
    problemsLabel->setBuddy(m_problems);
    layout->addWidget(problemsLabel);
    m_problems->setObjectName(u"importProblems"_s);
    layout->addWidget(m_problems, 1);
    m_progress->setObjectName(u"importProgress"_s);
    m_progress->hide();
    layout->addWidget(m_progress);
    m_failures->setObjectName(u"importFailures"_s);
    m_failures->hide();
    layout->addWidget(m_failures, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_importButton, QDialogButtonBox::ActionRole);
    buttons->addButton(m_sendAgain, QDialogButtonBox::ActionRole);
    m_importButton->setDefault(true);
    m_sendAgain->hide();
    m_sendAgain->setToolTip(tr("Send the refused rows again with the values as you changed them above"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_importButton, &QPushButton::clicked, this, &ImportDialog::startImport);
    connect(m_sendAgain, &QPushButton::clicked, this, [this] {
        for (int r = 0; r < m_failures->rowCount(); ++r)
            sendAgain(m_failures->item(r, 0)->text().toLongLong());
    });
    layout->addWidget(buttons);
    // The fields a column can go to: what the server describes as writable, and what its records have.
    for (const FieldSchema &f : schema.fields) {
        if (!f.readOnly)
            m_fields.append(f.name);
    }
    for (qsizetype i = 0; sample.isObject() && i < sample.size(); ++i) {
        if (!m_fields.contains(sample.keyAt(i)))
            m_fields.append(sample.keyAt(i));
    }
}

ImportDialog::~ImportDialog() = default;

bool ImportDialog::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_error = tr("Could not read %1: %2").arg(QFileInfo(path).fileName(), file.errorString());
        return false;
    }
    m_contents = file.readAll();
    QString csvError;
    m_rows = Csv::parse(QString::fromUtf8(m_contents), &csvError);
    if (!csvError.isEmpty() || m_rows.size() < 2) {
        m_error = csvError.isEmpty() ? tr("%1 has no rows under its first line.").arg(QFileInfo(path).fileName())
                                     : tr("%1 is not CSV: %2").arg(QFileInfo(path).fileName(), csvError);
        return false;
    }
    m_header = m_rows.takeFirst();
    const QStringList guessed = CsvImport::guessFields(m_header, m_fields, m_schema);
    m_preview->setColumnCount(int(m_header.size()));
    m_preview->setRowCount(int(std::min<qsizetype>(m_rows.size(), PreviewRows)) + 1);
    m_preview->setHorizontalHeaderLabels(m_header);
    m_columnFields.clear();
    for (int c = 0; c < m_header.size(); ++c) {
        auto *box = new QComboBox(m_preview);
        box->setObjectName(u"importField:"_s + m_header.at(c));
        box->setAccessibleName(tr("Field for the column %1").arg(m_header.at(c)));
        box->addItem(tr("(not imported)"), QString());
        for (const QString &f : std::as_const(m_fields))
            box->addItem(f, f);
        box->setCurrentIndex(std::max(0, box->findData(guessed.at(c))));
        connect(box, &QComboBox::currentIndexChanged, this, &ImportDialog::check);
        m_preview->setCellWidget(0, c, box);
        m_columnFields.append(box);
        for (int r = 0; r < m_preview->rowCount() - 1; ++r)
            m_preview->setItem(r + 1, c, new QTableWidgetItem(m_rows.at(r).value(c)));
    }
    m_preview->resizeColumnsToContents();
    setWindowTitle(tr("Import %1 into %2").arg(QFileInfo(path).fileName(), m_resource));
    check();
    return true;
}

QStringList ImportDialog::mapping() const
{
    QStringList out;
    for (const QComboBox *box : m_columnFields)
        out.append(box->currentData().toString());
    return out;
}

void ImportDialog::setField(int column, const QString &field)
{
    if (column >= 0 && column < m_columnFields.size())
        m_columnFields.at(column)->setCurrentIndex(std::max(0, m_columnFields.at(column)->findData(field)));
}

int ImportDialog::problemCount() const
{
    return int(std::count_if(m_prepared.cbegin(), m_prepared.cend(), [](const CsvImport::Row &r) { return !r.problem.isEmpty(); }));
}

void ImportDialog::check()
{
    m_prepared = CsvImport::prepare(m_rows, mapping(), m_schema, m_sample);
    m_problems->clear();
    for (const CsvImport::Row &r : std::as_const(m_prepared)) {
        if (!r.problem.isEmpty())
            m_problems->addItem(tr("Line %1: %2").arg(r.line).arg(r.problem));
    }
    const QLocale locale;
    const int problems = problemCount();
    QStringList left;
    for (int c = 0; c < m_header.size(); ++c) {
        if (mapping().at(c).isEmpty())
            left.append(m_header.at(c));
    }
    QString text = tr("%1 rows: %2 will be created in %3, %4 have problems and will not be sent.")
                       .arg(locale.toString(m_prepared.size()), locale.toString(m_prepared.size() - problems), m_resource,
                            locale.toString(problems));
    if (!left.isEmpty())
        text += u' ' + tr("Not imported: %1.").arg(left.join(u", "));
    m_summary->setText(text);
    m_importButton->setEnabled(!m_import && m_prepared.size() > problems);
}

bool ImportDialog::startImport()
{
    if (m_import || !m_connection)
        return false;
    const QStringList fields = mapping();
    const QString id = CsvImport::importId(m_connection->cacheIdentity(), m_resource, m_contents, fields);
    m_import = new CsvImport(m_connection, m_resource, id, m_prepared, m_journalDirectory, this);
    connect(m_import, &CsvImport::progressed, this, &ImportDialog::showProgress);
    connect(m_import, &CsvImport::finished, this, [this] {
        showProgress();
        showFailures();
        Q_EMIT importFinished();
    });
    for (QComboBox *box : std::as_const(m_columnFields))
        box->setEnabled(false);
    m_importButton->setEnabled(false);
    m_progress->setRange(0, int(m_prepared.size() - problemCount()));
    m_progress->show();
    QString error;
    if (!m_import->start(&error)) {
        m_summary->setText(error);
        return false;
    }
    showProgress();
    return true;
}

void ImportDialog::showProgress()
{
    if (!m_import)
        return;
    const QLocale locale;
    const int done = m_import->created() + m_import->skipped();
    m_progress->setValue(done + m_import->refused());
    QString text = tr("Created %1 of %2 records in %3.").arg(locale.toString(done),
                                                             locale.toString(m_progress->maximum()), m_resource);
    if (m_import->skipped() > 0)
        text += u' ' + tr("%1 of them in an earlier run of this import, which goes on where it stopped.")
                           .arg(locale.toString(m_import->skipped()));
    if (m_import->refused() > 0)
        text += u' ' + tr("%1 refused by the server (below).").arg(m_import->refused());
    m_summary->setText(text);
}

void ImportDialog::showFailures()
{
    const QList<CsvImport::Failure> failures = m_import ? m_import->failures() : QList<CsvImport::Failure>();
    QStringList fields;
    for (const QString &f : mapping()) {
        if (!f.isEmpty())
            fields.append(f);
    }
    m_failures->clear();
    m_failures->setColumnCount(int(fields.size()) + 2);
    m_failures->setHorizontalHeaderLabels(QStringList{tr("Line"), tr("Why")} + fields);
    m_failures->setRowCount(int(failures.size()));
    for (int r = 0; r < failures.size(); ++r) {
        const CsvImport::Failure &f = failures.at(r);
        auto *line = new QTableWidgetItem(QString::number(f.line));
        line->setFlags(line->flags() & ~Qt::ItemIsEditable);
        auto *why = new QTableWidgetItem(f.why);
        why->setFlags(why->flags() & ~Qt::ItemIsEditable);
        why->setToolTip(f.why);
        m_failures->setItem(r, 0, line);
        m_failures->setItem(r, 1, why);
        for (int c = 0; c < fields.size(); ++c) {
            const Json v = f.record.value(QStringView(fields.at(c)));
            m_failures->setItem(r, c + 2, new QTableWidgetItem(v.isString() ? v.toString() : v.isUndefined() || v.isNull()
                                                                                   ? QString()
                                                                                   : QString::fromUtf8(v.toJson())));
        }
    }
    m_failures->setVisible(!failures.isEmpty());
    m_sendAgain->setVisible(!failures.isEmpty());
}

void ImportDialog::sendAgain(qsizetype line)
{
    if (!m_import)
        return;
    for (int r = 0; r < m_failures->rowCount(); ++r) {
        if (m_failures->item(r, 0)->text().toLongLong() != line)
            continue;
        Json record = Json::object({});
        for (int c = 2; c < m_failures->columnCount(); ++c) {
            const QString field = m_failures->horizontalHeaderItem(c)->text();
            QString why;
            const Json value = CsvImport::typedCell(m_failures->item(r, c)->text(), m_sample.value(QStringView(field)),
                                                    m_schema.field(field), &why);
            if (value.isUndefined()) {
                m_failures->item(r, 1)->setText(u"%1: %2"_s.arg(field, why));
                return;
            }
            if (!(value.isString() && value.toString().isEmpty()))
                record = record.withValue(field, value);
        }
        m_import->resend(line, record);
        m_failures->removeRow(r);
        return;
    }
}

} // namespace refetch
