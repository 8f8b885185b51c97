"""``BackupDialog``: File → Restore from backup… — the backups kept, and restoring one.

Lists the zips in ``<data>/backups/`` (newest first), the safety copies made before a restore
among them. "Restore…" (or "Other file…") emits
``restore_requested(path)``; the window reads the zip in the background, asks for confirmation
and merges by id (see ``DataActions``).
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop.backup import PRE_RESTORE_PREFIX, automatic_backups
from nebula_desktop.ui.common.plain import plain_tooltip

PATH_ROLE = 0x0100  # Qt.UserRole


class BackupDialog(QDialog):
    """The kept backups; ``restore_requested(str path)`` and ``backup_requested()``."""

    restore_requested = Signal(str)
    backup_requested = Signal()

    def __init__(self, backups_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Restore from backup"))
        self._backups_dir = backups_dir
        intro = QLabel(
            self.tr(
                "Restoring puts back the chats saved in a backup. Chats with the same id are "
                "replaced by the backup's version; all other chats are kept."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Backups"))
        self.list.itemDoubleClicked.connect(lambda _item: self.restore_selected())
        self.empty = QLabel(self.tr("No backups yet."), self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.restore_button = buttons.addButton(
            self.tr("Restore…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.other_button = buttons.addButton(
            self.tr("Other file…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.backup_button = buttons.addButton(
            self.tr("Back up now"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.folder_button = buttons.addButton(
            self.tr("Open folder"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.restore_button.clicked.connect(self.restore_selected)
        self.other_button.clicked.connect(self._on_other_button_clicked)
        self.backup_button.clicked.connect(self.backup_requested)
        self.folder_button.clicked.connect(self._on_folder_button_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addWidget(buttons)
        self.resize(520, 360)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the backups folder."""
        self.list.clear()
        for path in reversed(automatic_backups(self._backups_dir)):
            try:
                st = path.stat()
            except OSError:
                continue
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(st.st_mtime))
            if path.name.startswith(PRE_RESTORE_PREFIX):
                kind = self.tr("before restore")  # the chats a restore replaced
            elif path.stem.endswith("-daily"):
                kind = self.tr("daily")
            else:
                kind = self.tr("manual")
            size = f"{max(1, st.st_size // 1024)} KB"
            item = QListWidgetItem(f"{when}  ·  {kind}  ·  {size}")
            item.setData(PATH_ROLE, str(path))
            item.setToolTip(plain_tooltip(str(path)))
            self.list.addItem(item)
        has_any = self.list.count() > 0
        if has_any:
            self.list.setCurrentRow(0)
        self.empty.setVisible(not has_any)
        self.restore_button.setEnabled(has_any)

    def restore_selected(self) -> None:
        """Ask to restore the selected backup."""
        item = self.list.currentItem()
        if item is not None:
            self.restore_requested.emit(str(item.data(PATH_ROLE)))

    def _on_other_button_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose a backup"), str(self._backups_dir), self.tr("Backups (*.zip)")
        )
        if path:
            self.restore_requested.emit(path)

    def _on_folder_button_clicked(self) -> None:
        self._backups_dir.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._backups_dir)))
