#include "app/sampleapi/sampleapi.h"
#include "core/http/httptransport.h"
#include "core/models/pagedtablemodel.h"
#include "core/models/recordmodel.h"
#include "core/models/referencelabels.h"
#include "core/mutation/mutationqueue.h"
#include "core/providers/dataprovider.h"
#include "core/client/queryclient.h"
#include "core/mutation/resourcetags.h"
#include "support/dialectpeers.h"
#include "support/externalserver.h"
#include "core/session/apiconnection.h"
#include "ui/endpointtree.h"
#include "ui/filterbar.h"
#include "ui/fieldeditor.h"
#include "core/session/appsession.h"
#include "ui/mainwindow.h"
#include "ui/messagebar.h"
#include "ui/recordform.h"
#include "ui/recordpane.h"
#include "ui/referencepicker.h"
#include "ui/referringrecords.h"
#include "ui/referencesettings.h"
#include "ui/settingsdialog.h"
#include "core/session/incomingreferences.h"
#include "core/models/referencesearch.h"
#include "ui/resourceview.h"
#include "core/session/settingsstore.h"
#include "ui/statuspanel.h"
#include "support/windowparts.h"
#include "core/session/transfermonitor.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QToolButton>
#include <QAction>
#include <QClipboard>
#include <QCompleter>
#include <QGuiApplication>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QListWidget>
#include <QTableWidget>
#include <QComboBox>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QtTest>

#include <memory>

using namespace refetch;
using namespace refetch::test;
using namespace refetch::test::dialects;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

// The real window on every dialect's real server (issue #12), with an endpoint whose settings hold the base URL and
// a page size only: the side tree lists the detected resources, scrolling the list to its end shows every record
// once and says how many there are, an edited title saved from the form reaches the server, and a value the server
// refuses shows its message under the field. REFETCH_DIALECT_PEER names the server, as for tst_dialects (one CTest
// test per server, tests/CMakeLists.txt): builtin, jsonserver017, jsonserver1, drf-page, drf-limitoffset,
// drf-cursor, drf-none, fastapi, jsonapi.

namespace {

constexpr int WaitMs = 20000;

// A record as the server sends it to any other client: its fields, from a plain object or a JSON:API document.
QJsonObject fieldsOf(const QJsonObject &body)
{
    const QJsonObject data = body.value(u"data").toObject();
    if (data.contains(u"attributes"))
        return data.value(u"attributes").toObject();
    return body;
}

} // namespace

class tst_DialectWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void scrollingShowsEveryRecordOnce();
    void impatientScrollingShowsEveryRecordOnce();
    void savedTitleReachesTheServer();
    void editsAreKeptWholeAndWaitForTheServer();
    void formFollowsTheServersSchema();
    void referencesShowLabelsInBatches();
    void referencePickerSearchesTheServer();
    void recordsPointingHereAreListed();
    void jsonApiRelationshipsAreReferences();
    void filterChipsFilterOnTheServer();
    void cellEditReachesTheServer();

private:
    // The window on the endpoint, posts selected in the side tree; its list view, a model tester attached.
    ResourceView *openPosts();
    // Scrolls the list to its end until no more rows come; every row then shown once.
    void scrollToTheEnd(ResourceView *view);
    // Clicks the row of `id` and waits for its form.
    void selectRow(ResourceView *view, const Json &id);
    // The record as the server has it now, through a GET of its URL by another client; empty when it failed.
    QJsonObject serverRecord(const Json &id);
    int serverRequests() const;
    // A reference to record `id` of `resource` as this server writes it.
    Json refTo(const QString &resource, int id) const { return m_peer.refTo(m_baseUrl, resource, id); }
    Json refId(const Json &value) const { return m_peer.refId(value); }

    Peer m_peer;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ExternalServer> m_server;
    std::unique_ptr<SampleApi> m_sampleApi;
    QStringList m_builtinRequests;
    QUrl m_baseUrl;
    QElapsedTimer m_timer;

    // The app as main() builds it, with settings in the test's folder.
    std::unique_ptr<AppSession> m_session;
    SettingsStore *m_store = nullptr;
    QueryClient *m_client = nullptr;
    MutationQueue *m_queue = nullptr;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    QNetworkAccessManager m_other;   // another client of the server
};

void tst_DialectWindow::initTestCase()
{
    const QString name = qEnvironmentVariable("REFETCH_DIALECT_PEER", u"builtin"_s);
    m_peer = peer(name);
    QVERIFY2(!m_peer.name.isEmpty(), qPrintable(u"unknown REFETCH_DIALECT_PEER "_s + name));
    qInfo("peer: %s", qPrintable(name));
    if (m_peer.kind) {
        REFETCH_REQUIRE_SERVER(*m_peer.kind);
    }
}

void tst_DialectWindow::init()
{
    m_timer.start();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    const QString seed = m_dir->filePath(u"db.json"_s);
    QFile file(seed);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(seedJson());
    file.close();
    QString error;
    if (m_peer.kind) {
        m_server = std::make_unique<ExternalServer>();
        QVERIFY2(m_server->start(*m_peer.kind, seed, m_peer.args, &error), qPrintable(error));
        m_baseUrl = m_server->baseUrl();
    } else {
        m_sampleApi = std::make_unique<SampleApi>();
        QVERIFY2(m_sampleApi->start(SampleApi::Options{.databasePath = m_dir->filePath(u"sample.sqlite"_s),
                                                       .seedFile = seed, .randomSeed = 1}, &error),
                 qPrintable(error));
        QObject::connect(m_sampleApi.get(), &SampleApi::requestHandled, m_sampleApi.get(),
                         [this](const QByteArray &method, const QString &path, int) {
            m_builtinRequests.append(QString::fromLatin1(method) + u' ' + path);
        });
        m_baseUrl = m_sampleApi->baseUrl();
    }

    m_session = std::make_unique<AppSession>(AppSessionOptions{.settingsFile = m_dir->filePath(u"settings.ini"_s)});
    m_store = m_session->store();
    // Nothing but the base URL, and pages small enough that scrolling has to load several.
    EndpointSettings endpoint;
    endpoint.id = u"peer"_s;
    endpoint.baseUrl = m_baseUrl;
    endpoint.pageSize = PageSize;
    m_store->setEndpoints({endpoint});
    m_client = m_session->client();
    m_queue = m_session->mutations();
    qInfo("%s started in %lld ms", qPrintable(m_peer.name), m_timer.elapsed());
}

void tst_DialectWindow::cleanup()
{
    m_tester.reset();
    m_window.reset();
    m_session.reset();
    if (m_server && QTest::currentTestFailed()) {
        qInfo("requests:\n%s", qPrintable(m_server->requests().join(u'\n')));
        qInfo("the server said:\n%s", m_server->output().right(3000).constData());
    } else if (QTest::currentTestFailed()) {
        qInfo("requests:\n%s", qPrintable(m_builtinRequests.join(u'\n')));
    }
    m_server.reset();
    m_sampleApi.reset();
    m_builtinRequests.clear();
    m_dir.reset();
    qInfo("%s: %lld ms", QTest::currentTestFunction(), m_timer.elapsed());
}

int tst_DialectWindow::serverRequests() const
{
    return m_server ? int(m_server->requests().size()) : int(m_builtinRequests.size());
}

