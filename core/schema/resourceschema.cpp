#include "core/schema/resourceschema.h"

#include <QDate>
#include <QDateTime>
#include <QLocale>
#include <QRegularExpression>
#include <QTime>
#include <QUrl>
#include <QUuid>

#include <cmath>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

// JSON Schema's type names, in Type's order.
constexpr const char16_t *TypeNames[] = {u"unknown", u"string", u"integer", u"number", u"boolean", u"object", u"array"};

} // namespace

namespace {

QString number(double d)
{
    return QLocale().toString(d, 'g', 15);
}

// RFC 3339's full-date, partial-time and date-time (a time zone required), as JSON Schema's formats mean them.
bool isDate(const QString &text)
{
    static const QRegularExpression re(uR"(^\d{4}-\d{2}-\d{2}$)"_s);
    return re.match(text).hasMatch() && QDate::fromString(text, Qt::ISODate).isValid();
}

bool isTime(const QString &text)
{
    static const QRegularExpression re(uR"(^(\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$)"_s);
    const QRegularExpressionMatch m = re.match(text);
    return m.hasMatch() && m.captured(1).toInt() < 24 && m.captured(2).toInt() < 60 && m.captured(3).toInt() < 61;
}

bool isDateTime(const QString &text)
{
    const qsizetype t = text.indexOf(QRegularExpression(u"[Tt ]"_s));
    return t == 10 && isDate(text.left(10)) && isTime(text.mid(11));
}

} // namespace

QString FieldSchema::formatProblem(const QString &format, const QString &text)
{
    if (format == u"date")
        return isDate(text) ? QString() : tr("Not a date (year-month-day, as 2026-12-03).");
    if (format == u"date-time")
        return isDateTime(text) ? QString() : tr("Not a date and time (as 2026-12-03T14:30:00Z).");
    if (format == u"time")
        return isTime(text) ? QString() : tr("Not a time (hours:minutes:seconds, as 14:30:00).");
    if (format == u"email") {
        static const QRegularExpression re(uR"(^[^@\s]+@[^@\s]+\.[^@\s]+$)"_s);
        return re.match(text).hasMatch() ? QString() : tr("Not an email address.");
    }
    if (format == u"uri" || format == u"url") {
        const QUrl url(text, QUrl::StrictMode);
        return url.isValid() && !url.scheme().isEmpty() && !url.isRelative() ? QString()
                                                                             : tr("Not a full address (as https://example.com/page).");
    }
    if (format == u"uuid")
        return !QUuid::fromString(text).isNull() && text.size() == 36 ? QString() : tr("Not a UUID.");
    return {};
}

QString FieldSchema::problemWith(const Json &value) const
{
    if (value.isUndefined())
        return required && !readOnly ? tr("Required.") : QString();
    if (value.isNull()) {
        // A type the description names and does not say takes null: the server refuses it.
        if (nullable || type == Type::Unknown || defaultValue.isNull())
            return {};
        return required ? tr("Required.") : tr("Cannot be empty (null).");
    }
    if (!choices.isEmpty()) {
        if (choices.contains(value))
            return {};
        QStringList names;
        for (qsizetype i = 0; i < choices.size(); ++i)
            names.append(i < choiceLabels.size() && !choiceLabels.at(i).isEmpty()
                             ? choiceLabels.at(i)
                             : choices.at(i).isString() ? choices.at(i).toString() : QString::fromUtf8(choices.at(i).toJson()));
        return tr("Must be one of: %1.").arg(names.join(u", "_s));
    }
    switch (type) {
    case Type::Unknown:
        return {};
    case Type::Boolean:
        return value.isBool() ? QString() : tr("Must be true or false.");
    case Type::Object:
        return value.isObject() ? QString() : tr("Must be a JSON object.");
    case Type::Array:
        return value.isArray() ? QString() : tr("Must be a JSON array.");
    case Type::Integer:
    case Type::Number: {
        if (!value.isNumber())
            return type == Type::Integer ? tr("Must be a whole number.") : tr("Must be a number.");
        const double d = value.toDouble();
        if (type == Type::Integer && !value.isInteger() && d != std::floor(d))
            return tr("Must be a whole number.");
        if (minimum && (exclusiveMinimum ? !(d > *minimum) : d < *minimum))
            return exclusiveMinimum ? tr("Must be more than %1.").arg(number(*minimum))
                                    : tr("Must be at least %1.").arg(number(*minimum));
        if (maximum && (exclusiveMaximum ? !(d < *maximum) : d > *maximum))
            return exclusiveMaximum ? tr("Must be less than %1.").arg(number(*maximum))
                                    : tr("Must be at most %1.").arg(number(*maximum));
        return {};
    }
    case Type::String: {
        if (!value.isString())
            return tr("Must be text.");
        const QString text = value.toString();
        // JSON Schema counts characters (code points), not UTF-16 units.
        const qsizetype length = text.toUcs4().size();
        if (minLength && length < *minLength)
            return *minLength == 1 ? tr("Cannot be blank.")
                                   : tr("At least %1 characters (this has %2).").arg(*minLength).arg(length);
        if (maxLength && length > *maxLength)
            return tr("At most %1 characters (this has %2).").arg(*maxLength).arg(length);
        if (!pattern.isEmpty()) {
            // ECMA-262 and PCRE agree on what a schema's patterns use; a pattern Qt cannot read checks nothing.
            const QRegularExpression re(pattern);
            if (re.isValid() && !re.match(text).hasMatch())
                return tr("Does not have the form the server asks for (%1).").arg(pattern);
        }
        return formatProblem(format, text);
    }
    }
    return {};
}

