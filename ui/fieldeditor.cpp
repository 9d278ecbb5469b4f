#include "fieldeditor.h"

#include <QCheckBox>
#include <QDateEdit>
#include <QDateTimeEdit>
#include <QFontDatabase>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QStyle>
#include <QVBoxLayout>

#include <limits>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

const QRegularExpression &dateRe()
{
    static const QRegularExpression re(u"^\\d{4}-\\d{2}-\\d{2}$"_s);
    return re;
}

// ISO 8601 date-time: what json-server data and most REST APIs carry. Captures: date, time, fraction, zone.
const QRegularExpression &dateTimeRe()
{
    static const QRegularExpression re(
        u"^(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2}(?::\\d{2})?)(\\.\\d{1,9})?(Z|[+-]\\d{2}:?\\d{2})?$"_s);
    return re;
}

// The dates the date editors can show (QDateTimeEdit's own range starts in 1752); a date outside them gets a text
// editor, never a clamped date.
const QDate &firstDate()
{
    static const QDate date(100, 1, 1);
    return date;
}

const QDate &lastDate()
{
    static const QDate date(9999, 12, 31);
    return date;
}

bool isEditableDate(const QDate &date)
{
    return date.isValid() && date >= firstDate() && date <= lastDate();
}

// The parts of an ISO 8601 date-time that the date-time editor shows as they are, or no match.
QRegularExpressionMatch dateTimeMatch(const QString &text)
{
    QRegularExpressionMatch m = dateTimeRe().match(text);
    if (!m.hasMatch() || !isEditableDate(QDate::fromString(m.captured(1), Qt::ISODate))
        || !QTime::fromString(m.captured(2), m.captured(2).size() > 5 ? u"HH:mm:ss"_s : u"HH:mm"_s).isValid())
        return QRegularExpressionMatch();
    return m;
}

bool hasLineBreak(QStringView text)
{
    return text.contains(u'\n') || text.contains(u'\r') || text.contains(QChar::LineSeparator)
        || text.contains(QChar::ParagraphSeparator);
}

// A QLineEdit takes 32,767 characters by default and cuts the rest without a word: these take any length.
QLineEdit *makeLine(QWidget *parent)
{
    auto *edit = new QLineEdit(parent);
    edit->setMaxLength(std::numeric_limits<int>::max());
    return edit;
}

// A QPlainTextEdit that is as tall as a few lines and grows no further (the form scrolls, not the box).
QPlainTextEdit *makeTextBox(QWidget *parent, int lines, bool monospace)
{
    auto *edit = new QPlainTextEdit(parent);
    if (monospace)
        edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit->setTabChangesFocus(true);
    const int line = QFontMetrics(edit->font()).lineSpacing();
    const int margins = 2 * edit->frameWidth() + 2 * int(edit->document()->documentMargin()) + 8;
    edit->setFixedHeight(line * lines + margins);
    return edit;
}

class TextEditor : public FieldEditor
{
public:
    TextEditor(QWidget *parent) : FieldEditor(Kind::Text, parent), m_edit(makeLine(this))
    {
        m_edit->setClearButtonEnabled(false);
        setEditorWidget(m_edit);
        connect(m_edit, &QLineEdit::textEdited, this, &FieldEditor::edited);
    }
    Json value() const override { return Json(m_edit->text()); }
    void setValue(const Json &v) override
    {
        m_edit->setText(v.toString());
        m_edit->setCursorPosition(0);   // the start of a long value, not its end
    }
    // A line break shows as a space in a line: such text needs the box.
    bool canHold(const Json &v) const override { return v.isString() && !hasLineBreak(v.toString()); }
    QWidget *focusTarget() const override { return m_edit; }

private:
    QLineEdit *m_edit;
};