ResourceView *tst_DialectWindow::openPosts()
{
    m_window = std::make_unique<MainWindow>(m_session.get());
    // Small enough that one page of 10 does not fill the list: the view asks for the next by itself.
    m_window->resize(1100, 600);
    m_window->show();
    if (!QTest::qWaitForWindowExposed(m_window.get()))
        return nullptr;
    ApiConnection *c = connectionsOf(m_window.get())->find(u"peer"_s);
    if (!c)
        return nullptr;
    // The tree lists what detection found.
    EndpointTree *tree = findPart<EndpointTree>(m_window.get(), "endpointTree");
    if (!QTest::qWaitFor([&] { return tree->resourceItem(u"peer"_s, u"comments"_s) != nullptr; }, WaitMs)) {
        qWarning("no resources in the tree: %s", qPrintable(c->errorString()));
        return nullptr;
    }
    QTreeWidgetItem *endpointItem = tree->endpointItem(u"peer"_s);
    QStringList listed;
    for (int i = 0; endpointItem && i < endpointItem->childCount(); ++i)
        listed.append(endpointItem->child(i)->text(0));
    for (const QString &resource : {u"posts"_s, u"users"_s, u"comments"_s}) {
        if (!tree->resourceItem(u"peer"_s, resource)) {
            qWarning("the tree lists %s, not %s", qPrintable(listed.join(u", ")), qPrintable(resource));
            return nullptr;
        }
    }
    if (c->detected().dialect != m_peer.dialect) {
        qWarning("detected %s, not %s", qPrintable(c->detected().dialect), qPrintable(m_peer.dialect));
        return nullptr;
    }
    qInfo("detected %s; the tree lists %s (%lld ms)", qPrintable(c->detected().summary), qPrintable(listed.join(u", ")),
          m_timer.elapsed());

    // A click on posts in the tree.
    QTreeWidgetItem *posts = tree->resourceItem(u"peer"_s, u"posts"_s);
    tree->scrollToItem(posts);
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualItemRect(posts).center());
    if (!QTest::qWaitFor([&] { return shownList(m_window.get()) && shownList(m_window.get())->resource() == u"posts"
                                    && shownList(m_window.get())->connection() == c; }, WaitMs)) {
        qWarning("posts did not open");
        return nullptr;
    }
    ResourceView *view = shownList(m_window.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(view->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    return view;
}

void tst_DialectWindow::scrollToTheEnd(ResourceView *view)
{
    PagedTableModel *model = view->model();
    QScrollBar *bar = view->table()->verticalScrollBar();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 0 && !model->isFetching(), WaitMs);
    int scrolls = 0;
    for (;;) {
        QVERIFY2(!model->hasError(), qPrintable(model->errorString()));
        QVERIFY2(model->rowCount() <= Posts, qPrintable(u"%1 rows"_s.arg(model->rowCount())));
        if (!model->canFetchMore())
            break;
        QVERIFY2(++scrolls <= 2 * Posts / PageSize, "the list keeps offering more");
        const int before = model->rowCount();
        // A person turns the wheel over rows that are laid out: the view lays out new rows on a later turn of the
        // event loop, and until then the bar's range is that of the rows before (0 when they fitted), so a move to
        // its end would be no move at all.
        view->table()->doItemsLayout();
        // As a wheel does: the bar moves to its end (from just above it when it is there already, since the view
        // loads more only when the value changes).
        if (bar->value() == bar->maximum() && bar->maximum() > 0)
            bar->setValue(bar->maximum() - 1);
        bar->setValue(bar->maximum());
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > before || (!model->isFetching() && !model->canFetchMore()), WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!model->isFetching(), WaitMs);
    }
    QVERIFY(model->notice().isEmpty());
    QVERIFY(!view->messageBar()->isVisible());

    // Every record once: 45 rows, 45 ids, in the model and in the table.
    QSet<QString> ids;
    QStringList shown;
    const int idColumn = model->columnOf(u"id");
    QVERIFY(idColumn >= 0);
    for (int r = 0; r < model->rowCount(); ++r) {
        const QString id = idText(model->rowId(r));
        shown.append(id);
        ids.insert(id);
        // The cell the table shows says the same.
        QCOMPARE(view->table()->model()->index(r, idColumn).data().toString(), id);
    }
    QSet<QString> expected;
    for (int id = 1; id <= Posts; ++id)
        expected.insert(QString::number(id));
    QVERIFY2(ids == expected, qPrintable(shown.join(u' ')));
    QCOMPARE(model->rowCount(), Posts);
    QCOMPARE(view->table()->model()->rowCount(), Posts);
    QCOMPARE(view->table()->verticalHeader()->count(), Posts);
    QCOMPARE(model->totalCount(), qint64(Posts));
    const auto *count = view->findChild<QLabel *>(u"recordCount"_s);
    QVERIFY(count);
    QTRY_COMPARE(count->text(), u"45 records"_s);
    qInfo("%d scrolls to the end, %d requests so far (%lld ms)", scrolls, serverRequests(), m_timer.elapsed());
}

