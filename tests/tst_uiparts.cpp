#include "core/http/endpoint.h"
#include "core/http/httptransport.h"
#include "core/mutation/mutationqueue.h"
#include "core/providers/apidetector.h"
#include "core/providers/dataprovider.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"
#include "support/httpfixture.h"
#include "core/session/apiconnection.h"
#include "core/session/endpointsettings.h"
#include "ui/endpointtree.h"
#include "ui/fieldeditor.h"
#include "ui/settingsdialog.h"
#include "core/session/settingsstore.h"
#include "ui/statuspanel.h"
#include "core/session/transfermonitor.h"

#include "support/memorysecretbackend.h"
#include "core/session/tokenstore.h"
#include <QClipboard>
#include <QComboBox>
#include <QGuiApplication>
#include <QDateTimeEdit>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QCheckBox>
#include <QDir>
#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

// The parts of the window that stand on their own: field editors by JSON type, resource discovery, the settings
// store, and the download monitor.
class tst_UiParts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void statusSaysWhenTheServerDoesNotAnswer();
    void dialogSaysWhereTheTokenIs();
    void editorKind_data();
    void editorKind();
    void editorRoundTrip_data();
    void editorRoundTrip();
    void editorEditsAreSignalled();
    void structuredEditorValidates();
    void anyEditorReadsJsonOrText_data();
    void anyEditorReadsJsonOrText();
    void dateTimeEditKeepsZoneAndPrecision();
    void longTextIsNeverCut_data();
    void longTextIsNeverCut();
    void numbersRoundTripDigitForDigit_data();
    void numbersRoundTripDigitForDigit();
    void numberBeyondADoubleIsAnExactValue_data();
    void numberBeyondADoubleIsAnExactValue();
    void textThatIsNotANumberIsNotAValue_data();
    void textThatIsNotANumberIsNotAValue();
    void editorsSayWhatTheyCannotHold();
    void invalidEntryIsKeptAsTyped();


    void endpointValidation_data();
    void endpointValidation();
    void endpointConfigCarriesAuthorization();
    void settingsStoreRoundTrip();
    void transientEndpointsKeepTuningNotUrl();
    void removingAnEndpointAsksAboutUnsentChanges();
    void settingsDialogDialectFieldsRoundTrip();
    void settingsDialogLiveFieldsRoundTrip();
    void settingsDialogTestDetectsTheApi();
    void settingsDialogTestSaysWhyItFailed();

    void transferMonitorReportsLargeDownloads();
    void agoReadsNaturally_data();
    void agoReadsNaturally();
};

void tst_UiParts::editorKind_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<FieldEditor::Kind>("kind");
    QTest::newRow("short text") << QByteArray(R"("hello")") << FieldEditor::Kind::Text;
    QTest::newRow("empty text") << QByteArray(R"("")") << FieldEditor::Kind::Text;
    QTest::newRow("long text") << ('"' + QByteArray(80, 'a') + '"') << FieldEditor::Kind::LongText;
    QTest::newRow("text with a line break") << QByteArray(R"("a\nb")") << FieldEditor::Kind::LongText;
    QTest::newRow("integer") << QByteArray("42") << FieldEditor::Kind::Number;
    QTest::newRow("double") << QByteArray("4.5") << FieldEditor::Kind::Number;
    QTest::newRow("bool") << QByteArray("true") << FieldEditor::Kind::Boolean;
    QTest::newRow("date") << QByteArray(R"("1996-05-25")") << FieldEditor::Kind::Date;
    QTest::newRow("not a date") << QByteArray(R"("1996-13-45")") << FieldEditor::Kind::Text;
    QTest::newRow("date-time utc") << QByteArray(R"("2024-04-10T15:40:16Z")") << FieldEditor::Kind::DateTime;
    QTest::newRow("date-time offset, ms") << QByteArray(R"("2024-04-10T15:40:16.250+02:00")") << FieldEditor::Kind::DateTime;
    QTest::newRow("date-time, space, minutes") << QByteArray(R"("2024-04-10 15:40")") << FieldEditor::Kind::DateTime;
    QTest::newRow("object") << QByteArray(R"({"a":1})") << FieldEditor::Kind::Structured;
    QTest::newRow("array") << QByteArray("[1,2]") << FieldEditor::Kind::Structured;
    QTest::newRow("null") << QByteArray("null") << FieldEditor::Kind::Any;
}

void tst_UiParts::editorKind()
{
    QFETCH(QByteArray, json);
    QFETCH(FieldEditor::Kind, kind);
    QCOMPARE(FieldEditor::kindFor(Json::parse(json)), kind);
}

void tst_UiParts::editorRoundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("text") << QByteArray(R"("Profiling Qt: slot and timeout")");
    QTest::newRow("long text") << QByteArray(R"("line one\nline two, which is long enough to need a box of its own")");
    QTest::newRow("integer") << QByteArray("13190");
    QTest::newRow("big integer") << QByteArray("9007199254740993");
    QTest::newRow("negative double") << QByteArray("-2.25");
    QTest::newRow("true") << QByteArray("true");
    QTest::newRow("false") << QByteArray("false");
    QTest::newRow("date") << QByteArray(R"("1996-05-25")");
    QTest::newRow("date-time utc") << QByteArray(R"("2023-07-08T23:17:45Z")");
    QTest::newRow("date-time offset") << QByteArray(R"("2023-07-08T23:17:45+05:30")");
    QTest::newRow("date-time microseconds") << QByteArray(R"("2023-07-08T23:17:45.123456Z")");
    QTest::newRow("date-time local minutes") << QByteArray(R"("2023-07-08 23:17")");
    QTest::newRow("object") << QByteArray(R"({"wordCount":7,"tags":["a","b"],"nested":{"x":null}})");
    QTest::newRow("array") << QByteArray(R"([1,"two",false])");
    QTest::newRow("null") << QByteArray("null");
}

void tst_UiParts::editorRoundTrip()
{
    // An editor that is not touched gives back exactly what it was given: saving sends nothing for it.
    QFETCH(QByteArray, json);
    const Json value = Json::parse(json);
    QVERIFY(!value.isUndefined());
    std::unique_ptr<FieldEditor> editor(FieldEditor::create(FieldEditor::kindFor(value)));
    editor->setValue(value);
    QVERIFY(editor->isValid());
    QCOMPARE(editor->value(), value);
    QCOMPARE(editor->value().type(), value.type());
}

