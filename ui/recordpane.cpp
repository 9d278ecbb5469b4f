#include "recordpane.h"

#include "core/session/apiconnection.h"
#include "emptystate.h"
#include "icons.h"
#include "messagebar.h"
#include "recordform.h"
#include "formdescription.h"
#include "referringrecords.h"
#include "schemaeditors.h"

#include "core/models/recordmodel.h"
#include "core/http/endpoint.h"
#include "core/mutation/mutationerror.h"
#include "core/mutation/mutationqueue.h"
#include "core/mutation/pendingwrites.h"
#include "core/providers/dataprovider.h"
#include "core/cache/query.h"
#include "core/client/queryerror.h"
#include "core/client/queryobserver.h"
#include "core/schema/schemaquery.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

QToolButton *headerButton(const QString &icon, const QString &text, QWidget *parent)
{
    auto *b = new QToolButton(parent);
    b->setIcon(icons::icon(icon));
    b->setText(text);
    b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    b->setAutoRaise(true);
    return b;
}

} // namespace

RecordPane::RecordPane(QWidget *parent)
    : QWidget(parent), m_stack(new QStackedWidget(this)), m_empty(new EmptyState(this)), m_page(new QWidget(this)),
      m_title(new QLabel(this)), m_subtitle(new QLabel(this)),
      m_saveButton(headerButton(u"save"_s, tr("Save"), this)),
      m_revertButton(headerButton(u"discard"_s, tr("Discard"), this)),
      m_deleteButton(headerButton(u"delete"_s, tr("Delete"), this)), m_message(new MessageBar(this)),
      m_scroll(new QScrollArea(this)), m_form(new RecordForm(this)), m_description(new FormDescription(m_form)),
      m_referring(new ReferringRecords(this))
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_stack);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_page);

    auto *page = new QVBoxLayout(m_page);
    page->setContentsMargins(0, 0, 0, 0);
    page->setSpacing(0);

    auto *header = new QWidget(m_page);
    header->setObjectName(u"recordHeader"_s);
    header->setAutoFillBackground(true);
    auto *headerLayout = new QHBoxLayout(header);
    headerLayout->setContentsMargins(16, 10, 8, 10);
    auto *titles = new QVBoxLayout;
    titles->setSpacing(2);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_subtitle->setTextFormat(Qt::PlainText);
    QPalette muted = m_subtitle->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    m_subtitle->setPalette(muted);
    titles->addWidget(m_title);
    titles->addWidget(m_subtitle);
    headerLayout->addLayout(titles, 1);
    m_saveButton->setToolTip(tr("Save the changed fields (Ctrl+S)"));
    m_revertButton->setToolTip(tr("Discard your changes"));
    m_deleteButton->setToolTip(tr("Delete this record (Delete)"));
    headerLayout->addWidget(m_saveButton);
    headerLayout->addWidget(m_revertButton);
    headerLayout->addWidget(m_deleteButton);
    page->addWidget(header);

    auto *line = new QFrame(m_page);
    line->setFrameShape(QFrame::HLine);
    line->setFrameShadow(QFrame::Sunken);
    page->addWidget(line);

    m_message->setContentsMargins(12, 8, 12, 0);
    page->addWidget(m_message);

    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget(m_scroll);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->setSpacing(0);
    contentLayout->addWidget(m_form);
    contentLayout->addWidget(m_referring);
    contentLayout->addStretch(1);
    m_scroll->setWidget(content);
    connect(m_referring, &ReferringRecords::recordActivated, this, &RecordPane::referringRecordActivated);
    connect(m_referring, &ReferringRecords::listRequested, this, &RecordPane::referringListRequested);
    page->addWidget(m_scroll, 1);

    connect(m_saveButton, &QToolButton::clicked, this, &RecordPane::save);
    connect(m_revertButton, &QToolButton::clicked, this, &RecordPane::revert);
    connect(m_deleteButton, &QToolButton::clicked, this, &RecordPane::deleteRequested);
    connect(m_form, &RecordForm::validityChanged, this, [this] {
        updateHeader();
        Q_EMIT stateChanged();
    });
    // An entry that is not a value is an unsaved edit the model does not see: the header, the draft and the
    // question on leaving follow it.
    connect(m_form, &RecordForm::invalidEntriesChanged, this, [this] {
        updateHeader();
        updateMessage();
        Q_EMIT stateChanged();
    });
    // The schema came or changed: a new record takes the fields it names.
    connect(m_description, &FormDescription::schemaChanged, this, [this] {
        if (m_creating)
            addSchemaFields();
        updateHeader();
        Q_EMIT stateChanged();
    });
    clear();
}