class LongTextEditor : public FieldEditor
{
public:
    LongTextEditor(QWidget *parent) : FieldEditor(Kind::LongText, parent), m_edit(makeTextBox(this, 5, false))
    {
        setEditorWidget(m_edit);
        connect(m_edit, &QPlainTextEdit::textChanged, this, [this] {
            if (!m_setting)
                Q_EMIT edited();
        });
    }
    Json value() const override { return Json(m_edit->toPlainText()); }
    void setValue(const Json &v) override
    {
        const QString text = v.toString();
        if (text == m_edit->toPlainText())
            return;
        m_setting = true;
        m_edit->setPlainText(text);
        m_setting = false;
    }
    bool canHold(const Json &v) const override { return v.isString(); }
    QWidget *focusTarget() const override { return m_edit; }

private:
    QPlainTextEdit *m_edit;
    bool m_setting = false;
};

// A JSON number as text: what the server sent is shown digit for digit, and what is typed is taken digit for digit
// (Json keeps a number that a 64-bit integer or a double would round as its text: 12345678901234567890123,
// 0.1000000000000000055511151231257827, 1e400). Only text that is not a number is an entry that is not valid.
class NumberEditor : public FieldEditor
{
public:
    NumberEditor(QWidget *parent) : FieldEditor(Kind::Number, parent), m_edit(makeLine(this))
    {
        // A JSON number as it is typed, or nothing (null).
        static const QRegularExpression number(u"-?(0|[1-9]\\d*)?(\\.\\d*)?([eE][+-]?\\d*)?"_s);
        m_edit->setValidator(new QRegularExpressionValidator(number, m_edit));
        m_edit->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_edit->setPlaceholderText(u"null"_s);
        m_edit->setMaximumWidth(220);
        setEditorWidget(m_edit);
        // Read on every change (clear() too); only the user's are edits. (textEdited comes before textChanged.)
        connect(m_edit, &QLineEdit::textChanged, this, [this] { read(); });
        connect(m_edit, &QLineEdit::textEdited, this, [this] {
            read();
            Q_EMIT edited();
        });
    }
    Json value() const override { return m_value; }
    void setValue(const Json &v) override
    {
        m_edit->setText(v.numberText());
        read();   // also when the text did not change
    }
    bool canHold(const Json &v) const override { return v.isNumber() || v.isNull(); }
    QString validationError() const override { return m_error; }
    QString entryText() const override { return m_edit->text(); }
    void setEntryText(const QString &text) override
    {
        m_edit->setText(text);
        read();
    }
    QWidget *focusTarget() const override { return m_edit; }

private:
    void read()
    {
        m_value = parse(m_edit->text().trimmed(), &m_error);
        setErrorState(!m_error.isEmpty());
    }
    static Json parse(QString text, QString *error)
    {
        error->clear();
        if (text.isEmpty())
            return Json(nullptr);
        // What people type for 0.5 and 5: ".5" and "5.".
        if (text.startsWith(u'.'))
            text.prepend(u'0');
        else if (text.startsWith(u"-."))
            text.insert(1, u'0');
        if (text.endsWith(u'.'))
            text.chop(1);
        const Json v = Json::fromNumberText(text);
        if (v.isUndefined())
            *error = FieldEditor::tr("Enter a number, such as 42 or 3.5.");
        return v;
    }

    QLineEdit *m_edit;
    Json m_value = Json(nullptr);
    QString m_error;
};

class BooleanEditor : public FieldEditor
{
public:
    BooleanEditor(QWidget *parent) : FieldEditor(Kind::Boolean, parent), m_box(new QCheckBox(this))
    {
        setEditorWidget(m_box);
        connect(m_box, &QCheckBox::clicked, this, &FieldEditor::edited);
        connect(m_box, &QCheckBox::toggled, this, [this](bool on) { m_box->setText(on ? u"true"_s : u"false"_s); });
        m_box->setText(u"false"_s);
    }
    Json value() const override { return Json(m_box->isChecked()); }
    void setValue(const Json &v) override { m_box->setChecked(v.toBool()); }
    bool canHold(const Json &v) const override { return v.isBool(); }
    QWidget *focusTarget() const override { return m_box; }

private:
    QCheckBox *m_box;
};

