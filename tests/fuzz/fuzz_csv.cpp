// libFuzzer target: arbitrary bytes as a CSV file to import. The reader reads them whole and, again, fed in pieces
// cut where the input says (a quote, a CR, a byte order mark split between two pieces): both must read the same
// rows and the same error. Then the rows read are written as Export writes a file (Csv::row) and read again: the
// same rows come back, so a file Refetch exports is imported as it was.
//
// An input: a first byte that seeds where the pieces are cut, then the file's text (UTF-8).

#include "core/session/csv.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>

using namespace refetch;

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_csv: %s\n", what);
    std::abort();
}

struct Reading
{
    QList<QStringList> rows;
    QString error;
    QChar separator;
    bool operator==(const Reading &) const = default;
};

Reading readWhole(QStringView text)
{
    Csv::Reader reader;
    reader.feed(text);
    reader.finish();
    return {reader.takeRows(), reader.error(), reader.separator()};
}

Reading readInPieces(QStringView text, quint8 seed)
{
    Csv::Reader reader;
    QList<QStringList> rows;
    quint32 state = seed * 2654435761u + 7;
    qsizetype at = 0;
    while (at < text.size()) {
        state = state * 1103515245u + 12345u;
        const qsizetype n = std::min(qsizetype((state >> 16) % 9) + 1, text.size() - at);
        reader.feed(text.sliced(at, n));
        rows += reader.takeRows();
        at += n;
    }
    reader.finish();
    rows += reader.takeRows();
    return {rows, reader.error(), reader.separator()};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int argc = 1;
    static char name[] = "fuzz_csv";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
    if (size == 0 || size > 64 * 1024)
        return 0;
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    const Reading whole = readWhole(text);
    if (!(whole == readInPieces(text, data[0])))
        fail("the file read in pieces differs from the file read whole");
    if (!whole.error.isEmpty())
        return 0;

    // Written as Export writes, read back with Export's separator.
    QByteArray written;
    for (const QStringList &row : whole.rows)
        written += Csv::row(row);
    Csv::Reader again(QChar(u','));
    again.feed(QString::fromUtf8(written));
    again.finish();
    if (!again.error().isEmpty())
        fail("a file written from rows does not read");
    if (again.takeRows() != whole.rows)
        fail("rows written and read again differ");
    return 0;
}
