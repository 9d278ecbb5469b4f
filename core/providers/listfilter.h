#pragma once

#include "core/json/json.h"
#include "core/schema/resourceschema.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace refetch {

// The operators a filter condition can have. Which of them a server takes, on which fields, is its dialect's
// (DataProvider::filterOperators).
enum class FilterOp : quint8 {
    Equals, NotEquals, Greater, GreaterOrEqual, Less, LessOrEqual, Contains, StartsWith, In, IsNull, IsNotNull,
};

// One condition of a filtered list as a person builds it: field, operator, value ("views ≥ 100"). The provider of
// the server's dialect turns the conditions of a list into its own parameters (DataProvider::filterParams); the
// list checks each row the server sends against them (matches()), so that a server that ignores a filter (an
// undeclared django-filter lookup, json-server dropping a parameter no record has) is caught and said, rather
// than its rows shown as the filtered list.
struct FilterCondition
{
    Q_DECLARE_TR_FUNCTIONS(FilterCondition)
public:
    QString field;
    FilterOp op = FilterOp::Equals;
    Json value;   // a scalar; an array of scalars for In; Undefined for IsNull and IsNotNull
    // When the field holds links to records (Reference::link, DRF's hyperlinked fields), `value` is the id a row's
    // link must name, as the server's filter takes it (django-filter's related fields take the id): the rows'
    // links are read as ids (DataProvider::idInLink) before they are compared.
    QString link;

    enum class Match : quint8 { Yes, No, Unsure };
    // Whether `record` meets the condition, where that can be told for certain from the JSON: numbers by value,
    // texts that read as dates and times by the instant, others exactly (Contains and StartsWith ignore case, as
    // the servers' "icontains" and "like" do). Unsure where a server may rightly differ (a text equal but for
    // case: its collation may ignore case; an ordering of texts that are not dates: its collation decides).
    Match matches(const Json &record) const;

    // "views ≥ 100", "title contains “spring”", "userId is one of 1, 2", "rating is empty": for a chip.
    QString describe() const;
    // "=", "≠", ">", "≥", "<", "≤", "contains", "starts with", "is one of", "is empty", "is not empty".
    static QString opName(FilterOp op);
    // "eq", "ne", "gt", "gte", "lt", "lte", "contains", "startswith", "in", "null", "notnull": the settings file's
    // and the command line's word for it.
    static QString opKey(FilterOp op);
    static std::optional<FilterOp> opFromKey(QStringView key);
    static bool takesValue(FilterOp op) { return op != FilterOp::IsNull && op != FilterOp::IsNotNull; }
    static QList<FilterOp> allOps();

    // The command line's form: "views>=100", "title~spring", "title^spring", "userId=1,2" is not In (a value may
    // hold a comma); "userId:in=1,2", "rating:null", "views:gte=100" name any operator by its key. Values are
    // numbers, true/false and null when they read as one, else text; "field==text" keeps the text as it is.
    static std::optional<FilterCondition> parse(const QString &text, QString *error = nullptr);

    // {"field": "views", "op": "gte", "value": 100} (and "link" when there is one)
    Json toJson() const;
    static std::optional<FilterCondition> fromJson(const Json &json);

    friend bool operator==(const FilterCondition &, const FilterCondition &) = default;
};

// What a dialect needs to know of a field to offer its operators: its name, and its type and format as the
// schema (or, failing one, the values) say.
struct FilterField
{
    QString name;
    FieldSchema::Type type = FieldSchema::Type::Unknown;
    QString format;   // "date", "date-time", ...

    bool isText() const { return type == FieldSchema::Type::String && !isTemporal(); }
    bool isTemporal() const { return format == u"date" || format == u"date-time" || format == u"time"; }
    bool isNumeric() const { return type == FieldSchema::Type::Integer || type == FieldSchema::Type::Number; }
    bool isOrdered() const { return isNumeric() || isTemporal(); }
};

// The parameters of a list's conditions in a dialect's words, or why the server cannot be asked for them (then
// `params` is empty: nothing is sent that would show the list unfiltered).
struct FilterParams
{
    QList<std::pair<QString, QString>> params;
    QString error;
};

// A value as a parameter's text: a string as it is, a number or a boolean as JSON writes it ("7", "2.5", "true").
QString filterValueText(const Json &value);

} // namespace refetch
