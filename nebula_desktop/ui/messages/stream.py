"""Repainting rows whose document changed: the streaming row, re-measured on a short timer while
its rendered document lags behind its text, and a long message whose formatted document landed
after being rendered off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from nebula_desktop.ui.common.pending_text import FLUSH_MS

if TYPE_CHECKING:
    from nebula_desktop.ui.messages.delegate import MessageDelegate
    from nebula_desktop.ui.messages.model import MessageModel


class StreamRows(QObject):
    """Updates rows whose message changed; never writes a message.

    ``row_changed(message_id)`` re-measures and repaints one row. While the streaming row's
    document lags behind its text (a burst bigger than one pass may render), a single-shot
    timer keeps re-measuring it, so the rest is worked off a slice per tick and the window keeps
    painting and handling input (Stop) in between. A long message's formatted document that
    lands later (``MessageDelegate.document_ready``) updates its row the same way, if shown.
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
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FLUSH_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        delegate.document_ready.connect(self._row_changed)

    def changed(self, message_id: str) -> None:
        """``message_id``'s text grew: update its row (if shown) and catch up if needed."""
        self._timer.stop()
        self._measure(message_id)
        self._catch_up_later()

    def clear(self) -> None:
        """Another conversation was opened: nothing to catch up on."""
        self._timer.stop()

    def _on_timer_timeout(self) -> None:
        streaming = self._delegate.streaming_id
        if streaming:
            self._measure(streaming)
        self._catch_up_later()

    def _measure(self, message_id: str) -> None:
        self._delegate.measured_layout = None  # set again only by a measure of this update
        self._row_changed(message_id)

    def _catch_up_later(self) -> None:
        row = self._model.row_of(self._delegate.streaming_id or "")
        msg = self._model.message_at(row)
        if msg is None:
            return
        # The streaming row was just measured, as a rule: that layout is the one to read (laying
        # it out again would cost each flush a row layout more).
        measured = self._delegate.measured_layout
        self._delegate.measured_layout = None
        if measured is not None and measured[0] == msg.id:
            lay = measured[1]
        else:
            lay = self._delegate.layout(msg, row, 0)
        behind = any(doc is not None and doc.behind for doc in (lay.body_doc, lay.thinking_doc))
        if behind and not self._timer.isActive():
            self._timer.start()
