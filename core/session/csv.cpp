#include "csv.h"

#include <QCoreApplication>

#include <utility>

using namespace Qt::StringLiterals;

namespace refetch::Csv {

QString field(const QString &text)
{
    // A text starting with U+FEFF is quoted too: at the start of a file a reader takes it for the byte order mark.
    const bool quote = text.contains(u',') || text.contains(u'"') || text.contains(u'\n') || text.contains(u'\r')
                    || (!text.isEmpty() && (text.front().isSpace() || text.back().isSpace() || text.front() == QChar(0xfeff)));
    if (!quote)
        return text;
    QString out = text;
    out.replace(u"\""_s, u"\"\""_s);
    return u'"' + out + u'"';
}

QString cell(const Json &value)
{
    if (value.isUndefined() || value.isNull())
        return {};
    if (value.isString())
        return value.toString();
    return QString::fromUtf8(value.toJson());
}

QByteArray row(const QStringList &fields)
{
    QString line;
    for (qsizetype i = 0; i < fields.size(); ++i) {
        if (i > 0)
            line += u',';
        line += field(fields.at(i));
    }
    line += u"\r\n"_s;
    return line.toUtf8();
}

Reader::Reader(QChar separator) : m_separator(separator) {}

void Reader::endField()
{
    m_row.append(m_field);
    m_field.clear();
    m_fieldStarted = false;
}

void Reader::endRow()
{
    endField();
    // A blank line is no record.
    if (!(m_row.size() == 1 && m_row.first().isEmpty()))
        m_rows.append(m_row);
    m_row.clear();
}

void Reader::feed(QStringView text)
{
    for (QChar ch : text) {
        if (!m_started) {
            m_started = true;
            if (ch == QChar(0xfeff))
                continue;
        }
        if (m_separator.isNull()) {
            // The first of these outside quotes names it; a first line with none of them is one column.
            if (!m_quoted && (ch == u',' || ch == u';' || ch == u'\t'))
                m_separator = ch;
            else if (!m_quoted && (ch == u'\n' || ch == u'\r'))
                m_separator = u',';
        }
        if (m_pendingCr) {
            m_pendingCr = false;
            if (ch == u'\n')
                continue;
        }
        if (m_quoted) {
            if (m_afterQuote) {
                m_afterQuote = false;
                if (ch == u'"') {
                    m_field += u'"';
                    continue;
                }
                m_quoted = false;   // the closing quote: fall through to read ch outside
            } else if (ch == u'"') {
                m_afterQuote = true;
                continue;
            } else {
                m_field += ch;
                continue;
            }
        }
        if (ch == u'"' && !m_fieldStarted) {
            m_quoted = true;
            m_fieldStarted = true;
        } else if (!m_separator.isNull() && ch == m_separator) {
            endField();
        } else if (ch == u'\r') {
            endRow();
            m_pendingCr = true;
        } else if (ch == u'\n') {
            endRow();
        } else {
            m_field += ch;
            m_fieldStarted = true;
        }
    }
}

void Reader::finish()
{
    if (m_quoted && !m_afterQuote)
        m_error = QCoreApplication::translate("Csv", "The text ends inside a quoted field.");
    m_quoted = false;
    m_afterQuote = false;
    if (m_fieldStarted || !m_field.isEmpty() || !m_row.isEmpty())
        endRow();
}

QList<QStringList> Reader::takeRows()
{
    return std::exchange(m_rows, {});
}

QList<QStringList> parse(QStringView text, QString *error)
{
    Reader reader;
    reader.feed(text);
    reader.finish();
    if (error)
        *error = reader.error();
    return reader.takeRows();
}

} // namespace refetch::Csv
