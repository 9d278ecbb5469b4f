#pragma once

#include "core/json/json.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace refetch {

// CSV as RFC 4180 writes it and spreadsheets read it: fields separated by commas, rows ended by CRLF, a field
// quoted (its quotes doubled) when it holds a comma, a quote, a line break or spaces at either end.
namespace Csv {

// One field, quoted when it must be.
QString field(const QString &text);
// A record's value as a cell: text as it is, numbers and booleans as JSON writes them, null and a missing field
// empty, an object or an array as its compact JSON.
QString cell(const Json &value);
// A whole row, CRLF included, as UTF-8.
QByteArray row(const QStringList &fields);

// Reads CSV as spreadsheets write it: quoted fields with doubled quotes and line breaks inside, CRLF or LF rows,
// a UTF-8 byte-order mark skipped, the separator found from the first line (comma, semicolon or tab) unless given.
// Fed in pieces (a file read a block at a time), it hands out whole rows.
class Reader
{
public:
    explicit Reader(QChar separator = QChar());
    // Adds text; complete rows become available through takeRows().
    void feed(QStringView text);
    // No more text: a last row without a line break is complete.
    void finish();
    QList<QStringList> takeRows();
    // Why the text is not CSV (a quote left open at the end); empty when it is.
    QString error() const { return m_error; }
    QChar separator() const { return m_separator; }

private:
    void endField();
    void endRow();

    QChar m_separator;
    QString m_field;
    QStringList m_row;
    QList<QStringList> m_rows;
    bool m_quoted = false;       // inside a quoted field
    bool m_afterQuote = false;   // a quote was just read inside a quoted field: "" or its end
    bool m_started = false;      // the first character was read (a BOM is skipped)
    bool m_pendingCr = false;
    bool m_fieldStarted = false;
    QString m_error;
};

// A whole text at once.
QList<QStringList> parse(QStringView text, QString *error = nullptr);

} // namespace Csv

} // namespace refetch
