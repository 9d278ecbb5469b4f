#pragma once

#include <QHash>
#include <QNetworkAccessManager>
#include <QPointer>

namespace refetch {

// The application's one QNetworkAccessManager, which also adds up the progress of the downloads under way, so
// that the status bar can show a progress bar while a large response comes in.
class TransferMonitor : public QNetworkAccessManager
{
    Q_OBJECT
public:
    explicit TransferMonitor(QObject *parent = nullptr);
    ~TransferMonitor() override;

    // Downloads whose size (announced or received so far) is at least this are "large".
    static constexpr qint64 LargeTransfer = 256 * 1024;

    int activeCount() const { return int(m_transfers.size()); }
    // Over the large downloads under way: bytes received and expected (-1 when a size is not announced).
    qint64 bytesReceived() const;
    qint64 bytesTotal() const;
    bool hasLargeTransfer() const;

Q_SIGNALS:
    // The large downloads progressed, started or ended; (0, 0) when none is under way.
    void progressChanged(qint64 received, qint64 total);

protected:
    QNetworkReply *createRequest(Operation op, const QNetworkRequest &request, QIODevice *outgoingData) override;

private:
    struct Transfer
    {
        qint64 received = 0;
        qint64 total = -1;
        bool large() const { return received >= LargeTransfer || total >= LargeTransfer; }
    };
    void update(QNetworkReply *reply, qint64 received, qint64 total);
    void finish(QNetworkReply *reply);
    void report();

    QHash<QNetworkReply *, Transfer> m_transfers;
};

} // namespace refetch
