#include "core/json/json.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QRandomGenerator>
#include <QtCore/QSet>
#include <QtTest/QtTest>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <limits>
#include <thread>
#include <vector>

#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

using refetch::Json;
using refetch::JsonLimits;
using refetch::JsonParseError;
using Code = JsonParseError::Code;
using Type = Json::Type;

namespace refetch {
// QCOMPARE prints Json values with this (found by argument-dependent lookup).
char *toString(const Json &json)
{
    return qstrdup(json.isUndefined() ? "undefined" : json.toJson().left(400).constData());
}
} // namespace refetch

namespace {

Json parsed(QByteArrayView text)
{
    JsonParseError error;
    Json json = Json::parse(text, &error);
    if (!error.ok())
        qWarning() << "parse failed:" << error.message;
    return json;
}

// The value Qt reads from text; wrapped in an array since QJsonDocument wants a container.
QJsonValue qtParsed(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson('[' + text + ']', &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "Qt parse failed:" << error.errorString();
    return doc.array().at(0);
}

QByteArray recordsText(int count, int changedIndex = -1)
{
    QByteArray text;
    text.reserve(count * 112);
    text += '[';
    for (int i = 0; i < count; ++i) {
        if (i)
            text += ',';
        text += "{\"id\":" + QByteArray::number(i) + ",\"title\":\"some title " + QByteArray::number(i)
                + "\",\"done\":" + (i % 3 ? "false" : "true") + ",\"score\":" + (i == changedIndex ? "4.25" : "3.5")
                + ",\"tags\":[\"a\",\"b\"],\"owner\":{\"name\":\"x\",\"age\":3},\"note\":null}";
    }
    text += ']';
    return text;
}

template <typename F>
double bestMs(int runs, F &&f)
{
    double best = std::numeric_limits<double>::max();
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        f();
        best = std::min(best, timer.nsecsElapsed() / 1e6);
    }
    return best;
}

qint64 residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toLongLong() * sysconf(_SC_PAGESIZE) : -1;
}

} // namespace

class tst_Json : public QObject
{
    Q_OBJECT

private slots:
    void representation();
    void memoryPerDocument();
    void scalars_data();
    void scalars();
    void roundTrip_data();
    void roundTrip();
    void numbers_data();
    void numbers();
    void textNumbers_data();
    void textNumbers();
    void ordinaryNumbersAreNotText_data();
    void ordinaryNumbersAreNotText();
    void textNumbersInDocuments();
    void textOrDoubleAsTheShortestTextSays();
    void fromNumberText_data();
    void fromNumberText();
    void strings_data();
    void strings();
    void errors_data();
    void errors();
    void depthLimit();
    void sizeLimit();
    void invalidUtf8_data();
    void invalidUtf8();
    void surrogates_data();
    void surrogates();
    void duplicateKeys();
    void canonical_data();
    void canonical();
    void equality_data();
    void equality();
    void accessors();
    void keyLookup();
    void iteration();
    void builders();
    void objectMembersWrittenInPlace();
    void constructors();
    void withValue();
    void withoutKey();
    void merged_data();
    void merged();
    void arrayEdits();
    void detached();
    void qjsonConversion();
    void emptyContainers();
    void indentedFormat();
    void hugeArrayAccess();
    void threadedCopies();
    void metaTypeAndDebug();
    void builtFromListsKeepValuesAsTheyAre();
    void parseSpeed();
    void equalitySpeed();
};

void tst_Json::representation()
{
    static_assert(sizeof(Json) <= 16);
    static_assert(std::is_nothrow_move_constructible_v<Json>);
    static_assert(QTypeInfo<Json>::isRelocatable);

    const Json doc = parsed(R"({"id":5,"title":"t5"})");
    // One allocation: the shared header plus the encoding must fit a 64-byte block.
    QVERIFY2(qsizetype(sizeof(refetch::detail::JsonData)) + doc.encodedSize() <= 64,
             QByteArray::number(doc.encodedSize()));

    const Json copy = doc;
    QVERIFY(copy.identical(doc));
    const Json title = doc.value("title");
    QVERIFY(!title.identical(doc));
    QVERIFY(title.identical(doc.valueAt(1)));
    QCOMPARE(title.toString(), QStringLiteral("t5"));
}

void tst_Json::scalars_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Type>("type");
    QTest::addColumn<QByteArray>("json");

    QTest::newRow("true") << QByteArray("true") << Type::Bool << QByteArray("true");
    QTest::newRow("false") << QByteArray("false") << Type::Bool << QByteArray("false");
    QTest::newRow("null") << QByteArray("null") << Type::Null << QByteArray("null");
    QTest::newRow("integer") << QByteArray("42") << Type::Integer << QByteArray("42");
    QTest::newRow("negative double") << QByteArray("-1.5") << Type::Double << QByteArray("-1.5");
    QTest::newRow("string") << QByteArray(R"("s")") << Type::String << QByteArray(R"("s")");
    QTest::newRow("whitespace around") << QByteArray(" \t\r\n 7 \n") << Type::Integer << QByteArray("7");
    QTest::newRow("byte order mark") << QByteArray("\xEF\xBB\xBF[1]") << Type::Array << QByteArray("[1]");
}

void tst_Json::scalars()
{
    QFETCH(QByteArray, text);
    QFETCH(Type, type);
    QFETCH(QByteArray, json);

    JsonParseError error;
    const Json value = Json::parse(text, &error);
    QVERIFY2(error.ok(), qPrintable(error.message));
    QCOMPARE(error.code, Code::None);
    QCOMPARE(value.type(), type);
    QCOMPARE(value.toJson(), json);
    QCOMPARE(value.size(), type == Type::Array ? 1 : 0);
}

void tst_Json::roundTrip_data()
{
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("empty array") << QByteArray("[]");
    QTest::newRow("record") << QByteArray(R"({"id":1,"title":"some title 1","done":false,"score":3.5,)"
                                          R"("tags":["a","b"],"owner":{"name":"x","age":3},"note":null})");
    QTest::newRow("nested") << QByteArray(R"({"a":{"b":{"c":[1,[2,[3,{"d":[[],{}]}]]]}},"e":[true,false,null]})");
    QTest::newRow("unicode") << QByteArray("{\"gr\xC3\xB6\xC3\x9F" "e\":\"h\xC3\xA9llo \xE2\x9C\x93 \xF0\x9F\x98\x80 \xE4\xB8\xAD\xE6\x96\x87\"}");
    QTest::newRow("escapes") << QByteArray(R"(["tab\tnew\nquote\"back\\slash\/ctl\u0001 \b\f\r", "\u00e9\u4e2d"])");
    QTest::newRow("astral escaped") << QByteArray(R"(["\ud83d\ude00", "x\uD83D\uDE00y", "\uDBFF\uDFFF"])");
    QTest::newRow("numbers") << QByteArray("[0,-0,1e300,1.5,-12,9007199254740993,9223372036854775807,"
                                           "-9223372036854775808,1e-7,0.1,123456789.125,-2.5e-300,1E2,127,128,"
                                           "-128,-129,32767,32768,2147483647,2147483648,-2147483649]");
    QTest::newRow("whitespace") << QByteArray(" \n\t{ \"a\" : [ 1 , 2 ] ,\r\n \"b\" : { } } \r\n");
    QTest::newRow("long strings") << QByteArray("[\"" + QByteArray(62, 'a') + "\",\"" + QByteArray(63, 'b') + "\",\""
                                                + QByteArray(70000, 'c') + "\"]");
    QTest::newRow("nul in string") << QByteArray(R"({"k\u0000ey":"a\u0000b"})");

    QByteArray wide = "{";
    for (int i = 0; i < 300; ++i)
        wide += (i ? ",\"key" : "\"key") + QByteArray::number(i) + "\":[" + QByteArray::number(i) + ",\"v\"]";
    QTest::newRow("object with 2-byte offsets") << wide + '}';

    QByteArray many = "[";
    for (int i = 0; i < 70000; ++i)
        many += (i ? "," : "") + QByteArray::number(i * 7);
    QTest::newRow("array with 4-byte offsets") << many + ']';
}

void tst_Json::roundTrip()
{
    QFETCH(QByteArray, text);

    const Json ours = parsed(text);
    QVERIFY(!ours.isUndefined());
    const QJsonValue qt = qtParsed(text);
    QVERIFY(!qt.isUndefined());

    // Same content as Qt's reading, both ways.
    QCOMPARE(ours.toQJsonValue(), qt);
    QCOMPARE(Json(qt), ours);
    QCOMPARE(Json(qt).canonical(), ours.canonical());
    QCOMPARE(qHash(Json(qt)), qHash(ours));

    // Our text is valid JSON that reads back to the same value, and is stable.
    const QByteArray written = ours.toJson();
    QCOMPARE(qtParsed(written), qt);
    const Json again = parsed(written);
    QCOMPARE(again, ours);
    QCOMPARE(again.toJson(), written);
    QCOMPARE(parsed(ours.toJson(Json::Format::Indented)), ours);

    // A second parse of the same text has the same bytes.
    const Json twice = parsed(text);
    QVERIFY(!twice.identical(ours));
    QCOMPARE(twice.encodedSize(), ours.encodedSize());
    QCOMPARE(twice, ours);
}

