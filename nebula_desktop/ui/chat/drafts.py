"""What the user has typed but not sent, per conversation: the composer's draft, the top bar's
edits (saved shortly after the last one), attachments waiting in the composer, and the user
message being edited (sending adds the edit as a new version of it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

from nebula_desktop.store import Conversation, Message

HEADER_SAVE_MS = 600  # typing a model name does not write the file on every key


class Drafts(QObject):
    """Keeps unsent input with the conversation it belongs to.

    ``save(conv)`` writes a conversation without touching its date (drafts and settings are
    not activity).
    """

    def __init__(
        self,
        composer: Any,
        header: Any,
        save: Callable[[Conversation], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.composer = composer
        self.header = header
        self._save = save
        self.editing_id: str | None = None  # the user message being edited
        # Attachments waiting in the composer, per conversation (like drafts, not saved).
        self._attachments: dict[str, list[dict[str, Any]]] = {}
        self._header_dirty: Conversation | None = None
        self._header_timer = QTimer(self)
        self._header_timer.setSingleShot(True)
        self._header_timer.setInterval(HEADER_SAVE_MS)
        self._header_timer.timeout.connect(self.save_header_edits)

    def store(self, conv: Conversation | None) -> None:
        """Keep the composer text as ``conv``'s draft (saved if it changed)."""
        if conv is None or conv.read_only or self.editing_id is not None:
            return
        text = self.composer.text()
        if text != (conv.draft or ""):
            conv.draft = text
            self._save(conv)

    def header_edited(self, conv: Conversation | None) -> None:
        """Store the top bar's values with ``conv``; saved shortly after."""
        if conv is not None and not conv.read_only and self.header.apply_to(conv):
            self._header_dirty = conv
            self._header_timer.start()

    def save_header_edits(self) -> None:
        """Save top-bar edits still waiting for their timer now."""
        self._header_timer.stop()
        conv, self._header_dirty = self._header_dirty, None
        if conv is not None:
            self._save(conv)

    def swap_attachments(self, old: Conversation | None, new: Conversation | None) -> None:
        """Keep the composer's pending attachments with the chat they were added to."""
        if not hasattr(self.composer, "attachments"):
            return
        pending = self.composer.attachments()
        if old is not None and pending:
            self._attachments[old.id] = pending
        self.composer.clear_attachments()
        for item in self._attachments.pop(new.id, []) if new is not None else []:
            self.composer.strip.add(item)

    def begin_edit(self, conv: Conversation, message: Message) -> None:
        """Put user ``message`` of ``conv`` in the composer, its images with it."""
        self.editing_id = message.id
        if hasattr(self.composer, "strip"):
            # The edited version keeps the images unless the user removes them.
            self._attachments[conv.id] = self.composer.attachments()
            self.composer.clear_attachments()
            for item in message.attachments:
                self.composer.strip.add(dict(item))
        self.composer.set_text(message.content)
        self.composer.set_editing(True)
        self.composer.focus()

    def end_edit(self, conv: Conversation | None) -> None:
        """Leave edit mode and bring back ``conv``'s draft and attachments."""
        if self.editing_id is None:
            return
        self.editing_id = None
        self.composer.set_editing(False)
        self.composer.set_text(conv.draft if conv else "")
        if hasattr(self.composer, "strip"):
            self.composer.clear_attachments()
            pending = self._attachments.pop(conv.id, []) if conv else []
            for item in pending:
                self.composer.strip.add(item)

    def drop(self, conv_id: str, shown: bool) -> None:
        """Conversation ``conv_id`` was deleted (``shown``: it was on screen): nothing of it is
        saved any more, and an edit of it is over."""
        if self._header_dirty is not None and self._header_dirty.id == conv_id:
            self._header_dirty = None  # saving now would bring the deleted file back
        if shown:
            self.editing_id = None
            self.composer.set_editing(False)
