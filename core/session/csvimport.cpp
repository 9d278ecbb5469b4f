#include "csvimport.h"

#include "apiconnection.h"

#include "core/mutation/mutation.h"
#include "core/mutation/mutationqueue.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>

using namespace Qt::StringLiterals;

namespace refetch {

namespace {

QString squeezed(const QString &name)
{
    QString out;
    for (QChar ch : name) {
        if (ch.isLetterOrNumber())
            out += ch.toLower();
    }
    return out;
}

} // namespace

QStringList CsvImport::guessFields(const QStringList &header, const QStringList &fields, const ResourceSchema &schema)
{
    QStringList out;
    for (const QString &column : header) {
        QString found;
        for (const QString &f : fields) {
            if (f == column.trimmed())
                found = f;
        }
        for (qsizetype i = 0; found.isEmpty() && i < fields.size(); ++i) {
            if (squeezed(fields.at(i)) == squeezed(column))
                found = fields.at(i);
        }
        for (const FieldSchema &f : schema.fields) {
            if (found.isEmpty() && !f.label.isEmpty() && squeezed(f.label) == squeezed(column) && fields.contains(f.name))
                found = f.name;
        }
        // A field takes one column: the first that names it.
        out.append(out.contains(found) ? QString() : found);
    }
    return out;
}

Json CsvImport::typedCell(const QString &text, const Json &sample, const FieldSchema *schema, QString *error)
{
    using T = FieldSchema::Type;
    const T type = schema && schema->type != T::Unknown ? schema->type
                 : sample.isNumber() ? (sample.isInteger() ? T::Integer : T::Number)
                 : sample.isBool() ? T::Boolean
                 : sample.isString() ? T::String
                                     : T::Unknown;
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() && (sample.isNull() || (schema && schema->nullable)) && type != T::String)
        return Json(nullptr);
    switch (type) {
    case T::Integer:
    case T::Number: {
        const Json n = Json::fromNumberText(QStringView(trimmed));
        if (n.isUndefined() || !n.isNumber() || (type == T::Integer && !n.isInteger())) {
            *error = type == T::Integer ? tr("“%1” is not a whole number").arg(text) : tr("“%1” is not a number").arg(text);
            return {};
        }
        return n;
    }
    case T::Boolean: {
        const QString t = trimmed.toLower();
        if (t == u"true" || t == u"1" || t == u"yes")
            return Json(true);
        if (t == u"false" || t == u"0" || t == u"no")
            return Json(false);
        *error = tr("“%1” is not true or false").arg(text);
        return {};
    }
    case T::Object:
    case T::Array: {
        const Json parsed = Json::parse(trimmed.toUtf8());
        if (type == T::Object ? parsed.isObject() : parsed.isArray())
            return parsed;
        *error = type == T::Object ? tr("“%1” is not a JSON object").arg(text) : tr("“%1” is not a JSON list").arg(text);
        return {};
    }
    case T::String:
        return Json(text);
    case T::Unknown:
        break;
    }
    // A field of unknown type (null in the sample): JSON when the text is a JSON scalar (a number, true), else text.
    const Json parsed = Json::parse(trimmed.toUtf8());
    return !parsed.isUndefined() && !parsed.isObject() && !parsed.isArray() && !trimmed.isEmpty() ? parsed : Json(text);
}

QList<CsvImport::Row> CsvImport::prepare(const QList<QStringList> &rows, const QStringList &fieldOf,
                                        const ResourceSchema &schema, const Json &sample)
{
    QList<Row> out;
    out.reserve(rows.size());
    for (qsizetype r = 0; r < rows.size(); ++r) {
        Row row{.line = r + 2};
        Json record = Json::object({});
        QStringList problems;
        for (qsizetype c = 0; c < fieldOf.size() && c < rows.at(r).size(); ++c) {
            const QString &field = fieldOf.at(c);
            if (field.isEmpty())
                continue;
            const FieldSchema *described = schema.field(field);
            QString why;
            const Json value = typedCell(rows.at(r).at(c), sample.value(QStringView(field)), described, &why);
            if (value.isUndefined()) {
                problems.append(u"%1: %2"_s.arg(field, why));
                continue;
            }
            // An empty text for an optional field: left out, so that the server's default applies.
            if (value.isString() && value.toString().isEmpty() && !(described && described->required))
                continue;
            if (described) {
                if (const QString p = described->problemWith(value); !p.isEmpty()) {
                    problems.append(u"%1: %2"_s.arg(field, p));
                    continue;
                }
            }
            record = record.withValue(field, value);
        }
        for (const FieldSchema &f : schema.fields) {
            if (f.required && !f.readOnly && record.value(QStringView(f.name)).isUndefined() && f.defaultValue.isUndefined())
                problems.append(tr("%1 is required").arg(f.name));
        }
        if (problems.isEmpty())
            row.record = record;
        else
            row.problem = problems.join(u"; ");
        out.append(row);
    }
    return out;
}

