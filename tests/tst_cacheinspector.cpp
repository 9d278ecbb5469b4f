#include "app/sampleapi/sampleapi.h"
#include "core/inspect/cacheeventlog.h"
#include "core/client/focussource.h"
#include "core/http/httptransport.h"
#include "core/models/cacheinspectorfilter.h"
#include "core/models/cacheinspectormodel.h"
#include "core/models/cachetimelinemodel.h"
#include "core/models/jsontreemodel.h"
#include "core/models/mutationlistmodel.h"
#include "core/mutation/mutationqueue.h"
#include "core/client/onlinesource.h"
#include "core/client/queryclient.h"
#include "core/session/apiconnection.h"
#include "ui/cacheinspector.h"
#include "core/session/appsession.h"
#include "ui/mainwindow.h"
#include "ui/mutationspane.h"
#include "ui/querydetailpane.h"
#include "ui/recordform.h"
#include "ui/recordpane.h"
#include "ui/resourceview.h"
#include "ui/fieldeditor.h"
#include "core/session/settingsstore.h"
#include "ui/statuspanel.h"
#include "support/windowparts.h"
#include "core/session/transfermonitor.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QListWidget>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace refetch;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

#ifndef REFETCH_SCREENSHOT_DIR
#define REFETCH_SCREENSHOT_DIR "screenshots"
#endif

namespace {

// 30 posts and 3 users, in the order an API sends their members.
QByteArray seedData()
{
    Json posts = Json::array({});
    for (int i = 1; i <= 30; ++i) {
        posts = posts.withAppended(Json::object({{u"id", i}, {u"userId", 1 + i % 3}, {u"title", u"Post %1"_s.arg(i)},
                                                 {u"views", i * 10}, {u"tags", Json::array({"news", "release"})}}));
    }
    Json users = Json::array({});
    for (int i = 1; i <= 3; ++i)
        users = users.withAppended(Json::object({{u"id", i}, {u"name", u"User %1"_s.arg(i)}}));
    return Json::object({{u"posts", posts}, {u"users", users}}).toJson(Json::Format::Indented);
}

// What main() wires, with time in the test's hands: stale times, gc and the undo delay follow a manual clock.
struct Harness
{
    explicit Harness(const QString &dir)
        : session(AppSessionOptions{.settingsFile = dir + u"/settings.ini"_s, .clock = &clock, .focus = &focus,
                                    .online = &online}),
          settings(*session.settings()), store(*session.store()), client(*session.client()),
          mutations(*session.mutations()), network(*session.transfers()), transport(*session.transport())
    {
    }

    bool start(const QString &dir)
    {
        QFile seed(dir + u"/seed.json"_s);
        if (!seed.open(QIODevice::WriteOnly) || seed.write(seedData()) < 0)
            return false;
        seed.close();
        QString error;
        if (!api.start(SampleApi::Options{.databasePath = dir + u"/db.sqlite"_s, .seedFile = seed.fileName()}, &error)) {
            qWarning() << error;
            return false;
        }
        return true;
    }

    std::unique_ptr<MainWindow> makeWindow()
    {
        auto window = std::make_unique<MainWindow>(&session);
        EndpointSettings e = store.transientEndpoint(u"sample-api"_s, u"Sample API"_s, api.baseUrl());
        e.pageSize = 20;
        window->addSessionEndpoint(e);
        return window;
    }

    SampleApi api;
    ManualClock clock;
    FocusSource focus;
    OnlineSource online;
    AppSession session;
    QSettings &settings;
    SettingsStore &store;
    QueryClient &client;
    MutationQueue &mutations;
    TransferMonitor &network;
    HttpTransport &transport;
};

// A server that is not there until listen(): connections to its port are refused until then, and afterwards
// every request gets 200 {"ok":true}.
class LateServer : public QObject
{
public:
    LateServer()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        m_port = probe.serverPort();
    }
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1"_s.arg(m_port)); }
    bool listen()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                    // The whole request fits one read at these sizes; the answer closes the connection.
                    socket->readAll();
                    socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
                                  "Connection: close\r\n\r\n{\"ok\":true}");
                    socket->disconnectFromHost();
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        return m_server.listen(QHostAddress::LocalHost, m_port);
    }