void tst_UiParts::editorEditsAreSignalled()
{
    std::unique_ptr<FieldEditor> text(FieldEditor::create(FieldEditor::Kind::Text));
    QSignalSpy edited(text.get(), &FieldEditor::edited);
    QVERIFY(edited.isValid());
    text->setValue(Json("set by the model"));
    QCOMPARE(edited.size(), 0);
    QTest::keyClick(text->focusTarget(), Qt::Key_End);
    QTest::keyClicks(text->focusTarget(), u"!"_s);
    QCOMPARE(edited.size(), 1);
    QCOMPARE(text->value(), Json("set by the model!"));

    std::unique_ptr<FieldEditor> number(FieldEditor::create(FieldEditor::Kind::Number));
    QSignalSpy numberEdited(number.get(), &FieldEditor::edited);
    number->setValue(Json(12));
    QCOMPARE(numberEdited.size(), 0);
    auto *line = qobject_cast<QLineEdit *>(number->focusTarget());
    line->selectAll();
    QTest::keyClicks(line, u"3.5"_s);
    QCOMPARE(number->value(), Json(3.5));
    QVERIFY(numberEdited.size() > 0);
    // Letters are not a number: the validator keeps them out.
    QTest::keyClicks(line, u"x"_s);
    QCOMPARE(line->text(), u"3.5"_s);
    // Empty is null.
    line->clear();
    QCOMPARE(number->value(), Json(nullptr));
}

void tst_UiParts::structuredEditorValidates()
{
    std::unique_ptr<FieldEditor> editor(FieldEditor::create(FieldEditor::Kind::Structured));
    editor->setValue(Json::parse(R"({"a":1})"));
    auto *box = qobject_cast<QPlainTextEdit *>(editor->focusTarget());
    QVERIFY(box);
    QSignalSpy edited(editor.get(), &FieldEditor::edited);
    box->setPlainText(u"{\"a\": "_s);
    QVERIFY(!editor->isValid());
    QVERIFY(editor->validationError().startsWith(u"Not valid JSON"_s));
    QVERIFY(editor->value().isUndefined());
    QVERIFY(editor->hasErrorState());
    box->setPlainText(u"{\"a\": 2}"_s);
    QVERIFY(editor->isValid());
    QCOMPARE(editor->value(), Json::parse(R"({"a":2})"));
    QVERIFY(!editor->hasErrorState());
    QCOMPARE(edited.size(), 2);
}

void tst_UiParts::anyEditorReadsJsonOrText_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("empty is null") << QString() << QByteArray("null");
    QTest::newRow("number") << u"3.5"_s << QByteArray("3.5");
    QTest::newRow("bool") << u"true"_s << QByteArray("true");
    QTest::newRow("object") << u"{\"a\":1}"_s << QByteArray(R"({"a":1})");
    QTest::newRow("quoted string") << u"\"42\""_s << QByteArray(R"("42")");
    QTest::newRow("plain text") << u"hello world"_s << QByteArray(R"("hello world")");
}

void tst_UiParts::anyEditorReadsJsonOrText()
{
    QFETCH(QString, typed);
    QFETCH(QByteArray, json);
    std::unique_ptr<FieldEditor> editor(FieldEditor::create(FieldEditor::Kind::Any));
    editor->setValue(Json(nullptr));
    QTest::keyClicks(editor->focusTarget(), typed);
    QCOMPARE(editor->value(), Json::parse(json));
}

void tst_UiParts::dateTimeEditKeepsZoneAndPrecision()
{
    std::unique_ptr<FieldEditor> editor(FieldEditor::create(FieldEditor::Kind::DateTime));
    editor->setValue(Json("2023-07-08T23:17:45.123456+05:30"));
    auto *edit = qobject_cast<QDateTimeEdit *>(editor->focusTarget());
    QVERIFY(edit);
    // The digits as written, whatever the machine's time zone.
    QCOMPARE(edit->dateTime().time(), QTime(23, 17, 45, 123));
    QSignalSpy edited(editor.get(), &FieldEditor::edited);
    edit->setDateTime(edit->dateTime().addSecs(3600));
    QCOMPARE(edited.size(), 1);
    // A changed time keeps the zone, and the fraction as written while the milliseconds are untouched...
    QCOMPARE(editor->value(), Json("2023-07-09T00:17:45.123456+05:30"));
    // ...else the milliseconds.
    edit->setDateTime(edit->dateTime().addMSecs(5));
    QCOMPARE(editor->value(), Json("2023-07-09T00:17:45.128+05:30"));
}

// 100,000 characters (past QLineEdit's default 32,767), set or pasted, come back whole in every text editor.
void tst_UiParts::longTextIsNeverCut_data()
{
    QTest::addColumn<FieldEditor::Kind>("kind");
    QTest::newRow("line") << FieldEditor::Kind::Text;
    QTest::newRow("box") << FieldEditor::Kind::LongText;
    QTest::newRow("any") << FieldEditor::Kind::Any;
    QTest::newRow("read-only") << FieldEditor::Kind::ReadOnly;
}

