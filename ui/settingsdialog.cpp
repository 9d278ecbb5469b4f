#include "settingsdialog.h"

#include "signinsettings.h"

#include "referencesettings.h"

#include "core/session/apiconnection.h"
#include "cacertificaterow.h"
#include "icons.h"
#include "core/session/tokenstore.h"

#include "core/providers/dataprovider.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace refetch {

namespace {

QSpinBox *secondsBox(int min, int max, QWidget *parent)
{
    auto *box = new QSpinBox(parent);
    box->setRange(min, max);
    box->setSuffix(u" s"_s);
    box->setMaximumWidth(120);
    return box;
}

int toSeconds(milliseconds ms)
{
    return int(duration_cast<seconds>(ms).count());
}

} // namespace

SettingsDialog::SettingsDialog(const QList<EndpointSettings> &endpoints, QWidget *parent)
    : QDialog(parent), m_endpoints(endpoints), m_list(new QListWidget(this)),
      m_add(new QPushButton(icons::icon(u"add"_s), tr("Add"), this)),
      m_remove(new QPushButton(icons::icon(u"delete"_s), tr("Remove"), this)), m_error(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Settings"));
    setWindowIcon(icons::icon(u"settings"_s));

    auto *left = new QVBoxLayout;
    auto *listTitle = new QLabel(tr("Endpoints"), this);
    QFont bold = listTitle->font();
    bold.setBold(true);
    listTitle->setFont(bold);
    left->addWidget(listTitle);
    m_list->setIconSize(QSize(16, 16));
    m_list->setMinimumWidth(190);
    m_list->setMaximumWidth(220);
    left->addWidget(m_list, 1);
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(m_add);
    listButtons->addWidget(m_remove);
    listButtons->addStretch();
    left->addLayout(listButtons);

    m_form = makeForm();
    auto *columns = new QHBoxLayout;
    columns->setSpacing(16);
    columns->addLayout(left);
    columns->addWidget(m_form, 1);

    m_error->setTextFormat(Qt::PlainText);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(u"color: #b91c1c;"_s);
    m_error->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 16, 16, 12);
    layout->addLayout(columns, 1);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    connect(m_add, &QPushButton::clicked, this, &SettingsDialog::addEndpoint);
    connect(m_remove, &QPushButton::clicked, this, &SettingsDialog::removeCurrentEndpoint);
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (m_loading)
            return;
        store();
        load(row);
    });

    updateList();
    if (!m_endpoints.isEmpty())
        m_list->setCurrentRow(0);
    else
        load(-1);
    resize(1260, 640);
}

SettingsDialog::~SettingsDialog()
{
    m_detection->stop();
}

