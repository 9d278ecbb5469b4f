// libFuzzer target: arbitrary bytes as a server's change stream. The text/event-stream parser reads them whole
// and, again, cut into chunks at places the input chooses (a CR at the end of one chunk, a byte order mark split,
// a line over the length limit across chunks): both must read the same events, the same last event id, retry
// and comments, and stop on the same error. Each event, and each event's data as a WebSocket message, then goes
// through every live dialect's reader, and each change it reads is named (ChangeEvent::describe).
//
// An input: a first byte that seeds where the chunks are cut, then the stream's bytes.

#include "core/live/changeevent.h"
#include "core/live/livedialect.h"
#include "core/live/sseparser.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>

using namespace refetch;

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_livestream: %s\n", what);
    std::abort();
}

struct Reading
{
    QList<SseEvent> events;
    QString lastEventId;
    std::optional<std::chrono::milliseconds> retry;
    int comments = 0;
    bool stopped = false;

    bool operator==(const Reading &) const = default;
};

Reading readWhole(QByteArrayView bytes, qsizetype maxLine)
{
    SseParser parser(maxLine);
    Reading r;
    r.events = parser.feed(bytes);
    r.lastEventId = parser.lastEventId();
    r.retry = parser.retry();
    r.comments = parser.comments();
    r.stopped = !parser.error().isEmpty();
    return r;
}

Reading readInChunks(QByteArrayView bytes, qsizetype maxLine, quint8 seed)
{
    SseParser parser(maxLine);
    Reading r;
    quint32 state = seed * 2654435761u + 1;
    qsizetype at = 0;
    while (at < bytes.size()) {
        state = state * 1103515245u + 12345u;
        // Mostly short chunks (1 to 8 bytes), sometimes long ones.
        const qsizetype size = (state >> 16) % 4 == 0 ? qsizetype((state >> 8) % 200) + 1 : qsizetype((state >> 20) % 8) + 1;
        const qsizetype n = std::min(size, bytes.size() - at);
        r.events += parser.feed(bytes.sliced(at, n));
        at += n;
    }
    r.lastEventId = parser.lastEventId();
    r.retry = parser.retry();
    r.comments = parser.comments();
    r.stopped = !parser.error().isEmpty();
    return r;
}

void readAsChanges(const QList<SseEvent> &events)
{
    static const QStringList dialects = LiveDialect::names();
    const LiveSubscription subscription{.resources = {QStringLiteral("posts"), QStringLiteral("items/users"),
                                                      QStringLiteral("categories")},
                                        .idField = QStringLiteral("id"),
                                        .token = QStringLiteral("t")};
    for (const QString &name : dialects) {
        const std::unique_ptr<LiveDialect> dialect = LiveDialect::create(name);
        if (!dialect)
            fail("a dialect named by names() cannot be made");
        for (const SseEvent &e : events) {
            for (const QString &type : {e.type, QString()}) {
                const LiveReading reading = dialect->read(type, e.data, subscription);
                for (const ChangeEvent &change : reading.changes) {
                    if (change.describe().isEmpty())
                        fail("a change without a description");
                    if (int(change.action) > int(ChangeAction::Deleted))
                        fail("a change with no action");
                }
            }
        }
        (void)dialect->heartbeat(events.size());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int argc = 1;
    static char name[] = "fuzz_livestream";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
    if (size == 0 || size > 64 * 1024)
        return 0;
    const quint8 seed = data[0];
    const QByteArrayView bytes(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    // The default limit, and one small enough that inputs reach it.
    for (const qsizetype maxLine : {SseParser::DefaultMaxLine, qsizetype(32)}) {
        const Reading whole = readWhole(bytes, maxLine);
        const Reading chunked = readInChunks(bytes, maxLine, seed);
        if (!(whole == chunked))
            fail("the stream read in chunks differs from the stream read whole");
        for (const SseEvent &e : whole.events) {
            if (e.type.isEmpty())
                fail("an event without a type");
            if (e.lastEventId.contains(QChar(u'\0')))
                fail("an event id with a NUL");
        }
        if (whole.lastEventId.contains(QChar(u'\0')))
            fail("a last event id with a NUL");
        if (maxLine == SseParser::DefaultMaxLine)
            readAsChanges(whole.events);
    }
    return 0;
}
