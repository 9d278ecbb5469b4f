#pragma once

#include <QHash>
#include <QObject>
#include <QStringList>

class QHeaderView;
class QMenu;
class QTableView;

namespace refetch {

class JsonTableModel;
class SettingsStore;

// The columns of one list as the user arranged them, remembered per endpoint and resource (a database browser's
// column chooser): their order (drag a header), their widths (drag its edge) and which are hidden (the header's
// context menu lists every column with a check box, and "Show all columns" and "Reset columns"). Kept by column
// name in the settings file, so a field the server adds later takes its place at the end and a field it drops is
// forgotten only from the view, never from the saved layout.
class ColumnLayout : public QObject
{
    Q_OBJECT
public:
    // `store` must outlive this; `key` names the list ("<endpoint>/<resource>").
    ColumnLayout(QTableView *table, JsonTableModel *model, SettingsStore *store, const QString &key);

    // Puts the saved layout on the columns there are now (the list calls it once it has fitted them to their
    // contents, and again when columns come); from the first call on, the user's changes are saved.
    void apply();
    bool isColumnHidden(const QString &name) const;
    void setColumnHidden(const QString &name, bool hidden);
    void showAllColumns();
    // The columns' names in the order shown, and the hidden ones (a saved view's columns).
    std::pair<QStringList, QStringList> arrangement() const;
    // Shows the columns in `order` (the others after them), `hidden` hidden; widths stay. Saved as the user's.
    void setArrangement(const QStringList &order, const QStringList &hidden);
    // Forgets the saved layout: every column shown, in the server's order, fitted again by the list.
    void reset();
    // The header's context menu, as shown at `pos` (a point of the header).
    QMenu *makeMenu(QWidget *parent);

    static QString settingsKey(const QString &key);

Q_SIGNALS:
    // reset(): the list fits the columns to their contents again.
    void resetRequested();

private:
    void save();

    QTableView *m_table;
    QHeaderView *m_header;
    JsonTableModel *m_model;
    SettingsStore *m_store;
    QString m_key;
    bool m_active = false;     // applied once: changes from now on are the user's and are saved
    bool m_applying = false;
    QStringList m_order;       // names, in the order shown
    QStringList m_hidden;
    QHash<QString, int> m_widths;
};

} // namespace refetch
