#pragma once

#include "endpointsettings.h"

#include <QByteArray>
#include <QList>

QT_BEGIN_NAMESPACE
class QSettings;
QT_END_NAMESPACE

namespace refetch {

// The application's settings in a QSettings: the endpoints in their order, the window's geometry and splitter
// states, and where the user was. Endpoints from the command line are not listed, but what the user tunes on
// them (page size, stale time...) is kept under their fixed id.
class SettingsStore
{
public:
    // `settings` must outlive the store.
    explicit SettingsStore(QSettings *settings);

    QSettings *settings() const { return m_settings; }

    // The saved endpoints, in order.
    QList<EndpointSettings> endpoints() const;
    // Saves `endpoints` in this order; transient ones are saved without their URL and left out of the order.
    void setEndpoints(const QList<EndpointSettings> &endpoints);

    // An endpoint for this session only (--demo, --endpoint): the saved settings of `id` if any, on `url`.
    EndpointSettings transientEndpoint(const QString &id, const QString &name, const QUrl &url) const;

    QByteArray value(const QString &key) const;
    void setValue(const QString &key, const QByteArray &value);
    QString string(const QString &key) const;
    void setString(const QString &key, const QString &value);

private:
    EndpointSettings read(const QString &id) const;
    void write(const EndpointSettings &endpoint);

    QSettings *m_settings;
};

} // namespace refetch