void tst_UiParts::longTextIsNeverCut()
{
    QFETCH(FieldEditor::Kind, kind);
    const QString text = QString(99'997, u'x') + u"end"_s;
    std::unique_ptr<FieldEditor> editor(FieldEditor::create(kind));
    editor->setValue(Json(text));
    QCOMPARE(editor->value().toString().size(), text.size());
    QVERIFY(editor->value() == Json(text));
    if (kind == FieldEditor::Kind::ReadOnly)
        return;

    // Pasted over the whole entry, as a user would.
    const QString pasted = u"pasted "_s + QString(100'000, u'y') + u" end"_s;
    QGuiApplication::clipboard()->setText(pasted);
    QCOMPARE(QGuiApplication::clipboard()->text(), pasted);
    QSignalSpy edited(editor.get(), &FieldEditor::edited);
    QVERIFY(edited.isValid());
    QWidget *target = editor->focusTarget();
    QVERIFY(QMetaObject::invokeMethod(target, "selectAll"));
    QVERIFY(QMetaObject::invokeMethod(target, "paste"));
    QVERIFY(edited.size() > 0);
    QCOMPARE(editor->value().toString().size(), pasted.size());
    QVERIFY(editor->value() == Json(pasted));
}

// A number from the server shows as the text the server sent (a double's shortest form for an ordinary one), and
// comes back as the same JSON number, untouched or typed again as shown.
void tst_UiParts::numbersRoundTripDigitForDigit_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("17 digits") << QByteArray("12345678901234567");
    QTest::newRow("above 2^53") << QByteArray("9007199254740993");
    QTest::newRow("int64 max") << QByteArray("9223372036854775807");
    QTest::newRow("int64 min") << QByteArray("-9223372036854775808");
    QTest::newRow("0.1 + 0.2") << QByteArray("0.30000000000000004");
    QTest::newRow("0.1 written long") << QByteArray("0.1000000000000000055511151231257827");
    QTest::newRow("pi, 31 digits") << QByteArray("3.141592653589793238462643383279");
    QTest::newRow("20 digits") << QByteArray("12345678901234567890");
    QTest::newRow("23 digits") << QByteArray("12345678901234567890123");
    QTest::newRow("23 digits, negative") << QByteArray("-12345678901234567890123");
    QTest::newRow("beyond a double") << QByteArray("1e400");
    QTest::newRow("below a double") << QByteArray("-2.5e-400");
    QTest::newRow("many decimals") << QByteArray("123456789.12345678");
    QTest::newRow("largest double") << QByteArray("1.7976931348623157e308");
    QTest::newRow("smallest double") << QByteArray("5e-324");
    QTest::newRow("exponent") << QByteArray("-2.5E-10");
    QTest::newRow("beyond int64") << QByteArray("1e21");
    QTest::newRow("integral double") << QByteArray("4.0");
    QTest::newRow("negative zero") << QByteArray("-0.0");
}

void tst_UiParts::numbersRoundTripDigitForDigit()
{
    QFETCH(QByteArray, json);
    const Json value = Json::parse(json);
    QVERIFY(value.isNumber());
    std::unique_ptr<FieldEditor> editor(FieldEditor::create(FieldEditor::kindFor(value)));
    QCOMPARE(editor->kind(), FieldEditor::Kind::Number);
    QVERIFY(editor->canHold(value));
    editor->setValue(value);
    QVERIFY2(editor->isValid(), qPrintable(editor->validationError()));
    QCOMPARE(editor->value(), value);
    QCOMPARE(editor->value().toJson(), value.toJson());

    auto *line = qobject_cast<QLineEdit *>(editor->focusTarget());
    QVERIFY(line);
    const QString shown = line->text();
    QCOMPARE(shown, value.numberText());
    if (value.isTextNumber())
        QCOMPARE(shown, QString::fromLatin1(json));
    line->selectAll();
    QTest::keyClicks(line, shown);
    QCOMPARE(line->text(), shown);
    QVERIFY2(editor->isValid(), qPrintable(editor->validationError()));
    QCOMPARE(editor->value().toJson(), value.toJson());
}

// Typed digits that a 64-bit integer or a double would round are a value all the same, kept digit for digit (it
// used to be refused, an entry that stayed as typed): it goes to the server as that exact number.
void tst_UiParts::numberBeyondADoubleIsAnExactValue_data()
{
    QTest::addColumn<QString>("typed");
    QTest::newRow("beyond int64") << u"12345678901234567890"_s;
    QTest::newRow("30 digits") << u"123456789012345678901234567890"_s;
    QTest::newRow("30 digits, negative") << u"-123456789012345678901234567890"_s;
    QTest::newRow("0.1 and a 1 far out") << u"0.1000000000000000000001"_s;
    QTest::newRow("too large for a double") << u"1e400"_s;
    QTest::newRow("too large, negative") << u"-1e400"_s;
    QTest::newRow("too small for a double") << u"1e-400"_s;
    QTest::newRow("2^53 + 1 with a fraction") << u"9007199254740993.5"_s;
}

void tst_UiParts::numberBeyondADoubleIsAnExactValue()
{
    QFETCH(QString, typed);
    std::unique_ptr<FieldEditor> editor(FieldEditor::create(FieldEditor::Kind::Number));
    editor->setValue(Json(7));
    auto *line = qobject_cast<QLineEdit *>(editor->focusTarget());
    QVERIFY(line);
    QSignalSpy edited(editor.get(), &FieldEditor::edited);
    line->selectAll();
    QTest::keyClicks(line, typed);
    QVERIFY(edited.size() > 0);
    QCOMPARE(line->text(), typed);
    QVERIFY2(editor->isValid(), qPrintable(editor->validationError()));
    QVERIFY(editor->validationError().isEmpty());
    QVERIFY(!editor->hasErrorState());
    QVERIFY(editor->value().isNumber());
    QVERIFY(editor->value().isTextNumber());
    QCOMPARE(editor->value().toJson(), typed.toLatin1());
    QCOMPARE(editor->value(), Json::parse(typed.toLatin1()));
    // Shown again as it was typed.
    editor->setValue(editor->value());
    QCOMPARE(line->text(), typed);
}

// What the line takes on the way to a number but is not one yet is an entry that is not a value: kept as typed
// with a message, never a guess.
void tst_UiParts::textThatIsNotANumberIsNotAValue_data()
{
    QTest::addColumn<QString>("typed");
    QTest::newRow("exponent without digits") << u"1e"_s;
    QTest::newRow("exponent sign without digits") << u"1e+"_s;
    QTest::newRow("minus") << u"-"_s;
    QTest::newRow("fraction and e") << u"2.5E-"_s;
}

void tst_UiParts::textThatIsNotANumberIsNotAValue()
{
    QFETCH(QString, typed);
    std::unique_ptr<FieldEditor> editor(FieldEditor::create(FieldEditor::Kind::Number));
    editor->setValue(Json(7));
    auto *line = qobject_cast<QLineEdit *>(editor->focusTarget());
    QVERIFY(line);
    QSignalSpy edited(editor.get(), &FieldEditor::edited);
    line->selectAll();
    QTest::keyClicks(line, typed);
    QVERIFY(edited.size() > 0);
    QCOMPARE(line->text(), typed);
    QVERIFY(!editor->isValid());
    QVERIFY(editor->value().isUndefined());
    QCOMPARE(editor->validationError(), u"Enter a number, such as 42 or 3.5."_s);
    QVERIFY(editor->hasErrorState());
    // Letters are not taken at all.
    QTest::keyClicks(line, u"x"_s);
    QCOMPARE(line->text(), typed);
    // Corrected, it is a value again, every digit kept.
    line->selectAll();
    QTest::keyClicks(line, u"12345678901234567890123"_s);
    QVERIFY(editor->isValid());
    QVERIFY(!editor->hasErrorState());
    QCOMPARE(editor->value().toJson(), QByteArray("12345678901234567890123"));
}

// The form gives a value to an editor that can hold it: a line break needs the box, a date before 100 or a time
// that is not one needs text, a string in a null field's editor must not come back as a number.
void tst_UiParts::editorsSayWhatTheyCannotHold()
{
    auto holds = [](FieldEditor::Kind kind, const Json &value) {
        return std::unique_ptr<FieldEditor>(FieldEditor::create(kind))->canHold(value);
    };
    QVERIFY(holds(FieldEditor::Kind::Text, Json(QString(40'000, u'a'))));
    QVERIFY(!holds(FieldEditor::Kind::Text, Json("two\nlines")));
    QVERIFY(holds(FieldEditor::Kind::LongText, Json("two\nlines")));
    QVERIFY(!holds(FieldEditor::Kind::Number, Json("12")));
    QVERIFY(holds(FieldEditor::Kind::Number, Json(nullptr)));
    QVERIFY(holds(FieldEditor::Kind::Date, Json("1996-05-25")));
    QVERIFY(holds(FieldEditor::Kind::Date, Json("1700-01-01")));   // before QDateEdit's default 1752
    QVERIFY(!holds(FieldEditor::Kind::Date, Json("0050-01-01")));
    QVERIFY(!holds(FieldEditor::Kind::DateTime, Json("2024-01-01T25:00:00Z")));
    QVERIFY(!holds(FieldEditor::Kind::Any, Json("42")));
    QVERIFY(!holds(FieldEditor::Kind::Any, Json("")));
    QVERIFY(holds(FieldEditor::Kind::Any, Json("plain words")));
    // kindFor picks what holds.
    for (const QByteArray &json : {QByteArray(R"("0050-01-01")"), QByteArray(R"("2024-01-01T25:00:00Z")"),
                                   QByteArray(R"("a\u2028b")"), QByteArray(R"("1700-01-01")")}) {
        const Json value = Json::parse(json);
        QVERIFY2(holds(FieldEditor::kindFor(value), value), json.constData());
    }
    std::unique_ptr<FieldEditor> date(FieldEditor::create(FieldEditor::Kind::Date));
    date->setValue(Json("1700-01-01"));
    QCOMPARE(date->value(), Json("1700-01-01"));
}

// An entry that is not a value can be read and shown again as typed (what a draft keeps of it).
void tst_UiParts::invalidEntryIsKeptAsTyped()
{
    const QString typed = u"[\"a\", {\"b\": "_s;
    std::unique_ptr<FieldEditor> editor(FieldEditor::create(FieldEditor::Kind::Structured));
    editor->setValue(Json::parse(R"(["a"])"));
    QSignalSpy edited(editor.get(), &FieldEditor::edited);
    editor->setEntryText(typed);
    QCOMPARE(edited.size(), 0);
    QCOMPARE(editor->entryText(), typed);
    QVERIFY(!editor->isValid());
    QVERIFY(editor->value().isUndefined());
    // Back to a value: the entry goes.
    editor->setValue(Json::parse(R"(["a"])"));
    QVERIFY(editor->isValid());
    QCOMPARE(editor->value(), Json::parse(R"(["a"])"));

    std::unique_ptr<FieldEditor> number(FieldEditor::create(FieldEditor::Kind::Number));
    number->setEntryText(u"1e"_s);
    QCOMPARE(number->entryText(), u"1e"_s);
    QVERIFY(!number->isValid());
    // A number no double holds is a value (1e400 once was not).
    number->setEntryText(u"1e400"_s);
    QCOMPARE(number->entryText(), u"1e400"_s);
    QVERIFY(number->isValid());
    QCOMPARE(number->value().toJson(), QByteArray("1e400"));
}

void tst_UiParts::endpointValidation_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("authValue");
    QTest::addColumn<QString>("authHeader");
    QTest::addColumn<bool>("valid");
    QTest::newRow("https") << u"https://api.example.com/v1"_s << QString() << u"Authorization"_s << true;
    QTest::newRow("http with port") << u"http://127.0.0.1:3000"_s << QString() << u"Authorization"_s << true;
    QTest::newRow("empty") << QString() << QString() << u"Authorization"_s << false;
    QTest::newRow("no scheme") << u"localhost:3000"_s << QString() << u"Authorization"_s << false;
    QTest::newRow("ftp") << u"ftp://example.com"_s << QString() << u"Authorization"_s << false;
    QTest::newRow("token without header") << u"https://example.com"_s << u"Bearer x"_s << QString() << false;
}

void tst_UiParts::endpointValidation()
{
    QFETCH(QString, url);
    QFETCH(QString, authValue);
    QFETCH(QString, authHeader);
    QFETCH(bool, valid);
    EndpointSettings e;
    e.baseUrl = url.isEmpty() ? QUrl() : QUrl(url);
    e.authValue = authValue;
    e.authHeader = authHeader;
    QCOMPARE(e.validate().isEmpty(), valid);
}

void tst_UiParts::endpointConfigCarriesAuthorization()
{
    EndpointSettings e;
    e.id = u"abc"_s;
    e.baseUrl = QUrl(u"https://api.example.com"_s);
    e.authValue = u"Bearer s3cret"_s;
    e.timeout = 5s;
    const EndpointConfig config = e.endpointConfig();
    QCOMPARE(config.name, u"abc"_s);
    // The header goes as each request is sent (the credentials put it in).
    QVERIFY(config.credentials);
    HttpRequest request;
    config.credentials->apply(request);
    QCOMPARE(request.headers, (HttpHeaders{{"Authorization", "Bearer s3cret"}}));
    QCOMPARE(config.timeout, Millis(5000));
    e.authValue.clear();
    QVERIFY(!e.endpointConfig().credentials);
    // A bearer token, HTTP Basic, an API key in the query: each put where it goes.
    e.signIn = EndpointSettings::SignIn::Bearer;
    e.authValue = u"t0ken"_s;
    request = {};
    e.endpointConfig().credentials->apply(request);
    QCOMPARE(request.headers, (HttpHeaders{{"Authorization", "Bearer t0ken"}}));
    e.signIn = EndpointSettings::SignIn::Basic;
    e.authUser = u"ada"_s;
    e.authValue = u"pässword"_s;
    request = {};
    e.endpointConfig().credentials->apply(request);
    QCOMPARE(request.headers, (HttpHeaders{{"Authorization", "Basic " + QByteArray("ada:p\xc3\xa4ssword").toBase64()}}));
    e.signIn = EndpointSettings::SignIn::Query;
    e.authHeader = u"api_key"_s;
    e.authValue = u"k 1&2"_s;
    request = {.url = QUrl(u"https://api.example.com/posts?_page=2"_s)};
    e.endpointConfig().credentials->apply(request);
    QCOMPARE(QUrlQuery(request.url).queryItemValue(u"api_key"_s, QUrl::FullyDecoded), u"k 1&2"_s);
    QCOMPARE(QUrlQuery(request.url).queryItemValue(u"_page"_s), u"2"_s);
    // Applied again (a request sent again after a renewal): replaced, not repeated.
    e.endpointConfig().credentials->apply(request);
    QCOMPARE(QUrlQuery(request.url).allQueryItemValues(u"api_key"_s).size(), 1);
    // Whatever the user called it, it shows in no error or log.
    QVERIFY(!QueryError::displayUrl(request.url).toString().contains(u"k%201"_s));
    e.signIn = EndpointSettings::SignIn::Header;
    e.authHeader = u"X-Custom-Pass"_s;
    e.endpointConfig();
    QCOMPARE(HttpTransport::loggable("X-Custom-Pass", "v"), QByteArray("<redacted>"));
    QCOMPARE(e.displayName(), u"api.example.com"_s);
}

void tst_UiParts::settingsStoreRoundTrip()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    SettingsStore store(&settings);
    QVERIFY(store.endpoints().isEmpty());
    EndpointSettings a;
    a.id = u"a"_s;
    a.name = u"Production"_s;
    a.baseUrl = QUrl(u"https://api.example.com/v1"_s);
    a.authValue = u"Bearer 1"_s;
    a.staleTime = 90s;
    a.pollInterval = 10s;
    a.refetchOnFocus = false;
    a.pageSize = 25;
    a.idField = u"uuid"_s;
    a.envelopePath = u"result.items"_s;
    a.resources = {u"orders"_s, u"customers"_s};
    a.caCertificateFile = u"/etc/ssl/company/root-ca.pem"_s;   // kept as given, read when connecting
    a.live = false;
    a.liveUrl = QUrl(u"wss://api.example.com/websocket"_s);
    a.liveDialect = u"directus"_s;
    EndpointSettings b;
    b.id = u"b"_s;
    b.baseUrl = QUrl(u"http://localhost:3000"_s);
    store.setEndpoints({a, b});
    QCOMPARE(store.endpoints(), (QList<EndpointSettings>{a, b}));
    // Another store on the same file reads the same, order kept, but the token: without a token store (the
    // keychain, tst_tokenstore) it was kept for that session only, never in the file.
    QSettings again(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    EndpointSettings aWithoutToken = a;
    aWithoutToken.authValue.clear();
    QCOMPARE(SettingsStore(&again).endpoints(), (QList<EndpointSettings>{aWithoutToken, b}));
    QVERIFY(!again.contains(u"endpoints/a/authValue"_s));
    // A removed endpoint goes with its token.
    store.setEndpoints({b});
    QCOMPARE(store.endpoints(), QList<EndpointSettings>{b});
    QVERIFY(!settings.contains(u"endpoints/a/authValue"_s));
    // Out-of-range values are clamped when read.
    settings.setValue(u"endpoints/b/pageSize"_s, 1'000'000);
    settings.setValue(u"endpoints/b/staleTimeMs"_s, -5);
    QCOMPARE(store.endpoints().first().pageSize, EndpointSettings::maxPageSize);
    QCOMPARE(store.endpoints().first().staleTime, 0ms);
}

void tst_UiParts::transientEndpointsKeepTuningNotUrl()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    SettingsStore store(&settings);
    EndpointSettings demo = store.transientEndpoint(u"sample-api"_s, u"Sample API"_s, QUrl(u"http://127.0.0.1:5001"_s));
    QVERIFY(demo.transient);
    QCOMPARE(demo.name, u"Sample API"_s);
    demo.pageSize = 10;
    store.setEndpoints({demo});
    QVERIFY(store.endpoints().isEmpty());   // not listed
    QVERIFY(!settings.contains(u"endpoints/sample-api/baseUrl"_s));
    // Next run, another port: the tuning is back.
    const EndpointSettings next = store.transientEndpoint(u"sample-api"_s, u"Sample API"_s, QUrl(u"http://127.0.0.1:6002"_s));
    QCOMPARE(next.pageSize, 10);
    QCOMPARE(next.baseUrl, QUrl(u"http://127.0.0.1:6002"_s));
}

// Remove asks only when the endpoint has changes not sent yet, names how many, and Cancel keeps the endpoint.
void tst_UiParts::removingAnEndpointAsksAboutUnsentChanges()
{
    auto endpoint = [](const QString &id, const QString &name, bool transient = false) {
        EndpointSettings e;
        e.id = id;
        e.name = name;
        e.baseUrl = QUrl(u"http://127.0.0.1:5001"_s);
        e.transient = transient;
        return e;
    };
    auto ids = [](const SettingsDialog &d) {
        QStringList out;
        for (const EndpointSettings &e : d.endpoints())
            out.append(e.id);
        return out;
    };
    auto removeButton = [](QMessageBox *box) -> QAbstractButton * {
        for (QAbstractButton *b : box->buttons()) {
            if (box->buttonRole(b) == QMessageBox::DestructiveRole)
                return b;
        }
        return nullptr;
    };
    SettingsDialog dialog({endpoint(u"demo"_s, u"Demo"_s, true), endpoint(u"a"_s, u"Alpha"_s),
                           endpoint(u"b"_s, u"Beta"_s), endpoint(u"c"_s, u"Gamma"_s)});
    QHash<QString, int> unsent{{u"a"_s, 2}, {u"c"_s, 1}, {u"demo"_s, 5}};
    QStringList asked;
    dialog.setUnsentCounter([&](const QString &id) {
        asked.append(id);
        return unsent.value(id);
    });
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));

    // Nothing unsent: gone at once (Cancel on the dialog would bring it back).
    dialog.selectEndpoint(u"b"_s);
    dialog.removeCurrentEndpoint();
    QVERIFY(!dialog.removeQuestion());
    QCOMPARE(ids(dialog), (QStringList{u"demo"_s, u"a"_s, u"c"_s}));

    // Unsent changes: a question, and Cancel keeps the endpoint.
    dialog.selectEndpoint(u"a"_s);
    dialog.removeCurrentEndpoint();
    QMessageBox *box = dialog.removeQuestion();
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    QCOMPARE(box->text(), u"“Alpha” has 2 changes not sent yet."_s);
    QCOMPARE(box->informativeText(), u"Removing it discards them."_s);
    QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel));
    dialog.removeCurrentEndpoint();   // asking already: no second question
    QCOMPARE(dialog.findChildren<QMessageBox *>().size(), 1);
    box->button(QMessageBox::Cancel)->click();
    QVERIFY(!dialog.removeQuestion());
    QCOMPARE(ids(dialog), (QStringList{u"demo"_s, u"a"_s, u"c"_s}));

    // Remove drops it.
    dialog.removeCurrentEndpoint();
    box = dialog.removeQuestion();
    QVERIFY(box && removeButton(box));
    removeButton(box)->click();
    QCOMPARE(ids(dialog), (QStringList{u"demo"_s, u"c"_s}));

    // One change reads as one.
    dialog.selectEndpoint(u"c"_s);
    dialog.removeCurrentEndpoint();
    box = dialog.removeQuestion();
    QVERIFY(box);
    QCOMPARE(box->text(), u"“Gamma” has 1 change not sent yet."_s);
    removeButton(box)->click();
    QCOMPARE(ids(dialog), QStringList{u"demo"_s});

    // A session endpoint cannot be removed: nothing is asked.
    dialog.selectEndpoint(u"demo"_s);
    dialog.removeCurrentEndpoint();
    QVERIFY(!dialog.removeQuestion());
    QCOMPARE(ids(dialog), QStringList{u"demo"_s});
    QCOMPARE(asked, (QStringList{u"b"_s, u"a"_s, u"a"_s, u"c"_s}));
}

