#include "core/http/httptransport.h"
#include "core/client/retrypolicy.h"

#include <QtTest>

#include <limits>

using namespace refetch;
using namespace std::chrono_literals;

class tst_RetryPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void delays();
    void retriesByStatus_data();
    void retriesByStatus();
    void retryAfter();
    void parseRetryAfter_data();
    void parseRetryAfter();
    void override();
};

static QueryError httpError(int status)
{
    return QueryError::http("GET", QUrl("http://h/x"), status, {}, {});
}

void tst_RetryPolicy::delays()
{
    const RetryPolicy p;
    const QueryError e = httpError(503);
    QCOMPARE(p.delay(1, e), 1000ms);
    QCOMPARE(p.delay(2, e), 2000ms);
    QCOMPARE(p.delay(3, e), 4000ms);
    QCOMPARE(p.delay(5, e), 16000ms);
    QCOMPARE(p.delay(6, e), 30000ms);
    QCOMPARE(p.delay(60, e), 30000ms);
    QVERIFY(p.retries(3, e));
    QVERIFY(!p.retries(4, e));
    QVERIFY(!RetryPolicy::none().retries(1, e));
}

void tst_RetryPolicy::retriesByStatus_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("retried");
    for (int s : {400, 401, 403, 404, 409, 410, 412, 422})
        QTest::addRow("%d", s) << s << false;
    for (int s : {408, 429, 500, 502, 503, 504})
        QTest::addRow("%d", s) << s << true;
}

void tst_RetryPolicy::retriesByStatus()
{
    QFETCH(int, status);
    QFETCH(bool, retried);
    QCOMPARE(RetryPolicy().retries(1, httpError(status)), retried);
}

void tst_RetryPolicy::retryAfter()
{
    RetryPolicy p;
    QueryError e = httpError(429);
    e.retryAfter = 7s;
    QCOMPARE(p.delay(1, e), 7000ms);
    QCOMPARE(p.delay(3, e), 7000ms);
    e.retryAfter = std::chrono::hours(2);   // longer than we are willing to wait: give up
    QVERIFY(!p.retries(1, e));
    QueryError parse;
    parse.kind = QueryError::Kind::Parse;
    QVERIFY(!p.retries(1, parse));           // the same bytes will not parse better next time
    QueryError net;
    net.kind = QueryError::Kind::Network;
    QVERIFY(p.retries(1, net));
}

void tst_RetryPolicy::parseRetryAfter_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("ms");   // -1: none
    QTest::newRow("seconds") << QByteArray("120") << qint64(120000);
    QTest::newRow("spaces") << QByteArray(" 3 ") << qint64(3000);
    QTest::newRow("zero") << QByteArray("0") << qint64(0);
    QTest::newRow("negative") << QByteArray("-1") << qint64(-1);
    QTest::newRow("date") << QByteArray("Wed, 21 Oct 2015 07:28:30 GMT") << qint64(30000);
    QTest::newRow("past date") << QByteArray("Wed, 21 Oct 2015 07:27:00 GMT") << qint64(0);
    QTest::newRow("huge") << QByteArray("45678901234567890") << qint64(std::numeric_limits<qint64>::max() / 1000 * 1000);
    QTest::newRow("more than 64 bits") << QByteArray("99999999999999999999") << qint64(-1);
    QTest::newRow("garbage") << QByteArray("soon") << qint64(-1);
    QTest::newRow("empty") << QByteArray() << qint64(-1);
}

void tst_RetryPolicy::parseRetryAfter()
{
    QFETCH(QByteArray, value);
    QFETCH(qint64, ms);
    const QDateTime now(QDate(2015, 10, 21), QTime(7, 28, 0), Qt::UTC);
    const auto parsed = HttpTransport::parseRetryAfter(value, now);
    if (ms < 0)
        QVERIFY(!parsed);
    else
        QCOMPARE(parsed.value_or(Millis{-1}).count(), ms);
}

void tst_RetryPolicy::override()
{
    RetryPolicy p;
    p.shouldRetry = [](int failures, const QueryError &e) { return failures < 10 && e.httpStatus == 404; };
    QVERIFY(p.retries(5, httpError(404)));
    QVERIFY(!p.retries(1, httpError(503)));
}

QTEST_GUILESS_MAIN(tst_RetryPolicy)
#include "tst_retrypolicy.moc"
