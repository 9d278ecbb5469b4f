#include "bulkedit.h"

#include "fieldeditor.h"
#include "filtereditor.h"
#include "icons.h"
#include "messagebar.h"
#include "resourceview.h"
#include "schemaeditors.h"
#include "undodelete.h"
#include "exportflow.h"

#include "core/mutation/bulkwrite.h"
#include "core/mutation/mutationqueue.h"
#include "core/providers/dataprovider.h"
#include "core/session/apiconnection.h"
#include "core/session/csv.h"
#include "core/session/csvimport.h"
#include "core/session/listexport.h"
#include "core/models/pagedtablemodel.h"

#include <QBuffer>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QMessageBox>
#include <QTableView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QUuid>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace refetch {

BulkEdit::BulkEdit(QWidget *window, UndoDelete *undo) : QObject(window), m_window(window), m_undo(undo) {}

BulkWrite *BulkEdit::deleteRows(ResourceView *view, const QList<Json> &ids)
{
    ApiConnection *c = view ? view->connection() : nullptr;
    if (!c || ids.isEmpty())
        return nullptr;
    const QString resource = view->resource();
    // One Undo for them all, on the window's undo bar, counting down as one; after a restart too.
    const QString batch = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QList<BulkWrite::Item> items;
    for (const Json &id : ids) {
        BulkWrite::Item item{.id = id, .options = c->deleteOptions(resource, id), .variables = Json()};
        item.options.batch = batch;
        items.append(item);
    }
    auto *write = new BulkWrite(c->queue(), items, this);
    write->start();
    for (Mutation *m : write->mutations()) {
        const PersistedMutation &d = m->data();
        m_undo->add(UndoDelete::Delete{m, c->id(), resource, d.recordId,
                                       u"%1 · %2"_s.arg(resource, DataProvider::idText(d.recordId)), false, batch});
    }
    follow(view, write, tr("Deleting %1 records of %2…").arg(ids.size()).arg(resource),
           tr("Deleted %1 records of %2.").arg(ids.size()).arg(resource));
    return write;
}

void BulkEdit::setField(ResourceView *view)
{
    if (!view || !view->connection())
        return;
    const QList<Json> ids = view->selectedIds();
    if (ids.isEmpty())
        return;
    const FilterContext context = view->filterContext();
    const bool all = view->allMatchingSelected();
    const qint64 total = view->model()->totalCount();
    BulkSetDialog dialog(context, all && total > 0 ? int(std::min<qint64>(total, INT_MAX)) : int(ids.size()), m_window);
    if (dialog.exec() != QDialog::Accepted || dialog.value().isUndefined())
        return;
    if (all)
        setFieldOnAllMatching(view, dialog.field(), dialog.value(), [](const QString &) { return true; });
    else
        setFieldTo(view, ids, dialog.field(), dialog.value());
}

void BulkEdit::readMatchingIds(ResourceView *view, std::function<void(const QList<Json> &)> then)
{
    ApiConnection *c = view ? view->connection() : nullptr;
    if (!c)
        return;
    ExportRequest request = ExportFlow::requestFor(view, ExportRequest::Format::Json);
    request.columns = {c->provider()->idField()};
    auto *buffer = new QBuffer(this);
    buffer->open(QIODevice::WriteOnly);
    auto *job = new ListExport(c, request, buffer, this);
    QPointer<MessageBar> bar(view->writeBar());
    const QString resource = view->resource();
    connect(job, &ListExport::progress, this, [bar, resource](qint64 rows, qint64 total) {
        if (bar)
            bar->showMessage(MessageBar::Kind::Information,
                             tr("Reading the records of %1 that the list matches: %2 of %3…")
                                 .arg(resource, QLocale().toString(rows), total >= 0 ? QLocale().toString(total) : u"?"_s));
    });
    connect(job, &ListExport::finished, this, [this, job, buffer, bar, then = std::move(then)](bool ok, const QString &error) {
        job->deleteLater();
        buffer->deleteLater();
        if (!ok) {
            if (bar) {
                bar->showMessage(MessageBar::Kind::Error, tr("Nothing was changed: the records could not be read. %1").arg(error));
                bar->setClosable(true);
            }
            return;
        }
        QList<Json> ids;
        const QString idField = job->property("idField").toString();
        for (const Json &record : Json::parse(buffer->data())) {
            const Json id = record.value(QStringView(idField));
            if (!id.isUndefined() && !id.isNull())
                ids.append(id);
        }
        then(ids);
    });
    job->setProperty("idField", c->provider()->idField());
    job->start();
}

void BulkEdit::deleteAllMatching(ResourceView *view, std::function<bool(const QString &)> confirm)
{
    const qint64 total = view->model()->totalCount();
    const QString question = tr("Delete all %1 records of %2 that the list matches? Most of them are not in sight. "
                                "Undo brings them back until they are sent.")
                                 .arg(total > 0 ? QLocale().toString(total) : tr("the"), view->resource());
    if (!(confirm ? confirm(question) : QMessageBox::question(m_window, tr("Delete"), question) == QMessageBox::Yes))
        return;
    QPointer<ResourceView> guard(view);
    readMatchingIds(view, [this, guard](const QList<Json> &ids) {
        if (guard)
            deleteRows(guard, ids);
    });
}

