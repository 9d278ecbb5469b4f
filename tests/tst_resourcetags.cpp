#include "core/mutation/resourcetags.h"
#include "support/clientharness.h"

#include <QtTest>

using namespace refetch;
using namespace refetch::test;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(refetch::TagList)

namespace {

QSet<QString> idsOf(const TagList &tags, const QString &type)
{
    QSet<QString> ids;
    for (const Tag &t : tags) {
        if (t.type() == type && t.hasId())
            ids.insert(t.id());
    }
    return ids;
}

} // namespace

// Refine's scopes as tags: what queries provide, what each scope invalidates, and that endpoints stay apart
// (two real HTTP fixtures, each behind its own named endpoint).
class tst_ResourceTags : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void listTagsFromData_data();
    void listTagsFromData();
    void idsNormalise();
    void listMarkerIsNoRecord();
    void endpointNamesCannotCollide();
    void provideKeepsWhatWasThere();
    void scopesAcrossEndpoints_data();
    void scopesAcrossEndpoints();
    void scopeRefetchesActiveOnly();
    void recordTagsFollowTheData();

private:
    void fetch(Endpoint *endpoint, const QueryKey &key, const QString &path, const QueryOptions &tags);
    void populate();

    std::unique_ptr<ClientHarness> h;
    std::unique_ptr<HttpFixture> fixtureB;
    std::unique_ptr<Endpoint> endpointA;
    std::unique_ptr<Endpoint> endpointB;
    std::vector<std::unique_ptr<QueryObserver>> observers;
};

void tst_ResourceTags::init()
{
    h = std::make_unique<ClientHarness>();
    fixtureB = std::make_unique<HttpFixture>();
    QVERIFY(fixtureB->start());
    endpointA = std::make_unique<Endpoint>(&h->transport, EndpointConfig{.name = "a", .baseUrl = h->fixture.baseUrl()});
    endpointB = std::make_unique<Endpoint>(&h->transport, EndpointConfig{.name = "b", .baseUrl = fixtureB->baseUrl()});
}

void tst_ResourceTags::cleanup()
{
    observers.clear();
    h.reset();
    endpointA.reset();
    endpointB.reset();
    fixtureB.reset();
}

void tst_ResourceTags::listTagsFromData_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QStringList>("ids");
    QTest::newRow("array") << QByteArray(R"([{"id":1},{"id":"7"},{"id":"x"}])") << QStringList{"1", "7", "x"};
    QTest::newRow("envelope") << QByteArray(R"({"data":[{"id":3},{"id":4}],"total":2})") << QStringList{"3", "4"};
    QTest::newRow("rows without id") << QByteArray(R"([{"id":5},{"name":"no id"},{"id":null}])") << QStringList{"5"};
    QTest::newRow("empty") << QByteArray("[]") << QStringList{};
    QTest::newRow("not a list") << QByteArray(R"({"id":9})") << QStringList{};
}

void tst_ResourceTags::listTagsFromData()
{
    QFETCH(QByteArray, data);
    QFETCH(QStringList, ids);
    const ResourceTags posts("posts", "a");
    const TagList tags = posts.listTags(Json::parse(data));
    // The list tag, on this endpoint and on any, and the endpoint-wide and global bare tags.
    QVERIFY(tags.contains(posts.list().first()));
    QVERIFY(tags.contains(ResourceTags("posts").list().first()));
    QVERIFY(tags.contains(ResourceTags::all("a").first()));
    QVERIFY(tags.contains(ResourceTags::all().first()));
    QVERIFY(!tags.contains(ResourceTags::all("b").first()));
    const QSet<QString> expected(ids.cbegin(), ids.cend());
    QCOMPARE(idsOf(tags, QStringLiteral("rest:a/posts")) - QSet<QString>{QStringLiteral("*list")}, expected);
    QCOMPARE(idsOf(tags, QStringLiteral("rest:*/posts")) - QSet<QString>{QStringLiteral("*list")}, expected);
    for (const QString &id : ids)
        QVERIFY(tags.contains(posts.recordTag(Json(id))));
}

