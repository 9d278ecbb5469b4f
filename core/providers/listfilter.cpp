#include "listfilter.h"

#include "dataprovider.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

struct OpInfo
{
    FilterOp op;
    QStringView key;
};

constexpr OpInfo Ops[] = {
    {FilterOp::Equals, u"eq"}, {FilterOp::NotEquals, u"ne"}, {FilterOp::Greater, u"gt"},
    {FilterOp::GreaterOrEqual, u"gte"}, {FilterOp::Less, u"lt"}, {FilterOp::LessOrEqual, u"lte"},
    {FilterOp::Contains, u"contains"}, {FilterOp::StartsWith, u"startswith"}, {FilterOp::In, u"in"},
    {FilterOp::IsNull, u"null"}, {FilterOp::IsNotNull, u"notnull"},
};

Json fieldValue(const Json &record, const QString &field)
{
    const Json direct = record.value(QStringView(field));
    if (!direct.isUndefined() || !field.contains(u'.'))
        return direct;
    Json at = record;
    for (QStringView part : QStringView(field).split(u'.'))
        at = at.value(part);
    return at;
}

// A text as an instant or a day, when it reads as ISO 8601.
struct Instant
{
    QDateTime time;
    QDate day;
    bool local = false;   // no offset given: a wall-clock time in a zone nobody named
};

std::optional<Instant> instantOf(const Json &v)
{
    if (!v.isString())
        return std::nullopt;
    const QString s = v.toString();
    if (s.size() < 10 || s.at(4) != u'-')
        return std::nullopt;
    if (s.size() == 10) {
        const QDate d = QDate::fromString(s, Qt::ISODate);
        return d.isValid() ? std::optional<Instant>(Instant{.day = d}) : std::nullopt;
    }
    const QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
    if (!t.isValid())
        return std::nullopt;
    return Instant{.time = t, .local = t.timeSpec() == Qt::LocalTime};
}

// A number from a JSON number, or from a text that is one (a server's decimal as text, a typed value).
std::optional<double> numberOf(const Json &v)
{
    if (v.isNumber())
        return v.toDouble();
    if (v.isString()) {
        bool ok = false;
        const double d = v.toString().toDouble(&ok);
        if (ok)
            return d;
    }
    return std::nullopt;
}

// The order of a and b when it is certain: numbers by value, dates with dates, times with times in known zones.
std::optional<int> compare(const Json &a, const Json &b)
{
    if (a.isNumber() || b.isNumber()) {
        const auto x = numberOf(a), y = numberOf(b);
        if (!x || !y)
            return std::nullopt;
        return *x < *y ? -1 : *x > *y ? 1 : 0;
    }
    const auto x = instantOf(a), y = instantOf(b);
    if (!x || !y)
        return std::nullopt;
    if (x->day.isValid() != y->day.isValid() || x->local != y->local)
        return std::nullopt;
    if (x->day.isValid())
        return x->day < y->day ? -1 : x->day > y->day ? 1 : 0;
    return x->time < y->time ? -1 : x->time > y->time ? 1 : 0;
}

FilterCondition::Match equals(const Json &record, const Json &wanted)
{
    using Match = FilterCondition::Match;
    if (record.isUndefined() || record.isNull())
        return Match::No;
    if (record.isBool() || wanted.isBool())
        return filterValueText(record) == filterValueText(wanted) ? Match::Yes : Match::No;
    if (const auto order = compare(record, wanted))
        return *order == 0 ? Match::Yes : Match::No;
    if (!record.isString() && !record.isNumber())
        return Match::Unsure;   // an object or an array: how a server compares it is its own
    const QString a = filterValueText(record), b = filterValueText(wanted);
    if (a == b)
        return Match::Yes;
    if (instantOf(record) || instantOf(wanted))
        return Match::Unsure;   // one instant written two ways, or in zones not said
    return a.compare(b, Qt::CaseInsensitive) == 0 ? Match::Unsure : Match::No;
}

