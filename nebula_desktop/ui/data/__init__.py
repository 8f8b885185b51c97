"""Export, import, backups and sync conflicts: the File menu's data actions and their dialogs."""
