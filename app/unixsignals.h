#pragma once

#include <QObject>

#include <initializer_list>

class QSocketNotifier;

namespace refetch {

// Turns Unix signals (SIGTERM from `kill` or a service manager, SIGINT from Ctrl+C in the terminal that started
// the app, SIGHUP when it closes) into a Qt signal on the main thread, so that the app quits the normal way: the
// window closes, the cache and the unsent writes are written, the keychain is given its last token. The handler
// only writes the signal's number to a socket pair (the pattern of Qt's "Calling Qt Functions From Unix Signal
// Handlers"); everything else happens in the event loop. One watcher per process.
class UnixSignals : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignals(std::initializer_list<int> signalNumbers, QObject *parent = nullptr);
    ~UnixSignals() override;

    bool isWatching() const { return m_notifier != nullptr; }

Q_SIGNALS:
    void received(int signalNumber);

private:
    void onReadable();

    QSocketNotifier *m_notifier = nullptr;
    QList<int> m_watched;
};

} // namespace refetch
