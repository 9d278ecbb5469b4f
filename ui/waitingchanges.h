#pragma once

#include "core/json/json.h"

#include <QDateTime>
#include <QDialog>
#include <QPointer>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace refetch {

class Mutation;
class PendingWrites;

// A save the server refused after its form was closed (the write waited, the user moved on): its values are
// kept here until the user opens them in the form or lets them go.
struct RefusedWrite
{
    QString endpoint;
    QString resource;
    Json id;                 // Undefined: a new record
    Json fields;             // what the form sent
    QString label;           // "tasks · 16: title"
    QString error;           // the server's words
    QDateTime at;
};

// The outbox: every change that waits for the server, with what it is and why it waits, and those the server
// refused; Retry Now, Cancel Change (puts the record back as the server has it), Open Record, Discard. A create
// that may already have been made before a crash lists the records like it (open one to look) and waits for
// Send Again or Already Created.
class WaitingChanges : public QDialog
{
    Q_OBJECT
public:
    WaitingChanges(PendingWrites *writes, QWidget *parent = nullptr);

    void setRefused(const QList<RefusedWrite> &refused);
    QTreeWidget *list() const { return m_list; }

Q_SIGNALS:
    void openRecord(const QString &endpoint, const QString &resource, const refetch::Json &id);
    // Refused write `index` (of setRefused's list): open its values in the form, or drop them.
    void openRefused(int index);
    void discardRefused(int index);

private:
    void rebuild();
    void updateButtons();

    QPointer<PendingWrites> m_writes;
    QList<RefusedWrite> m_refused;
    QLabel *m_summary;
    QTreeWidget *m_list;
    QPushButton *m_retry;
    QPushButton *m_cancel;
    QPushButton *m_open;
    QPushButton *m_discard;
    QPushButton *m_sendAgain;
    QPushButton *m_created;
};

} // namespace refetch