class DateEditor : public FieldEditor
{
public:
    DateEditor(QWidget *parent) : FieldEditor(Kind::Date, parent), m_edit(new QDateEdit(this))
    {
        m_edit->setCalendarPopup(true);
        m_edit->setDisplayFormat(u"yyyy-MM-dd"_s);
        m_edit->setDateRange(firstDate(), lastDate());
        m_edit->setMaximumWidth(220);
        setEditorWidget(m_edit);
        connect(m_edit, &QDateEdit::dateChanged, this, [this] {
            if (!m_setting)
                Q_EMIT edited();
        });
    }
    Json value() const override { return Json(m_edit->date().toString(Qt::ISODate)); }
    void setValue(const Json &v) override
    {
        m_setting = true;
        m_edit->setDate(QDate::fromString(v.toString(), Qt::ISODate));
        m_setting = false;
    }
    bool canHold(const Json &v) const override
    {
        return v.isString() && dateRe().match(v.toString()).hasMatch()
            && isEditableDate(QDate::fromString(v.toString(), Qt::ISODate));
    }
    QWidget *focusTarget() const override { return m_edit; }

private:
    QDateEdit *m_edit;
    bool m_setting = false;
};

// Edits the wall-clock date and time as written, and writes them back with the original's precision and zone
// ("Z", "+02:00" or none), so that an untouched value round-trips exactly.
class DateTimeEditor : public FieldEditor
{
public:
    DateTimeEditor(QWidget *parent) : FieldEditor(Kind::DateTime, parent), m_edit(new QDateTimeEdit(this))
    {
        m_edit->setCalendarPopup(true);
        m_edit->setTimeSpec(Qt::UTC);   // the digits as written: no time-zone or DST shifts
        m_edit->setDisplayFormat(u"yyyy-MM-dd HH:mm:ss"_s);
        m_edit->setDateTimeRange(QDateTime(firstDate(), QTime(0, 0), Qt::UTC),
                                 QDateTime(lastDate(), QTime(23, 59, 59, 999), Qt::UTC));
        m_edit->setMaximumWidth(260);
        setEditorWidget(m_edit);
        connect(m_edit, &QDateTimeEdit::dateTimeChanged, this, [this] {
            if (!m_setting)
                Q_EMIT edited();
        });
    }
    Json value() const override
    {
        const QDateTime dt = m_edit->dateTime();
        QString text = dt.date().toString(Qt::ISODate) + m_separator
            + dt.time().toString(m_seconds ? u"HH:mm:ss"_s : u"HH:mm"_s);
        if (!m_fraction.isEmpty()) {
            // The original digits while the milliseconds are untouched (they may carry microseconds).
            const int msec = dt.time().msec();
            text += msec == m_fractionMsec ? m_fraction
                                           : u'.' + QString::number(msec).rightJustified(3, u'0');
        }
        return Json(text + m_zone);
    }
    void setValue(const Json &v) override
    {
        const QRegularExpressionMatch m = dateTimeMatch(v.toString());
        if (!m.hasMatch())
            return;
        const QString text = v.toString();
        m_separator = text.at(10);
        m_seconds = m.captured(2).size() > 5;
        m_fraction = m.captured(3);
        m_fractionMsec = m_fraction.isEmpty() ? 0 : m_fraction.mid(1, 3).leftJustified(3, u'0').toInt();
        m_zone = m.captured(4);
        const QDate date = QDate::fromString(m.captured(1), Qt::ISODate);
        const QTime time = QTime::fromString(m.captured(2), m_seconds ? u"HH:mm:ss"_s : u"HH:mm"_s)
                               .addMSecs(m_fractionMsec);
        // The zone as written, after the time: "Z" reads as UTC.
        const QString zone = m_zone.isEmpty() ? QString() : m_zone == u"Z" ? u" 'UTC'"_s : u" 'UTC'"_s + m_zone;
        m_edit->setDisplayFormat((m_fraction.isEmpty() ? u"yyyy-MM-dd HH:mm:ss"_s : u"yyyy-MM-dd HH:mm:ss.zzz"_s) + zone);
        m_setting = true;
        m_edit->setDateTime(QDateTime(date, time, Qt::UTC));
        m_setting = false;
        m_edit->setToolTip(m_zone.isEmpty() ? FieldEditor::tr("Local time, as the server wrote it")
                           : m_zone == u"Z" ? FieldEditor::tr("UTC")
                                            : FieldEditor::tr("UTC%1").arg(m_zone));
    }
    bool canHold(const Json &v) const override { return v.isString() && dateTimeMatch(v.toString()).hasMatch(); }
    QWidget *focusTarget() const override { return m_edit; }

private:
    QDateTimeEdit *m_edit;
    QString m_separator = u"T"_s;
    QString m_zone;
    QString m_fraction;   // ".123456" as written, or empty
    int m_fractionMsec = 0;
    bool m_seconds = true;
    bool m_setting = false;
};

