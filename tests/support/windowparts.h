#pragma once

#include "ui/connectionset.h"
#include "ui/resourceview.h"
#include "ui/settingsdialog.h"

#include <QObject>
#include <QStackedWidget>
#include <QtTest>

#include <source_location>

// A window's parts found as its user finds them, by what they are: their objectName (QObject::findChild), not
// accessors the window would have for tests alone. When several children have the name (a dialog closed and
// opened again, the first still waiting for its deferred deletion), the newest is the one.

// The part of `window` named `objectName`, or null when there is none (a dialog that is not open).
template <typename T>
T *findOptionalPart(const QObject *window, const char *objectName)
{
    const QList<T *> found = window->findChildren<T *>(QString::fromLatin1(objectName));
    return found.isEmpty() ? nullptr : found.last();
}

// The part of `window` named `objectName`; the test fails (here, naming the caller's line) when there is none.
template <typename T>
T *findPart(const QObject *window, const char *objectName,
            const std::source_location &where = std::source_location::current())
{
    T *part = findOptionalPart<T>(window, objectName);
    QTest::qVerify(part != nullptr, objectName, "no part of the window has this objectName", where.file_name(),
                   int(where.line()));
    return part;
}

// The page the stack `stackName` of `window` shows, as a T; null when it shows another kind of page (the list
// area shows the list open, or the page that says why there is none).
template <typename T>
T *shownPage(const QObject *window, const char *stackName,
             const std::source_location &where = std::source_location::current())
{
    const QStackedWidget *stack = findPart<QStackedWidget>(window, stackName, where);
    return stack ? qobject_cast<T *>(stack->currentWidget()) : nullptr;
}

// The main window's parts that come and go. The list it shows: null when none is open (the endpoint page shows).
inline refetch::ResourceView *shownList(const QWidget *window,
                                        const std::source_location &where = std::source_location::current())
{
    return shownPage<refetch::ResourceView>(window, "listStack", where);
}

// Its settings dialog while it is open, else null.
inline refetch::SettingsDialog *settingsDialogOf(const QWidget *window)
{
    return findOptionalPart<refetch::SettingsDialog>(window, "settingsDialog");
}

// Its connections, one per endpoint.
inline refetch::ConnectionSet *connectionsOf(const QWidget *window,
                                             const std::source_location &where = std::source_location::current())
{
    return findPart<refetch::ConnectionSet>(window, "connections", where);
}
