// libFuzzer target: arbitrary bytes as what a server says of its records' shape: an OpenAPI / Swagger document
// and a DRF OPTIONS answer. Each schema read from them must come back the same from its cached form
// (ResourceSchema::toJson / fromJson: the schema is a query, persisted with the cache), every field has a name,
// and each field's checks run over a few values, its own default among them ($ref cycles, allOf merges, patterns
// and bounds from the server included).
//
// An input: the document's bytes (read as both kinds).

#include "core/json/json.h"
#include "core/schema/drfmetadata.h"
#include "core/schema/openapischema.h"
#include "core/schema/resourceschema.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>

using namespace refetch;

namespace {

[[noreturn]] void fail(const char *what, const QString &detail = {})
{
    std::fprintf(stderr, "fuzz_schema: %s %s\n", what, qPrintable(detail));
    std::abort();
}

void check(const ResourceSchema &schema)
{
    const ResourceSchema back = ResourceSchema::fromJson(Json::parse(schema.toJson().toJson()));
    if (!(back == schema))
        fail("a schema reads otherwise from its cached form:", QString::fromUtf8(schema.toJson().toJson()));
    static const Json values[] = {Json(), Json(nullptr), Json(true), Json(0), Json(-1.5), Json(1e300),
                                  Json(QStringLiteral("")), Json(QStringLiteral("2024-02-30T25:61:00Z")),
                                  Json(QStringLiteral("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")), Json::parse("[1,{}]"),
                                  Json::parse(R"({"a":1})")};
    for (const FieldSchema &f : schema.fields) {
        if (f.name.isEmpty())
            fail("a field without a name");
        for (const Json &v : values)
            (void)f.problemWith(v);
        (void)f.problemWith(f.defaultValue);
        for (const Json &choice : f.choices)
            (void)f.problemWith(choice);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int argc = 1;
    static char name[] = "fuzz_schema";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
    if (size > 256 * 1024)
        return 0;
    const Json document = Json::parse(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)));
    QString error;
    const QHash<QString, ResourceSchema> schemas = OpenApiSchema::read(document, &error);
    for (auto it = schemas.cbegin(); it != schemas.cend(); ++it) {
        if (it.key().isEmpty())
            fail("a resource without a name");
        check(it.value());
    }
    check(DrfMetadata::read(document, QStringLiteral("posts"), &error));
    return 0;
}
