#include "changestream.h"

#include "core/http/credentials.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcLive, "refetch.core.live", QtInfoMsg)

namespace refetch {

ChangeStream::ChangeStream(Scheduler *scheduler, BackoffOptions backoff, QObject *parent)
    : QObject(parent), m_scheduler(scheduler), m_backoff(backoff)
{
}

ChangeStream::~ChangeStream()
{
    m_scheduler->cancel(m_retryTask);
}

void ChangeStream::start()
{
    if (m_state == State::Connecting || m_state == State::Open)
        return;
    connectNow();
}

void ChangeStream::stop()
{
    m_scheduler->cancel(m_retryTask);
    m_retryTask = 0;
    if (m_state == State::Connecting || m_state == State::Open)
        disconnectTransport();
    setState(State::Idle);
}

void ChangeStream::reconnectNow()
{
    if (m_state != State::Waiting)
        return;
    m_scheduler->cancel(m_retryTask);
    m_retryTask = 0;
    connectNow();
}

bool ChangeStream::send(const QByteArray &)
{
    return false;
}

void ChangeStream::setCredentials(std::shared_ptr<Credentials> credentials)
{
    if (m_credentials)
        disconnect(m_credentials.get(), nullptr, this, nullptr);
    m_credentials = std::move(credentials);
    if (!m_credentials)
        return;
    // Signed in again (or a token renewed by a request elsewhere): a stream the old ones were refused for comes back.
    connect(m_credentials.get(), &Credentials::renewed, this, [this] {
        if (m_state == State::Unavailable && m_failure == Failure::Refused)
            connectNow();
    });
}

void ChangeStream::sign(HttpRequest &request)
{
    if (!m_credentials)
        return;
    m_credentials->apply(request);
    m_signedWith = m_credentials->generation();
}

void ChangeStream::credentialsRefused(const QString &why, int status)
{
    if (m_state != State::Connecting && m_state != State::Open)
        return;
    if (!m_credentials || status != 401) {
        transportFailed(why, Failure::Refused);
        return;
    }
    // Waits out the backoff as any failure; renewed meanwhile, it connects at once with the new ones.
    transportFailed(why);
    m_credentials->renew(m_signedWith, this, [this, why](bool renewed) {
        if (m_state != State::Waiting)
            return;
        if (renewed)
            reconnectNow();
        else
            giveUp(why, Failure::Refused);
    });
}

void ChangeStream::giveUp(const QString &why, Failure failure)
{
    m_scheduler->cancel(m_retryTask);
    m_retryTask = 0;
    m_error = why;
    m_failure = failure;
    qCInfo(lcLive).noquote() << "change stream unavailable:" << why;
    setState(State::Unavailable);
}

void ChangeStream::connectNow()
{
    m_resuming = !m_lastEventId.isEmpty();
    setState(State::Connecting);
    connectTransport();
}

void ChangeStream::transportOpened()
{
    if (m_state != State::Connecting)
        return;
    ++m_opens;
    m_backoff.reset();
    m_error.clear();
    m_failure = Failure::Transient;
    setState(State::Open);
    Q_EMIT opened(m_resuming);
}

void ChangeStream::transportMessage(const QString &type, const QByteArray &data, const QString &eventId)
{
    if (m_state != State::Open)
        return;
    if (!eventId.isEmpty())
        m_lastEventId = eventId;
    Q_EMIT messageReceived(type, data, eventId);
}

void ChangeStream::transportFailed(const QString &why, Failure failure)
{
    if (m_state != State::Connecting && m_state != State::Open)
        return;
    if (failure != Failure::Transient) {
        giveUp(why, failure);
        return;
    }
    m_error = why;
    m_failure = failure;
    const Millis wait = m_backoff.next();
    m_retryAt = m_scheduler->clock()->now() + wait;
    qCInfo(lcLive).noquote() << "change stream:" << why << "- connecting again in" << wait.count() << "ms";
    m_retryTask = m_scheduler->schedule(m_retryAt, [this] {
        m_retryTask = 0;
        connectNow();
    });
    setState(State::Waiting);
}

void ChangeStream::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

} // namespace refetch
