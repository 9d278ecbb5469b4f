#include "core/session/csv.h"

#include <QtTest>

using namespace refetch;
using namespace Qt::StringLiterals;

// CSV as the export writes it and the import reads it: what one writes, the other reads back field for field,
// whatever the text holds, fed whole or a character at a time; and the files spreadsheets save.
class tst_Csv : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fieldsAreQuotedOnlyWhenTheyMustBe();
    void cellsOfEveryType();
    void roundTrip_data();
    void roundTrip();
    void spreadsheetFiles();
    void anOpenQuoteIsAnError();
};

void tst_Csv::fieldsAreQuotedOnlyWhenTheyMustBe()
{
    QCOMPARE(Csv::field(u"plain"_s), u"plain"_s);
    QCOMPARE(Csv::field(u"a,b"_s), u"\"a,b\""_s);
    QCOMPARE(Csv::field(u"say \"hi\""_s), u"\"say \"\"hi\"\"\""_s);
    QCOMPARE(Csv::field(u"two\nlines"_s), u"\"two\nlines\""_s);
    QCOMPARE(Csv::field(u" padded"_s), u"\" padded\""_s);
    QCOMPARE(Csv::row({u"a"_s, u"b c"_s, QString()}), QByteArray("a,b c,\r\n"));
}

void tst_Csv::cellsOfEveryType()
{
    QCOMPARE(Csv::cell(Json(u"text"_s)), u"text"_s);
    QCOMPARE(Csv::cell(Json(qint64(7))), u"7"_s);
    QCOMPARE(Csv::cell(Json(2.5)), u"2.5"_s);
    QCOMPARE(Csv::cell(Json(true)), u"true"_s);
    QCOMPARE(Csv::cell(Json(nullptr)), QString());
    QCOMPARE(Csv::cell(Json()), QString());
    QCOMPARE(Csv::cell(Json::parse("{\"a\":[1,2]}")), u"{\"a\":[1,2]}"_s);
    // Digits past a double's precision stay as the server sent them.
    QCOMPARE(Csv::cell(Json::parse("12345678901234567890")), u"12345678901234567890"_s);
}

void tst_Csv::roundTrip_data()
{
    QTest::addColumn<QStringList>("fields");
    QTest::newRow("plain") << QStringList{u"1"_s, u"Post"_s, u"x"_s};
    QTest::newRow("empty fields") << QStringList{QString(), u"b"_s, QString()};
    QTest::newRow("commas and quotes") << QStringList{u"a,b"_s, u"\"quoted\""_s, u"\"\""_s};
    QTest::newRow("line breaks") << QStringList{u"one\ntwo"_s, u"crlf\r\ninside"_s, u"cr\ronly"_s};
    QTest::newRow("spaces and unicode") << QStringList{u"  lead"_s, u"trail  "_s, u"naïve — 日本"_s};
    QTest::newRow("separators of others") << QStringList{u"a;b"_s, u"c\td"_s};
    // The file's first cell starting with U+FEFF: unquoted, a reader takes it for the byte order mark (fuzz_csv).
    QTest::newRow("a first cell starting with U+FEFF") << QStringList{QString(QChar(0xfeff)), u"x"_s};
}

void tst_Csv::roundTrip()
{
    QFETCH(QStringList, fields);
    const QByteArray text = Csv::row(QStringList{u"h1"_s, u"h2"_s, u"h3"_s}.mid(0, fields.size())) + Csv::row(fields)
                          + Csv::row(fields);
    const QString decoded = QString::fromUtf8(text);
    QString error;
    const QList<QStringList> whole = Csv::parse(decoded, &error);
    QVERIFY(error.isEmpty());
    QCOMPARE(whole.size(), 3);
    QCOMPARE(whole.at(1), fields);
    QCOMPARE(whole.at(2), fields);
    // A character at a time: rows do not depend on where the blocks end.
    Csv::Reader reader;
    QList<QStringList> rows;
    for (QChar ch : decoded) {
        reader.feed(QStringView(&ch, 1));
        rows += reader.takeRows();
    }
    reader.finish();
    rows += reader.takeRows();
    QCOMPARE(rows, whole);
}

void tst_Csv::spreadsheetFiles()
{
    // LibreOffice with semicolons and a byte-order mark, LF rows, no line break at the end.
    QList<QStringList> rows = Csv::parse(u"\ufeffname;views\nAda;3\n\"Grace; Hopper\";4"_s);
    QCOMPARE(rows, (QList<QStringList>{{u"name"_s, u"views"_s}, {u"Ada"_s, u"3"_s}, {u"Grace; Hopper"_s, u"4"_s}}));
    // Tabs; a blank line is no record.
    rows = Csv::parse(u"a\tb\r\n\r\n1\t2\r\n"_s);
    QCOMPARE(rows, (QList<QStringList>{{u"a"_s, u"b"_s}, {u"1"_s, u"2"_s}}));
    // One column.
    rows = Csv::parse(u"title\nfirst\nsecond\n"_s);
    QCOMPARE(rows, (QList<QStringList>{{u"title"_s}, {u"first"_s}, {u"second"_s}}));
}

void tst_Csv::anOpenQuoteIsAnError()
{
    QString error;
    Csv::parse(u"a,b\n\"open,2\n"_s, &error);
    QVERIFY(!error.isEmpty());
}

QTEST_GUILESS_MAIN(tst_Csv)
#include "tst_csv.moc"
