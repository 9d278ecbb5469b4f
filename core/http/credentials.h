#pragma once

#include "core/http/httptransport.h"

#include <QObject>

#include <functional>

namespace refetch {

// How an endpoint's requests are signed in (Bruno's and Postman's auth per collection): what each request carries
// (a header, a query parameter), whether that holds now, and, for tokens that expire, how a new one is had. One per
// endpoint, shared by every request to it, in the thread of its transport.
//
// A request answered 401 asks renew() with the generation it was sent with: a token that changed since (another
// request renewed it) is used at once; otherwise one renewal is started, however many requests ask, and each is
// told when it is done. Where no renewal is possible (a fixed token, a password) or it fails, the state is
// SignInNeeded with the reason, until the user signs in again (signedIn()).
class Credentials : public QObject
{
    Q_OBJECT
public:
    enum class State : quint8 {
        None,          // nothing to sign in with: requests go as they are
        SignedIn,      // requests carry what the server wants
        Renewing,      // a new token is being had
        SignInNeeded,  // the server refused them, or they expired and could not be renewed: problem() says why
    };
    Q_ENUM(State)

    explicit Credentials(QObject *parent = nullptr);
    ~Credentials() override;

    // Puts what the server needs into `request`, replacing what an earlier apply() put there (a request sent again
    // after a renewal carries the new token).
    virtual void apply(HttpRequest &request) const = 0;

    State state() const { return m_state; }
    // Why the user must sign in again, in a sentence; empty otherwise.
    QString problem() const { return m_problem; }
    // Changes each time what requests carry changes: a 401 to an older generation is answered by sending again.
    quint64 generation() const { return m_generation; }

    // A request that carried generation `sentWith` was answered 401: `done(true)` once requests carry something new
    // (at once when they already do), `done(false)` when they cannot (state() is then SignInNeeded). `done` is not
    // called once `context` is gone.
    void renew(quint64 sentWith, QObject *context, std::function<void(bool renewed)> done);

Q_SIGNALS:
    void stateChanged(refetch::Credentials::State state);
    // Requests carry something new (a renewal, a sign-in): writes waiting for it may go.
    void renewed();

protected:
    // Begins getting a new token; renewFinished() says how it went. Returns false when this kind cannot renew
    // (a fixed token or password: the user has to give another), `why` then says so.
    virtual bool startRenewal(QString *why);
    // The renewal started by startRenewal() is over.
    void renewFinished(bool ok, const QString &problem = {});
    // What requests carry changed (a sign-in, a token from elsewhere): a new generation, state SignedIn (or None).
    void changed(bool signedIn);
    // The server refused what requests carry and nothing can renew it.
    void needSignIn(const QString &problem);
    void setState(State state, const QString &problem = {});

private:
    struct Waiter
    {
        QPointer<QObject> context;
        bool hasContext = false;
        std::function<void(bool)> done;
    };
    void settleWaiters(bool ok);

    State m_state = State::None;
    QString m_problem;
    quint64 m_generation = 1;
    QList<Waiter> m_waiters;
};

// Credentials that do not change by themselves: none, a header (a bearer token, an API key, HTTP Basic), or a query
// parameter (an API key in the URL). A 401 cannot be mended by renewing: the user has to give another.
class FixedCredentials : public Credentials
{
    Q_OBJECT
public:
    enum class Place : quint8 { Header, Query };
    FixedCredentials(Place place, QByteArray name, QByteArray value, QObject *parent = nullptr);
    // Nothing is sent.
    explicit FixedCredentials(QObject *parent = nullptr);

    void apply(HttpRequest &request) const override;
    // Another value (the user typed a new token): requests carry it from now on.
    void setValue(const QByteArray &value);

    // "Basic base64(user:password)", as RFC 7617 has it (UTF-8).
    static QByteArray basicValue(const QString &user, const QString &password);

private:
    Place m_place = Place::Header;
    QByteArray m_name;
    QByteArray m_value;
};

// As HttpTransport::sendFor, with `request` signed by `credentials` (none: sent as it is). A 401 is met once by
// renewing them (Credentials::renew) and sending again with what requests carry then. `read(reply)` reads the
// answer when it comes and returns what delivers its result: called at once, or, when the answer was a 401 that
// could not be mended, once the renewal is over (the reply is gone by then).
template <typename Context, typename Read>
void sendSigned(const Context &ctx, HttpTransport *transport, HttpRequest request, const ResponseLimits &limits,
                const std::shared_ptr<Credentials> &credentials, Read read, bool renewed = false)
{
    quint64 generation = 0;
    if (credentials) {
        credentials->apply(request);
        generation = credentials->generation();
    }
    HttpTransport::sendFor(ctx, transport, request, limits,
                           [ctx, transport, request, limits, credentials, read, renewed, generation](QNetworkReply *reply) {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        std::function<void()> deliver = read(reply);
        if (status != 401 || !credentials || renewed) {
            deliver();
            return;
        }
        credentials->renew(generation, credentials.get(),
                           [ctx, transport, request, limits, credentials, read, deliver](bool ok) {
            if (ctx.isCancelled())
                return;
            if (ok)
                sendSigned(ctx, transport, request, limits, credentials, read, true);
            else
                deliver();
        });
    });
}

// Puts `name: value` into `request`, replacing a header of that name (case-insensitive); an empty value removes it.
void setRequestHeader(HttpRequest &request, const QByteArray &name, const QByteArray &value);
// Puts `name=value` into the query of `request`'s URL, replacing one of that name; an empty value removes it.
void setRequestQueryItem(HttpRequest &request, const QString &name, const QString &value);

} // namespace refetch
