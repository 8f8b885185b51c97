<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AttachmentStrip</name>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n page</numerusform>
            <numerusform>%n pages</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AttachmentViewer</name>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n page</numerusform>
            <numerusform>%n pages</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BackupActions</name>
    <message numerus="yes">
        <source>Restore %n conversation(s) from {date}? Existing conversations with the same id will be replaced by the backup&apos;s version; others are kept.</source>
        <translation>
            <numerusform>Restore %n conversation from {date}? An existing conversation with the same id will be replaced by the backup&apos;s version; others are kept.</numerusform>
            <numerusform>Restore %n conversations from {date}? Existing conversations with the same id will be replaced by the backup&apos;s version; others are kept.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n damaged file(s) in the backup cannot be restored and will be skipped.</source>
        <translation>
            <numerusform>%n damaged file in the backup cannot be restored and will be skipped.</numerusform>
            <numerusform>%n damaged files in the backup cannot be restored and will be skipped.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Restored %n chat(s) from the backup.</source>
        <translation>
            <numerusform>Restored %n chat from the backup.</numerusform>
            <numerusform>Restored %n chats from the backup.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n chat(s) were not replaced: they were written by a newer version of Nebula Desktop.</source>
        <translation>
            <numerusform>%n chat was not replaced: it was written by a newer version of Nebula Desktop.</numerusform>
            <numerusform>%n chats were not replaced: they were written by a newer version of Nebula Desktop.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n chat(s) were not replaced: they could not be read.</source>
        <translation>
            <numerusform>%n chat was not replaced: it could not be read.</numerusform>
            <numerusform>%n chats were not replaced: they could not be read.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n chat(s) were not replaced: they changed on disk during the restore.</source>
        <translation>
            <numerusform>%n chat was not replaced: it changed on disk during the restore.</numerusform>
            <numerusform>%n chats were not replaced: they changed on disk during the restore.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ComparePanel</name>
    <message numerus="yes">
        <source>Comparing %n model(s)</source>
        <translation>
            <numerusform>Comparing %n model</numerusform>
            <numerusform>Comparing %n models</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConflictBar</name>
    <message numerus="yes">
        <source>%n conflicting copies found from sync</source>
        <translation>
            <numerusform>%n conflicting copy found from sync</numerusform>
            <numerusform>%n conflicting copies found from sync</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConflictWatch</name>
    <message numerus="yes">
        <source>Merged %n copy(ies).</source>
        <translation>
            <numerusform>Merged %n copy.</numerusform>
            <numerusform>Merged %n copies.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DataActions</name>
    <message numerus="yes">
        <source>Exported %n file(s) to {folder}</source>
        <translation>
            <numerusform>Exported %n file to {folder}</numerusform>
            <numerusform>Exported %n files to {folder}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n chat(s)</source>
        <translation>
            <numerusform>Imported %n chat</numerusform>
            <numerusform>Imported %n chats</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n already present</source>
        <translation>
            <numerusform>; %n already present</numerusform>
            <numerusform>; %n already present</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n as a new chat beside one from a newer version</source>
        <translation>
            <numerusform>; %n as a new chat beside one from a newer version</numerusform>
            <numerusform>; %n as new chats beside ones from a newer version</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n as a new chat beside one that could not be read</source>
        <translation>
            <numerusform>; %n as a new chat beside one that could not be read</numerusform>
            <numerusform>; %n as new chats beside ones that could not be read</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DocumentChipText</name>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n page</numerusform>
            <numerusform>%n pages</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message numerus="yes">
        <source>Selected chats (%n)</source>
        <translation>
            <numerusform>Selected chats (%n)</numerusform>
            <numerusform>Selected chats (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>All chats (%n)</source>
        <translation>
            <numerusform>All chats (%n)</numerusform>
            <numerusform>All chats (%n)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ToolsTab</name>
    <message numerus="yes">
        <source>%n chat(s)</source>
        <translation>
            <numerusform>%n chat</numerusform>
            <numerusform>%n chats</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n secret(s) stored in the keyring.</source>
        <translation>
            <numerusform>%n secret stored in the keyring.</numerusform>
            <numerusform>%n secrets stored in the keyring.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n server(s) imported; enable them for the chats you choose.</source>
        <translation>
            <numerusform>%n server imported; enable it for the chats you choose.</numerusform>
            <numerusform>%n servers imported; enable them for the chats you choose.</numerusform>
        </translation>
    </message>
</context>
</TS>