// The dialect, paging and parameter fields show what an endpoint's settings say, edits go back into them, and
// each field is named by its label (a buddy) for screen readers.
void tst_UiParts::settingsDialogDialectFieldsRoundTrip()
{
    EndpointSettings a;
    a.id = u"a"_s;
    a.baseUrl = QUrl(u"http://127.0.0.1:5001"_s);
    a.dialect = u"drf"_s;
    a.paging = u"offset"_s;
    a.pageParam = u"start"_s;
    a.sizeParam = u"count"_s;
    EndpointSettings b;
    b.id = u"b"_s;
    b.baseUrl = QUrl(u"http://127.0.0.1:5002"_s);
    SettingsDialog dialog({a, b});
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QComboBox *dialect = dialog.dialectComboBox();
    QComboBox *paging = dialog.pagingComboBox();
    QCOMPARE(dialect->objectName(), u"dialect"_s);
    QCOMPARE(dialog.findChild<QComboBox *>(u"paging"_s), paging);
    QCOMPARE(dialog.findChild<QLineEdit *>(u"pageParam"_s), dialog.pageParamEdit());
    QCOMPARE(dialog.findChild<QLineEdit *>(u"sizeParam"_s), dialog.sizeParamEdit());
    QCOMPARE(dialog.findChild<QPushButton *>(u"testConnection"_s), dialog.testButton());

    // Automatic first, then every dialect by its name; paging likewise.
    QCOMPARE(dialect->count(), DataProvider::dialects().size() + 1);
    QCOMPARE(dialect->itemData(0).toString(), QString());
    QCOMPARE(dialect->itemText(0), u"Automatic (detect)"_s);
    for (int i = 1; i < dialect->count(); ++i)
        QCOMPARE(dialect->itemText(i), DataProvider::dialectDisplayName(dialect->itemData(i).toString()));
    QStringList pagings;
    for (int i = 0; i < paging->count(); ++i)
        pagings.append(paging->itemData(i).toString());
    QCOMPARE(pagings, (QStringList{QString(), u"page"_s, u"offset"_s, u"cursor"_s, u"range"_s, u"none"_s}));

    // Each field has its label.
    for (QWidget *field : std::initializer_list<QWidget *>{dialect, paging, dialog.pageParamEdit(), dialog.sizeParamEdit(),
                                                           dialog.detectedEdit()}) {
        const QList<QLabel *> labels = dialog.findChildren<QLabel *>();
        QVERIFY2(std::any_of(labels.cbegin(), labels.cend(), [&](QLabel *l) { return l->buddy() == field; }),
                 qPrintable(field->objectName()));
    }
    QCOMPARE(dialog.pageParamEdit()->placeholderText(), u"the dialect's"_s);
    QCOMPARE(dialog.sizeParamEdit()->placeholderText(), u"the dialect's"_s);
    QVERIFY(dialog.detectedEdit()->isReadOnly());

    // What a's settings say.
    QCOMPARE(dialect->currentData().toString(), u"drf"_s);
    QCOMPARE(dialect->currentText(), DataProvider::dialectDisplayName(u"drf"_s));
    QCOMPARE(paging->currentData().toString(), u"offset"_s);
    QCOMPARE(dialog.pageParamEdit()->text(), u"start"_s);
    QCOMPARE(dialog.sizeParamEdit()->text(), u"count"_s);

    // Edits: a back to automatic detection with next-link paging and another size parameter.
    dialect->setCurrentIndex(0);
    paging->setCurrentIndex(paging->findData(u"cursor"_s));
    dialog.sizeParamEdit()->selectAll();
    QTest::keyClicks(dialog.sizeParamEdit(), u"per_page"_s);
    // b (all automatic so far): JSON:API, no paging, its page parameter.
    dialog.selectEndpoint(u"b"_s);
    QCOMPARE(dialect->currentIndex(), 0);
    QCOMPARE(paging->currentIndex(), 0);
    QVERIFY(dialog.pageParamEdit()->text().isEmpty());
    QVERIFY(dialog.sizeParamEdit()->text().isEmpty());
    dialect->setCurrentIndex(dialect->findData(u"jsonapi"_s));
    paging->setCurrentIndex(paging->findData(u"none"_s));
    QTest::keyClicks(dialog.pageParamEdit(), u"page[offset]"_s);
    // Back to a: what was edited is there.
    dialog.selectEndpoint(u"a"_s);
    QCOMPARE(dialect->currentIndex(), 0);
    QCOMPARE(paging->currentData().toString(), u"cursor"_s);
    QCOMPARE(dialog.sizeParamEdit()->text(), u"per_page"_s);

    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    const QList<EndpointSettings> edited = dialog.endpoints();
    QCOMPARE(edited.size(), 2);
    EndpointSettings expectedA = a;
    expectedA.dialect.clear();
    expectedA.paging = u"cursor"_s;
    expectedA.sizeParam = u"per_page"_s;
    EndpointSettings expectedB = b;
    expectedB.dialect = u"jsonapi"_s;
    expectedB.paging = u"none"_s;
    expectedB.pageParam = u"page[offset]"_s;
    QCOMPARE(edited.at(0), expectedA);
    QCOMPARE(edited.at(1), expectedB);
}

