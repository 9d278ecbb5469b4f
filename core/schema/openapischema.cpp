#include "core/schema/openapischema.h"

#include <QSet>
#include <QUrl>

namespace refetch {

namespace {

QString trimSlashes(QStringView path)
{
    while (path.startsWith(u'/'))
        path = path.mid(1);
    while (path.endsWith(u'/'))
        path.chop(1);
    return path.toString();
}

// A local JSON pointer into the document ("#/components/schemas/Post", "#/definitions/Post"); Undefined for any
// other reference (another file, a URL).
Json pointer(const Json &document, QStringView ref)
{
    if (!ref.startsWith(u"#/"))
        return {};
    Json at = document;
    for (QStringView part : ref.mid(2).split(u'/')) {
        QString key = QUrl::fromPercentEncoding(part.toUtf8());
        key.replace(QStringLiteral("~1"), QStringLiteral("/")).replace(QStringLiteral("~0"), QStringLiteral("~"));
        if (at.isArray()) {
            bool ok = false;
            const qsizetype i = key.toLongLong(&ok);
            at = ok ? at.at(i) : Json();
        } else {
            at = at.value(key);
        }
        if (at.isUndefined())
            return {};
    }
    return at;
}

bool isNullSchema(const Json &s)
{
    return s.value(u"type").toString() == u"null" || (s.contains(u"enum") && s.value(u"enum").size() == 1 && s.value(u"enum").at(0).isNull());
}

FieldSchema::Type typeOfValue(const Json &v)
{
    switch (v.type()) {
    case Json::Type::String: return FieldSchema::Type::String;
    case Json::Type::Integer: return FieldSchema::Type::Integer;
    case Json::Type::Double: return FieldSchema::Type::Number;
    case Json::Type::Bool: return FieldSchema::Type::Boolean;
    case Json::Type::Object: return FieldSchema::Type::Object;
    case Json::Type::Array: return FieldSchema::Type::Array;
    default: return FieldSchema::Type::Unknown;
    }
}

class Reader
{
public:
    explicit Reader(const Json &document) : m_doc(document), m_swagger(document.contains(u"swagger")) {}

    // Follows a chain of $refs; `name` gets the last schema's name ("Post" of "#/components/schemas/Post").
    Json deref(Json schema, QString *name = nullptr) const
    {
        for (int hops = 0; hops < 32 && schema.isObject() && schema.contains(u"$ref"); ++hops) {
            const QString ref = schema.value(u"$ref").toString();
            if (name)
                *name = ref.section(u'/', -1);
            schema = pointer(m_doc, ref);
        }
        return schema;
    }

    struct Shape
    {
        QList<std::pair<QString, Json>> properties; // in the document's order, later allOf members replacing earlier
        QSet<QString> required;
        QString name;                               // the schema's own name, when it was reached through a $ref
        bool found = false;
    };

    // An object schema's properties and required names, allOf merged and $refs followed.
    void collect(const Json &schema, Shape &out, int depth = 0) const
    {
        if (depth > 16)
            return;
        QString name;
        const Json s = deref(schema, &name);
        if (!s.isObject())
            return;
        if (depth == 0 && !name.isEmpty())
            out.name = name;
        const Json all = s.value(u"allOf");
        for (qsizetype i = 0; i < all.size(); ++i)
            collect(all.at(i), out, depth + 1);
        const Json props = s.value(u"properties");
        for (qsizetype i = 0; i < props.size(); ++i) {
            const QString key = props.keyAt(i);
            const Json value = props.valueAt(i);
            auto it = std::find_if(out.properties.begin(), out.properties.end(),
                                   [&](const auto &p) { return p.first == key; });
            if (it != out.properties.end())
                it->second = value;
            else
                out.properties.append({key, value});
        }
        if (props.isObject())
            out.found = true;
        const Json required = s.value(u"required");
        for (qsizetype i = 0; i < required.size(); ++i)
            out.required.insert(required.at(i).toString());
    }

    // The schema of a media type's body: application/json first, then any JSON type, then whatever there is.
    static Json contentSchema(const Json &content)
    {
        if (!content.isObject() || content.size() == 0)
            return {};
        Json chosen = content.value(u"application/json");
        for (qsizetype i = 0; chosen.isUndefined() && i < content.size(); ++i) {
            if (content.keyAt(i).contains(u"json"))
                chosen = content.valueAt(i);
        }
        if (chosen.isUndefined())
            chosen = content.valueAt(0);
        return chosen.value(u"schema");
    }