// Objects and arrays as indented JSON text; an entry that does not parse is reported and not taken.
class StructuredEditor : public FieldEditor
{
public:
    StructuredEditor(QWidget *parent) : FieldEditor(Kind::Structured, parent), m_edit(makeTextBox(this, 5, true))
    {
        setEditorWidget(m_edit);
        connect(m_edit, &QPlainTextEdit::textChanged, this, [this] {
            if (m_setting)
                return;
            parse();
            Q_EMIT edited();
        });
    }
    Json value() const override { return m_value; }
    void setValue(const Json &v) override
    {
        if (m_value == v && m_error.isEmpty())
            return;
        m_setting = true;
        m_edit->setPlainText(QString::fromUtf8(v.toJson(Json::Format::Indented)).trimmed());
        m_setting = false;
        parse();
    }
    QString validationError() const override { return m_error; }
    QString entryText() const override { return m_edit->toPlainText(); }
    void setEntryText(const QString &text) override
    {
        m_setting = true;
        m_edit->setPlainText(text);
        m_setting = false;
        parse();
    }
    QWidget *focusTarget() const override { return m_edit; }

private:
    void parse()
    {
        JsonParseError error;
        const Json v = Json::parse(m_edit->toPlainText().toUtf8(), &error);
        m_error = error.ok() ? QString() : FieldEditor::tr("Not valid JSON: %1").arg(error.message);
        m_value = error.ok() ? v : Json();
        setErrorState(!m_error.isEmpty());
    }

    QPlainTextEdit *m_edit;
    Json m_value;
    QString m_error;
    bool m_setting = false;
};

// A null field: any JSON value (42, true, "text", {"a":1}) or, when it is not JSON, the text as a string.
class AnyEditor : public FieldEditor
{
public:
    AnyEditor(QWidget *parent) : FieldEditor(Kind::Any, parent), m_edit(makeLine(this))
    {
        m_edit->setPlaceholderText(u"null"_s);
        m_edit->setToolTip(FieldEditor::tr("Empty for null; a number, true, false or JSON is taken as such, "
                                           "anything else as text"));
        setEditorWidget(m_edit);
        connect(m_edit, &QLineEdit::textEdited, this, &FieldEditor::edited);
    }
    Json value() const override
    {
        const QString text = m_edit->text();
        if (text.trimmed().isEmpty())
            return Json(nullptr);
        JsonParseError error;
        const Json parsed = Json::parse(text.trimmed().toUtf8(), &error);
        return error.ok() ? parsed : Json(text);
    }
    void setValue(const Json &v) override
    {
        m_edit->setText(v.isNull() || v.isUndefined() ? QString() : v.isString() ? v.toString() : QString::fromUtf8(v.toJson()));
    }
    // Text that reads as JSON ("42", "") would come back as that JSON, and a line break shows as a space.
    bool canHold(const Json &v) const override
    {
        if (!v.isString())
            return !v.isUndefined();
        const QString text = v.toString();
        return !text.trimmed().isEmpty() && !hasLineBreak(text) && Json::parse(text.trimmed().toUtf8()).isUndefined();
    }
    QWidget *focusTarget() const override { return m_edit; }

private:
    QLineEdit *m_edit;
};

