#include "sseparser.h"

namespace refetch {

void SseParser::restart()
{
    m_line.clear();
    m_afterCr = false;
    m_started = false;
    m_bom.clear();
    m_data.clear();
    m_type.clear();
    m_hasData = false;
    m_error.clear();
}

QList<SseEvent> SseParser::feed(QByteArrayView bytes)
{
    QList<SseEvent> out;
    if (!m_error.isEmpty())
        return out;
    if (!m_started) {
        // The byte order mark may itself come split over chunks.
        static constexpr char bom[] = "\xEF\xBB\xBF";
        while (!bytes.isEmpty() && m_bom.size() < 3 && bytes.front() == bom[m_bom.size()]) {
            m_bom += bytes.front();
            bytes = bytes.sliced(1);
        }
        if (m_bom.size() < 3 && bytes.isEmpty())
            return out;   // so far all of it could be the mark
        m_started = true;
        if (m_bom.size() < 3) {
            // Not a mark after all: those bytes are the stream's.
            const QByteArray start = std::exchange(m_bom, QByteArray());
            out += feed(start);
        }
    }
    qsizetype from = 0;
    const char *p = bytes.data();
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = p[i];
        if (c != '\n' && c != '\r')
            continue;
        if (c == '\n' && m_afterCr && i == from) {
            // The LF of a CRLF whose CR ended the previous piece.
            m_afterCr = false;
            from = i + 1;
            continue;
        }
        m_line.append(p + from, i - from);
        m_afterCr = c == '\r';
        // The limit holds for a line that came whole as for one that came in pieces.
        if (!lineWithinLimit())
            return out;
        line(m_line, out);
        m_line.clear();
        if (!m_error.isEmpty())
            return out;
        from = i + 1;
    }
    if (from < bytes.size()) {
        m_afterCr = false;
        m_line.append(p + from, bytes.size() - from);
        lineWithinLimit();
    }
    return out;
}

bool SseParser::lineWithinLimit()
{
    if (m_line.size() <= m_maxLine)
        return true;
    m_error = QStringLiteral("a line of the event stream is longer than %1 bytes").arg(m_maxLine);
    m_line.clear();
    return false;
}

void SseParser::line(QByteArrayView text, QList<SseEvent> &out)
{
    if (text.isEmpty()) {
        dispatch(out);
        return;
    }
    if (text.front() == ':') {
        ++m_comments;
        return;
    }
    QByteArrayView field = text;
    QByteArrayView value;
    if (const qsizetype colon = text.indexOf(':'); colon >= 0) {
        field = text.first(colon);
        value = text.sliced(colon + 1);
        if (value.startsWith(' '))
            value = value.sliced(1);
    }
    if (field == "event") {
        m_type = QString::fromUtf8(value);
    } else if (field == "data") {
        m_data.append(value.data(), value.size());
        m_data.append('\n');
        m_hasData = true;
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_lastEventId = QString::fromUtf8(value);
    } else if (field == "retry") {
        bool digits = !value.isEmpty();
        for (char c : value)
            digits = digits && c >= '0' && c <= '9';
        bool ok = false;
        const qint64 ms = digits ? value.toLongLong(&ok) : 0;
        if (ok)
            m_retry = std::chrono::milliseconds(ms);
    }
    // Any other field is ignored, as the standard says.
}

void SseParser::dispatch(QList<SseEvent> &out)
{
    if (!m_hasData) {
        m_data.clear();
        m_type.clear();
        return;
    }
    m_data.chop(1);   // the LF after the last data line
    SseEvent event;
    if (!m_type.isEmpty())
        event.type = m_type;
    event.data = std::exchange(m_data, QByteArray());
    event.lastEventId = m_lastEventId;
    m_type.clear();
    m_hasData = false;
    out.append(std::move(event));
}

} // namespace refetch
