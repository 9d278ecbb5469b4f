#include "app/sampleapi/sampleapi.h"
#include "core/models/recordmodel.h"
#include "core/mutation/mutationqueue.h"
#include "support/clientharness.h"

#include <QScopeGuard>
#include <QTemporaryDir>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

#include <limits>

using namespace refetch;
using namespace refetch::test;
using namespace std::chrono_literals;

namespace {

const QByteArray Post = R"({"id":7,"title":"old","views":10,"published":false,"tags":["a"],"author":{"name":"x"},"note":null})";

// Rows and data signals of a model as short text: "data 1,1 1,1 D" (top-left, bottom-right, roles), "insert 2 2",
// "remove 2 2", "move 1 1 0", "reset".
class SignalLog : public QObject
{
public:
    explicit SignalLog(QAbstractItemModel *model)
    {
        connect(model, &QAbstractItemModel::dataChanged, this,
                [this](const QModelIndex &tl, const QModelIndex &br, const QList<int> &roles) {
                    events << QStringLiteral("data %1,%2 %3,%4 %5")
                                  .arg(tl.row()).arg(tl.column()).arg(br.row()).arg(br.column()).arg(names(roles));
                });
        connect(model, &QAbstractItemModel::rowsInserted, this,
                [this](const QModelIndex &, int f, int l) { events << QStringLiteral("insert %1 %2").arg(f).arg(l); });
        connect(model, &QAbstractItemModel::rowsRemoved, this,
                [this](const QModelIndex &, int f, int l) { events << QStringLiteral("remove %1 %2").arg(f).arg(l); });
        connect(model, &QAbstractItemModel::rowsMoved, this, [this](const QModelIndex &, int f, int l, const QModelIndex &, int to) {
            events << QStringLiteral("move %1 %2 %3").arg(f).arg(l).arg(to);
        });
        connect(model, &QAbstractItemModel::modelReset, this, [this] { events << QStringLiteral("reset"); });
    }

    // V: display, edit and ValueJsonRole; S: ServerValueRole; D: DirtyRole; E: the error roles; T: a type cell's
    // display and edit.
    static QString names(QList<int> roles)
    {
        QString out;
        auto take = [&](const QList<int> &group, QChar letter) {
            if (std::all_of(group.begin(), group.end(), [&](int r) { return roles.contains(r); })) {
                out += letter;
                for (int r : group)
                    roles.removeAll(r);
            }
        };
        take({Qt::DisplayRole, Qt::EditRole, RecordModel::ValueJsonRole}, u'V');
        take({RecordModel::ServerValueRole}, u'S');
        take({RecordModel::DirtyRole}, u'D');
        take({RecordModel::WaitingRole}, u'W');
        take({Qt::ToolTipRole, RecordModel::FieldErrorRole, RecordModel::FieldErrorsRole}, u'E');
        take({Qt::DisplayRole, Qt::EditRole}, u'T');
        for (int r : roles)
            out += u'?' + QString::number(r);
        return out;
    }

    QStringList take() { return std::exchange(events, {}); }
    QStringList events;
};

} // namespace

// The record model: a detail query as editable fields, per-field dirty tracking, a PATCH of the changed fields
// only through the mutation queue, field errors of a failed submit, and refetches while the user edits.
class tst_RecordModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void showsFields();
    void editMarksDirty();
    void editConvertsToTheFieldsType_data();
    void editConvertsToTheFieldsType();
    void revert();
    void submitSendsOnlyChangedFields();
    void editsMadeWhileSubmittingStay();
    void failedSubmitKeepsEditsWithFieldErrors();
    void refetchWhileDirty();
    void fieldsComeAndGo();
    void queryErrorIsReported();
    void againstTheSampleApi();

private:
    RecordModel *makeModel();
    void serveRecord();

    std::unique_ptr<ClientHarness> h;
    std::unique_ptr<MutationQueue> queue;
    std::unique_ptr<RecordModel> model;
    std::unique_ptr<QAbstractItemModelTester> tester;
    Json server;   // the record as the server has it
    QList<int> patchStatus;   // answers for the next PATCHes (200 when empty)
};

void tst_RecordModel::init()
{
    h = std::make_unique<ClientHarness>();
    queue = std::make_unique<MutationQueue>(&h->client);
    queue->addEndpoint(h->endpoint.get());
    server = Json::parse(Post);
    patchStatus.clear();
}

