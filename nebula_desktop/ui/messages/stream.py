"""The message view's streaming buffer: streamed pieces are collected and pushed to the
messages and the screen on a short timer, never once per token."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from nebula_desktop.ui.messages.delegate import MessageDelegate
    from nebula_desktop.ui.messages.model import MessageModel

FLUSH_MS = 30  # streamed text reaches the screen at most this often


class StreamBuffer(QObject):
    """Buffers streamed text per message and kind, and flushes it on a single-shot timer.

    ``row_changed(message_id)`` re-measures and repaints one row after its text grew. While
    the streaming row's document lags behind its text (a burst bigger than one flush may
    render), the timer keeps ticking so the rest is worked off a slice per tick.
    """

    def __init__(
        self,
        model: MessageModel,
        delegate: MessageDelegate,
        row_changed: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._delegate = delegate
        self._row_changed = row_changed
        self._pending: dict[str, dict[str, list[str]]] = {}
        self._behind = False  # the streaming row's document lags behind its text
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FLUSH_MS)
        self._timer.timeout.connect(self.flush)

    def append(self, message_id: str, kind: str, text: str) -> None:
        """Buffer a streamed piece; it reaches the message and the screen on the next flush."""
        if not text:
            return
        self._pending.setdefault(message_id, {}).setdefault(kind, []).append(text)
        if not self._timer.isActive():
            self._timer.start()

    def clear(self) -> None:
        """Drop whatever is buffered (another conversation was opened)."""
        self._pending.clear()
        self._behind = False

    def flush(self) -> None:
        """Push buffered text into the Message objects now and update their rows."""
        self._timer.stop()
        pending, self._pending = self._pending, {}
        if self._behind and self._delegate.streaming_id:
            pending.setdefault(self._delegate.streaming_id, {})  # carry on rendering
        for message_id, kinds in pending.items():
            msg = self._model.message_at(self._model.row_of(message_id))
            if msg is None:
                continue
            for kind, parts in kinds.items():
                joined = "".join(parts)
                if kind == "reasoning":
                    msg.reasoning += joined
                else:
                    msg.content += joined
            self._row_changed(message_id)
        self._catch_up_later()

    def _catch_up_later(self) -> None:
        """Keep flushing while the streaming row's document still lags behind its text.

        A burst larger than one flush may render is worked off a slice per timer tick, so
        the window keeps painting and handling input (Stop) in between.
        """
        self._behind = False
        row = self._model.row_of(self._delegate.streaming_id or "")
        msg = self._model.message_at(row)
        if msg is None:
            return
        lay = self._delegate.layout(msg, row, 0)
        if any(doc is not None and doc.behind for doc in (lay.body_doc, lay.thinking_doc)):
            self._behind = True
            if not self._timer.isActive():
                self._timer.start()