    // What a successful answer to `operation` carries: 200, else 201, else the first 2xx.
    Json responseSchema(const Json &operation) const
    {
        const Json responses = operation.value(u"responses");
        Json response = responses.value(u"200");
        if (response.isUndefined())
            response = responses.value(u"201");
        for (qsizetype i = 0; response.isUndefined() && i < responses.size(); ++i) {
            if (responses.keyAt(i).startsWith(u'2'))
                response = responses.valueAt(i);
        }
        response = deref(response);
        return m_swagger ? response.value(u"schema") : contentSchema(response.value(u"content"));
    }

    // What `operation` takes as its body: OpenAPI 3's requestBody, Swagger 2's "in": "body" parameter.
    Json requestSchema(const Json &operation) const
    {
        if (!m_swagger)
            return contentSchema(deref(operation.value(u"requestBody")).value(u"content"));
        const Json params = operation.value(u"parameters");
        for (qsizetype i = 0; i < params.size(); ++i) {
            const Json p = deref(params.at(i));
            if (p.value(u"in").toString() == u"body")
                return p.value(u"schema");
        }
        return {};
    }

    // The records of a list answer: a plain array's items, or the items of the envelope's array member
    // (fastapi-pagination's "items", DRF's "results", "data", ...).
    Json listItems(const Json &listSchema) const
    {
        Json s = deref(listSchema);
        if (s.value(u"type").toString() == u"array" || s.contains(u"items"))
            return s.value(u"items");
        Shape shape;
        collect(s, shape);
        for (const auto &[name, value] : shape.properties) {
            const Json v = deref(value);
            if (v.value(u"type").toString() == u"array" || v.contains(u"items"))
                return v.value(u"items");
        }
        return {};
    }

