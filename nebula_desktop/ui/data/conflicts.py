"""``ConflictWatch``: conflict copies left by sync tools, found and merged.

Dropbox, Syncthing and the like write "(conflicted copy)" files beside a chat edited on two
machines. The watch looks for them shortly after start-up and then every minute, shows a bar
over the chat while any exist, and opens the merge dialog from it. A chat on screen that is
merged is closed first (its draft saved) and opened again afterwards.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from nebula_desktop.store.sync import find_conflicts
from nebula_desktop.ui.common.status import STATUS_WARNING_MS
from nebula_desktop.ui.data.conflict_bar import ConflictBar
from nebula_desktop.ui.data.open_chat import OpenChat
from nebula_desktop.ui.data.writer import ChunkedWriter

# Sync tools can drop a conflict copy at any time; a directory listing a minute is nothing.
CONFLICT_CHECK_MS = 60_000
# The first look for conflict copies waits this long after the load: listing a folder of
# 10,000 chats costs 10-20 ms that the window's first paint should not wait for.
CONFLICT_FIRST_CHECK_MS = 300


class ConflictWatch(QObject):
    """The conflict bar (``bar``, laid out by the window) and the merge dialog behind it."""

    status_message = Signal(str, int)  # text, milliseconds
    chats_changed = Signal()  # copies were merged: the list re-reads the store
    open_requested = Signal(str)  # show this chat as the store has it now

    def __init__(self, store: Any, chat: OpenChat, writer: ChunkedWriter, parent: QWidget) -> None:
        super().__init__(parent)
        self.store = store
        self._chat = chat
        self._writer = writer
        self._parent = parent
        self.bar = ConflictBar(parent)
        self.bar.review_requested.connect(self.review)
        self.dialog: Any = None  # the open ConflictDialog, if any
        self._reopen_after_merge: str | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(CONFLICT_CHECK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Look shortly (once the window has painted), then every minute."""
        # The repeating timer's first tick comes early (a receiver-bound singleShot would build
        # QMetaMethod's enum types at start); from then on it ticks every minute.
        self._timer.setInterval(CONFLICT_FIRST_CHECK_MS)
        self._timer.start()

    def _tick(self) -> None:
        self._timer.setInterval(CONFLICT_CHECK_MS)
        self.check()

    def check(self) -> int:
        """Count conflict copies in the conversations folder and show or hide the bar."""
        count = len(find_conflicts(self.store.conversations_dir))
        self.bar.set_count(count)
        return count

    def review(self) -> None:
        """Open the conflict dialog."""
        copies = find_conflicts(self.store.conversations_dir)
        from nebula_desktop.ui.data.conflict_dialog import ConflictDialog  # (a dialog: on use)

        dialog = ConflictDialog(self.store, copies, self._merge_blocker, self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.merged.connect(self._on_dialog_merged)
        dialog.finished.connect(lambda _r: self.check())
        self.dialog = dialog
        dialog.open()

    def _merge_blocker(self, conv_id: str) -> str:
        if self._writer.writing:
            return self._writer.busy_text()
        if self._chat.is_busy():
            # The streaming chat's messages must not be swapped under it.
            return self.tr("An answer is still arriving; try again when it is done.")
        current = self._chat.current()
        if current is not None and current.id == conv_id:
            self._chat.close()  # save its draft first; reopened after the merge
            self._reopen_after_merge = conv_id
        return ""

    def _on_dialog_merged(self, conv_ids: list[str]) -> None:
        self.chats_changed.emit()
        reopen = self._reopen_after_merge
        self._reopen_after_merge = None
        if reopen is not None:
            self.open_requested.emit(reopen)
        self.check()
        text = self.tr("Merged %n copy(ies).", "", len(conv_ids))
        self.status_message.emit(text, STATUS_WARNING_MS)