// Settings' live updates: on or off, the stream's URL (checked: http, https, ws or wss with a host) and its dialect,
// each with its label.
void tst_UiParts::settingsDialogLiveFieldsRoundTrip()
{
    EndpointSettings a;
    a.id = u"a"_s;
    a.baseUrl = QUrl(u"http://127.0.0.1:5001"_s);
    a.liveUrl = QUrl(u"ws://127.0.0.1:5002/events"_s);
    a.liveDialect = u"supabase"_s;
    SettingsDialog dialog({a});
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *live = dialog.findChild<QCheckBox *>(u"liveUpdates"_s);
    auto *url = dialog.findChild<QLineEdit *>(u"liveUrl"_s);
    auto *dialectBox = dialog.findChild<QComboBox *>(u"liveDialect"_s);
    QVERIFY(live && url && dialectBox);
    const QList<QLabel *> labels = dialog.findChildren<QLabel *>();
    for (QWidget *field : std::initializer_list<QWidget *>{live, url, dialectBox})
        QVERIFY2(std::any_of(labels.cbegin(), labels.cend(), [&](QLabel *l) { return l->buddy() == field; }),
                 qPrintable(field->objectName()));
    QVERIFY(live->isChecked());
    QCOMPARE(url->text(), u"ws://127.0.0.1:5002/events"_s);
    QCOMPARE(dialectBox->currentData().toString(), u"supabase"_s);
    QStringList dialects;
    for (int i = 0; i < dialectBox->count(); ++i)
        dialects.append(dialectBox->itemData(i).toString());
    QCOMPARE(dialects, (QStringList{QString(), u"directus"_s, u"supabase"_s, u"strapi"_s}));

    // Not a stream's URL: said, and not accepted.
    url->selectAll();
    QTest::keyClicks(url, u"ftp://example.com/feed"_s);
    QVERIFY(!dialog.endpoints().first().validate().isEmpty());
    url->clear();
    QTest::keyClicks(url, u"x"_s);
    QTest::keyClick(url, Qt::Key_Backspace);   // empty again: <base URL>/events
    live->setChecked(false);
    dialectBox->setCurrentIndex(0);
    dialog.accept();
    EndpointSettings expected = a;
    expected.live = false;
    expected.liveUrl = QUrl();
    expected.liveDialect.clear();
    QCOMPARE(dialog.endpoints().first(), expected);
}

