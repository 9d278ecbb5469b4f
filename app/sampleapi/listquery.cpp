#include "listquery.h"

#include "jsvalue.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace refetch::sampleapi {

namespace {

// The parameters json-server takes out before it filters on fields. _page is not among them: it stays, and
// falls out of the filters only because no record has a member of that name (as json-server does it).
bool isReserved(const QString &key)
{
    static const QStringList reserved{QStringLiteral("q"), QStringLiteral("_start"), QStringLiteral("_end"),
                                      QStringLiteral("_sort"), QStringLiteral("_order"), QStringLiteral("_limit"),
                                      QStringLiteral("_embed"), QStringLiteral("_expand"), QStringLiteral("_delay")};
    return reserved.contains(key);
}

enum class FilterKind { Equal, NotEqual, AtLeast, AtMost, Like };

FilterKind filterKind(const QString &key)
{
    if (key.endsWith(u"_gte"))
        return FilterKind::AtLeast;
    if (key.endsWith(u"_lte"))
        return FilterKind::AtMost;
    if (key.endsWith(u"_ne"))
        return FilterKind::NotEqual;
    if (key.endsWith(u"_like"))
        return FilterKind::Like;
    return FilterKind::Equal;
}

QStringList pathSegments(QStringView path)
{
    // "a.b[0]" -> a, b, 0: enough of lodash's stringToPath for JSON records.
    QString p = path.toString();
    p.replace(u'[', u'.');
    p.remove(u']');
    p.remove(u'"');
    p.remove(u'\'');
    return p.split(u'.', Qt::SkipEmptyParts);
}

// Follows `segments` from `value`; Undefined where the path does not exist.
QJsonValue follow(QJsonValue value, const QStringList &segments, qsizetype from)
{
    for (qsizetype i = from; i < segments.size(); ++i) {
        const QString &segment = segments.at(i);
        if (value.isObject()) {
            const QJsonObject object = value.toObject();
            if (!object.contains(segment))
                return QJsonValue(QJsonValue::Undefined);
            value = object.value(segment);
        } else if (value.isArray()) {
            bool ok = false;
            const qsizetype index = segment.toLongLong(&ok);
            const QJsonArray array = value.toArray();
            if (!ok || index < 0 || index >= array.size())
                return QJsonValue(QJsonValue::Undefined);
            value = array.at(index);
        } else {
            return QJsonValue(QJsonValue::Undefined);
        }
    }
    return value;
}

// json-server's deepQuery: falsy values never match (so q=0 finds no zero), containers are searched inside.
bool deepQuery(const QJsonValue &value, const QString &needle)
{
    if (!js::isTruthy(value))
        return false;
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        return std::any_of(array.begin(), array.end(), [&](const QJsonValue &v) { return deepQuery(v, needle); });
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        return std::any_of(object.begin(), object.end(), [&](const QJsonValue &v) { return deepQuery(v, needle); });
    }
    return js::toString(value).toLower().contains(needle);
}

// ToIntegerOrInfinity, then Array.prototype.slice's clamping of a relative index.
qsizetype sliceIndex(double relative, qsizetype length)
{
    if (std::isnan(relative))
        relative = 0;
    relative = std::trunc(relative);
    if (relative < 0)
        return qsizetype(std::max(double(length) + relative, 0.0));
    return qsizetype(std::min(relative, double(length)));
}

QList<qsizetype> slice(const QList<qsizetype> &rows, double start, double end)
{
    const qsizetype from = sliceIndex(start, rows.size());
    const qsizetype to = sliceIndex(end, rows.size());
    return to > from ? rows.mid(from, to - from) : QList<qsizetype>();
}

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

} // namespace