QString CsvImport::importId(const QString &endpoint, const QString &resource, const QByteArray &fileContents,
                            const QStringList &fieldOf)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(endpoint.toUtf8() + '\n' + resource.toUtf8() + '\n' + fieldOf.join(u'\t').toUtf8() + '\n');
    hash.addData(fileContents);
    return QString::fromLatin1(hash.result().toHex().left(24));
}

CsvImport::CsvImport(ApiConnection *connection, QString resource, QString importId, QList<Row> rows,
                     QString journalDirectory, QObject *parent)
    : QObject(parent), m_connection(connection), m_resource(std::move(resource)), m_id(std::move(importId)),
      m_rows(std::move(rows)), m_directory(std::move(journalDirectory))
{
    m_states.fill(State::New, m_rows.size());
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        m_indexOfLine.insert(m_rows.at(i).line, i);
}

CsvImport::~CsvImport() = default;

QString CsvImport::journalPath() const
{
    return QDir(m_directory).filePath(m_id + u".journal"_s);
}

QString CsvImport::mutationId(qsizetype line) const
{
    return u"import-%1-%2"_s.arg(m_id).arg(line);
}

bool CsvImport::start(QString *error)
{
    if (!m_connection)
        return false;
    QDir().mkpath(m_directory);
    m_journal.setFileName(journalPath());
    // What an earlier run of this import did.
    QHash<qsizetype, QString> failedWhy;
    if (m_journal.open(QIODevice::ReadOnly)) {
        while (!m_journal.atEnd()) {
            const QString line = QString::fromUtf8(m_journal.readLine()).trimmed();
            const qsizetype at = m_indexOfLine.value(line.section(u' ', 1, 1).toLongLong(), -1);
            if (line.isEmpty() || at < 0)
                continue;
            switch (line.at(0).toLatin1()) {
            case 'H': m_states[at] = State::Handed; break;
            case 'D': m_states[at] = State::Done; break;
            case 'F':
                m_states[at] = State::Failed;
                failedWhy.insert(at, line.section(u' ', 2));
                break;
            default: break;
            }
        }
        m_journal.close();
    }
    if (!m_journal.open(QIODevice::Append | QIODevice::WriteOnly)) {
        if (error)
            *error = tr("Could not write the import's journal %1: %2").arg(journalPath(), m_journal.errorString());
        return false;
    }
    MutationQueue *queue = m_connection->queue();
    // Every row's state first, then the restored creates followed: one that settles at once hands out more rows,
    // which must not be taken for restored ones.
    QList<std::pair<qsizetype, Mutation *>> restored;
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (!m_rows.at(i).problem.isEmpty()) {
            ++m_problems;
            continue;
        }
        // A create the journal says is settled may still be in the queue (killed between the journal's line and
        // the queue's own record of it): left alone, a restored create waits for someone to say whether it was made
        // (Unconfirmed), and holds up every write behind it. The journal knows.
        if (m_states.at(i) == State::Done || m_states.at(i) == State::Failed) {
            if (Mutation *m = queue->find(mutationId(m_rows.at(i).line)))
                settleKnown(m, m_states.at(i) == State::Done);
        }
        switch (m_states.at(i)) {
        case State::Done:
            ++m_skipped;
            break;
        case State::Failed:
            m_failures.append(Failure{m_rows.at(i).line, m_rows.at(i).record, failedWhy.value(i)});
            break;
        case State::Handed:
            // Persisted before it could be sent: the queue restored it, and it goes (or went) from there. Not there:
            // it was never persisted, so never sent, and is made now like a new row.
            if (Mutation *m = queue->find(mutationId(m_rows.at(i).line))) {
                ++m_inFlight;
                restored.append({i, m});
            } else {
                m_states[i] = State::New;
            }
            break;
        case State::New:
            break;
        }
    }
    for (const auto &[i, m] : std::as_const(restored))
        follow(i, m);
    handOut();
    return true;
}