private:
    QTcpServer m_server;
    quint16 m_port = 0;
};

} // namespace

// The cache inspector in the main window, against the built-in sample API on the offscreen platform: opening it,
// a live table (entries appearing, changing state, evicted), the timeline naming the mutation that invalidated an
// entry, every action, the filters, resuming a paused write; and its screenshot.
class tst_CacheInspector : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void opensFromTheViewMenuAndIsRemembered();
    void tableIsLive();
    void timelineNamesTheMutation();
    void entryActions();
    void invalidateTagByHand();
    void simulateOffline();
    void clearCache();
    void filters();
    void resumePausedWrite();
    void screenshot();

private:
    // Opens `resource` and waits for its first page.
    ResourceView *openList(const QString &resource = u"posts"_s);
    CacheInspector *showInspector();
    QueryKey pageKey(const QString &resource) const;
    QStringList entryTimeline() const;
    // Whether an event of the selected entry's timeline matches.
    bool timelineHas(const std::function<bool(const QString &)> &matches) const
    {
        const QStringList events = entryTimeline();
        return std::any_of(events.cbegin(), events.cend(), matches);
    }
    QString cell(const QueryKey &key, int column) const;
    // Whether a row of the inspector's table shows `key` (a gone entry's row stays until the next batch).
    bool showsKey(const QueryKey &key) const
    {
        const CacheInspectorModel *model = findPart<CacheInspector>(m_window.get(), "cacheInspector")->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            if (!model->queryAt(row) || model->keyAt(row) == key)
                return true;
        }
        return false;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Harness> m_h;
    std::unique_ptr<MainWindow> m_window;
};

