#include "core/http/credentials.h"

#include <QUrlQuery>

namespace refetch {

Credentials::Credentials(QObject *parent) : QObject(parent) {}

Credentials::~Credentials() = default;

void Credentials::renew(quint64 sentWith, QObject *context, std::function<void(bool)> done)
{
    if (sentWith != m_generation && m_state == State::SignedIn) {
        done(true);   // renewed since that request went: send it again with what requests carry now
        return;
    }
    if (m_state == State::SignInNeeded) {
        done(false);
        return;
    }
    m_waiters.append(Waiter{.context = context, .hasContext = context != nullptr, .done = std::move(done)});
    if (m_state == State::Renewing)
        return;   // one renewal, however many ask
    QString why;
    setState(State::Renewing);
    if (!startRenewal(&why))
        renewFinished(false, why);
}

bool Credentials::startRenewal(QString *why)
{
    if (why)
        *why = tr("The server refused the credentials (HTTP 401).");
    return false;
}

void Credentials::renewFinished(bool ok, const QString &problem)
{
    if (ok) {
        ++m_generation;
        setState(State::SignedIn);
        Q_EMIT renewed();
    } else {
        setState(State::SignInNeeded, problem);
    }
    settleWaiters(ok);
}

void Credentials::changed(bool signedIn)
{
    ++m_generation;
    setState(signedIn ? State::SignedIn : State::None);
    Q_EMIT renewed();
    settleWaiters(true);
}

void Credentials::needSignIn(const QString &problem)
{
    setState(State::SignInNeeded, problem);
    settleWaiters(false);
}

void Credentials::setState(State state, const QString &problem)
{
    if (m_state == state && m_problem == problem)
        return;
    m_state = state;
    m_problem = problem;
    Q_EMIT stateChanged(state);
}

void Credentials::settleWaiters(bool ok)
{
    const QList<Waiter> waiters = std::exchange(m_waiters, {});
    for (const Waiter &w : waiters) {
        if (!w.hasContext || w.context)
            w.done(ok);
    }
}

// ------------------------------------------------------------------------------------------------ FixedCredentials

FixedCredentials::FixedCredentials(Place place, QByteArray name, QByteArray value, QObject *parent)
    : Credentials(parent), m_place(place), m_name(std::move(name)), m_value(std::move(value))
{
    // Whatever the user called it, the value never shows in a log or an error.
    if (!m_name.isEmpty())
        QueryError::addSecretName(QString::fromUtf8(m_name));
    changed(!m_name.isEmpty() && !m_value.isEmpty());
}

FixedCredentials::FixedCredentials(QObject *parent) : Credentials(parent) {}

void FixedCredentials::apply(HttpRequest &request) const
{
    if (m_name.isEmpty())
        return;
    if (m_place == Place::Header)
        setRequestHeader(request, m_name, m_value);
    else
        setRequestQueryItem(request, QString::fromUtf8(m_name), QString::fromUtf8(m_value));
}

void FixedCredentials::setValue(const QByteArray &value)
{
    if (value == m_value && state() != State::SignInNeeded)
        return;
    m_value = value;
    changed(!m_name.isEmpty() && !m_value.isEmpty());
}

QByteArray FixedCredentials::basicValue(const QString &user, const QString &password)
{
    return "Basic " + (user + u':' + password).toUtf8().toBase64();
}

// ----------------------------------------------------------------------------------------------------------- helpers

void setRequestHeader(HttpRequest &request, const QByteArray &name, const QByteArray &value)
{
    request.headers.removeIf([&](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
    if (!value.isEmpty())
        request.headers.append({name, value});
}

void setRequestQueryItem(HttpRequest &request, const QString &name, const QString &value)
{
    QUrlQuery query(request.url);
    query.removeAllQueryItems(name);
    if (!value.isEmpty())
        query.addQueryItem(QString::fromUtf8(QUrl::toPercentEncoding(name)), QString::fromUtf8(QUrl::toPercentEncoding(value)));
    if (query.isEmpty())
        request.url.setQuery(QString());
    else
        request.url.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
}

} // namespace refetch
