#include "ui/translations.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

struct Message
{
    QString context;
    QString source;
    QStringList forms;
    bool unfinished = false;
    bool operator<(const Message &o) const { return std::tie(context, source) < std::tie(o.context, o.source); }
};

// The plural messages of a .ts file, as lupdate writes them.
QList<Message> readTs(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return {};
    }
    QList<Message> out;
    QXmlStreamReader xml(&file);
    QString context;
    Message current;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == u"name") {
            context = xml.readElementText();
        } else if (xml.name() == u"message") {
            if (!current.source.isEmpty())
                out.append(current);
            current = Message{.context = context};
        } else if (xml.name() == u"source") {
            current.source = xml.readElementText();
        } else if (xml.name() == u"translation") {
            current.unfinished = xml.attributes().value(u"type"_s) == u"unfinished"_s;
        } else if (xml.name() == u"numerusform") {
            current.forms.append(xml.readElementText());
        }
    }
    if (!current.source.isEmpty())
        out.append(current);
    if (xml.hasError())
        *error = xml.errorString();
    std::sort(out.begin(), out.end());
    return out;
}

const QString committedTs = QStringLiteral(REFETCH_SOURCE_DIR "/resources/translations/refetch_en.ts");

} // namespace

// The English plural forms: every text counted with %n reads "1 row" and "2 rows", never "row(s)"; and every such
// text in the sources has its forms in resources/translations/refetch_en.ts (lupdate -pluralonly, run here over
// the sources, finds none that the file lacks).
class tst_Translations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void everyCountedTextReadsRightInEnglish();
    void everyCountedTextOfTheSourcesIsThere();
};

void tst_Translations::initTestCase()
{
    refetch::installTranslations(*QCoreApplication::instance());
}

void tst_Translations::everyCountedTextReadsRightInEnglish()
{
    QString error;
    const QList<Message> messages = readTs(committedTs, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(messages.size() >= 9);
    for (const Message &m : messages) {
        QVERIFY2(!m.unfinished && m.forms.size() == 2, qPrintable(m.source));
        const QByteArray context = m.context.toUtf8(), source = m.source.toUtf8();
        const QString one = QCoreApplication::translate(context, source, nullptr, 1);
        const QString many = QCoreApplication::translate(context, source, nullptr, 1200);
        QVERIFY2(!one.contains(u"(s)"_s) && !many.contains(u"(s)"_s), qPrintable(one + u" / "_s + many));
        QVERIFY2(one.contains(u'1') && !one.contains(u"%n"_s) && !one.contains(u"%Ln"_s), qPrintable(one));
        QVERIFY2(many.contains(u"1200"_s) || many.contains(QLocale().toString(1200)), qPrintable(many));
        // Singular and plural differ where the source had "(s)".
        if (m.source.contains(u"(s)"_s)) {
            QString manyAsOne = many;
            manyAsOne.replace(QLocale().toString(1200), u"1"_s).replace(u"1200"_s, u"1"_s);
            QVERIFY2(one != manyAsOne, qPrintable(one));
        }
    }
    // As the window shows them.
    QCOMPARE(QCoreApplication::translate("refetch::ResourceView", "Copied %Ln row(s).", nullptr, 1), u"Copied 1 row."_s);
    QCOMPARE(QCoreApplication::translate("refetch::JsonTreeModel", "[%Ln items]", nullptr, 1), u"[1 item]"_s);
}

void tst_Translations::everyCountedTextOfTheSourcesIsThere()
{
    QTemporaryDir dir;
    const QString fresh = dir.filePath(u"refetch_en.ts"_s);
    QProcess lupdate;
    lupdate.setWorkingDirectory(QStringLiteral(REFETCH_SOURCE_DIR));
    lupdate.start(QStringLiteral(REFETCH_LUPDATE), {u"-silent"_s, u"-pluralonly"_s, u"-locations"_s, u"none"_s,
                                                   u"-source-language"_s, u"en"_s, u"-target-language"_s, u"en"_s,
                                                   u"core"_s, u"ui"_s, u"app"_s, u"-ts"_s, fresh});
    QVERIFY2(lupdate.waitForFinished(120000), qPrintable(lupdate.errorString()));
    QCOMPARE(lupdate.exitCode(), 0);
    QString error;
    const QList<Message> found = readTs(fresh, &error), kept = readTs(committedTs, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QStringList missing, stale;
    for (const Message &m : found) {
        if (!std::binary_search(kept.begin(), kept.end(), m))
            missing.append(m.context + u": "_s + m.source);
    }
    for (const Message &m : kept) {
        if (!std::binary_search(found.begin(), found.end(), m))
            stale.append(m.context + u": "_s + m.source);
    }
    QVERIFY2(missing.isEmpty(), qPrintable(u"counted texts without English forms in refetch_en.ts (run `lupdate "
                                            "-pluralonly -locations none -no-obsolete -source-language en -target-language "
                                            "en core ui app -ts resources/translations/refetch_en.ts`, then write both "
                                            "forms of each new message): "_s + missing.join(u"; "_s)));
    QVERIFY2(stale.isEmpty(), qPrintable(u"texts in refetch_en.ts that the sources no longer have: "_s + stale.join(u"; "_s)));
}

QTEST_GUILESS_MAIN(tst_Translations)
#include "tst_translations.moc"
