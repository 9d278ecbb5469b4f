#pragma once

#include "core/json/json.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QLabel;
class QListWidget;
class QToolButton;
class QVBoxLayout;

namespace refetch {

class ApiConnection;
class IncomingReferences;

// Under a record's form, the records of other resources that point at it (IncomingReferences: an author's posts,
// a post's comments): one small list per referring field, titled "comments · postId" with how many there are
// ("3", or "10 of 24"), each record by its label and id; a click on one (or Enter) opens it. A list the server
// cannot give (it does not filter by the field) says why instead; nothing pointing here says "None".
class ReferringRecords : public QWidget
{
    Q_OBJECT
public:
    explicit ReferringRecords(QWidget *parent = nullptr);
    ~ReferringRecords() override;

    // Shows what points at record `id` of `resource` (the connection must outlive this, or clear() first).
    void showFor(ApiConnection *connection, const QString &resource, const Json &id);
    void clear();
    // Asks the server again (F5).
    void refetch();
    IncomingReferences *incoming() const { return m_incoming; }

Q_SIGNALS:
    // A referring record was clicked: open it.
    void recordActivated(const QString &resource, const refetch::Json &id);
    // "Show all" on a group: the list of `resource` filtered to the records whose `field` is `id`.
    void listRequested(const QString &resource, const QString &field, const refetch::Json &id);

private:
    struct Section
    {
        QWidget *heading = nullptr;   // the title and Show all
        QLabel *title = nullptr;
        QToolButton *showAll = nullptr;
        QLabel *note = nullptr;
        QListWidget *list = nullptr;
    };
    void update();
    Section &section(const QString &resource, const QString &field);
    static void drop(const Section &section);

    QPointer<ApiConnection> m_connection;
    QString m_resource;
    Json m_id;
    IncomingReferences *m_incoming = nullptr;
    QLabel *m_heading;
    QVBoxLayout *m_sections;
    QHash<QString, Section> m_byKey;   // "comments.postId"
};

} // namespace refetch
