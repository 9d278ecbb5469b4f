#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <chrono>
#include <optional>

namespace refetch {

// One event of a text/event-stream, as dispatched by the HTML standard's parser.
struct SseEvent
{
    QString type = QStringLiteral("message");   // the "event" field, "message" when none
    QByteArray data;                            // the "data" lines joined by LF, without the last LF
    QString lastEventId;                        // the last event id as of this event (ids persist across events)

    friend bool operator==(const SseEvent &, const SseEvent &) = default;
};

// The text/event-stream parser of the HTML standard ("Server-sent events", 9.2.6), fed bytes as they come:
// lines end in CRLF, LF or CR (a CR at the end of one chunk waits for the next to see whether LF follows); "data"
// lines join with LF; "id" sets the last event id (not when it holds NUL) and persists; "retry" takes ASCII
// digits only; a line starting with ':' is a comment (a keep-alive); an empty line dispatches the event, unless
// it has no data. A UTF-8 byte order mark at the very start is skipped. A line longer than maxLineBytes stops
// the parser (error()), so that a server cannot make it hold everything it sends.
class SseParser
{
public:
    static constexpr qsizetype DefaultMaxLine = 8 * 1024 * 1024;
    explicit SseParser(qsizetype maxLineBytes = DefaultMaxLine) : m_maxLine(maxLineBytes) {}

    // Parses `bytes`, returns the events they completed.
    QList<SseEvent> feed(QByteArrayView bytes);

    // The last event id: sent back as Last-Event-ID when the stream reconnects.
    const QString &lastEventId() const { return m_lastEventId; }
    void setLastEventId(const QString &id) { m_lastEventId = id; }
    // The reconnection time the server asked for with "retry", if it did.
    std::optional<std::chrono::milliseconds> retry() const { return m_retry; }
    // Comment lines seen (keep-alives).
    int comments() const { return m_comments; }
    // Why the parser stopped; empty while it goes on.
    const QString &error() const { return m_error; }

    // A new connection: the half-read line and event are dropped; the last event id and retry stay.
    void restart();

private:
    void line(QByteArrayView line, QList<SseEvent> &out);
    // False, and the parser stopped, when the line read so far is over the limit.
    bool lineWithinLimit();
    void dispatch(QList<SseEvent> &out);

    qsizetype m_maxLine;
    QByteArray m_line;          // the line read so far
    bool m_afterCr = false;     // the last byte was a CR: an LF next belongs to it
    bool m_started = false;     // past the byte order mark, if any
    QByteArray m_bom;           // the start of the stream while it may still be a byte order mark
    QByteArray m_data;
    QString m_type;
    bool m_hasData = false;
    QString m_lastEventId;      // the buffer the "id" field sets
    std::optional<std::chrono::milliseconds> m_retry;
    int m_comments = 0;
    QString m_error;
};

} // namespace refetch
