#include "core/schema/resourceschema.h"

namespace refetch {

namespace {

// JSON Schema's type names, in Type's order.
constexpr const char16_t *TypeNames[] = {u"unknown", u"string", u"integer", u"number", u"boolean", u"object", u"array"};

} // namespace

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