void CsvImport::settleKnown(Mutation *m, bool created)
{
    auto settle = [m, created] {
        if (m->status() != Mutation::Status::Unconfirmed)
            return;
        if (created)
            m->confirmCreated(m->matches().isArray() && !m->matches().isEmpty() ? m->matches().at(0) : Json());
        else
            m->confirmSend();
    };
    connect(m, &Mutation::statusChanged, this, settle);
    settle();
}

void CsvImport::note(char what, qsizetype line, const QString &why)
{
    QByteArray entry;
    entry += what;
    entry += ' ' + QByteArray::number(line);
    if (!why.isEmpty())
        entry += ' ' + why.simplified().toUtf8();
    entry += '\n';
    m_journal.write(entry);
    m_journal.flush();   // before the write it names goes out: a SIGKILL after this keeps it
}

void CsvImport::handOut()
{
    while (m_connection && m_inFlight < Batch && m_next < m_rows.size()) {
        const qsizetype i = m_next++;
        if (!m_rows.at(i).problem.isEmpty() || m_states.at(i) != State::New)
            continue;
        const qsizetype line = m_rows.at(i).line;
        note('H', line);
        m_states[i] = State::Handed;
        MutationOptions options = m_connection->createOptions(m_resource);
        options.mutationId = mutationId(line);
        Mutation *m = m_connection->queue()->mutate(options, m_rows.at(i).record);
        ++m_inFlight;
        follow(i, m);
    }
    checkDone();
}

void CsvImport::follow(qsizetype index, Mutation *m)
{
    const qsizetype line = m_rows.at(index).line;
    // A create restored after a crash that may have reached a server that does not honour Idempotency-Key: made
    // already when the server has records like it, else sent (nothing is asked here; nothing is made twice).
    auto settleUnconfirmed = [m] {
        if (m->status() != Mutation::Status::Unconfirmed)
            return;
        if (m->matches().isArray() && !m->matches().isEmpty())
            m->confirmCreated(m->matches().at(0));
        else
            m->confirmSend();
    };
    connect(m, &Mutation::statusChanged, this, settleUnconfirmed);
    connect(m, &Mutation::succeeded, this, [this, index, line] {
        if (m_states.at(index) == State::Done) {
            return;
        }
        note('D', line);
        m_states[index] = State::Done;
        ++m_done;
    });
    connect(m, &Mutation::failed, this, [this, index, line](const MutationError &error) {
        const QString why = error.isValidation() && !error.fieldErrors.isEmpty()
            ? [&] {
                  QStringList parts;
                  for (auto it = error.fieldErrors.cbegin(); it != error.fieldErrors.cend(); ++it)
                      parts.append(u"%1: %2"_s.arg(it.key(), it.value().join(u' ')));
                  return parts.join(u"; ");
              }()
            : error.toString();
        note('F', line, why);
        m_states[index] = State::Failed;
        m_failures.append(Failure{line, m_rows.at(index).record, why});
    });
    connect(m, &Mutation::settled, this, [this] {
        --m_inFlight;
        Q_EMIT progressed();
        handOut();
    });
    settleUnconfirmed();
}

void CsvImport::resend(qsizetype line, const Json &record)
{
    const qsizetype i = m_indexOfLine.value(line, -1);
    if (i < 0 || !m_connection || m_states.at(i) != State::Failed)
        return;
    m_failures.removeIf([line](const Failure &f) { return f.line == line; });
    m_rows[i].record = record;
    m_rows[i].problem.clear();
    note('H', line);
    m_states[i] = State::Handed;
    m_finished = false;
    MutationOptions options = m_connection->createOptions(m_resource);
    // Another key than the refused create's: a server replaying answers by key would give the refusal again.
    options.mutationId = mutationId(line) + u"-"_s + QString::number(QDateTime::currentMSecsSinceEpoch());
    Mutation *m = m_connection->queue()->mutate(options, record);
    ++m_inFlight;
    follow(i, m);
    Q_EMIT progressed();
}

bool CsvImport::isDone() const
{
    return m_inFlight == 0 && m_next >= m_rows.size();
}

QList<CsvImport::Failure> CsvImport::failures() const
{
    return m_failures;
}

void CsvImport::checkDone()
{
    if (!isDone() || m_finished)
        return;
    m_finished = true;
    QMetaObject::invokeMethod(this, &CsvImport::finished, Qt::QueuedConnection);
}

} // namespace refetch
