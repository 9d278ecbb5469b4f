// The filters of every dialect, side by side: how each turns a list's conditions ("views ≥ 100") into the
// parameters its servers read, and which conditions a server cannot take (then nothing is sent that would show
// the list unfiltered, and the user is told why).

#include "dataprovider.h"
#include "drfprovider.h"
#include "jsonapiprovider.h"
#include "jsonserver1provider.h"
#include "jsonserverprovider.h"

#include <QHash>
#include <QSet>

#include <cmath>
#include <QSet>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

using Params = QList<std::pair<QString, QString>>;

// A value of the kind a field holds, to ask a dialect whether it takes an operator on it.
Json probeValue(const FilterField &field, FilterOp op)
{
    Json v = field.isNumeric() ? Json(qint64(1))
           : field.type == FieldSchema::Type::Boolean ? Json(true)
           : field.isTemporal() ? Json(u"2024-01-01"_s)
                                : Json(u"a"_s);
    return op == FilterOp::In ? Json::array({v}) : FilterCondition::takesValue(op) ? v : Json();
}

// The values of an In condition (a single value is a list of one).
QList<Json> membersOf(const Json &value)
{
    QList<Json> out;
    if (value.isArray()) {
        for (const Json &v : value)
            out.append(v);
    } else if (!value.isUndefined()) {
        out.append(value);
    }
    return out;
}

// The members of an In condition as one comma-separated text; empty (with `error`) when a member holds a comma.
QString joinedMembers(const FilterCondition &c, QString *error)
{
    QStringList parts;
    for (const Json &v : membersOf(c.value)) {
        const QString text = filterValueText(v);
        if (text.contains(u',')) {
            *error = FilterCondition::tr("“%1” holds a comma, and this server reads a comma as between two values.")
                         .arg(text);
            return {};
        }
        parts.append(text);
    }
    return parts.join(u',');
}

// The characters a JavaScript regular expression reads as its own, escaped: json-server's _like is one.
QString regexLiteral(const QString &text)
{
    QString out;
    for (QChar ch : text) {
        if (QStringView(u"\\^$.|?*+()[]{}/").contains(ch))
            out += u'\\';
        out += ch;
    }
    return out;
}

QString cannot(const QString &server, const FilterCondition &c)
{
    return FilterCondition::tr("%1 has no “%2” filter for %3.").arg(server, FilterCondition::opName(c.op), c.field);
}

} // namespace

bool DataProvider::opSuitsField(FilterOp op, const FilterField &field) const
{
    using T = FieldSchema::Type;
    const bool unknown = field.type == T::Unknown;
    switch (op) {
    case FilterOp::Equals:
    case FilterOp::NotEquals:
        return field.type != T::Object && field.type != T::Array;
    case FilterOp::In:
        return field.type != T::Object && field.type != T::Array && field.type != T::Boolean;
    case FilterOp::Greater:
    case FilterOp::GreaterOrEqual:
    case FilterOp::Less:
    case FilterOp::LessOrEqual:
        return field.isOrdered() || unknown;
    case FilterOp::Contains:
    case FilterOp::StartsWith:
        return field.isText() || unknown;
    case FilterOp::IsNull:
    case FilterOp::IsNotNull:
        return true;
    }
    return false;
}

QList<FilterOp> DataProvider::filterOperators(const QString &resource, const FilterField &field) const
{
    QList<FilterOp> out;
    for (FilterOp op : FilterCondition::allOps()) {
        if (!opSuitsField(op, field))
            continue;
        QString why;
        if (!conditionParams(resource, FilterCondition{field.name, op, probeValue(field, op)}, &why).isEmpty())
            out.append(op);
    }
    return out;
}

FilterParams DataProvider::filterParams(const QString &resource, const QList<FilterCondition> &conditions) const
{
    FilterParams out;
    QHash<QString, qsizetype> owner;   // a parameter's name -> the condition that sends it
    for (qsizetype i = 0; i < conditions.size(); ++i) {
        const FilterCondition &c = conditions.at(i);
        if (FilterCondition::takesValue(c.op) && (c.value.isUndefined() || (c.op == FilterOp::In && membersOf(c.value).isEmpty())))
            return {{}, FilterCondition::tr("“%1 %2” needs a value.").arg(c.field, FilterCondition::opName(c.op))};
        QString why;
        const Params params = conditionParams(resource, c, &why);
        if (params.isEmpty())
            return {{}, why.isEmpty() ? cannot(displayName(), c) : why};
        QSet<QString> names;
        for (const auto &p : params)
            names.insert(p.first);
        for (const QString &name : std::as_const(names)) {
            if (const auto at = owner.constFind(name); at != owner.cend() && !repeatsAreAnd(name)) {
                return {{}, FilterCondition::tr("“%1” and “%2” both go to the server as %3, which it reads as one "
                                                "condition: keep one of them.")
                                .arg(conditions.at(*at).describe(), c.describe(), name)};
            }
            owner.insert(name, i);
        }
        out.params.append(params);
    }
    return out;
}