void tst_RecordModel::cleanup()
{
    tester.reset();
    model.reset();
    queue.reset();
    h.reset();
}

// GET /posts/7 answers `server`; PATCH merges its body into it (or answers 422 with field errors).
void tst_RecordModel::serveRecord()
{
    h->fixture.route("GET", "/posts/7", [this](const RecordedRequest &) { return Response::json(server.toJson()); });
    h->fixture.route("PATCH", "/posts/7", [this](const RecordedRequest &r) {
        const int status = patchStatus.isEmpty() ? 200 : patchStatus.takeFirst();
        if (status == 422)
            return Response::json(R"({"error":"validation failed","errors":{"title":["must not be empty","too short"]},"fields":{"$":"bad"}})", 422);
        server = server.merged(Json::parse(r.body));
        return Response::json(server.toJson());
    });
}

RecordModel *tst_RecordModel::makeModel()
{
    serveRecord();
    QueryOptions detail = h->options(QueryKey{"posts", 7}, "/posts/7");
    RecordModelOptions options;
    options.submit.path = "/posts/7";
    options.submit.resource = "posts";
    model = std::make_unique<RecordModel>(queue.get(), detail, options);
    tester = std::make_unique<QAbstractItemModelTester>(model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    return model.get();
}

void tst_RecordModel::showsFields()
{
    RecordModel *m = makeModel();
    QVERIFY(m->isLoading());
    QCOMPARE(m->rowCount(), 0);
    QTRY_COMPARE(m->rowCount(), 7);
    QVERIFY(!m->isLoading());
    QCOMPARE(m->columnCount(), 3);
    QCOMPARE(m->headerData(RecordModel::ValueColumn, Qt::Horizontal).toString(), QStringLiteral("Value"));
    const QStringList names{"id", "title", "views", "published", "tags", "author", "note"};
    const QStringList types{"integer", "string", "integer", "boolean", "array", "object", "null"};
    for (int r = 0; r < 7; ++r) {
        QCOMPARE(m->data(m->index(r, RecordModel::NameColumn)).toString(), names[r]);
        QCOMPARE(m->data(m->index(r, RecordModel::TypeColumn)).toString(), types[r]);
        QCOMPARE(m->data(m->index(r, RecordModel::TypeColumn), RecordModel::FieldNameRole).toString(), names[r]);
    }
    QCOMPARE(m->data(m->index(1, RecordModel::ValueColumn)).toString(), QStringLiteral("old"));
    QCOMPARE(m->data(m->index(2, RecordModel::ValueColumn)).toInt(), 10);
    QCOMPARE(m->data(m->index(4, RecordModel::ValueColumn)).toString(), QStringLiteral(R"(["a"])"));
    QCOMPARE(m->data(m->index(5, RecordModel::ValueColumn)).toString(), QStringLiteral(R"({"name":"x"})"));
    QCOMPARE(m->data(m->index(1, RecordModel::ValueColumn), RecordModel::ServerValueRole).value<Json>(), Json("old"));
    QCOMPARE(m->data(m->index(1, RecordModel::ValueColumn), RecordModel::DirtyRole).toBool(), false);
    QVERIFY(!(m->flags(m->index(0, RecordModel::ValueColumn)) & Qt::ItemIsEditable));   // the id
    QVERIFY(m->flags(m->index(1, RecordModel::ValueColumn)) & Qt::ItemIsEditable);
    QVERIFY(!(m->flags(m->index(1, RecordModel::NameColumn)) & Qt::ItemIsEditable));
    QCOMPARE(m->rowOf(u"views"), 2);
    QVERIFY(!m->isDirty());
    QVERIFY(m->errorString().isEmpty());
}

void tst_RecordModel::editMarksDirty()
{
    RecordModel *m = makeModel();
    QTRY_COMPARE(m->rowCount(), 7);
    QSignalSpy dirty(m, &RecordModel::dirtyChanged);
    QVERIFY(dirty.isValid());
    SignalLog log(m);

    QVERIFY(m->setData(m->index(1, RecordModel::ValueColumn), QStringLiteral("new")));
    QCOMPARE(log.take(), QStringList{"data 1,1 1,1 VD"});
    QCOMPARE(dirty.count(), 1);
    QVERIFY(m->isDirty());
    QVERIFY(m->isFieldDirty(u"title"));
    QCOMPARE(m->data(m->index(1, RecordModel::ValueColumn)).toString(), QStringLiteral("new"));
    QCOMPARE(m->data(m->index(1, RecordModel::ValueColumn), RecordModel::ServerValueRole).value<Json>(), Json("old"));
    QCOMPARE(m->data(m->index(1, RecordModel::ValueColumn), RecordModel::DirtyRole).toBool(), true);

    // A second field; then the same value again is no change at all.
    QVERIFY(m->setData(m->index(2, RecordModel::ValueColumn), 42));
    QCOMPARE(log.take(), QStringList{"data 2,1 2,1 VD"});
    QVERIFY(m->setData(m->index(2, RecordModel::ValueColumn), 42));
    QCOMPARE(log.take(), QStringList{});
    QCOMPARE(m->changes(), Json::parse(R"({"title":"new","views":42})"));
    QCOMPARE(m->dirtyFields(), (QStringList{"title", "views"}));
    QCOMPARE(m->record().value("views"), Json(42));
    QCOMPARE(m->record().value("published"), Json(false));

    // Typing the server's value back: clean again.
    QVERIFY(m->setData(m->index(1, RecordModel::ValueColumn), QStringLiteral("old")));
    QVERIFY(m->setData(m->index(2, RecordModel::ValueColumn), QStringLiteral("10")));
    QCOMPARE(log.take(), (QStringList{"data 1,1 1,1 VD", "data 2,1 2,1 VD"}));
    QVERIFY(!m->isDirty());
    QCOMPARE(dirty.count(), 2);
    QCOMPARE(dirty.last().first().toBool(), false);

    // Changing the JSON type changes the type cell too.
    QVERIFY(m->setData(m->index(6, RecordModel::ValueColumn), QStringLiteral("hello")));
    QCOMPARE(log.take(), (QStringList{"data 6,1 6,1 VD", "data 6,2 6,2 T"}));
    QCOMPARE(m->data(m->index(6, RecordModel::TypeColumn)).toString(), QStringLiteral("string"));

    // Refused: the id, other columns, other roles, nothing emitted.
    QVERIFY(!m->setData(m->index(0, RecordModel::ValueColumn), 8));
    QVERIFY(!m->setData(m->index(1, RecordModel::NameColumn), QStringLiteral("name")));
    QVERIFY(!m->setData(m->index(1, RecordModel::ValueColumn), QStringLiteral("x"), Qt::DisplayRole));
    QVERIFY(!m->setField(QStringLiteral("id"), Json(8)));
    QCOMPARE(log.take(), QStringList{});
}

void tst_RecordModel::editConvertsToTheFieldsType_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<QVariant>("input");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("integer from text") << 2 << QVariant("42") << true << QByteArray("42");
    QTest::newRow("double from text") << 2 << QVariant("4.5") << true << QByteArray("4.5");
    QTest::newRow("not a number") << 2 << QVariant("abc") << false << QByteArray();
    QTest::newRow("lenient number text") << 2 << QVariant(" +5 ") << true << QByteArray("5");
    // Every digit of number text, even where an int64 or a double would round it.
    QTest::newRow("23 digits from text") << 2 << QVariant("12345678901234567890124") << true
                                         << QByteArray("12345678901234567890124");
    QTest::newRow("long decimal from text") << 2 << QVariant("0.1000000000000000055511151231257827") << true
                                            << QByteArray("0.1000000000000000055511151231257827");
    QTest::newRow("beyond a double from text") << 2 << QVariant("-1e400") << true << QByteArray("-1e400");
    QTest::newRow("2^53 + 1 from text") << 2 << QVariant("9007199254740993") << true << QByteArray("9007199254740993");
    QTest::newRow("uint64 max") << 2 << QVariant(std::numeric_limits<quint64>::max()) << true
                                << QByteArray("18446744073709551615");
    QTest::newRow("bool from text") << 3 << QVariant("true") << true << QByteArray("true");
    QTest::newRow("bool from bool") << 3 << QVariant(true) << true << QByteArray("true");
    QTest::newRow("bool from other text") << 3 << QVariant("yes") << false << QByteArray();
    QTest::newRow("array from JSON text") << 4 << QVariant(R"(["a","b"])") << true << QByteArray(R"(["a","b"])");
    QTest::newRow("array from bad text") << 4 << QVariant("[1,") << false << QByteArray();
    QTest::newRow("object from JSON text") << 5 << QVariant(R"({"name":"y"})") << true << QByteArray(R"({"name":"y"})");
    QTest::newRow("null from a number") << 6 << QVariant(5) << true << QByteArray("5");
    QTest::newRow("null from text") << 6 << QVariant("plain") << true << QByteArray(R"("plain")");
    QTest::newRow("string stays a string") << 1 << QVariant("12") << true << QByteArray(R"("12")");
    QTest::newRow("a Json as is") << 1 << QVariant::fromValue(Json::parse("[1]")) << true << QByteArray("[1]");
    QTest::newRow("invalid is null") << 1 << QVariant() << true << QByteArray("null");
}

