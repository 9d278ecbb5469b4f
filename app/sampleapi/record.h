#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace refetch::sampleapi {

// A JSON object that keeps its members in the order they were written, as a JavaScript object (and so
// json-server) does, where QJsonObject would sort them. Each value is held as a QJsonValue, to be read, and
// as its compact JSON text, to be written back with nested members in their original order too.
class Record
{
public:
    struct Member
    {
        QString key;
        QJsonValue value;
        QByteArray json;
        friend bool operator==(const Member &a, const Member &b) { return a.key == b.key && a.json == b.json; }
    };

    Record() = default;

    // Parses JSON text that must be an object. On failure returns nothing, says why in *error and sets
    // *validJson to whether the text was JSON at all (a 422 rather than a 400 for a server).
    static std::optional<Record> fromJson(QByteArrayView json, QString *error = nullptr, bool *validJson = nullptr);
    // The members of an object's text in their written order; a repeated key keeps its first place
    // and its last value, as in JavaScript. `json` must already be valid JSON.
    static QList<std::pair<QString, QByteArrayView>> splitObject(QByteArrayView json);
    // The elements of an array's text; `json` must already be valid JSON.
    static QList<QByteArrayView> splitArray(QByteArrayView json);

    bool isEmpty() const { return m_members.isEmpty(); }
    qsizetype size() const { return m_members.size(); }
    const QList<Member> &members() const { return m_members; }
    bool contains(QStringView key) const { return indexOf(key) >= 0; }
    // Undefined when there is no such member.
    QJsonValue value(QStringView key) const;
    // Replaces the value in place, or appends the member: JavaScript's `object[key] = value`.
    void insert(const QString &key, const QJsonValue &value);
    void insert(const Member &member);
    void remove(QStringView key);
    // Object.assign(this, other): members of `other` replace or append, in its order.
    void assign(const Record &other);

    QByteArray toJson() const;

    friend bool operator==(const Record &a, const Record &b) { return a.m_members == b.m_members; }

private:
    qsizetype indexOf(QStringView key) const;

    QList<Member> m_members;
};

// Compact JSON text of a value, numbers written as JavaScript writes them (nested members sorted by key).
void appendJson(QByteArray &out, const QJsonValue &value);
QByteArray toJson(const QJsonValue &value);
void appendJsonString(QByteArray &out, QStringView s);
// Valid JSON text without the white space between tokens.
QByteArray compactJson(QByteArrayView json);

} // namespace refetch::sampleapi