    FieldSchema field(const QString &name, const Json &property, const QHash<QString, QString> &resourceOfSchema) const
    {
        FieldSchema f;
        f.name = name;
        // The layers a keyword is looked up in, nearest first: the property itself, then what it refers to (a
        // $ref, the members of an allOf, the one non-null member of an anyOf / oneOf).
        QList<Json> layers{property};
        QString refName;
        for (qsizetype at = 0; at < layers.size() && layers.size() < 16; ++at) {
            const Json layer = layers.at(at);
            if (layer.contains(u"$ref")) {
                QString n;
                const Json target = deref(layer, &n);
                if (target.isObject()) {
                    if (refName.isEmpty())
                        refName = n;
                    layers.append(target);
                }
            }
            const Json all = layer.value(u"allOf");
            for (qsizetype i = 0; i < all.size(); ++i)
                layers.append(all.at(i));
            for (QStringView alt : {u"anyOf", u"oneOf"}) {
                const Json options = layer.value(alt);
                QList<Json> kept;
                for (qsizetype i = 0; i < options.size(); ++i) {
                    const Json option = deref(options.at(i));
                    if (isNullSchema(option))
                        f.nullable = true;
                    else
                        kept.append(options.at(i));
                }
                if (kept.size() == 1)
                    layers.append(kept.first());
            }
        }
        auto keyword = [&](QStringView k) {
            for (const Json &l : std::as_const(layers)) {
                if (l.contains(k))
                    return l.value(k);
            }
            return Json();
        };

        const Json type = keyword(u"type");
        if (type.isArray()) { // OpenAPI 3.1: ["string", "null"]
            for (qsizetype i = 0; i < type.size(); ++i) {
                const QString t = type.at(i).toString();
                if (t == u"null")
                    f.nullable = true;
                else if (f.type == FieldSchema::Type::Unknown)
                    f.type = FieldSchema::typeFromName(t);
            }
        } else if (type.toString() == u"null") {
            f.nullable = true;
        } else {
            f.type = FieldSchema::typeFromName(type.toString());
        }
        const Json choices = keyword(u"enum");
        for (qsizetype i = 0; choices.isArray() && i < choices.size(); ++i) {
            if (choices.at(i).isNull())
                f.nullable = true;
            else
                f.choices.append(choices.at(i));
        }
        if (f.type == FieldSchema::Type::Unknown) {
            if (!f.choices.isEmpty())
                f.type = typeOfValue(f.choices.first());
            else if (keyword(u"properties").isObject())
                f.type = FieldSchema::Type::Object;
            else if (!keyword(u"items").isUndefined())
                f.type = FieldSchema::Type::Array;
        }
        if (keyword(u"nullable").toBool() || keyword(u"x-nullable").toBool())
            f.nullable = true;
        f.format = keyword(u"format").toString();
        f.defaultValue = keyword(u"default");
        if (const Json v = keyword(u"minimum"); v.isNumber())
            f.minimum = v.toDouble();
        if (const Json v = keyword(u"maximum"); v.isNumber())
            f.maximum = v.toDouble();
        // 3.0 and Swagger: a flag on minimum / maximum; 3.1 (JSON Schema 2020-12): the bound itself.
        if (const Json v = keyword(u"exclusiveMinimum"); v.isNumber()) {
            f.minimum = v.toDouble();
            f.exclusiveMinimum = true;
        } else {
            f.exclusiveMinimum = v.toBool() && f.minimum.has_value();
        }
        if (const Json v = keyword(u"exclusiveMaximum"); v.isNumber()) {
            f.maximum = v.toDouble();
            f.exclusiveMaximum = true;
        } else {
            f.exclusiveMaximum = v.toBool() && f.maximum.has_value();
        }
        if (const Json v = keyword(u"minLength"); v.isNumber())
            f.minLength = v.toInteger();
        if (const Json v = keyword(u"maxLength"); v.isNumber())
            f.maxLength = v.toInteger();
        f.pattern = keyword(u"pattern").toString();
        const QString title = keyword(u"title").toString();
        if (!FieldSchema::labelIsName(title, name))
            f.label = title;
        f.help = keyword(u"description").toString();
        f.readOnly = keyword(u"readOnly").toBool();
        for (QStringView hint : {u"x-reference", u"x-ref", u"x-references", u"x-foreign-key"}) {
            if (const Json v = keyword(hint); v.isString()) {
                f.references = trimSlashes(v.toString());
                break;
            }
        }
        if (f.references.isEmpty() && !refName.isEmpty())
            f.references = resourceOfSchema.value(refName);
        return f;
    }