void tst_RecordModel::editConvertsToTheFieldsType()
{
    QFETCH(int, row);
    QFETCH(QVariant, input);
    QFETCH(bool, accepted);
    QFETCH(QByteArray, json);
    RecordModel *m = makeModel();
    QTRY_COMPARE(m->rowCount(), 7);
    QSignalSpy changed(m, &QAbstractItemModel::dataChanged);
    QVERIFY(changed.isValid());
    QCOMPARE(m->setData(m->index(row, RecordModel::ValueColumn), input), accepted);
    if (!accepted) {
        QCOMPARE(changed.count(), 0);
        QVERIFY(!m->isDirty());
        return;
    }
    const Json value = m->data(m->index(row, RecordModel::ValueColumn), RecordModel::ValueJsonRole).value<Json>();
    QCOMPARE(value, Json::parse(json));
    QCOMPARE(value.toJson(), Json::parse(json).toJson());
    // A number no double holds shows, and edits, as its text.
    if (value.isTextNumber()) {
        QCOMPARE(m->data(m->index(row, RecordModel::ValueColumn)), QVariant(QString::fromLatin1(json)));
        QCOMPARE(m->data(m->index(row, RecordModel::ValueColumn), Qt::EditRole), QVariant(QString::fromLatin1(json)));
    }
    QVERIFY(m->isDirty());
}