void tst_Json::numbers_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Type>("type");
    QTest::addColumn<double>("value");
    QTest::addColumn<qint64>("integer");
    QTest::addColumn<QByteArray>("json");

    const qint64 max = std::numeric_limits<qint64>::max();
    const qint64 min = std::numeric_limits<qint64>::min();
    QTest::newRow("0") << QByteArray("0") << Type::Integer << 0.0 << qint64(0) << QByteArray("0");
    QTest::newRow("-0") << QByteArray("-0") << Type::Double << -0.0 << qint64(0) << QByteArray("-0");
    QTest::newRow("-0.0") << QByteArray("-0.0") << Type::Double << -0.0 << qint64(0) << QByteArray("-0");
    QTest::newRow("1e300") << QByteArray("1e300") << Type::Double << 1e300 << qint64(-1) << QByteArray("1e+300");
    QTest::newRow("1.5") << QByteArray("1.5") << Type::Double << 1.5 << qint64(-1) << QByteArray("1.5");
    QTest::newRow("-12") << QByteArray("-12") << Type::Integer << -12.0 << qint64(-12) << QByteArray("-12");
    QTest::newRow("2^53+1") << QByteArray("9007199254740993") << Type::Integer << 9007199254740992.0
                            << qint64(9007199254740993) << QByteArray("9007199254740993");
    QTest::newRow("int64 max") << QByteArray("9223372036854775807") << Type::Integer << 9223372036854775807.0 << max
                               << QByteArray("9223372036854775807");
    QTest::newRow("int64 min") << QByteArray("-9223372036854775808") << Type::Integer << -9223372036854775808.0 << min
                               << QByteArray("-9223372036854775808");
    QTest::newRow("int64 max + 1") << QByteArray("9223372036854775808") << Type::Double << 9223372036854775808.0
                                   << qint64(-1) << QByteArray("9223372036854775808");
    QTest::newRow("int64 min - 1") << QByteArray("-9223372036854775809") << Type::Double << -9223372036854775808.0
                                   << qint64(-1) << QByteArray("-9223372036854775809");
    QTest::newRow("20 digits") << QByteArray("12345678901234567890") << Type::Double << 12345678901234567890.0
                               << qint64(-1) << QByteArray("12345678901234567890");
    QTest::newRow("1e-7") << QByteArray("1e-7") << Type::Double << 1e-7 << qint64(-1) << QByteArray("1e-07");
    QTest::newRow("0.1") << QByteArray("0.1") << Type::Double << 0.1 << qint64(-1) << QByteArray("0.1");
    QTest::newRow("1E+2") << QByteArray("1E+2") << Type::Double << 100.0 << qint64(100) << QByteArray("100");
    QTest::newRow("2.0") << QByteArray("2.0") << Type::Double << 2.0 << qint64(2) << QByteArray("2");
    QTest::newRow("smallest subnormal") << QByteArray("5e-324") << Type::Double << 5e-324 << qint64(-1)
                                        << QByteArray("5e-324");
    QTest::newRow("largest double") << QByteArray("1.7976931348623157e308") << Type::Double
                                    << 1.7976931348623157e308 << qint64(-1) << QByteArray("1.7976931348623157e+308");
    QTest::newRow("below the smallest double") << QByteArray("1e-400") << Type::Double << 0.0 << qint64(-1)
                                               << QByteArray("1e-400");
    QTest::newRow("below, long fraction") << QByteArray("-0." + QByteArray(400, '0') + "1") << Type::Double << -0.0
                                          << qint64(-1) << QByteArray("-0." + QByteArray(400, '0') + "1");
    QTest::newRow("beyond the largest double") << QByteArray("1e400") << Type::Double << HUGE_VAL << qint64(-1)
                                               << QByteArray("1e400");
    QTest::newRow("shortest repr") << QByteArray("0.30000000000000004") << Type::Double << 0.30000000000000004
                                   << qint64(-1) << QByteArray("0.30000000000000004");
}

void tst_Json::numbers()
{
    QFETCH(QByteArray, text);
    QFETCH(Type, type);
    QFETCH(double, value);
    QFETCH(qint64, integer);
    QFETCH(QByteArray, json);

    const Json number = parsed(text);
    QCOMPARE(number.type(), type);
    QVERIFY(number.isNumber());
    QCOMPARE(number.toDouble(), value);
    QCOMPARE(std::signbit(number.toDouble()), std::signbit(value));
    QCOMPARE(number.toInteger(-1), integer);
    QCOMPARE(number.toJson(), json);

    // Doubles survive the text round trip bit for bit.
    const Json back = parsed(number.toJson());
    QCOMPARE(back, number);
    const double a = back.toDouble(), b = number.toDouble();
    QCOMPARE(std::memcmp(&a, &b, sizeof a), 0);
}

// Numbers that neither a qint64 nor a double holds exactly keep their text, from parse to toJson().
void tst_Json::textNumbers_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<double>("nearest");
    QTest::addColumn<qint64>("integer");

    QTest::newRow("23-digit integer") << QByteArray("12345678901234567890123") << 12345678901234567890123.0
                                      << qint64(-1);
    QTest::newRow("negative 23-digit integer") << QByteArray("-12345678901234567890123") << -12345678901234567890123.0
                                               << qint64(-1);
    QTest::newRow("int64 max + 1") << QByteArray("9223372036854775808") << 9223372036854775808.0 << qint64(-1);
    QTest::newRow("uint64 max") << QByteArray("18446744073709551615") << 18446744073709551615.0 << qint64(-1);
    QTest::newRow("100 digits") << QByteArray(100, '7') << 7.777777777777778e99 << qint64(-1);
    QTest::newRow("0.1 written long") << QByteArray("0.1000000000000000055511151231257827") << 0.1 << qint64(-1);
    QTest::newRow("pi, 31 digits") << QByteArray("3.141592653589793238462643383279") << 3.141592653589793 << qint64(-1);
    // 17 digits, but not the ones the double they read as writes (0.12345678901234566): the text is kept.
    QTest::newRow("17 digits the double writes otherwise") << QByteArray("0.12345678901234567") << 0.12345678901234566
                                                           << qint64(-1);
    QTest::newRow("0.1 and a 1 far out") << QByteArray("0.1000000000000000000001") << 0.1 << qint64(-1);
    QTest::newRow("decimal of 2^53 + 1") << QByteArray("9007199254740993.0") << 9007199254740992.0
                                          << qint64(9007199254740993);
    QTest::newRow("1e400") << QByteArray("1e400") << HUGE_VAL << qint64(-1);
    QTest::newRow("-1e400") << QByteArray("-1e400") << -HUGE_VAL << qint64(-1);
    QTest::newRow("1E+400") << QByteArray("1E+400") << HUGE_VAL << qint64(-1);
    QTest::newRow("1e-400") << QByteArray("1e-400") << 0.0 << qint64(-1);
    QTest::newRow("-2.5e-400") << QByteArray("-2.5e-400") << -0.0 << qint64(-1);
    QTest::newRow("large exponent") << QByteArray("1e999999999999999") << HUGE_VAL << qint64(-1);
    QTest::newRow("big integer a double holds") << QByteArray("100000000000000000000000") << 1e23 << qint64(-1);
}

void tst_Json::textNumbers()
{
    QFETCH(QByteArray, text);
    QFETCH(double, nearest);
    QFETCH(qint64, integer);

    const Json number = parsed(text);
    QVERIFY(number.isTextNumber());
    QVERIFY(number.isNumber());
    QCOMPARE(number.type(), Type::Double);
    QCOMPARE(number.toJson(), text);
    QCOMPARE(number.toJson(Json::Format::Indented), text + '\n');
    QCOMPARE(number.numberText(), QString::fromLatin1(text));
    QCOMPARE(number.toDouble(), nearest);
    QCOMPARE(std::signbit(number.toDouble()), std::signbit(nearest));
    QCOMPARE(number.toInteger(-1), integer);

    // Text round trips keep it exactly; equal to itself, hashed alike.
    const Json again = parsed(number.toJson());
    QVERIFY(again.isTextNumber());
    QCOMPARE(again, number);
    QCOMPARE(qHash(again), qHash(number));
    QCOMPARE(again.canonical(), number.canonical());
    QCOMPARE(parsed(number.canonical()), number);
    QCOMPARE(qHash(parsed(number.canonical()), 7), qHash(number, 7));

    // QJsonValue holds a double (or an integer): as near as it can.
    const QJsonValue qt = number.toQJsonValue();
    QVERIFY(qt.isDouble());
    if (integer != -1)
        QCOMPARE(qt.toInteger(), integer);
    else
        QCOMPARE(qt.toDouble(), nearest);
    QVERIFY(!Json(qt).isTextNumber());
}

// Numbers a double or an integer writes back by value stay doubles and integers, as before.
void tst_Json::ordinaryNumbersAreNotText_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("json");

    auto row = [](const char *text, const char *json) { QTest::newRow(text) << QByteArray(text) << QByteArray(json); };
    row("0", "0");
    row("-0", "-0");
    row("42", "42");
    row("-9223372036854775808", "-9223372036854775808");
    row("9223372036854775807", "9223372036854775807");
    row("0.1", "0.1");
    row("1.0", "1");
    row("1e2", "100");
    row("1.50", "1.5");
    row("0.30000000000000004", "0.30000000000000004");
    row("123456789.12345678", "123456789.12345678");
    row("0.12345678901234566", "0.12345678901234566");
    row("1.7976931348623157e308", "1.7976931348623157e+308");
    row("5e-324", "5e-324");
    row("2.2250738585072014e-308", "2.2250738585072014e-308");
    row("1e22", "1e+22");
    row("0e-400", "0");
    row("-2.5E-10", "-2.5e-10");
    row("12.500000000000000000000", "12.5");
}

void tst_Json::ordinaryNumbersAreNotText()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, json);

    const Json number = parsed(text);
    QVERIFY(number.isNumber());
    QVERIFY(!number.isTextNumber());
    QVERIFY(number.encodedSize() <= 9);
    QCOMPARE(number.toJson(), json);
    QCOMPARE(number.numberText(), QString::fromLatin1(json));
    QCOMPARE(Json(number.toQJsonValue()), number);
}

// Text numbers among other values: written back exactly where they are, copied exactly into new documents.
void tst_Json::textNumbersInDocuments()
{
    const QByteArray text = R"({"id":7,"big":12345678901234567890123,"price":0.1000000000000000055511151231257827,)"
                            R"("id64":9007199254740993,"list":[1e400,-12345678901234567890123,0.5],)"
                            R"("nested":{"n":1e-400}})";
    const Json record = parsed(text);
    QCOMPARE(record.toJson(), text);
    QVERIFY(record["big"].isTextNumber());
    QVERIFY(record["price"].isTextNumber());
    QVERIFY(record["id64"].isInteger());
    QCOMPARE(record["id64"].toInteger(), 9007199254740993);
    QVERIFY(record["list"][0].isTextNumber());
    QVERIFY(!record["list"][2].isTextNumber());
    QCOMPARE(record["list"].toJson(), QByteArray("[1e400,-12345678901234567890123,0.5]"));
    QCOMPARE(record["nested"]["n"].numberText(), QStringLiteral("1e-400"));
    QCOMPARE(record["price"].numberText(), QStringLiteral("0.1000000000000000055511151231257827"));
    QCOMPARE(record["id64"].numberText(), QStringLiteral("9007199254740993"));
    QCOMPARE(record["price"].detached().toJson(), QByteArray("0.1000000000000000055511151231257827"));

    // Copied into other documents byte for byte.
    const Json edited = record.withValue(u"big", Json::fromNumberText(QStringView(u"12345678901234567890124")));
    QCOMPARE(edited.toJson(), QByteArray(text).replace("567890123,\"price", "567890124,\"price"));
    QVERIFY(edited != record);
    QCOMPARE(edited.withValue(u"big", record["big"]), record);
    QCOMPARE(Json::object({{u"big", record["big"]}, {u"price", record["price"]}}).toJson(),
             QByteArray(R"({"big":12345678901234567890123,"price":0.1000000000000000055511151231257827})"));
    QCOMPARE(Json::array({record["list"][0], Json(2)}).toJson(), QByteArray("[1e400,2]"));
    QCOMPARE(record.merged(Json::object({{u"id", 8}})).value(u"big").toJson(), QByteArray("12345678901234567890123"));
    QCOMPARE(record["list"].withAppended(record["big"]).toJson(),
             QByteArray("[1e400,-12345678901234567890123,0.5,12345678901234567890123]"));

    // The same record with the same values in other text is equal, and hashes alike.
    const Json sameValues = parsed(R"({"nested":{"n":10e-401},"list":[1E400,-1.2345678901234567890123e22,0.50],)"
                                   R"("id64":9007199254740993.0,"price":1.000000000000000055511151231257827e-1,)"
                                   R"("big":12345678901234567890123,"id":7.0})");
    QCOMPARE(sameValues, record);
    QCOMPARE(qHash(sameValues), qHash(record));
    QCOMPARE(sameValues.canonical(), record.canonical());
    QSet<Json> set{record};
    QVERIFY(set.contains(sameValues));
    QVERIFY(!set.contains(edited));

    // Into QJsonValue and back, precision goes where a double must lose it.
    const Json viaQt(record.toQJsonValue());
    QCOMPARE(viaQt["id64"], record["id64"]);
    QCOMPARE(viaQt["price"], Json(0.1));
    QVERIFY(viaQt != record);
}