RecordPane::~RecordPane()
{
    m_form->setModel(nullptr);
}

bool RecordPane::isDirty() const
{
    if (!m_model)
        return false;
    if (!m_form->invalidFields().isEmpty())
        return true;
    // A new record is every field the user's, from the blank start: dirty once it differs from that, until its
    // create is made (then only what is typed since).
    if (m_creating && m_model->pendingWrites().isEmpty())
        return !(m_model->changes() == m_blank);
    return m_model->isDirty();
}

QStringList RecordPane::changedFields() const
{
    if (!m_model)
        return {};
    QStringList out = m_model->dirtyFields();
    for (const QString &field : m_form->invalidFields()) {
        if (!out.contains(field))
            out.append(field);
    }
    return out;
}

bool RecordPane::isSubmitting() const
{
    return m_model && m_model->isSubmitting();
}

bool RecordPane::canSave() const
{
    if (!m_model || isSubmitting() || !m_form->invalidFields().isEmpty())
        return false;
    // A create that waits for the server is made: a second one would make the record twice.
    return m_creating ? m_model->pendingWrites().isEmpty() : m_model->isDirty();
}

void RecordPane::setModel(RecordModel *model)
{
    m_saveUnderWay = false;
    m_form->setModel(nullptr);
    m_form->setCheckAll(false);
    delete m_model;
    m_model = model;
    m_submitMessage.clear();
    m_conflict = false;
    m_restored.reset();
    if (!m_model) {
        m_stack->setCurrentWidget(m_empty);
        Q_EMIT stateChanged();
        return;
    }
    // A new record's fields get the editors their sample values would have.
    QHash<QString, FieldEditor::Kind> hints;
    if (m_creating) {
        for (qsizetype i = 0; i < m_sample.size(); ++i)
            hints.insert(m_sample.keyAt(i), FieldEditor::kindFor(m_sample.valueAt(i)));
    }
    m_form->setKindHints(hints);
    m_form->setModel(m_model, m_connection ? m_connection->settings().idField : u"id"_s);
    m_form->setShowDirty(!m_creating);
    auto refresh = [this] {
        updateHeader();
        updateMessage();
        Q_EMIT stateChanged();
    };
    connect(m_model, &RecordModel::dirtyChanged, this, refresh);
    connect(m_model, &QAbstractItemModel::dataChanged, this, refresh);
    connect(m_model, &RecordModel::submittingChanged, this, refresh);
    connect(m_model, &RecordModel::waitingChanged, this, refresh);
    connect(m_model, &RecordModel::waitingChanged, this, [this] {
        if (m_model && !m_model->isSubmitting() && !m_model->waitingWrites().isEmpty())
            finishSave(SaveOutcome::Waiting);
    });
    connect(m_model, &RecordModel::loadingChanged, this, refresh);
    connect(m_model, &RecordModel::errorChanged, this, refresh);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, refresh);
    connect(m_model, &RecordModel::submitFailed, this, &RecordPane::onSubmitFailed);
    connect(m_model, &RecordModel::submitSucceeded, this, &RecordPane::onSubmitSucceeded);
    m_stack->setCurrentWidget(m_page);
    refresh();
}

void RecordPane::showRecord(ApiConnection *connection, const QString &resource, const Json &id)
{
    if (m_model && !m_creating && m_connection == connection && m_resource == resource && ResourceTags::sameId(m_id, id))
        return;
    m_connection = connection;
    m_resource = resource;
    m_id = id;
    m_creating = false;
    m_description->watch(connection, resource);
    RecordModelOptions options;
    options.idField = connection->settings().idField;
    options.submit = connection->updateOptions(resource, id);
    m_referring->showFor(connection, resource, id);
    setModel(new RecordModel(connection->queue(), connection->detailQuery(resource, id), options, this));
    Q_EMIT recordShown(connection->id(), resource, id);
}

