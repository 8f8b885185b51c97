"""``BackupActions``: back up now, the daily backup, and restoring chats from a backup.

A backup zips every chat and the settings into ``backups/`` in the background. A restore reads
the zip in the background, asks first, zips the files it is about to replace, then writes the
backup's chats a chunk at a time (``ChunkedWriter``); a chat on screen that is replaced is closed
first — so its draft is saved into the old version — and opened again from the store.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtWidgets
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from nebula_desktop.ui.common.app_context import AppContext
from nebula_desktop.ui.common.background import BackgroundTask, run_in_background
from nebula_desktop.ui.common.status import (
    STATUS_CLEAR_MS,
    STATUS_SUMMARY_MS,
    STATUS_UNTIL_NEXT,
    STATUS_WARNING_MS,
)
from nebula_desktop.ui.data.open_chat import OpenChat
from nebula_desktop.ui.data.writer import ChunkedWriter

# The backup package (zip reading and writing, the restore plan) is imported when a backup is
# made or read: the first window does neither.
if TYPE_CHECKING:
    from nebula_desktop.backup import BackupContents, RestorePlan, RestoreReport

log = logging.getLogger(__name__)


class BackupActions(QObject):
    """Backups of ``ctx``'s data folder and restores from them; dialogs belong to ``parent``."""

    restore_finished = Signal(int)  # chats written (-1 when it failed or was refused)
    status_message = Signal(str, int)  # text, milliseconds (0: until the next one)
    error_message = Signal(str)  # a problem the user must not miss
    chats_changed = Signal()  # chats were replaced: the list re-reads the store
    open_requested = Signal(str)  # show this chat as the store has it now
    select_requested = Signal(str)  # select this chat in the list (it is still open)

    def __init__(
        self, ctx: AppContext, chat: OpenChat, writer: ChunkedWriter, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._chat = chat
        self._writer = writer
        self._parent = parent
        self.store = ctx.store
        self.dialog: Any = None  # the open BackupDialog, if any
        self.confirm_box: QtWidgets.QMessageBox | None = None  # the open "Restore …?" question
        self.last_task: BackgroundTask | None = None

    def daily(self) -> BackgroundTask:
        """Make today's automatic backup in the background (once a day; old ones pruned)."""
        from nebula_desktop.backup import daily_backup

        self.last_task = run_in_background(
            daily_backup,
            self.store.root,
            Path(self._ctx.settings_store.path),
            on_error=self._on_daily_backup_failed,
            context=self,
        )
        return self.last_task

    def _on_daily_backup_failed(self, error: BaseException) -> None:
        log.warning("daily backup failed: %s", error)
        text = self.tr("The daily backup failed: {error}").format(error=error)
        self.status_message.emit(text, STATUS_WARNING_MS)

    def _on_task_failed(self, error: BaseException) -> None:
        log.warning("backup task failed: %s", error)
        self.status_message.emit("", STATUS_CLEAR_MS)
        self.error_message.emit(str(error) or error.__class__.__name__)

    def backups_dir(self) -> Path:
        """Where backups are kept: ``backups/`` in the data folder."""
        return Path(self.store.root) / "backups"

    def backup_now(self) -> BackgroundTask:
        """Zip every chat and the settings into the backups folder, in the background."""
        from nebula_desktop.backup import backup_name, make_backup

        self._chat.store_draft()
        dest = self.backups_dir() / backup_name()
        self.status_message.emit(self.tr("Backing up…"), STATUS_UNTIL_NEXT)
        self.last_task = run_in_background(
            make_backup,
            self.store.root,
            dest,
            Path(self._ctx.settings_store.path),
            on_success=self._on_backup_made,
            on_error=self._on_task_failed,
            context=self,
        )
        return self.last_task

    def _on_backup_made(self, path: Path) -> None:
        from nebula_desktop.ui.data.backup_dialog import BackupDialog

        text = self.tr("Backup saved: {path}").format(path=path)
        self.status_message.emit(text, STATUS_SUMMARY_MS)
        if isinstance(self.dialog, BackupDialog):
            self.dialog.refresh()

    def choose_restore(self) -> None:
        """Open the list of kept backups."""
        from nebula_desktop.ui.data.backup_dialog import BackupDialog

        dialog = BackupDialog(self.backups_dir(), self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.restore_requested.connect(self.restore_path)
        dialog.backup_requested.connect(self.backup_now)
        self.dialog = dialog
        dialog.open()

    def restore_path(self, path: str) -> BackgroundTask:
        """Read a backup zip in the background, then ask before restoring it."""
        from nebula_desktop.backup import read_backup

        self.last_task = run_in_background(
            read_backup,
            Path(path),
            on_success=self._on_backup_read,
            on_error=self._on_task_failed,
            context=self,
        )
        return self.last_task

    def _on_backup_read(self, contents: BackupContents) -> None:
        count = len(contents.conversations)
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(contents.created_at))
        text = self.tr(
            "Restore %n conversation(s) from {date}? Existing conversations with the same id "
            "will be replaced by the backup's version; others are kept.",
            "",
            count,
        ).format(date=when)
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Question,
            self.tr("Restore from backup"),
            text,
            QtWidgets.QMessageBox.StandardButton.Cancel,
            self._parent,
        )
        if contents.skipped:
            box.setInformativeText(
                self.tr(
                    "%n damaged file(s) in the backup cannot be restored and will be skipped.",
                    "",
                    len(contents.skipped),
                )
            )
        if contents.notices:  # why members were skipped, duplicates read once
            notices = "\n".join(contents.notices)
            box.setInformativeText("\n\n".join(filter(None, [box.informativeText(), notices])))
        restore_button = box.addButton(
            self.tr("Restore"), QtWidgets.QMessageBox.ButtonRole.AcceptRole
        )
        box.setDefaultButton(QtWidgets.QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda button: self.apply_restore(contents) if button is restore_button else None
        )
        self.confirm_box = box
        box.open()

    def apply_restore(self, contents: BackupContents) -> None:
        """Merge the backup's chats by id into the store, then refresh the window.

        First, in the background, each chat is checked against its file and the files to be
        replaced are zipped into ``backups/pre-restore-<time>.zip``; then the chats are written
        a chunk at a time. Files from a newer version, or unreadable ones, are never replaced.
        """
        if self._writer.writing:
            self.error_message.emit(self._writer.busy_text())
            self.restore_finished.emit(-1)
            return
        if self._chat.is_busy():
            self.error_message.emit(
                self.tr("An answer is still arriving. Stop it or wait, then try again.")
            )
            self.restore_finished.emit(-1)
            return
        ids = {c.id for c in contents.conversations}
        current = self._chat.current()
        reopen = current.id if current is not None and current.id in ids else None
        if reopen is not None:
            self._chat.close()  # saves its draft into the version being replaced

        def done(report: RestoreReport | None, ok: bool) -> None:
            from nebula_desktop.ui.data.backup_dialog import BackupDialog

            self.chats_changed.emit()
            if reopen is not None:
                self.open_requested.emit(reopen)
            elif current is not None:
                self.select_requested.emit(current.id)
            if report is not None:
                text = self._restore_summary(report)
                self.status_message.emit(text, STATUS_SUMMARY_MS)
                if report.skipped() or not ok:  # a restore that is not whole must not pass by
                    self.error_message.emit(text)
            if isinstance(self.dialog, BackupDialog):
                self.dialog.accept()
            self.restore_finished.emit(len(report.restored) if report and ok else -1)

        def prepared(plan: RestorePlan) -> None:
            self._writer.write(
                plan.conversations,
                lambda chunk: plan.write(self.store, chunk),
                lambda ok: done(plan.report, ok),
            )

        def failed(error: BaseException) -> None:  # no safety copy: nothing was replaced
            self._writer.set_writing(False)
            self._on_task_failed(error)
            done(None, False)

        self._writer.set_writing(True)
        self.status_message.emit(self.tr("Restoring…"), STATUS_UNTIL_NEXT)
        # The check and the safety copy read the files: each must be the last one saved, and no
        # save still queued may land on a restored chat afterwards.
        self.store.wait_for_saves(ids)
        from nebula_desktop.backup import prepare_restore

        self.last_task = run_in_background(
            prepare_restore,
            Path(self.store.root),
            contents.conversations,
            on_success=prepared,
            on_error=failed,
            context=self,
        )

    def _restore_summary(self, report: RestoreReport) -> str:
        """What a restore did, for the status line (and the warning when it skipped chats)."""
        parts = [self.tr("Restored %n chat(s) from the backup.", "", len(report.restored))]
        for ids, text in (
            (
                report.newer,
                self.tr(
                    "%n chat(s) were not replaced: they were written by a newer version of "
                    "Nebula Desktop.",
                    "",
                    len(report.newer),
                ),
            ),
            (
                report.unreadable,
                self.tr(
                    "%n chat(s) were not replaced: they could not be read.",
                    "",
                    len(report.unreadable),
                ),
            ),
            (
                report.changed,
                self.tr(
                    "%n chat(s) were not replaced: they changed on disk during the restore.",
                    "",
                    len(report.changed),
                ),
            ),
        ):
            if ids:
                parts.append(text)
        if report.safety_copy is not None:
            copy = self.tr("The replaced chats were saved first in {name}.")
            parts.append(copy.format(name=report.safety_copy.name))
        return " ".join(parts)
