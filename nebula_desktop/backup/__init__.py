"""Backups of the data folder as zip files, and restoring them by merging (no Qt).

A backup zip holds ``manifest.json``, ``conversations/<id>.json`` (the files as they are on
disk) and ``settings.json`` as loading it keeps it: a credential in any field, header or URL is
removed by the settings loader's own rule (keys live only in the keyring, but a hand-edited file
could hold one; see ``nebula_desktop.credentials``).

Backups are made on demand, automatically before a schema migration (the store calls
:func:`pre_migration_backup`; kept in ``<data>/migration-backups/``), and at most daily at
start-up (:func:`daily_backup`). Automatic zips are pruned to the newest :data:`KEEP` of
their kind; the ones the user asked for ("Back up now") are never deleted by the app, nor are
the safety copies a restore makes.

Restoring merges by id (:func:`prepare_restore`, then :meth:`RestorePlan.write`). It never
replaces a file written by a newer version or one it cannot read (the summary says so), and
before it replaces anything it zips the files it is about to replace into
``backups/pre-restore-<time>.zip``, a backup like any other: restoring it undoes the restore.

Reading a zip never extracts to disk: members are read into memory by exact expected names
(``conversations/<valid id>.json``), everything else is ignored, and member count and sizes are
capped, so a hostile or damaged zip cannot escape the folder or exhaust memory.

Making is :mod:`.making`'s, reading :mod:`.reading`'s, restoring :mod:`.restoring`'s; every
name is importable from here.
"""

from __future__ import annotations

from nebula_desktop.backup.making import (
    DAY,
    FORMAT,
    KEEP,
    MIGRATION_DIR,
    PRE_RESTORE_PREFIX,
    PREFIX,
    VERSION,
    BackupError,
    automatic_backups,
    backup_due,
    backup_name,
    daily_backup,
    make_backup,
    pre_migration_backup,
    prune_backups,
)
from nebula_desktop.backup.reading import (
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_SMALL_MEMBER_BYTES,
    MAX_TOTAL_BYTES,
    BackupContents,
    read_backup,
)
from nebula_desktop.backup.restoring import (
    RestorePlan,
    RestoreReport,
    prepare_restore,
    restore_conversations,
    restore_into,
)

__all__ = [
    "DAY",
    "FORMAT",
    "KEEP",
    "MAX_MEMBERS",
    "MAX_MEMBER_BYTES",
    "MAX_SMALL_MEMBER_BYTES",
    "MAX_TOTAL_BYTES",
    "MIGRATION_DIR",
    "PREFIX",
    "PRE_RESTORE_PREFIX",
    "VERSION",
    "BackupContents",
    "BackupError",
    "RestorePlan",
    "RestoreReport",
    "automatic_backups",
    "backup_due",
    "backup_name",
    "daily_backup",
    "make_backup",
    "pre_migration_backup",
    "prepare_restore",
    "prune_backups",
    "read_backup",
    "restore_conversations",
    "restore_into",
]
