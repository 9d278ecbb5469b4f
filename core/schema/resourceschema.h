#pragma once

#include "core/json/json.h"

#include <QCoreApplication>

#include <QList>
#include <QStringList>
#include <QString>

#include <optional>

namespace refetch {

// What a server says about one field of a resource's records: its type and format, whether a create must give it,
// whether a client may write it, the values it allows, its bounds, and the label and help a form shows. Read from
// the server's own description (an OpenAPI document, DRF's OPTIONS); what no description says stays unknown, and
// the form falls back to inferring from values.
struct FieldSchema
{
    Q_DECLARE_TR_FUNCTIONS(FieldSchema)
public:
    enum class Type : quint8 { Unknown, String, Integer, Number, Boolean, Object, Array }; // typeName() is their name

    QString name;
    Type type = Type::Unknown;
    QString format;           // "date", "date-time", "time", "email", "uri", "uuid", ... as the server writes it
    bool required = false;    // a create must give it
    bool readOnly = false;    // shown, never sent (an id, a timestamp the server sets)
    bool nullable = false;    // null is a value it takes
    QList<Json> choices;      // the values it allows (an enum); empty when any value of its type goes
    QStringList choiceLabels; // what a person reads for each choice (DRF's display_name), when the server says
    Json defaultValue;        // what a create form starts with; Undefined when the server names none
    std::optional<double> minimum, maximum;
    bool exclusiveMinimum = false, exclusiveMaximum = false;
    std::optional<qint64> minLength, maxLength;
    QString pattern;          // an ECMA-262 regular expression the whole text must match
    QString label;            // the server's title for it; empty when it gives none (or only the name again)
    QString help;             // the server's description
    QString references;       // the resource whose ids it holds, when the description says so

    // Why the server would refuse `value` for this field, as a sentence for under its editor ("At most 200
    // characters (this has 230)."); empty when the description allows it. Undefined is "not given": a problem only
    // when the field is required. Checks the type, the choices, the bounds, the length, the pattern and the formats
    // date, date-time, time, email, uri and uuid.
    QString problemWith(const Json &value) const;
    // A format's check alone: empty when `text` is a `format` (or the format is not one checked here).
    static QString formatProblem(const QString &format, const QString &text);

    static QString typeName(Type type);
    // Whether a server's label for a field only repeats its name (pydantic's "Userid" for userId, DRF's "ID" for
    // id): such a label reads worse than one a view makes from the name, and is dropped.
    static bool labelIsName(const QString &label, const QString &name);
    static Type typeFromName(QStringView name);

    // As JSON, for the cache and its persistence: only what is known is written ({"name": "title", "type":
    // "string", "required": true, "maxLength": 200}); fromJson() reads it back.
    Json toJson() const;
    static FieldSchema fromJson(const Json &json);
    friend bool operator==(const FieldSchema &, const FieldSchema &) = default;
};

// The fields of one resource, in the order the server describes them.
struct ResourceSchema
{
    QString resource;         // the path segment of its list ("posts")
    QList<FieldSchema> fields;

    const FieldSchema *field(QStringView name) const;
    bool isEmpty() const { return fields.isEmpty(); }

    // {"resource": "posts", "fields": [...]}
    Json toJson() const;
    static ResourceSchema fromJson(const Json &json);
    friend bool operator==(const ResourceSchema &, const ResourceSchema &) = default;
};

} // namespace refetch
Q_DECLARE_METATYPE(refetch::FieldSchema)