namespace {
// A JSON number's value as (sign, digits without leading or trailing zeros, power of ten), written independently
// of core/json/jsonnumber.cpp's to check it.
std::string lowestTerms(const std::string &text)
{
    std::string digits;
    long long exponent = 0;
    long long fraction = 0;
    bool inFraction = false;
    size_t i = text[0] == '-' ? 1 : 0;
    for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
        if (text[i] == '.') {
            inFraction = true;
            continue;
        }
        fraction += inFraction;
        if (!digits.empty() || text[i] != '0')
            digits += text[i];
    }
    if (i < text.size())
        exponent = std::stoll(text.substr(i + 1));
    while (!digits.empty() && digits.back() == '0') {
        digits.pop_back();
        ++exponent;
    }
    if (digits.empty())
        return "0";
    return (text[0] == '-' ? "-" : "") + digits + 'e' + std::to_string(exponent - fraction);
}
} // namespace

// A decimal is kept as text exactly when the double it reads as writes back (std::to_chars, the shortest
// round-trip text) as another value: checked on many doubles written with 15 to 19 digits, their shortest
// text, and their neighbours in the last digit, over the whole range (jsonnumber.cpp decides most of them without
// writing the double).
void tst_Json::textOrDoubleAsTheShortestTextSays()
{
    std::mt19937_64 random(20261121);
    std::uniform_int_distribution<int> exponents(-30, 30);
    std::uniform_real_distribution<double> unit(1.0, 10.0);
    int kept = 0, checked = 0;
    QStringList failures;
    char buf[64];
    auto check = [&](const std::string &text) {
        double d;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
        if (ec != std::errc() || end != text.data() + text.size())
            return;
        if (text.find_first_of(".eE") == std::string::npos) {   // an integer: exact either way
            if (Json::parse(QByteArray::fromStdString(text)).toJson() != QByteArray::fromStdString(text))
                failures.append(QString::fromStdString(text));
            return;
        }
        const std::string written(buf, std::to_chars(buf, buf + sizeof buf, d).ptr);
        const bool keep = lowestTerms(written) != lowestTerms(text);
        const Json number = Json::parse(QByteArray::fromStdString(text));
        ++checked;
        kept += keep;
        if ((number.isTextNumber() != keep || number.toJson() != QByteArray::fromStdString(keep ? text : written))
            && failures.size() < 10) {
            failures.append(QStringLiteral("%1 (d writes %2): %3").arg(QString::fromStdString(text),
                                                                     QString::fromStdString(written),
                                                                     QString::fromUtf8(number.toJson())));
        }
    };
    for (int i = 0; i < 40000; ++i) {
        double d;
        switch (i % 4) {
        case 0: { // anywhere in the range, subnormals included
            quint64 bits = random() & ~(quint64(0x7FF) << 52);
            bits |= quint64(random() % 0x7FF) << 52;
            std::memcpy(&d, &bits, sizeof d);
            break;
        }
        case 1: // where jsonnumber.cpp decides without writing the double
            d = unit(random) * std::pow(10.0, exponents(random) / 3);
            break;
        case 2: // near powers of two, whose neighbours are not evenly spaced
            d = std::ldexp(1.0, exponents(random)) * (random() % 2 ? 1 + 1e-16 * double(random() % 8) : 1);
            break;
        default: // fractions of a quantity, as JavaScript writes them
            d = double(random() % 100000000) / double(random() % 1000 + 1);
            break;
        }
        if (random() % 2)
            d = -d;
        const std::string shortest(buf, std::to_chars(buf, buf + sizeof buf, d).ptr);
        check(shortest);
        for (int precision : {14, 15, 16, 17, 18, 20}) {
            std::snprintf(buf, sizeof buf, "%.*e", precision, d);
            check(buf);
            std::snprintf(buf, sizeof buf, "%.*f", std::min(precision, 25), d);
            if (std::strlen(buf) < 40)
                check(buf);
        }
        // The shortest text's neighbours in the last digit, and with a zero more.
        std::string digits = shortest;
        const size_t last = digits.find_last_of("123456789");
        if (last != std::string::npos && last < digits.find_first_of("eE")) {
            std::string up = digits, down = digits;
            up[last] = char(up[last] + (up[last] < '9' ? 1 : 0));
            down[last] = char(down[last] - 1);
            check(up);
            check(down);
            if (digits.find('.') != std::string::npos && digits.find_first_of("eE") == std::string::npos)
                check(digits + "0");
        }
    }
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u"; ")));
    qInfo("%d texts checked, %d kept as text", checked, kept);
    QVERIFY(kept > checked / 10);
}

void tst_Json::fromNumberText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<bool>("kept");

    auto row = [](const char *text, bool valid, bool kept) {
        QTest::newRow(*text ? text : "empty") << QString::fromUtf8(text) << valid << kept;
    };
    row("12345678901234567890124", true, true);
    row("-12345678901234567890124", true, true);
    row("0.1000000000000000055511151231257827", true, true);
    row("1e400", true, true);
    row("9007199254740993", true, false);
    row("42", true, false);
    row("-0.5", true, false);
    row("1.0", true, false);
    row("", false, false);
    row(" 1", false, false);
    row("1 ", false, false);
    row("+1", false, false);
    row("01", false, false);
    row(".5", false, false);
    row("1.", false, false);
    row("1e", false, false);
    row("-", false, false);
    row("0x10", false, false);
    row("1_000", false, false);
    row("NaN", false, false);
    row("Infinity", false, false);
    row("[1]", false, false);
    row("\"1\"", false, false);
    row("true", false, false);
    row("1,2", false, false);
    row("\xd9\xa1", false, false);   // ARABIC-INDIC DIGIT ONE
}

void tst_Json::fromNumberText()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(bool, kept);

    const Json number = Json::fromNumberText(text);
    QCOMPARE(number.isNumber(), valid);
    QCOMPARE(Json::fromNumberText(QByteArrayView(text.toUtf8())), number);
    if (!valid) {
        QVERIFY(number.isUndefined());
        return;
    }
    QCOMPARE(number.isTextNumber(), kept);
    QCOMPARE(number, Json::parse(text.toUtf8()));
    QCOMPARE(number.toJson(), Json::parse(text.toUtf8()).toJson());
    if (kept)
        QCOMPARE(number.numberText(), text);
}

void tst_Json::strings_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QByteArray(R"("")") << QString();
    QTest::newRow("plain") << QByteArray(R"("hello")") << QStringLiteral("hello");
    QTest::newRow("escapes") << QByteArray(R"("a\"b\\c\/d\be\ff\ng\rh\ti")") << QStringLiteral("a\"b\\c/d\be\ff\ng\rh\ti");
    QTest::newRow("latin escape") << QByteArray(R"("caf\u00e9")") << QStringLiteral("caf\u00e9");
    QTest::newRow("raw utf-8") << QByteArray("\"caf\xC3\xA9 \xE4\xB8\xAD\"") << QStringLiteral("caf\u00e9 \u4e2d");
    QTest::newRow("astral raw") << QByteArray("\"\xF0\x9F\x98\x80\"") << QString::fromUcs4(U"\U0001F600");
    QTest::newRow("astral escaped") << QByteArray(R"("\uD83D\uDE00!")") << QString::fromUcs4(U"\U0001F600!");
    QTest::newRow("nul") << QByteArray(R"("a\u0000b")") << QStringView(u"a\0b", 3).toString();
    QTest::newRow("62 bytes") << QByteArray('"' + QByteArray(62, 'x') + '"') << QString(62, u'x');
    QTest::newRow("63 bytes") << QByteArray('"' + QByteArray(63, 'x') + '"') << QString(63, u'x');
    QTest::newRow("escaped long, decoded short")
            << QByteArray('"' + QByteArray(40, 'y') + QByteArray("\\u0041").repeated(10) + '"')
            << QString(40, u'y') + QString(10, u'A');
    QTest::newRow("escaped long") << QByteArray('"' + QByteArray(100, 'z') + "\\n\"") << QString(100, u'z') + u'\n';
}

void tst_Json::strings()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);

    const Json s = parsed(text);
    QVERIFY(s.isString());
    QCOMPARE(s.toString(), expected);
    QCOMPARE(s.stringUtf8(), expected.toUtf8());
    QCOMPARE(s.toQJsonValue(), QJsonValue(expected));
    QCOMPARE(parsed(s.toJson()), s);

    // Escaped or not, the same text has the same bytes and equals a built string.
    const Json built(expected);
    QCOMPARE(built, s);
    QCOMPARE(built.encodedSize(), s.encodedSize());
    QCOMPARE(qHash(built), qHash(s));
}