void tst_ResourceTags::idsNormalise()
{
    const ResourceTags posts("posts", "a");
    QCOMPARE(posts.recordTag(7), posts.recordTag("7"));
    QCOMPARE(posts.recordTag(7.0), posts.recordTag(7));
    QVERIFY(posts.recordTag(7) != posts.recordTag("07"));
    QVERIFY(ResourceTags::sameId(7, "7"));
    QVERIFY(!ResourceTags::sameId(7, 8));
    QVERIFY(!ResourceTags::sameId(Json(), Json()));
    // Record ids never differ by endpoint in the tag: the type does.
    QVERIFY(posts.recordTag(7) != ResourceTags("posts", "b").recordTag(7));
    QVERIFY(posts.recordTag(7) != ResourceTags("posts").recordTag(7));
}

void tst_ResourceTags::listMarkerIsNoRecord()
{
    const ResourceTags posts("posts", "a");
    // A record whose id is "*list" must not be taken for the list, nor the list for it.
    QVERIFY(posts.recordTag("*list") != posts.list().first());
    const TagList tags = posts.listTags(Json::parse(R"([{"id":"*list"}])"));
    QVERIFY(tags.contains(posts.recordTag("*list")));
    QCOMPARE(tags.count(posts.list().first()), 1);
    const TagList detail = posts.detailTags("*list");
    QVERIFY(!detail.contains(posts.list().first()));
}

void tst_ResourceTags::endpointNamesCannotCollide()
{
    // "a/b" + "posts" against "a" + "b/posts", and an endpoint named "*" against every endpoint.
    QVERIFY(ResourceTags("posts", "a/b").resourceAll() != ResourceTags("b/posts", "a").resourceAll());
    QVERIFY(ResourceTags("posts", "*").list() != ResourceTags("posts").list());
    QVERIFY(ResourceTags::all("*") != ResourceTags::all());
    QCOMPARE(ResourceTags("posts", "a").resourceAll().first().type(), QStringLiteral("rest:a/posts"));
    // A provider without an endpoint provides for "default", the name an EndpointConfig has by default.
    QVERIFY(ResourceTags("posts").detailTags(1).contains(ResourceTags("posts", "default").recordTag(1)));
    QCOMPARE(EndpointConfig{}.name, QStringLiteral("default"));
}

void tst_ResourceTags::provideKeepsWhatWasThere()
{
    QueryOptions o;
    o.tags = {Tag("Mine")};
    o.tagsFrom = [](const Json &) { return TagList{Tag("FromData", 1)}; };
    ResourceTags("posts", "a").provideList(o);
    QVERIFY(o.tags.contains(Tag("Mine")));
    QVERIFY(o.tags.contains(ResourceTags("posts", "a").list().first()));
    const TagList fromData = o.tagsFrom(Json::parse(R"([{"id":2}])"));
    QVERIFY(fromData.contains(Tag("FromData", 1)));
    QVERIFY(fromData.contains(ResourceTags("posts", "a").recordTag(2)));

    QueryOptions d;
    d.tags = {Tag("Mine")};
    ResourceTags("posts", "a").provideDetail(d, 2);
    QVERIFY(d.tags.contains(Tag("Mine")));
    QVERIFY(d.tags.contains(ResourceTags("posts", "a").recordTag(2)));
    QVERIFY(!d.tags.contains(ResourceTags("posts", "a").list().first()));
}

void tst_ResourceTags::fetch(Endpoint *endpoint, const QueryKey &key, const QString &path, const QueryOptions &tags)
{
    QueryOptions o = tags;
    o.key = key;
    o.fn = endpoint->get(path);
    h->client.fetchQuery(o);
}

