"""ConversationStore: conversations as one JSON file each, under an exclusive folder lock.

Layout under ``root``: ``conversations/<id>.json``, ``index.json`` (a cache of list rows),
``quarantine/`` (unreadable files, moved aside — never deleted), ``trash/`` (deleted
conversations, restorable for 30 days), ``backups/`` (pre-migration copies), ``.lock``.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import json
import logging
import os
import time
from pathlib import Path
from types import TracebackType

from nebula_desktop import atomicfile
from nebula_desktop.store.index import IndexEntry, read_index, search_text_from_json, write_index
from nebula_desktop.store.lock import FolderLock
from nebula_desktop.store.model import (
    SCHEMA_VERSION,
    Conversation,
    ConversationSummary,
    migrate,
    new_id,
    validate_id,
)

log = logging.getLogger(__name__)

TRASH_DAYS = 30
# The index is a cache checked against every file's mtime/size, so writing it at most this
# often (and on close) keeps a save at one file write without risking anything on a crash.
INDEX_FLUSH_SECONDS = 5.0


class StoreError(Exception):
    """A store operation failed; ``str()`` is a user-facing message."""


class StoreLockedError(StoreError):
    """Another Nebula Desktop process holds this data folder."""


class LoadError(StoreError):
    """A conversation could not be loaded; ``str()`` says what happened to the file."""


def _stamp() -> str:
    return time.strftime("%Y%m%d-%H%M%S")


def _unique(folder: Path, stem: str, suffix: str) -> Path:
    """A path in ``folder`` that does not exist yet (never overwrite a kept file)."""
    candidate = folder / f"{stem}{suffix}"
    n = 1
    while candidate.exists():
        candidate = folder / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


class ConversationStore:
    """All conversations in one data folder. See docs/contracts.md (store) for the API."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.conversations_dir = self.root / "conversations"
        self.quarantine_dir = self.root / "quarantine"
        self.trash_dir = self.root / "trash"
        self.backups_dir = self.root / "backups"
        self.index_path = self.root / "index.json"
        for folder in (
            self.root,
            self.conversations_dir,
            self.quarantine_dir,
            self.trash_dir,
            self.backups_dir,
        ):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"Could not create the data folder {folder}: {exc.strerror or exc}"
                ) from exc
        try:
            self._lock: FolderLock | None = FolderLock(self.root / ".lock")
        except BlockingIOError as exc:
            raise StoreLockedError(
                "Nebula Desktop is already running with this data folder"
            ) from exc
        except OSError as exc:
            raise StoreError(
                f"Could not lock the data folder {self.root}: {exc.strerror or exc}"
            ) from exc
        self.problems: list[str] = []
        self._loaded: dict[str, Conversation] = {}
        self._search_cache: dict[str, tuple[int, int, str]] = {}
        self._newer_versions: dict[str, int] = {}
        self._index_dirty = False
        self._index_written_at = 0.0
        self._remove_stale_temp_files()
        self._purge_trash()
        self._entries = read_index(self.index_path)
        if not self._entries:
            self._index_dirty = True
        self._refresh()
        for entry in self._entries.values():
            if entry.newer_schema:
                self._newer_versions[entry.summary.id] = entry.newer_schema
                self._note_newer(entry.summary.id, entry.summary.title, entry.newer_schema)
        self.flush_index()

    # -- public API -------------------------------------------------------------------------

    def create(
        self,
        title: str = "New chat",
        model: str = "",
        system_prompt: str | None = None,
        profile_id: str | None = None,
        temperature: float = 0.7,
    ) -> Conversation:
        """A new, already saved conversation."""
        now = time.time()
        conv = Conversation(
            id=new_id(),
            title=title,
            created_at=now,
            updated_at=now,
            model=model,
            profile_id=profile_id,
            system_prompt=system_prompt,
            temperature=temperature,
        )
        self.save(conv, touch=False)
        return conv

    def save(self, conv: Conversation, touch: bool = True) -> None:
        """Write ``conv`` atomically and durably; returns once it is on disk.

        Raises StoreError for a read-only (newer-schema) conversation, and
        ``atomicfile.SaveError`` (with a user-facing message) when the disk refuses the write;
        in both cases the file on disk is the previous version.
        """
        conv_id = validate_id(conv.id)
        if conv.read_only:
            raise StoreError(
                f"“{conv.title}” was saved by a newer version of Nebula Desktop and is open "
                "read-only; update Nebula Desktop to change it. The file was not touched."
            )
        previous_updated = conv.updated_at
        if touch:
            conv.updated_at = time.time()
        text = json.dumps(conv.to_dict(), indent=2, ensure_ascii=False) + "\n"
        path = self._path(conv_id)
        try:
            atomicfile.write_text(path, text)
        except atomicfile.SaveError:
            conv.updated_at = previous_updated
            raise
        self._loaded[conv_id] = conv
        self._record(conv, path)
        if time.monotonic() - self._index_written_at >= INDEX_FLUSH_SECONDS:
            self.flush_index()

    def load(self, conv_id: str) -> Conversation:
        """The conversation ``conv_id`` (the same object on every call until it is deleted)."""
        validate_id(conv_id)
        conv = self._loaded.get(conv_id)
        if conv is not None:
            return conv
        conv = self._read(conv_id)
        self._loaded[conv_id] = conv
        self._record(conv, self._path(conv_id))
        return conv

    def list(self) -> list[ConversationSummary]:
        """Rows for the conversation list: pinned first, then most recently updated first."""
        self._refresh()
        rows = [entry.summary for entry in self._entries.values()]
        rows.sort(key=lambda s: (not s.pinned, -s.updated_at))
        return rows

    def delete(self, conv_id: str) -> None:
        """Move the conversation to the trash (``restore`` undoes it)."""
        validate_id(conv_id)
        src = self._path(conv_id)
        dst = self.trash_dir / f"{conv_id}.json"
        try:
            os.replace(src, dst)
            # The trash is purged by age of deletion, not of the last edit.
            os.utime(dst)
        except FileNotFoundError as exc:
            self._forget(conv_id)
            raise StoreError("This conversation no longer exists.") from exc
        except OSError as exc:
            raise StoreError(f"Could not delete the conversation: {exc.strerror or exc}") from exc
        atomicfile.fsync_dir(self.trash_dir)
        atomicfile.fsync_dir(self.conversations_dir)
        self._forget(conv_id)

    def restore(self, conv_id: str) -> Conversation:
        """Bring a deleted conversation back from the trash."""
        validate_id(conv_id)
        src = self.trash_dir / f"{conv_id}.json"
        dst = self._path(conv_id)
        if not src.exists():
            raise StoreError("This conversation is no longer in the trash.")
        if dst.exists():
            raise StoreError("A conversation with this id already exists.")
        try:
            os.replace(src, dst)
        except OSError as exc:
            raise StoreError(f"Could not restore the conversation: {exc.strerror or exc}") from exc
        atomicfile.fsync_dir(self.conversations_dir)
        atomicfile.fsync_dir(self.trash_dir)
        return self.load(conv_id)

    def search(self, query: str, limit: int = 200) -> builtins.list[str]:
        """Ids whose title or message text contains ``query`` (any case), newest first.

        The first search reads every file once into an in-memory lower-case text cache
        (keyed by mtime/size); later searches only re-read files that changed.
        """
        needle = query.lower()
        self._refresh()
        hits: builtins.list[ConversationSummary] = []
        for conv_id, entry in self._entries.items():
            if needle in self._haystack(conv_id, entry):
                hits.append(entry.summary)
        hits.sort(key=lambda s: -s.updated_at)
        return [s.id for s in hits[:limit]]

    def flush_index(self) -> None:
        """Write the index now if it changed (called by ``close``; a failure is only logged)."""
        if not self._index_dirty:
            return
        try:
            write_index(self.index_path, self._entries)
        except atomicfile.SaveError as exc:
            # A cache: the next start rebuilds it from the files.
            log.warning("index not written: %s", exc)
            return
        self._index_dirty = False
        self._index_written_at = time.monotonic()

    def close(self) -> None:
        """Write the index and release the folder lock; safe to call twice."""
        if self._lock is None:
            return
        self.flush_index()
        self._lock.release()
        self._lock = None

    def __enter__(self) -> ConversationStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- files ------------------------------------------------------------------------------

    def _path(self, conv_id: str) -> Path:
        return self.conversations_dir / f"{conv_id}.json"

    def _scan(self) -> dict[str, tuple[int, int]]:
        """(mtime_ns, size) of every conversation file on disk."""
        found: dict[str, tuple[int, int]] = {}
        with os.scandir(self.conversations_dir) as it:
            for item in it:
                if not item.name.endswith(".json"):
                    continue
                conv_id = item.name[: -len(".json")]
                try:
                    validate_id(conv_id)
                    st = item.stat()
                except (ValueError, OSError):
                    continue
                found[conv_id] = (st.st_mtime_ns, st.st_size)
        return found

    def _refresh(self) -> None:
        """Bring the index in line with the files: drop removed, re-read added or changed."""
        on_disk = self._scan()
        for conv_id in list(self._entries):
            if conv_id not in on_disk:
                del self._entries[conv_id]
                self._index_dirty = True
        for conv_id, (mtime_ns, size) in on_disk.items():
            entry = self._entries.get(conv_id)
            if entry is not None and (entry.mtime_ns, entry.size) == (mtime_ns, size):
                continue
            try:
                conv = self._read(conv_id)
            except LoadError:
                self._entries.pop(conv_id, None)
                self._index_dirty = True
                continue
            # A loaded object of ours stays authoritative; this copy only feeds the row.
            self._record(conv, self._path(conv_id))

    def _read(self, conv_id: str) -> Conversation:
        """Parse, validate and (if old) migrate one file; quarantine it if unreadable."""
        path = self._path(conv_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise LoadError(
                "This conversation's file no longer exists; it may have been deleted "
                "outside Nebula Desktop."
            ) from exc
        except OSError as exc:
            raise LoadError(f"Could not read {path.name}: {exc.strerror or exc}") from exc
        try:
            d = json.loads(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise self._quarantine(conv_id, "it is not UTF-8 text") from exc
        except json.JSONDecodeError as exc:
            raise self._quarantine(conv_id, f"JSON syntax error at line {exc.lineno}") from exc
        except (ValueError, RecursionError) as exc:
            raise self._quarantine(conv_id, "it is not valid JSON") from exc
        if not isinstance(d, dict):
            raise self._quarantine(conv_id, "it does not hold a conversation")
        version = d.get("schema_version", 0)
        if isinstance(version, bool) or not isinstance(version, int) or version < 0:
            raise self._quarantine(conv_id, "its schema_version is not a whole number")
        if version > SCHEMA_VERSION:
            return self._read_newer(conv_id, d, version)
        migrated = migrate(d) if version < SCHEMA_VERSION else d
        # A copied file keeps the id of its name, so two files never share one identity.
        migrated["id"] = conv_id
        try:
            conv = Conversation.from_dict(migrated)
        except ValueError as exc:
            raise self._quarantine(conv_id, f"unexpected content: {exc}") from exc
        if version < SCHEMA_VERSION:
            self._migrate_file(conv, data, version)
        return conv

    def _read_newer(self, conv_id: str, d: dict[str, object], version: int) -> Conversation:
        """A file from a newer Nebula Desktop: read what we understand, never write it."""
        d = dict(d)
        d["id"] = conv_id
        try:
            conv = Conversation.from_dict(d)
        except ValueError as exc:
            message = (
                f"{conv_id}.json was saved by a newer version of Nebula Desktop (format "
                f"{version}) in a form this version cannot show; it was left untouched."
            )
            self._add_problem(message)
            raise LoadError(message) from exc
        conv.read_only = True
        self._newer_versions[conv_id] = version
        self._note_newer(conv_id, conv.title, version)
        return conv

    def _migrate_file(self, conv: Conversation, original: bytes, version: int) -> None:
        """Keep a backup of the old file, then rewrite it in the current format."""
        backup = _unique(self.backups_dir, f"{conv.id}.v{version}.{_stamp()}", ".json")
        try:
            atomicfile.write_bytes(backup, original)
            text = json.dumps(conv.to_dict(), indent=2, ensure_ascii=False) + "\n"
            atomicfile.write_text(self._path(conv.id), text)
        except atomicfile.SaveError as exc:
            # The old file is intact; we will try again next time it is read.
            log.warning("migration of %s postponed: %s", conv.id, exc)

    def _quarantine(self, conv_id: str, reason: str) -> LoadError:
        """Move an unreadable file aside (never delete it) and return the error to raise."""
        src = self._path(conv_id)
        dst = _unique(self.quarantine_dir, f"{conv_id}.{_stamp()}", ".json")
        try:
            os.replace(src, dst)
            atomicfile.fsync_dir(self.quarantine_dir)
            atomicfile.fsync_dir(self.conversations_dir)
            where = f"it was moved to {dst}"
        except OSError as exc:
            where = f"it could not be moved aside ({exc.strerror or exc}) and was left in place"
        message = f"The conversation file {conv_id}.json could not be read ({reason}); {where}."
        self._add_problem(message)
        self._entries.pop(conv_id, None)
        self._search_cache.pop(conv_id, None)
        self._index_dirty = True
        return LoadError(message)

    def _record(self, conv: Conversation, path: Path) -> None:
        try:
            st = path.stat()
        except OSError:
            return
        newer = self._newer_versions.get(conv.id, 0) if conv.read_only else 0
        self._entries[conv.id] = IndexEntry(conv.summary(), st.st_mtime_ns, st.st_size, newer)
        self._index_dirty = True

    def _forget(self, conv_id: str) -> None:
        self._loaded.pop(conv_id, None)
        self._search_cache.pop(conv_id, None)
        if self._entries.pop(conv_id, None) is not None:
            self._index_dirty = True

    def _haystack(self, conv_id: str, entry: IndexEntry) -> str:
        conv = self._loaded.get(conv_id)
        if conv is not None:
            # In memory it may be ahead of the file (a reply still streaming).
            return conv.search_text()
        cached = self._search_cache.get(conv_id)
        if cached is not None and cached[:2] == (entry.mtime_ns, entry.size):
            return cached[2]
        try:
            text = search_text_from_json(self._path(conv_id).read_bytes())
        except OSError:
            text = ""
        self._search_cache[conv_id] = (entry.mtime_ns, entry.size, text)
        return text

    def _note_newer(self, conv_id: str, title: str, version: int) -> None:
        self._add_problem(
            f"“{title or conv_id}” was saved by a newer version of Nebula Desktop (format "
            f"{version}); it is shown read-only and its file is left untouched."
        )

    def _add_problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)

    def _remove_stale_temp_files(self) -> None:
        """Temp files of a save cut short by a crash (we hold the lock: nobody else writes)."""
        for folder in (self.root, self.conversations_dir, self.backups_dir):
            with contextlib.suppress(OSError), os.scandir(folder) as it:
                for item in it:
                    if item.name.startswith(".") and item.name.endswith(".tmp"):
                        with contextlib.suppress(OSError):
                            os.unlink(item.path)

    def _purge_trash(self) -> None:
        cutoff = time.time() - TRASH_DAYS * 86400
        with contextlib.suppress(OSError), os.scandir(self.trash_dir) as it:
            for item in it:
                try:
                    if item.is_file() and item.stat().st_mtime < cutoff:
                        os.unlink(item.path)
                except OSError as exc:
                    if exc.errno != errno.ENOENT:
                        log.warning("could not purge %s: %s", item.name, exc)
