#pragma once

#include "dataprovider.h"

namespace refetch {

// A server that matches no known dialect: a list is a JSON array, or an object holding one (its "data", the
// settings' rows path, else its only array member), in one page unless the settings name paging parameters.
// Nothing is sorted or searched on the server unless the settings say how.
class GenericProvider : public DataProvider
{
public:
    static inline const QString Dialect = QStringLiteral("generic");
    explicit GenericProvider(ProviderOptions options = {});

    QString dialect() const override { return Dialect; }
    QString displayName() const override;
    bool canSort(const QString &resource, const QString &field) const override;
    bool canSearch(const QString &resource) const override;
    ListPage parseList(const Json &body, const Json &meta, const ListParams &params) const override;

    // The array of records in `body`: itself, its rowsPath, its "data", "results", "items", or its only array.
    static Json findRows(const Json &body, QString *path = nullptr);
};

} // namespace refetch
