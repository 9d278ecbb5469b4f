#pragma once

#include "core/http/endpoint.h"
#include "core/client/focussource.h"
#include "core/http/httptransport.h"
#include "core/client/onlinesource.h"
#include "core/client/queryclient.h"
#include "core/client/queryobserver.h"
#include "support/httpfixture.h"

#include <QNetworkAccessManager>
#include <memory>

namespace refetch::test {

// A query client wired to a real HTTP fixture on 127.0.0.1, with time, focus and the network state in the
// test's hands.
struct ClientHarness
{
    ClientHarness()
    {
        if (!fixture.start())
            qFatal("the HTTP fixture could not listen");
        endpoint = std::make_unique<Endpoint>(&transport, EndpointConfig{.baseUrl = fixture.baseUrl()});
    }

    QueryOptions options(const QueryKey &key, const QString &path) const
    {
        QueryOptions o;
        o.key = key;
        o.fn = endpoint->get(path);
        return o;
    }

    HttpFixture fixture;
    QNetworkAccessManager nam;
    HttpTransport transport{&nam};
    ManualClock clock;
    FocusSource focus;
    OnlineSource online;
    QueryClient client{ClientConfig{.clock = &clock, .focus = &focus, .online = &online}};
    std::unique_ptr<Endpoint> endpoint;
};

} // namespace refetch::test
