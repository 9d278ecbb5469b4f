#include "record.h"

#include "jsvalue.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace refetch::sampleapi {

namespace {

// A forward scanner over text that QJsonDocument has already accepted, so it only needs to find boundaries.
struct Scanner
{
    QByteArrayView text;
    qsizetype pos = 0;

    bool atEnd() const { return pos >= text.size(); }
    char peek() const { return atEnd() ? '\0' : text.at(pos); }
    void skipSpace()
    {
        while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
            ++pos;
    }
    void skipString()
    {
        ++pos; // opening quote
        while (!atEnd() && peek() != '"')
            pos += peek() == '\\' ? 2 : 1;
        ++pos; // closing quote
    }
    void skipValue()
    {
        if (peek() == '"') {
            skipString();
            return;
        }
        if (peek() == '{' || peek() == '[') {
            int depth = 0;
            do {
                const char c = peek();
                if (c == '"') {
                    skipString();
                    continue;
                }
                if (c == '{' || c == '[')
                    ++depth;
                else if (c == '}' || c == ']')
                    --depth;
                ++pos;
            } while (depth > 0 && !atEnd());
            return;
        }
        while (!atEnd() && peek() != ',' && peek() != '}' && peek() != ']' && peek() != ' ' && peek() != '\n'
               && peek() != '\r' && peek() != '\t')
            ++pos;
    }
};

QString decodeKey(QByteArrayView quoted)
{
    const QByteArrayView inner = quoted.sliced(1, quoted.size() - 2);
    if (!inner.contains('\\'))
        return QString::fromUtf8(inner);
    const QJsonDocument doc = QJsonDocument::fromJson('[' + quoted.toByteArray() + ']');
    return doc.array().at(0).toString();
}

QString typeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a boolean");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("nothing");
}

} // namespace

std::optional<Record> Record::fromJson(QByteArrayView json, QString *error, bool *validJson)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        // Qt only parses objects and arrays at the top level: wrap the text to tell "5" from "{bad".
        const QJsonDocument wrapped = QJsonDocument::fromJson('[' + json.toByteArray() + ']');
        const bool scalar = wrapped.isArray() && wrapped.array().size() == 1;
        if (validJson)
            *validJson = doc.isArray() || scalar;
        if (error) {
            if (doc.isArray())
                *error = QStringLiteral("a JSON object was expected, not an array");
            else if (scalar)
                *error = QStringLiteral("a JSON object was expected, not %1").arg(typeName(wrapped.array().at(0)));
            else
                *error = QStringLiteral("not valid JSON: %1 at offset %2").arg(parseError.errorString()).arg(parseError.offset);
        }
        return std::nullopt;
    }
    if (validJson)
        *validJson = true;
    const QJsonObject object = doc.object();
    Record record;
    const auto members = splitObject(json);
    record.m_members.reserve(members.size());
    for (const auto &[key, text] : members) {
        // insert() keeps a repeated key in its first place with its last value, as JavaScript does.
        const QJsonValue value = object.value(key);
        const bool nested = value.isArray() || value.isObject();
        record.insert(Member{key, value, nested ? compactJson(text) : sampleapi::toJson(value)});
    }
    return record;
}

QList<std::pair<QString, QByteArrayView>> Record::splitObject(QByteArrayView json)
{
    QList<std::pair<QString, QByteArrayView>> members;
    Scanner s{json};
    s.skipSpace();
    if (s.peek() != '{')
        return members;
    ++s.pos;
    for (;;) {
        s.skipSpace();
        if (s.atEnd() || s.peek() == '}')
            break;
        const qsizetype keyStart = s.pos;
        s.skipString();
        const QString key = decodeKey(json.sliced(keyStart, s.pos - keyStart));
        s.skipSpace();
        ++s.pos; // ':'
        s.skipSpace();
        const qsizetype valueStart = s.pos;
        s.skipValue();
        members.append({key, json.sliced(valueStart, s.pos - valueStart)});
        s.skipSpace();
        if (s.peek() == ',')
            ++s.pos;
    }
    return members;
}

QList<QByteArrayView> Record::splitArray(QByteArrayView json)
{
    QList<QByteArrayView> elements;
    Scanner s{json};
    s.skipSpace();
    if (s.peek() != '[')
        return elements;
    ++s.pos;
    for (;;) {
        s.skipSpace();
        if (s.atEnd() || s.peek() == ']')
            break;
        const qsizetype start = s.pos;
        s.skipValue();
        elements.append(json.sliced(start, s.pos - start));
        s.skipSpace();
        if (s.peek() == ',')
            ++s.pos;
    }
    return elements;
}

qsizetype Record::indexOf(QStringView key) const
{
    for (qsizetype i = 0; i < m_members.size(); ++i) {
        if (m_members.at(i).key == key)
            return i;
    }
    return -1;
}

QJsonValue Record::value(QStringView key) const
{
    const qsizetype i = indexOf(key);
    return i < 0 ? QJsonValue(QJsonValue::Undefined) : m_members.at(i).value;
}

void Record::insert(const QString &key, const QJsonValue &value)
{
    insert(Member{key, value, sampleapi::toJson(value)});
}

void Record::insert(const Member &member)
{
    if (const qsizetype i = indexOf(member.key); i >= 0)
        m_members[i] = member;
    else
        m_members.append(member);
}

void Record::remove(QStringView key)
{
    if (const qsizetype i = indexOf(key); i >= 0)
        m_members.removeAt(i);
}

void Record::assign(const Record &other)
{
    for (const Member &member : other.m_members)
        insert(member);
}

QByteArray Record::toJson() const
{
    QByteArray out;
    out.reserve(64 * m_members.size());
    out += '{';
    for (const Member &m : m_members) {
        if (m.value.isUndefined())
            continue; // as JSON.stringify leaves out undefined members
        if (out.size() > 1)
            out += ',';
        appendJsonString(out, m.key);
        out += ':';
        out += m.json;
    }
    out += '}';
    return out;
}

void appendJsonString(QByteArray &out, QStringView s)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    const QByteArray utf8 = s.toUtf8();
    for (const char c : utf8) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (uchar(c) < 0x20) {
                out += "\\u00";
                out += hex[uchar(c) >> 4];
                out += hex[uchar(c) & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

void appendJson(QByteArray &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined: out += "null"; break;
    case QJsonValue::Bool: out += value.toBool() ? "true" : "false"; break;
    case QJsonValue::Double: {
        const double d = value.toDouble();
        out += std::isfinite(d) ? js::numberToString(d).toLatin1() : QByteArrayLiteral("null");
        break;
    }
    case QJsonValue::String: appendJsonString(out, value.toString()); break;
    case QJsonValue::Array: {
        out += '[';
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (i > 0)
                out += ',';
            appendJson(out, array.at(i));
        }
        out += ']';
        break;
    }
    case QJsonValue::Object: {
        out += '{';
        const QJsonObject object = value.toObject();
        bool first = true;
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (!first)
                out += ',';
            first = false;
            appendJsonString(out, it.key());
            out += ':';
            appendJson(out, it.value());
        }
        out += '}';
        break;
    }
    }
}

QByteArray compactJson(QByteArrayView json)
{
    QByteArray out;
    out.reserve(json.size());
    bool inString = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json.at(i);
        if (inString) {
            out += c;
            if (c == '\\' && i + 1 < json.size())
                out += json.at(++i);
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
            out += c;
        } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            out += c;
        }
    }
    return out;
}

QByteArray toJson(const QJsonValue &value)
{
    QByteArray out;
    appendJson(out, value);
    return out;
}

} // namespace refetch::sampleapi
