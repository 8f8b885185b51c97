"""Making backups: zips of the data folder, the automatic ones and their pruning (no Qt).

A backup zip holds ``manifest.json``, ``conversations/<id>.json`` (the files as they are on
disk) and ``settings.json`` as loading it keeps it: a credential in any field, header or URL is
removed by the settings loader's own rule. Each zip is written to a temporary file, synced and
renamed into place (:func:`zip_file`), owner-only from the first byte.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import time
import zipfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from nebula_desktop import __version__, atomicfile
from nebula_desktop.safeio import read_regular
from nebula_desktop.settings import Settings
from nebula_desktop.store.file_state import MAX_FILE_BYTES
from nebula_desktop.store.sync import is_conflict_name

__all__ = [
    "DAY",
    "FORMAT",
    "KEEP",
    "MEMBER_RE",
    "MIGRATION_DIR",
    "PREFIX",
    "PRE_RESTORE_PREFIX",
    "VERSION",
    "BackupError",
    "automatic_backups",
    "backup_due",
    "backup_name",
    "daily_backup",
    "make_backup",
    "pre_migration_backup",
    "prune_backups",
    "write_manifest",
    "zip_file",
]

log = logging.getLogger("nebula_desktop.backup")

FORMAT = "nebula-desktop-backup"
VERSION = 1
PREFIX = "nebula-backup-"
PRE_RESTORE_PREFIX = "pre-restore-"
KEEP = 7
MIGRATION_DIR = "migration-backups"
DAY = 86400.0
# The name of a conversation in a backup: the only members ever read.
MEMBER_RE = re.compile(r"conversations/([A-Za-z0-9_-]{1,64})\.json")


@cache
def _auto_re() -> re.Pattern[str]:
    return re.compile(
        r"(?:nebula-backup-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?(-daily|-pre-migration)?"
        r"|pre-restore-(?P<restore_stamp>\d{8}-\d{6})(?:-(?P<restore_n>\d+))?)\.zip"
    )


# A settings file larger than this is not one the app wrote; the backup goes on without it.
_SETTINGS_CAP = 16 * 1024 * 1024


class BackupError(Exception):
    """Making or reading a backup failed; ``str()`` is a message for the user."""


def _strip_secrets(data: dict[str, Any]) -> dict[str, Any]:
    """The settings as loading them keeps them: the loader's credential rule, and only that.

    A hand-edited file may hold a key in any shape (a header, a URL, an unknown field); going
    through ``Settings`` means a backup can never keep what settings.json itself would not.
    """
    return Settings.from_dict(data, [], []).to_dict()


def _settings_bytes(settings_path: Path | None) -> bytes | None:
    if settings_path is None:
        return None
    try:
        d = json.loads(read_regular(settings_path, _SETTINGS_CAP).decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None  # missing or unreadable: the backup is still worth having
    if not isinstance(d, dict):
        return None
    return (json.dumps(_strip_secrets(d), indent=2, ensure_ascii=False) + "\n").encode()


def backup_name(kind: str = "") -> str:
    """``nebula-backup-20240131-140500[-kind].zip`` (sortable by time)."""
    suffix = f"-{kind}" if kind else ""
    return f"{PREFIX}{time.strftime('%Y%m%d-%H%M%S')}{suffix}.zip"


def make_backup(
    data_dir: Path, dest: Path, settings_path: Path | None = None, reason: str = "manual"
) -> Path:
    """Zip every conversation file (and the settings, without secrets) into ``dest``.

    Written to a temporary file first and renamed into place, so ``dest`` is either complete
    or absent. Returns ``dest``.
    """
    conv_dir = Path(data_dir) / "conversations"
    count = 0
    with zip_file(dest) as zf:
        names = sorted(os.listdir(conv_dir)) if conv_dir.is_dir() else []
        for name in names:
            if MEMBER_RE.fullmatch(f"conversations/{name}") is None or is_conflict_name(name[:-5]):
                continue  # conflict copies, temp files: not conversations
            try:
                data = read_regular(conv_dir / name, MAX_FILE_BYTES)
            except OSError as exc:  # deleted while we were zipping, a pipe, a folder…
                log.warning("backup: %s left out: %s", name, exc)
                continue
            zf.writestr(f"conversations/{name}", data)
            count += 1
        settings = _settings_bytes(settings_path)
        if settings is not None:
            zf.writestr("settings.json", settings)
        write_manifest(zf, reason, count)
    return dest


def write_manifest(zf: zipfile.ZipFile, reason: str, count: int) -> None:
    """Add ``manifest.json``: the format, the app's version, why and how many chats."""
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": time.time(),
        "app_version": __version__,
        "reason": reason,
        "conversations": count,
    }
    zf.writestr("manifest.json", json.dumps(manifest, indent=2) + "\n")


