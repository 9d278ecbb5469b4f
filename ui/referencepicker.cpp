#include "referencepicker.h"

#include "core/models/referencesearch.h"
#include "core/mutation/resourcetags.h"
#include "core/providers/dataprovider.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QStandardItemModel>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {
constexpr int ChoiceRole = Qt::UserRole + 1;   // the row of ReferenceSearch::choices(); absent on notes
}

ReferencePicker::ReferencePicker(ReferenceSearch *search, const QString &resource, QWidget *parent)
    : FieldEditor(Kind::Reference, parent), m_search(search), m_resource(resource)
{
    search->setParent(this);
    auto *row = new QWidget(this);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    m_edit = new QLineEdit(row);
    m_edit->setClearButtonEnabled(true);
    m_edit->setPlaceholderText(tr("Type to search %1, or an id").arg(resource));
    layout->addWidget(m_edit, 1);
    m_idLabel = new QLabel(row);
    m_idLabel->setObjectName(u"referenceId"_s);
    m_idLabel->setForegroundRole(QPalette::PlaceholderText);
    m_idLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_idLabel);
    row->setFocusProxy(m_edit);
    setEditorWidget(row);
    row->setObjectName(QString());
    m_edit->setObjectName(u"fieldEditor"_s);

    m_choices = new QStandardItemModel(this);
    m_completer = new QCompleter(m_choices, this);
    m_completer->setWidget(m_edit);
    m_completer->setCompletionMode(QCompleter::UnfilteredPopupCompletion);
    m_completer->setMaxVisibleItems(12);
    m_completer->popup()->setObjectName(u"referenceChoices"_s);
    connect(m_completer, qOverload<const QModelIndex &>(&QCompleter::activated), this, [this](const QModelIndex &index) {
        const QVariant choice = index.data(ChoiceRole);
        if (choice.isValid())
            pick(choice.toInt());
    });

    m_pause = new QTimer(this);
    m_pause->setSingleShot(true);
    m_pause->setInterval(PauseMs);
    connect(m_pause, &QTimer::timeout, this, [this] { m_search->setText(m_edit->text()); });
    connect(m_edit, &QLineEdit::textEdited, this, &ReferencePicker::onTextEdited);
    // Enter or leaving the field with the text of exactly one offered record picks it.
    auto settle = [this] {
        if (!m_typing)
            return;
        if (const int match = matchingChoice(); match >= 0)
            pick(match);
    };
    connect(m_edit, &QLineEdit::returnPressed, this, settle);
    connect(m_edit, &QLineEdit::editingFinished, this, settle);
    connect(m_search, &ReferenceSearch::changed, this, &ReferencePicker::onSearchChanged);
    showPicked();
}

ReferencePicker::~ReferencePicker() = default;

void ReferencePicker::setLink(const QString &link)
{
    const Json shown = value();
    m_link = link;
    setValue(shown);
}

Json ReferencePicker::value() const
{
    if (!m_typing)
        return m_unlinked ? m_value : DataProvider::linkTo(m_link, m_value);
    if (m_edit->text().trimmed().isEmpty())
        return Json(nullptr);   // cleared: no reference (the schema says whether the field may be empty)
    const int match = matchingChoice();
    return match >= 0 ? DataProvider::linkTo(m_link, fieldId(m_search->choices().at(match).id)) : Json();
}

void ReferencePicker::setValue(const Json &value)
{
    // A link that names no record of the resource stays as it is (shown as its text, sent back unchanged).
    const Json id = DataProvider::idInLink(m_link, value);
    m_value = value.isUndefined() || value.isNull() ? Json(nullptr) : id.isUndefined() ? value : id;
    m_unlinked = !m_value.isNull() && id.isUndefined();
    if (!m_value.isNull())
        m_integerIds = m_value.isInteger();
    m_typing = false;
    m_pause->stop();
    m_completer->popup()->hide();
    showPicked();
}

bool ReferencePicker::canHold(const Json &value) const
{
    return value.isNull() || value.isUndefined() || value.isInteger() || (value.isString() && !value.toString().isEmpty());
}

QString ReferencePicker::validationError() const
{
    if (!value().isUndefined())
        return {};
    const QString text = m_edit->text().trimmed();
    if (!m_search->isCurrent() || m_search->text() != text)
        return tr("Looking for “%1” in %2…").arg(text, m_resource);
    if (m_search->choices().isEmpty())
        return tr("No record of %1 is “%2”: type another name, or its id.").arg(m_resource, text);
    if (!m_search->serverSearches())
        return tr("Pick one of the records of %1 offered under the field, or type its id.").arg(m_resource);
    return tr("%Ln record(s) of %1 match “%2”: pick one from the list under the field.", nullptr,
              int(m_search->choices().size())).arg(m_resource, text);
}