void BulkEdit::setFieldOnAllMatching(ResourceView *view, const QString &field, const Json &value,
                                     std::function<bool(const QString &)> confirm)
{
    const qint64 total = view->model()->totalCount();
    const QString question = tr("Set %1 on all %2 records of %3 that the list matches? Most of them are not in sight.")
                                 .arg(field, total > 0 ? QLocale().toString(total) : tr("the"), view->resource());
    if (!(confirm ? confirm(question) : QMessageBox::question(m_window, tr("Set Field"), question) == QMessageBox::Yes))
        return;
    QPointer<ResourceView> guard(view);
    readMatchingIds(view, [this, guard, field, value](const QList<Json> &ids) {
        if (guard)
            setFieldTo(guard, ids, field, value);
    });
}

BulkWrite *BulkEdit::setFieldTo(ResourceView *view, const QList<Json> &ids, const QString &field, const Json &value)
{
    ApiConnection *c = view ? view->connection() : nullptr;
    if (!c || ids.isEmpty() || field.isEmpty())
        return nullptr;
    const QString resource = view->resource();
    QList<BulkWrite::Item> items;
    for (const Json &id : ids)
        items.append(BulkWrite::Item{.id = id, .options = c->updateOptions(resource, id),
                                     .variables = Json::object({{QStringView(field), value}})});
    auto *write = new BulkWrite(c->queue(), items, this);
    write->start();
    const QString shown = value.isString() ? u"“%1”"_s.arg(value.toString()) : QString::fromUtf8(value.toJson());
    follow(view, write, tr("Setting %1 to %2 on %3 records of %4…").arg(field, shown).arg(ids.size()).arg(resource),
           tr("Set %1 to %2 on %3 records of %4.").arg(field, shown).arg(ids.size()).arg(resource));
    return write;
}

BulkWrite *BulkEdit::paste(ResourceView *view, const QString &text, Confirm confirm)
{
    ApiConnection *c = view ? view->connection() : nullptr;
    if (!c)
        return nullptr;
    PagedTableModel *model = view->model();
    QTableView *table = view->table();
    const QModelIndex start = table->currentIndex();
    auto refuse = [&](const QString &why) {
        view->writeBar()->showMessage(MessageBar::Kind::Error, tr("Nothing was pasted: %1.").arg(why));
        view->writeBar()->setClosable(true);
        return nullptr;
    };
    if (!start.isValid())
        return refuse(tr("click the cell the block starts at first"));
    Csv::Reader reader(u'\t');
    reader.feed(text);
    reader.finish();
    const QList<QStringList> rows = reader.takeRows();
    if (rows.isEmpty())
        return refuse(tr("the clipboard holds no cells"));
    // The columns shown, from the current one rightwards; the rows shown, from the current one down.
    QHeaderView *header = table->horizontalHeader();
    QStringList columns;
    for (int visual = header->visualIndex(start.column()); visual < header->count(); ++visual) {
        const int logical = header->logicalIndex(visual);
        if (!header->isSectionHidden(logical))
            columns.append(model->columnName(logical));
    }
    qsizetype width = 0;
    for (const QStringList &r : rows)
        width = std::max(width, r.size());
    if (width > columns.size())
        return refuse(tr("the block is %1 columns wide, and only %2 are shown from here").arg(width).arg(columns.size()));
    if (start.row() + rows.size() > model->rowCount())
        return refuse(tr("the block is %1 rows high, and only %2 are loaded from here")
                          .arg(rows.size()).arg(model->rowCount() - start.row()));
    const ResourceSchema schema = view->filterContext().schema;
    QList<BulkWrite::Item> items;
    for (qsizetype r = 0; r < rows.size(); ++r) {
        const int row = start.row() + int(r);
        const Json record = model->rowJson(row);
        const Json id = model->rowId(row);
        if (id.isUndefined() || id.isNull())
            return refuse(tr("row %1 has no id").arg(row + 1));
        Json fields = Json::object({});
        for (qsizetype k = 0; k < rows.at(r).size(); ++k) {
            const QString &field = columns.at(k);
            const QModelIndex cell = model->index(row, model->columnOf(field));
            const FieldSchema *described = schema.field(field);
            if (!(model->flags(cell) & Qt::ItemIsEditable) || (described && described->readOnly))
                return refuse(tr("%1 cannot be written here").arg(field));
            QString why;
            const Json value = CsvImport::typedCell(rows.at(r).at(k), record.value(QStringView(field)), described, &why);
            if (value.isUndefined())
                return refuse(tr("%1 of %2 · %3: %4").arg(field, view->resource(), DataProvider::idText(id), why));
            if (!(value == record.value(QStringView(field))))
                fields = fields.withValue(field, value);
        }
        if (!fields.isEmpty())
            items.append(BulkWrite::Item{.id = id, .options = c->updateOptions(view->resource(), id), .variables = fields});
    }
    if (items.isEmpty())
        return refuse(tr("the cells already hold these values"));
    const QString question = tr("Paste %1 × %2 cells into %3 records of %4? Each record is saved on the server.")
                                 .arg(rows.size()).arg(width).arg(items.size()).arg(view->resource());
    const bool yes = confirm ? confirm(question)
                             : QMessageBox::question(m_window, tr("Paste"), question) == QMessageBox::Yes;
    if (!yes)
        return nullptr;
    auto *write = new BulkWrite(c->queue(), items, this);
    write->start();
    follow(view, write, tr("Pasting into %1 records of %2…").arg(items.size()).arg(view->resource()),
           tr("Pasted into %1 records of %2.").arg(items.size()).arg(view->resource()));
    return write;
}