void tst_RecordModel::revert()
{
    RecordModel *m = makeModel();
    QTRY_COMPARE(m->rowCount(), 7);
    QVERIFY(m->setField("title", Json("a")));
    QVERIFY(m->setField("views", Json(1)));
    QVERIFY(m->setField("published", Json(true)));
    SignalLog log(m);
    m->revertField("views");
    QCOMPARE(log.take(), QStringList{"data 2,1 2,1 VD"});
    QCOMPARE(m->dirtyFields(), (QStringList{"title", "published"}));
    QSignalSpy dirty(m, &RecordModel::dirtyChanged);
    m->revertChanges();
    QCOMPARE(log.take(), (QStringList{"data 1,1 1,1 VD", "data 3,1 3,1 VD"}));
    QCOMPARE(dirty.count(), 1);
    QVERIFY(!m->isDirty());
    QCOMPARE(m->fieldValue(u"title"), Json("old"));
    // QAbstractItemModel::revert() (a view's Escape) leaves edits alone.
    QVERIFY(m->setField("title", Json("a")));
    m->QAbstractItemModel::revert();
    QVERIFY(m->isDirty());
}

void tst_RecordModel::submitSendsOnlyChangedFields()
{
    RecordModel *m = makeModel();
    QTRY_COMPARE(m->rowCount(), 7);
    QVERIFY(m->setData(m->index(1, RecordModel::ValueColumn), QStringLiteral("new")));
    QVERIFY(m->setData(m->index(2, RecordModel::ValueColumn), 42));
    QSignalSpy submitting(m, &RecordModel::submittingChanged), succeeded(m, &RecordModel::submitSucceeded),
        failed(m, &RecordModel::submitFailed), dirty(m, &RecordModel::dirtyChanged);
    QVERIFY(submitting.isValid() && succeeded.isValid() && failed.isValid() && dirty.isValid());
    h->fixture.clearLog();

    Mutation *mutation = m->submitChanges();
    QVERIFY(mutation);
    QVERIFY(m->isSubmitting());
    QVERIFY(!m->submitChanges());   // one at a time
    QVERIFY(succeeded.wait());
    QCOMPARE(failed.count(), 0);

    // Only the changed fields went out, as one PATCH.
    QCOMPARE(h->fixture.count("PATCH", "/posts/7"), 1);
    const RecordedRequest patch = h->fixture.requests().first();
    QCOMPARE(patch.method, QByteArray("PATCH"));
    QCOMPARE(Json::parse(patch.body), Json::parse(R"({"title":"new","views":42})"));

    // Clean, showing the server's values; the detail refetches.
    QVERIFY(!m->isDirty());
    QCOMPARE(dirty.count(), 1);
    QCOMPARE(m->fieldValue(u"title"), Json("new"));
    QCOMPARE(m->data(m->index(2, RecordModel::ValueColumn), RecordModel::ServerValueRole).value<Json>(), Json(42));
    QTRY_COMPARE(h->fixture.count("GET", "/posts/7"), 1);
    QTRY_VERIFY(!m->isSubmitting());
    QCOMPARE(submitting.count(), 2);
    QTRY_COMPARE(h->client.queryData({"posts", 7}).value("title"), Json("new"));
    QTRY_COMPARE(m->serverRecord(), server);
    QVERIFY(!m->submitChanges());   // nothing to send
}

