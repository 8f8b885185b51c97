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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nebula_desktop import __version__, atomicfile
from nebula_desktop.safeio import read_regular
from nebula_desktop.settings import Settings
from nebula_desktop.store.file_state import (
    MAX_FILE_BYTES,
    NEWER,
    REPLACEABLE,
    UNREADABLE,
    Identity,
    file_identity,
    read_file_state,
)
from nebula_desktop.store.housekeeping import stamp, unique_path
from nebula_desktop.store.model import validate_id
from nebula_desktop.store.sync import is_conflict_name

if TYPE_CHECKING:
    from nebula_desktop.store import Conversation, ConversationStore

log = logging.getLogger(__name__)

FORMAT = "nebula-desktop-backup"
VERSION = 1
PREFIX = "nebula-backup-"
PRE_RESTORE_PREFIX = "pre-restore-"
KEEP = 7
MIGRATION_DIR = "migration-backups"
DAY = 86400.0
MAX_MEMBERS = 200_000
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024
MAX_SMALL_MEMBER_BYTES = 2 * 1024 * 1024  # manifest.json, settings.json
_MEMBER_RE = re.compile(r"conversations/([A-Za-z0-9_-]{1,64})\.json")
_AUTO_RE = re.compile(
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
    with _zip_file(dest) as zf:
        names = sorted(os.listdir(conv_dir)) if conv_dir.is_dir() else []
        for name in names:
            if _MEMBER_RE.fullmatch(f"conversations/{name}") is None or is_conflict_name(name[:-5]):
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
        _write_manifest(zf, reason, count)
    return dest


def _write_manifest(zf: zipfile.ZipFile, reason: str, count: int) -> None:
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
def _zip_file(dest: Path) -> Iterator[zipfile.ZipFile]:
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
        match = _AUTO_RE.fullmatch(name)
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


@dataclass
class BackupContents:
    """What a backup zip holds, read safely into memory."""

    created_at: float
    conversations: list[Conversation] = field(default_factory=list)
    settings: dict[str, Any] | None = None
    skipped: list[str] = field(default_factory=list)  # damaged members, by name
    # Sentences for the user: why members were skipped, duplicates restored once.
    notices: list[str] = field(default_factory=list)


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Any:
    """The JSON of a small member (manifest, settings); None if it cannot be read."""
    from nebula_desktop.exchange.common import ExchangeError
    from nebula_desktop.exchange.json_import import parse_json
    from nebula_desktop.safeio import UnsafeFileError, read_zip_member

    try:
        return parse_json(read_zip_member(zf, info, MAX_SMALL_MEMBER_BYTES))
    except (UnsafeFileError, ExchangeError):
        return None


def read_backup(path: Path) -> BackupContents:
    """Read a backup zip (see the module notes on safety); raise BackupError if unusable.

    Bounded by design: the zip's directory is checked first (member count, sizes, how tightly
    each member is packed), each conversation is priced before it is built, and everything kept
    is counted against one budget; over it, the restore is refused before anything is written.
    A member that cannot be read is skipped and named; one listed twice is read once.
    """
    from nebula_desktop.exchange.budget import Budget, LimitError, Notices
    from nebula_desktop.exchange.common import ExchangeError
    from nebula_desktop.exchange.importer import read_zip_conversation
    from nebula_desktop.safeio import UnsafeFileError, open_regular
    from nebula_desktop.store.model import clamp_timestamp

    try:
        fh = open_regular(path)
    except UnsafeFileError as exc:
        raise BackupError(str(exc)) from None
    with fh:
        try:
            zf = zipfile.ZipFile(fh)
        except (OSError, zipfile.BadZipFile, ValueError) as exc:
            raise BackupError(f"{path.name} is not a readable zip file.") from exc
        with zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise BackupError(f"{path.name} has too many files to be a Nebula Desktop backup.")
            if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
                raise BackupError(f"{path.name} is too large to restore.")
            # A name listed twice: the last copy counts, as for zipfile's own look-ups.
            by_name = {i.filename: i for i in infos}
            manifest_info = by_name.get("manifest.json")
            manifest = _read_small(zf, manifest_info) if manifest_info is not None else None
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BackupError(f"{path.name} is not a Nebula Desktop backup.")
            created = manifest.get("created_at")
            contents = BackupContents(
                created_at=clamp_timestamp(created, 0.0)
                if isinstance(created, int | float) and not isinstance(created, bool)
                else 0.0
            )
            notices = Notices()
            budget = Budget(path.name, job="restore")
            copies: dict[str, int] = {}
            for info in infos:
                if _MEMBER_RE.fullmatch(info.filename) and not info.is_dir():
                    copies[info.filename] = copies.get(info.filename, 0) + 1
            for name, count in copies.items():
                if count > 1:
                    notices.add(f"{name} is in the backup {count} times; it is restored once.")
            for name, info in by_name.items():
                match = _MEMBER_RE.fullmatch(name)
                if match is None or info.is_dir():
                    continue  # unexpected members are ignored, never extracted
                try:
                    conv = read_zip_conversation(zf, info, MAX_MEMBER_BYTES, path.name)
                    conv.id = match.group(1)  # the file name is the identity, as in the store
                    budget.add(conv)
                except LimitError as exc:
                    raise BackupError(str(exc)) from None
                except ExchangeError as exc:
                    log.warning("backup member %s skipped: %s", name, exc)
                    contents.skipped.append(name)
                    notices.add(f"{name} was skipped: {str(exc).rstrip('.')}.")
                    continue
                contents.conversations.append(conv)
            settings_info = by_name.get("settings.json")
            if settings_info is not None:
                settings = _read_small(zf, settings_info)
                if isinstance(settings, dict):
                    contents.settings = settings
    contents.notices = notices.as_list()
    return contents


def _chats(n: int) -> str:
    return f"{n} chat" if n == 1 else f"{n} chats"


@dataclass
class RestoreReport:
    """What a restore did: the chats restored, the ones left alone and why, the safety copy."""

    restored: list[str] = field(default_factory=list)  # ids now as in the backup
    newer: list[str] = field(default_factory=list)  # not replaced: from a newer version
    unreadable: list[str] = field(default_factory=list)  # not replaced: could not be read
    changed: list[str] = field(default_factory=list)  # not replaced: changed during the restore
    safety_copy: Path | None = None  # backups/pre-restore-<time>.zip, if anything was replaced

    def skipped(self) -> int:
        """How many chats of the backup were left as they are on disk."""
        return len(self.newer) + len(self.unreadable) + len(self.changed)

    def message(self) -> str:
        """The summary for the user (English; the UI phrases its own translated one)."""
        parts = [f"Restored {_chats(len(self.restored))} from the backup."]
        newer = "were written by a newer version of Nebula Desktop"
        for ids, why in (
            (self.newer, newer),
            (self.unreadable, "could not be read"),
            (self.changed, "changed on disk during the restore"),
        ):
            if len(ids) == 1:
                why = why.replace("were ", "was ", 1)
                parts.append(f"1 chat was not replaced: it {why}.")
            elif ids:
                parts.append(f"{len(ids)} chats were not replaced: they {why}.")
        if self.safety_copy is not None:
            parts.append(f"The replaced chats were saved first in {self.safety_copy.name}.")
        return " ".join(parts)


@dataclass
class RestorePlan:
    """A restore checked against the disk, its safety copy already written.

    What is left is :meth:`write` for ``conversations`` (all at once or a chunk at a time).
    """

    conversations: list[Conversation]  # to write, in the backup's order
    report: RestoreReport
    # id -> the identity of its file when it was checked (and zipped); None: there was none.
    expected: dict[str, Identity | None] = field(default_factory=dict)

    def write(self, store: ConversationStore, conversations: list[Conversation]) -> None:
        """Save ``conversations`` (some of :attr:`conversations`) into ``store``.

        A file that changed since it was checked is left alone (its new content is not in the
        safety copy) and counted in ``report.changed``.
        """
        for conv in conversations:
            path = store.conversations_dir / f"{conv.id}.json"
            if file_identity(path) != self.expected.get(conv.id):
                self.report.changed.append(conv.id)
                continue
            conv.read_only = False
            store.save(conv, touch=False)
            self.report.restored.append(conv.id)


def prepare_restore(data_dir: Path, conversations: list[Conversation]) -> RestorePlan:
    """Check each backed-up chat against the file of its id, and keep a copy of what will go.

    A file written by a newer version, or one that cannot be read, is never replaced; one equal
    to the backup's chat needs no writing. The files that will be replaced are zipped, one at a
    time, into ``<data>/backups/pre-restore-<time>.zip`` (only if there are any) before this
    returns; if that fails, BackupError is raised and nothing has been replaced. Reads files
    and writes the zip only, touching no store object: safe to run on a worker thread.
    """
    conv_dir = Path(data_dir) / "conversations"
    backups_dir = Path(data_dir) / "backups"
    plan = RestorePlan([], RestoreReport())
    dest = unique_path(backups_dir, f"{PRE_RESTORE_PREFIX}{stamp()}", ".zip")
    kept = 0
    with _zip_file(dest) as zf:
        for conv in conversations:
            conv_id = validate_id(conv.id)
            if conv_id in plan.expected:
                continue  # a zip can name a member twice; the first one counts
            state = read_file_state(conv_dir / f"{conv_id}.json")
            plan.expected[conv_id] = state.identity
            if state.kind == NEWER:
                plan.report.newer.append(conv_id)
            elif state.kind == UNREADABLE:
                plan.report.unreadable.append(conv_id)
            elif state.kind == REPLACEABLE:
                assert state.conversation is not None
                if state.conversation.to_dict() == conv.to_dict():
                    plan.report.restored.append(conv_id)  # already as in the backup
                    continue
                zf.writestr(f"conversations/{conv_id}.json", state.data)
                kept += 1
                plan.conversations.append(conv)
            else:
                plan.conversations.append(conv)
        _write_manifest(zf, "pre-restore", kept)
    if kept:
        plan.report.safety_copy = dest
    else:
        with contextlib.suppress(OSError):
            dest.unlink()  # nothing will be replaced: no copy to keep
    return plan


def restore_conversations(
    store: ConversationStore, conversations: list[Conversation]
) -> RestoreReport:
    """Merge by id: each backed-up chat replaces the one with its id; others stay.

    The rules of :func:`prepare_restore` apply (safety copy first, newer and unreadable files
    never replaced). The store's identity map now holds the restored objects, so a window
    showing one of them must open it again.
    """
    plan = prepare_restore(store.root, conversations)
    plan.write(store, plan.conversations)
    return plan.report


def restore_into(store: ConversationStore, conversations: list[Conversation]) -> list[str]:
    """:func:`restore_conversations`, returning the ids restored (written, or already equal)."""
    return restore_conversations(store, conversations).restored