QString shown(const Json &value)
{
    if (value.isString())
        return u'\u201c' + value.toString() + u'\u201d';
    if (value.isArray()) {
        QStringList parts;
        for (const Json &v : value)
            parts.append(shown(v));
        return parts.join(u", ");
    }
    return filterValueText(value);
}

Json typedValue(const QString &text)
{
    if (text == u"null")
        return Json(nullptr);
    if (text == u"true" || text == u"false")
        return Json(text == u"true");
    const Json n = Json::fromNumberText(QStringView(text));
    if (!n.isUndefined() && n.isNumber())
        return n;
    return Json(text);
}

} // namespace

QString filterValueText(const Json &value)
{
    if (value.isString())
        return value.toString();
    if (value.isUndefined())
        return {};
    return QString::fromUtf8(value.toJson());
}

FilterCondition::Match FilterCondition::matches(const Json &record) const
{
    Json v = fieldValue(record, field);
    if (!link.isEmpty() && !v.isNull() && !v.isUndefined()) {
        // A link that names no record is no id of one: it meets no value, and is not missing either.
        if (const Json id = DataProvider::idInLink(link, v); !id.isUndefined())
            v = id;
        else
            return op == FilterOp::IsNotNull ? Match::Yes : Match::No;
    }
    const bool missing = v.isUndefined() || v.isNull();
    switch (op) {
    case FilterOp::IsNull:
        return missing ? Match::Yes : Match::No;
    case FilterOp::IsNotNull:
        return missing ? Match::No : Match::Yes;
    case FilterOp::Equals:
        return equals(v, value);
    case FilterOp::NotEquals: {
        if (missing)
            return Match::Unsure;   // SQL leaves nulls out of "<>", json-server keeps them
        const Match m = equals(v, value);
        return m == Match::Yes ? Match::No : m == Match::No ? Match::Yes : Match::Unsure;
    }
    case FilterOp::In: {
        Match out = Match::No;
        for (const Json &w : value.isArray() ? value : Json::array({value})) {
            const Match m = equals(v, w);
            if (m == Match::Yes)
                return Match::Yes;
            if (m == Match::Unsure)
                out = Match::Unsure;
        }
        return out;
    }
    case FilterOp::Greater:
    case FilterOp::GreaterOrEqual:
    case FilterOp::Less:
    case FilterOp::LessOrEqual: {
        if (missing)
            return Match::No;
        const auto order = compare(v, value);
        if (!order)
            return Match::Unsure;
        const bool ok = op == FilterOp::Greater ? *order > 0
                      : op == FilterOp::GreaterOrEqual ? *order >= 0
                      : op == FilterOp::Less ? *order < 0
                                             : *order <= 0;
        return ok ? Match::Yes : Match::No;
    }
    case FilterOp::Contains:
    case FilterOp::StartsWith: {
        if (missing)
            return Match::No;
        if (!v.isString() && !v.isNumber())
            return Match::Unsure;
        const QString text = filterValueText(v), part = filterValueText(value);
        const bool ok = op == FilterOp::Contains ? text.contains(part, Qt::CaseInsensitive)
                                                 : text.startsWith(part, Qt::CaseInsensitive);
        return ok ? Match::Yes : Match::No;
    }
    }
    return Match::Unsure;
}

QString FilterCondition::opName(FilterOp op)
{
    switch (op) {
    case FilterOp::Equals: return u"="_s;
    case FilterOp::NotEquals: return u"\u2260"_s;
    case FilterOp::Greater: return u">"_s;
    case FilterOp::GreaterOrEqual: return u"\u2265"_s;
    case FilterOp::Less: return u"<"_s;
    case FilterOp::LessOrEqual: return u"\u2264"_s;
    case FilterOp::Contains: return tr("contains");
    case FilterOp::StartsWith: return tr("starts with");
    case FilterOp::In: return tr("is one of");
    case FilterOp::IsNull: return tr("is empty");
    case FilterOp::IsNotNull: return tr("is not empty");
    }
    return {};
}

QString FilterCondition::opKey(FilterOp op)
{
    for (const OpInfo &o : Ops) {
        if (o.op == op)
            return o.key.toString();
    }
    return {};
}