void tst_RecordModel::editsMadeWhileSubmittingStay()
{
    RecordModel *m = makeModel();
    QTRY_COMPARE(m->rowCount(), 7);
    QVERIFY(m->setField("title", Json("new")));
    QVERIFY(m->setField("views", Json(42)));
    QSignalSpy succeeded(m, &RecordModel::submitSucceeded);
    QVERIFY(m->submitChanges());
    // While it is under way, the user types on.
    QVERIFY(m->setField("title", Json("newer")));
    QVERIFY(succeeded.wait());
    QCOMPARE(m->dirtyFields(), QStringList{"title"});
    QCOMPARE(m->fieldValue(u"title"), Json("newer"));
    QCOMPARE(m->fieldValue(u"views"), Json(42));
    QTRY_COMPARE(h->fixture.count("GET", "/posts/7"), 2);
    QTRY_COMPARE(m->data(m->index(1, RecordModel::ValueColumn), RecordModel::ServerValueRole).value<Json>(), Json("new"));
    QCOMPARE(m->fieldValue(u"title"), Json("newer"));
    QVERIFY(m->isFieldDirty(u"title"));
}

void tst_RecordModel::failedSubmitKeepsEditsWithFieldErrors()
{
    RecordModel *m = makeModel();
    QTRY_COMPARE(m->rowCount(), 7);
    QVERIFY(m->setField("title", Json("")));
    QVERIFY(m->setField("views", Json(3)));
    patchStatus = {422};
    QSignalSpy failed(m, &RecordModel::submitFailed), error(m, &RecordModel::errorChanged);
    QVERIFY(failed.isValid() && error.isValid());
    SignalLog log(m);
    QVERIFY(m->submitChanges());
    QVERIFY(failed.wait());
    const auto e = failed.first().first().value<MutationError>();
    QVERIFY(e.isValidation());
    // Sent, the edits are the write's (no longer dirty, same values); refused, they are edits again, with errors.
    QCOMPARE(log.take(), (QStringList{"data 1,1 2,1 D", "data 1,1 1,1 DE", "data 2,1 2,1 D"}));

    // The edits stay, the title's errors are on its row, the whole error is readable.
    QCOMPARE(m->changes(), Json::parse(R"({"title":"","views":3})"));
    QCOMPARE(m->data(m->index(1, RecordModel::ValueColumn), RecordModel::FieldErrorsRole).toStringList(),
             (QStringList{"must not be empty", "too short"}));
    QCOMPARE(m->data(m->index(1, RecordModel::ValueColumn), RecordModel::FieldErrorRole).toString(),
             QStringLiteral("must not be empty; too short"));
    QCOMPARE(m->data(m->index(1, RecordModel::ValueColumn), Qt::ToolTipRole).toString(),
             QStringLiteral("must not be empty; too short"));
    QVERIFY(m->data(m->index(2, RecordModel::ValueColumn), RecordModel::FieldErrorRole).toString().isEmpty());
    QVERIFY2(m->errorString().contains("422"), qPrintable(m->errorString()));
    QCOMPARE(error.count(), 1);
    QCOMPARE(m->fieldErrors().value("title").size(), 2);
    QTRY_VERIFY(!m->isSubmitting());
    QCOMPARE(server.value("title"), Json("old"));

    // Editing the field clears its error; a new submit clears the rest and succeeds.
    QVERIFY(m->setField("title", Json("fixed")));
    QCOMPARE(log.take(), QStringList{"data 1,1 1,1 VE"});
    QSignalSpy succeeded(m, &RecordModel::submitSucceeded);
    QVERIFY(m->submitChanges());
    QVERIFY(succeeded.wait());
    QVERIFY(m->errorString().isEmpty());
    QVERIFY(!m->isDirty());
    QCOMPARE(server.value("title"), Json("fixed"));
}

