"""Back up now, restore from a backup (with confirmation, merged by id) and the daily backup,
through the real main window."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox

from nebula_desktop.backup import automatic_backups
from nebula_desktop.ui.data.backup_dialog import BackupDialog
from tests.gui.conftest import TEST_KEY
from tests.gui.helpers import saved_chat, wait_job


def _backup(qtbot: Any, window: Any) -> Path:
    task = window.data.backups.backup_now()
    with qtbot.waitSignal(task.done, timeout=10000):
        pass
    zips = automatic_backups(window.ctx.store.root / "backups")
    assert zips
    return zips[-1]


def test_back_up_now_writes_a_zip_without_the_key(qtbot: Any, make_window: Any) -> None:
    window = make_window(offline=True)
    saved_chat(window, "Keep me", "important")
    with qtbot.waitSignal(
        window.data.status_message, timeout=10000, check_params_cb=lambda text, _ms: "saved" in text
    ):
        window.data.actions["backup"].trigger()
    assert "Backup saved" in window.statusBar().currentMessage()
    (zip_path,) = automatic_backups(window.ctx.store.root / "backups")
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        everything = b"".join(zf.read(n) for n in names)
    assert "settings.json" in names
    assert sum(n.startswith("conversations/") for n in names) == 1
    assert TEST_KEY.encode() not in everything


def test_restore_asks_then_replaces_same_id_and_keeps_newer_chats(
    qtbot: Any, make_window: Any
) -> None:
    window = make_window(offline=True)
    conv = saved_chat(window, "Recipe", "two eggs")
    _backup(qtbot, window)
    window.open_conversation(conv.id)
    conv.messages[0].content = "three eggs (changed after the backup)"
    window.ctx.store.save(conv)
    later = saved_chat(window, "Made later", "new")

    window.data.actions["restore"].trigger()
    dialog = window.data.backups.dialog
    assert isinstance(dialog, BackupDialog) and dialog.list.count() == 1
    dialog.restore_selected()
    wait_job(qtbot, window.data.backups.last_task)  # the backup is read, then the question
    box = window.data.backups.confirm_box
    assert box.text().startswith("Restore 1 conversation(s) from ")
    assert "Existing conversations with the same id will be replaced" in box.text()
    restore = next(b for b in box.buttons() if b.text() == "Restore")
    with qtbot.waitSignal(window.data.backups.restore_finished, timeout=10000) as finished:
        restore.click()
    assert finished.args == [1]
    assert window.centralWidget().isEnabled()

    shown = window.controller.conv
    assert shown.id == conv.id and shown.messages[0].content == "two eggs"
    assert window.ctx.store.load(later.id).title == "Made later"
    assert sorted(s.title for s in window.ctx.store.list()) == ["Made later", "Recipe"]
    assert "Restored 1 chat" in window.statusBar().currentMessage()


def test_cancelling_the_confirmation_changes_nothing(qtbot: Any, make_window: Any) -> None:
    window = make_window(offline=True)
    conv = saved_chat(window, "Recipe", "two eggs")
    zip_path = _backup(qtbot, window)
    conv.messages[0].content = "changed"
    window.ctx.store.save(conv)
    wait_job(qtbot, window.data.backups.restore_path(str(zip_path)))
    window.data.backups.confirm_box.button(QMessageBox.StandardButton.Cancel).click()
    assert window.ctx.store.load(conv.id).messages[0].content == "changed"


def test_a_zip_that_is_not_a_backup_is_refused(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    window = make_window(offline=True)
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("../escape.json", "{}")
    with qtbot.waitSignal(window.data.backups.restore_path(str(other)).done, timeout=10000):
        pass
    assert window.data.backups.confirm_box is None
    assert "not a Nebula Desktop backup" in window.notices.error_box.text()


def test_daily_backup_is_made_after_start_up_once(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    backups = window.ctx.store.root / "backups"
    wait_job(qtbot, window.data.last_task)
    (daily,) = automatic_backups(backups)
    assert daily.name.endswith("-daily.zip")
    make_window.close(window)
    window = make_window()
    wait_job(qtbot, window.data.last_task)
    assert len(automatic_backups(backups)) == 1  # not due again today


def test_backup_dialog_lists_backups_newest_first(qtbot: Any, make_window: Any) -> None:
    window = make_window(offline=True)
    backups = window.ctx.store.root / "backups"
    backups.mkdir(exist_ok=True)
    for name in ("nebula-backup-20240101-120000-daily.zip", "nebula-backup-20240102-120000.zip"):
        (backups / name).write_bytes(b"x")
    dialog = BackupDialog(backups, window)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 2
    assert dialog.list.item(0).toolTip().endswith("20240102-120000.zip")
    assert not dialog.empty.isVisible()


def test_damaged_files_in_a_backup_are_named_in_the_confirmation(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    window = make_window(offline=True)
    saved_chat(window, "Fine", "ok")
    good = _backup(qtbot, window)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(damaged, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name))
        dst.writestr("conversations/broken.json", "{not json")
    wait_job(qtbot, window.data.backups.restore_path(str(damaged)))
    box = window.data.backups.confirm_box
    assert box.text().startswith("Restore 1 conversation(s)")
    assert "1 damaged file(s)" in box.informativeText()