QList<std::pair<QString, QString>> DataProvider::conditionParams(const QString &resource, const FilterCondition &c,
                                                                 QString *error) const
{
    const ResourceInfo *info = resourceInfo(resource);
    const QStringList declared = info ? info->filterFields : QStringList();
    const QString &f = c.field;
    const QString v = filterValueText(c.value);
    if (declared.isEmpty()) {
        if (c.op == FilterOp::Equals)
            return {{f, v}};
        *error = tr("The server describes no filters, so only “=” is tried (and its rows are checked).");
        return {};
    }
    // The usual names of each lookup, Django's, json-server's and bracketed ones, as the server may declare them.
    QStringList names;
    switch (c.op) {
    case FilterOp::Equals: names = {f, f + u"__exact"_s, f + u"_eq"_s, f + u"[eq]"_s}; break;
    case FilterOp::NotEquals: names = {f + u"__ne"_s, f + u"_ne"_s, f + u"[ne]"_s, f + u"__not"_s}; break;
    case FilterOp::Greater: names = {f + u"__gt"_s, f + u"_gt"_s, f + u"[gt]"_s}; break;
    case FilterOp::GreaterOrEqual: names = {f + u"__gte"_s, f + u"_gte"_s, f + u"[gte]"_s, u"min_"_s + f, f + u"_min"_s}; break;
    case FilterOp::Less: names = {f + u"__lt"_s, f + u"_lt"_s, f + u"[lt]"_s}; break;
    case FilterOp::LessOrEqual: names = {f + u"__lte"_s, f + u"_lte"_s, f + u"[lte]"_s, u"max_"_s + f, f + u"_max"_s}; break;
    case FilterOp::Contains: names = {f + u"__icontains"_s, f + u"__contains"_s, f + u"_contains"_s, f + u"[contains]"_s}; break;
    case FilterOp::StartsWith:
        names = {f + u"__istartswith"_s, f + u"__startswith"_s, f + u"_startswith"_s, f + u"[startswith]"_s};
        break;
    case FilterOp::In: names = {f + u"__in"_s}; break;
    case FilterOp::IsNull:
    case FilterOp::IsNotNull: names = {f + u"__isnull"_s}; break;
    }
    for (const QString &name : std::as_const(names)) {
        if (!declared.contains(name))
            continue;
        if (c.op == FilterOp::In) {
            const QString joined = joinedMembers(c, error);
            return error->isEmpty() ? Params{{name, joined}} : Params{};
        }
        if (!FilterCondition::takesValue(c.op))
            return {{name, c.op == FilterOp::IsNull ? u"true"_s : u"false"_s}};
        return {{name, v}};
    }
    if (c.op == FilterOp::In && info && info->manyParam == f) {
        Params out;
        for (const Json &m : membersOf(c.value))
            out.append({f, filterValueText(m)});
        return out;
    }
    *error = tr("The server declares no “%1” filter for %2.").arg(FilterCondition::opName(c.op), f);
    return {};
}

// json-server 0.17 and the built-in sample API: a parameter given twice is either value, except field_ne, which
// must hold for both.
QList<std::pair<QString, QString>> JsonServerProvider::conditionParams(const QString &, const FilterCondition &c,
                                                                       QString *error) const
{
    const QString &f = c.field;
    const QString v = filterValueText(c.value);
    switch (c.op) {
    case FilterOp::Equals: return {{f, v}};
    case FilterOp::NotEquals: return {{f + u"_ne"_s, v}};
    case FilterOp::GreaterOrEqual: return {{f + u"_gte"_s, v}};
    case FilterOp::LessOrEqual: return {{f + u"_lte"_s, v}};
    case FilterOp::Greater: return {{f + u"_gte"_s, v}, {f + u"_ne"_s, v}};
    case FilterOp::Less: return {{f + u"_lte"_s, v}, {f + u"_ne"_s, v}};
    case FilterOp::Contains: return {{f + u"_like"_s, regexLiteral(v)}};
    case FilterOp::StartsWith: return {{f + u"_like"_s, u'^' + regexLiteral(v)}};
    case FilterOp::In: {
        Params out;
        for (const Json &m : membersOf(c.value))
            out.append({f, filterValueText(m)});
        return out;
    }
    case FilterOp::IsNull:
    case FilterOp::IsNotNull:
        *error = tr("json-server cannot filter on empty values.");
        return {};
    }
    return {};
}

