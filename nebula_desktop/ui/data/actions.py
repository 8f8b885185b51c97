"""File-menu data features of the main window: export, import, backup, restore, sync conflicts.

``DataActions`` adds its entries to the File menu and owns the dialogs; the heavy parts (reading
and writing files, zipping) run on the thread pool, while everything that touches the store runs
on the GUI thread (the store is not thread-safe). A chat being replaced (restore, merge) is
closed in the window first — so its draft is saved into the old version — then written, then
opened again from the store.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from nebula_desktop.backup import (
    BackupContents,
    RestorePlan,
    RestoreReport,
    backup_name,
    daily_backup,
    make_backup,
    prepare_restore,
    read_backup,
)
from nebula_desktop.exchange import ImportReport, add_to_store
from nebula_desktop.store import Conversation
from nebula_desktop.store.sync import find_conflicts
from nebula_desktop.ui.common.app_context import AppContext
from nebula_desktop.ui.common.background import BackgroundTask, run_in_background
from nebula_desktop.ui.common.status import STATUS_MS, STATUS_SUMMARY_MS, STATUS_WARNING_MS
from nebula_desktop.ui.data.conflict_dialog import ConflictBar, ConflictDialog

# The exporters/importers (which pull in the Markdown renderer and the ChatGPT reader) and the
# export and backup dialogs load when first used: the window shows without them (start-up is
# sacred).
if TYPE_CHECKING:
    from nebula_desktop.exchange.exporter import ImportResult

log = logging.getLogger(__name__)

# Chats saved per event-loop turn by import and restore: each save is a file write and an
# fsync, so thousands at once would freeze the window for seconds.
CHUNK = 25
# Sync tools can drop a conflict copy at any time; a directory listing a minute is nothing.
CONFLICT_CHECK_MS = 60_000
# The first look for conflict copies waits this long after the load: listing a folder of
# 10,000 chats costs 10-20 ms that the window's first paint should not wait for.
CONFLICT_FIRST_CHECK_MS = 300


@dataclass
class OpenChat:
    """What the data actions need of the chat on screen and the list (the window supplies it)."""

    current: Callable[[], Conversation | None]  # the chat on screen, if any
    is_busy: Callable[[], bool]  # an answer is streaming
    store_draft: Callable[[], None]  # the composer's text into the chat (before reading it)
    close: Callable[[], None]  # show no chat (its draft saved first): it is about to be replaced
    selected_ids: Callable[[], list[str]]  # the chats selected in the list


class DataActions(QObject):
    """Export / import / backup / restore / conflict merging over ``ctx``'s store.

    ``parent`` is the window the dialogs and shortcuts belong to; what the window must do in
    return (show a status, reload the list, open a chat) is asked for by signal.
    """

    import_finished = Signal(object)  # the ImportReport (None when it failed)
    restore_finished = Signal(int)  # chats written (-1 when it failed or was refused)
    status_message = Signal(str, int)  # text, milliseconds (0: until the next one)
    error_message = Signal(str)  # a problem the user must not miss
    chats_changed = Signal()  # chats were added or replaced: the list re-reads the store
    open_requested = Signal(str)  # show this chat as the store has it now
    select_requested = Signal(str)  # select this chat in the list (it is still open)
    writing_changed = Signal(bool)  # chats are being saved: the chat area waits meanwhile

    def __init__(self, ctx: AppContext, chat: OpenChat, parent: QWidget) -> None:
        super().__init__(parent)
        self._writing = False  # an import or restore is saving chats
        self._ctx = ctx
        self._chat = chat
        self._parent = parent
        self.store = ctx.store
        self.conflict_bar = ConflictBar(parent)
        self.conflict_bar.review_requested.connect(self.review_conflicts)
        self.dialog: Any = None  # the open export/backup/conflict dialog (one at a time)
        self.confirm_box: QMessageBox | None = None
        self.last_task: BackgroundTask | None = None
        self._reopen_after_merge: str | None = None
        self._conflict_timer = QTimer(self)
        self._conflict_timer.setInterval(CONFLICT_CHECK_MS)
        self._conflict_timer.timeout.connect(self.check_conflicts)
        self.actions = {
            "export": self._action(self.tr("&Export chats…"), "Ctrl+Shift+E", self.export),
            "import": self._action(self.tr("&Import chats…"), "Ctrl+Shift+I", self.choose_import),
            "backup": self._action(self.tr("&Back up now…"), None, self.backup_now),
            "restore": self._action(self.tr("Restore from bac&kup…"), None, self.choose_restore),
        }

    def _action(self, text: str, shortcut: str | None, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self._parent)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self._parent.addAction(action)
        return action

    # -- start-up ------------------------------------------------------------------------------
    def after_load(self) -> None:
        """Once the window is filled: look for conflict copies (shortly after, once the window
        has painted); the daily backup, in the background (not for --screenshot/--smoke-test
        runs)."""
        QTimer.singleShot(CONFLICT_FIRST_CHECK_MS, self, self.check_conflicts)
        self._conflict_timer.start()
        if not self._ctx.offline:
            self.last_task = run_in_background(
                daily_backup,
                self.store.root,
                Path(self._ctx.settings_store.path),
                on_error=self._on_daily_backup_failed,
                context=self,
            )

    def _on_daily_backup_failed(self, error: BaseException) -> None:
        log.warning("daily backup failed: %s", error)
        text = self.tr("The daily backup failed: %1").replace("%1", str(error))
        self.status_message.emit(text, STATUS_WARNING_MS)

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
        text = self.tr("Exported %n file(s) to %1", "", len(paths)).replace("%1", where)
        self.status_message.emit(text, STATUS_WARNING_MS)

    def choose_import(self) -> None:
        """Pick our JSON export or ChatGPT's conversations.json and import it."""
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

        self.status_message.emit(self.tr("Importing…"), 0)
        self.last_task = run_in_background(
            read_import,
            Path(path),
            on_success=self._on_import_read,
            on_error=self._on_task_failed,
            context=self,
        )
        return self.last_task

    def _on_import_read(self, result: ImportResult) -> None:
        if self._writing:
            self._refuse_while_writing()
            self.import_finished.emit(None)
            return
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

        self._write_in_chunks(result.conversations, write, done)

    def _write_in_chunks(
        self, items: list[Any], write: Callable[[list[Any]], None], done: Callable[[bool], None]
    ) -> None:
        """Save ``items`` a chunk per event-loop turn; the chat area is disabled meanwhile so
        nothing opens a chat that is about to be replaced."""
        self._set_writing(True)
        remaining = list(items)
        total = len(remaining)

        def finish(ok: bool) -> None:
            self._set_writing(False)
            done(ok)

        def step() -> None:
            chunk = remaining[:CHUNK]
            del remaining[:CHUNK]
            try:
                write(chunk)
            except Exception as exc:  # a save failed part-way: say so, keep what was written
                self._on_task_failed(exc)
                finish(False)
                return
            if not remaining:
                finish(True)
                return
            progress = self.tr("Saving chats… %1 of %2")
            done_count = str(total - len(remaining))
            progress = progress.replace("%1", done_count).replace("%2", str(total))
            self.status_message.emit(progress, STATUS_MS)
            QTimer.singleShot(0, self, step)

        step()

    def _set_writing(self, writing: bool) -> None:
        """Chats are being (or about to be) saved: the chat area waits, other writes are refused."""
        self._writing = writing
        self.writing_changed.emit(writing)

    def _refuse_while_writing(self) -> None:
        self.error_message.emit(self.tr("Chats are still being saved; try again in a moment."))

    def _on_task_failed(self, error: BaseException) -> None:
        log.warning("data task failed: %s", error)
        self.status_message.emit("", 1)
        self.error_message.emit(str(error) or error.__class__.__name__)

    # -- backup and restore ----------------------------------------------------------------------
    def backups_dir(self) -> Path:
        return Path(self.store.root) / "backups"

    def backup_now(self) -> BackgroundTask:
        """Zip every chat and the settings into the backups folder, in the background."""
        self._chat.store_draft()
        dest = self.backups_dir() / backup_name()
        self.status_message.emit(self.tr("Backing up…"), 0)
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

        text = self.tr("Backup saved: %1").replace("%1", str(path))
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
            "Restore %n conversation(s) from %1? Existing conversations with the same id will "
            "be replaced by the backup's version; others are kept.",
            "",
            count,
        ).replace("%1", when)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Restore from backup"),
            text,
            QMessageBox.StandardButton.Cancel,
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
        restore_button = box.addButton(self.tr("Restore"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
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
        if self._writing:
            self._refuse_while_writing()
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
            self._write_in_chunks(
                plan.conversations,
                lambda chunk: plan.write(self.store, chunk),
                lambda ok: done(plan.report, ok),
            )

        def failed(error: BaseException) -> None:  # no safety copy: nothing was replaced
            self._set_writing(False)
            self._on_task_failed(error)
            done(None, False)

        self._set_writing(True)
        self.status_message.emit(self.tr("Restoring…"), 0)
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
            copy = self.tr("The replaced chats were saved first in %1.")
            parts.append(copy.replace("%1", report.safety_copy.name))
        return " ".join(parts)

    # -- sync conflicts ----------------------------------------------------------------------------
    def check_conflicts(self) -> int:
        """Count conflict copies in the conversations folder and show or hide the bar."""
        count = len(find_conflicts(self.store.conversations_dir))
        self.conflict_bar.set_count(count)
        return count

    def review_conflicts(self) -> None:
        """Open the conflict dialog."""
        copies = find_conflicts(self.store.conversations_dir)
        dialog = ConflictDialog(self.store, copies, self._merge_blocker, self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.merged.connect(self._on_conflicts_merged)
        dialog.finished.connect(lambda _r: self.check_conflicts())
        self.dialog = dialog
        dialog.open()

    def _merge_blocker(self, conv_id: str) -> str:
        if self._writing:
            return self.tr("Chats are still being saved; try again in a moment.")
        if self._chat.is_busy():
            # The streaming chat's messages must not be swapped under it.
            return self.tr("An answer is still arriving; try again when it is done.")
        current = self._chat.current()
        if current is not None and current.id == conv_id:
            self._chat.close()  # save its draft first; reopened after the merge
            self._reopen_after_merge = conv_id
        return ""

    def _on_conflicts_merged(self, conv_ids: list[str]) -> None:
        self.chats_changed.emit()
        reopen = self._reopen_after_merge
        self._reopen_after_merge = None
        if reopen is not None:
            self.open_requested.emit(reopen)
        self.check_conflicts()
        text = self.tr("Merged %n copy(ies).", "", len(conv_ids))
        self.status_message.emit(text, STATUS_WARNING_MS)