std::optional<FilterOp> FilterCondition::opFromKey(QStringView key)
{
    for (const OpInfo &o : Ops) {
        if (o.key == key)
            return o.op;
    }
    return std::nullopt;
}

QList<FilterOp> FilterCondition::allOps()
{
    QList<FilterOp> out;
    for (const OpInfo &o : Ops)
        out.append(o.op);
    return out;
}

QString FilterCondition::describe() const
{
    if (!takesValue(op))
        return field + u' ' + opName(op);
    return field + u' ' + opName(op) + u' ' + shown(value);
}

std::optional<FilterCondition> FilterCondition::parse(const QString &text, QString *error)
{
    auto fail = [&](const QString &why) -> std::optional<FilterCondition> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const qsizetype at = text.indexOf(QRegularExpression(u"[=!<>~^:]"_s));
    if (at <= 0)
        return fail(tr("“%1” is not a filter: write FIELD=VALUE, FIELD>=VALUE, FIELD~TEXT or FIELD:OP=VALUE.")
                        .arg(text));
    FilterCondition c;
    c.field = text.left(at).trimmed();
    QStringView rest = QStringView(text).mid(at);
    if (rest.startsWith(u':')) {
        const qsizetype eq = rest.indexOf(u'=');
        const QStringView key = eq < 0 ? rest.mid(1) : rest.mid(1, eq - 1);
        const auto op = opFromKey(key);
        if (!op) {
            QStringList keys;
            for (const OpInfo &o : Ops)
                keys.append(o.key.toString());
            return fail(tr("“%1” is not an operator; these are: %2.").arg(key.toString(), keys.join(u", ")));
        }
        c.op = *op;
        if (!takesValue(c.op)) {
            if (eq >= 0)
                return fail(tr("“%1” takes no value.").arg(key.toString()));
            return c;
        }
        if (eq < 0)
            return fail(tr("“%1” needs a value: %2:%1=VALUE.").arg(key.toString(), c.field));
        const QString value = rest.mid(eq + 1).toString();
        if (c.op == FilterOp::In) {
            QList<Json> values;
            for (const QString &part : value.split(u','))
                values.append(typedValue(part));
            c.value = Json::array(values);
        } else {
            c.value = c.op == FilterOp::Contains || c.op == FilterOp::StartsWith ? Json(value) : typedValue(value);
        }
        return c;
    }
    struct Symbol { QStringView text; FilterOp op; bool keepText; };
    static constexpr Symbol Symbols[] = {
        {u"==", FilterOp::Equals, true}, {u"!=", FilterOp::NotEquals, false}, {u">=", FilterOp::GreaterOrEqual, false},
        {u"<=", FilterOp::LessOrEqual, false}, {u">", FilterOp::Greater, false}, {u"<", FilterOp::Less, false},
        {u"~", FilterOp::Contains, true}, {u"^", FilterOp::StartsWith, true}, {u"=", FilterOp::Equals, false},
    };
    for (const Symbol &s : Symbols) {
        if (rest.startsWith(s.text)) {
            c.op = s.op;
            const QString value = rest.mid(s.text.size()).toString();
            c.value = s.keepText ? Json(value) : typedValue(value);
            return c;
        }
    }
    return fail(tr("“%1” is not a filter: write FIELD=VALUE, FIELD>=VALUE, FIELD~TEXT or FIELD:OP=VALUE.").arg(text));
}

Json FilterCondition::toJson() const
{
    Json out = Json::object({{u"field", field}, {u"op", opKey(op)}, {u"value", value}});
    return link.isEmpty() ? out : out.withValue(u"link", Json(link));
}

std::optional<FilterCondition> FilterCondition::fromJson(const Json &json)
{
    const auto op = opFromKey(json.value(u"op").toString());
    const QString field = json.value(u"field").toString();
    if (!op || field.isEmpty())
        return std::nullopt;
    FilterCondition c{.field = field, .op = *op, .value = takesValue(*op) ? json.value(u"value") : Json()};
    if (takesValue(*op) && c.value.isUndefined())
        return std::nullopt;
    c.link = json.value(u"link").toString();
    return c;
}

} // namespace refetch
