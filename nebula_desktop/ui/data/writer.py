"""``ChunkedWriter``: saves many chats without freezing the window, one batch at a time.

Import and restore hand it their chats; it saves a chunk per event-loop turn and says how far it
got. While it writes (or a restore prepares to), the window disables the chat area so nothing
opens a chat that is about to be replaced, and other writes are refused with a sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

# Chats saved per event-loop turn by import and restore: each save is a file write and an
# fsync, so thousands at once would freeze the window for seconds.
CHUNK = 25


class ChunkedWriter(QObject):
    """Writes a list of items a chunk per event-loop turn; one batch at a time."""

    writing_changed = Signal(bool)  # chats are (or are about to be) saved: the chat area waits
    progress = Signal(str)  # "Saving chats… 25 of 300"
    failed = Signal(object)  # the exception of a save that failed part-way (what was written stays)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._writing = False

    @property
    def writing(self) -> bool:
        """Whether a batch is being written (or about to be)."""
        return self._writing

    def set_writing(self, writing: bool) -> None:
        """Chats are being (or about to be) saved: the chat area waits, other writes are refused."""
        self._writing = writing
        self.writing_changed.emit(writing)

    def busy_text(self) -> str:
        """Why another write is refused now."""
        return self.tr("Chats are still being saved; try again in a moment.")

    def write(
        self, items: list[Any], write: Callable[[list[Any]], None], done: Callable[[bool], None]
    ) -> None:
        """Call ``write`` on ``items`` a chunk per event-loop turn, then ``done(ok)``."""
        self.set_writing(True)
        remaining = list(items)
        total = len(remaining)

        def finish(ok: bool) -> None:
            self.set_writing(False)
            done(ok)

        def step() -> None:
            chunk = remaining[:CHUNK]
            del remaining[:CHUNK]
            try:
                write(chunk)
            except Exception as exc:  # a save failed part-way: say so, keep what was written
                self.failed.emit(exc)
                finish(False)
                return
            if not remaining:
                finish(True)
                return
            progress = self.tr("Saving chats… {done} of {total}")
            self.progress.emit(progress.format(done=total - len(remaining), total=total))
            QTimer.singleShot(0, self, step)

        step()