void tst_Json::errors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Code>("code");
    QTest::addColumn<qsizetype>("offset");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message");

    auto row = [](const char *name, const QByteArray &text, Code code, qsizetype offset, int line, int column,
                  const char *message) {
        QTest::newRow(name) << text << code << offset << line << column << QString::fromUtf8(message);
    };
    row("empty", "", Code::Empty, 0, 1, 1, "empty input");
    row("only whitespace", " \n\t ", Code::Empty, 0, 1, 1, "expected a JSON value");
    row("character on line 3", "{\n  \"a\": 1,\n  \"b\": x\n}", Code::Syntax, 19, 3, 8,
        "unexpected character 'x' at line 3, column 8 (offset 19); expected a value");
    row("trailing comma in object", R"({"a":1,})", Code::Syntax, 7, 1, 8, "expected a string as object key");
    row("trailing comma in array", "[1,]", Code::Syntax, 3, 1, 4, "unexpected character ']'");
    row("missing comma", "[1 2]", Code::Syntax, 3, 1, 4, "expected ',' or ']' in an array");
    row("missing colon", R"({"a" 1})", Code::Syntax, 5, 1, 6, "expected ':' after an object key");
    row("key not a string", "{1:2}", Code::Syntax, 1, 1, 2, "expected a string as object key");
    row("leading dot", ".5", Code::Syntax, 0, 1, 1, "unexpected character '.'");
    row("bad literal", "trux", Code::Syntax, 3, 1, 4, "expected 'true'");
    row("raw control in string", "\"a\tb\"", Code::Syntax, 2, 1, 3, "unescaped control character 0x09");
    row("non-ASCII outside strings", "[\xC3\xA9]", Code::Syntax, 1, 1, 2, "unexpected character '\xC3\xA9'");
    row("third line", "[1,\n2,\n@]", Code::Syntax, 7, 3, 1, "unexpected character '@'");
    row("unclosed array", "[1,2", Code::UnexpectedEnd, 4, 1, 5, "unexpected end of input");
    row("unclosed object", R"({"a":1)", Code::UnexpectedEnd, 6, 1, 7, "expected ',' or '}'");
    row("missing value", R"({"a":)", Code::UnexpectedEnd, 5, 1, 6, "expected a value");
    row("cut literal", "nul", Code::UnexpectedEnd, 3, 1, 4, "expected 'null'");
    row("unterminated string", "\"abc", Code::UnexpectedEnd, 4, 1, 5, "unterminated string");
    row("cut escape", "\"ab\\u00", Code::UnexpectedEnd, 7, 1, 8, "unterminated string");
    row("bad escape", R"("\x")", Code::InvalidEscape, 1, 1, 2, "invalid escape sequence '\\x'");
    row("bad hex", R"(["\u12G4"])", Code::InvalidEscape, 2, 1, 3, "invalid escape sequence '\\u12G'");
    row("lone high surrogate", R"("\uD800")", Code::InvalidEscape, 1, 1, 2, "lone surrogate '\\uD800'");
    row("lone low surrogate", R"("ab\uDC00")", Code::InvalidEscape, 3, 1, 4, "lone surrogate");
    row("invalid UTF-8", "\"\xFF\"", Code::InvalidUtf8, 1, 1, 2, "invalid UTF-8 byte 0xff");
    row("leading zero", "[01]", Code::InvalidNumber, 1, 1, 2, "leading zeros are not allowed");
    row("lone minus", "-", Code::InvalidNumber, 0, 1, 1, "invalid number '-'");
    row("minus letter", "-a", Code::InvalidNumber, 0, 1, 1, "expected a digit");
    row("no fraction digits", "1.", Code::InvalidNumber, 0, 1, 1, "expected a digit after '.'");
    row("no exponent digits", "[1e+]", Code::InvalidNumber, 1, 1, 2, "invalid number '1e+'");
    // 1e400 is no error: it is kept as text (textNumbers); an exponent of more than 15 digits is (the fuzzer found
    // that two such numbers could not be told apart).
    row("exponent out of range", "[1e99999999999999999999]", Code::InvalidNumber, 1, 1, 2, "its exponent is out of range");
    row("no exponent digits, capital E", "[1E]", Code::InvalidNumber, 1, 1, 2, "expected a digit in the exponent");
    row("too deep", QByteArray(513, '['), Code::TooDeep, 512, 1, 513, "nesting deeper than 512 levels");
    row("after object", "{} x", Code::TrailingGarbage, 3, 1, 4, "unexpected character 'x' after the JSON value");
    row("two values", "1 2", Code::TrailingGarbage, 2, 1, 3, "after the JSON value");
    row("extra bracket", "[1]]", Code::TrailingGarbage, 3, 1, 4, "character ']'");
    row("column counts code points", "\"\xC3\xA9\" x", Code::TrailingGarbage, 5, 1, 5, "line 1, column 5 (offset 5)");
}

void tst_Json::errors()
{
    QFETCH(QByteArray, text);
    QFETCH(Code, code);
    QFETCH(qsizetype, offset);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, message);

    JsonParseError error;
    const Json result = Json::parse(text, &error);
    QVERIFY(result.isUndefined());
    QVERIFY(!error.ok());
    QCOMPARE(error.code, code);
    QCOMPARE(error.offset, offset);
    QCOMPARE(error.line, line);
    QCOMPARE(error.column, column);
    QVERIFY2(error.message.contains(message), qPrintable(error.message));
    const QString where = QStringLiteral(" at line %1, column %2 (offset %3)").arg(line).arg(column).arg(offset);
    QVERIFY2(error.message.contains(where), qPrintable(error.message));

    // A later successful parse resets the error.
    QVERIFY(!Json::parse("[]", &error).isUndefined());
    QVERIFY(error.ok());
    QVERIFY(error.message.isEmpty());
}

void tst_Json::depthLimit()
{
    const auto nested = [](int depth) { return QByteArray(depth, '[') + QByteArray(depth, ']'); };

    JsonParseError error;
    const Json deepest = Json::parse(nested(512), &error);
    QVERIFY2(error.ok(), qPrintable(error.message));
    QCOMPARE(deepest.size(), 1);

    QVERIFY(Json::parse(nested(513), &error).isUndefined());
    QCOMPARE(error.code, Code::TooDeep);
    QCOMPARE(error.offset, 512);

    const JsonLimits three{.maxDepth = 3};
    QVERIFY(!Json::parse("[[[1]]]", &error, three).isUndefined());
    QVERIFY(Json::parse(R"({"a":{"b":{"c":{}}}})", &error, three).isUndefined());
    QCOMPARE(error.code, Code::TooDeep);
    QCOMPARE(error.offset, 15);
    QVERIFY(error.message.contains(QLatin1StringView("deeper than 3 levels")));

    const JsonLimits flat{.maxDepth = 0};
    QVERIFY(!Json::parse("1", &error, flat).isUndefined());
    QVERIFY(Json::parse("[]", &error, flat).isUndefined());

    // Hostile input fails fast without exhausting the stack.
    QVERIFY(Json::parse(QByteArray(1'000'000, '['), &error).isUndefined());
    QCOMPARE(error.code, Code::TooDeep);

    // A raised limit is capped where the recursive operations stay safe.
    const JsonLimits huge{.maxDepth = 1'000'000};
    QVERIFY(Json::parse(nested(5000), &error, huge).isUndefined());
    QCOMPARE(error.code, Code::TooDeep);
    QCOMPARE(error.offset, 4096);

    const Json deep = Json::parse(nested(4000), &error, huge);
    QVERIFY2(error.ok(), qPrintable(error.message));
    QCOMPARE(deep.toJson(), nested(4000));
    QCOMPARE(deep.canonical(), nested(4000));
    QCOMPARE(Json(deep.toQJsonValue()), deep);
    QVERIFY(deep == Json::parse(nested(4000), nullptr, huge));
    QCOMPARE(qHash(deep), qHash(Json::parse(nested(4000), nullptr, huge)));
}

void tst_Json::sizeLimit()
{
    const JsonLimits limits{.maxBytes = 10};
    JsonParseError error;
    QVERIFY(!Json::parse("[1,2,3,45]", &error, limits).isUndefined());
    QVERIFY(error.ok());

    QVERIFY(Json::parse("[1,2,3,456]", &error, limits).isUndefined());
    QCOMPARE(error.code, Code::TooLarge);
    QCOMPARE(error.offset, 10);
    QCOMPARE(error.line, 1);
    QCOMPARE(error.column, 11);
    QVERIFY2(error.message.contains(QLatin1StringView("11 bytes is larger than the limit of 10 bytes")),
             qPrintable(error.message));
}

void tst_Json::invalidUtf8_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Code>("code");
    QTest::addColumn<qsizetype>("offset");

    QTest::newRow("bad continuation") << QByteArray("\"\xC3\x28\"") << Code::InvalidUtf8 << qsizetype(1);
    QTest::newRow("overlong 2-byte") << QByteArray("\"\xC0\xAF\"") << Code::InvalidUtf8 << qsizetype(1);
    QTest::newRow("overlong 3-byte") << QByteArray("\"\xE0\x80\xAF\"") << Code::InvalidUtf8 << qsizetype(1);
    QTest::newRow("overlong 4-byte") << QByteArray("\"\xF0\x80\x80\xAF\"") << Code::InvalidUtf8 << qsizetype(1);
    QTest::newRow("encoded surrogate") << QByteArray("\"ab\xED\xA0\x80\"") << Code::InvalidUtf8 << qsizetype(3);
    QTest::newRow("above U+10FFFF") << QByteArray("\"\xF4\x90\x80\x80\"") << Code::InvalidUtf8 << qsizetype(1);
    QTest::newRow("F5 lead") << QByteArray("\"\xF5\x80\x80\x80\"") << Code::InvalidUtf8 << qsizetype(1);
    QTest::newRow("lone continuation") << QByteArray("\"\x80\"") << Code::InvalidUtf8 << qsizetype(1);
    QTest::newRow("FE") << QByteArray("\"\xFE\"") << Code::InvalidUtf8 << qsizetype(1);
    QTest::newRow("cut by quote") << QByteArray("\"\xF0\x9F\x98\"") << Code::InvalidUtf8 << qsizetype(1);
    QTest::newRow("after an escape") << QByteArray("\"\\n\xC3\x28\"") << Code::InvalidUtf8 << qsizetype(3);
    QTest::newRow("in a key") << QByteArray("{\"\xC3\"") << Code::InvalidUtf8 << qsizetype(2);
    QTest::newRow("outside strings") << QByteArray("[\xFF]") << Code::InvalidUtf8 << qsizetype(1);
    QTest::newRow("cut by end") << QByteArray("\"\xE2\x82") << Code::UnexpectedEnd << qsizetype(3);
    QTest::newRow("valid 4-byte") << QByteArray("\"\xF0\x9F\x98\x80\"") << Code::None << qsizetype(0);
    QTest::newRow("valid U+FFFF") << QByteArray("\"\xEF\xBF\xBF\"") << Code::None << qsizetype(0);
    QTest::newRow("valid U+10FFFF") << QByteArray("\"\xF4\x8F\xBF\xBF\"") << Code::None << qsizetype(0);
    QTest::newRow("valid U+D7FF") << QByteArray("\"\xED\x9F\xBF\"") << Code::None << qsizetype(0);
}

void tst_Json::invalidUtf8()
{
    QFETCH(QByteArray, text);
    QFETCH(Code, code);
    QFETCH(qsizetype, offset);

    JsonParseError error;
    const Json result = Json::parse(text, &error);
    QCOMPARE(error.code, code);
    QCOMPARE(error.offset, offset);
    QCOMPARE(result.isUndefined(), code != Code::None);
    if (code == Code::None)
        QCOMPARE(result.stringUtf8(), QByteArrayView(text).sliced(1, text.size() - 2));
}

