// RecordPane's drafts: the unsaved edits it hands the DraftKeeper, and a draft restored into it with the bar that
// says where the edits come from and what the server has now. (A file of its own to keep recordpane.cpp short.)

#include "recordpane.h"

#include "icons.h"
#include "messagebar.h"
#include "recordform.h"

#include "core/cache/query.h"
#include "core/client/queryerror.h"
#include "core/client/queryobserver.h"
#include "core/models/recordmodel.h"
#include "core/providers/dataprovider.h"

#include <QDateTime>
#include <QLocale>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

// A draft keeps an entry that is not a value (JSON that does not parse) among its fields as {"$refetch:entry":
// "the text"}: Draft has no member for such text, and no server's field holds this object.
constexpr QStringView EntryKey = u"$refetch:entry";

Json entryJson(const QString &text)
{
    return Json::object({{EntryKey, text}});
}

std::optional<QString> entryOf(const Json &value)
{
    if (value.isObject() && value.size() == 1 && value.keyAt(0) == EntryKey && value.valueAt(0).isString())
        return value.valueAt(0).toString();
    return std::nullopt;
}

} // namespace

std::optional<Draft> RecordPane::draft() const
{
    if (!m_model || !m_connection || !isDirty() || isSubmitting())
        return std::nullopt;
    Draft d{.endpoint = m_connection->id(), .resource = m_resource, .fields = m_model->changes(),
            .base = Json::object({}), .savedAt = QDateTime::currentDateTimeUtc()};
    for (const QString &field : m_form->invalidFields())
        d.fields = d.fields.withValue(field, entryJson(m_form->invalidEntry(field)));
    if (m_creating)
        return d;
    d.id = m_id;
    // A restored draft keeps what it was based on: the server's values since then are what the bar compares.
    const Json server = m_model->serverRecord();
    for (qsizetype i = 0; i < d.fields.size(); ++i) {
        const QString field = d.fields.keyAt(i);
        const Json base = m_restored && m_restored->base.contains(field) ? m_restored->base.value(field)
                                                                         : server.value(field);
        if (!base.isUndefined())
            d.base = d.base.withValue(field, base);
    }
    if (m_restored && !m_restored->etag.isEmpty())
        d.etag = m_restored->etag;
    else if (const Query *query = m_model->observer()->query())
        d.etag = query->etag();
    return d;
}

void RecordPane::restoreDraft(ApiConnection *connection, const Draft &draft)
{
    if (draft.isNew()) {
        // The fields' blank start, their editors picked by type: an entry that was not a value has no type.
        Json sample = draft.fields;
        for (qsizetype i = 0; i < draft.fields.size(); ++i) {
            if (entryOf(draft.fields.valueAt(i)))
                sample = sample.withValue(draft.fields.keyAt(i), Json(nullptr));
        }
        showNewRecord(connection, draft.resource, sample);
    } else {
        showRecord(connection, draft.resource, draft.id);
        m_submitMessage.clear();
    }
    m_restored = draft;
    for (qsizetype i = 0; i < draft.fields.size(); ++i) {
        if (const std::optional<QString> entry = entryOf(draft.fields.valueAt(i)))
            m_form->setEntry(draft.fields.keyAt(i), *entry);
        else
            m_model->setField(draft.fields.keyAt(i), draft.fields.valueAt(i));
    }
    updateHeader();
    updateMessage();
    Q_EMIT stateChanged();
}

void RecordPane::showRestoredMessage()
{
    const Draft &d = *m_restored;
    const QString what = d.isNew() ? tr("a new %1 record").arg(m_resource)
                                   : u"%1 · %2"_s.arg(m_resource, DataProvider::idText(m_id));
    QString text = tr("Restored your unsaved edits to %1 from %2.")
                       .arg(what, QLocale().toString(d.savedAt.toLocalTime(), QLocale::ShortFormat));
    MessageBar::Kind kind = MessageBar::Kind::Information;
    const QueryError *error = d.isNew() ? nullptr : m_model->observer()->error();
    if (error && (error->httpStatus == 404 || error->httpStatus == 410)) {
        kind = MessageBar::Kind::Warning;
        text += u' ' + tr("The record has been deleted on the server since, so they cannot be saved to it; "
                          "copy what you need, then Discard them.");
    } else if (!d.isNew()) {
        // As after a 412: say what the server has now where it differs from what the edits were made on.
        QStringList changed;
        const Json server = m_model->serverRecord();
        for (qsizetype i = 0; i < d.fields.size(); ++i) {
            const QString field = d.fields.keyAt(i);
            const Json base = d.base.value(field), now = server.value(field);
            if (!base.isUndefined() && !now.isUndefined() && !(base == now)) {
                const QString shown = now.isString() ? now.toString() : QString::fromUtf8(now.toJson());
                changed.append(tr("%1 is now “%2”").arg(field, shown.size() > 60 ? shown.left(59) + u'…' : shown));
            }
        }
        if (!changed.isEmpty()) {
            // Said here, with what a save does: it overwrites them, as the user chooses.
            m_model->acceptServerChanges();
            kind = MessageBar::Kind::Warning;
            text += u' ' + tr("The record changed on the server since: %1. Save to overwrite it with your edits, or "
                              "Discard them to keep the server's.").arg(changed.join(u"; "_s));
        } else if (error) {
            text += u' ' + tr("Could not refresh the record: %1").arg(error->toString());
        }
    }
    m_message->showMessage(kind, text);
    connect(m_message->addButton(tr("Discard"), icons::icon(u"discard"_s)), &QPushButton::clicked, this, [this] {
        if (m_creating)
            clear();
        else
            revert();
    });
}

} // namespace refetch