QString ReferencePicker::entryText() const
{
    return m_typing ? m_edit->text() : QString();
}

void ReferencePicker::setEntryText(const QString &text)
{
    m_edit->setText(text);
    m_typing = text != m_shownText;
    if (m_typing)
        m_search->setText(text);
    setErrorState(!validationError().isEmpty());
}

QWidget *ReferencePicker::focusTarget() const
{
    return m_edit;
}

void ReferencePicker::pick(int row)
{
    const QList<ReferenceSearch::Choice> choices = m_search->choices();
    if (row < 0 || row >= choices.size())
        return;
    m_value = fieldId(choices.at(row).id);
    m_unlinked = false;
    m_typing = false;
    m_pause->stop();
    m_completer->popup()->hide();
    showPicked();
    setErrorState(false);
    Q_EMIT edited();
}

void ReferencePicker::onTextEdited()
{
    m_typing = m_edit->text() != m_shownText;
    if (m_typing)
        m_pause->start();
    else
        m_completer->popup()->hide();
    setErrorState(false);   // not yet: a pause first, and the answer
    Q_EMIT edited();
}

void ReferencePicker::onSearchChanged()
{
    if (!m_typing) {
        showPicked();   // a label arrived, or a rename
        return;
    }
    m_choices->clear();
    const QList<ReferenceSearch::Choice> choices = m_search->choices();
    for (int i = 0; i < choices.size(); ++i) {
        const auto &c = choices.at(i);
        auto *item = new QStandardItem(u"%1  ·  %2"_s.arg(c.label, DataProvider::idText(c.id)));
        item->setData(i, ChoiceRole);
        item->setToolTip(u"%1 · %2"_s.arg(m_resource, DataProvider::idText(c.id)));
        item->setEditable(false);
        m_choices->appendRow(item);
    }
    auto note = [this](const QString &text) {
        auto *item = new QStandardItem(text);
        item->setFlags(Qt::NoItemFlags);
        item->setForeground(m_edit->palette().brush(QPalette::PlaceholderText));
        m_choices->appendRow(item);
    };
    const QString error = m_search->errorString();
    if (!error.isEmpty())
        note(tr("The search failed: %1").arg(error));
    else if (choices.isEmpty() && m_search->isCurrent())
        note(tr("No record of %1 matches “%2”").arg(m_resource, m_search->text()));
    else if (!m_search->serverSearches())
        note(tr("%1 cannot be searched on this server: type an id, or pick from its first records").arg(m_resource));
    if (m_choices->rowCount() > 0 && m_edit->text().trimmed() == m_search->text())
        m_completer->complete();
    setErrorState(m_search->isCurrent() && !validationError().isEmpty());
    // The typed text may now name exactly one record (or stop being looked for): the form reads value() again.
    Q_EMIT edited();
}

void ReferencePicker::showPicked()
{
    QString label;
    QString id;
    if (!m_value.isNull()) {
        id = DataProvider::idText(m_value);
        label = m_search->labelOf(m_value);
        if (label.isEmpty())
            label = id;   // until its name comes
    }
    m_shownText = label;
    if (m_edit->text() != label)
        m_edit->setText(label);
    if (m_value.isNull())
        m_idLabel->clear();
    else if (m_search->isMissing(m_value))
        m_idLabel->setText(tr("%1 · %2 (not on the server)").arg(m_resource, id));
    else
        m_idLabel->setText(u"%1 · %2"_s.arg(m_resource, id));
}

Json ReferencePicker::fieldId(const Json &id) const
{
    // A field that holds its ids as numbers keeps them numbers (JSON:API names every record by a string).
    if (m_integerIds && id.isString()) {
        bool ok = false;
        const qint64 n = id.toString().toLongLong(&ok);
        if (ok && QString::number(n) == id.toString())
            return Json(n);
    }
    return id;
}

int ReferencePicker::matchingChoice() const
{
    const QString text = m_edit->text().trimmed();
    if (text.isEmpty() || m_search->text() != text)
        return -1;
    const QList<ReferenceSearch::Choice> choices = m_search->choices();
    int found = -1;
    for (int i = 0; i < choices.size(); ++i) {
        const auto &c = choices.at(i);
        if (c.label.compare(text, Qt::CaseInsensitive) == 0 || DataProvider::idText(c.id) == text) {
            if (found >= 0 && !ResourceTags::sameId(choices.at(found).id, c.id))
                return -1;   // two records of that name: the user picks
            found = i;
        }
    }
    return found;
}

} // namespace refetch
