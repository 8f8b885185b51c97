"""Streamed text on its way into a ``Message``: pieces are kept in a list and folded into the
message on a short timer, never once per token, so appending costs the same however long the
answer already is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from nebula_desktop.store import Message

FLUSH_MS = 30  # streamed text reaches the message (and the screen) at most this often


class PendingText(QObject):
    """The pending text of one answer; the only code that appends streamed text to it.

    ``changed(message_id)`` is emitted after text was folded into the message, at most once
    per :data:`FLUSH_MS` while pieces arrive (or at once on :meth:`flush`).
    """

    changed = Signal(str)

    def __init__(self, message: Message, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.message = message
        self._content: list[str] = []
        self._reasoning: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FLUSH_MS)
        self._timer.timeout.connect(self.flush)

    def append(self, kind: str, text: str) -> None:
        """Keep a streamed piece (``kind`` "content" or "reasoning") for the next fold."""
        if not text:
            return
        (self._reasoning if kind == "reasoning" else self._content).append(text)
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> bool:
        """Fold every kept piece into the message now; True (and ``changed``) if any was."""
        self._timer.stop()
        if not (self._content or self._reasoning):
            return False
        message = self.message
        if self._reasoning:
            message.reasoning += "".join(self._reasoning)
            self._reasoning = []
        if self._content:
            message.content += "".join(self._content)
            self._content = []
        self.changed.emit(message.id)
        return True

    def drop(self) -> None:
        """Forget what is kept without folding it (the conversation was deleted)."""
        self._timer.stop()
        self._content = []
        self._reasoning = []