void tst_Json::surrogates_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<uint>("codePoint");

    QTest::newRow("pair") << QByteArray(R"("\uD83D\uDE00")") << true << 0x1F600u;
    QTest::newRow("pair, lower case") << QByteArray(R"("\ud83d\ude00")") << true << 0x1F600u;
    QTest::newRow("highest") << QByteArray(R"("\uDBFF\uDFFF")") << true << 0x10FFFFu;
    QTest::newRow("lowest") << QByteArray(R"("\uD800\uDC00")") << true << 0x10000u;
    QTest::newRow("lone high") << QByteArray(R"("\uD800")") << false << 0u;
    QTest::newRow("lone low") << QByteArray(R"("\uDFFF")") << false << 0u;
    QTest::newRow("high then letter") << QByteArray(R"("\uD83Dx")") << false << 0u;
    QTest::newRow("high then other escape") << QByteArray(R"("\uD83D\n")") << false << 0u;
    QTest::newRow("two highs") << QByteArray(R"("\uD83D\uD83D")") << false << 0u;
    QTest::newRow("reversed") << QByteArray(R"("\uDE00\uD83D")") << false << 0u;
}

void tst_Json::surrogates()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    QFETCH(uint, codePoint);

    JsonParseError error;
    const Json s = Json::parse(text, &error);
    QCOMPARE(error.ok(), valid);
    if (!valid) {
        QCOMPARE(error.code, Code::InvalidEscape);
        QCOMPARE(error.offset, 1);
        QVERIFY2(error.message.contains(QLatin1StringView("lone surrogate")), qPrintable(error.message));
        return;
    }
    const QList<uint> ucs4 = s.toString().toUcs4();
    QCOMPARE(ucs4, QList<uint>{codePoint});
    QCOMPARE(s.stringUtf8().size(), 4);
}

void tst_Json::duplicateKeys()
{
    const Json o = parsed(R"({"a":1,"b":2,"a":3})");
    QCOMPARE(o.size(), 3); // kept as parsed
    QCOMPARE(o.keyAt(0), QStringLiteral("a"));
    QCOMPARE(o.keyAt(2), QStringLiteral("a"));
    QCOMPARE(o.valueAt(0), Json(1));
    QCOMPARE(o.value("a"), Json(3)); // the last one wins
    QCOMPARE(o.toJson(), QByteArray(R"({"a":1,"b":2,"a":3})"));
    QCOMPARE(o.canonical(), QByteArray(R"({"a":3,"b":2})"));
    QCOMPARE(o.toQJsonValue(), QJsonValue(QJsonObject{{"a", 3}, {"b", 2}}));

    const Json resolved = Json::object({{u"b", 2}, {u"a", 3}});
    QCOMPARE(o, resolved);
    QCOMPARE(qHash(o), qHash(resolved));
    QVERIFY(o != parsed(R"({"a":1,"b":2})"));
    QCOMPARE(parsed(R"({"a":1,"a":3})"), parsed(R"({"a":2,"a":3})"));

    QCOMPARE(o.withValue(u"a", 9).toJson(), QByteArray(R"({"b":2,"a":9})"));
    QCOMPARE(o.withoutKey(u"a").toJson(), QByteArray(R"({"b":2})"));
}

void tst_Json::canonical_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("sorted members") << QByteArray(R"({"b":1,"a":2})") << QByteArray(R"({"a":2,"b":1})");
    QTest::newRow("prefix first") << QByteArray(R"({"ab":1,"a":2,"":0})") << QByteArray(R"({"":0,"a":2,"ab":1})");
    QTest::newRow("integral double") << QByteArray(R"({"a":1.0})") << QByteArray(R"({"a":1})");
    QTest::newRow("numbers") << QByteArray("[-0.0, 1e300, 2.5, 1e2, -7, 9007199254740993, 1e19]")
                             << QByteArray("[0,1e+300,2.5,100,-7,9007199254740993,1e+19]");
    // Text numbers in lowest terms, or as the integer or double they equal.
    QTest::newRow("text numbers") << QByteArray("[12345678901234567890123, -1.2345678901234567890123000e22, "
                                                "0.1000000000000000055511151231257827, 1e400, 1E+400, -1.50e-400, "
                                                "100000000000000000000000, 9007199254740993.0]")
                                  << QByteArray("[12345678901234567890123,-12345678901234567890123,"
                                                "1000000000000000055511151231257827e-34,1e400,1e400,-15e-401,1e+23,"
                                                "9007199254740993]");
    QTest::newRow("recursive") << QByteArray(R"({"z":{"y":1,"x":[{"b":1,"a":2}]},"a":null})")
                               << QByteArray(R"({"a":null,"z":{"x":[{"a":2,"b":1}],"y":1}})");
    QTest::newRow("UTF-8 byte order") << QByteArray("{\"\xC3\xA9\":1,\"z\":2,\"\\u00e0\":3,\"A\":4}")
                                      << QByteArray("{\"A\":4,\"z\":2,\"\xC3\xA0\":3,\"\xC3\xA9\":1}");
    QTest::newRow("escapes") << QByteArray(R"([" a\u0001\"\\\/\n\u001f"])") << QByteArray(R"([" a\u0001\"\\/\n\u001f"])");
    QTest::newRow("whitespace") << QByteArray(" { \"a\" : [ true , false ] } ") << QByteArray(R"({"a":[true,false]})");
}

void tst_Json::canonical()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);

    const Json value = parsed(text);
    QCOMPARE(value.canonical(), expected);
    QCOMPARE(parsed(expected), value);
    QCOMPARE(parsed(expected).canonical(), expected);
}

void tst_Json::equality_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");

    auto row = [](const char *a, const char *b, bool equal) {
        QTest::addRow("%s vs %s", a, b) << QByteArray(a) << QByteArray(b) << equal;
    };
    row(R"({"a":1,"b":2})", R"({"b":2,"a":1})", true);
    row("1", "1.0", true);
    row("[1,2]", "[1.0,2e0]", true);
    row("-0", "0", true);
    row("9007199254740993", "9007199254740992.0", false);
    row("9007199254740992", "9007199254740992.0", true);
    row("1.5", "1.5", true);
    row("1.5", "1.25", false);
    row("1e400000", "1e400000", true); // kept as text, equal text
    row("1e400000", "null", false);
    // Numbers kept as text equal numbers of the same value, whatever their encoding.
    row("12345678901234567890123", "12345678901234567890123", true);
    row("12345678901234567890123", "12345678901234567890123.0", true);
    row("12345678901234567890123", "1.2345678901234567890123e22", true);
    row("12345678901234567890123", "12345678901234567890124", false);
    row("12345678901234567890123", "-12345678901234567890123", false);
    row("12345678901234567890123", "1.2345678901234568e22", false); // the double it rounds to
    row("100000000000000000000000", "1e23", true);                  // a 24-digit integer that a double holds
    row("-9223372036854775809", "-9223372036854775808", false);
    row("9007199254740993.0", "9007199254740993", true);
    row("9007199254740993.0", "9007199254740992", false);
    row("0.1000000000000000055511151231257827", "0.1", false);
    row("0.1000000000000000055511151231257827", "0.10000000000000000555111512312578270", true);
    row("0.1000000000000000055511151231257827", "1.000000000000000055511151231257827e-1", true);
    row("3.141592653589793238462643383279", "3.141592653589793", false);
    row("1e400", "10e399", true);
    row("1e400", "-1e400", false);
    row("1e400", "1e401", false);
    row("1e-400", "0", false);
    row("1e-400", "1e-401", false);
    row("[12345678901234567890123,1e400]", "[12345678901234567890123.00,1E+400]", true);
    row(R"({"big":12345678901234567890123,"n":1})", R"({"n":1.0,"big":12345678901234567890123})", true);
    row(R"({"big":12345678901234567890123})", R"({"big":12345678901234567890124})", false);
    row(R"("a")", R"("a")", true);
    row(R"("a")", R"("b")", false);
    row(R"("\u00e9")", "\"\xC3\xA9\"", true);
    row(R"("\u0041")", R"("A")", true);
    row("[1,2]", "[2,1]", false);
    row("[1,2]", "[1,2,3]", false);
    row(R"({"a":[1,{"b":null}]})", R"({"a":[1,{"b":null}]})", true);
    row(R"({"x":{"b":1,"a":[1.0]}})", R"({"x":{"a":[1],"b":1}})", true);
    row(R"({"a":1})", R"({"a":1,"b":2})", false);
    row(R"({"a":1,"b":2})", R"({"a":1,"c":2})", false);
    row(R"({"a":1,"b":2})", R"({"b":1,"a":2})", false);
    row(R"({"a":1,"a":2})", R"({"a":2})", true);
    row("null", "false", false);
    row("true", "1", false);
    row("0", "false", false);
    row(R"("")", "null", false);
    row("[]", "{}", false);
    row("[]", "[]", true);
    row(R"({"k":"v"})", R"({"k":"v "})", false);
}

void tst_Json::equality()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);

    const Json x = Json::parse(a);
    const Json y = Json::parse(b);
    QCOMPARE(x == y, equal);
    QCOMPARE(y == x, equal);
    QCOMPARE(x != y, !equal);
    QCOMPARE(x.canonical() == y.canonical(), equal);
    if (equal) {
        QCOMPARE(qHash(x), qHash(y));
        QCOMPARE(qHash(x, 42), qHash(y, 42));
        QSet<Json> set{x};
        QVERIFY(set.contains(y));
    }
    QVERIFY(x == x);
    QVERIFY(x == Json::parse(a));
}

