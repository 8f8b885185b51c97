"""``DataActions``: the File menu's data features — export, import, backup, restore, conflicts.

It makes the menu entries (the window puts them in the File menu) and does export and import
itself; backups and restores are ``BackupActions`` (backups.py), sync conflict copies a
``ConflictWatch`` (conflicts.py), and both import and restore save through one ``ChunkedWriter``
(writer.py). The heavy parts (reading and writing files, zipping) run on the thread pool, while
everything that touches the store runs on the GUI thread (the store is not thread-safe). What the
window must do in return (a status line, reload the list, open a chat) is asked for by signal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from nebula_desktop.ui.common.app_context import AppContext
from nebula_desktop.ui.common.background import BackgroundTask, run_in_background
from nebula_desktop.ui.common.status import (
    STATUS_CLEAR_MS,
    STATUS_MS,
    STATUS_SUMMARY_MS,
    STATUS_UNTIL_NEXT,
    STATUS_WARNING_MS,
)
from nebula_desktop.ui.data.backups import BackupActions
from nebula_desktop.ui.data.conflicts import ConflictWatch
from nebula_desktop.ui.data.open_chat import OpenChat
from nebula_desktop.ui.data.writer import ChunkedWriter

# The exporters/importers (which pull in the Markdown renderer and the ChatGPT reader) and the
# export and backup dialogs load when first used: the window shows without them (start-up is
# sacred).
if TYPE_CHECKING:
    from nebula_desktop.exchange.exporter import ImportResult

log = logging.getLogger(__name__)


class DataActions(QObject):
    """Export and import over ``ctx``'s store, with ``backups`` and ``conflicts`` beside them.

    ``parent`` is the window the dialogs and shortcuts belong to. The signals below carry what
    ``backups`` and ``conflicts`` ask for too, so the window connects one object.
    """

    import_finished = Signal(object)  # the ImportReport (None when it failed)
    status_message = Signal(str, int)  # text, milliseconds (0: until the next one)
    error_message = Signal(str)  # a problem the user must not miss
    chats_changed = Signal()  # chats were added or replaced: the list re-reads the store
    open_requested = Signal(str)  # show this chat as the store has it now
    select_requested = Signal(str)  # select this chat in the list (it is still open)
    writing_changed = Signal(bool)  # chats are being saved: the chat area waits meanwhile

    def __init__(self, ctx: AppContext, chat: OpenChat, parent: QWidget) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._chat = chat
        self._parent = parent
        self.store = ctx.store
        self.dialog: Any = None  # the open ExportDialog, if any
        self.last_task: BackgroundTask | None = None
        self.writer = ChunkedWriter(self)
        self.writer.writing_changed.connect(self.writing_changed)
        self.writer.progress.connect(lambda text: self.status_message.emit(text, STATUS_MS))
        self.writer.failed.connect(self._on_task_failed)
        self.backups = BackupActions(ctx, chat, self.writer, parent)
        self.conflicts = ConflictWatch(ctx.store, chat, self.writer, parent)
        for source in (self.backups, self.conflicts):
            source.status_message.connect(self.status_message)
            source.chats_changed.connect(self.chats_changed)
            source.open_requested.connect(self.open_requested)
        self.backups.error_message.connect(self.error_message)
        self.backups.select_requested.connect(self.select_requested)
        self.actions = {
            "export": self._action(self.tr("&Export chats…"), "Ctrl+Shift+E", self.export),
            "import": self._action(self.tr("&Import chats…"), "Ctrl+Shift+I", self.choose_import),
            "backup": self._action(self.tr("&Back up now…"), None, self.backups.backup_now),
            "restore": self._action(
                self.tr("Restore from bac&kup…"), None, self.backups.choose_restore
            ),
        }

    def _action(self, text: str, shortcut: str | None, slot: Callable[[], Any]) -> QAction:
        action = QAction(text, self._parent)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self._parent.addAction(action)
        return action

    def after_load(self) -> None:
        """Once the window is filled: look for conflict copies (shortly after, once the window
        has painted); the daily backup, in the background (not for --screenshot/--smoke-test
        runs)."""
        self.conflicts.start()
        if not self._ctx.offline:
            self.last_task = self.backups.daily()

    # -- export and import -----------------------------------------------------------------------
    def export(self, selected_ids: list[str] | None = None) -> None:
        """Open the export dialog (for the list's selection when given)."""
        ids = selected_ids if selected_ids is not None else self._chat.selected_ids()
        self._chat.store_draft()
        from nebula_desktop.ui.data.export_dialog import ExportDialog

        dialog = ExportDialog(self.store, self._chat.current(), ids, self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exported.connect(self._on_dialog_exported)
        self.dialog = dialog
        dialog.open()

    def _on_dialog_exported(self, paths: list[str]) -> None:
        where = str(Path(paths[0]).parent) if paths else ""
        text = self.tr("Exported %n file(s) to {folder}", "", len(paths)).format(folder=where)
        self.status_message.emit(text, STATUS_WARNING_MS)

    def choose_import(self) -> None:
        """Pick our JSON export or ChatGPT's conversations.json and import it."""
        # Imported on use: naming a dialog class builds its Python enums (not for the first paint).
        from PySide6.QtWidgets import QFileDialog

        path, _filter = QFileDialog.getOpenFileName(
            self._parent,
            self.tr("Import chats"),
            str(Path.home()),
            self.tr("Chat exports (*.json *.zip);;All files (*)"),
        )
        if path:
            self.import_path(path)

    def import_path(self, path: str) -> BackgroundTask:
        """Read ``path`` in the background, then add its chats to the store."""
        from nebula_desktop.exchange.exporter import read_import

        self.status_message.emit(self.tr("Importing…"), STATUS_UNTIL_NEXT)
        self.last_task = run_in_background(
            read_import,
            Path(path),
            on_success=self._on_import_read,
            on_error=self._on_task_failed,
            context=self,
        )
        return self.last_task

    def _on_import_read(self, result: ImportResult) -> None:
        if self.writer.writing:
            self.error_message.emit(self.writer.busy_text())
            self.import_finished.emit(None)
            return
        from nebula_desktop.exchange import ImportReport, add_to_store

        report = ImportReport()

        def write(chunk: list[Any]) -> None:
            part = add_to_store(self.store, chunk)
            report.added += part.added
            report.renamed += part.renamed
            report.skipped += part.skipped

        def done(ok: bool) -> None:
            self.chats_changed.emit()
            if report.added:
                self.open_requested.emit(report.added[0])
            if ok:
                text = self.tr("Imported %n chat(s)", "", len(report.added))
                if report.skipped:
                    text += self.tr("; %n already present", "", report.skipped)
                if report.newer:
                    text += self.tr(
                        "; %n as a new chat beside one from a newer version", "", report.newer
                    )
                if report.unreadable:
                    text += self.tr(
                        "; %n as a new chat beside one that could not be read",
                        "",
                        report.unreadable,
                    )
                self.status_message.emit(text + ".", STATUS_SUMMARY_MS)
                if result.notices:  # chats skipped or cut: an import not whole must not pass by
                    self.error_message.emit("\n".join([text + ".", *result.notices]))
            self.import_finished.emit(report if ok else None)

        self.writer.write(result.conversations, write, done)

    def _on_task_failed(self, error: BaseException) -> None:
        log.warning("data task failed: %s", error)
        self.status_message.emit("", STATUS_CLEAR_MS)
        self.error_message.emit(str(error) or error.__class__.__name__)