void tst_DialectWindow::selectRow(ResourceView *view, const Json &id)
{
    const int row = view->model()->rowOf(id);
    QVERIFY(row >= 0);
    // A plain cell (a click on a reference's name would follow it): the title, or a comment's body.
    const int title = view->model()->columnOf(u"title");
    const QModelIndex index = view->model()->index(row, title >= 0 ? title : std::max(0, view->model()->columnOf(u"body")));
    view->table()->scrollTo(index);
    QTest::mouseClick(view->table()->viewport(), Qt::LeftButton, {}, view->table()->visualRect(index).center());
    QVERIFY(ResourceTags::sameId(view->currentId(), id));
    RecordPane *pane = findPart<RecordPane>(m_window.get(), "recordPane");
    QTRY_VERIFY_WITH_TIMEOUT(pane->hasRecord() && ResourceTags::sameId(pane->recordId(), id), WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(pane->model()->rowCount() > 0 && !pane->model()->isLoading(), WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(pane->form()->editor(title >= 0 ? u"title"_s : u"body"_s), WaitMs);
}

QJsonObject tst_DialectWindow::serverRecord(const Json &id)
{
    ApiConnection *c = connectionsOf(m_window.get())->find(u"peer"_s);
    QNetworkRequest request(c->endpoint()->url(c->recordPath(u"posts"_s, id)));
    request.setTransferTimeout(10000);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    std::unique_ptr<QNetworkReply> reply(m_other.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(WaitMs))
        return {};
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    if (status != 200) {
        qWarning("GET %s: %d %s", qPrintable(request.url().toString()), status, body.left(300).constData());
        return {};
    }
    return fieldsOf(QJsonDocument::fromJson(body).object());
}

void tst_DialectWindow::scrollingShowsEveryRecordOnce()
{
    ResourceView *view = openPosts();
    QVERIFY(view);
    PagedTableModel *model = view->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 0 && !model->isFetching(), WaitMs);
    QCOMPARE(model->pageSize(), PageSize);
    // Before the end: what the window knows of the rest.
    const auto *count = view->findChild<QLabel *>(u"recordCount"_s);
    QVERIFY(count);
    // (The view may still be asking for a page to fill itself: the words follow what is loaded.)
    const auto expected = [&] {
        if (model->rowCount() >= Posts)
            return u"45 records"_s;
        return m_peer.total ? u"%1 of 45 records loaded"_s.arg(model->rowCount())
                            : u"%1 loaded, more on the server"_s.arg(model->loadedCount());
    };
    QTRY_VERIFY2_WITH_TIMEOUT(count->text() == expected(), qPrintable(count->text() + u" / "_s + expected()), WaitMs);
    qInfo("first rows: %d (%lld ms)", model->rowCount(), m_timer.elapsed());
    scrollToTheEnd(view);
    QVERIFY(!model->canFetchMore());
}

// A wheel that keeps turning while pages are on their way: the view asks for more at every step, and still each
// page is asked for once and each record shows once.
void tst_DialectWindow::impatientScrollingShowsEveryRecordOnce()
{
    ResourceView *view = openPosts();
    QVERIFY(view);
    PagedTableModel *model = view->model();
    QScrollBar *bar = view->table()->verticalScrollBar();
    const int requestsBefore = serverRequests();
    const bool ended = QTest::qWaitFor([&] {
        if (bar->maximum() > 0)
            bar->setValue(bar->value() == bar->maximum() ? bar->maximum() - 1 : bar->maximum());
        return model->hasError() || model->rowCount() > Posts
            || (model->rowCount() > 0 && !model->isFetching() && !model->canFetchMore());
    }, WaitMs);
    QVERIFY2(ended, qPrintable(u"%1 rows, fetching %2"_s.arg(model->rowCount()).arg(model->isFetching())));
    QVERIFY2(!model->hasError(), qPrintable(model->errorString()));
    QSet<QString> ids;
    QStringList shown;
    for (int r = 0; r < model->rowCount(); ++r) {
        shown.append(idText(model->rowId(r)));
        ids.insert(shown.last());
    }
    QVERIFY2(ids.size() == Posts && model->rowCount() == Posts, qPrintable(shown.join(u' ')));
    QTRY_COMPARE(view->findChild<QLabel *>(u"recordCount"_s)->text(), u"45 records"_s);
    // The list's requests: one per page (the first ones were sent before the wheel turned).
    const QString listPath = connectionsOf(m_window.get())->find(u"peer"_s)->provider()->listPath(u"posts"_s);
    const QStringList all = m_server ? m_server->requests() : m_builtinRequests;
    QStringList listRequests;
    for (const QString &r : all) {
        const QString target = r.section(u' ', 1);
        if (r.startsWith(u"GET "_s) && (target == listPath || target.startsWith(listPath + u'?')))
            listRequests.append(target);
    }
    const int pages = model->pageCount();
    QVERIFY2(listRequests.size() <= pages + 1, qPrintable(listRequests.join(u"; ")));
    qInfo("%lld list requests for %d pages, %d while scrolling (%lld ms)", qint64(listRequests.size()), pages,
          serverRequests() - requestsBefore, m_timer.elapsed());
}

// Issue #13 on every server (the built-in API's own window tests go further): a long paste is saved whole where the
// server takes it, an edit that is not valid JSON is an unsaved change, and a save made while the server is away
// waits, marked in the form and the list, named in the status bar and the side tree, without a question when the
// user moves on.
void tst_DialectWindow::editsAreKeptWholeAndWaitForTheServer()
{
    ResourceView *view = openPosts();
    QVERIFY(view);
    QTRY_VERIFY_WITH_TIMEOUT(view->model()->rowCount() >= 4 && !view->model()->isFetching(), WaitMs);
    Json id3, id4;
    for (int r = 0; r < view->model()->rowCount(); ++r) {
        if (idText(view->model()->rowId(r)) == u"3")
            id3 = view->model()->rowId(r);
        if (idText(view->model()->rowId(r)) == u"4")
            id4 = view->model()->rowId(r);
    }
    QVERIFY(!id3.isUndefined() && !id4.isUndefined());
    selectRow(view, id4);   // in the cache: its form opens while the server is away
    selectRow(view, id3);
    if (QTest::currentTestFailed())
        return;
    RecordPane *pane = findPart<RecordPane>(m_window.get(), "recordPane");
    RecordForm *form = pane->form();
    auto *titleEdit = qobject_cast<QLineEdit *>(form->editor(u"title"_s)->focusTarget());
    QVERIFY(titleEdit);
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));

    // 100,000 characters pasted and saved: the server has every one (where it takes a title that long).
    if (!m_peer.validates) {
        const QString pasted = u"Pasted: "_s + QString(99'988, u'x') + u" end"_s;
        QGuiApplication::clipboard()->setText(pasted);
        titleEdit->setFocus();
        titleEdit->selectAll();
        QTest::keyClick(titleEdit, Qt::Key_V, Qt::ControlModifier);
        QCOMPARE(titleEdit->text().size(), 100'000);
        QTest::keyClick(titleEdit, Qt::Key_S, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(!pane->isDirty() && !pane->isSubmitting(), WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(serverRecord(id3).value(u"title").toString().size(), 100'000, WaitMs);
        QCOMPARE(serverRecord(id3).value(u"title").toString(), pasted);
    }

    // JSON that does not parse: an unsaved change, asked about on leaving, reverted by Discard.
    auto *metaBox = qobject_cast<QPlainTextEdit *>(form->editor(u"meta"_s)->focusTarget());
    QVERIFY(metaBox);
    const QString metaBefore = metaBox->toPlainText();
    metaBox->setFocus();
    metaBox->selectAll();
    QTest::keyClicks(metaBox, u"[\"a\", {\"b\": "_s);
    QVERIFY(pane->isDirty());
    QVERIFY(!pane->canSave());
    const QModelIndex row4 = view->model()->index(view->model()->rowOf(id4), view->model()->columnOf(u"title"));
    QTest::mouseClick(view->table()->viewport(), Qt::LeftButton, {}, view->table()->visualRect(row4).center());
    QMessageBox *question = nullptr;
    QTRY_VERIFY((question = m_window->findChild<QMessageBox *>()) && question->isVisible());
    question->button(QMessageBox::Cancel)->click();
    QTRY_VERIFY(!m_window->findChild<QMessageBox *>());
    QVERIFY(ResourceTags::sameId(pane->recordId(), id3));
    pane->revert();
    QVERIFY(!pane->isDirty());
    QCOMPARE(metaBox->toPlainText(), metaBefore);

    // The server goes away; a save waits for it. (The title is long now: its editor may be a box.)
    QWidget *titleBox = form->editor(u"title"_s)->focusTarget();
    titleBox->setFocus();
    QTest::keyClick(titleBox, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(titleBox, u"Saved while the server was away"_s);
    QCOMPARE(pane->model()->changes(), Json::object({{u"title", Json(u"Saved while the server was away"_s)}}));
    if (m_server)
        m_server->stop();
    else
        m_sampleApi.reset();
    m_window->activateWindow();   // the question had the focus
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QTest::keyClick(titleBox, Qt::Key_S, Qt::ControlModifier);
    QTRY_VERIFY_WITH_TIMEOUT(!pane->model()->waitingWrites().isEmpty(), WaitMs);
    QVERIFY(!pane->isDirty());
    QVERIFY(pane->model()->index(pane->model()->rowOf(u"title"), RecordModel::ValueColumn).data(RecordModel::WaitingRole).toBool());
    PagedTableModel *list = view->model();
    const QModelIndex cell = list->index(list->rowOf(id3), list->columnOf(u"title"));
    QCOMPARE(cell.data().toString(), u"Saved while the server was away"_s);
    QTRY_VERIFY(!cell.data(JsonTableModel::WaitingRole).toString().isEmpty());
    const QString host = m_baseUrl.host() + u':' + QString::number(m_baseUrl.port());
    const StatusPanel *status = findPart<StatusPanel>(m_window.get(), "statusPanel");
    QTRY_VERIFY2(status->onlineText().startsWith(host + u" not answering since "_s)
                     && status->onlineText().endsWith(u" · 1 change waiting for the server"_s),
                 qPrintable(status->onlineText()));
    const EndpointTree *tree = findPart<EndpointTree>(m_window.get(), "endpointTree");
    QTRY_VERIFY(tree->endpointItem(u"peer"_s)->toolTip(0).contains(u"Not answering since "_s));
    // On to another record: nothing asks.
    QTest::mouseClick(view->table()->viewport(), Qt::LeftButton, {}, view->table()->visualRect(row4).center());
    QTRY_VERIFY(ResourceTags::sameId(pane->recordId(), id4));
    QVERIFY(!m_window->findChild<QMessageBox *>());
}

void tst_DialectWindow::savedTitleReachesTheServer()
{
    ResourceView *view = openPosts();
    QVERIFY(view);
    scrollToTheEnd(view);
    if (QTest::currentTestFailed())
        return;
    // A record of the last page but one (its id as the server writes it: a number, or JSON:API's string).
    Json id;
    for (int r = 0; r < view->model()->rowCount(); ++r) {
        if (idText(view->model()->rowId(r)) == u"37")
            id = view->model()->rowId(r);
    }
    QVERIFY(!id.isUndefined());
    selectRow(view, id);
    if (QTest::currentTestFailed())
        return;
    RecordPane *pane = findPart<RecordPane>(m_window.get(), "recordPane");
    RecordForm *form = pane->form();
    QVERIFY(!pane->isDirty());
    auto *titleEdit = qobject_cast<QLineEdit *>(form->editor(u"title"_s)->focusTarget());
    QVERIFY(titleEdit);
    QCOMPARE(titleEdit->text(), title(37));

    const QString edited = u"Edited in the window on "_s + m_peer.name;
    titleEdit->setFocus();
    titleEdit->selectAll();
    QTest::keyClicks(titleEdit, edited);
    QVERIFY(pane->isDirty());
    QCOMPARE(pane->model()->changes(), Json::object({{u"title", Json(edited)}}));
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    const int requestsBefore = serverRequests();
    QTest::keyClick(titleEdit, Qt::Key_S, Qt::ControlModifier);   // Ctrl+S
    QTRY_VERIFY_WITH_TIMEOUT(pane->isSubmitting() || !pane->isDirty(), WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!pane->isSubmitting(), WaitMs);
    QVERIFY2(!pane->messageBar()->isVisible() || pane->messageBar()->kind() != MessageBar::Kind::Error,
             qPrintable(pane->messageBar()->text()));
    // The form ends clean, with the new value (also where the server answers 204 and no body).
    QTRY_VERIFY_WITH_TIMEOUT(!pane->isDirty(), WaitMs);
    QCOMPARE(titleEdit->text(), edited);
    QCOMPARE(form->editor(u"title"_s)->value(), Json(edited));
    QTRY_COMPARE_WITH_TIMEOUT(pane->model()->serverRecord().value(u"title").toString(), edited, WaitMs);
    QVERIFY(pane->model()->changes().isEmpty());
    QVERIFY(form->messageOf(u"title"_s).isEmpty());
    QVERIFY(ResourceTags::sameId(pane->recordId(), id));
    {
        const QStringList sent = m_server ? m_server->requests().mid(requestsBefore) : m_builtinRequests.mid(requestsBefore);
        QVERIFY2(std::any_of(sent.begin(), sent.end(), [](const QString &r) { return r.startsWith(u"PATCH "_s); }),
                 qPrintable(sent.join(u"; ")));
    }
    // At the server: the title, and nothing else changed.
    const QJsonObject atServer = serverRecord(id);
    QCOMPARE(atServer.value(u"title").toString(), edited);
    QCOMPARE(atServer.value(u"views").toInt(), views(37));
    // The list refetched: the new title in its row, still every record once.
    PagedTableModel *model = view->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowJson(model->rowOf(id)).value(u"title").toString(), edited, WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!model->isFetching(), WaitMs);
    QSet<QString> ids;
    QStringList shown;
    for (int r = 0; r < model->rowCount(); ++r) {
        shown.append(idText(model->rowId(r)));
        ids.insert(shown.last());
    }
    QVERIFY2(ids.size() == Posts && model->rowCount() == Posts, qPrintable(shown.join(u' ')));
    QCOMPARE(view->findChild<QLabel *>(u"recordCount"_s)->text(), u"45 records"_s);
    QVERIFY(ResourceTags::sameId(view->currentId(), id));
    const QStringList sent = m_server ? m_server->requests().mid(requestsBefore) : m_builtinRequests.mid(requestsBefore);
    qInfo("saved (%lld ms): %s", m_timer.elapsed(), qPrintable(sent.join(u"; ")));

    if (!m_peer.validates)
        return;   // the server takes any value: there is no refusal to show

    // A second save with a value the server refuses: its message under the field, the edit kept, nothing changed.
    FieldEditor *invalid = form->editor(m_peer.invalidField);
    QVERIFY(invalid);
    auto *invalidEdit = qobject_cast<QLineEdit *>(invalid->focusTarget());
    QVERIFY2(invalidEdit, qPrintable(m_peer.invalidField));
    invalidEdit->setFocus();
    invalidEdit->selectAll();
    if (m_peer.invalidText.isEmpty())
        QTest::keyClick(invalidEdit, Qt::Key_Delete);
    else
        QTest::keyClicks(invalidEdit, m_peer.invalidText);
    QCOMPARE(invalidEdit->text(), m_peer.invalidText);
    QVERIFY(pane->isDirty());
    if (const FieldSchema *described = form->schema().field(m_peer.invalidField);
        described && !described->problemWith(form->editor(m_peer.invalidField)->value()).isEmpty()) {
        // The server's description already says it refuses this (FastAPI's ge=0, DRF's min_value 0): said under
        // the field before anything is sent (#15), the edit kept.
        const int beforeRefusal = serverRequests();
        QVERIFY(!pane->save());
        QTRY_VERIFY_WITH_TIMEOUT(!form->messageOf(m_peer.invalidField).isEmpty(), WaitMs);
        qInfo("refused before sending: %s", qPrintable(form->messageOf(m_peer.invalidField)));
        QTest::qWait(300);
        QCOMPARE(serverRequests(), beforeRefusal);
        QVERIFY(pane->isDirty());
        QCOMPARE(invalidEdit->text(), m_peer.invalidText);
        return;
    }
    QVERIFY(pane->save());
    QTRY_VERIFY_WITH_TIMEOUT(!pane->isSubmitting(), WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(pane->messageBar()->isVisible(), WaitMs);
    QCOMPARE(pane->messageBar()->kind(), MessageBar::Kind::Error);
    qInfo("refused: %s", qPrintable(pane->messageBar()->text()));
    // The edit stays.
    QVERIFY(pane->isDirty());
    QCOMPARE(invalidEdit->text(), m_peer.invalidText);
    QVERIFY(form->editor(m_peer.invalidField) == invalid);
    if (m_peer.fieldNamed) {
        // The label under the field's editor (in the same row of the form) holds the server's message.
        QWidget *box = invalid->parentWidget();
        QVERIFY(box);
        auto *message = box->findChild<QLabel *>(u"fieldMessage"_s);
        QVERIFY(message);
        QTRY_VERIFY_WITH_TIMEOUT(message->isVisible() && !message->text().isEmpty(), WaitMs);
        QTRY_VERIFY(message->geometry().top() >= invalid->geometry().bottom());
        qInfo("under %s: %s", qPrintable(m_peer.invalidField), qPrintable(message->text()));
        QCOMPARE(form->messageOf(m_peer.invalidField), message->text());
        QVERIFY(invalid->hasErrorState());
        QVERIFY(form->messageOf(u"title"_s).isEmpty());
    } else {
        // The server names the field in words only: the message over the form says it.
        QVERIFY2(pane->messageBar()->text().contains(m_peer.invalidField), qPrintable(pane->messageBar()->text()));
    }
    const QJsonObject after = serverRecord(id);
    QCOMPARE(after.value(u"title").toString(), edited);
    QCOMPARE(after.value(u"views").toInt(), views(37));
    qInfo("refused save (%lld ms)", m_timer.elapsed());

    // Corrected, it saves: the message goes, the form is clean, the server has the value.
    const QString valid = m_peer.invalidField == u"views" ? u"5"_s : u"Corrected title"_s;
    invalidEdit->selectAll();
    QTest::keyClicks(invalidEdit, valid);
    QVERIFY(pane->save());
    QTRY_VERIFY_WITH_TIMEOUT(!pane->isSubmitting() && !pane->isDirty(), WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!pane->messageBar()->isVisible(), WaitMs);
    QVERIFY(form->messageOf(m_peer.invalidField).isEmpty());
    QVERIFY(!form->editor(m_peer.invalidField)->hasErrorState());
    QCOMPARE(qobject_cast<QLineEdit *>(form->editor(m_peer.invalidField)->focusTarget())->text(), valid);
    const QJsonObject corrected = serverRecord(id);
    if (m_peer.invalidField == u"views")
        QCOMPARE(corrected.value(u"views").toInt(), 5);
    else
        QCOMPARE(corrected.value(u"title").toString(), valid);
    qInfo("corrected save (%lld ms)", m_timer.elapsed());
}

// #15: where the server describes its fields (FastAPI's /openapi.json, DRF's OPTIONS), the form's editors, labels,
// marks and checks follow the description; a value it says the server refuses is not sent.
void tst_DialectWindow::formFollowsTheServersSchema()
{
    ResourceView *view = openPosts();
    QVERIFY(view);
    ApiConnection *c = connectionsOf(m_window.get())->find(u"peer"_s);
    if (c->detected().schemaPath.isEmpty() && c->detected().dialect != u"drf")
        QSKIP("this server describes no schema (no OpenAPI document, no DRF OPTIONS): the form infers from values");
    QTRY_VERIFY_WITH_TIMEOUT(view->model()->rowOf(Json(2)) >= 0 || view->model()->rowOf(Json(u"2"_s)) >= 0, WaitMs);
    const Json id = view->model()->rowOf(Json(2)) >= 0 ? Json(2) : Json(u"2"_s);
    selectRow(view, id);
    if (QTest::currentTestFailed())
        return;
    RecordPane *pane = findPart<RecordPane>(m_window.get(), "recordPane");
    RecordForm *form = pane->form();
    QTRY_VERIFY_WITH_TIMEOUT(!form->schema().isEmpty(), WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(form->editor(u"views"_s) && form->editor(u"rating"_s), WaitMs);
    // Editors by the described type (rating is null in the seed: a number box with null beside it, not a text box).
    QCOMPARE(form->editor(u"id"_s)->kind(), FieldEditor::Kind::ReadOnly);
    QCOMPARE(form->editor(u"views"_s)->kind(), FieldEditor::Kind::Number);
    QCOMPARE(form->editor(u"published"_s)->kind(), FieldEditor::Kind::Boolean);
    QCOMPARE(form->editor(u"rating"_s)->kind(), FieldEditor::Kind::Number);
    // Null beside it where the description says null is a value (FastAPI's Optional[float] = None, also on
    // pydantic 1, which writes no "nullable"; DRF's OPTIONS does not say: there the number box takes an empty entry
    // as null).
    if (m_peer.name == u"fastapi")
        QVERIFY(form->schema().field(u"rating")->nullable);
    QCOMPARE(form->editor(u"rating"_s)->findChild<QToolButton *>(u"nullSwitch"_s) != nullptr,
             form->schema().field(u"rating")->nullable);
    QCOMPARE(form->editor(u"rating"_s)->value(), pane->model()->serverRecord().value(u"rating"));
    QCOMPARE(form->editor(u"publishedAt"_s)->kind(), FieldEditor::Kind::DateTime);
    // Every editor is named for a screen reader; a required field says so.
    QWidget *title = form->editor(u"title"_s)->focusTarget();
    QVERIFY2(!title->accessibleName().isEmpty(), "the title editor has no accessible name");
    QVERIFY2(title->accessibleDescription().contains(u"required"_s), qPrintable(title->accessibleDescription()));
    QVERIFY(!form->editor(u"views"_s)->focusTarget()->accessibleName().isEmpty());

    // Longer than the 200 characters the server takes: said under the field, and a save sends nothing.
    auto *titleEdit = qobject_cast<QLineEdit *>(title);
    QVERIFY(titleEdit);
    titleEdit->setFocus();
    titleEdit->selectAll();
    QTest::keyClicks(titleEdit, QString(201, u'x'));
    QVERIFY(pane->isDirty());
    QTRY_VERIFY_WITH_TIMEOUT(form->messageOf(u"title"_s).contains(u"200"_s), WaitMs);
    const int before = serverRequests();
    QVERIFY(!pane->save());
    QVERIFY(pane->messageBar()->isVisible());
    QVERIFY2(pane->messageBar()->text().contains(u"200"_s), qPrintable(pane->messageBar()->text()));
    QTest::qWait(300);   // nothing is in flight to wait for: what went out in this time would be a write
    const QStringList sent = m_server ? m_server->requests().mid(before) : m_builtinRequests.mid(before);
    QVERIFY2(std::none_of(sent.begin(), sent.end(), [](const QString &r) { return r.startsWith(u"PATCH "_s) || r.startsWith(u"PUT "_s); }),
             qPrintable(sent.join(u", "_s)));
    QVERIFY(pane->isDirty());
    pane->revert();
    QTRY_VERIFY_WITH_TIMEOUT(!pane->isDirty(), WaitMs);

    // A new record's form has every described field the client may write, at the server's defaults.
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    findPart<QAction>(m_window.get(), "newAction")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(pane->isCreating() && form->editor(u"views"_s), WaitMs);
    QVERIFY(!form->editor(u"id"_s));
    // The server's default where it names one (FastAPI's views = 0; DRF's OPTIONS names none: the user types it).
    const Json viewsDefault = form->schema().field(u"views")->defaultValue;
    QCOMPARE(form->editor(u"views"_s)->value(), viewsDefault.isUndefined() ? Json(nullptr) : viewsDefault);
    QCOMPARE(form->editor(u"published"_s)->value(), Json(false));
    QCOMPARE(form->editor(u"rating"_s)->value(), Json(nullptr));
    QVERIFY(!pane->isDirty());
    // Create with the required title blank: refused before sending where the description says so (FastAPI's
    // min_length), else by the server, whose words show under the field (DRF: "This field may not be blank.").
    QVERIFY(form->fields().contains(u"userId"_s));
    auto *userEdit = qobject_cast<QLineEdit *>(form->editor(u"userId"_s)->focusTarget());
    if (userEdit) {
        userEdit->setFocus();
        QTest::keyClicks(userEdit, u"1"_s);
        // A reference's picker takes "1" once the server has shown that user 1 exists.
        if (form->editor(u"userId"_s)->kind() == FieldEditor::Kind::Reference)
            QTRY_VERIFY_WITH_TIMEOUT(ResourceTags::sameId(form->editor(u"userId"_s)->value(), refTo(u"users"_s, 1)),
                                     WaitMs);
    }
    const int beforeCreate = serverRequests();
    const bool sentCreate = pane->save();
    if (!sentCreate) {
        QVERIFY2(!form->messageOf(u"title"_s).isEmpty(), "no message under the blank title");
        QTest::qWait(300);
        const QStringList out = m_server ? m_server->requests().mid(beforeCreate) : m_builtinRequests.mid(beforeCreate);
        QVERIFY2(std::none_of(out.begin(), out.end(), [](const QString &r) { return r.startsWith(u"POST "_s); }),
                 qPrintable(out.join(u", "_s)));
    } else {
        QTRY_VERIFY_WITH_TIMEOUT(!pane->isSubmitting(), WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!form->messageOf(u"title"_s).isEmpty(), WaitMs);
    }
    QVERIFY(pane->isCreating());
    qInfo("title: %s", qPrintable(form->messageOf(u"title"_s)));
}

// #15: posts.userId points at users (the server's description, or convention checked on the data); the list shows
// each author's name, fetched a page at a time (getMany where the dialect has it, else one detail per author), and a
// rename through the app's write path shows in the list without a refresh.
void tst_DialectWindow::referencesShowLabelsInBatches()
{
    ResourceView *view = openPosts();
    QVERIFY(view);
    ApiConnection *c = connectionsOf(m_window.get())->find(u"peer"_s);
    PagedTableModel *model = view->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() >= PageSize, WaitMs);
    if (model->columnOf(u"userId") < 0)
        QSKIP("this dialect's records carry no userId field");
    ReferenceLabels *refs = view->references();
    QTRY_VERIFY_WITH_TIMEOUT(refs->referenceOf(u"userId"_s), WaitMs);
    QCOMPARE(refs->referenceOf(u"userId"_s)->resource, u"users"_s);
    qInfo("posts.userId -> users, found by %s", qPrintable(refs->referenceOf(u"userId"_s)->source));
    // Every loaded row's author by name.
    auto named = [&] {
        for (int r = 0; r < model->rowCount(); ++r) {
            const Json user = refId(model->rowJson(r).value(u"userId"));
            if (refs->label(u"users"_s, user) != u"User "_s + DataProvider::idText(user))
                return false;
        }
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(named(), WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(c->client()->fetchingCount(), 0, WaitMs);
    // In batches: no more requests for users than pages of posts (getMany), or than authors shown (one each).
    const QStringList sent = m_server ? m_server->requests() : m_builtinRequests;
    int userRequests = 0, postPages = 0;
    QSet<QString> authors;
    for (int r = 0; r < model->rowCount(); ++r)
        authors.insert(DataProvider::idText(refId(model->rowJson(r).value(u"userId"))));
    for (const QString &r : sent) {
        const QString path = r.section(u' ', 1);
        // The reads of users' records (the users list the window opened first is not one).
        static const QRegularExpression userRecords(uR"(^/users/?(\?(.*&)?(id|id__in|filter\[id\])=|/[^/?]+/?$))"_s);
        if (r.startsWith(u"GET ") && userRecords.match(path).hasMatch())
            ++userRequests;
        else if (path.startsWith(u"/posts") && !path.section(u'?', 0, 0).section(u'/', 2).size())
            ++postPages;
    }
    // The built-in API's log has no query strings: there, one batch is one request.
    if (!m_server)
        userRequests = refs->batchCount();
    const bool many = c->provider()->manyRequest(u"users"_s, {Json(1)}).has_value();
    qInfo("%d rows, %lld authors, %d pages of posts: %d requests for users (%s)", model->rowCount(), authors.size(),
          postPages, userRequests, many ? "getMany" : "one per author");
    QVERIFY(userRequests >= 1);
    if (many)
        QVERIFY2(userRequests <= postPages, qPrintable(sent.join(u'\n')));
    else
        QVERIFY2(userRequests <= authors.size(), qPrintable(sent.join(u'\n')));

    // A rename through the app's write path: the list's name follows.
    const Json first = refId(model->rowJson(0).value(u"userId"));
    MutationOptions rename = c->updateOptions(u"users"_s, first);
    rename.mode = MutationMode::Pessimistic;
    Mutation *m = m_queue->mutate(rename, Json::object({{u"name", Json(u"Renamed author"_s)}}));
    QVERIFY(m);
    QTRY_COMPARE_WITH_TIMEOUT(refs->label(u"users"_s, first), u"Renamed author"_s, WaitMs);
}

// A post's author in its form: a picker showing the author's name, searching users on the server as the user types
// (or, where the server cannot search users, finding the one whose id is typed); picking one saves its id. A text
// that names no user is refused before anything is sent.
void tst_DialectWindow::referencePickerSearchesTheServer()
{
    ResourceView *view = openPosts();
    QVERIFY(view);
    PagedTableModel *model = view->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() >= PageSize, WaitMs);
    if (model->columnOf(u"userId") < 0)
        QSKIP("this dialect's records carry no userId field");
    QTRY_VERIFY_WITH_TIMEOUT(view->references()->referenceOf(u"userId"_s), WaitMs);
    const Json id = model->rowJson(0).value(u"id");
    const Json authorValue = model->rowJson(0).value(u"userId");   // as the server writes it
    const Json author = refId(authorValue);
    selectRow(view, id);
    RecordPane *pane = findPart<RecordPane>(m_window.get(), "recordPane");
    RecordForm *form = pane->form();
    QTRY_COMPARE_WITH_TIMEOUT(form->editor(u"userId"_s)->kind(), FieldEditor::Kind::Reference, WaitMs);
    FieldEditor *editor = form->editor(u"userId"_s);
    auto *picker = qobject_cast<ReferencePicker *>(editor);
    if (!picker)
        picker = editor->findChild<ReferencePicker *>();   // inside a null switch
    QVERIFY(picker);
    auto *line = qobject_cast<QLineEdit *>(picker->focusTarget());
    QVERIFY(line);
    // The author by name, the id beside it.
    QTRY_COMPARE_WITH_TIMEOUT(line->text(), u"User "_s + DataProvider::idText(author), WaitMs);
    QCOMPARE(picker->findChild<QLabel *>(u"referenceId"_s)->text(), u"users · "_s + DataProvider::idText(author));
    QCOMPARE(editor->value(), authorValue);

    // Another author: by name where the server searches users, else by id.
    const Json other = Json(ResourceTags::sameId(author, Json(4)) ? 5 : 4);
    const bool searches = picker->search()->serverSearches();
    const QString typed = searches ? u"User "_s + DataProvider::idText(other) : DataProvider::idText(other);
    const int before = serverRequests();
    line->setFocus();
    line->selectAll();
    QTest::keyClicks(line, typed);
    // While it looks, the entry is not a value: nothing could be saved.
    QVERIFY(!pane->canSave());
    QTRY_VERIFY_WITH_TIMEOUT(picker->search()->isCurrent() && picker->search()->text() == typed, WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(picker->completer()->popup()->isVisible(), WaitMs);
    const QList<ReferenceSearch::Choice> choices = picker->search()->choices();
    int row = -1;
    for (int i = 0; i < choices.size(); ++i) {
        if (ResourceTags::sameId(choices.at(i).id, other))
            row = i;
    }
    QVERIFY2(row >= 0, qPrintable(u"%1 choices for '%2'"_s.arg(choices.size()).arg(typed)));
    QCOMPARE(choices.at(row).label, u"User "_s + DataProvider::idText(other));
    // Asked of the server: a search of users (a typed id's record may come from the cache: the list's labels).
    if (m_server && searches) {
        const QStringList sent = m_server->requests().mid(before);
        static const QRegularExpression asked(uR"(^GET /users/?(\?.*(q|search|filter\[q\])=User|/\d+/?$))"_s);
        QVERIFY2(std::any_of(sent.cbegin(), sent.cend(), [](const QString &r) { return asked.match(r).hasMatch(); }),
                 qPrintable(sent.join(u'\n')));
    }
    qInfo("'%s': %lld choices (%s)", qPrintable(typed), qlonglong(choices.size()),
          searches ? "the server searched" : "no server search: the typed id");
    // A click on it in the list under the field.
    QAbstractItemView *popup = picker->completer()->popup();
    const QModelIndex index = popup->model()->index(row, 0);
    popup->scrollTo(index);
    QTest::mouseClick(popup->viewport(), Qt::LeftButton, {}, popup->visualRect(index).center());
    // Picked: the field holds what the server takes (the id, or the user's URL where references are links).
    const Json otherValue = refTo(u"users"_s, int(other.toInteger()));
    QCOMPARE(editor->value(), otherValue);
    QCOMPARE(line->text(), u"User "_s + DataProvider::idText(other));
    QTRY_COMPARE(pane->model()->changes(), Json::object({{u"userId", otherValue}}));
    QVERIFY(pane->canSave());
    QVERIFY(pane->save());
    QTRY_VERIFY_WITH_TIMEOUT(ResourceTags::sameId(Json(serverRecord(id).value(u"userId"_s)), otherValue), WaitMs);

    // A name no user has: refused in the form, nothing sent.
    QTRY_VERIFY_WITH_TIMEOUT(!pane->isSubmitting() && !pane->isDirty(), WaitMs);
    line->setFocus();
    line->selectAll();
    QTest::keyClicks(line, u"zz-nobody-zz"_s);
    QTRY_VERIFY_WITH_TIMEOUT(picker->search()->isCurrent() && picker->search()->text() == u"zz-nobody-zz"_s, WaitMs);
    QVERIFY(editor->value().isUndefined());
    QVERIFY(!form->messageOf(u"userId"_s).isEmpty());
    const int writes = serverRequests();
    QVERIFY(!pane->save());
    QCOMPARE(serverRequests(), writes);
    qInfo("refused: %s", qPrintable(form->messageOf(u"userId"_s)));
    pane->revert();
    QCOMPARE(line->text(), u"User "_s + DataProvider::idText(other));
}

// Under post 2's form, its comments (the seed gives it comments 2 and 47), found by comments' postId on every
// server: each listed once, nothing else; or, where the server cannot filter comments by postId, a sentence saying
// so and no rows (never comments of other posts).
void tst_DialectWindow::recordsPointingHereAreListed()
{
    ResourceView *view = openPosts();
    QVERIFY(view);
    QTRY_VERIFY_WITH_TIMEOUT(view->model()->rowOf(Json(2)) >= 0 || view->model()->rowOf(Json(u"2"_s)) >= 0, WaitMs);
    const Json id = view->model()->rowOf(Json(2)) >= 0 ? Json(2) : Json(u"2"_s);
    selectRow(view, id);
    if (QTest::currentTestFailed())
        return;
    RecordPane *pane = findPart<RecordPane>(m_window.get(), "recordPane");
    auto *referring = pane->findChild<ReferringRecords *>();
    QVERIFY(referring);
    auto group = [&]() -> std::optional<IncomingReferences::Group> {
        if (!referring->incoming())
            return std::nullopt;
        for (const IncomingReferences::Group &g : referring->incoming()->groups()) {
            if (g.resource == u"comments" && g.field == u"postId")
                return g;
        }
        return std::nullopt;
    };
    QTRY_VERIFY_WITH_TIMEOUT(group() && !group()->loading, WaitMs);
    const IncomingReferences::Group g = *group();
    auto *list = pane->findChild<QListWidget *>(u"referring:comments.postId"_s);
    QVERIFY(list);
    // Every server here filters comments by postId: a problem would be the client's (a reference misread).
    QVERIFY2(g.problem.isEmpty(), qPrintable(g.problem));
    QStringList shown;
    for (const ReferenceSearch::Choice &c : g.records)
        shown.append(DataProvider::idText(c.id));
    shown.sort();
    QCOMPARE(shown, (QStringList{u"2"_s, u"47"_s}));
    QCOMPARE(list->count(), 2);
    QVERIFY(list->item(0)->text().startsWith(u"Comment "_s));
    if (g.total >= 0)
        QCOMPARE(g.total, 2);
    qInfo("comments · postId: %s", qPrintable(shown.join(u", "_s)));

    // Settings lists the reference too, though the list of comments was never opened (what was read for post 2).
    m_window->openSettings(u"peer"_s);
    QTableWidget *table = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((table = settingsDialogOf(m_window.get())->findChild<QTableWidget *>(u"referencesTable"_s)), WaitMs);
    int row = -1;
    for (int r = 0; r < table->rowCount(); ++r) {
        if (table->item(r, ReferenceSettings::FieldColumn)->text() == u"comments · postId")
            row = r;
    }
    QVERIFY(row >= 0);
    QCOMPARE(qobject_cast<QComboBox *>(table->cellWidget(row, ReferenceSettings::TargetColumn))->currentData().toString(),
             u"posts"_s);
    settingsDialogOf(m_window.get())->reject();

    // Show all: the comments list, filtered on the server to those of post 2, with its chip.
    auto *showAll = pane->findChild<QToolButton *>(u"showAll:comments.postId"_s);
    QVERIFY(showAll && showAll->isVisible());
    QTest::mouseClick(showAll, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(shownList(m_window.get()) && shownList(m_window.get())->resource() == u"comments", WaitMs);
    ResourceView *comments = shownList(m_window.get());
    QAbstractItemModelTester tester(comments->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QCOMPARE(comments->conditions().size(), 1);
    // Where postId holds the posts' URLs, the filter is by the id they name (django-filter takes the id).
    QCOMPARE(comments->conditions().first().link.isEmpty(), !m_peer.links);
    QCOMPARE(comments->filterBar()->findChild<QToolButton *>(u"filterChipText"_s)->text(),
             u"postId = "_s + (id.isString() ? u"\u201c2\u201d"_s : u"2"_s));
    QTRY_VERIFY_WITH_TIMEOUT(!comments->model()->isFetching() && comments->model()->rowCount() == 2, WaitMs);
    QStringList listed{idText(comments->model()->rowId(0)), idText(comments->model()->rowId(1))};
    listed.sort();
    QCOMPARE(listed, (QStringList{u"2"_s, u"47"_s}));
    QCOMPARE(comments->model()->unmatchedCount(), 0);
}

// JSON:API names a record's relationships and their types itself (the test server's comments have "post", to-one):
// comments' post is a reference to posts found from that (not by name), its cells name the post, and a comment moved
// to another post with the form's picker is written as a relationship, which the server keeps.
void tst_DialectWindow::jsonApiRelationshipsAreReferences()
{
    if (m_peer.dialect != u"jsonapi")
        QSKIP("only JSON:API's answers name their relationships");
    QVERIFY(openPosts());
    m_window->openResource(u"peer"_s, u"comments"_s);
    QTRY_VERIFY_WITH_TIMEOUT(shownList(m_window.get()) && shownList(m_window.get())->resource() == u"comments", WaitMs);
    ResourceView *view = shownList(m_window.get());
    QTRY_VERIFY_WITH_TIMEOUT(view->model()->rowCount() > 0, WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(view->references()->referenceOf(u"post"_s), WaitMs);
    QCOMPARE(view->references()->referenceOf(u"post"_s)->resource, u"posts"_s);
    QCOMPARE(view->references()->referenceOf(u"post"_s)->source, u"schema"_s);   // the server said so
    const int row = view->model()->rowOf(Json(u"1"_s));
    QVERIFY(row >= 0);
    const Json post = view->model()->rowJson(row).value(u"post");
    QCOMPARE(post, Json(u"1"_s));
    QTRY_VERIFY_WITH_TIMEOUT(view->references()->label(u"posts"_s, post).startsWith(title(1).left(10)), WaitMs);

    selectRow(view, Json(u"1"_s));
    RecordPane *pane = findPart<RecordPane>(m_window.get(), "recordPane");
    RecordForm *form = pane->form();
    QTRY_VERIFY_WITH_TIMEOUT(form->editor(u"post"_s) && form->editor(u"post"_s)->kind() == FieldEditor::Kind::Reference,
                             WaitMs);
    auto *picker = qobject_cast<ReferencePicker *>(form->editor(u"post"_s));
    if (!picker)
        picker = form->editor(u"post"_s)->findChild<ReferencePicker *>();
    QVERIFY(picker);
    auto *line = qobject_cast<QLineEdit *>(picker->focusTarget());
    line->setFocus();
    line->selectAll();
    QTest::keyClicks(line, u"5"_s);
    QTRY_VERIFY_WITH_TIMEOUT(ResourceTags::sameId(form->editor(u"post"_s)->value(), Json(5)), WaitMs);
    QTest::keyClick(line, Qt::Key_Return);
    QTRY_COMPARE(pane->model()->changes(), Json::object({{u"post", u"5"}}));
    QVERIFY(pane->save());
    QTRY_VERIFY_WITH_TIMEOUT(!pane->isSubmitting() && !pane->isDirty(), WaitMs);
    QVERIFY2(!pane->messageBar()->isVisible(), qPrintable(pane->messageBar()->text()));
    // What the server keeps: the relationship, read by another client.
    ApiConnection *c = connectionsOf(m_window.get())->find(u"peer"_s);
    QNetworkRequest request(c->endpoint()->url(c->recordPath(u"comments"_s, Json(u"1"_s))));
    request.setRawHeader("Accept", "application/vnd.api+json");
    std::unique_ptr<QNetworkReply> reply(m_other.get(request));
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), WaitMs);
    const QJsonObject data = QJsonDocument::fromJson(reply->readAll()).object().value(u"data"_s).toObject();
    QCOMPARE(data.value(u"relationships"_s).toObject().value(u"post"_s).toObject().value(u"data"_s).toObject()
                 .value(u"id"_s).toString(), u"5"_s);
}


// The filter bar, as a person uses it, on every server: Filter, a field, a condition and a value in the field's own
// editor (a check box, a number), Apply; the chip says it, the list is the server's filtered list (every row of it,
// loaded by scrolling, and no other), asked in the dialect's words; × takes it off.
void tst_DialectWindow::filterChipsFilterOnTheServer()
{
    ResourceView *view = openPosts();
    QVERIFY(view);
    PagedTableModel *model = view->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() >= PageSize && !model->isFetching(), WaitMs);
    FilterBar *bar = view->filterBar();
    QVERIFY(bar->isHidden());

    auto rowsToTheEnd = [&] {
        QScrollBar *scroll = view->table()->verticalScrollBar();
        for (int guard = 0; guard < 20 && model->canFetchMore(); ++guard) {
            const int before = model->rowCount();
            view->table()->doItemsLayout();
            if (scroll->value() == scroll->maximum() && scroll->maximum() > 0)
                scroll->setValue(scroll->maximum() - 1);
            scroll->setValue(scroll->maximum());
            QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > before || (!model->isFetching() && !model->canFetchMore()), WaitMs);
            QTRY_VERIFY_WITH_TIMEOUT(!model->isFetching(), WaitMs);
        }
    };
    auto sortedIds = [&] {
        QList<int> ids;
        for (int r = 0; r < model->rowCount(); ++r)
            ids.append(idText(model->rowId(r)).toInt());
        std::sort(ids.begin(), ids.end());
        return ids;
    };
    auto apply = [&](FilterEditor *editor) {
        QPushButton *ok = editor->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY2(ok->isEnabled(), qPrintable(editor->problemLabel()->text()));
        QTest::mouseClick(ok, Qt::LeftButton);
        QTRY_VERIFY(!bar->openEditor());
    };

    // published = false, with the check box.
    const int before = serverRequests();
    QTest::mouseClick(view->filterButton(), Qt::LeftButton);
    QTRY_VERIFY(bar->openEditor() && bar->openEditor()->isVisible());
    FilterEditor *editor = bar->openEditor();
    editor->fieldBox()->setCurrentIndex(editor->fieldBox()->findData(u"published"_s));
    QVERIFY(editor->operatorBox()->findData(int(FilterOp::Equals)) >= 0);
    editor->operatorBox()->setCurrentIndex(editor->operatorBox()->findData(int(FilterOp::Equals)));
    auto *check = qobject_cast<QCheckBox *>(editor->valueEditor()->focusTarget());
    QVERIFY(check);
    QVERIFY(check->isChecked());
    QTest::keyClick(check, Qt::Key_Space);
    QCOMPARE(editor->condition()->value, Json(false));
    apply(editor);
    QVERIFY(bar->isVisible());
    const QList<QToolButton *> chips = bar->findChildren<QToolButton *>(u"filterChipText"_s);
    QCOMPARE(chips.size(), 1);
    QCOMPARE(chips.first()->text(), u"published = false"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!model->isFetching() && model->rowCount() > 0, WaitMs);
    rowsToTheEnd();
    QList<int> expected;
    for (int id = 1; id <= Posts; ++id) {
        if (id % 3 == 0)
            expected.append(id);
    }
    QCOMPARE(sortedIds(), expected);
    QCOMPARE(model->unmatchedCount(), 0);
    QVERIFY(!view->messageBar()->isVisible());
    if (m_server) {
        const QStringList sent = m_server->requests().mid(before);
        static const QRegularExpression asked(uR"(^GET /posts/?\?(.*&)?(published|filter%5Bpublished%5D|filter\[published\])=false)"_s);
        QVERIFY2(std::any_of(sent.cbegin(), sent.cend(), [](const QString &r) { return asked.match(r).hasMatch(); }),
                 qPrintable(sent.join(u'\n')));
    }

    // And views ≥ 50, typed, where the server has it (not JSON:API: its servers each have their own).
    QTest::mouseClick(view->filterButton(), Qt::LeftButton);
    QTRY_VERIFY(bar->openEditor());
    editor = bar->openEditor();
    editor->fieldBox()->setCurrentIndex(editor->fieldBox()->findData(u"views"_s));
    const int gte = editor->operatorBox()->findData(int(FilterOp::GreaterOrEqual));
    if (gte >= 0) {
        editor->operatorBox()->setCurrentIndex(gte);
        auto *line = qobject_cast<QLineEdit *>(editor->valueEditor()->focusTarget());
        QVERIFY(line);
        line->selectAll();
        QTest::keyClicks(line, u"50"_s);
        apply(editor);
        QCOMPARE(bar->findChildren<QToolButton *>(u"filterChipText"_s).size(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(!model->isFetching(), WaitMs);
        rowsToTheEnd();
        expected.clear();
        for (int id = 1; id <= Posts; ++id) {
            if (id % 3 == 0 && views(id) >= 50)
                expected.append(id);
        }
        QCOMPARE(sortedIds(), expected);
        QCOMPARE(model->unmatchedCount(), 0);
    } else {
        QVERIFY(m_peer.name == u"jsonapi");
        editor->reject();
        QTRY_VERIFY(!bar->openEditor());
    }

    // × on the published chip: the list of the other condition, or all.
    QTest::mouseClick(bar->findChildren<QToolButton *>(u"filterChipRemove"_s).first(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!model->isFetching() && model->rowCount() > 0, WaitMs);
    rowsToTheEnd();
    expected.clear();
    for (int id = 1; id <= Posts; ++id) {
        if (gte < 0 || views(id) >= 50)
            expected.append(id);
    }
    QCOMPARE(sortedIds(), expected);
    QCOMPARE(bar->isVisible(), gte >= 0);
}

// A cell edited in place (F2, type, Enter) on every server: the form's write, the server keeps it; a value the
// server (or its description) refuses is said above the list with the field, the row keeps the server's value,
// and Edit Again brings back what was typed.
void tst_DialectWindow::cellEditReachesTheServer()
{
    ResourceView *view = openPosts();
    QVERIFY(view);
    PagedTableModel *model = view->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() >= PageSize && !model->isFetching(), WaitMs);
    const Json id = model->rowId(2);
    QTableView *table = view->table();
    auto editCell = [&](const QString &field, const QString &text) -> QLineEdit * {
        const QModelIndex cell = model->index(model->rowOf(id), model->columnOf(field));
        table->setFocus();
        table->scrollTo(cell);
        table->setCurrentIndex(cell);
        QTest::keyClick(table, Qt::Key_F2);
        FieldEditor *editor = nullptr;
        if (!QTest::qWaitFor([&] { return (editor = table->findChild<FieldEditor *>(u"cellEditor"_s)) && editor->isVisible(); }, WaitMs))
            return nullptr;
        auto *line = qobject_cast<QLineEdit *>(editor->focusTarget());
        if (!line)
            return nullptr;
        line->selectAll();
        if (text.isEmpty())
            QTest::keyClick(line, Qt::Key_Delete);
        else
            QTest::keyClicks(line, text);
        QTest::keyClick(line, Qt::Key_Return);
        return line;
    };
    QVERIFY(editCell(u"title"_s, u"Renamed in the list"_s));
    QTRY_COMPARE_WITH_TIMEOUT(serverRecord(id).value(u"title").toString(), u"Renamed in the list"_s, WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(model->rowJson(model->rowOf(id)).value(u"title").toString(), u"Renamed in the list"_s, WaitMs);

    if (!m_peer.validates)
        return;
    const Json before = Json(serverRecord(id).value(m_peer.invalidField));
    QVERIFY(editCell(m_peer.invalidField, m_peer.invalidText));
    QTRY_VERIFY_WITH_TIMEOUT(view->messageBar()->isVisible() && view->messageBar()->kind() == MessageBar::Kind::Error, WaitMs);
    const QString said = view->messageBar()->text();
    qInfo("refused: %s", qPrintable(said));
    QVERIFY2(said.contains(m_peer.invalidField), qPrintable(said));
    QTRY_COMPARE_WITH_TIMEOUT(model->rowJson(model->rowOf(id)).value(m_peer.invalidField), before, WaitMs);
    QCOMPARE(Json(serverRecord(id).value(m_peer.invalidField)), before);
    view->messageBar()->buttons().first()->click();
    FieldEditor *again = nullptr;
    QTRY_VERIFY((again = table->findChild<FieldEditor *>(u"cellEditor"_s)) && again->isVisible());
    QCOMPARE(qobject_cast<QLineEdit *>(again->focusTarget())->text(), m_peer.invalidText);
}

QTEST_MAIN(tst_DialectWindow)
#include "tst_dialectwindow.moc"