void tst_Json::accessors()
{
    const Json o = parsed(R"({"b":true,"i":-7,"d":2.5,"w":3.0,"big":1e300,"s":"str","n":null,"a":[1],"o":{}})");
    QVERIFY(o.isObject());
    QCOMPARE(o.type(), Type::Object);
    QCOMPARE(o.size(), 9);

    QVERIFY(o["b"].isBool());
    QVERIFY(o["b"].toBool());
    QVERIFY(o["i"].isInteger());
    QVERIFY(o["i"].isNumber());
    QVERIFY(o["d"].isDouble());
    QVERIFY(o["s"].isString());
    QVERIFY(o["n"].isNull());
    QVERIFY(o["a"].isArray());
    QVERIFY(o["o"].isObject());
    QVERIFY(o["missing"].isUndefined());
    QCOMPARE(o["missing"].type(), Type::Undefined);

    QCOMPARE(o["i"].toInteger(), -7);
    QCOMPARE(o["i"].toDouble(), -7.0);
    QCOMPARE(o["d"].toDouble(), 2.5);
    QCOMPARE(o["d"].toInteger(99), 99); // not integral
    QCOMPARE(o["w"].toInteger(99), 3);
    QCOMPARE(o["big"].toInteger(99), 99); // out of range
    QCOMPARE(o["s"].toString(), QStringLiteral("str"));
    QCOMPARE(o["s"].stringUtf8(), QByteArrayView("str"));

    // Defaults for the wrong type.
    QCOMPARE(o["s"].toBool(true), true);
    QCOMPARE(o["n"].toBool(false), false);
    QCOMPARE(o["s"].toInteger(5), 5);
    QCOMPARE(o["b"].toDouble(1.5), 1.5);
    QCOMPARE(o["i"].toString(QStringLiteral("def")), QStringLiteral("def"));
    QVERIFY(o["i"].stringUtf8().isNull());
    QCOMPARE(o["missing"].toInteger(3), 3);

    // Containers only.
    QCOMPARE(o["s"].size(), 0);
    QVERIFY(o.at(0).isUndefined());
    QVERIFY(o["a"].value("x").isUndefined());
    QCOMPARE(o["a"].at(0), Json(1));
    QVERIFY(o["a"].at(1).isUndefined());
    QVERIFY(o["a"].at(-1).isUndefined());
    QVERIFY(o.keyAt(9).isNull());
    QVERIFY(o.valueAt(-1).isUndefined());
    QVERIFY(o["a"].keyAt(0).isNull());
    QCOMPARE(o.keyUtf8At(5), QByteArrayView("s"));

    QCOMPARE(o["b"].encodedSize(), 1);
    QCOMPARE(o["i"].encodedSize(), 2);
    QCOMPARE(o["d"].encodedSize(), 9);
    QCOMPARE(o["s"].encodedSize(), 4);
    QCOMPARE(Json().encodedSize(), 0);
    QVERIFY(o.encodedSize() > o["a"].encodedSize() + o["o"].encodedSize());

    const Json u;
    QVERIFY(u.isUndefined());
    QCOMPARE(u.size(), 0);
    QCOMPARE(u.toJson(), QByteArray("null"));
    QVERIFY(u.canonical().isEmpty());
    QVERIFY(u.at(0).isUndefined());
    QVERIFY(u.value("a").isUndefined());
    QVERIFY(u.toQJsonValue().isUndefined());
    QVERIFY(u == Json());
    QVERIFY(u != Json(nullptr));
    QVERIFY(u.identical(Json()));
}

void tst_Json::keyLookup()
{
    const QByteArray longKey(80, 'k');
    const Json o = parsed("{\"id\":1,\"gr\xC3\xB6\xC3\x9F" "e\":2,\"" + longKey + "\":3,\"\":4}");

    QCOMPARE(o["id"], Json(1));
    QCOMPARE(o[u"id"], Json(1));
    QCOMPARE(o[QLatin1StringView("id")], Json(1));
    QCOMPARE(o.value(QStringLiteral("id")), Json(1));
    QCOMPARE(o.value(QByteArray("id")), Json(1));
    QCOMPARE(o.value(QByteArrayView("id")), Json(1));

    QCOMPARE(o.value(QStringLiteral("gr\u00f6\u00dfe")), Json(2));
    QCOMPARE(o.value(QLatin1StringView("gr\xF6\xDF" "e")), Json(2));
    QCOMPARE(o.value(QByteArrayView("gr\xC3\xB6\xC3\x9F" "e")), Json(2));
    QVERIFY(o.contains(QLatin1StringView("gr\xF6\xDF" "e")));
    QVERIFY(o.contains(u"gr\u00f6\u00dfe"));
    QVERIFY(!o.contains(QByteArrayView("gr\xF6\xDF" "e"))); // Latin-1 bytes are not that UTF-8 key

    QCOMPARE(o.value(QLatin1StringView(longKey)), Json(3));
    QCOMPARE(o.value(QString::fromLatin1(longKey)), Json(3));
    QVERIFY(o.value(QLatin1StringView(longKey.left(79))).isUndefined());
    QCOMPARE(o.value(QStringView()), Json(4));
    QVERIFY(o.contains(QByteArrayView("")));

    QVERIFY(!o.contains(u"ID"));
    QVERIFY(!o.contains("i"));
    QVERIFY(o["nope"].isUndefined());
    QCOMPARE(o.keyAt(1), QStringLiteral("gr\u00f6\u00dfe"));
    QCOMPARE(o.keyUtf8At(1), QByteArrayView("gr\xC3\xB6\xC3\x9F" "e"));
}

void tst_Json::iteration()
{
    const Json array = parsed("[1,2,3]");
    qint64 sum = 0;
    for (const Json &element : array)
        sum += element.toInteger();
    QCOMPARE(sum, 6);

    const Json object = parsed(R"({"x":10,"y":20})");
    QStringList keys;
    QList<qint64> values;
    for (auto it = object.begin(); it != object.end(); ++it) {
        keys << it.key();
        values << (*it).toInteger();
    }
    QCOMPARE(keys, (QStringList{QStringLiteral("x"), QStringLiteral("y")}));
    QCOMPARE(values, (QList<qint64>{10, 20}));

    int visits = 0;
    for (const Json &element : Json(5))
        visits += !element.isUndefined();
    for (const Json &element : parsed("[]"))
        visits += !element.isUndefined();
    QCOMPARE(visits, 0);
    QCOMPARE(std::distance(array.begin(), array.end()), 3);
}

void tst_Json::builders()
{
    const Json shared = parsed(R"({"inner":[1,{"deep":true}]})");
    const Json array = Json::array({nullptr, true, 1, 2.5, "s", u"u", QStringLiteral("q"), QLatin1StringView("l"),
                                    Json::object({{u"k", 1}}), shared["inner"], Json()});
    QCOMPARE(array.toJson(), QByteArray(R"([null,true,1,2.5,"s","u","q","l",{"k":1},[1,{"deep":true}],null])"));
    QCOMPARE(array.size(), 11);
    QCOMPARE(array.at(9), shared["inner"]);
    QVERIFY(!array.at(9).identical(shared["inner"]));

    const Json object = Json::object({{u"b", 1}, {u"a", "x"}, {u"skipped", Json()}, {u"n", nullptr}});
    QCOMPARE(object.toJson(), QByteArray(R"({"b":1,"a":"x","n":null})"));
    QCOMPARE(object.keyAt(0), QStringLiteral("b"));
    QCOMPARE(object, parsed(R"({"a":"x","n":null,"b":1})"));

    const Json key = Json::array({"todos", Json::object({{u"page", 2}, {u"filter", "open"}})});
    QCOMPARE(key.canonical(), QByteArray(R"(["todos",{"filter":"open","page":2}])"));
    QCOMPARE(key, parsed(R"(["todos",{"page":2.0,"filter":"open"}])"));

    QCOMPARE(Json::array({}).toJson(), QByteArray("[]"));
    QCOMPARE(Json::object({}).toJson(), QByteArray("{}"));
}

// Json::object() writes integers, booleans, null, doubles and text straight into the object (JsonArg): each must
// give the bytes the same value gives made as a Json first.
void tst_Json::objectMembersWrittenInPlace()
{
    const QString accented = QStringLiteral("caf\u00e9 \U0001F600");
    const QString lone = QString(QChar(0xD800)) + u'x';   // a lone surrogate: U+FFFD, as Json(QString)
    const QString longAscii(70, u'a');                   // past the short-string header
    const QString longAccented = longAscii + QChar(0xE9);
    const char latin1[] = "na\xefve";                    // Latin-1 for "naïve"
    const quint64 huge = std::numeric_limits<quint64>::max();

    const Json inPlace = Json::object({
        {u"int", 7}, {u"neg", -1}, {u"i64", std::numeric_limits<qint64>::min()}, {u"size", qsizetype(1) << 40},
        {u"u64", huge}, {u"u8", quint8(200)}, {u"t", true}, {u"f", false}, {u"null", nullptr},
        {u"dbl", 2.5}, {u"nan", qQNaN()}, {u"inf", qInf()},
        {u"ascii", QStringLiteral("plain")}, {u"view", QStringView(accented)}, {u"lone", lone},
        {u"literal", u"lit"}, {u"long", longAscii}, {u"longAccented", longAccented},
        {u"latin1", QLatin1StringView(latin1)}, {u"latin1Long", QLatin1StringView(QByteArray(70, 'b'))},
        {u"utf8", "\xc3\xa9t\xc3\xa9"}, {u"json", Json::array({1, 2})}, {u"skip", Json()}, {u"skipped", {}},
        {u"empty", QString()}, {u"k\u00e9y", 1}});
    const Json viaJson = Json::object({
        {u"int", Json(7)}, {u"neg", Json(-1)}, {u"i64", Json(std::numeric_limits<qint64>::min())},
        {u"size", Json(qsizetype(1) << 40)}, {u"u64", Json(huge)}, {u"u8", Json(quint8(200))}, {u"t", Json(true)},
        {u"f", Json(false)}, {u"null", Json(nullptr)}, {u"dbl", Json(2.5)}, {u"nan", Json(qQNaN())},
        {u"inf", Json(qInf())}, {u"ascii", Json(QStringLiteral("plain"))}, {u"view", Json(QStringView(accented))},
        {u"lone", Json(lone)}, {u"literal", Json(u"lit")}, {u"long", Json(longAscii)},
        {u"longAccented", Json(longAccented)}, {u"latin1", Json(QLatin1StringView(latin1))},
        {u"latin1Long", Json(QLatin1StringView(QByteArray(70, 'b')))}, {u"utf8", Json("\xc3\xa9t\xc3\xa9")},
        {u"json", Json(Json::array({1, 2}))}, {u"empty", Json(QString())}, {u"k\u00e9y", Json(1)}});

    QCOMPARE(inPlace.size(), 24);
    QCOMPARE(inPlace.toJson(), viaJson.toJson());
    QCOMPARE(inPlace, viaJson);
    QCOMPARE(inPlace.value(u"u64").numberText(), QStringLiteral("18446744073709551615"));
    QVERIFY(inPlace.value(u"nan").isNull());
    QCOMPARE(inPlace.value(u"view").toString(), accented);
    QCOMPARE(inPlace.value(u"latin1").toString(), QStringLiteral("na\u00efve"));
    QCOMPARE(inPlace.value(u"longAccented").toString(), longAccented);
    QCOMPARE(inPlace.value(u"lone").toString(), QStringLiteral("\uFFFDx"));
    QVERIFY(!inPlace.contains(u"skipped"));
    QCOMPARE(inPlace.keyAt(0), QStringLiteral("int"));
}

