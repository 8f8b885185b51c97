"""Export, import, backups and sync conflicts: the data menu's dialogs and actions."""
