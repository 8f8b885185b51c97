"""ConversationStore: conversations as one JSON file each, under an exclusive folder lock.

Layout under ``root``: ``conversations/<id>.json``, ``index.json`` (a cache of list rows),
``quarantine/`` (unreadable files, moved aside — never deleted), ``trash/`` (deleted
conversations, restorable for 30 days), ``backups/`` (pre-migration copies), ``.lock``.

The store loads, saves (in two halves: see :meth:`ConversationStore.prepare_save`), deletes and
restores; the list rows, the index and the watch on the folder are
:class:`~nebula_desktop.store.folder_watch.FolderWatch`'s.
"""

from __future__ import annotations

import builtins
import logging
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType

from nebula_desktop import atomicfile
from nebula_desktop.store import housekeeping
from nebula_desktop.store.errors import LoadError, StoreError, StoreLockedError
from nebula_desktop.store.file_state import FileState, read_file_state
from nebula_desktop.store.folder_watch import FULL_SCAN_SECONDS, FolderWatch
from nebula_desktop.store.index import read_index
from nebula_desktop.store.loader import Loader, MessageTexts, dump_bytes
from nebula_desktop.store.lock import FolderLock, lock_data_folder
from nebula_desktop.store.model import Conversation, ConversationSummary, new_id, validate_id
from nebula_desktop.store.prescan import Prescan
from nebula_desktop.store.saving import FAILED, WRITTEN, PreparedSave

__all__ = [
    "FULL_SCAN_SECONDS",
    "INDEX_FLUSH_SECONDS",
    "TRASH_DAYS",
    "ConversationStore",
    "LoadError",
    "StoreError",
    "StoreLockedError",
]

log = logging.getLogger(__name__)

TRASH_DAYS = 30
# The index is a cache checked against the files: save() never writes it (at 10,000 chats that
# is ~45 ms); close() does, and the app every this many seconds while nothing streams. A crash
# costs only re-reading the files changed since.
INDEX_FLUSH_SECONDS = 120.0
# A save still being written after this long (a hung network folder) is logged while waited for.
_WAIT_LOG_SECONDS = 5.0


