#include "reconnectbackoff.h"

#include <algorithm>

namespace refetch {

ReconnectBackoff::ReconnectBackoff(BackoffOptions options)
    : m_options(options)
    , m_random(options.seed ? options.seed : QRandomGenerator::system()->generate())
{
    m_options.jitter = std::clamp(m_options.jitter, 0.0, 1.0);
    m_options.max = std::max(m_options.max, Millis{0});
    m_options.initial = std::clamp(m_options.initial, Millis{0}, m_options.max);
}

Millis ReconnectBackoff::next()
{
    // 2^n without overflow: past 2^20 any initial is beyond any sensible max.
    const int n = std::min(m_failures, 20);
    ++m_failures;
    const qint64 full = std::min<qint64>(m_options.initial.count() << n, m_options.max.count());
    const double factor = 1.0 - m_options.jitter * m_random.generateDouble();
    return Millis{qint64(double(full) * factor)};
}

void ReconnectBackoff::setInitial(Millis initial)
{
    // Not 0: a server that closes every connection at once would be asked again in a tight loop.
    m_options.initial = std::clamp(initial, std::min(Millis{100}, m_options.max), m_options.max);
}

} // namespace refetch