void tst_Json::constructors()
{
    QCOMPARE(Json(qsizetype(12)).toInteger(), 12);
    QCOMPARE(Json(7u).toInteger(), 7);
    QCOMPARE(Json(short(-3)).toInteger(), -3);
    QCOMPARE(Json(std::numeric_limits<qint64>::min()).toInteger(), std::numeric_limits<qint64>::min());
    const Json huge(std::numeric_limits<quint64>::max());
    QVERIFY(huge.isDouble());
    QCOMPARE(huge.toDouble(), 18446744073709551615.0);
    QVERIFY(huge.isTextNumber());   // exact
    QCOMPARE(huge.toJson(), QByteArray("18446744073709551615"));
    QCOMPARE(huge, Json::parse("18446744073709551615"));
    QVERIFY(Json(1.0).isDouble());
    QVERIFY(Json(1.5f).isDouble());
    QVERIFY(Json(std::nan("")).isNull());
    QVERIFY(Json(std::numeric_limits<double>::infinity()).isNull());
    QVERIFY(Json(nullptr).isNull());
    QVERIFY(Json(static_cast<const char *>(nullptr)).isNull());
    QVERIFY(Json(false).isBool());
    QVERIFY(!Json(false).toBool(true));

    QCOMPARE(Json("caf\xC3\xA9").toString(), QStringLiteral("caf\u00e9"));
    QCOMPARE(Json("bad \xFF byte").toString(), QStringLiteral("bad \uFFFD byte"));
    QCOMPARE(Json(QLatin1StringView("caf\xE9")).toString(), QStringLiteral("caf\u00e9"));
    QCOMPARE(Json(QLatin1StringView("caf\xE9")).stringUtf8(), QByteArrayView("caf\xC3\xA9"));
    QCOMPARE(Json(QStringView(u"x\xD800y")).toString(), QStringLiteral("x\uFFFDy"));
    QCOMPARE(Json(QString::fromUcs4(U"\U0001F600")).stringUtf8(), QByteArrayView("\xF0\x9F\x98\x80"));
    QCOMPARE(Json(QString(100, u'\u00e9')).toString(), QString(100, u'\u00e9'));
    QCOMPARE(Json(u"abc"), parsed(R"("abc")"));
}

void tst_Json::withValue()
{
    const Json o = parsed(R"({"a":1,"b":[2],"c":"3"})");
    QCOMPARE(o.withValue(u"b", "new").toJson(), QByteArray(R"({"a":1,"b":"new","c":"3"})"));
    QCOMPARE(o.withValue(u"d", Json::array({true})).toJson(), QByteArray(R"({"a":1,"b":[2],"c":"3","d":[true]})"));
    QCOMPARE(o.withValue(u"\u00e9", 1).value(u"\u00e9"), Json(1));
    QCOMPARE(o.withValue(u"a", Json()).toJson(), QByteArray(R"({"b":[2],"c":"3"})"));
    QCOMPARE(o.withValue(u"a", o["b"]).toJson(), QByteArray(R"({"a":[2],"b":[2],"c":"3"})"));
    QCOMPARE(o.toJson(), QByteArray(R"({"a":1,"b":[2],"c":"3"})")); // unchanged

    const Json nested = o["b"];
    QVERIFY(nested.withValue(u"x", 1).identical(nested)); // not an object
    QVERIFY(Json().withValue(u"x", 1).isUndefined());

    Json grown = Json::object({});
    for (int i = 0; i < 300; ++i)
        grown = grown.withValue(QString::number(i), i);
    QCOMPARE(grown.size(), 300);
    QCOMPARE(grown.value(u"299"), Json(299));
    QCOMPARE(grown.valueAt(150), Json(150));
}

void tst_Json::withoutKey()
{
    const Json o = parsed(R"({"a":1,"b":2})");
    QCOMPARE(o.withoutKey(u"a").toJson(), QByteArray(R"({"b":2})"));
    QCOMPARE(o.withoutKey(u"a").withoutKey(u"b").toJson(), QByteArray("{}"));
    QVERIFY(o.withoutKey(u"zzz").identical(o));
    QVERIFY(parsed("[1]").withoutKey(u"a").isArray());
    QCOMPARE(o.size(), 2);
}

void tst_Json::merged_data()
{
    QTest::addColumn<QByteArray>("base");
    QTest::addColumn<QByteArray>("patch");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("replace and add") << QByteArray(R"({"a":1,"b":2})") << QByteArray(R"({"b":3,"c":4})")
                                     << QByteArray(R"({"a":1,"b":3,"c":4})");
    QTest::newRow("null is a value") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":null})")
                                     << QByteArray(R"({"a":null})");
    QTest::newRow("shallow") << QByteArray(R"({"a":{"x":1}})") << QByteArray(R"({"a":{"y":2}})")
                             << QByteArray(R"({"a":{"y":2}})");
    QTest::newRow("into empty") << QByteArray("{}") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":1})");
    QTest::newRow("empty patch") << QByteArray(R"({"a":1})") << QByteArray("{}") << QByteArray(R"({"a":1})");
    QTest::newRow("patch not an object") << QByteArray(R"({"a":1})") << QByteArray("[1]") << QByteArray("[1]");
    QTest::newRow("base not an object") << QByteArray("[1]") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":1})");
    QTest::newRow("duplicates in base") << QByteArray(R"({"a":1,"a":2,"b":0})") << QByteArray(R"({"a":3})")
                                        << QByteArray(R"({"a":3,"b":0})");
    QTest::newRow("duplicates in patch") << QByteArray(R"({"a":1})") << QByteArray(R"({"b":1,"b":2})")
                                         << QByteArray(R"({"a":1,"b":2})");
}

void tst_Json::merged()
{
    QFETCH(QByteArray, base);
    QFETCH(QByteArray, patch);
    QFETCH(QByteArray, expected);

    const Json b = parsed(base);
    const Json result = b.merged(parsed(patch));
    QCOMPARE(result.toJson(), expected);
    QCOMPARE(b.toJson(), parsed(base).toJson());
    QVERIFY(b.merged(Json()).identical(b));
}

void tst_Json::arrayEdits()
{
    const Json a = parsed(R"([0,"one",{"two":2}])");
    QCOMPARE(a.withAt(1, 1).toJson(), QByteArray(R"([0,1,{"two":2}])"));
    QCOMPARE(a.withAt(2, Json()).toJson(), QByteArray("[0,\"one\",null]"));
    QCOMPARE(a.withInserted(0, "first").toJson(), QByteArray(R"(["first",0,"one",{"two":2}])"));
    QCOMPARE(a.withInserted(2, true).toJson(), QByteArray(R"([0,"one",true,{"two":2}])"));
    QCOMPARE(a.withInserted(3, a).toJson(), QByteArray(R"([0,"one",{"two":2},[0,"one",{"two":2}]])"));
    QCOMPARE(a.withAppended(false).toJson(), QByteArray(R"([0,"one",{"two":2},false])"));
    QCOMPARE(a.withoutAt(0).toJson(), QByteArray(R"(["one",{"two":2}])"));
    QCOMPARE(a.withoutAt(2).toJson(), QByteArray(R"([0,"one"])"));
    QCOMPARE(a.withoutAt(0).withoutAt(0).withoutAt(0).toJson(), QByteArray("[]"));
    QCOMPARE(parsed("[]").withAppended(1).toJson(), QByteArray("[1]"));

    // Out of range or not an array: unchanged.
    QVERIFY(a.withAt(3, 1).identical(a));
    QVERIFY(a.withAt(-1, 1).identical(a));
    QVERIFY(a.withInserted(4, 1).identical(a));
    QVERIFY(a.withoutAt(3).identical(a));
    const Json o = a.at(2);
    QVERIFY(o.withAppended(1).identical(o));

    // Edits of a sub-array give a document of their own.
    const Json big = parsed(recordsText(100));
    const Json tags = big.at(50)["tags"].withAppended("c");
    QCOMPARE(tags.toJson(), QByteArray(R"(["a","b","c"])"));
    QCOMPARE(tags.encodedSize(), big.at(50)["tags"].encodedSize() + 2 + 1);
}

void tst_Json::detached()
{
    const Json big = parsed(recordsText(10));
    const Json row = big.at(3);
    const Json copy = row.detached();
    QCOMPARE(copy, row);
    QVERIFY(!copy.identical(row));
    QCOMPARE(copy.encodedSize(), row.encodedSize());
    QVERIFY(copy.detached().identical(copy)); // already alone
    QVERIFY(big.detached().identical(big));
    QVERIFY(Json().detached().isUndefined());
}

void tst_Json::qjsonConversion()
{
    const QJsonObject object{
            {"name", "caf\u00e9"},
            {"count", 3},
            {"ratio", 0.25},
            {"big", qint64(9007199254740993)},
            {"flags", QJsonArray{true, false, QJsonValue::Null}},
            {"nested", QJsonObject{{"list", QJsonArray{1, "two", QJsonObject{}}}}},
    };
    const Json fromObject(object);
    QVERIFY(fromObject.isObject());
    QCOMPARE(fromObject.size(), object.size());
    QCOMPARE(fromObject.toQJsonValue(), QJsonValue(object));
    QCOMPARE(fromObject["big"].toInteger(), 9007199254740993);
    QVERIFY(fromObject["count"].isInteger());
    QVERIFY(fromObject["ratio"].isDouble());
    QCOMPARE(fromObject["nested"]["list"].at(1).toString(), QStringLiteral("two"));

    const QJsonArray array{1, 2.5, "x", QJsonArray{}};
    QCOMPARE(Json(array).toQJsonValue(), QJsonValue(array));
    QCOMPARE(Json(QJsonValue(array)), Json(array));
    QCOMPARE(Json(QJsonValue(array)).toJson(), QByteArray(R"([1,2.5,"x",[]])"));

    QVERIFY(Json(QJsonValue(QJsonValue::Undefined)).isUndefined());
    QVERIFY(Json(QJsonValue(QJsonValue::Null)).isNull());
    QVERIFY(Json(QJsonValue(2.0)).isNumber());
    QCOMPARE(Json(QJsonValue(2.0)), Json(2));
    QVERIFY(Json(QJsonValue(2.5)).isDouble());
    QCOMPARE(Json(QJsonValue(QStringLiteral("s"))).toString(), QStringLiteral("s"));
    QCOMPARE(Json(true).toQJsonValue(), QJsonValue(true));
    QCOMPARE(Json(-0.0).toQJsonValue().toDouble(), 0.0);

    // A text number becomes the nearest double, or the integer it is.
    QCOMPARE(parsed("12345678901234567890123").toQJsonValue(), QJsonValue(12345678901234567890123.0));
    QCOMPARE(parsed("9007199254740993.0").toQJsonValue().toInteger(), 9007199254740993);
    QCOMPARE(parsed("[0.1000000000000000055511151231257827]").toQJsonValue(), QJsonValue(QJsonArray{0.1}));
}

