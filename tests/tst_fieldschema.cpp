// FieldSchema::problemWith: what a server's description of a field says it would refuse, said before sending.
#include "core/schema/resourceschema.h"

#include <QTest>

using namespace refetch;
using namespace Qt::StringLiterals;

class tst_FieldSchema : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void problems_data();
    void problems();
    void formats_data();
    void formats();
};

namespace {

FieldSchema field(FieldSchema::Type type)
{
    FieldSchema f;
    f.name = u"f"_s;
    f.type = type;
    return f;
}

} // namespace

void tst_FieldSchema::problems_data()
{
    QTest::addColumn<FieldSchema>("schema");
    QTest::addColumn<Json>("value");
    QTest::addColumn<QString>("problem");   // a part of the sentence; empty: none

    using T = FieldSchema::Type;
    FieldSchema required = field(T::String);
    required.required = true;
    QTest::newRow("required, not given") << required << Json() << u"Required"_s;
    QTest::newRow("required, null") << required << Json(nullptr) << u"Required"_s;
    QTest::newRow("required, given") << required << Json(u"x"_s) << QString();
    QTest::newRow("optional, not given") << field(T::String) << Json() << QString();
    QTest::newRow("not nullable, null") << field(T::Integer) << Json(nullptr) << u"null"_s;
    FieldSchema nullable = field(T::Integer);
    nullable.nullable = true;
    QTest::newRow("nullable, null") << nullable << Json(nullptr) << QString();
    QTest::newRow("unknown type, null") << field(T::Unknown) << Json(nullptr) << QString();
    FieldSchema readOnly = required;
    readOnly.readOnly = true;
    QTest::newRow("read-only is never required") << readOnly << Json() << QString();

    QTest::newRow("integer") << field(T::Integer) << Json(3) << QString();
    QTest::newRow("integer as 3.0") << field(T::Integer) << Json(3.0) << QString();
    QTest::newRow("integer, 3.5") << field(T::Integer) << Json(3.5) << u"whole number"_s;
    QTest::newRow("integer, text") << field(T::Integer) << Json(u"3"_s) << u"whole number"_s;
    QTest::newRow("number, text") << field(T::Number) << Json(u"x"_s) << u"a number"_s;
    QTest::newRow("boolean, 1") << field(T::Boolean) << Json(1) << u"true or false"_s;
    QTest::newRow("object, array") << field(T::Object) << Json::array({}) << u"object"_s;
    QTest::newRow("array, object") << field(T::Array) << Json::object({}) << u"array"_s;
    QTest::newRow("string, number") << field(T::String) << Json(5) << u"text"_s;

    FieldSchema bounded = field(T::Number);
    bounded.minimum = 0;
    bounded.maximum = 10;
    QTest::newRow("at least") << bounded << Json(-1) << u"at least 0"_s;
    QTest::newRow("at the minimum") << bounded << Json(0) << QString();
    QTest::newRow("at the maximum") << bounded << Json(10) << QString();
    QTest::newRow("at most") << bounded << Json(10.5) << u"at most 10"_s;
    FieldSchema exclusive = bounded;
    exclusive.exclusiveMinimum = exclusive.exclusiveMaximum = true;
    QTest::newRow("more than") << exclusive << Json(0) << u"more than 0"_s;
    QTest::newRow("less than") << exclusive << Json(10) << u"less than 10"_s;
    QTest::newRow("inside") << exclusive << Json(5) << QString();

    FieldSchema text = field(T::String);
    text.minLength = 2;
    text.maxLength = 5;
    QTest::newRow("too short") << text << Json(u"a"_s) << u"At least 2 characters (this has 1)"_s;
    QTest::newRow("too long") << text << Json(u"abcdef"_s) << u"At most 5 characters (this has 6)"_s;
    // Characters, not UTF-16 units: five emoji are five characters.
    QTest::newRow("length in characters") << text << Json(QString::fromUtf8("\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80")) << QString();
    FieldSchema notBlank = field(T::String);
    notBlank.minLength = 1;
    QTest::newRow("blank") << notBlank << Json(u""_s) << u"blank"_s;
    FieldSchema pattern = field(T::String);
    pattern.pattern = u"^[A-Z]{3}$"_s;
    QTest::newRow("pattern") << pattern << Json(u"ABCD"_s) << u"^[A-Z]{3}$"_s;
    QTest::newRow("pattern matched") << pattern << Json(u"ABC"_s) << QString();
    FieldSchema search = field(T::String);
    search.pattern = u"[0-9]"_s;   // JSON Schema's patterns are not anchored
    QTest::newRow("pattern is a search") << search << Json(u"ab1c"_s) << QString();

    FieldSchema choice = field(T::String);
    choice.choices = {Json(u"draft"_s), Json(u"published"_s)};
    choice.choiceLabels = {u"Draft"_s, u"Published"_s};
    QTest::newRow("a choice") << choice << Json(u"draft"_s) << QString();
    QTest::newRow("not a choice") << choice << Json(u"gone"_s) << u"Must be one of: Draft, Published"_s;
    FieldSchema numbers = field(T::Integer);
    numbers.choices = {Json(1), Json(2)};
    QTest::newRow("not a number choice") << numbers << Json(3) << u"Must be one of: 1, 2"_s;

    FieldSchema date = field(T::String);
    date.format = u"date"_s;
    QTest::newRow("date") << date << Json(u"2026-12-03"_s) << QString();
    QTest::newRow("not a date") << date << Json(u"2026-02-30"_s) << u"Not a date"_s;
}