// Entries on endpoint a: posts list [1,2,7], posts page 2 (an envelope with 3), post 7, post 8, users list [7];
// on endpoint b: posts list [7], post 7.
void tst_ResourceTags::populate()
{
    h->fixture.setJson("/posts", R"([{"id":1},{"id":2},{"id":7}])");
    h->fixture.setJson("/posts/page2", R"({"data":[{"id":3}],"total":4})");
    h->fixture.setJson("/posts/7", R"({"id":7})");
    h->fixture.setJson("/posts/8", R"({"id":8})");
    h->fixture.setJson("/users", R"([{"id":7}])");
    fixtureB->setJson("/posts", R"([{"id":7}])");
    fixtureB->setJson("/posts/7", R"({"id":7})");

    const ResourceTags postsA("posts", "a"), usersA("users", "a"), postsB("posts", "b");
    QueryOptions list, detail7, detail8, users, listB, detail7B;
    postsA.provideList(list);
    postsA.provideDetail(detail7, 7);
    postsA.provideDetail(detail8, 8);
    usersA.provideList(users);
    postsB.provideList(listB);
    postsB.provideDetail(detail7B, 7);
    fetch(endpointA.get(), {"a", "posts"}, "/posts", list);
    fetch(endpointA.get(), {"a", "posts", "page2"}, "/posts/page2", list);
    fetch(endpointA.get(), {"a", "posts", 7}, "/posts/7", detail7);
    fetch(endpointA.get(), {"a", "posts", 8}, "/posts/8", detail8);
    fetch(endpointA.get(), {"a", "users"}, "/users", users);
    fetch(endpointB.get(), {"b", "posts"}, "/posts", listB);
    fetch(endpointB.get(), {"b", "posts", 7}, "/posts/7", detail7B);
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    QCOMPARE(h->client.cache()->size(), 7);
    for (Query *q : h->client.cache()->all())
        QVERIFY2(q->status() == QueryStatus::Success, qPrintable(q->key().toString()));
}

void tst_ResourceTags::scopesAcrossEndpoints_data()
{
    QTest::addColumn<TagList>("scope");
    QTest::addColumn<QStringList>("hit");   // key texts

    const QString aList = QStringLiteral(R"(["a","posts"])"), aPage2 = QStringLiteral(R"(["a","posts","page2"])"),
                  a7 = QStringLiteral(R"(["a","posts",7])"), a8 = QStringLiteral(R"(["a","posts",8])"),
                  aUsers = QStringLiteral(R"(["a","users"])"), bList = QStringLiteral(R"(["b","posts"])"),
                  b7 = QStringLiteral(R"(["b","posts",7])");
    const ResourceTags postsA("posts", "a"), postsB("posts", "b"), postsAny("posts");

    QTest::newRow("list on a") << postsA.list() << QStringList{aList, aPage2};
    QTest::newRow("list anywhere") << postsAny.list() << QStringList{aList, aPage2, bList};
    QTest::newRow("detail 7 on a") << postsA.detail(7) << QStringList{aList, a7};
    QTest::newRow("detail \"7\" on b") << postsB.detail("7") << QStringList{bList, b7};
    QTest::newRow("detail 7 anywhere") << postsAny.detail(7) << QStringList{aList, a7, bList, b7};
    QTest::newRow("detail 3 (in an envelope)") << postsA.detail(3) << QStringList{aPage2};
    QTest::newRow("many 7, 8 on a") << postsA.many({7, 8}) << QStringList{aList, a7, a8};
    QTest::newRow("resourceAll on a") << postsA.resourceAll() << QStringList{aList, aPage2, a7, a8};
    QTest::newRow("resourceAll anywhere") << postsAny.resourceAll() << QStringList{aList, aPage2, a7, a8, bList, b7};
    QTest::newRow("all on a") << ResourceTags::all("a") << QStringList{aList, aPage2, a7, a8, aUsers};
    QTest::newRow("all on b") << ResourceTags::all("b") << QStringList{bList, b7};
    QTest::newRow("all") << ResourceTags::all() << QStringList{aList, aPage2, a7, a8, aUsers, bList, b7};
    QTest::newRow("posts list and post 8 on a, one call") << postsA.list() + postsA.detail(8) << QStringList{aList, aPage2, a8};
    QTest::newRow("users 7 on a") << ResourceTags("users", "a").detail(7) << QStringList{aUsers};
    QTest::newRow("nothing on c") << ResourceTags::all("c") << QStringList{};
    QTest::newRow("record 9 nowhere") << postsAny.detail(9) << QStringList{};
}