void tst_RecordModel::refetchWhileDirty()
{
    RecordModel *m = makeModel();
    QTRY_COMPARE(m->rowCount(), 7);
    QVERIFY(m->setField("title", Json("mine")));
    QVERIFY(m->setField("views", Json(11)));
    SignalLog log(m);

    // Someone else changes the title and the views, and publishes it.
    server = server.merged(Json::parse(R"({"title":"theirs","views":11,"published":true})"));
    m->observer()->refetch();
    QTRY_COMPARE(m->fieldValue(u"published"), Json(true));
    // The title keeps the user's text (its server value moves on); views now agrees with the edit, so it is no
    // edit any more; published shows the server's value.
    QCOMPARE(log.take(), (QStringList{"data 1,1 1,1 S", "data 2,1 2,1 SD", "data 3,1 3,1 VS"}));
    QCOMPARE(m->fieldValue(u"title"), Json("mine"));
    QCOMPARE(m->data(m->index(1, RecordModel::ValueColumn), RecordModel::ServerValueRole).value<Json>(), Json("theirs"));
    QCOMPARE(m->dirtyFields(), QStringList{"title"});
    QCOMPARE(m->changes(), Json::parse(R"({"title":"mine"})"));
}

void tst_RecordModel::fieldsComeAndGo()
{
    RecordModel *m = makeModel();
    QTRY_COMPARE(m->rowCount(), 7);
    QVERIFY(m->setField("note", Json("kept")));
    SignalLog log(m);
    // The server drops "tags" and "note" (edited) and adds "extra" at the end.
    server = Json::parse(R"({"id":7,"title":"old","views":10,"published":false,"author":{"name":"x"},"extra":1})");
    m->observer()->refetch();
    QTRY_COMPARE(m->rowCount(), 7);
    QTRY_COMPARE(m->fieldName(5), QStringLiteral("extra"));
    // tags goes; extra comes before the note, which stays while edited, its server value gone.
    QCOMPARE(log.take(), (QStringList{"remove 4 4", "insert 5 5", "data 6,1 6,1 S"}));
    QCOMPARE(m->fieldName(6), QStringLiteral("note"));
    QVERIFY(m->data(m->index(6, RecordModel::ValueColumn), RecordModel::ServerValueRole).value<Json>().isUndefined());
    QCOMPARE(m->fieldValue(u"note"), Json("kept"));
    // Reverting it drops the row.
    m->revertField("note");
    QCOMPARE(log.take(), QStringList{"remove 6 6"});
    QCOMPARE(m->rowCount(), 6);
    // A field only the user adds is a new row.
    QVERIFY(m->setField("added", Json(true)));
    QCOMPARE(log.take(), QStringList{"insert 6 6"});
    QCOMPARE(m->changes(), Json::parse(R"({"added":true})"));
}

