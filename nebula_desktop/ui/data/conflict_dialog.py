"""The sync-conflict dialog, opened from the conflict bar's Review (conflict_bar.py).

``ConflictDialog`` lists each conflict copy with the chat it belongs to and merges them through
``store/sync.py`` (union of messages; the copy is moved to ``conflicts-merged/``, never
deleted). Merging runs on the GUI thread: the store is not
thread-safe, and a merge is two small file writes and a rename.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop.store import ConversationStore, StoreError
from nebula_desktop.store.sync import ConflictCopy, merge_copy
from nebula_desktop.ui.common.plain import plain, plain_tooltip

log = logging.getLogger(__name__)


class ConflictDialog(QDialog):
    """Review conflict copies and merge them; ``merged(list[str] conv_ids)`` after each merge."""

    merged = Signal(list)

    def __init__(
        self,
        store: ConversationStore,
        copies: list[ConflictCopy],
        can_merge: object = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sync conflicts"))
        self._store = store
        # Optional callable(conv_id) -> str: a reason this chat cannot be merged right now.
        self._can_merge = can_merge
        intro = QLabel(
            self.tr(
                "Another computer changed these chats at the same time as this one, so the "
                "sync service kept both versions. Merging keeps every message of both; the "
                "extra copy is moved to the conflicts-merged folder, not deleted."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setAccessibleName(self.tr("Conflicting copies"))
        self.status = plain(QLabel(self))  # errors name chats and files
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.merge_button = buttons.addButton(
            self.tr("Merge selected"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.merge_all_button = buttons.addButton(
            self.tr("Merge all"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.merge_button.clicked.connect(self.merge_selected)
        self.merge_all_button.clicked.connect(self.merge_all)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(560, 360)
        self.set_copies(copies)

    def set_copies(self, copies: list[ConflictCopy]) -> None:
        """Fill the list: "<chat title> — copy from <tool>, saved <time>"."""
        self.list.clear()
        for copy in copies:
            summary = self._store.summary(copy.original_id)
            title = summary.title if summary is not None else self.tr("(deleted chat)")
            try:
                when = time.strftime("%Y-%m-%d %H:%M", time.localtime(copy.path.stat().st_mtime))
            except OSError:
                when = ""
            label = self.tr("{title} — copy from {tool}, saved {time}")
            item = QListWidgetItem(label.format(title=title, tool=copy.tool, time=when))
            item.setToolTip(plain_tooltip(str(copy.path)))  # the full file name, for the curious
            item.setData(Qt.ItemDataRole.UserRole, copy)
            self.list.addItem(item)
        enabled = self.list.count() > 0
        self.merge_button.setEnabled(enabled)
        self.merge_all_button.setEnabled(enabled)

    def merge_all(self) -> None:
        """Merge every listed copy."""
        self._merge([self.list.item(i) for i in range(self.list.count())])

    def merge_selected(self) -> None:
        """Merge the selected copies."""
        self._merge(self.list.selectedItems())

    def _merge(self, items: list[QListWidgetItem]) -> None:
        done: list[str] = []
        problems: list[str] = []
        for item in items:
            copy: ConflictCopy = item.data(Qt.ItemDataRole.UserRole)
            reason = self._can_merge(copy.original_id) if callable(self._can_merge) else ""
            if reason:
                problems.append(str(reason))
                continue
            try:
                merge_copy(self._store, copy)
            except (StoreError, OSError) as exc:
                log.warning("merge of %s failed: %s", copy.path.name, exc)
                problems.append(str(exc))
                continue
            done.append(copy.original_id)
            self.list.takeItem(self.list.row(item))
        self.status.setText("\n".join(dict.fromkeys(problems)))
        if done:
            self.merged.emit(done)
        if self.list.count() == 0 and not problems:
            self.accept()
