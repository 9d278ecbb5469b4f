#include "core/schema/drfmetadata.h"

namespace refetch {

namespace {

// DRF's "type" names (rest_framework/metadata.py, SimpleMetadata.label_lookup) as a type and a format.
void typeOf(const QString &drf, FieldSchema &f)
{
    using Type = FieldSchema::Type;
    struct Row
    {
        const char16_t *drf;
        Type type;
        const char16_t *format;
    };
    static constexpr Row rows[] = {
        {u"boolean", Type::Boolean, u""},        {u"integer", Type::Integer, u""},
        {u"float", Type::Number, u""},           {u"decimal", Type::Number, u"decimal"},
        {u"string", Type::String, u""},          {u"email", Type::String, u"email"},
        {u"url", Type::String, u"uri"},          {u"slug", Type::String, u"slug"},
        {u"regex", Type::String, u""},           {u"uuid", Type::String, u"uuid"},
        {u"date", Type::String, u"date"},        {u"datetime", Type::String, u"date-time"},
        {u"time", Type::String, u"time"},        {u"duration", Type::String, u"duration"},
        {u"choice", Type::String, u""},          {u"multiple choice", Type::Array, u""},
        {u"file upload", Type::String, u"binary"}, {u"image upload", Type::String, u"binary"},
        {u"list", Type::Array, u""},             {u"nested object", Type::Object, u""},
        {u"json", Type::Unknown, u"json"},       {u"field", Type::Unknown, u""},
    };
    for (const Row &r : rows) {
        if (drf == QStringView(r.drf)) {
            f.type = r.type;
            f.format = QString::fromUtf16(r.format);
            return;
        }
    }
}

} // namespace

ResourceSchema DrfMetadata::read(const Json &options, const QString &resource, QString *error)
{
    ResourceSchema schema{.resource = resource, .fields = {}};
    const Json actions = options.value(u"actions");
    Json fields = actions.value(u"POST");
    if (!fields.isObject())
        fields = actions.value(u"PUT");
    if (!fields.isObject()) {
        if (error)
            *error = QStringLiteral("The OPTIONS answer for %1 describes no fields: DRF lists them only for an action "
                                    "the user may take (POST or PUT).")
                         .arg(resource);
        return schema;
    }
    for (qsizetype i = 0; i < fields.size(); ++i) {
        const Json d = fields.valueAt(i);
        if (fields.keyAt(i).isEmpty())
            continue;   // a field named "" has no editor or column to name (a record keeps it as it is)
        FieldSchema f;
        f.name = fields.keyAt(i);
        typeOf(d.value(u"type").toString(), f);
        f.required = d.value(u"required").toBool();
        f.readOnly = d.value(u"read_only").toBool();
        f.nullable = d.value(u"allow_null").toBool();
        const QString label = d.value(u"label").toString();
        // DRF's label is the model field's verbose name ("UserId" for userId): kept when it says more.
        if (!FieldSchema::labelIsName(label, f.name))
            f.label = label;
        f.help = d.value(u"help_text").toString();
        if (const Json v = d.value(u"max_length"); v.isNumber())
            f.maxLength = v.toInteger();
        if (const Json v = d.value(u"min_length"); v.isNumber())
            f.minLength = v.toInteger();
        if (const Json v = d.value(u"min_value"); v.isNumber())
            f.minimum = v.toDouble();
        if (const Json v = d.value(u"max_value"); v.isNumber())
            f.maximum = v.toDouble();
        if (d.contains(u"default"))
            f.defaultValue = d.value(u"default");
        // [{"value": ..., "display_name": ...}]: anything else names no choice.
        const Json choices = d.value(u"choices");
        for (qsizetype c = 0; choices.isArray() && c < choices.size(); ++c) {
            const Json choice = choices.at(c);
            if (choice.value(u"value").isUndefined())
                continue;
            f.choices.append(choice.value(u"value"));
            f.choiceLabels.append(choice.value(u"display_name").toString());
        }
        if (f.type == FieldSchema::Type::String && !f.choices.isEmpty() && !f.choices.first().isString())
            f.type = f.choices.first().isInteger() ? FieldSchema::Type::Integer : FieldSchema::Type::Unknown;
        schema.fields.append(f);
    }
    return schema;
}

} // namespace refetch
