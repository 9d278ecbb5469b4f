// libFuzzer target: arbitrary bytes as a server's answers, read the way each REST dialect reads them: a list page
// (rows, total, next link, relations; what the cache keeps of it reads back the same), a record, and the same bytes as a refused write's body (its message and
// its errors per field). And as a write kept in the outbox (PersistedMutation), which must read back the same
// from what it writes: a restored write that differs from the one made would send something else.
//
// An input: a first byte choosing the list's page and paging, then the body.

#include "core/json/json.h"
#include "core/mutation/mutationerror.h"
#include "core/mutation/persistedmutation.h"
#include "core/providers/dataprovider.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>

using namespace refetch;
using namespace Qt::StringLiterals;

namespace {

[[noreturn]] void fail(const char *what, const QString &detail = {})
{
    std::fprintf(stderr, "fuzz_answers: %s %s\n", what, qPrintable(detail));
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int argc = 1;
    static char name[] = "fuzz_answers";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
    if (size == 0 || size > 256 * 1024)
        return 0;
    const quint8 choice = data[0];
    const Json body = Json::parse(QByteArrayView(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1)));
    const Json meta = Json::parse(R"({"total": 45, "link": {"next": "http://127.0.0.1:1/posts?_page=2"}})");
    ListParams params;
    params.page = 1 + choice % 4;
    params.pageSize = 1 + (choice >> 2) % 50;
    params.offset = qint64(params.page - 1) * params.pageSize;

    static const QStringList dialects = DataProvider::dialects();
    for (const QString &dialect : dialects) {
        ProviderOptions options;
        options.paging = Paging(choice % 5);
        const std::shared_ptr<const DataProvider> provider = DataProvider::create(dialect, options);
        if (!provider)
            fail("a dialect named by dialects() cannot be made:", dialect);
        for (const Json &m : {meta, Json()}) {
            const ListPage page = provider->parseList(body, m, params);
            if (!page.rows.isArray())
                continue;   // not a list's shape: the list says so and keeps its last good rows
            // What the cache keeps of the page (DataProvider::pageData) reads back as the page.
            const ListPage kept = DataProvider::pageOf(Json::parse(DataProvider::pageData(page).toJson()));
            if (!(kept.rows == page.rows) || kept.total != page.total || !(kept.next == page.next))
                fail("a page reads otherwise from what the cache keeps of it:",
                     dialect + u": "_s + QString::fromUtf8(DataProvider::pageData(page).toJson()) + u" / rows "_s
                         + QString::fromUtf8(kept.rows.toJson()) + u" total "_s + QString::number(kept.total)
                         + u" next "_s + QString::fromUtf8(kept.next.toJson()));
            if (page.total < -1)
                fail("a negative total:", dialect);
            if (!page.next.isUndefined() && !page.next.isNull() && !page.next.isString())
                fail("a next page that is no link:", dialect);
            for (const Json &row : page.rows)
                (void)provider->recordPath(QStringLiteral("posts"), row.value(u"id"), row);
        }
        (void)provider->parseRecord(body);
    }

    const QueryError refused = QueryError::http("PATCH", QUrl(QStringLiteral("http://127.0.0.1:1/posts/7")), 400 + choice % 100,
                                                QStringLiteral("refused"), QByteArray());
    const MutationError error = MutationError::fromFailure(refused, body);
    for (auto it = error.fieldErrors.cbegin(); it != error.fieldErrors.cend(); ++it) {
        if (it.value().isEmpty())
            fail("a field error without a message:", it.key());
    }
    (void)error.toString();

    QString why;
    if (const std::optional<PersistedMutation> kept = PersistedMutation::fromJson(body, &why)) {
        const Json written = kept->toJson();
        const std::optional<PersistedMutation> again = PersistedMutation::fromJson(Json::parse(written.toJson()), &why);
        if (!again)
            fail("a kept write does not read back:", why);
        if (!(again->toJson() == written))
            fail("a kept write reads back otherwise:", QString::fromUtf8(written.toJson()));
    }
    return 0;
}