void RecordPane::showNewRecord(ApiConnection *connection, const QString &resource, const Json &sample)
{
    static int serial = 0;
    m_connection = connection;
    m_resource = resource;
    m_id = Json();
    m_sample = sample;
    m_creating = true;
    m_description->watch(connection, resource);
    m_referring->clear();   // nothing points at a record not made yet
    // A query that never fetches: the form starts from nothing, and every field is the user's.
    QueryOptions blank;
    blank.key = QueryKey{connection->id(), resource, "$new", ++serial};
    blank.enabled = false;
    blank.refetchOnWindowFocus = FocusRefetch::Never;
    RecordModelOptions options;
    options.idField = connection->settings().idField;
    options.submit = connection->createOptions(resource);
    auto *model = new RecordModel(connection->queue(), blank, options, this);
    for (qsizetype i = 0; i < sample.size(); ++i) {
        const QString field = sample.keyAt(i);
        const FieldSchema *described = m_description->schema().field(field);
        if (field == options.idField || (described && described->readOnly))
            continue;
        const Json start = described ? SchemaEditors::startValue(*described) : Json();
        model->setField(field, start.isUndefined() ? FieldEditor::blankValue(sample.valueAt(i)) : start);
    }
    m_blank = model->changes();
    m_sample = sample;
    setModel(model);
    // An empty resource has no sample: the fields come from what the server says of them.
    addSchemaFields();
    m_form->focusFirstField();
}

void RecordPane::addSchemaFields()
{
    if (!m_model || !m_creating || m_description->schema().isEmpty())
        return;
    // Only into a form the user has not touched yet: what they typed is theirs.
    const bool untouched = !isDirty();
    const QString idField = m_connection ? m_connection->settings().idField : u"id"_s;
    for (const FieldSchema &f : std::as_const(m_description->schema().fields)) {
        if (f.name == idField || f.readOnly || m_model->rowOf(f.name) >= 0)
            continue;
        if (const Json start = SchemaEditors::startValue(f); !start.isUndefined())
            m_model->setField(f.name, start);
    }
    if (untouched)
        m_blank = m_model->changes();
    updateHeader();
}

void RecordPane::clear(const QString &hint, const QString &title)
{
    m_referring->clear();
    m_connection = nullptr;
    m_resource.clear();
    m_id = Json();
    m_creating = false;
    m_empty->set(icons::icon(u"table"_s), title.isEmpty() ? tr("No record selected") : title,
                 hint.isEmpty() ? tr("Select a row to see its fields here and edit them.") : hint);
    setModel(nullptr);
}

bool RecordPane::save()
{
    if (!canSave() && m_form->invalidFields().isEmpty())
        return false;
    const QStringList invalid = m_form->invalidFields();
    if (!invalid.isEmpty()) {
        m_message->showMessage(MessageBar::Kind::Warning,
                               tr("Not saved: %1 does not hold a valid value.").arg(invalid.join(u", "_s)));
        Q_EMIT stateChanged();
        return false;
    }
    if (m_creating) {
        // Optional fields left blank are left out of the create (the server's own default applies), rather than
        // sent as an empty text or a null the server does not take.
        for (const FieldSchema &f : std::as_const(m_description->schema().fields)) {
            if (f.required || m_model->rowOf(f.name) < 0)
                continue;
            const Json v = m_model->fieldValue(f.name);
            if ((v.isNull() && !f.nullable) || (v.isString() && v.toString().isEmpty() && f.defaultValue.isUndefined()))
                m_model->revertField(f.name);
        }
    }
    // What the server's description says it would refuse is not sent: a new record's every field is checked, an
    // edit's changed ones.
    m_form->setCheckAll(m_creating);
    if (const auto problems = m_form->schemaProblems(); !problems.isEmpty()) {
        QStringList parts;
        for (const auto &[field, problem] : problems) {
            const FieldSchema *f = m_description->schema().field(field);
            parts.append(u"%1: %2"_s.arg(f ? SchemaEditors::labelOf(*f) : field, problem));
        }
        m_message->showMessage(MessageBar::Kind::Warning, tr("Not saved: %1").arg(parts.join(u" "_s)));
        m_form->focusFirstField();
        Q_EMIT stateChanged();
        return false;
    }
    // A create is the whole form; an edit, the changed fields. The message bar follows the write.
    m_saveUnderWay = m_model->submitChanges() != nullptr;
    return m_saveUnderWay;
}

