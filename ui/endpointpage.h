#pragma once

#include "emptystate.h"

namespace refetch {

class ApiConnection;

// What the list area shows while no list is open: what became of an endpoint's resources (asked for, could not
// be reached, none named), or that there is no endpoint yet; with the buttons that help (Retry, Settings…, Add
// Endpoint…).
class EndpointPage : public EmptyState
{
    Q_OBJECT
public:
    explicit EndpointPage(QWidget *parent = nullptr);

    // The page of `connection`: looking for its resources, why it has none, or which to choose.
    void showEndpoint(ApiConnection *connection);
    // No endpoint yet: how to add one.
    void showStart();

Q_SIGNALS:
    // Settings… on endpoint `endpointId`; "+" for a new endpoint (Add Endpoint…).
    void settingsRequested(const QString &endpointId);
};

} // namespace refetch