// The id: shown (and selectable, to copy it), never edited.
class ReadOnlyEditor : public FieldEditor
{
public:
    ReadOnlyEditor(QWidget *parent) : FieldEditor(Kind::ReadOnly, parent), m_edit(makeLine(this))
    {
        m_edit->setReadOnly(true);
        m_edit->setFrame(false);
        QPalette p = m_edit->palette();
        p.setColor(QPalette::Base, Qt::transparent);
        m_edit->setPalette(p);
        setEditorWidget(m_edit);
    }
    Json value() const override { return m_value; }
    void setValue(const Json &v) override
    {
        m_value = v;
        m_edit->setText(v.isString() ? v.toString() : QString::fromUtf8(v.toJson()));
    }
    QWidget *focusTarget() const override { return m_edit; }

private:
    QLineEdit *m_edit;
    Json m_value;
};

} // namespace

FieldEditor::FieldEditor(Kind kind, QWidget *parent) : QWidget(parent), m_kind(kind)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
}

void FieldEditor::setEditorWidget(QWidget *editor)
{
    layout()->addWidget(editor);
    // As tall as the editor, never stretched (a form row would centre a fixed-height box in the extra space).
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    setFocusProxy(editor);
    editor->setObjectName(u"fieldEditor"_s);
}

void FieldEditor::setErrorState(bool error)
{
    if (error == m_error)
        return;
    m_error = error;
    QWidget *target = focusTarget();
    // A red frame, as native forms mark a field the server refused.
    target->setStyleSheet(error ? u"#fieldEditor { border: 1px solid #dc2626; border-radius: 3px; }"_s : QString());
}

FieldEditor::Kind FieldEditor::kindFor(const Json &value)
{
    switch (value.type()) {
    case Json::Type::Bool:
        return Kind::Boolean;
    case Json::Type::Integer:
    case Json::Type::Double:
        return Kind::Number;
    case Json::Type::Array:
    case Json::Type::Object:
        return Kind::Structured;
    case Json::Type::String: {
        const QString text = value.toString();
        if (dateRe().match(text).hasMatch() && isEditableDate(QDate::fromString(text, Qt::ISODate)))
            return Kind::Date;
        if (dateTimeMatch(text).hasMatch())
            return Kind::DateTime;
        return text.size() > LongTextLength || hasLineBreak(text) ? Kind::LongText : Kind::Text;
    }
    case Json::Type::Null:
    case Json::Type::Undefined:
        return Kind::Any;
    }
    return Kind::Any;
}

Json FieldEditor::blankValue(const Json &like)
{
    switch (like.type()) {
    case Json::Type::String:
        return blankText(kindFor(like));
    case Json::Type::Integer:
        return Json(0);
    case Json::Type::Double:
        return Json(0.0);
    case Json::Type::Bool:
        return Json(false);
    case Json::Type::Array:
        return Json::array({});
    case Json::Type::Object: {
        Json out = Json::object({});
        for (qsizetype i = 0; i < like.size(); ++i)
            out = out.withValue(like.keyAt(i), blankValue(like.valueAt(i)));
        return out;
    }
    case Json::Type::Null:
    case Json::Type::Undefined:
        break;
    }
    return Json(nullptr);
}

Json FieldEditor::blankText(Kind kind)
{
    switch (kind) {
    case Kind::Date:
        return Json(QDate::currentDate().toString(Qt::ISODate));
    case Kind::DateTime:
        return Json(QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd'T'HH:mm:ss'Z'"_s));
    default:
        return Json(u""_s);
    }
}

FieldEditor *FieldEditor::create(Kind kind, QWidget *parent)
{
    switch (kind) {
    case Kind::Text:
        return new TextEditor(parent);
    case Kind::LongText:
        return new LongTextEditor(parent);
    case Kind::Number:
        return new NumberEditor(parent);
    case Kind::Boolean:
        return new BooleanEditor(parent);
    case Kind::Date:
        return new DateEditor(parent);
    case Kind::DateTime:
        return new DateTimeEditor(parent);
    case Kind::Structured:
        return new StructuredEditor(parent);
    case Kind::Any:
        return new AnyEditor(parent);
    case Kind::ReadOnly:
        return new ReadOnlyEditor(parent);
    case Kind::Choice:
        break;   // needs the choices: SchemaEditors::create
    case Kind::Reference:
        break;   // needs a search of the referenced resource: ReferencePicker
    }
    return new AnyEditor(parent);
}

} // namespace refetch
