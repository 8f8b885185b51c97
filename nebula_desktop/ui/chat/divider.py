"""The "Clear context" divider under a message: nothing up to it is sent from the next request
on (the messages stay in the chat). The divider put down last can be taken away again with the
Undo the composer's context bar offers for a while."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from nebula_desktop.store import Conversation


class ContextDivider(QObject):
    """Puts dividers down and takes them away in the conversation ``current()`` shows.

    ``changed(conv, message_id)`` follows every change (the row is shown again, the chat
    saved, the estimate redone); ``context_bar`` (optional) offers the Undo.
    """

    def __init__(
        self,
        current: Callable[[], Conversation | None],
        changed: Callable[[Conversation, str], None],
        context_bar: Any | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._current = current
        self._changed = changed
        self._bar = context_bar
        self.cleared_id: str | None = None  # put down last, while its Undo is offered
        if context_bar is not None:
            context_bar.undo_clicked.connect(self.undo)
            context_bar.expired.connect(self._on_expired)

    def put_down(self, conv: Conversation) -> None:
        """A divider below the last message of ``conv`` (which has one without a divider)."""
        last = conv.messages[-1]
        last.context_break = True
        self.cleared_id = last.id
        self._changed(conv, last.id)
        if self._bar is not None:
            self._bar.show_cleared()

    def undo(self) -> None:
        """Take away the divider put down last."""
        cleared, self.cleared_id = self.cleared_id, None
        if cleared is not None:
            self.remove(cleared)

    def remove(self, message_id: str) -> None:
        """Take the divider away from below ``message_id``: the messages above it are sent
        again (within the chat's limit)."""
        conv = self._current()
        if conv is None or conv.read_only:
            return
        message = next((m for m in conv.messages if m.id == message_id), None)
        if message is None or not message.context_break:
            return
        message.context_break = False
        if message_id == self.cleared_id:
            self.forget()
        self._changed(conv, message_id)

    def forget(self) -> None:
        """The last divider can no longer be undone (another chat, a new message)."""
        self.cleared_id = None
        if self._bar is not None:
            self._bar.dismiss()

    def _on_expired(self) -> None:
        self.cleared_id = None