bool JsonServerProvider::repeatsAreAnd(const QString &name) const
{
    return name.endsWith(u"_ne");
}

// json-server 1.x: conditions on numbers read the value with parseInt; an empty value, or a parameter given twice,
// filters nothing.
QList<std::pair<QString, QString>> JsonServer1Provider::conditionParams(const QString &, const FilterCondition &c,
                                                                        QString *error) const
{
    const QString v = filterValueText(c.value);
    if (FilterCondition::takesValue(c.op) && v.isEmpty()) {
        *error = tr("json-server 1 ignores a filter with an empty value.");
        return {};
    }
    if (c.value.isDouble() && c.value.toDouble() != std::floor(c.value.toDouble())) {
        *error = tr("json-server 1 reads numbers in filters as whole numbers: %1 would be taken for %2.")
                     .arg(v, QString::number(std::trunc(c.value.toDouble()), 'f', 0));
        return {};
    }
    const QString &f = c.field;
    switch (c.op) {
    case FilterOp::Equals: return {{f, v}};
    case FilterOp::NotEquals: return {{f + u"_ne"_s, v}};
    case FilterOp::Greater: return {{f + u"_gt"_s, v}};
    case FilterOp::GreaterOrEqual: return {{f + u"_gte"_s, v}};
    case FilterOp::Less: return {{f + u"_lt"_s, v}};
    case FilterOp::LessOrEqual: return {{f + u"_lte"_s, v}};
    default:
        return {};
    }
}

bool JsonServer1Provider::opSuitsField(FilterOp op, const FilterField &field) const
{
    // Its order conditions hold for numbers only (a date is never greater than anything).
    const bool ordered = op == FilterOp::Greater || op == FilterOp::GreaterOrEqual || op == FilterOp::Less
                      || op == FilterOp::LessOrEqual;
    if (ordered && !(field.isNumeric() || field.type == FieldSchema::Type::Unknown))
        return false;
    return DataProvider::opSuitsField(op, field);
}

// django-filter: the lookups a view's filterset declares. What it declares is not in DRF's OPTIONS; where the
// server publishes a schema that lists them (ResourceInfo::filterFields) only those are sent, else every lookup is
// tried and the list checks that the rows meet it (an undeclared one is ignored by the server).
QList<std::pair<QString, QString>> DrfProvider::conditionParams(const QString &resource, const FilterCondition &c,
                                                                QString *error) const
{
    const QString &f = c.field;
    const QString v = filterValueText(c.value);
    Params out;
    switch (c.op) {
    case FilterOp::Equals: out = {{f, v}}; break;
    case FilterOp::NotEquals:
        *error = tr("django-filter has no “not equal” lookup.");
        return {};
    case FilterOp::Greater: out = {{f + u"__gt"_s, v}}; break;
    case FilterOp::GreaterOrEqual: out = {{f + u"__gte"_s, v}}; break;
    case FilterOp::Less: out = {{f + u"__lt"_s, v}}; break;
    case FilterOp::LessOrEqual: out = {{f + u"__lte"_s, v}}; break;
    case FilterOp::Contains: out = {{f + u"__icontains"_s, v}}; break;
    case FilterOp::StartsWith: out = {{f + u"__istartswith"_s, v}}; break;
    case FilterOp::In: {
        const QString joined = joinedMembers(c, error);
        if (!error->isEmpty())
            return {};
        out = {{f + u"__in"_s, joined}};
        break;
    }
    case FilterOp::IsNull: out = {{f + u"__isnull"_s, u"true"_s}}; break;
    case FilterOp::IsNotNull: out = {{f + u"__isnull"_s, u"false"_s}}; break;
    }
    const ResourceInfo *info = resourceInfo(resource);
    if (info && !info->filterFields.isEmpty() && !info->filterFields.contains(out.front().first)) {
        *error = tr("The server declares no “%1” filter for %2.").arg(FilterCondition::opName(c.op), f);
        return {};
    }
    return out;
}

QList<std::pair<QString, QString>> JsonApiProvider::conditionParams(const QString &, const FilterCondition &c,
                                                                    QString *error) const
{
    const QString name = u"filter["_s + c.field + u']';
    if (c.op == FilterOp::Equals || c.op == FilterOp::In) {
        // A comma splits a value into several (filter[id]=1,2); "is one of" goes as the parameter repeated, which
        // Fortune reads for every type, where its comma list loses all but the first text.
        Params out;
        for (const Json &m : membersOf(c.value)) {
            FilterCondition one = c;
            one.value = Json::array({m});
            const QString v = joinedMembers(one, error);
            if (!error->isEmpty())
                return {};
            out.append({name, v});
        }
        return out;
    }
    *error = tr("JSON:API leaves filters other than “=” and “is one of” to each server.");
    return {};
}

} // namespace refetch