void tst_FieldSchema::problems()
{
    QFETCH(FieldSchema, schema);
    QFETCH(Json, value);
    QFETCH(QString, problem);
    const QString said = schema.problemWith(value);
    if (problem.isEmpty())
        QVERIFY2(said.isEmpty(), qPrintable(said));
    else
        QVERIFY2(said.contains(problem), qPrintable(u"said: "_s + said));
}

void tst_FieldSchema::formats_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::newRow("date") << u"date"_s << u"2024-02-29"_s << true;
    QTest::newRow("date, not a leap year") << u"date"_s << u"2023-02-29"_s << false;
    QTest::newRow("date, with time") << u"date"_s << u"2024-02-29T10:00:00Z"_s << false;
    QTest::newRow("date-time, Z") << u"date-time"_s << u"2024-02-29T10:00:00Z"_s << true;
    QTest::newRow("date-time, offset, fraction") << u"date-time"_s << u"2024-02-29T10:00:00.123456+02:00"_s << true;
    QTest::newRow("date-time, date only") << u"date-time"_s << u"2024-02-29"_s << false;
    QTest::newRow("date-time, hour 25") << u"date-time"_s << u"2024-02-29T25:00:00Z"_s << false;
    QTest::newRow("time") << u"time"_s << u"14:30:00"_s << true;
    QTest::newRow("time, minutes only") << u"time"_s << u"14:30"_s << false;
    QTest::newRow("email") << u"email"_s << u"ada@example.com"_s << true;
    QTest::newRow("email, no domain") << u"email"_s << u"ada@"_s << false;
    QTest::newRow("email, space") << u"email"_s << u"ada lovelace@example.com"_s << false;
    QTest::newRow("uri") << u"uri"_s << u"https://example.com/a?b=c"_s << true;
    QTest::newRow("uri, relative") << u"uri"_s << u"/a/b"_s << false;
    QTest::newRow("uuid") << u"uuid"_s << u"123e4567-e89b-12d3-a456-426614174000"_s << true;
    QTest::newRow("uuid, braces") << u"uuid"_s << u"{123e4567-e89b-12d3-a456-426614174000}"_s << false;
    QTest::newRow("uuid, short") << u"uuid"_s << u"123e4567"_s << false;
    QTest::newRow("unknown format") << u"color"_s << u"anything"_s << true;
}

void tst_FieldSchema::formats()
{
    QFETCH(QString, format);
    QFETCH(QString, text);
    QFETCH(bool, ok);
    const QString said = FieldSchema::formatProblem(format, text);
    QVERIFY2(said.isEmpty() == ok, qPrintable(said));
}

QTEST_GUILESS_MAIN(tst_FieldSchema)
#include "tst_fieldschema.moc"
