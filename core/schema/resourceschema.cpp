#include "core/schema/resourceschema.h"

namespace refetch {

QString FieldSchema::typeName(Type type)
{
    switch (type) {
    case Type::Unknown: return QStringLiteral("unknown");
    case Type::String: return QStringLiteral("string");
    case Type::Integer: return QStringLiteral("integer");
    case Type::Number: return QStringLiteral("number");
    case Type::Boolean: return QStringLiteral("boolean");
    case Type::Object: return QStringLiteral("object");
    case Type::Array: return QStringLiteral("array");
    }
    return {};
}

FieldSchema::Type FieldSchema::typeFromName(QStringView name)
{
    if (name == u"string")
        return Type::String;
    if (name == u"integer")
        return Type::Integer;
    if (name == u"number")
        return Type::Number;
    if (name == u"boolean")
        return Type::Boolean;
    if (name == u"object")
        return Type::Object;
    if (name == u"array")
        return Type::Array;
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

const FieldSchema *ResourceSchema::field(QStringView name) const
{
    for (const FieldSchema &f : fields) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

} // namespace refetch