void BulkEdit::follow(ResourceView *view, BulkWrite *write, const QString &doing, const QString &done)
{
    m_last = write;
    QPointer<ResourceView> guard(view);
    QPointer<MessageBar> bar(view->writeBar());
    auto show = [this, guard, bar, write, doing, done] {
        if (!bar)
            return;
        const QLocale locale;
        if (!write->isDone()) {
            const QString text = doing + u' '
                + tr("%1 of %2 done.").arg(locale.toString(write->succeeded() + write->failed()), locale.toString(write->total()));
            if (bar->isVisible() && bar->kind() == MessageBar::Kind::Information)
                bar->setText(text);
            else
                bar->showMessage(MessageBar::Kind::Information, text);
            return;
        }
        const QList<BulkWrite::Failure> failures = write->failures();
        if (failures.isEmpty()) {
            if (write->undone() == write->total()) {
                bar->hide();
                return;
            }
            bar->showMessage(MessageBar::Kind::Information, done);
            bar->setClosable(true);
            return;
        }
        // Which ones, and why (the first few by name), with Retry for them.
        QStringList named;
        for (const BulkWrite::Failure &f : failures.mid(0, 5)) {
            const QString record = (guard ? guard->resource() : QString()) + u" · "_s + DataProvider::idText(f.id);
            named.append(u"%1: %2"_s.arg(record, f.error.isValidation() && !f.error.fieldErrors.isEmpty()
                                                      ? f.error.fieldErrors.first().join(u' ')
                                                      : f.why));
        }
        if (failures.size() > 5)
            named.append(tr("and %1 more").arg(failures.size() - 5));
        bar->showMessage(MessageBar::Kind::Error,
                         tr("%1 of %2 records were not changed; they show what the server has. %3")
                             .arg(failures.size()).arg(write->total()).arg(named.join(u"; ")));
        bar->setClosable(true);
        connect(bar->addButton(tr("Retry"), icons::icon(u"refresh"_s)), &QPushButton::clicked, write,
                [write] { write->retryFailed(); });
    };
    connect(write, &BulkWrite::progressed, this, show);
    connect(write, &BulkWrite::finished, this, [this, write] { Q_EMIT finished(write); });
    show();
}

BulkSetDialog::BulkSetDialog(const FilterContext &context, int rows, QWidget *parent)
    : QDialog(parent), m_context(&context), m_field(new QComboBox(this)), m_valueHolder(new QVBoxLayout),
      m_summary(new QLabel(this)), m_rows(rows)
{
    setObjectName(u"bulkSetDialog"_s);
    setWindowTitle(tr("Set Field"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_field->setObjectName(u"bulkField"_s);
    for (const FilterField &f : context.fields) {
        const FieldSchema *s = context.schema.field(f.name);
        if (f.name == u"id" || (s && s->readOnly))
            continue;   // what the server sets is not the user's to set
        m_field->addItem(s ? SchemaEditors::labelOf(*s) : f.name, f.name);
    }
    auto *fieldLabel = new QLabel(tr("&Field:"), this);
    fieldLabel->setBuddy(m_field);
    form->addRow(fieldLabel, m_field);
    m_valueHolder->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Value:"), m_valueHolder);
    layout->addLayout(form);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Set"));
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (!value().isUndefined())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    connect(m_field, &QComboBox::currentIndexChanged, this, &BulkSetDialog::onFieldChanged);
    setMinimumWidth(380);
    onFieldChanged();
}

QString BulkSetDialog::field() const
{
    return m_field->currentData().toString();
}

Json BulkSetDialog::value() const
{
    return m_value && m_value->isValid() ? m_value->value() : Json();
}

void BulkSetDialog::onFieldChanged()
{
    delete m_value;
    m_value = nullptr;
    const FilterField *field = m_context->field(this->field());
    if (!field)
        return;
    m_value = FilterEditor::makeValueEditor(*m_context, *field, this);
    m_value->setObjectName(u"bulkValue"_s);
    m_value->setAccessibleName(tr("New value of %1").arg(field->name));
    m_valueHolder->addWidget(m_value);
    m_summary->setText(tr("Sets %1 on the %Ln selected record(s), one request each.", nullptr, m_rows).arg(field->name));
}

} // namespace refetch
