<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>refetch::BulkSetDialog</name>
    <message numerus="yes">
        <source>Sets %1 on the %Ln selected record(s), one request each.</source>
        <translation>
            <numerusform>Sets %1 on the %Ln selected record, one request each.</numerusform>
            <numerusform>Sets %1 on the %Ln selected records, one request each.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>refetch::CaCertificateRow</name>
    <message numerus="yes">
        <source>and %n more</source>
        <translation>
            <numerusform>and %n more</numerusform>
            <numerusform>and %n more</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>refetch::ExportFlow</name>
    <message numerus="yes">
        <source>Exported %Ln record(s) of %1 to %2.</source>
        <translation>
            <numerusform>Exported %Ln record of %1 to %2.</numerusform>
            <numerusform>Exported %Ln records of %1 to %2.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>refetch::JsonTreeModel</name>
    <message numerus="yes">
        <source>[%Ln items]</source>
        <translation>
            <numerusform>[%Ln item]</numerusform>
            <numerusform>[%Ln items]</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{%Ln members}</source>
        <translation>
            <numerusform>{%Ln member}</numerusform>
            <numerusform>{%Ln members}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>refetch::ListExport</name>
    <message numerus="yes">
        <source>The server sent %Ln record(s) that do not meet “%1”: it seems not to filter on it. They were left out.</source>
        <translation>
            <numerusform>The server sent %Ln record that does not meet “%1”: it seems not to filter on it. It was left out.</numerusform>
            <numerusform>The server sent %Ln records that do not meet “%1”: it seems not to filter on it. They were left out.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>refetch::PagedTableModel</name>
    <message numerus="yes">
        <source>The server sent %Ln record(s) that do not meet “%1”: it seems not to filter on it. They are left out, and the count is of the records shown.</source>
        <translation>
            <numerusform>The server sent %Ln record that does not meet “%1”: it seems not to filter on it. It is left out, and the count is of the records shown.</numerusform>
            <numerusform>The server sent %Ln records that do not meet “%1”: it seems not to filter on it. They are left out, and the count is of the records shown.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The server sent %Ln record(s) with the id of another record on the same page (“%1”): records are told apart by their id, so only the first is shown. The server&apos;s data needs other ids.</source>
        <translation>
            <numerusform>The server sent %Ln record with the id of another record on the same page (“%1”): records are told apart by their id, so only the first is shown. The server&apos;s data needs other ids.</numerusform>
            <numerusform>The server sent %Ln records with the ids of other records on the same page (“%1”, …): records are told apart by their id, so only the first of each is shown. The server&apos;s data needs other ids.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>refetch::ReferencePicker</name>
    <message numerus="yes">
        <source>%Ln record(s) of %1 match “%2”: pick one from the list under the field.</source>
        <translation>
            <numerusform>%Ln record of %1 matches “%2”: pick it from the list under the field.</numerusform>
            <numerusform>%Ln records of %1 match “%2”: pick one from the list under the field.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>refetch::ResourceView</name>
    <message numerus="yes">
        <source>Copied %Ln row(s).</source>
        <translation>
            <numerusform>Copied %Ln row.</numerusform>
            <numerusform>Copied %Ln rows.</numerusform>
        </translation>
    </message>
</context>
</TS>
