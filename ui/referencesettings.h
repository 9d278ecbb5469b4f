#pragma once

#include "core/models/referencelabels.h"
#include "core/session/endpointsettings.h"

#include <QWidget>

class QPushButton;
class QTableWidget;

namespace refetch {

// Settings' References: the references known on an endpoint (found in its server's description or by convention,
// in the lists opened so far) and the user's word over them: point one at another resource, say a field is not a
// reference ("(not a reference)"), add one nothing found, and pick the field the referenced records are named by
// (else their name, title, label, ...). Stored in EndpointSettings::references and labelFields.
class ReferenceSettings : public QWidget
{
    Q_OBJECT
public:
    // What the running endpoint knows: its resources, and the references of each as they are used now.
    struct Known
    {
        QStringList resources;
        QList<std::pair<QString, Reference>> references;   // (resource, reference)
    };

    explicit ReferenceSettings(QWidget *parent = nullptr);

    void load(const EndpointSettings &endpoint, const Known &known);
    // Writes the user's word into `endpoint` (references and labelFields).
    void store(EndpointSettings &endpoint) const;
    QTableWidget *table() const { return m_table; }
    // Adds a row for a reference of the user's (resource, field and target chosen in the row).
    void addReference(const QString &resource = {}, const QString &field = {}, const QString &target = {});
    // The selected row: one the user added goes; one that was found becomes "(not a reference)".
    void removeSelected();

    enum Column { FieldColumn, TargetColumn, LabelColumn, SourceColumn };

Q_SIGNALS:
    void edited();

private:
    void addRow(const QString &resource, const QString &field, const QString &target, const QString &foundTarget,
                const QString &source);

    QTableWidget *m_table;
    QPushButton *m_add;
    QPushButton *m_remove;
    QStringList m_resources;
    QMap<QString, QString> m_labelFields;
};

} // namespace refetch