void tst_ResourceTags::scopesAcrossEndpoints()
{
    QFETCH(TagList, scope);
    QFETCH(QStringList, hit);
    populate();
    h->fixture.clearLog();
    fixtureB->clearLog();

    QCOMPARE(h->client.invalidateTags(scope, RefetchType::None), hit.size());
    for (Query *q : h->client.cache()->all()) {
        QCOMPARE(q->isInvalidated(), hit.contains(q->key().toString()));
        QVERIFY(q->hasData());   // marked, never dropped
    }
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count() + fixtureB->count(), 0);
}

void tst_ResourceTags::scopeRefetchesActiveOnly()
{
    // One scope over two endpoints: the observed entries refetch once, each from its own server.
    h->fixture.setJson("/posts", R"([{"id":7}])");
    h->fixture.setJson("/posts/7", R"({"id":7})");
    fixtureB->setJson("/posts", R"([{"id":7}])");
    QueryOptions listA{.key = QueryKey{"a", "posts"}, .fn = endpointA->get("/posts")};
    ResourceTags("posts", "a").provideList(listA);
    QueryOptions listB{.key = QueryKey{"b", "posts"}, .fn = endpointB->get("/posts")};
    ResourceTags("posts", "b").provideList(listB);
    QueryOptions detailA{.key = QueryKey{"a", "posts", 7}, .fn = endpointA->get("/posts/7")};
    ResourceTags("posts", "a").provideDetail(detailA, 7);
    observers.push_back(std::make_unique<QueryObserver>(&h->client, listA));
    observers.push_back(std::make_unique<QueryObserver>(&h->client, listB));
    h->client.fetchQuery(detailA);   // cached, not observed
    QTRY_VERIFY(observers[0]->isSuccess() && observers[1]->isSuccess());
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    h->fixture.clearLog();
    fixtureB->clearLog();

    QCOMPARE(h->client.invalidateTags(ResourceTags("posts").detail(7)), 3);
    QTRY_COMPARE(h->fixture.count("GET", "/posts"), 1);
    QTRY_COMPARE(fixtureB->count("GET", "/posts"), 1);
    QTRY_COMPARE(h->client.fetchingCount(), 0);
    QCoreApplication::processEvents();
    QCOMPARE(h->fixture.count(), 1);
    QCOMPARE(fixtureB->count(), 1);
    QVERIFY(h->client.query({"a", "posts", 7})->isInvalidated());
    QVERIFY(h->client.query({"a", "posts", 7})->hasData());
}

void tst_ResourceTags::recordTagsFollowTheData()
{
    h->fixture.setJson("/posts", R"({"data":[{"id":1},{"id":2}]})");
    QueryOptions o{.key = QueryKey{"posts"}, .fn = endpointA->get("/posts")};
    const ResourceTags posts("posts", "a");
    posts.provideList(o);
    observers.push_back(std::make_unique<QueryObserver>(&h->client, o));
    QTRY_VERIFY(observers[0]->isSuccess());
    QCOMPARE(h->client.invalidateTags(posts.detail(2), RefetchType::None), 1);

    // Record 2 leaves the list: after the refetch the list no longer answers for it.
    h->fixture.setJson("/posts", R"({"data":[{"id":1},{"id":3}]})");
    h->client.invalidateTags(posts.list());
    QTRY_COMPARE(observers[0]->data().value("data").size(), 2);
    QTRY_COMPARE(observers[0]->data().value("data").at(1).value("id").toInteger(), 3);
    QCOMPARE(h->client.invalidateTags(posts.detail(2), RefetchType::None), 0);
    QCOMPARE(h->client.invalidateTags(posts.detail(3), RefetchType::None), 1);
}

QTEST_GUILESS_MAIN(tst_ResourceTags)
#include "tst_resourcetags.moc"
