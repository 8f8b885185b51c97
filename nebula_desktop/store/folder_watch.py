"""The list rows of every conversation, kept in line with the files in the folder (no Qt).

:class:`FolderWatch` holds one :class:`~nebula_desktop.store.index.IndexEntry` per
conversation file: the row the list shows plus the file's (mtime_ns, size). It starts from
``index.json`` (a cache) or a prescan's answer and notices files added, removed or changed
behind the store's back — cheaply: a stat of the folder on each look, a stat of every file only
at start, after an outside change of the folder, and every :data:`FULL_SCAN_SECONDS`. It also
answers searches, from the rows and a text cache of the files.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Mapping
from pathlib import Path

from nebula_desktop import atomicfile
from nebula_desktop.store.errors import LoadError
from nebula_desktop.store.index import (
    Changes,
    IndexEntry,
    compare,
    in_display_order,
    scan_folder,
    write_index,
)
from nebula_desktop.store.loader import Loader
from nebula_desktop.store.model import Conversation, ConversationSummary
from nebula_desktop.store.prescan import Prescan
from nebula_desktop.store.search import SearchCache

__all__ = ["FULL_SCAN_SECONDS", "FolderWatch"]

log = logging.getLogger("nebula_desktop.store.store")

# Checking every file's mtime/size costs a stat per file (~0.1 s per 10 000 on a slow disk),
# so list()/search() do it only at start, when the folder's own mtime changed in a way our
# writes do not explain (files added, removed or renamed behind our back), and at least this
# often — which also catches in-place edits and changes hidden by a coarse clock.
FULL_SCAN_SECONDS = 10.0


class FolderWatch:
    """The rows of the conversations in ``loader``'s folder; the store's thread only.

    ``writing`` (given to :meth:`refresh` and the calls that refresh) says whether saves of the
    store are under way: they explain a change of the folder's mtime by themselves.
    """

    def __init__(self, index_path: Path, loader: Loader, prescan: Prescan | None) -> None:
        self.index_path = index_path
        self.prescan = prescan  # the store's start takes the index from it, refresh the rest
        self._loader = loader
        self._folder = loader.conversations_dir
        self._entries: dict[str, IndexEntry] = {}
        self._search = SearchCache()
        self._valid_names: set[str] = set()
        self._index_dirty = False
        self._rows: list[ConversationSummary] | None = None  # sorted rows() cache
        self._dir_mtime_seen = -1
        self._full_scan_at = 0.0
        self._change_count = 0  # bumped by every change of the entries (verify() reports it)
        self._verify_pending = False

    def begin(self, entries: dict[str, IndexEntry], verify_later: bool) -> None:
        """Start from ``entries`` (the index read at start): checked against the files now, or
        trusted until :meth:`verify` with ``verify_later``."""
        self._entries = entries
        self._index_dirty = not self._entries
        if verify_later and self._entries:
            # Trusted until verify(); a list()/search() more than FULL_SCAN_SECONDS from now
            # (or after an outside change of the folder) scans on its own, as always.
            self._verify_pending = True
            self._dir_mtime_seen = self.dir_mtime()
            self._full_scan_at = time.monotonic()
        else:
            self.refresh(full=True)
        # An index row's read-only flag is only a hint: the file says whether it is newer (a
        # false flag would show a needless notice and refuse every save). Such files are few.
        for conv_id in [i for i, e in self._entries.items() if e.newer_schema]:
            if conv_id not in self._loader.newer_versions:  # not read yet
                with contextlib.suppress(LoadError):  # read() dropped the row (and said why)
                    self.record(self.read(conv_id))

    def cancel_prescan(self) -> None:
        """Stop a prescan whose answer is no longer wanted."""
        if self.prescan is not None:
            self.prescan.cancel()
            self.prescan = None

    # -- rows --------------------------------------------------------------------------------

    def rows(self, writing: bool = False) -> list[ConversationSummary]:
        """Every row, pinned first, then most recently updated first (ties by id)."""
        self.refresh(writing=writing)
        if self._rows is None:
            # The list model's own order, so it can take these rows as they are.
            self._rows = in_display_order([entry.summary for entry in self._entries.values()])
        return list(self._rows)

    def summary(self, conv_id: str, writing: bool = False) -> ConversationSummary | None:
        """The row of one conversation (None if it has no file)."""
        self.refresh(writing=writing)
        entry = self._entries.get(conv_id)
        return entry.summary if entry is not None else None

    def search(
        self, query: str, limit: int, loaded: Mapping[str, Conversation], writing: bool = False
    ) -> list[str]:
        """Ids whose title or message text contains ``query`` (any case), newest first; a
        conversation in ``loaded`` is searched in memory (it may be ahead of its file)."""
        needle = query.lower()
        self.refresh(writing=writing)
        newest_first = sorted(self._entries.values(), key=lambda e: -e.summary.updated_at)
        hits: list[str] = []
        for entry in newest_first:
            if len(hits) >= limit:
                break  # the older files need not even be read
            conv_id = entry.summary.id
            conv = loaded.get(conv_id)
            if conv is not None:
                # In memory it may be ahead of the file (a reply still streaming).
                haystack = conv.search_text()
            else:
                path = self._loader.path(conv_id)
                haystack = self._search.text(conv_id, path, entry.mtime_ns, entry.size)
            if needle in haystack:
                hits.append(conv_id)
        return hits

    def verify(self) -> bool:
        """Check every file against the rows, if :meth:`begin` postponed it; True when the
        rows changed."""
        if not self._verify_pending:
            return False
        before = self._change_count
        self.refresh(full=True)
        self.flush()
        return self._change_count != before

    def flush(self) -> None:
        """Write ``index.json`` now if the rows changed (a failure is only logged)."""
        if not self._index_dirty:
            return
        try:
            write_index(self.index_path, self._entries)
        except atomicfile.SaveError as exc:
            # A cache: the next start rebuilds it from the files.
            log.warning("index not written: %s", exc)
            return
        self._index_dirty = False

    # -- the folder --------------------------------------------------------------------------

    def dir_mtime(self) -> int:
        """The folder's mtime (ns), -1 when it cannot be read."""
        try:
            return os.stat(self._folder).st_mtime_ns
        except OSError:
            return -1

    def folder_unchanged(self) -> bool:
        """Whether nobody but us changed the folder since the last full scan."""
        return self.dir_mtime() == self._dir_mtime_seen

    def own_change_done(self, was_current: bool) -> None:
        """A change of the store's own (a rename, a write) is done: ``was_current`` is
        :meth:`folder_unchanged` from before it."""
        # Our own rename changes the folder mtime; that alone must not force a full scan.
        if was_current:
            self._dir_mtime_seen = self.dir_mtime()

    def refresh(self, full: bool = False, writing: bool = False) -> None:
        """Bring the rows in line with the files: drop removed, re-read added or changed.

        Skipped (cheap) while the folder is as we left it and the last scan is recent.
        """
        dir_mtime = self.dir_mtime()
        recent = time.monotonic() - self._full_scan_at < FULL_SCAN_SECONDS
        if not full and recent and (dir_mtime == self._dir_mtime_seen or writing):
            # Nobody else added, removed or renamed anything — or our own writes are under way,
            # which explain the change (one from outside meanwhile waits for the next full scan).
            return
        self._verify_pending = False  # this is the check verify() would have made
        changes = self._take_prescan(dir_mtime)
        if changes is None:
            unreadable: dict[str, str] = {}
            on_disk = scan_folder(self._folder, self._valid_names, unreadable)
            changes = compare(self._entries, on_disk, dir_mtime, unreadable)
        self._apply_changes(changes)

    def _take_prescan(self, dir_mtime: int) -> Changes | None:
        """The prescan's check of the files, if there is one and the folder is as it saw it."""
        prescan, self.prescan = self.prescan, None
        if prescan is None:
            return None
        changes = prescan.changes()
        if changes is None or dir_mtime == -1 or changes.dir_mtime != dir_mtime:
            return None
        return changes

    def _apply_changes(self, changes: Changes) -> None:
        """Make the entries match the files: drop the removed ones, re-read the changed ones,
        name the ones that are no regular file (never opened, left in place) in a notice."""
        for sentence in changes.unreadable.values():
            self._loader.note_unreadable(sentence)
        for conv_id in changes.removed:
            if self._entries.pop(conv_id, None) is not None:
                self._search.forget(conv_id)
                self._changed()
        for conv_id, ident in changes.changed.items():
            entry = self._entries.get(conv_id)
            if entry is not None and (entry.mtime_ns, entry.size) == ident:
                continue  # recorded since the listing (e.g. the chat opened at start)
            try:
                conv = self.read(conv_id)
            except LoadError:
                continue
            # A loaded object of ours stays authoritative; this copy only feeds the row.
            self.record(conv)
        # Every id left has a file whose name scan_folder validated (here or in the helper).
        self._valid_names.update(self._entries)
        self._dir_mtime_seen = changes.dir_mtime
        self._full_scan_at = time.monotonic()

    # -- one conversation --------------------------------------------------------------------

    def read(self, conv_id: str) -> Conversation:
        """Read a conversation's file; one that cannot be read loses its row (LoadError)."""
        was_current = self.folder_unchanged()
        try:
            return self._loader.read(conv_id)
        except LoadError:
            self._search.forget(conv_id)
            if self._entries.pop(conv_id, None) is not None:
                self._changed()
            raise
        finally:
            # A quarantine or a migration may have changed the folder: ours, not theirs.
            self.own_change_done(was_current)

    def record(self, conv: Conversation, identity: tuple[int, int] | None = None) -> None:
        """Index ``conv`` with its file's (mtime_ns, size): given (a save just made) or stat'ed."""
        if identity is None:
            try:
                st = self._loader.path(conv.id).stat()
            except OSError:
                return
            identity = (st.st_mtime_ns, st.st_size)
        newer = self._loader.newer_versions.get(conv.id, 0) if conv.read_only else 0
        entry = IndexEntry(conv.summary(), identity[0], identity[1], newer)
        if self._entries.get(conv.id) == entry:
            return  # e.g. opening a chat: rewriting a 10 000-row index for it costs ~50 ms
        self._entries[conv.id] = entry
        self._changed()

    def forget(self, conv_id: str) -> None:
        """Drop the row of a conversation that left the folder."""
        self._search.forget(conv_id)
        if self._entries.pop(conv_id, None) is not None:
            self._changed()

    def _changed(self) -> None:
        """The entries changed: the index needs writing and rows() re-sorting."""
        self._index_dirty = True
        self._rows = None
        self._change_count += 1