class ConversationStore:
    """All conversations in one data folder. See docs/contracts.md (store) for the API.

    Not thread-safe: use it from one thread (the GUI thread); saves take about a millisecond
    plus one fsync. The write and fsync of a save may run on another thread: see
    :meth:`prepare_save` (the one thing of the store that may be used off its thread is
    ``PreparedSave.write``).
    """

    def __init__(
        self,
        root: Path | str,
        *,
        verify_later: bool = False,
        prescan: Prescan | None = None,
        backup_before_migration: Callable[[Path], object] | None = None,
    ) -> None:
        """Open (and lock) the data folder ``root``.

        With ``verify_later`` a start with a readable index trusts it at once; checking every
        file against it (a ``stat`` each: ~40 ms at 10,000 chats) waits until the caller, its
        window up, calls :meth:`verify`. (A background thread for the stats was tried: it
        fought the GUI thread for the GIL and made the start slower, not faster.) A
        ``prescan`` (see ``store/prescan.py``) started earlier in another process supplies
        that check instead, if the folder did not change since it looked.

        ``backup_before_migration(root)`` is called once, before the first old file of the
        session is migrated (the app passes ``backup.pre_migration_backup``: the store itself
        imports nothing above it). Its failure is logged; the per-file copy in ``backups/`` is
        made either way.
        """
        self.root = Path(root)
        self.conversations_dir = self.root / "conversations"
        self.quarantine_dir = self.root / "quarantine"
        self.trash_dir = self.root / "trash"
        self.backups_dir = self.root / "backups"
        self.index_path = self.root / "index.json"
        folders = (self.conversations_dir, self.quarantine_dir, self.trash_dir, self.backups_dir)
        self._lock: FolderLock | None = lock_data_folder(self.root, folders)
        self.problems: list[str] = []
        self._loader = Loader(
            self.conversations_dir, self.quarantine_dir, self.backups_dir, self.problems
        )
        self._backup = backup_before_migration
        if backup_before_migration is not None:
            self._loader.before_migration = self._backup_before_migration
        self._loaded: dict[str, Conversation] = {}
        self._watch = FolderWatch(self.index_path, self._loader, prescan)
        self._texts_of: str | None = None  # see _message_texts
        self._texts: MessageTexts = {}
        # Saves prepared and not yet recorded, oldest first (see prepare_save).
        self._pending: builtins.list[PreparedSave] = []
        self._writes_clean = False  # the folder was as we left it when they began
        try:
            self._open(verify_later)
        except BaseException:
            self._lock.release()  # a failed open must not keep the folder locked
            self._lock = None
            raise

    def _open(self, verify_later: bool) -> None:
        prescan = self._watch.prescan
        answer = prescan.index() if prescan is not None else None
        temp_folders = (self.root, self.conversations_dir, self.backups_dir)
        if answer is None:  # no helper, or no answer from it: do its work here
            self._watch.prescan = None
            stale = housekeeping.find_stale_temp_files(*temp_folders)
            entries = read_index(self.index_path)
        else:
            entries, stale = answer
        housekeeping.remove_stale_temp_files(stale)
        housekeeping.purge_old_files(self.trash_dir, TRASH_DAYS)
        self._watch.begin(entries, verify_later)
        self.flush_index()

    # -- public API -------------------------------------------------------------------------

    def create(
        self,
        title: str = "New chat",
        model: str = "",
        system_prompt: str | None = None,
        profile_id: str | None = None,
        temperature: float = 0.7,
        context_limit: int | None = None,
    ) -> Conversation:
        """A new, already saved conversation (``context_limit``: the settings' default)."""
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
            context_limit=context_limit,
        )
        self.save(conv, touch=False)
        return conv

    def save(self, conv: Conversation, touch: bool = True) -> None:
        """Write ``conv`` atomically and durably; returns once it is on disk.

        Raises StoreError for a read-only (newer-schema) conversation, and
        ``atomicfile.SaveError`` (with a user-facing message) when the disk refuses the write;
        in both cases the file on disk is the previous version. A save of the same
        conversation still pending from :meth:`prepare_save` is replaced or waited for first.
        """
        prepared = self.prepare_save(conv, touch)
        self.wait_for_saves([prepared.conv_id])
        if prepared.state == FAILED and prepared.error is not None:
            raise prepared.error
        # The index is not written here: at 10,000 chats that is ~45 ms, which would stall a
        # streaming answer's 3-second saves. ``flush_index`` runs at close and when the app is
        # idle; after a crash the next start just re-reads the files changed since.

    def prepare_save(self, conv: Conversation, touch: bool = True) -> PreparedSave:
        """The first half of :meth:`save`, on the store's thread: check, touch, serialise.

        ``PreparedSave.write()`` (any thread) then writes and fsyncs; :meth:`finish_save` (the
        store's thread) records the outcome once it is done. An older save of ``conv`` that no
        thread has started writing is dropped: this one carries everything it had. Raises
        StoreError for a read-only (newer-schema) conversation, touching nothing.
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
        try:
            data = dump_bytes(conv, self._message_texts(conv_id))
        except BaseException:
            conv.updated_at = previous_updated
            raise
        if not self._pending:
            self._writes_clean = self._watch.folder_unchanged()
        for older in self._pending:
            if older.conv_id == conv_id:
                older.supersede()
        prepared = PreparedSave(conv, self._loader.path(conv_id), data, previous_updated)
        self._pending.append(prepared)
        return prepared

    def finish_save(self, prepared: PreparedSave) -> None:
        """Record a prepared save whose ``write()`` is done (or that was replaced): the index
        row and the identity map follow a save on disk; a failed one gives back the time it
        touched. Safe to call twice (waits and callbacks may both get there)."""
        if prepared.finished:
            return
        if not prepared.done.is_set():
            raise RuntimeError("finish_save() before the save was written")
        prepared.finished = True
        self._pending.remove(prepared)
        conv = prepared.conv
        if prepared.state == WRITTEN:
            self._loaded[prepared.conv_id] = conv
            self._watch.record(conv, prepared.identity)
        elif prepared.state == FAILED and conv.updated_at == prepared.updated_at:
            conv.updated_at = prepared.previous_updated
        if not self._pending:
            # Our writes changed the folder mtime; that alone must not force a full scan.
            self._watch.own_change_done(self._writes_clean)

    def wait_for_saves(
        self, ids: Iterable[str] | None = None, timeout: float | None = None
    ) -> bool:
        """Put the pending saves of ``ids`` (all when None) on disk and record them, in order;
        True when none is left. A save nobody has started writing is written here; one being
        written on another thread is waited for (at most ``timeout`` seconds in all, logged
        every few seconds). A failed write is recorded, not raised: whoever handed it to a
        thread hears of it from ``write()``."""
        wanted = None if ids is None else set(ids)
        deadline = None if timeout is None else time.monotonic() + timeout
        for prepared in builtins.list(self._pending):
            if wanted is not None and prepared.conv_id not in wanted:
                continue
            prepared.write_if_queued()  # no need to wait for a thread to pick it up
            while not prepared.done.wait(_WAIT_LOG_SECONDS):
                log.warning("still waiting for the save of %s to reach the disk", prepared.path)
                if deadline is not None and time.monotonic() >= deadline:
                    return False
            self.finish_save(prepared)
        return not any(wanted is None or p.conv_id in wanted for p in self._pending)

    def _message_texts(self, conv_id: str) -> MessageTexts:
        """The JSON of each message from the last save, for the conversation saved last only
        (the one an answer streams into: its saves then encode one message)."""
        if self._texts_of != conv_id:
            self._texts_of = conv_id
            self._texts = {}
        return self._texts

    def load(self, conv_id: str) -> Conversation:
        """The conversation ``conv_id`` (the same object on every call until it is deleted)."""
        validate_id(conv_id)
        conv = self._loaded.get(conv_id)
        if conv is None:
            conv = self._watch.read(conv_id)
            self._loaded[conv_id] = conv
            self._watch.record(conv)
        return conv

    def list(self) -> builtins.list[ConversationSummary]:
        """Rows for the conversation list: pinned first, then most recently updated first
        (ties by id), exactly the list model's display order."""
        return self._watch.rows(writing=bool(self._pending))

    def summary(self, conv_id: str) -> ConversationSummary | None:
        """The list row of one conversation (None if it does not exist), from the index."""
        validate_id(conv_id)
        return self._watch.summary(conv_id, writing=bool(self._pending))

    def verify(self) -> bool:
        """Check every file against the index, if ``verify_later`` postponed it; True when the
        rows changed (the caller re-reads ``list()``). New ``problems`` may have appeared."""
        return self._watch.verify()

    def file_state(self, conv_id: str) -> FileState:
        """What is on disk under ``conv_id`` (see ``store/file_state.py``), read from the file
        itself: a file the store could not load is in no index but is still there."""
        self.wait_for_saves([validate_id(conv_id)])
        return read_file_state(self._loader.path(conv_id))

    def id_in_use(self, conv_id: str) -> bool:
        """Whether anything is on disk under ``conv_id``, in the conversations or the trash
        (loadable or not: a name is taken by whatever file holds it)."""
        name = f"{validate_id(conv_id)}.json"
        self.wait_for_saves([conv_id])
        return any(os.path.lexists(d / name) for d in (self.conversations_dir, self.trash_dir))

    def delete(self, conv_id: str) -> None:
        """Move the conversation to the trash (``restore`` undoes it).

        An earlier copy of the same id already in the trash (deleted, then brought back by a
        restore) is renamed aside first, never replaced; it is purged on its own schedule.
        """
        validate_id(conv_id)
        self.wait_for_saves([conv_id])  # the file that goes to the trash is the last one saved
        dst = self.trash_dir / f"{conv_id}.json"
        was_current = self._watch.folder_unchanged()
        try:
            if os.path.lexists(dst):
                aside = housekeeping.unique_path(
                    self.trash_dir, f"{conv_id}.{housekeeping.stamp()}", ".json"
                )
                os.rename(dst, aside)
            os.replace(self._loader.path(conv_id), dst)
            # The trash is purged by age of deletion, not of the last edit.
            os.utime(dst)
        except FileNotFoundError as exc:
            self._forget(conv_id)
            raise StoreError("This conversation no longer exists.") from exc
        except OSError as exc:
            raise StoreError(f"Could not delete the conversation: {exc.strerror or exc}") from exc
        finally:
            self._watch.own_change_done(was_current)
        atomicfile.fsync_dir(self.trash_dir)
        atomicfile.fsync_dir(self.conversations_dir)
        self._forget(conv_id)

    def restore(self, conv_id: str) -> Conversation:
        """Bring a deleted conversation back from the trash."""
        validate_id(conv_id)
        self.wait_for_saves([conv_id])  # a late save must not land on the restored file
        src = self.trash_dir / f"{conv_id}.json"
        dst = self._loader.path(conv_id)
        if not src.exists():
            raise StoreError("This conversation is no longer in the trash.")
        if os.path.lexists(dst):
            raise StoreError("A conversation with this id already exists.")
        was_current = self._watch.folder_unchanged()
        try:
            os.replace(src, dst)
        except OSError as exc:
            raise StoreError(f"Could not restore the conversation: {exc.strerror or exc}") from exc
        finally:
            self._watch.own_change_done(was_current)
        atomicfile.fsync_dir(self.conversations_dir)
        atomicfile.fsync_dir(self.trash_dir)
        return self.load(conv_id)

    def search(self, query: str, limit: int = 200) -> builtins.list[str]:
        """Ids whose title or message text contains ``query`` (any case), newest first.

        The first search reads every file once into an in-memory lower-case text cache;
        later searches scan that cache and re-read only files that changed.
        """
        return self._watch.search(query, limit, self._loaded, writing=bool(self._pending))

    def flush_index(self) -> None:
        """Write the index now if it changed (by ``close``, and by the app every
        ``INDEX_FLUSH_SECONDS`` while no answer streams; a failure is only logged)."""
        self._watch.flush()

    def close(self) -> None:
        """Write the index and release the folder lock; safe to call twice."""
        self._watch.cancel_prescan()
        if self._lock is None:
            return
        self.wait_for_saves()  # every save asked for is on disk before the lock goes
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

    def _backup_before_migration(self) -> None:
        """The caller's backup before the first file of this session is migrated."""
        if self._backup is None:
            return
        try:
            self._backup(self.root)
        except Exception as exc:  # the per-file copy in backups/ is still made
            log.warning("pre-migration backup failed: %s", exc)

    def _forget(self, conv_id: str) -> None:
        self._loaded.pop(conv_id, None)
        self._watch.forget(conv_id)