// Test detects the API at what is typed, before saving: "Testing…", then the summary and the resources; the
// fields set in the dialog say how they change what is used; a second Test restarts; the saved endpoint's
// detection is not touched.
void tst_UiParts::settingsDialogTestDetectsTheApi()
{
    HttpFixture fixture;
    QVERIFY(fixture.start());
    fixture.setJson(u"/db"_s, R"({"posts": [{"id": 1, "title": "a"}, {"id": 2, "title": "b"}], "users": []})");
    fixture.route("GET", u"/posts"_s, [](const RecordedRequest &) {
        Response r = Response::json(R"([{"id": 1, "title": "a"}])");
        r.headers.append(std::pair<QByteArray, QByteArray>("X-Total-Count", "2"));
        return r;
    });
    QNetworkAccessManager nam;
    HttpTransport transport(&nam);
    QueryClient client;

    EndpointSettings saved;
    saved.id = u"saved"_s;
    saved.baseUrl = QUrl(u"http://127.0.0.1:1"_s);   // what is typed below is tested, not this
    {
        SettingsDialog dialog({saved});
        dialog.setNetwork(&client, &transport);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.detectedEdit()->text(), u"Not detected yet"_s);
        QVERIFY(dialog.testButton()->isEnabled());

        dialog.baseUrlEdit()->selectAll();
        QTest::keyClicks(dialog.baseUrlEdit(), fixture.baseUrl().toString());
        dialog.testButton()->click();
        QCOMPARE(dialog.detectedEdit()->text(), u"Testing…"_s);
        QVERIFY(dialog.isTesting());
        // Again while it runs: it starts over.
        dialog.testButton()->click();
        QVERIFY(dialog.isTesting());
        QTRY_VERIFY(!dialog.isTesting());
        const QString expected = u"%1 · page-number paging · 2 posts"_s.arg(DataProvider::dialectDisplayName(u"json-server"_s));
        QCOMPARE(dialog.detectedEdit()->text(), expected);
        QVERIFY(dialog.detectedNotesLabel()->isVisible());
        QVERIFY2(dialog.detectedNotesLabel()->text().contains(u"Resources: posts, users"_s),
                 qPrintable(dialog.detectedNotesLabel()->text()));
        QVERIFY(fixture.count("GET", u"/db"_s) >= 1);

        // A field set here wins over detection, and the dialog says what is used then.
        dialog.pagingComboBox()->setCurrentIndex(dialog.pagingComboBox()->findData(u"offset"_s));
        QCOMPARE(dialog.detectedEdit()->text(), expected);
        QVERIFY2(dialog.detectedNotesLabel()->text().contains(
                     u"In use with the fields set here: %1 · offset paging · 2 posts"_s.arg(DataProvider::dialectDisplayName(u"json-server"_s))),
                 qPrintable(dialog.detectedNotesLabel()->text()));

        // Nothing was written under the saved endpoint's key; nothing was saved.
        QVERIFY(!client.query(ApiDetector::key(u"saved"_s)));
        QCOMPARE(dialog.endpoints().first().id, u"saved"_s);
    }

    // The saved endpoint's detection, once the window found it, shows when the dialog opens.
    DetectedApi found;
    found.dialect = u"drf"_s;
    found.resources = {u"posts"_s};
    found.options.resources.insert(u"posts"_s, ResourceInfo{.name = u"posts"_s, .count = 45});
    found.summary = found.describe();
    QCOMPARE(found.summary, u"Django REST framework · page-number paging · 45 posts"_s);
    found.notes = {u"A note about it"_s};
    client.setQueryData(ApiDetector::key(u"saved"_s), found.toJson());
    SettingsDialog dialog({saved});
    dialog.setNetwork(&client, &transport);
    QCOMPARE(dialog.detectedEdit()->text(), found.summary);
    QVERIFY(dialog.detectedNotesLabel()->text().contains(u"A note about it"_s));
}

