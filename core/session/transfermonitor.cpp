#include "transfermonitor.h"

#include "core/live/ssestream.h"

#include <QNetworkReply>

namespace refetch {

TransferMonitor::TransferMonitor(QObject *parent) : QNetworkAccessManager(parent) {}

TransferMonitor::~TransferMonitor()
{
    // ~QNetworkAccessManager deletes the replies still around after our members are gone: stop listening first.
    for (QNetworkReply *reply : findChildren<QNetworkReply *>())
        disconnect(reply, nullptr, this, nullptr);
    m_transfers.clear();
}

QNetworkReply *TransferMonitor::createRequest(Operation op, const QNetworkRequest &request, QIODevice *outgoingData)
{
    QNetworkReply *reply = QNetworkAccessManager::createRequest(op, request, outgoingData);
    // A change stream downloads for as long as it is open: not a transfer to show progress of.
    if (request.attribute(SseStream::StreamAttribute).toBool())
        return reply;
    m_transfers.insert(reply, Transfer{});
    connect(reply, &QNetworkReply::downloadProgress, this,
            [this, reply](qint64 received, qint64 total) { update(reply, received, total); });
    // finished, and destroyed for a reply deleted before it finished: whichever comes first.
    connect(reply, &QNetworkReply::finished, this, [this, reply] { finish(reply); });
    connect(reply, &QObject::destroyed, this, [this, reply] { finish(reply); });
    return reply;
}

void TransferMonitor::update(QNetworkReply *reply, qint64 received, qint64 total)
{
    const auto it = m_transfers.find(reply);
    if (it == m_transfers.end())
        return;
    const bool wasLarge = it->large();
    it->received = received;
    it->total = total > 0 ? total : -1;
    if (wasLarge || it->large())
        report();
}

void TransferMonitor::finish(QNetworkReply *reply)
{
    // Nothing more to hear from it (its destroyed() may come after we are gone).
    disconnect(reply, nullptr, this, nullptr);
    const auto it = m_transfers.find(reply);
    if (it == m_transfers.end())
        return;
    const bool wasLarge = it->large();
    m_transfers.erase(it);
    if (wasLarge)
        report();
}

qint64 TransferMonitor::bytesReceived() const
{
    qint64 sum = 0;
    for (const Transfer &t : m_transfers) {
        if (t.large())
            sum += t.received;
    }
    return sum;
}

qint64 TransferMonitor::bytesTotal() const
{
    qint64 sum = 0;
    for (const Transfer &t : m_transfers) {
        if (!t.large())
            continue;
        if (t.total < 0)
            return -1;
        sum += t.total;
    }
    return sum;
}

bool TransferMonitor::hasLargeTransfer() const
{
    for (const Transfer &t : m_transfers) {
        if (t.large())
            return true;
    }
    return false;
}

void TransferMonitor::report()
{
    if (!hasLargeTransfer())
        Q_EMIT progressChanged(0, 0);
    else
        Q_EMIT progressChanged(bytesReceived(), bytesTotal());
}

} // namespace refetch
