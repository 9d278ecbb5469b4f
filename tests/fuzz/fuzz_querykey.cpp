// libFuzzer target: arbitrary keys through canonicalisation, hashing and matching. An input is two JSON arrays
// separated by a 0xFF byte: key A and filter B. Checked: the canonical text round-trips with the same hash; a
// key and each of its prefixes match it; the text-level matcher agrees with partialMatch on the parsed parts; and
// the cache's key index finds exactly the entries a brute-force scan does.

#include "core/json/json.h"
#include "core/client/queryclient.h"
#include "core/cache/querykey.h"

#include <QCoreApplication>
#include <QSet>

#include <cstdio>
#include <cstdlib>

using namespace refetch;

namespace {

[[noreturn]] void fail(const char *what, const QueryKey &a, const QueryKey &b = {})
{
    std::fprintf(stderr, "fuzz_querykey: %s\n  A = %s\n  B = %s\n", what, a.canonical().constData(),
                 b.canonical().constData());
    std::abort();
}

QList<Json> elements(const Json &array, qsizetype n = -1)
{
    QList<Json> parts;
    for (qsizetype i = 0; i < array.size() && (n < 0 || i < n); ++i)
        parts.append(array.at(i));
    return parts;
}

// TanStack's partialMatchKey on the parsed parts: the reference the text-level matcher must agree with.
bool referenceMatch(const QueryKey &filter, const QueryKey &key)
{
    if (filter.size() > key.size())
        return false;
    const Json f = filter.parts(), k = key.parts();
    for (int i = 0; i < filter.size(); ++i) {
        if (!partialMatch(k.at(i), f.at(i)))
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int argc = 1;
    static char arg0[] = "fuzz_querykey";
    static char *argv[] = {arg0, nullptr};
    static QCoreApplication *app = new QCoreApplication(argc, argv);
    Q_UNUSED(app);

    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype split = input.indexOf('\xff');
    const Json a = Json::parse(split < 0 ? input : input.first(split));
    const Json b = split < 0 ? Json() : Json::parse(input.sliced(split + 1));
    if (!a.isArray())
        return 0;

    const QueryKey keyA(elements(a));
    const QueryKey again = QueryKey::fromCanonical(keyA.canonical());
    if (!(again == keyA) || again.hash() != keyA.hash() || again.size() != keyA.size())
        fail("the canonical text does not round-trip", keyA, again);
    if (!keyA.matchesPrefixOf(keyA))
        fail("a key does not match itself", keyA);

    QList<QueryKey> keys{keyA};
    for (int n = 0; n < keyA.size(); ++n) {
        const QueryKey prefix(elements(a, n));
        if (!prefix.matchesPrefixOf(keyA))
            fail("a prefix does not match its key", prefix, keyA);
        keys.append(prefix);
    }
    if (b.isArray()) {
        const QueryKey keyB(elements(b));
        keys.append(keyB);
        for (const QueryKey &k : keys) {
            if (keyB.matchesPrefixOf(k) != referenceMatch(keyB, k))
                fail("matchesPrefixOf disagrees with partialMatch", keyB, k);
            if (k.matchesPrefixOf(keyB) != referenceMatch(k, keyB))
                fail("matchesPrefixOf disagrees with partialMatch", k, keyB);
        }

        // The key index against a scan: invalidating by B's prefix finds exactly the matching entries.
        QueryClient client;
        for (const QueryKey &k : keys)
            client.setQueryData(k, Json(1));
        int expected = 0;
        QSet<QByteArray> distinct;
        for (const QueryKey &k : keys) {
            if (!distinct.contains(k.canonical())) {
                distinct.insert(k.canonical());
                expected += keyB.matchesPrefixOf(k) ? 1 : 0;
            }
        }
        QueryFilters filters;
        filters.key = keyB;
        if (client.invalidateQueries(filters, RefetchType::None) != expected)
            fail("the key index and a scan disagree on the matches of", keyB, keyA);
    }
    return 0;
}
