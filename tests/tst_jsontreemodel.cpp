#include "core/models/jsontreemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

using namespace refetch;

// A JSON document as a collapsible tree: names, values and types, nested indexes that find their parents,
// scalars and empty documents.
class tst_JsonTreeModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void objectsAndArrays();
    void scalarAndEmptyDocuments();
    void largeArrayIsCheap();
};

void tst_JsonTreeModel::objectsAndArrays()
{
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    JsonParseError error;
    model.setJson(Json::parse(R"({"id":7,"title":"Hello","tags":["a","b"],"meta":{"draft":false,"rating":null}})", &error));
    QVERIFY(error.ok());
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.columnCount(), 3);
    auto text = [&](const QModelIndex &parent, int row, int column) { return model.index(row, column, parent).data().toString(); };
    QCOMPARE(text({}, 0, JsonTreeModel::Name), QStringLiteral("id"));
    QCOMPARE(text({}, 0, JsonTreeModel::Value), QStringLiteral("7"));
    QCOMPARE(text({}, 0, JsonTreeModel::Type), QStringLiteral("number"));
    QCOMPARE(text({}, 1, JsonTreeModel::Value), QStringLiteral("Hello"));
    QCOMPARE(text({}, 2, JsonTreeModel::Value), QStringLiteral("[2 items]"));
    QCOMPARE(text({}, 3, JsonTreeModel::Value), QStringLiteral("{2 members}"));

    const QModelIndex tags = model.index(2, 0);
    QVERIFY(model.hasChildren(tags));
    QCOMPARE(model.rowCount(tags), 2);
    QCOMPARE(text(tags, 1, JsonTreeModel::Name), QStringLiteral("[1]"));
    QCOMPARE(text(tags, 1, JsonTreeModel::Value), QStringLiteral("b"));
    QCOMPARE(model.parent(model.index(1, 2, tags)), tags);

    const QModelIndex meta = model.index(3, 0);
    QCOMPARE(text(meta, 0, JsonTreeModel::Type), QStringLiteral("boolean"));
    QCOMPARE(text(meta, 0, JsonTreeModel::Value), QStringLiteral("false"));
    QCOMPARE(text(meta, 1, JsonTreeModel::Type), QStringLiteral("null"));
    QCOMPARE(model.valueAt(meta).value(u"draft").toBool(true), false);
    QCOMPARE(model.index(0, 0, meta).data(JsonTreeModel::JsonRole).value<Json>(), Json(false));
    QVERIFY(!model.hasChildren(model.index(0, 0)));
    QCOMPARE(model.rowCount(model.index(2, 1)), 0);   // only the first column has children
}

void tst_JsonTreeModel::scalarAndEmptyDocuments()
{
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QCOMPARE(model.rowCount(), 0);
    model.setJson(Json("just text"));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, JsonTreeModel::Value).data().toString(), QStringLiteral("just text"));
    QCOMPARE(model.index(0, JsonTreeModel::Type).data().toString(), QStringLiteral("string"));
    model.setJson(Json::array({}));
    QCOMPARE(model.rowCount(), 0);
    model.setJson(Json());
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.json().isUndefined());
}

void tst_JsonTreeModel::largeArrayIsCheap()
{
    // 200,000 elements: only the rows asked for are made.
    QByteArray text = "[";
    for (int i = 0; i < 200000; ++i)
        text += (i ? "," : "") + QByteArray::number(i);
    text += ']';
    JsonTreeModel model;
    QElapsedTimer timer;
    timer.start();
    model.setJson(Json::parse(text));
    QCOMPARE(model.rowCount(), 200000);
    QCOMPARE(model.index(199999, JsonTreeModel::Value).data().toString(), QStringLiteral("199999"));
    QCOMPARE(model.index(5, JsonTreeModel::Name).data().toString(), QStringLiteral("[5]"));
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
}

QTEST_GUILESS_MAIN(tst_JsonTreeModel)
#include "tst_jsontreemodel.moc"