void RecordPane::revert()
{
    if (!m_model)
        return;
    if (m_creating) {
        showNewRecord(m_connection, m_resource, m_sample);
        return;
    }
    m_model->revertChanges();
    m_form->discardInvalidEntries();
    m_submitMessage.clear();
    m_conflict = false;
    updateMessage();
    Q_EMIT stateChanged();
}

void RecordPane::reload()
{
    if (m_model && !m_creating)
        m_model->observer()->refetch();
    m_referring->refetch();
}

void RecordPane::onSubmitFailed(const MutationError &error)
{
    m_conflict = error.isConflict();
    const QString what = m_creating ? tr("The new record was not created") : tr("Not saved");
    if (error.isConflict()) {
        m_submitMessage = tr("%1: someone changed this record on the server since it was loaded. Your edits are "
                             "kept and the other fields show the server's values. Save again to overwrite their "
                             "changes, or Discard to keep them.").arg(what);
    } else if (error.isValidation()) {
        QStringList elsewhere;   // errors about no field of the form, or the body as a whole ("$")
        for (auto it = error.fieldErrors.cbegin(); it != error.fieldErrors.cend(); ++it) {
            if (!m_form->fields().contains(it.key()))
                elsewhere.append(it.key() == u"$" ? it.value().join(u"; "_s) : it.key() + u": "_s + it.value().join(u"; "_s));
        }
        m_submitMessage = tr("%1: the server refused the values. Your edits are kept; correct the marked fields "
                             "and save again.").arg(what);
        if (!elsewhere.isEmpty())
            m_submitMessage += u"\n"_s + elsewhere.join(u"\n"_s);
        else if (error.fieldErrors.isEmpty() && !error.serverMessage.isEmpty())
            m_submitMessage += u"\n"_s + error.serverMessage;
    } else {
        m_submitMessage = tr("%1: %2. Your edits are kept.").arg(what, error.toString());
    }
    updateMessage();
    m_form->focusFirstField();
    Q_EMIT stateChanged();
    finishSave(SaveOutcome::Failed);
}

void RecordPane::onSubmitSucceeded(const Json &result)
{
    m_submitMessage.clear();
    m_conflict = false;
    updateMessage();
    if (m_creating) {
        const QString idField = m_connection ? m_connection->settings().idField : u"id"_s;
        const Json id = result.value(QStringView(idField));
        if (!id.isUndefined() && !id.isNull())
            Q_EMIT recordCreated(m_resource, id);
    }
    Q_EMIT saved();
    Q_EMIT stateChanged();
    finishSave(SaveOutcome::Saved);
}

void RecordPane::finishSave(SaveOutcome outcome)
{
    if (!std::exchange(m_saveUnderWay, false))
        return;
    Q_EMIT saveFinished(outcome);
}

void RecordPane::updateHeader()
{
    if (!m_model)
        return;
    const int fields = m_model->rowCount();
    if (m_creating) {
        m_title->setText(tr("New %1 record").arg(m_resource));
    } else {
        m_title->setText(u"%1 · %2"_s.arg(m_resource, DataProvider::idText(m_id)));
    }
    QString subtitle;
    const qsizetype waiting = m_model->waitingFields().size();
    if (m_model->isSubmitting())
        subtitle = m_creating ? tr("Creating…") : tr("Saving…");
    else if (m_creating && !m_model->waitingWrites().isEmpty())
        subtitle = tr("Waiting for the server: created when it answers");
    else if (waiting > 0 && isDirty())
        subtitle = (changedFields().size() == 1 ? tr("1 unsaved change") : tr("%1 unsaved changes").arg(changedFields().size()))
            + u" · "_s + tr("%1 waiting").arg(waiting);
    else if (waiting > 0)
        subtitle = waiting == 1 ? tr("1 change waiting") : tr("%1 changes waiting").arg(waiting);
    else if (m_model->isLoading())
        subtitle = tr("Loading…");
    else if (m_creating)
        subtitle = tr("Not saved yet");
    else if (const qsizetype changed = changedFields().size(); isDirty() && changed > 0)
        subtitle = changed == 1 ? tr("1 unsaved change") : tr("%1 unsaved changes").arg(changed);
    else
        subtitle = fields == 1 ? tr("1 field") : tr("%1 fields").arg(fields);
    m_subtitle->setText(subtitle);
    m_saveButton->setText(m_creating ? tr("Create") : tr("Save"));
    m_saveButton->setEnabled(canSave());
    const QStringList invalid = m_form->invalidFields();
    m_saveButton->setToolTip(invalid.isEmpty()
                                 ? tr("Save the changed fields (Ctrl+S)")
                                 : tr("Not ready to save: %1 does not hold a valid value.").arg(invalid.join(u", "_s)));
    m_revertButton->setEnabled(isDirty() && !m_model->isSubmitting() && !m_creating);
    m_revertButton->setVisible(!m_creating);
    m_deleteButton->setVisible(!m_creating);
    m_deleteButton->setEnabled(!m_model->isSubmitting());
}

