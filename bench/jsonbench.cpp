// The parsing workload of refetch-bench (json_parse): Json::parse beside QJsonDocument::fromJson on the same bytes,
// for REST records (the model workloads' 100,000 rows) and for a document that is numbers only (integers, short
// decimals, 17-digit doubles as JavaScript prints them, some beyond what a double or qint64 keeps), so that a change
// to how numbers are read shows.

#include "benchutil.h"
#include "core/json/json.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>

#include <charconv>
#include <vector>

using namespace refetch;
using namespace refetch::bench;

namespace {

constexpr int Records = 100000;
constexpr int Numbers = 200000;

QByteArray recordsPayload()
{
    QByteArray out;
    out.reserve(qsizetype(Records) * 130);
    out += '[';
    for (int i = 0; i < Records; ++i) {
        if (i)
            out += ',';
        out += R"({"id":)" + QByteArray::number(i) + R"(,"title":"some title )" + QByteArray::number(i)
            + R"(","done":false,"score":)" + QByteArray::number(i * 0.5)
            + R"(,"tags":["a","b"],"owner":{"name":"x","age":3},"note":null})";
    }
    out += ']';
    return out;
}

// Each fifth number of a kind: an integer, a price, a 17-digit double (Math.random() printed by JavaScript), a
// negative 64-bit integer, and every 100th a number kept as text (a 23-digit integer or a 34-digit decimal).
QByteArray numbersPayload()
{
    QByteArray out;
    out.reserve(qsizetype(Numbers) * 16);
    out += '[';
    Lcg lcg;
    char buf[64];
    for (int i = 0; i < Numbers; ++i) {
        if (i)
            out += ',';
        const quint32 r = lcg.next();
        if (i % 100 == 99) {
            out += i % 200 == 99 ? "12345678901234567890123" : "0.1000000000000000055511151231257827";
            continue;
        }
        switch (i % 5) {
        case 0:
            out += QByteArray::number(r % 100000);
            break;
        case 1:
            out += QByteArray::number(r % 100000) + '.' + QByteArray::number(r % 90 + 10);
            break;
        case 2: {
            const double d = double(r) / 2147483648.0;
            out += QByteArrayView(buf, std::to_chars(buf, buf + sizeof buf, d).ptr - buf);
            break;
        }
        case 3:
            out += QByteArray::number(-qint64(r) * 4294967296LL - r);
            break;
        default:
            out += QByteArray::number(r % 1000 * 0.25);
            break;
        }
    }
    out += ']';
    return out;
}

void parseWorkload(const char *kind, const QByteArray &bytes, qsizetype elements)
{
    std::vector<double> ours, qt;
    for (int r = 0; r <= reps(); ++r) {
        QElapsedTimer t;
        t.start();
        const Json json = Json::parse(bytes);
        const qint64 ns = t.nsecsElapsed();
        if (json.size() != elements)
            fail("json_parse: Json::parse");
        t.restart();
        const QJsonDocument doc = QJsonDocument::fromJson(bytes);
        const qint64 qtNs = t.nsecsElapsed();
        if (doc.array().size() != elements)
            fail("json_parse: QJsonDocument::fromJson");
        if (r > 0) {
            ours.push_back(double(ns));
            qt.push_back(double(qtNs));
        }
    }
    const double ns = median(ours);
    const double qtNs = median(qt);
    printLine({{"workload", "json_parse"}, {"payload", kind}, {"n", elements}, {"bytes", bytes.size()},
               {"parse_ns", qRound64(ns)}, {"mb_per_s", qRound(bytes.size() / ns * 1000 * 10) / 10.0},
               {"qjsondocument_ns", qRound64(qtNs)}, {"times_faster_than_qjsondocument", qRound(qtNs / ns * 100) / 100.0},
               {"reps", reps()},
               {"note", "Json::parse of the bytes (the document built, nothing else); qjsondocument_ns: "
                        "QJsonDocument::fromJson of the same bytes"}});
}

} // namespace

void jsonParseWorkload()
{
    parseWorkload("records", recordsPayload(), Records);
    parseWorkload("numbers", numbersPayload(), Numbers);
}