    const Json &document() const { return m_doc; }

private:
    Json m_doc;
    bool m_swagger;
};

// The path of one record of the collection at `collection` ("/posts" -> "/posts/{post_id}", DRF's
// "/api/posts/" -> "/api/posts/{id}/"); empty when the document has none.
QString itemPath(const Json &paths, const QString &collection)
{
    QString base = collection;
    while (base.endsWith(u'/'))
        base.chop(1);
    for (qsizetype i = 0; i < paths.size(); ++i) {
        const QString p = paths.keyAt(i);
        if (!p.startsWith(base + QStringLiteral("/{")))
            continue;
        const qsizetype close = p.indexOf(u'}', base.size() + 2);
        if (close < 0)
            continue;
        const QStringView rest = QStringView(p).mid(close + 1);
        if ((rest.isEmpty() || rest == u"/") && paths.valueAt(i).value(u"get").isObject())
            return p;
    }
    return {};
}

} // namespace

QString OpenApiSchema::resourceOfPath(QStringView path)
{
    if (path.contains(u'{'))
        return {};
    const QString name = trimSlashes(path);
    if (name.isEmpty() || name.endsWith(u"openapi.json") || name.contains(u"docs") || name.contains(u"swagger"))
        return {};
    return name;
}

QHash<QString, ResourceSchema> OpenApiSchema::read(const Json &document, QString *error)
{
    QHash<QString, ResourceSchema> out;
    const QString openapi = document.value(u"openapi").toString();
    const QString swagger = document.value(u"swagger").toString();
    if (!openapi.startsWith(u"3.") && !swagger.startsWith(u"2.")) {
        if (error)
            *error = QStringLiteral("The document is neither OpenAPI 3 nor Swagger 2: it has no \"openapi\": \"3.x\" or "
                                    "\"swagger\": \"2.0\".");
        return out;
    }
    const Json paths = document.value(u"paths");
    if (!paths.isObject() || paths.size() == 0) {
        if (error)
            *error = QStringLiteral("The OpenAPI document describes no paths.");
        return out;
    }
    const Reader reader(document);
    // FastAPI on pydantic 1 (Debian 12's) writes OpenAPI 3.0 without "nullable": Optional[X] = None is only a field
    // that is neither required nor has a default (pydantic 1 leaves a None default out, and takes None for any field
    // whose default is None). Its document is known by the two schemas FastAPI always adds.
    const Json schemas = document.value(u"components").value(u"schemas");
    const bool pydantic1 = openapi.startsWith(u"3.0") && schemas.contains(u"HTTPValidationError")
                           && schemas.contains(u"ValidationError");

    struct Found
    {
        QString resource;
        Json record; // the schema of one record, or Undefined
        Json input;  // the schema of a create's body, or Undefined
    };
    QList<Found> found;
    QHash<QString, QString> resourceOfSchema; // "Post" -> "posts": a $ref to it is a reference to the resource
    for (qsizetype i = 0; i < paths.size(); ++i) {
        const QString path = paths.keyAt(i);
        const Json item = reader.deref(paths.valueAt(i));
        const QString resource = resourceOfPath(path);
        if (resource.isEmpty() || out.contains(resource) || !item.value(u"get").isObject())
            continue;
        Found f{resource, {}, {}};
        if (const QString one = itemPath(paths, path); !one.isEmpty())
            f.record = reader.responseSchema(reader.deref(paths.value(one)).value(u"get"));
        if (f.record.isUndefined())
            f.record = reader.listItems(reader.responseSchema(item.value(u"get")));
        f.input = reader.requestSchema(item.value(u"post"));
        if (f.record.isUndefined() && f.input.isUndefined())
            continue;
        QString schemaName;
        reader.deref(f.record, &schemaName);
        if (!schemaName.isEmpty() && !resourceOfSchema.contains(schemaName))
            resourceOfSchema.insert(schemaName, resource);
        out.insert(resource, ResourceSchema{.resource = resource, .fields = {}});
        found.append(f);
    }

    for (const Found &f : std::as_const(found)) {
        Reader::Shape record, input;
        reader.collect(f.record, record);
        reader.collect(f.input, input);
        if (!record.found && !input.found) {
            out.remove(f.resource);
            continue;
        }
        ResourceSchema &schema = out[f.resource];
        auto inputProperty = [&](const QString &name) {
            for (const auto &[n, v] : input.properties) {
                if (n == name)
                    return v;
            }
            return Json();
        };
        QSet<QString> seen;
        auto add = [&](const QString &name, const Json &property, bool inRecord) {
            if (name.isEmpty())
                return;   // a property named "" has no editor or column to name (a record keeps it as it is)
            const Json in = inputProperty(name);
            FieldSchema field = reader.field(name, in.isUndefined() ? property : in, resourceOfSchema);
            if (!in.isUndefined() && inRecord) {
                // The record's own description may say more (a format, a title); what the input says wins.
                const FieldSchema fromRecord = reader.field(name, property, resourceOfSchema);
                if (field.type == FieldSchema::Type::Unknown)
                    field.type = fromRecord.type;
                if (field.format.isEmpty())
                    field.format = fromRecord.format;
                if (field.label.isEmpty())
                    field.label = fromRecord.label;
                if (field.help.isEmpty())
                    field.help = fromRecord.help;
                if (field.references.isEmpty())
                    field.references = fromRecord.references;
                field.readOnly = field.readOnly || fromRecord.readOnly;
                field.nullable = field.nullable || fromRecord.nullable;
            }
            if (input.found) {
                field.required = input.required.contains(name) && !field.readOnly;
                if (in.isUndefined())
                    field.readOnly = true; // shown in records, never taken by a create
            } else {
                field.required = record.required.contains(name) && !field.readOnly;
            }
            if (pydantic1 && !field.readOnly && !field.required && field.defaultValue.isUndefined())
                field.nullable = true;
            schema.fields.append(field);
            seen.insert(name);
        };
        for (const auto &[name, property] : record.properties)
            add(name, property, true);
        for (const auto &[name, property] : input.properties) {
            if (!seen.contains(name))
                add(name, property, false);
        }
    }
    return out;
}

} // namespace refetch