QueryItems parseQuery(QByteArrayView encodedQuery)
{
    QueryItems items;
    for (const QByteArrayView part : QByteArray(encodedQuery.toByteArray()).split('&')) {
        if (part.isEmpty())
            continue;
        const qsizetype eq = part.indexOf('=');
        QByteArray key = (eq < 0 ? part : part.first(eq)).toByteArray();
        QByteArray value = eq < 0 ? QByteArray() : part.sliced(eq + 1).toByteArray();
        key.replace('+', ' ');
        value.replace('+', ' ');
        const QString decodedKey = QUrl::fromPercentEncoding(key);
        if (!decodedKey.isEmpty())
            items.append({decodedKey, QUrl::fromPercentEncoding(value)});
    }
    return items;
}

QJsonValue valueAtPath(const Record &record, QStringView path)
{
    // A member whose name is the whole path wins, as in lodash.
    if (record.contains(path))
        return record.value(path);
    const QStringList segments = pathSegments(path);
    if (segments.isEmpty())
        return QJsonValue(QJsonValue::Undefined);
    return follow(record.value(segments.first()), segments, 1);
}

bool hasPath(const Record &record, QStringView path)
{
    return !valueAtPath(record, path).isUndefined();
}

QString singularOf(const QString &plural)
{
    if (plural.endsWith(u"ies") && plural.size() > 3)
        return plural.chopped(3) + u'y';
    for (const char *ending : {"sses", "shes", "ches", "xes", "zes"}) {
        if (plural.endsWith(QLatin1StringView(ending)))
            return plural.chopped(2);
    }
    if (plural.endsWith(u's') && !plural.endsWith(u"ss"))
        return plural.chopped(1);
    return plural;
}

QString pluralOf(const QString &singular)
{
    static const QString vowels = QStringLiteral("aeiou");
    if (singular.size() > 1 && singular.endsWith(u'y') && !vowels.contains(singular.at(singular.size() - 2)))
        return singular.chopped(1) + QStringLiteral("ies");
    for (const char *ending : {"s", "sh", "ch", "x", "z"}) {
        if (singular.endsWith(QLatin1StringView(ending)))
            return singular.endsWith(u"ss") || !singular.endsWith(u's') ? singular + QStringLiteral("es") : singular;
    }
    return singular + u's';
}