void tst_RecordModel::queryErrorIsReported()
{
    h->fixture.route("GET", "/posts/9", [](const RecordedRequest &) { return Response::json(R"({"error":"gone"})", 404); });
    QueryOptions detail = h->options(QueryKey{"posts", 9}, "/posts/9");
    RecordModel m(queue.get(), detail);
    QAbstractItemModelTester t(&m, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy error(&m, &RecordModel::errorChanged);
    QVERIFY(error.isValid());
    QTRY_VERIFY(!m.errorString().isEmpty());
    QVERIFY(m.errorString().contains("404"));
    QCOMPARE(m.rowCount(), 0);
    QVERIFY(!m.submitChanges());
}

// The built-in sample API: a real PATCH with If-Match from the detail's ETag, the record refetched after, and a
// 412 when someone else wrote first.
void tst_RecordModel::againstTheSampleApi()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    SampleApi api;
    QString error;
    QVERIFY2(api.start({.databasePath = dir.filePath("sample.sqlite"), .randomSeed = 7}, &error), qPrintable(error));
    Endpoint sample(&h->transport, {.name = "sample", .baseUrl = api.baseUrl()});
    queue->addEndpoint(&sample);
    const auto removeEndpoint = qScopeGuard([this] { queue->removeEndpoint("sample"); });

    RecordModelOptions options;
    options.submit.endpoint = "sample";
    options.submit.path = "/posts/1";
    options.submit.resource = "posts";
    RecordModel m(queue.get(), QueryOptions{.key = {"sample", "posts", 1}, .fn = sample.get("/posts/1")}, options);
    QAbstractItemModelTester t(&m, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QTRY_VERIFY(m.rowCount() > 5);
    QVERIFY(!m.observer()->query()->etag().isEmpty());
    QCOMPARE(m.fieldName(0), QStringLiteral("id"));

    QVERIFY(m.setField("title", Json("Edited in a form")));
    QSignalSpy succeeded(&m, &RecordModel::submitSucceeded), failed(&m, &RecordModel::submitFailed);
    QVERIFY(succeeded.isValid() && failed.isValid());
    QVERIFY(m.submitChanges());
    QVERIFY(succeeded.wait());
    QVERIFY(!m.isDirty());
    // The detail was refetched: what the form shows is the server's record.
    QTRY_COMPARE(m.observer()->data().value("title"), Json("Edited in a form"));
    QCOMPARE(m.fieldValue(u"title"), Json("Edited in a form"));

    // Someone else writes post 1 (no If-Match); then the form's write is refused, and its edit stays.
    QNetworkRequest other(QUrl(api.baseUrl().toString() + "/posts/1"));
    other.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    QNetworkReply *reply = h->nam.sendCustomRequest(other, "PATCH", R"({"views":1})");
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait());
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    reply->deleteLater();

    QVERIFY(m.setField("title", Json("Mine")));
    QVERIFY(m.submitChanges());
    QVERIFY(failed.wait());
    QVERIFY(failed.first().first().value<MutationError>().isConflict());
    QCOMPARE(m.changes(), Json::parse(R"({"title":"Mine"})"));
    QVERIFY(m.errorString().contains("412"));

    // The form refetched (focus, a live event) while its title was being edited, and someone else had changed the
    // title meanwhile: the save is refused too (412), not written over theirs. A change to another field is not
    // the edit's business: the save goes.
    auto otherClient = [&](const QByteArray &body) {
        std::unique_ptr<QNetworkReply> r(h->nam.sendCustomRequest(other, "PATCH", body));
        QSignalSpy done(r.get(), &QNetworkReply::finished);
        return done.wait() && r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200;
    };
    m.revertChanges();
    m.observer()->refetch();
    QTRY_COMPARE(m.fieldValue(u"views"), Json(1));
    QVERIFY(m.setField("title", Json("Edited while they edit")));
    QVERIFY(otherClient(R"({"title":"Theirs"})"));
    m.observer()->refetch();
    QTRY_COMPARE(m.data(m.index(m.rowOf(u"title"), RecordModel::ValueColumn), RecordModel::ServerValueRole)
                     .value<Json>(), Json("Theirs"));
    QCOMPARE(m.fieldValue(u"title"), Json("Edited while they edit"));
    failed.clear();
    QVERIFY(m.submitChanges());
    QVERIFY(failed.wait());
    QVERIFY(failed.first().first().value<MutationError>().isConflict());
    QCOMPARE(m.changes(), Json::parse(R"({"title":"Edited while they edit"})"));
    // Seen (the conflict shown): saved again, it goes over theirs, as the user chose.
    succeeded.clear();
    QVERIFY(m.submitChanges());
    QVERIFY(succeeded.wait());

    QTRY_COMPARE(m.fieldValue(u"title"), Json("Edited while they edit"));
    QVERIFY(m.setField("title", Json("Only the title")));
    QVERIFY(otherClient(R"({"views":2})"));
    m.observer()->refetch();
    QTRY_COMPARE(m.fieldValue(u"views"), Json(2));
    succeeded.clear();
    QVERIFY(m.submitChanges());
    QVERIFY(succeeded.wait());
    QTRY_COMPARE(m.observer()->data().value("title"), Json("Only the title"));
    QCOMPARE(m.observer()->data().value("views"), Json(2));
}

QTEST_GUILESS_MAIN(tst_RecordModel)
#include "tst_recordmodel.moc"