QWidget *SettingsDialog::makeForm()
{
    // Two columns: where the server is and how it is spoken to, beside how its data is fetched and listed. One
    // column of five groups would be taller than many screens.
    auto *form = new QWidget(this);
    auto *columns = new QHBoxLayout(form);
    columns->setContentsMargins(0, 0, 0, 0);
    columns->setSpacing(16);
    auto *layout = new QVBoxLayout;
    layout->setSpacing(12);
    auto *right = new QVBoxLayout;
    right->setSpacing(12);
    columns->addLayout(layout, 4);
    columns->addLayout(right, 3);

    auto *connection = new QGroupBox(tr("Connection"), form);
    auto *c = new QFormLayout(connection);
    m_name = new QLineEdit(connection);
    m_name->setPlaceholderText(tr("Shown in the side tree; the host name if empty"));
    m_baseUrl = new QLineEdit(connection);
    m_baseUrl->setPlaceholderText(u"https://api.example.com/v1"_s);
    m_urlNote = new QLabel(connection);
    m_urlNote->setWordWrap(true);
    m_urlNote->hide();
    // The sign-in's own group, below: the header's name and the secret are its fields.
    auto *signInGroup = new QGroupBox(tr("Sign-in"), form);
    auto *signInLayout = new QVBoxLayout(signInGroup);
    m_signIn = new SignInSettings(signInGroup);
    signInLayout->addWidget(m_signIn);
    m_authHeader = m_signIn->nameEdit();
    m_authValue = m_signIn->secretEdit();
    connect(m_signIn, &SignInSettings::edited, this, [this] {
        store();
        updateList();
        updateError();
        updateTokenStorage();
    });
    m_plainText = new QCheckBox(tr("Store the token in plain text in the settings file"), connection);
    m_plainText->setToolTip(tr("Without a system keychain the token is otherwise asked for again in every session"));
    m_plainText->hide();
    m_tokenStorage = new QLabel(connection);
    m_tokenStorage->setObjectName(u"tokenStorage"_s);
    m_tokenStorage->setTextFormat(Qt::PlainText);
    m_tokenStorage->setWordWrap(true);
    QPalette muted = m_tokenStorage->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    QFont small = m_tokenStorage->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    for (QLabel *note : {m_tokenStorage, m_urlNote}) {
        note->setPalette(muted);
        note->setFont(small);
    }
    c->addRow(tr("&Name:"), m_name);
    c->addRow(tr("Base &URL:"), m_baseUrl);
    c->addRow(QString(), m_urlNote);
    m_ca = new CaCertificateRow(m_baseUrl, connection);
    for (QLabel *note : {m_ca->note(), m_ca->info()}) {
        note->setPalette(muted);
        note->setFont(small);
    }
    m_ca->addTo(c);
    connect(m_ca, &CaCertificateRow::chosen, this, [this] {
        store();
        updateList();
        updateError();
    });
    connect(m_plainText, &QCheckBox::toggled, this, [this] {
        if (m_loading)
            return;
        store();
        updateTokenStorage();
    });
    layout->addWidget(connection);
    // Where the secret is kept, under the sign-in's fields.
    m_signIn->form()->addRow(QString(), m_plainText);
    m_signIn->form()->addRow(QString(), m_tokenStorage);
    layout->addWidget(signInGroup);

    auto *freshness = new QGroupBox(tr("Fetching"), form);
    auto *f = new QFormLayout(freshness);
    m_timeout = secondsBox(1, int(toSeconds(EndpointSettings::maxTimeout)), freshness);
    m_timeout->setToolTip(tr("A request that takes longer fails"));
    m_staleTime = secondsBox(0, toSeconds(EndpointSettings::maxStaleTime), freshness);
    m_staleTime->setToolTip(tr("How long fetched data counts as fresh: stale data refetches when a view shows it again"));
    m_refetchOnFocus = new QCheckBox(tr("Refetch what is shown"), freshness);
    m_refetchOnFocus->setToolTip(tr("When the window comes back to the front, what it shows is fetched again, however fresh (at most once every 5 s), so that a change made elsewhere shows"));
    m_pollInterval = secondsBox(0, toSeconds(EndpointSettings::maxPollInterval), freshness);
    m_pollInterval->setSpecialValueText(tr("Off"));
    m_pollInterval->setToolTip(tr("Refetch the data shown this often; Off to only refetch when needed"));
    f->addRow(tr("T&imeout:"), m_timeout);
    f->addRow(tr("&Stale after:"), m_staleTime);
    f->addRow(tr("On &focus:"), m_refetchOnFocus);
    f->addRow(tr("&Poll every:"), m_pollInterval);
    m_live = new QCheckBox(tr("Follow the server's changes"), freshness);
    m_live->setObjectName(u"liveUpdates"_s);
    m_live->setToolTip(tr("Where the server offers a change stream, what changes there shows by itself within a "
                          "second, without polling; while the stream is down, focus and polling take over"));
    m_liveUrl = new QLineEdit(freshness);
    m_liveUrl->setObjectName(u"liveUrl"_s);
    m_liveUrl->setPlaceholderText(tr("automatic: <base URL>/events"));
    m_liveUrl->setToolTip(tr("The change stream: an http(s) URL of Server-Sent Events or a ws(s) URL of a WebSocket"));
    m_liveDialect = new QComboBox(freshness);
    m_liveDialect->setObjectName(u"liveDialect"_s);
    m_liveDialect->addItem(tr("Plain: {resource, id, action}"), QString());
    m_liveDialect->addItem(u"Directus"_s, u"directus"_s);
    m_liveDialect->addItem(tr("Supabase (Postgres changes)"), u"supabase"_s);
    m_liveDialect->addItem(tr("Strapi (webhook events)"), u"strapi"_s);
    m_liveDialect->setToolTip(tr("How the stream words its changes"));
    f->addRow(tr("Li&ve updates:"), m_live);
    f->addRow(tr("Stream &URL:"), m_liveUrl);
    f->addRow(tr("Stream dialec&t:"), m_liveDialect);
    m_maxResponse = new QSpinBox(freshness);
    m_maxResponse->setObjectName(u"maxResponse"_s);
    m_maxResponse->setRange(1, EndpointSettings::maxResponseMegabytesLimit);
    m_maxResponse->setSuffix(tr(" MB"));
    m_maxResponse->setMaximumWidth(120);
    m_maxResponse->setToolTip(tr("A larger response is refused with an error instead of filling the memory"));
    f->addRow(tr("&Largest response:"), m_maxResponse);
    right->addWidget(freshness);

    // How the server is spoken to: detected from the URL unless set here. Each field set wins over detection.
    auto *api = new QGroupBox(tr("API"), form);
    auto *a = new QFormLayout(api);
    m_dialect = new QComboBox(api);
    m_dialect->setObjectName(u"dialect"_s);
    m_dialect->addItem(tr("Automatic (detect)"), QString());
    for (const QString &id : DataProvider::dialects())
        m_dialect->addItem(DataProvider::dialectDisplayName(id), id);
    m_dialect->setToolTip(tr("The REST dialect the server speaks; Automatic asks the server"));
    m_paging = new QComboBox(api);
    m_paging->setObjectName(u"paging"_s);
    m_paging->addItem(tr("Automatic"), QString());
    const std::pair<Paging, QString> pagings[] = {
        {Paging::PageNumber, tr("Page number")}, {Paging::Offset, tr("Offset/limit")},
        {Paging::Cursor, tr("Next link")},       {Paging::Range, tr("Range")},
        {Paging::None, tr("None: the whole list at once")}};
    for (const auto &[paging, text] : pagings)
        m_paging->addItem(text, pagingName(paging));
    m_paging->setToolTip(tr("How the server hands out a long list; Automatic: what detection found, else the dialect's"));
    for (QComboBox *box : {m_dialect, m_paging}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            if (m_loading)
                return;
            store();
            m_detection->update();
        });
    }
    m_pageParam = new QLineEdit(api);
    m_pageParam->setObjectName(u"pageParam"_s);
    m_pageParam->setPlaceholderText(tr("the dialect's"));
    m_pageParam->setToolTip(tr("The page number or offset parameter, e.g. page or offset"));
    m_sizeParam = new QLineEdit(api);
    m_sizeParam->setObjectName(u"sizeParam"_s);
    m_sizeParam->setPlaceholderText(tr("the dialect's"));
    m_sizeParam->setToolTip(tr("The page size or limit parameter, e.g. page_size or limit"));
    // What detection found for the endpoint shown, as typed so far; Test asks again.
    m_detection = new ConnectionTest(
        [this] { return m_row >= 0 && m_row < m_endpoints.size() ? &m_endpoints[m_row] : nullptr; }, api);
    m_detection->notes()->setFont(small);
    m_detection->notes()->setPalette(muted);
    // Test beside the choice it checks; the summary below gets the whole width.
    auto *dialectRow = new QHBoxLayout;
    dialectRow->addWidget(m_dialect, 1);
    dialectRow->addWidget(m_detection->button());
    auto *detectedColumn = new QVBoxLayout;
    detectedColumn->setSpacing(2);
    detectedColumn->addWidget(m_detection->line());
    auto *dialectLabel = new QLabel(tr("Di&alect:"), api);
    dialectLabel->setBuddy(m_dialect);
    a->addRow(dialectLabel, dialectRow);
    detectedColumn->addWidget(m_detection->notes());
    auto *detectedLabel = new QLabel(tr("Detected:"), api);
    detectedLabel->setBuddy(m_detection->line());
    a->addRow(detectedLabel, detectedColumn);
    a->addRow(tr("Pa&ging:"), m_paging);
    a->addRow(tr("Page para&meter:"), m_pageParam);
    a->addRow(tr("Size parameter:"), m_sizeParam);
    m_sizeParam->setAccessibleName(tr("Size parameter"));
    connect(m_detection->button(), &QPushButton::clicked, this, &SettingsDialog::testConnection);
    layout->addWidget(api);

    auto *lists = new QGroupBox(tr("Lists"), form);
    auto *l = new QFormLayout(lists);
    m_pageSize = new QSpinBox(lists);
    m_pageSize->setObjectName(u"pageSize"_s);
    m_pageSize->setRange(1, EndpointSettings::maxPageSize);
    m_pageSize->setSuffix(tr(" rows"));
    m_pageSize->setMaximumWidth(120);
    m_idField = new QLineEdit(lists);
    m_idField->setPlaceholderText(u"id"_s);
    m_envelopePath = new QLineEdit(lists);
    m_envelopePath->setPlaceholderText(tr("automatic: where the dialect keeps them"));
    m_envelopePath->setToolTip(tr("Where a list response keeps its rows, e.g. items or result.items"));
    m_resources = new QLineEdit(lists);
    m_resources->setPlaceholderText(tr("detected from the server"));
    m_resources->setToolTip(tr("Resource paths separated by commas, e.g. posts, users, admin/logs"));
    l->addRow(tr("Page si&ze:"), m_pageSize);
    l->addRow(tr("I&d field:"), m_idField);
    l->addRow(tr("&Envelope path:"), m_envelopePath);
    l->addRow(tr("&Resources:"), m_resources);
    right->addWidget(lists);
    auto *references = new QGroupBox(tr("References"), form);
    auto *r = new QVBoxLayout(references);
    m_references = new ReferenceSettings(references);
    r->addWidget(m_references);
    right->addWidget(references, 1);
    layout->addStretch();

    // One label column across the groups of each column.
    for (const QList<QFormLayout *> &forms : {QList<QFormLayout *>{c, m_signIn->form(), a}, QList<QFormLayout *>{f, l}}) {
        int labelWidth = 0;
        for (QFormLayout *form : forms) {
            for (int row = 0; row < form->rowCount(); ++row) {
                if (QLayoutItem *item = form->itemAt(row, QFormLayout::LabelRole); item && item->widget())
                    labelWidth = std::max(labelWidth, item->widget()->sizeHint().width());
            }
        }
        for (QFormLayout *form : forms) {
            for (int row = 0; row < form->rowCount(); ++row) {
                if (QLayoutItem *item = form->itemAt(row, QFormLayout::LabelRole); item && item->widget())
                    item->widget()->setMinimumWidth(labelWidth);
            }
        }
    }

    for (QLineEdit *edit : {m_name, m_baseUrl, m_authHeader, m_authValue, m_ca->fileEdit(), m_idField, m_envelopePath,
                            m_resources, m_pageParam, m_sizeParam, m_liveUrl})
        connect(edit, &QLineEdit::textEdited, this, [this] {
            store();
            updateList();
            updateError();
            m_detection->update();
        });
    return form;
}

