#include "keychainbackend.h"

#include <qt6keychain/keychain.h>

namespace refetch {

namespace {

SecretBackend::Result resultOf(const QKeychain::Job &job)
{
    using S = SecretBackend::Status;
    SecretBackend::Result r;
    r.error = job.errorString();
    switch (job.error()) {
    case QKeychain::NoError:
        r.status = S::Ok;
        r.error.clear();
        break;
    case QKeychain::EntryNotFound:
        r.status = S::NotFound;
        break;
    // Without a Secret Service (a headless machine, a desktop without one) the D-Bus call fails: OtherError.
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    case QKeychain::OtherError:
        r.status = S::Unavailable;
        break;
    default:
        r.status = S::Failed;
        break;
    }
    return r;
}

template <typename Job>
Job *makeJob(const QString &service, const QString &key)
{
    auto *job = new Job(service);
    job->setKey(key);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    return job;
}

} // namespace

KeychainBackend::KeychainBackend(const QString &service, QObject *parent) : QObject(parent), m_service(service) {}

void KeychainBackend::read(const QString &key, Callback done)
{
    auto *job = makeJob<QKeychain::ReadPasswordJob>(m_service, key);
    connect(job, &QKeychain::Job::finished, this, [job, done = std::move(done)] {
        SecretBackend::Result r = resultOf(*job);
        if (r.status == Status::Ok)
            r.secret = job->textData();
        done(r);
    });
    job->start();
}

void KeychainBackend::write(const QString &key, const QString &secret, Callback done)
{
    auto *job = makeJob<QKeychain::WritePasswordJob>(m_service, key);
    job->setTextData(secret);
    connect(job, &QKeychain::Job::finished, this, [job, done = std::move(done)] { done(resultOf(*job)); });
    job->start();
}

void KeychainBackend::remove(const QString &key, Callback done)
{
    auto *job = makeJob<QKeychain::DeletePasswordJob>(m_service, key);
    connect(job, &QKeychain::Job::finished, this, [job, done = std::move(done)] { done(resultOf(*job)); });
    job->start();
}

} // namespace refetch