void RecordPane::updateMessage()
{
    if (!m_model) {
        m_message->hide();
        return;
    }
    if (!m_submitMessage.isEmpty()) {
        m_message->showMessage(m_conflict ? MessageBar::Kind::Warning : MessageBar::Kind::Error, m_submitMessage);
        if (m_conflict) {
            connect(m_message->addButton(tr("Reload"), icons::icon(u"refresh"_s)), &QPushButton::clicked, this,
                    &RecordPane::reload);
        } else {
            connect(m_message->addButton(tr("Try Again"), icons::icon(u"refresh"_s)), &QPushButton::clicked, this,
                    &RecordPane::save);
        }
        return;
    }
    if (m_restored && !isDirty() && !isSubmitting())
        m_restored.reset();   // saved or discarded: the draft is settled
    if (const QList<Mutation *> waiting = m_model->waitingWrites(); !waiting.isEmpty()) {
        showWaitingMessage(waiting);
        return;
    }
    if (m_restored) {
        showRestoredMessage();
        return;
    }
    if (!m_model->errorString().isEmpty() && !m_creating) {
        m_message->showMessage(MessageBar::Kind::Error,
                               m_model->serverRecord().isEmpty()
                                   ? tr("Could not load the record: %1").arg(m_model->errorString())
                                   : tr("Could not refresh the record; showing what was loaded before. %1")
                                         .arg(m_model->errorString()));
        connect(m_message->addButton(tr("Retry"), icons::icon(u"refresh"_s)), &QPushButton::clicked, this,
                &RecordPane::reload);
        return;
    }
    m_message->hide();
}

void RecordPane::showWaitingMessage(const QList<Mutation *> &waiting)
{
    const Mutation *first = waiting.first();
    QString server;
    if (const Endpoint *endpoint = m_connection ? m_connection->endpoint() : nullptr)
        server = endpoint->config().baseUrl.authority();
    const QString why = first->isPaused() && !server.isEmpty() ? tr("%1 does not answer").arg(server)
                                                               : PendingWrites::reason(first);
    const QString what = m_creating ? tr("The new record is kept and will be created when the server answers")
                                    : tr("Your change is kept and will be sent when the server answers");
    m_message->showMessage(MessageBar::Kind::Information,
                           tr("%1 (%2). Nothing is lost if you move on or quit.").arg(what, why));
    QPointer<MutationQueue> queue = m_connection ? m_connection->queue() : nullptr;
    connect(m_message->addButton(tr("Retry"), icons::icon(u"refresh"_s)), &QPushButton::clicked, this, [queue] {
        if (queue)
            queue->resumePaused();
    });
    QList<QPointer<Mutation>> writes;
    for (Mutation *m : waiting)
        writes.append(m);
    connect(m_message->addButton(tr("Don't Send"), icons::icon(u"discard"_s)),
            &QPushButton::clicked, this, [writes] {
                // The latest first, so that each puts back what was there before it.
                for (auto it = writes.crbegin(); it != writes.crend(); ++it) {
                    if (*it)
                        (*it)->undo();
                }
            });
}

} // namespace refetch