QList<EndpointSettings> SettingsDialog::endpoints() const
{
    return m_endpoints;
}

void SettingsDialog::selectEndpoint(const QString &id)
{
    for (int i = 0; i < m_endpoints.size(); ++i) {
        if (m_endpoints[i].id == id)
            m_list->setCurrentRow(i);
    }
}

QString SettingsDialog::currentEndpointId() const
{
    return m_row >= 0 && m_row < m_endpoints.size() ? m_endpoints[m_row].id : QString();
}

void SettingsDialog::addEndpoint()
{
    store();
    EndpointSettings e;
    e.id = EndpointSettings::newId();
    m_endpoints.append(e);
    updateList();
    m_list->setCurrentRow(int(m_endpoints.size()) - 1);
    m_baseUrl->setFocus();
}

void SettingsDialog::removeCurrentEndpoint()
{
    const int row = m_list->currentRow();
    if (row < 0 || row >= m_endpoints.size() || m_endpoints[row].transient || m_removeQuestion)
        return;
    const int unsent = m_unsentCounter ? m_unsentCounter(m_endpoints[row].id) : 0;
    if (unsent <= 0) {
        removeEndpointAt(row);   // Cancel on the dialog brings it back
        return;
    }
    // Cancel on the dialog would bring these back too, but OK would drop them for good: ask now, while it is clear
    // which endpoint they belong to.
    const QString name = m_endpoints[row].displayName();
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Remove endpoint"),
                                unsent == 1 ? tr("“%1” has 1 change not sent yet.").arg(name)
                                            : tr("“%1” has %2 changes not sent yet.").arg(name, QString::number(unsent)),
                                QMessageBox::Cancel, this);
    box->setInformativeText(tr("Removing it discards them."));
    QPushButton *remove = box->addButton(tr("Remove"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    m_removeQuestion = box;
    connect(box, &QMessageBox::finished, this, [this, box, remove, id = m_endpoints[row].id] {
        m_removeQuestion.clear();   // answered (the box itself goes later)
        if (box->clickedButton() != remove)
            return;
        for (int i = 0; i < m_endpoints.size(); ++i) {
            if (m_endpoints[i].id == id) {
                removeEndpointAt(i);
                return;
            }
        }
    });
    box->open();
}

void SettingsDialog::removeEndpointAt(int row)
{
    m_row = -1;   // nothing to store: it is going
    m_endpoints.removeAt(row);
    m_loading = true;
    updateList();
    m_loading = false;
    const int next = std::min(row, int(m_endpoints.size()) - 1);
    m_list->setCurrentRow(next);
    load(next);
}

void SettingsDialog::setRunningSignIn(std::function<OAuthCredentials *(const EndpointSettings &endpoint)> running)
{
    m_runningSignIn = std::move(running);
    if (m_row >= 0 && m_row < m_endpoints.size())
        m_signIn->load(m_endpoints[m_row], m_runningSignIn(m_endpoints[m_row]));
}

void SettingsDialog::setKnownReferences(std::function<ReferenceSettings::Known(const QString &endpointId)> known)
{
    m_knownReferences = std::move(known);
    if (m_row >= 0 && m_row < m_endpoints.size()) {
        store();   // what is typed stays
        m_references->load(m_endpoints[m_row], m_knownReferences(m_endpoints[m_row].id));
    }
}

void SettingsDialog::load(int row)
{
    m_row = row;
    const bool valid = row >= 0 && row < m_endpoints.size();
    m_form->setEnabled(valid);
    m_remove->setEnabled(valid && !m_endpoints[row].transient);
    const EndpointSettings e = valid ? m_endpoints[row] : EndpointSettings{};
    m_name->setText(e.name);
    m_references->load(e, valid && m_knownReferences ? m_knownReferences(e.id) : ReferenceSettings::Known{});
    m_baseUrl->setText(e.baseUrl.toString());
    m_baseUrl->setReadOnly(e.transient);
    m_urlNote->setVisible(e.transient);
    m_urlNote->setText(tr("Set on the command line (--demo or --endpoint) for this session; what you change "
                          "below is kept for the next one."));
    m_authHeader->setText(e.authHeader);
    m_authValue->setText(e.authValue);
    m_signIn->load(e, valid && m_runningSignIn ? m_runningSignIn(e) : nullptr);
    const bool wasLoading = m_loading;
    m_loading = true;   // setChecked() below is not an edit
    m_plainText->setChecked(e.tokenInPlainText);
    m_loading = wasLoading;
    m_ca->setFile(e.caCertificateFile);
    m_maxResponse->setValue(e.maxResponseMegabytes);
    m_timeout->setValue(toSeconds(e.timeout));
    m_staleTime->setValue(toSeconds(e.staleTime));
    m_refetchOnFocus->setChecked(e.refetchOnFocus);
    m_pollInterval->setValue(toSeconds(e.pollInterval));
    m_live->setChecked(e.live);
    m_liveUrl->setText(e.liveUrl.toString());
    m_liveDialect->setCurrentIndex(std::max(0, m_liveDialect->findData(e.liveDialect)));
    m_pageSize->setValue(e.pageSize);
    m_idField->setText(e.idField);
    m_envelopePath->setText(e.envelopePath);
    m_resources->setText(e.resources.join(u", "_s));
    m_loading = true;   // nor is choosing the saved dialect and paging
    m_dialect->setCurrentIndex(std::max(0, m_dialect->findData(e.dialect)));
    m_paging->setCurrentIndex(std::max(0, m_paging->findData(e.paging)));
    m_loading = wasLoading;
    m_pageParam->setText(e.pageParam);
    m_sizeParam->setText(e.sizeParam);
    updateError();
    updateTokenStorage();
    // Another endpoint: a Test of the last one says nothing about it.
    m_detection->stop();
    m_detection->showSaved();
}

void SettingsDialog::store()
{
    if (m_row < 0 || m_row >= m_endpoints.size())
        return;
    EndpointSettings &e = m_endpoints[m_row];
    e.name = m_name->text().trimmed();
    m_references->store(e);
    if (!e.transient) {
        // As typed: validate() names what is wrong with it.
        const QString url = m_baseUrl->text().trimmed();
        e.baseUrl = url.isEmpty() ? QUrl() : QUrl(url);
    }
    e.authHeader = m_authHeader->text().trimmed();
    e.authValue = m_authValue->text();
    m_signIn->store(e);
    e.tokenInPlainText = m_plainText->isChecked();
    e.caCertificateFile = m_ca->fileEdit()->text().trimmed();
    e.maxResponseMegabytes = m_maxResponse->value();
    e.timeout = seconds(m_timeout->value());
    e.staleTime = seconds(m_staleTime->value());
    e.refetchOnFocus = m_refetchOnFocus->isChecked();
    e.pollInterval = seconds(m_pollInterval->value());
    e.live = m_live->isChecked();
    const QString liveUrl = m_liveUrl->text().trimmed();
    e.liveUrl = liveUrl.isEmpty() ? QUrl() : QUrl(liveUrl);
    e.liveDialect = m_liveDialect->currentData().toString();
    e.pageSize = m_pageSize->value();
    e.idField = m_idField->text().trimmed().isEmpty() ? u"id"_s : m_idField->text().trimmed();
    e.envelopePath = m_envelopePath->text().trimmed();
    QStringList resources;
    for (const QString &r : m_resources->text().split(u',', Qt::SkipEmptyParts)) {
        QString name = r.trimmed();
        while (name.startsWith(u'/'))
            name.remove(0, 1);
        if (!name.isEmpty() && !resources.contains(name))
            resources.append(name);
    }
    e.resources = resources;
    e.dialect = m_dialect->currentData().toString();
    e.paging = m_paging->currentData().toString();
    e.pageParam = m_pageParam->text().trimmed();
    e.sizeParam = m_sizeParam->text().trimmed();
}

void SettingsDialog::updateList()
{
    const bool wasLoading = m_loading;
    m_loading = true;
    const int row = m_list->currentRow();
    while (m_list->count() > m_endpoints.size())
        delete m_list->takeItem(m_list->count() - 1);
    for (int i = 0; i < m_endpoints.size(); ++i) {
        if (i >= m_list->count())
            m_list->addItem(new QListWidgetItem);
        QListWidgetItem *item = m_list->item(i);
        const EndpointSettings &e = m_endpoints[i];
        item->setText(e.baseUrl.isEmpty() && e.name.isEmpty() ? tr("New endpoint") : e.displayName());
        item->setIcon(icons::icon(e.validate().isEmpty() ? u"server"_s : u"warning"_s));
        item->setToolTip(e.baseUrl.toDisplayString(QUrl::RemoveUserInfo));
    }
    if (row >= 0 && row < m_list->count())
        m_list->setCurrentRow(row);
    m_loading = wasLoading;
}

void SettingsDialog::updateError()
{
    const QString error = m_row >= 0 && m_row < m_endpoints.size() ? m_endpoints[m_row].validate() : QString();
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
}

void SettingsDialog::setTokenStore(const TokenStore *tokens)
{
    if (m_tokens)
        disconnect(m_tokens, nullptr, this, nullptr);
    m_tokens = tokens;
    if (m_tokens)
        connect(m_tokens, &TokenStore::keychainChanged, this, &SettingsDialog::updateTokenStorage);
    updateTokenStorage();
}

void SettingsDialog::updateTokenStorage()
{
    // The choice only matters when there is no keychain (and a store that could write the file).
    const bool offer = m_tokens && m_tokens->keychain() == TokenStore::Keychain::Unavailable;
    m_plainText->setVisible(offer);
    const bool plainText = offer && m_plainText->isChecked();
    m_tokenStorage->setText(m_tokens ? m_tokens->storageDescription(plainText)
                                     : tr("No keychain available: the token is kept for this session only."));
}

void SettingsDialog::setNetwork(QueryClient *client, HttpTransport *transport)
{
    m_detection->setNetwork(client, transport);
}

bool SettingsDialog::isTesting() const
{
    return m_detection->isTesting();
}

void SettingsDialog::testConnection()
{
    if (m_row < 0 || m_row >= m_endpoints.size() || !m_detection->hasNetwork())
        return;
    store();
    m_detection->run();
}

void SettingsDialog::accept()
{
    store();
    for (int i = 0; i < m_endpoints.size(); ++i) {
        const QString error = m_endpoints[i].validate();
        if (!error.isEmpty()) {
            m_list->setCurrentRow(i);
            m_error->setText(tr("%1: %2").arg(m_endpoints[i].baseUrl.isEmpty() && m_endpoints[i].name.isEmpty()
                                                  ? tr("New endpoint") : m_endpoints[i].displayName(), error));
            m_error->show();
            return;
        }
    }
    QDialog::accept();
}

} // namespace refetch