ListAnswer answerList(const QList<Record> &records, const QueryItems &query, const QString &fullUrl)
{
    ListAnswer answer;
    auto first = [&](QStringView key) -> std::optional<QString> {
        for (const auto &[k, v] : query) {
            if (k == key)
                return v;
        }
        return std::nullopt;
    };
    // JavaScript truthiness of a parameter: present and not empty.
    auto given = [&](QStringView key) { return !first(key).value_or(QString()).isEmpty(); };

    QList<qsizetype> rows(records.size());
    std::iota(rows.begin(), rows.end(), 0);

    if (const QString q = first(u"q").value_or(QString()).toLower(); !q.isEmpty()) {
        rows.removeIf([&](qsizetype row) {
            const auto &members = records.at(row).members();
            return std::none_of(members.begin(), members.end(), [&](const Record::Member &m) { return deepQuery(m.value, q); });
        });
    }

    // Field filters, each key once with all its values; a key no record has is dropped unless it has a suffix.
    QStringList keys;
    for (const auto &[key, value] : query) {
        if (!isReserved(key) && !keys.contains(key))
            keys.append(key);
    }
    for (const QString &key : std::as_const(keys)) {
        if (key == u"callback" || key == u"_")
            continue; // JSONP's and jQuery's, ignored by json-server
        const FilterKind kind = filterKind(key);
        if (kind == FilterKind::Equal
            && std::none_of(records.begin(), records.end(), [&](const Record &r) { return hasPath(r, key); }))
            continue;
        const QString path = kind == FilterKind::Equal ? key : key.left(key.lastIndexOf(u'_'));
        QStringList values;
        QList<QRegularExpression> patterns;
        for (const auto &[k, v] : query) {
            if (k != key)
                continue;
            values.append(v);
            if (kind == FilterKind::Like) {
                QRegularExpression re(v, QRegularExpression::CaseInsensitiveOption);
                if (!re.isValid()) {
                    answer.error = QStringLiteral("%1: invalid regular expression '%2': %3").arg(key, v, re.errorString());
                    return answer;
                }
                patterns.append(re);
            }
        }
        rows.removeIf([&](qsizetype row) {
            const QJsonValue element = valueAtPath(records.at(row), path);
            if (element.isUndefined() || element.isNull())
                return true;
            const QString text = js::toString(element);
            auto matches = [&](qsizetype i) {
                const QString &value = values.at(i);
                switch (kind) {
                case FilterKind::AtLeast: return js::lessOrEqual(value, element);
                case FilterKind::AtMost: return js::greaterOrEqual(value, element);
                case FilterKind::NotEqual: return value != text;
                case FilterKind::Like: return patterns.at(i).match(text).hasMatch();
                case FilterKind::Equal: break;
                }
                return value == text;
            };
            // Several values: _ne must hold for all of them, the others for any.
            bool keep = kind == FilterKind::NotEqual;
            for (qsizetype i = 0; i < values.size(); ++i) {
                if (kind == FilterKind::NotEqual)
                    keep = keep && matches(i);
                else
                    keep = keep || matches(i);
            }
            return !keep;
        });
    }

    if (const QString sort = first(u"_sort").value_or(QString()); !sort.isEmpty()) {
        const QStringList fields = sort.split(u',');
        const QStringList orders = first(u"_order").value_or(QString()).toLower().split(u',');
        std::stable_sort(rows.begin(), rows.end(), [&](qsizetype a, qsizetype b) {
            for (qsizetype i = 0; i < fields.size(); ++i) {
                const int c = js::compareAscending(valueAtPath(records.at(a), fields.at(i)),
                                                   valueAtPath(records.at(b), fields.at(i)));
                if (c != 0)
                    return (i < orders.size() && orders.at(i) == u"desc" ? -c : c) < 0;
            }
            return false;
        });
    }

    auto integer = [&](QStringView key) { return js::parseInt(first(key).value_or(QString())); };
    if (given(u"_end") || given(u"_limit") || given(u"_page"))
        answer.totalCount = rows.size();
    if (given(u"_page")) {
        const double page = std::max(integer(u"_page").value_or(1), 1.0);
        const double limit = integer(u"_limit").value_or(0) != 0 ? *integer(u"_limit") : 10;
        // utils.getPage, and the links made by replacing "page=<current>" in the URL.
        const double start = (page - 1) * limit, end = page * limit;
        const QList<qsizetype> items = slice(rows, start, end);
        QList<std::pair<const char *, double>> links;
        if (!items.isEmpty()) {
            const bool partial = items.size() != rows.size();
            const QString current = partial ? js::numberToString(page) : QStringLiteral("undefined");
            if (partial)
                links.append({"first", 1});
            if (page > 1)
                links.append({"prev", page - 1});
            if (end < double(rows.size()))
                links.append({"next", page + 1});
            if (partial)
                links.append({"last", std::ceil(double(rows.size()) / limit)});
            QStringList parts;
            for (const auto &[rel, target] : std::as_const(links)) {
                if (target == 0 || std::isnan(target))
                    continue; // json-server skips falsy page numbers
                QString url = fullUrl;
                const QString from = QStringLiteral("page=") + current;
                if (const qsizetype at = url.indexOf(from); at >= 0)
                    url.replace(at, from.size(), QStringLiteral("page=") + js::numberToString(target));
                parts.append(QStringLiteral("<%1>; rel=\"%2\"").arg(url, QLatin1StringView(rel)));
            }
            answer.link = parts.join(QStringLiteral(", ")).toUtf8();
        } else {
            answer.link = QByteArray();
        }
        answer.rows = items;
    } else if (given(u"_end")) {
        answer.rows = slice(rows, integer(u"_start").value_or(0), integer(u"_end").value_or(NaN));
    } else if (given(u"_limit")) {
        const double start = integer(u"_start").value_or(0);
        answer.rows = slice(rows, start, start + integer(u"_limit").value_or(NaN));
    } else {
        answer.rows = rows;
    }
    return answer;
}

} // namespace refetch::sampleapi