QString FieldSchema::typeName(Type type)
{
    return QString::fromUtf16(TypeNames[size_t(type)]);
}

FieldSchema::Type FieldSchema::typeFromName(QStringView name)
{
    for (size_t i = 1; i < std::size(TypeNames); ++i) {
        if (name == QStringView(TypeNames[i]))
            return Type(i);
    }
    return Type::Unknown;
}

bool FieldSchema::labelIsName(const QString &label, const QString &name)
{
    auto letters = [](const QString &s) {
        QString out;
        for (QChar c : s) {
            if (c.isLetterOrNumber())
                out.append(c.toLower());
        }
        return out;
    };
    return letters(label) == letters(name);
}

Json FieldSchema::toJson() const
{
    Json choiceArray = Json::array({});
    for (const Json &c : choices)
        choiceArray = choiceArray.withAppended(c);
    auto optional = [](const auto &v) { return v ? JsonArg(*v) : JsonArg(); };
    return Json::object({
        {u"name", name},
        {u"type", type == Type::Unknown ? JsonArg() : JsonArg(typeName(type))},
        {u"format", format.isEmpty() ? JsonArg() : JsonArg(format)},
        {u"required", required ? JsonArg(true) : JsonArg()},
        {u"readOnly", readOnly ? JsonArg(true) : JsonArg()},
        {u"nullable", nullable ? JsonArg(true) : JsonArg()},
        {u"choices", choices.isEmpty() ? JsonArg() : JsonArg(choiceArray)},
        {u"choiceLabels", choiceLabels.isEmpty() ? JsonArg() : JsonArg(Json::fromStringList(choiceLabels))},
        {u"default", defaultValue},
        {u"minimum", optional(minimum)},
        {u"maximum", optional(maximum)},
        {u"exclusiveMinimum", exclusiveMinimum ? JsonArg(true) : JsonArg()},
        {u"exclusiveMaximum", exclusiveMaximum ? JsonArg(true) : JsonArg()},
        {u"minLength", optional(minLength)},
        {u"maxLength", optional(maxLength)},
        {u"pattern", pattern.isEmpty() ? JsonArg() : JsonArg(pattern)},
        {u"label", label.isEmpty() ? JsonArg() : JsonArg(label)},
        {u"help", help.isEmpty() ? JsonArg() : JsonArg(help)},
        {u"references", references.isEmpty() ? JsonArg() : JsonArg(references)},
    });
}

FieldSchema FieldSchema::fromJson(const Json &json)
{
    FieldSchema f;
    f.name = json.value(u"name").toString();
    f.type = typeFromName(json.value(u"type").toString());
    f.format = json.value(u"format").toString();
    f.required = json.value(u"required").toBool();
    f.readOnly = json.value(u"readOnly").toBool();
    f.nullable = json.value(u"nullable").toBool();
    const Json choices = json.value(u"choices");
    for (qsizetype i = 0; i < choices.size(); ++i)
        f.choices.append(choices.at(i));
    const Json labels = json.value(u"choiceLabels");
    for (qsizetype i = 0; i < labels.size(); ++i)
        f.choiceLabels.append(labels.at(i).toString());
    f.defaultValue = json.value(u"default");
    if (const Json v = json.value(u"minimum"); v.isNumber())
        f.minimum = v.toDouble();
    if (const Json v = json.value(u"maximum"); v.isNumber())
        f.maximum = v.toDouble();
    f.exclusiveMinimum = json.value(u"exclusiveMinimum").toBool();
    f.exclusiveMaximum = json.value(u"exclusiveMaximum").toBool();
    if (const Json v = json.value(u"minLength"); v.isNumber())
        f.minLength = v.toInteger();
    if (const Json v = json.value(u"maxLength"); v.isNumber())
        f.maxLength = v.toInteger();
    f.pattern = json.value(u"pattern").toString();
    f.label = json.value(u"label").toString();
    f.help = json.value(u"help").toString();
    f.references = json.value(u"references").toString();
    return f;
}

Json ResourceSchema::toJson() const
{
    Json list = Json::array({});
    for (const FieldSchema &f : fields)
        list = list.withAppended(f.toJson());
    return Json::object({{u"resource", resource}, {u"fields", list}});
}

ResourceSchema ResourceSchema::fromJson(const Json &json)
{
    ResourceSchema schema{.resource = json.value(u"resource").toString(), .fields = {}};
    const Json fields = json.value(u"fields");
    for (qsizetype i = 0; i < fields.size(); ++i)
        schema.fields.append(FieldSchema::fromJson(fields.at(i)));
    return schema;
}

const FieldSchema *ResourceSchema::field(QStringView name) const
{
    for (const FieldSchema &f : fields) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

} // namespace refetch
