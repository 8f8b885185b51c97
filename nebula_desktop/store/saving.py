"""A conversation's save in two halves: the bytes (made by the store's thread) and the durable
write (any thread).

``ConversationStore.prepare_save`` serialises a conversation where the store lives (the store is
not thread-safe); :meth:`PreparedSave.write` writes and fsyncs those bytes, on a writer thread
or anywhere else; ``ConversationStore.finish_save`` records the outcome back where the store
lives. A newer save of the same conversation prepared before an older one started writing
replaces it (the older one is never written), so saves asked faster than the disk takes them
do not pile up. Whoever needs the file on disk — ``save()`` itself, ``delete``, ``restore``,
``close`` — waits with ``ConversationStore.wait_for_saves``, which writes any save still queued
itself, in order, rather than wait for a thread that may not have picked it up.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from nebula_desktop import atomicfile

if TYPE_CHECKING:
    from nebula_desktop.store.model import Conversation

__all__ = ["FAILED", "QUEUED", "SUPERSEDED", "WRITING", "WRITTEN", "PreparedSave"]

QUEUED = "queued"  # bytes made, nobody writing them yet
WRITING = "writing"
WRITTEN = "written"  # on disk, fsynced
FAILED = "failed"  # the disk refused: ``error`` says why; the previous file is intact
SUPERSEDED = "superseded"  # a newer save of the same conversation replaced it before it began

_lock = threading.Lock()  # guards every PreparedSave's state change (tiny critical sections)


class PreparedSave:
    """The bytes of one save of one conversation, written at most once, by any thread.

    Only :meth:`write` (and reading :attr:`state`, :attr:`error`, :attr:`done`) may be used
    off the store's thread; :attr:`conv` is the store's object and stays on its thread.
    """

    def __init__(
        self, conv: Conversation, path: Path, data: bytes, previous_updated: float
    ) -> None:
        self.conv = conv
        self.conv_id = conv.id
        self.path = path
        self.updated_at = conv.updated_at  # what this save wrote (a failure undoes a touch)
        self.previous_updated = previous_updated
        self.state = QUEUED
        self.error: atomicfile.SaveError | None = None
        self.identity: tuple[int, int] | None = None  # (mtime_ns, size) of the file written
        self.done = threading.Event()  # set once written, failed or superseded
        self.finished = False  # the store recorded the outcome (finish_save)
        self._data = data

    def write(self) -> bool:
        """Write the bytes atomically and durably; True once they are on disk.

        False when a newer save of the conversation replaced this one before it started.
        When another thread is already writing it, waits for that write and shares its
        outcome. Raises ``atomicfile.SaveError`` (a user-facing sentence) when the disk refuses.
        """
        if not self._take():
            self.done.wait()
            if self.error is not None:
                raise self.error
            return self.state == WRITTEN
        return self._write()

    def write_if_queued(self) -> None:
        """Write now if no thread has started to (a failure is left in :attr:`error`); return
        at once otherwise."""
        if self._take():
            with contextlib.suppress(atomicfile.SaveError):
                self._write()

    def _take(self) -> bool:
        with _lock:
            if self.state != QUEUED:
                return False
            self.state = WRITING
            return True

    def _write(self) -> bool:
        try:
            atomicfile.write_bytes(self.path, self._data)
        except atomicfile.SaveError as exc:
            self.error = exc
            self.state = FAILED
            raise
        except Exception as exc:  # not the disk (e.g. memory): still a save that failed
            self.error = atomicfile.SaveError(None, f"Could not save {self.path.name}: {exc}.")
            self.state = FAILED
            raise self.error from exc
        except BaseException:  # interrupted: nothing was replaced; waiters must not hang
            self.error = atomicfile.SaveError(None, f"Could not save {self.path.name}.")
            self.state = FAILED
            raise
        else:
            self.state = WRITTEN
            try:
                st = os.stat(self.path)
                self.identity = (st.st_mtime_ns, st.st_size)
            except OSError:
                pass  # written; the store stats it again when it records the save
            return True
        finally:
            self._data = b""  # a 2,000-message chat is megabytes: not kept once written
            self.done.set()

    def supersede(self) -> bool:
        """Drop this save if nobody started writing it (a newer one of the same conversation
        replaces it); True when dropped."""
        with _lock:
            if self.state != QUEUED:
                return False
            self.state = SUPERSEDED
        self._data = b""
        self.done.set()
        return True