// Test on a port nothing listens on says which request failed and why; an unusable URL is named without a
// request.
void tst_UiParts::settingsDialogTestSaysWhyItFailed()
{
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closed.serverPort();
    closed.close();
    QNetworkAccessManager nam;
    HttpTransport transport(&nam);
    QueryClient client;
    EndpointSettings e;
    e.id = u"down"_s;
    e.baseUrl = QUrl(u"http://127.0.0.1:%1"_s.arg(port));
    SettingsDialog dialog({e});
    dialog.setNetwork(&client, &transport);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.testButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(dialog.detectedEdit()->text(), u"Could not detect the API"_s, 15000);
    const QString why = dialog.detectedNotesLabel()->text();
    QVERIFY2(why.contains(u"127.0.0.1:%1"_s.arg(port)) && why.contains(u"GET"_s), qPrintable(why));
    QVERIFY(dialog.detectedNotesLabel()->isVisible());

    dialog.baseUrlEdit()->selectAll();
    QTest::keyClicks(dialog.baseUrlEdit(), u"localhost:3000"_s);
    dialog.testButton()->click();
    QCOMPARE(dialog.detectedEdit()->text(), u"Could not detect the API"_s);
    QCOMPARE(dialog.detectedNotesLabel()->text(), dialog.endpoints().first().validate());
    QVERIFY(!dialog.isTesting());
}