void tst_Json::emptyContainers()
{
    const Json parsedArray = parsed(" [ ] ");
    const Json parsedObject = parsed("{ }");
    QVERIFY(parsedArray.isArray());
    QVERIFY(parsedObject.isObject());
    QVERIFY(parsedArray.isEmpty());
    QCOMPARE(parsedObject.size(), 0);
    QVERIFY(parsedArray.at(0).isUndefined());
    QVERIFY(parsedObject.valueAt(0).isUndefined());
    QCOMPARE(parsedArray, Json::array({}));
    QCOMPARE(parsedObject, Json::object({}));
    QVERIFY(parsedArray != parsedObject);
    QCOMPARE(parsedArray.toQJsonValue(), QJsonValue(QJsonArray()));
    QCOMPARE(parsedObject.toQJsonValue(), QJsonValue(QJsonObject()));
    QCOMPARE(parsedArray.toJson(Json::Format::Indented), QByteArray("[]\n"));

    const Json nested = parsed(R"([[],{},{"a":[],"b":{}}])");
    QCOMPARE(nested.toJson(), QByteArray(R"([[],{},{"a":[],"b":{}}])"));
    QCOMPARE(nested.at(2)["a"].size(), 0);
    QVERIFY(nested.at(2)["b"].isObject());
}

void tst_Json::indentedFormat()
{
    const Json value = parsed(R"({"a":[1,{"b":null}],"c":{},"d":"x"})");
    const QByteArray expected = "{\n"
                                "    \"a\": [\n"
                                "        1,\n"
                                "        {\n"
                                "            \"b\": null\n"
                                "        }\n"
                                "    ],\n"
                                "    \"c\": {},\n"
                                "    \"d\": \"x\"\n"
                                "}\n";
    QCOMPARE(value.toJson(Json::Format::Indented), expected);
    QCOMPARE(QJsonDocument::fromJson(expected).object(), value.toQJsonValue().toObject());
    QCOMPARE(parsed("5").toJson(Json::Format::Indented), QByteArray("5\n"));
}

void tst_Json::hugeArrayAccess()
{
    constexpr int Count = 1'000'000;
    QByteArray text;
    text.reserve(Count * 8);
    text += '[';
    for (int i = 0; i < Count; ++i) {
        if (i)
            text += ',';
        text += QByteArray::number(i);
    }
    text += ']';

    const Json array = parsed(text);
    QCOMPARE(array.size(), Count);
    QCOMPARE(array.at(0), Json(0));
    QCOMPARE(array.at(123456), Json(123456));
    QCOMPARE(array.at(Count - 1), Json(Count - 1));
    QVERIFY(array.at(Count).isUndefined());

    // Random access over the whole range: constant time per element.
    QRandomGenerator random(7);
    std::vector<int> indexes(Count);
    for (int &i : indexes)
        i = int(random.bounded(Count));
    qint64 mismatches = 0;
    QElapsedTimer timer;
    timer.start();
    for (int i : indexes)
        mismatches += array.at(i).toInteger() != i;
    const double ns = double(timer.nsecsElapsed()) / Count;
    QCOMPARE(mismatches, 0);
    qInfo("random at() over %d elements: %.1f ns each", Count, ns);
}

void tst_Json::threadedCopies()
{
    const Json doc = parsed(recordsText(1000));
    std::vector<std::thread> threads;
    std::vector<qint64> sums(4);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&doc, &sums, t] {
            qint64 sum = 0;
            for (int round = 0; round < 50; ++round) {
                for (qsizetype i = 0; i < doc.size(); ++i) {
                    const Json row = doc.at(i);
                    const Json copy = row;
                    sum += copy["id"].toInteger();
                }
            }
            sums[t] = sum;
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    for (qint64 sum : sums)
        QCOMPARE(sum, qint64(50) * 999 * 1000 / 2);
    QCOMPARE(doc.at(999)["id"], Json(999));
}

void tst_Json::metaTypeAndDebug()
{
    const Json value = parsed(R"({"a":[1,"x"]})");
    const QVariant variant = QVariant::fromValue(value);
    QCOMPARE(variant.metaType(), QMetaType::fromType<Json>());
    QCOMPARE(variant.value<Json>(), value);
    QVERIFY(variant.value<Json>().identical(value));

    QString text;
    QDebug(&text) << value << Json() << Json::Type::Double;
    QCOMPARE(text.trimmed(), QStringLiteral(R"(Json({"a":[1,"x"]}) Json(undefined) refetch::Json::Type::Double)"));

    QCOMPARE(QMetaEnum::fromType<JsonParseError::Code>().valueToKey(int(Code::TooDeep)), "TooDeep");
}

void tst_Json::memoryPerDocument()
{
    constexpr int Count = 100'000;
    std::vector<Json> docs;
#if defined(__GLIBC__)
    malloc_trim(0); // hand free heap pages back, so that reusing them does not hide growth
#endif
    const qint64 before = residentBytes();
    docs.reserve(Count);
    char text[64];
    for (int i = 0; i < Count; ++i) {
        const int n = std::snprintf(text, sizeof text, R"({"id":%d,"title":"t%d"})", i, i);
        docs.push_back(Json::parse(QByteArrayView(text, n)));
    }
    const qint64 after = residentBytes();
    QVERIFY(before > 0 && after > 0);
    QCOMPARE(docs[5].toJson(), QByteArray(R"({"id":5,"title":"t5"})"));
    QCOMPARE(docs[Count - 1]["id"], Json(Count - 1));

    const double perDocument = double(after - before) / Count;
    qInfo("RSS growth per {\"id\":N,\"title\":\"tN\"} document held in a std::vector<Json>: %.1f bytes "
          "(encoding of id 5: %lld bytes + %d header)",
          perDocument, qlonglong(docs[5].encodedSize()), int(sizeof(refetch::detail::JsonData)));
    QVERIFY2(perDocument < 120, QByteArray::number(perDocument));
}

void tst_Json::parseSpeed()
{
    constexpr int Rows = 100'000;
    const QByteArray records = recordsText(Rows);

    Json ours;
    QJsonDocument theirs;
    const double oursMs = bestMs(5, [&] { ours = Json::parse(records); });
    const double qtMs = bestMs(5, [&] { theirs = QJsonDocument::fromJson(records); });
    QCOMPARE(ours.size(), Rows);
    QCOMPARE(theirs.array().size(), Rows);
    QCOMPARE(ours.at(Rows - 1)["title"].toString(), QStringLiteral("some title 99999"));
    qInfo("parse %d records (%.1f MB): Json %.1f ms, QJsonDocument %.1f ms, %.2fx faster", Rows,
          records.size() / 1e6, oursMs, qtMs, qtMs / oursMs);

    // A refetch: parse the new payload and find the changed rows.
    const QByteArray refetched = recordsText(Rows, 4242);
    QList<qsizetype> changed;
    const double diffMs = bestMs(5, [&] {
        changed.clear();
        const Json fresh = Json::parse(refetched);
        for (qsizetype i = 0; i < fresh.size(); ++i) {
            if (fresh.at(i) != ours.at(i))
                changed.append(i);
        }
    });
    QCOMPARE(changed, QList<qsizetype>{4242});
    qInfo("refetch of %d records, parse + row diff: %.1f ms = %.2fx a bare QJsonDocument::fromJson", Rows, diffMs,
          diffMs / qtMs);

    // Small documents, as the cache stores them one by one.
    constexpr int Small = 100'000;
    std::vector<QByteArray> texts;
    texts.reserve(Small);
    for (int i = 0; i < Small; ++i)
        texts.push_back(R"({"id":)" + QByteArray::number(i) + R"(,"title":"t)" + QByteArray::number(i) + "\"}");
    qint64 check = 0;
    const double smallOursMs = bestMs(5, [&] {
        for (const QByteArray &text : texts)
            check += Json::parse(text).size();
    });
    const double smallQtMs = bestMs(5, [&] {
        for (const QByteArray &text : texts)
            check += QJsonDocument::fromJson(text).object().size();
    });
    QCOMPARE(check, qint64(10) * 2 * Small);
    qInfo("parse a small object: Json %.0f ns, QJsonDocument %.0f ns, %.2fx faster", smallOursMs * 1e6 / Small,
          smallQtMs * 1e6 / Small, smallQtMs / smallOursMs);
}

void tst_Json::equalitySpeed()
{
    constexpr int Rows = 100'000;
    const QByteArray text = recordsText(Rows);
    const Json a = parsed(text);
    const Json b = parsed(text);
    QVERIFY(!a.identical(b));

    bool equal = false;
    const double sameMs = bestMs(5, [&] { equal = a == b; });
    QVERIFY(equal);

    // Same content, another member order: no byte fast path at the top.
    QByteArray reordered = text;
    reordered.replace(R"("id":99999,"title":"some title 99999")", R"("title":"some title 99999","id":99999)");
    const Json c = parsed(reordered);
    const double reorderedMs = bestMs(5, [&] { equal = a == c; });
    QVERIFY(equal);

    const Json d = parsed(recordsText(Rows, Rows - 1));
    const double differentMs = bestMs(5, [&] { equal = a == d; });
    QVERIFY(!equal);

    QCOMPARE(qHash(a), qHash(c));
    qInfo("== on %d records: %.2f ms equal bytes, %.2f ms one row reordered, %.2f ms last row differs", Rows,
          sameMs, reorderedMs, differentMs);
}

// Json::array and Json::object from lists keep their values as they are: a text number stays that number (a
// QJsonArray or QJsonObject rounds it to a double), Undefined elements are null, Undefined members are left out.
void tst_Json::builtFromListsKeepValuesAsTheyAre()
{
    const Json big = Json::parse("12345678901234567890123");
    const Json exact = Json::parse("0.1000000000000000055511151231257827");
    QVERIFY(big.isTextNumber() && exact.isTextNumber());
    const Json array = Json::array(QList<Json>{big, exact, Json(), Json(QStringLiteral("x"))});
    QCOMPARE(array.toJson(), QByteArray(R"([12345678901234567890123,0.1000000000000000055511151231257827,null,"x"])"));
    QVERIFY(array.at(0) == big);
    const Json object = Json::object(QList<std::pair<QString, Json>>{{QStringLiteral("big"), big}, {QStringLiteral("gone"), Json()}, {QStringLiteral("a"), array}});
    QCOMPARE(object.toJson(), QByteArray(R"({"big":12345678901234567890123,"a":[12345678901234567890123,)"
                                         R"(0.1000000000000000055511151231257827,null,"x"]})"));
    QCOMPARE(Json::array(QList<Json>{}).toJson(), QByteArray("[]"));
    QCOMPARE(Json::object(QList<std::pair<QString, Json>>{}).toJson(), QByteArray("{}"));
}

QTEST_GUILESS_MAIN(tst_Json)
#include "tst_json.moc"