@contextlib.contextmanager
def zip_file(dest: Path) -> Iterator[zipfile.ZipFile]:
    """A zip being written to ``dest``: complete once the block ends, absent if it fails.

    Written to a temporary file, synced and renamed into place; an OSError becomes a
    BackupError naming ``dest``.
    """
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        # Owner-only from the first byte, like the conversation files it holds (not the umask's
        # 0644: a backup is every chat the user ever had).
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            yield zf
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        atomicfile.fsync_dir(dest.parent)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            why = exc.strerror or exc
            raise BackupError(f"Could not write the backup {dest.name}: {why}") from exc
        raise


def automatic_backups(backups_dir: Path) -> list[Path]:
    """Zips in ``backups_dir`` named like ours (safety copies of restores too), oldest first."""
    try:
        names = os.listdir(backups_dir)
    except OSError:
        return []
    found: list[tuple[str, int, str]] = []
    for name in names:
        match = _auto_re().fullmatch(name)
        if match is not None:
            when = match.group("stamp") or match.group("restore_stamp")
            n = int(match.group("n") or match.group("restore_n") or 0)  # a second in one second
            found.append((when, n, name))
    return [backups_dir / name for _when, _n, name in sorted(found)]


def prune_backups(backups_dir: Path, keep: int = KEEP, kind: str = "daily") -> None:
    """Delete all but the newest ``keep`` zips of ``kind`` ("daily", "pre-migration")."""
    zips = [p for p in automatic_backups(backups_dir) if p.stem.endswith(f"-{kind}")]
    for old in zips[: max(0, len(zips) - keep)]:
        try:
            old.unlink()
        except OSError as exc:
            log.warning("could not remove old backup %s: %s", old.name, exc)


def backup_due(backups_dir: Path, max_age: float = DAY) -> bool:
    """Whether the newest daily backup is older than ``max_age`` (or there is none)."""
    zips = [p for p in automatic_backups(backups_dir) if p.stem.endswith("-daily")]
    if not zips:
        return True
    try:
        newest = max(p.stat().st_mtime for p in zips)
    except OSError:
        return True
    return time.time() - newest >= max_age


def daily_backup(data_dir: Path, settings_path: Path | None, keep: int = KEEP) -> Path | None:
    """Make the start-up backup if the last one is a day old; prune. Returns the new zip."""
    backups_dir = Path(data_dir) / "backups"
    if not backup_due(backups_dir):
        return None
    dest = make_backup(data_dir, backups_dir / backup_name("daily"), settings_path, "daily")
    prune_backups(backups_dir, keep)
    return dest


def pre_migration_backup(data_dir: Path, keep: int = KEEP) -> Path:
    """The zip the store makes before it migrates the first old file of a session.

    Kept in ``<data>/migration-backups/`` (last ``keep``), apart from ``backups/``: that
    folder also holds the store's per-file pre-migration copies, which stay as they were.
    """
    backups_dir = Path(data_dir) / MIGRATION_DIR
    dest = make_backup(data_dir, backups_dir / backup_name("pre-migration"), None, "migration")
    prune_backups(backups_dir, keep, "pre-migration")
    return dest