void tst_UiParts::transferMonitorReportsLargeDownloads()
{
    HttpFixture fixture;
    QVERIFY(fixture.start());
    const QByteArray big = '"' + QByteArray(TransferMonitor::LargeTransfer * 2, 'x') + '"';
    fixture.setJson(u"/big"_s, big);
    fixture.setJson(u"/small"_s, "[1,2,3]");
    TransferMonitor monitor;
    QSignalSpy progress(&monitor, &TransferMonitor::progressChanged);
    QVERIFY(progress.isValid());

    std::unique_ptr<QNetworkReply> small(monitor.get(QNetworkRequest(fixture.baseUrl().resolved(QUrl(u"/small"_s)))));
    QTRY_VERIFY(small->isFinished());
    QCOMPARE(progress.size(), 0);   // small answers are not worth a progress bar

    std::unique_ptr<QNetworkReply> reply(monitor.get(QNetworkRequest(fixture.baseUrl().resolved(QUrl(u"/big"_s)))));
    QTRY_VERIFY(reply->isFinished());
    QTRY_VERIFY(!progress.isEmpty() && progress.last().at(1).toLongLong() == 0);
    QVERIFY(std::any_of(progress.cbegin(), progress.cend(), [&](const QList<QVariant> &args) {
        return args.at(1).toLongLong() == big.size() && args.at(0).toLongLong() > 0;
    }));
    QCOMPARE(progress.last().at(0).toLongLong(), 0);
    QCOMPARE(monitor.activeCount(), 0);
}

void tst_UiParts::agoReadsNaturally_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("now") << qint64(1200) << u"just now"_s;
    QTest::newRow("seconds") << qint64(12'400) << u"12 s ago"_s;
    QTest::newRow("minutes") << qint64(185'000) << u"3 min ago"_s;
    QTest::newRow("clock skew") << qint64(-3000) << u"just now"_s;
}

void tst_UiParts::agoReadsNaturally()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(StatusPanel::ago(ms, QDateTime::currentDateTimeUtc()), text);
}

// Issue #13: "Online" with a green dot for a whole outage of a server on this machine. The status bar says which
// server does not answer, since when, and how many changes wait for it.
void tst_UiParts::statusSaysWhenTheServerDoesNotAnswer()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    const QUrl base(QStringLiteral("http://127.0.0.1:%1").arg(port));
    QNetworkAccessManager nam;
    HttpTransport transport(&nam);
    QueryClient client;
    MutationQueue queue(&client);
    Endpoint endpoint(&transport, EndpointConfig{.name = u"down"_s, .baseUrl = base});
    queue.addEndpoint(&endpoint);
    StatusPanel panel(&client, nullptr);
    panel.setServer(&transport, &queue);
    panel.setEndpoint(base);
    QCOMPARE(panel.onlineText(), u"Online"_s);

    Mutation *save = queue.mutate(MutationOptions{.method = "PATCH", .endpoint = u"down"_s, .path = u"/posts/16"_s},
                                  Json::object({{u"title", Json("kept")}}));
    QTRY_COMPARE(save->status(), Mutation::Status::Paused);
    const QString prefix = QStringLiteral("127.0.0.1:%1 not answering since ").arg(port);
    QTRY_VERIFY2(panel.onlineText().startsWith(prefix), qPrintable(panel.onlineText()));
    QVERIFY2(panel.onlineText().endsWith(u" · 1 change waiting for the server"_s), qPrintable(panel.onlineText()));
    // The side tree marks the endpoint, in its tooltip and for screen readers.
    EndpointTree tree;
    tree.setTransport(&transport);
    EndpointSettings settings;
    settings.id = u"down"_s;
    settings.baseUrl = base;
    settings.resources = {u"posts"_s};
    settings.dialect = u"json-server"_s;
    ApiConnection connection(settings, &client, &queue, &transport);
    tree.setConnections({&connection});
    QTreeWidgetItem *item = tree.topLevelItem(0);
    QVERIFY2(item->toolTip(0).contains(u"Not answering since "_s), qPrintable(item->toolTip(0)));
    QCOMPARE(item->data(0, Qt::AccessibleDescriptionRole).toString(), u"not answering"_s);
    // Another endpoint's server is not this one.
    panel.setEndpoint(QUrl(u"http://127.0.0.1:1"_s));
    QVERIFY(panel.onlineText().startsWith(u"Online"_s));
    queue.discard(u"down"_s);
}

// Where the token is kept, as the settings dialog says it (moved from tst_tokenstore, which links no widgets).
void tst_UiParts::dialogSaysWhereTheTokenIs()
{
    using Mode = test::MemorySecretBackend::Mode;
    using test::MemorySecretBackend;
    QTemporaryDir dir;
    auto settings = std::make_unique<QSettings>(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
    auto *m_settings = settings.get();
    auto waitReady = [](TokenStore &tokens) {
        if (tokens.isReady())
            return true;
        QSignalSpy ready(&tokens, &TokenStore::ready);
        return ready.wait(10000);
    };
    EndpointSettings a;
    a.id = u"a"_s;
    a.baseUrl = QUrl(u"https://api.example.com/a"_s);
    a.authValue = u"Bearer x"_s;
    const QList<EndpointSettings> endpoints{a};
    const QString sessionOnly = u"No keychain available: the token is kept for this session only."_s;

    // No keychain.
    {
        TokenStore tokens(m_settings, std::make_unique<MemorySecretBackend>(Mode::Unavailable));
        tokens.load({u"a"_s});
        QVERIFY(waitReady(tokens));
        SettingsDialog dialog(endpoints);
        dialog.setTokenStore(&tokens);
        QVERIFY(!dialog.plainTextCheckBox()->isHidden());
        QVERIFY(!dialog.plainTextCheckBox()->isChecked());   // off unless the user ticks it
        QCOMPARE(dialog.plainTextCheckBox()->text(), u"Store the token in plain text in the settings file"_s);
        QCOMPARE(dialog.tokenStorageLabel()->text(), sessionOnly);
        dialog.plainTextCheckBox()->click();
        QCOMPARE(dialog.tokenStorageLabel()->text(),
                 u"Stored in plain text in %1."_s.arg(QDir::toNativeSeparators(m_settings->fileName())));
        dialog.accept();
        QVERIFY(dialog.endpoints().value(0).tokenInPlainText);
        dialog.plainTextCheckBox()->click();
        QCOMPARE(dialog.tokenStorageLabel()->text(), sessionOnly);
    }
    // A keychain: nothing to choose.
    {
        TokenStore tokens(m_settings, std::make_unique<MemorySecretBackend>(Mode::Available));
        SettingsDialog dialog(endpoints);
        dialog.setTokenStore(&tokens);
        QCOMPARE(dialog.tokenStorageLabel()->text(), u"Looking for the system keychain…"_s);
        tokens.load({u"a"_s});
        QVERIFY(waitReady(tokens));
        QCOMPARE(dialog.tokenStorageLabel()->text(), u"Stored in the system keychain."_s);
        QVERIFY(dialog.plainTextCheckBox()->isHidden());
    }
    // No token store at all: nothing is stored.
    {
        SettingsDialog dialog(endpoints);
        QCOMPARE(dialog.tokenStorageLabel()->text(), sessionOnly);
        QVERIFY(dialog.plainTextCheckBox()->isHidden());
    }
}

QTEST_MAIN(tst_UiParts)
#include "tst_uiparts.moc"