void tst_CacheInspector::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_h = std::make_unique<Harness>(m_dir->path());
    QVERIFY(m_h->start(m_dir->path()));
    m_window = m_h->makeWindow();
    m_window->resize(1280, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void tst_CacheInspector::cleanup()
{
    m_window.reset();
    m_h.reset();
    m_dir.reset();
}

ResourceView *tst_CacheInspector::openList(const QString &resource)
{
    m_window->openResource(u"sample-api"_s, resource);
    [&] { QTRY_VERIFY(shownList(m_window.get()) && shownList(m_window.get())->resource() == resource); }();
    ResourceView *view = shownList(m_window.get());
    [&] { QTRY_VERIFY(view->model()->rowCount() > 0 && !view->model()->isFetching()); }();
    return view;
}

CacheInspector *tst_CacheInspector::showInspector()
{
    findPart<QAction>(m_window.get(), "inspectorAction")->trigger();
    CacheInspector *inspector = findPart<CacheInspector>(m_window.get(), "cacheInspector");
    [&] { QTRY_VERIFY(inspector->isVisible()); }();
    return inspector;
}

QueryKey tst_CacheInspector::pageKey(const QString &resource) const
{
    // The first page's key, as the paged model makes it: found among the entries rather than rebuilt here.
    CacheInspectorModel *model = findPart<CacheInspector>(m_window.get(), "cacheInspector")->model();
    model->flush();
    for (int row = 0; row < model->rowCount(); ++row) {
        const QueryKey key = model->keyAt(row);
        const QString text = key.toString();
        if (text.startsWith(u"[\"sample-api\",\"%1\""_s.arg(resource)) && text.contains(u"\"page\":1"_s))
            return key;
    }
    return {};
}

QStringList tst_CacheInspector::entryTimeline() const
{
    const CacheInspector *inspector = findPart<CacheInspector>(m_window.get(), "cacheInspector");
    const CacheTimelineModel *timeline = inspector->detail()->timeline();
    QStringList out;
    for (int row = 0; row < timeline->rowCount(); ++row)
        out.append(timeline->textAt(row));
    return out;
}

QString tst_CacheInspector::cell(const QueryKey &key, int column) const
{
    CacheInspectorModel *model = findPart<CacheInspector>(m_window.get(), "cacheInspector")->model();
    const int row = model->rowOf(key);
    return row < 0 ? QString() : model->index(row, column).data().toString();
}

void tst_CacheInspector::opensFromTheViewMenuAndIsRemembered()
{
    CacheInspector *inspector = findPart<CacheInspector>(m_window.get(), "cacheInspector");
    QVERIFY(inspector);
    QVERIFY(!inspector->isVisible());
    QCOMPARE(findPart<QAction>(m_window.get(), "inspectorAction")->shortcut(), QKeySequence(u"Ctrl+Shift+I"_s));
    QCOMPARE(m_window->dockWidgetArea(inspector), Qt::BottomDockWidgetArea);
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QTest::keyClick(m_window.get(), Qt::Key_I, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_VERIFY(inspector->isVisible());
    QVERIFY(findPart<QAction>(m_window.get(), "inspectorAction")->isChecked());

    // Open when the window closed: open the next time, where it was.
    QVERIFY(m_window->close());
    m_window = m_h->makeWindow();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_VERIFY(findPart<CacheInspector>(m_window.get(), "cacheInspector")->isVisible());
    findPart<QAction>(m_window.get(), "inspectorAction")->trigger();
    QTRY_VERIFY(!findPart<CacheInspector>(m_window.get(), "cacheInspector")->isVisible());
    QVERIFY(m_window->close());
    m_window = m_h->makeWindow();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY(!findPart<CacheInspector>(m_window.get(), "cacheInspector")->isVisible());
}

void tst_CacheInspector::tableIsLive()
{
    CacheInspector *inspector = showInspector();
    CacheInspectorModel *model = inspector->model();
    QSignalSpy inserted(model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(model, &QAbstractItemModel::modelReset);

    // Entries appear as the window loads them: the resource discovery, then the first page.
    openList();
    QTRY_VERIFY(!pageKey(u"posts"_s).isEmpty());
    const QueryKey page = pageKey(u"posts"_s);
    QTRY_COMPARE(cell(page, CacheInspectorModel::Status), u"success"_s);
    QCOMPARE(cell(page, CacheInspectorModel::FetchStatus), u"idle"_s);
    QCOMPARE(cell(page, CacheInspectorModel::Observers), u"1"_s);
    QVERIFY(cell(page, CacheInspectorModel::Tags).contains(u"rest:sample-api/posts:*list"_s));
    QVERIFY(!inserted.isEmpty());
    QVERIFY(inspector->countLabel()->text().endsWith(u"entries"_s));

    // It changes state: offline, a refetch waits (paused); back online it goes and comes back idle.
    QVERIFY(inspector->selectEntry(page));
    QCOMPARE(inspector->detail()->key(), page);
    inspector->offlineAction()->trigger();
    inspector->refetchAction()->trigger();
    QTRY_COMPARE(cell(page, CacheInspectorModel::FetchStatus), u"paused"_s);
    QTRY_VERIFY(inspector->detail()->summaryText().contains(u"paused"_s));
    inspector->offlineAction()->trigger();
    QTRY_COMPARE(cell(page, CacheInspectorModel::FetchStatus), u"idle"_s);
    QTRY_VERIFY(entryTimeline().contains(u"resumed: the network is back"_s));

    // Evicted: once no view shows it, gc takes it after its gc time, and the row goes.
    openList(u"users"_s);
    QTRY_COMPARE(cell(page, CacheInspectorModel::Observers), u"0"_s);
    QVERIFY(model->rowOf(page) >= 0);
    m_h->clock.advance(5min);
    QVERIFY(!m_h->client.query(page));
    QTRY_VERIFY(!showsKey(page));
    // Its story stays in its timeline, the eviction last; the table was never reset.
    QTRY_COMPARE(entryTimeline().last(), u"evicted by gc"_s);
    QVERIFY2(inspector->detail()->summaryText().startsWith(u"Not in the cache"_s), qPrintable(inspector->detail()->summaryText()));
    QCOMPARE(inspector->detail()->key(), page);
    QCOMPARE(reset.count(), 0);
}

void tst_CacheInspector::timelineNamesTheMutation()
{
    CacheInspector *inspector = showInspector();
    ResourceView *view = openList();
    // Edit post 3's title in the form and save it: a PATCH that invalidates the list and the record.
    const int row = view->model()->rowOf(Json(3));
    QVERIFY(row >= 0);
    view->table()->setCurrentIndex(view->model()->index(row, 1));
    RecordPane *pane = findPart<RecordPane>(m_window.get(), "recordPane");
    QTRY_VERIFY(pane->hasRecord() && pane->form()->editor(u"title"_s));
    auto *title = qobject_cast<QLineEdit *>(pane->form()->editor(u"title"_s)->focusTarget());
    QVERIFY(title);
    title->setText(u"Post 3, edited"_s);
    Q_EMIT title->textEdited(title->text());
    QTRY_VERIFY(pane->isDirty());
    QSignalSpy saved(pane, &RecordPane::saved);
    QVERIFY(pane->save());
    QVERIFY(saved.wait());

    const QueryKey page = pageKey(u"posts"_s);
    QVERIFY(inspector->selectEntry(page));
    const QString from = u" from mutation PATCH /posts/3"_s;
    QTRY_VERIFY2(entryTimeline().contains(u"invalidated by tag rest:sample-api/posts:*list"_s + from),
                 qPrintable(entryTimeline().join(u'\n')));
    QTRY_VERIFY2(timelineHas([&](const QString &t) {
        return t.startsWith(u"fetch: invalidated by tag rest:sample-api/posts:"_s) && t.endsWith(from);
    }), qPrintable(entryTimeline().join(u'\n')));
    // The whole cache's timeline tells it too.
    CacheTimelineModel *all = inspector->timelineModel();
    QTRY_VERIFY(all->rowCount() > 0);
    bool found = false;
    for (int r = 0; r < all->rowCount() && !found; ++r)
        found = all->textAt(r) == u"invalidated by tag rest:sample-api/posts:*list"_s + from;
    QVERIFY(found);

    // The Mutations tab: the write, done, with the tags it invalidated and the list page it refetched.
    MutationListModel *writes = inspector->mutationsPane()->model();
    QTRY_COMPARE(writes->rowCount(), 1);
    QCOMPARE(writes->index(0, MutationListModel::Request).data().toString(), u"PATCH /posts/3"_s);
    QTRY_COMPARE(writes->index(0, MutationListModel::Status).data().toString(), u"succeeded"_s);
    QVERIFY(writes->tagsAt(0).contains(u"rest:sample-api/posts:*list"_s));
    QTRY_VERIFY(writes->refetchedAt(0).contains(page));
    QCOMPARE(writes->variablesAt(0).value(u"title").toString(), u"Post 3, edited"_s);
    inspector->tabs()->setCurrentWidget(inspector->mutationsPane());
    inspector->mutationsPane()->table()->setCurrentIndex(writes->index(0, 0));
    // The form's saves are optimistic: the list shows the new values at once (marked while the write waits).
    QVERIFY(inspector->mutationsPane()->detailText().startsWith(u"PATCH /posts/3 · optimistic · succeeded"_s));
    QVERIFY(!inspector->mutationsPane()->refetchedList()->findItems(page.toString(), Qt::MatchExactly).isEmpty());
}

void tst_CacheInspector::entryActions()
{
    CacheInspector *inspector = showInspector();
    openList();
    const QueryKey page = pageKey(u"posts"_s);
    QVERIFY(inspector->selectEntry(page));
    QVERIFY(inspector->refetchAction()->isEnabled());
    QueryDetailPane *detail = inspector->detail();

    // The detail: its data as a tree, no error, the request that answered it.
    QTRY_VERIFY(detail->dataModel()->rowCount() > 0);
    QVERIFY(detail->requestText().startsWith(u"GET "_s + m_h->api.baseUrl().toString()));
    QCOMPARE(detail->errorText(), u"No error."_s);

    // Refetch: a fetch from the inspector, answered by a 304 (the sample API sends ETags).
    inspector->refetchAction()->trigger();
    QVERIFY(inspector->statusText().startsWith(u"Refetching"_s));
    QTRY_VERIFY(entryTimeline().contains(u"fetch: refetch from the inspector"_s));
    QTRY_COMPARE(entryTimeline().last(), u"304 Not Modified: the cached data is current"_s);
    QTRY_VERIFY(detail->isServedByNotModified());
    QVERIFY(detail->requestText().contains(u"304"_s));

    // Invalidate: marked, and refetched since the list shows it.
    inspector->invalidateAction()->trigger();
    QTRY_VERIFY(entryTimeline().contains(u"invalidated by key %1 from the inspector"_s.arg(page.toString())));
    QTRY_VERIFY(entryTimeline().contains(u"fetch: invalidated by key %1 from the inspector"_s.arg(page.toString())));

    // Reset: the data goes, and comes back since the list shows it.
    inspector->resetAction()->trigger();
    QTRY_VERIFY(entryTimeline().contains(u"reset from the inspector"_s));
    QTRY_VERIFY(entryTimeline().contains(u"fetch: reset from the inspector"_s));
    QTRY_COMPARE(cell(page, CacheInspectorModel::Status), u"success"_s);

    // Remove: an entry nobody shows leaves the cache and the table.
    m_h->client.setQueryData({"scratch"}, Json::object({{u"note", "remove me"}}));
    QTRY_VERIFY(inspector->selectEntry({"scratch"}));
    QTRY_COMPARE(detail->dataModel()->rowCount(), 1);
    QVERIFY(detail->requestText().isEmpty());
    inspector->removeAction()->trigger();
    QCOMPARE(inspector->statusText(), u"Removed [\"scratch\"]."_s);
    QVERIFY(!m_h->client.query({"scratch"}));
    QTRY_VERIFY(!showsKey({"scratch"}));
    QVERIFY(!inspector->removeAction()->isEnabled());
    QTRY_COMPARE(entryTimeline().last(), u"removed from the inspector"_s);

    // Remove on an entry in use resets it instead, and it refetches.
    QVERIFY(inspector->selectEntry(page));
    inspector->removeAction()->trigger();
    QVERIFY(inspector->statusText().contains(u"in use"_s));
    QVERIFY(m_h->client.query(page));
    QTRY_COMPARE(entryTimeline().count(u"reset from the inspector"_s), 2);
    QTRY_COMPARE(cell(page, CacheInspectorModel::Status), u"success"_s);
}

void tst_CacheInspector::invalidateTagByHand()
{
    CacheInspector *inspector = showInspector();
    openList();
    const QueryKey page = pageKey(u"posts"_s);
    QVERIFY(!inspector->invalidateTagAction()->isEnabled());
    QTest::keyClicks(inspector->tagEdit(), u"rest:sample-api/posts:*list"_s);
    QVERIFY(inspector->invalidateTagAction()->isEnabled());
    QTest::keyClick(inspector->tagEdit(), Qt::Key_Return);
    QCOMPARE(inspector->statusText(), u"Invalidated 1 entry with the tag rest:sample-api/posts:*list."_s);
    QVERIFY(inspector->selectEntry(page));
    QTRY_VERIFY(entryTimeline().contains(u"invalidated by tag rest:sample-api/posts:*list from the inspector"_s));
    QTRY_VERIFY(entryTimeline().contains(u"fetch: invalidated by tag rest:sample-api/posts:*list from the inspector"_s));

    // A bare type matches every entry that provides any tag of it; a tag nobody provides says so.
    inspector->tagEdit()->setText(u"rest:sample-api/posts"_s);
    inspector->invalidateTagAction()->trigger();
    QVERIFY(inspector->statusText().startsWith(u"Invalidated "_s));
    inspector->tagEdit()->setText(u"rest:sample-api/nothing:1"_s);
    inspector->invalidateTagAction()->trigger();
    QCOMPARE(inspector->statusText(), u"No entry provides the tag rest:sample-api/nothing:1."_s);
}

void tst_CacheInspector::simulateOffline()
{
    CacheInspector *inspector = showInspector();
    ResourceView *view = openList();
    inspector->offlineAction()->trigger();
    QVERIFY(inspector->offlineAction()->isChecked());
    QVERIFY(!m_h->online.isOnline());
    QCOMPARE(findPart<StatusPanel>(m_window.get(), "statusPanel")->onlineText(), u"Offline (simulated)"_s);
    // A refresh waits instead of failing.
    findPart<QAction>(m_window.get(), "refreshAction")->trigger();
    const QueryKey page = pageKey(u"posts"_s);
    QTRY_COMPARE(cell(page, CacheInspectorModel::FetchStatus), u"paused"_s);
    QVERIFY(view->model()->rowCount() > 0);
    inspector->offlineAction()->trigger();
    QVERIFY(m_h->online.isOnline());
    QCOMPARE(findPart<StatusPanel>(m_window.get(), "statusPanel")->onlineText(), u"Online"_s);
    QTRY_COMPARE(cell(page, CacheInspectorModel::FetchStatus), u"idle"_s);
    // The whole cache's timeline says when the network went and came back.
    QStringList all;
    for (int r = 0; r < inspector->timelineModel()->rowCount(); ++r)
        all.append(inspector->timelineModel()->textAt(r));
    QVERIFY(all.contains(u"offline: fetches wait for the network"_s));
    QVERIFY(std::any_of(all.cbegin(), all.cend(), [](const QString &t) { return t.startsWith(u"back online: "_s); }));
}

void tst_CacheInspector::clearCache()
{
    CacheInspector *inspector = showInspector();
    openList();
    const QueryKey page = pageKey(u"posts"_s);
    m_h->client.setQueryData({"scratch", 1}, Json(1));
    m_h->client.setQueryData({"scratch", 2}, Json(2));
    QTRY_VERIFY(inspector->model()->rowOf({"scratch", 2}) >= 0);
    int inactive = 0;
    m_h->client.cache()->forEach({}, [&](Query *q) { inactive += !q->isActive(); });
    QVERIFY(inactive >= 2);
    inspector->clearAction()->trigger();
    QVERIFY2(inspector->statusText().startsWith(u"Cleared the cache: %1 entries removed"_s.arg(inactive)),
             qPrintable(inspector->statusText()));
    QVERIFY(!m_h->client.query({"scratch", 1}));
    QTRY_VERIFY(!showsKey({"scratch", 1}));
    // What the window shows comes back by itself.
    QVERIFY(m_h->client.query(page));
    QTRY_COMPARE(cell(page, CacheInspectorModel::Status), u"success"_s);
    QVERIFY(shownList(m_window.get())->model()->rowCount() > 0);
}

void tst_CacheInspector::filters()
{
    CacheInspector *inspector = showInspector();
    openList();
    openList(u"users"_s);
    for (int i = 0; i < 50; ++i)
        m_h->client.setQueryData({"scratch", i}, Json(i), {Tag("Scratch", i)});
    CacheInspectorFilter *filter = inspector->filter();
    QTRY_COMPARE(inspector->model()->rowCount(), int(m_h->client.cache()->size()));
    const int all = filter->rowCount();
    QVERIFY(all >= 53);

    QTest::keyClicks(inspector->keyFilterEdit(), u"scratch\",4"_s);
    QCOMPARE(filter->rowCount(), 11);   // 4 and 40-49
    QCOMPARE(inspector->countLabel()->text(), u"11 of %1 entries"_s.arg(all));
    inspector->keyFilterEdit()->clear();
    QCOMPARE(filter->rowCount(), all);
    QCOMPARE(inspector->countLabel()->text(), u"%1 entries"_s.arg(all));

    int observed = 0;
    m_h->client.cache()->forEach({}, [&](Query *q) { observed += q->isObserved(); });
    QVERIFY(observed >= 2);   // the resource discovery and the users page at least
    inspector->stateFilterBox()->setCurrentIndex(inspector->stateFilterBox()->findText(u"Observed"_s));
    QCOMPARE(filter->rowCount(), observed);
    inspector->stateFilterBox()->setCurrentIndex(inspector->stateFilterBox()->findText(u"Unobserved"_s));
    QCOMPARE(filter->rowCount(), all - observed);
    inspector->stateFilterBox()->setCurrentIndex(0);

    QTest::keyClicks(inspector->tagFilterEdit(), u"scratch:4"_s);
    QCOMPARE(filter->rowCount(), 11);   // 4 and 40-49
    // Selecting an entry the filters hide clears them.
    QVERIFY(inspector->selectEntry(pageKey(u"users"_s)));
    QCOMPARE(filter->rowCount(), all);
    QVERIFY(inspector->tagFilterEdit()->text().isEmpty());
}

void tst_CacheInspector::resumePausedWrite()
{
    CacheInspector *inspector = showInspector();
    LateServer late;
    Endpoint away(&m_h->transport, EndpointConfig{.name = u"away"_s, .baseUrl = late.url()});
    m_h->mutations.addEndpoint(&away);
    // Online, yet nothing listens: the write pauses, waiting for the server.
    Mutation *write = m_h->mutations.mutate({.method = "PATCH", .endpoint = u"away"_s, .path = u"/posts/1"_s},
                                            Json::object({{u"id", 1}, {u"title", "t"}}));
    QTRY_VERIFY(write->isPaused());
    MutationsPane *pane = inspector->mutationsPane();
    inspector->tabs()->setCurrentWidget(pane);
    QTRY_VERIFY(pane->resumeButton(0));
    QCOMPARE(pane->model()->index(0, MutationListModel::Status).data().toString(), u"paused"_s);
    QVERIFY(pane->resumeButton(0)->isVisible());

    QVERIFY(late.listen());
    QTest::mouseClick(pane->resumeButton(0), Qt::LeftButton);
    QTRY_COMPARE(pane->model()->index(0, MutationListModel::Status).data().toString(), u"succeeded"_s);
    QTRY_VERIFY(!pane->resumeButton(0));
    m_h->mutations.removeEndpoint(u"away"_s);
}

void tst_CacheInspector::screenshot()
{
    // The window as in the README, the inspector open under it, on an entry with a story.
    m_window->resize(1360, 980);
    CacheInspector *inspector = showInspector();
    ResourceView *view = openList();
    m_h->clock.advance(3s);   // the save comes a little after the list was loaded
    const int row = view->model()->rowOf(Json(4));
    view->table()->setCurrentIndex(view->model()->index(row, 1));
    RecordPane *pane = findPart<RecordPane>(m_window.get(), "recordPane");
    QTRY_VERIFY(pane->hasRecord() && pane->form()->editor(u"title"_s));
    auto *title = qobject_cast<QLineEdit *>(pane->form()->editor(u"title"_s)->focusTarget());
    title->setText(title->text() + u" (edited)"_s);
    Q_EMIT title->textEdited(title->text());
    QSignalSpy saved(pane, &RecordPane::saved);
    QVERIFY(pane->save());
    QVERIFY(saved.wait());
    const QueryKey page = pageKey(u"posts"_s);
    QVERIFY(inspector->selectEntry(page));
    inspector->detail()->tabs()->setCurrentWidget(inspector->detail()->timelineView());
    QTRY_VERIFY(timelineHas([](const QString &t) { return t.startsWith(u"fetch: invalidated by tag"_s); }));
    QTRY_VERIFY(!inspector->model()->index(inspector->model()->rowOf(page), 0).data().toString().isEmpty());
    QTRY_COMPARE(cell(page, CacheInspectorModel::FetchStatus), u"idle"_s);
    QTRY_VERIFY(inspector->detail()->summaryText().startsWith(u"success · fresh"_s));

    QDir().mkpath(QStringLiteral(REFETCH_SCREENSHOT_DIR));
    const QString path = QStringLiteral(REFETCH_SCREENSHOT_DIR) + u"/cache-inspector.png"_s;
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    QVERIFY2(m_window->grab().save(path), qPrintable(path));
    qInfo("screenshot: %s", qPrintable(path));
}

QTEST_MAIN(tst_CacheInspector)
#include "tst_cacheinspector.moc"
