"""Restoring a backup or importing chats never overwrites what it must not (issue 11, data loss).

A file written by a newer Nebula Desktop, or one this version cannot read, is never replaced:
the restore skips it and says so, the import keeps both. Every file a restore does replace is
first saved in ``backups/pre-restore-<time>.zip``, which is listed and restorable like any
backup. Deleting a chat never moves it over an earlier copy of the same id in the trash.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from nebula_desktop import backup
from nebula_desktop.backup import automatic_backups, make_backup, read_backup, restore_into
from nebula_desktop.exchange import add_to_store
from nebula_desktop.store import SCHEMA_VERSION, Conversation, ConversationStore, Message
from nebula_desktop.ui.data.backup_dialog import BackupDialog
from tests.gui.helpers import saved_chat, wait_job


def _newer_file(conv_id: str, showable: bool = True) -> bytes:
    """A conversation file as a future Nebula Desktop might write it.

    ``showable=False``: a shape this version cannot show at all, so the store cannot load it and
    it is in no index (the case where "no row" was taken to mean "free").
    """
    future: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION + 1,
        "id": conv_id,
        "title": "From the future",
        "created_at": 1.0,
        "updated_at": 2.0,
        "messages": [{"role": "user", "content": "hi", "hologram": {"x": 1}}],
    }
    if not showable:
        future["messages"] = {"tree": [{"role": "user", "content": "hi"}]}
    return json.dumps(future).encode()


def _chat(store: ConversationStore, title: str, text: str) -> Conversation:
    conv = store.create(title=title)
    conv.messages.append(Message("user", text))
    store.save(conv)
    return conv


def _pre_restore_zips(root: Path) -> list[Path]:
    return [p for p in automatic_backups(root / "backups") if p.name.startswith("pre-restore-")]


def test_restore_leaves_newer_version_files_byte_for_byte_and_says_so(tmp_path: Path) -> None:
    root = tmp_path / "data"
    with ConversationStore(root) as store:
        recipe = _chat(store, "Recipe", "two eggs")
        shown = _chat(store, "Shown read-only", "old")
        strange = _chat(store, "Cannot be shown", "old")
    zip_path = make_backup(root, tmp_path / "b.zip")
    # A newer Nebula Desktop (through a sync folder) rewrote two chats in its own format.
    files = root / "conversations"
    newer = {
        shown.id: _newer_file(shown.id),
        strange.id: _newer_file(strange.id, showable=False),
    }
    for conv_id, raw in newer.items():
        (files / f"{conv_id}.json").write_bytes(raw)

    with ConversationStore(root) as store:
        assert store.summary(strange.id) is None  # not in the index: it cannot be loaded
        written = restore_into(store, read_backup(zip_path).conversations)
        assert written == [recipe.id]
    for conv_id, raw in newer.items():
        assert (files / f"{conv_id}.json").read_bytes() == raw

    with ConversationStore(root) as store:
        report = backup.restore_conversations(store, read_backup(zip_path).conversations)
    assert sorted(report.newer) == sorted(newer)
    assert "2 chats were not replaced: they were written by a newer version" in report.message()
    for conv_id, raw in newer.items():
        assert (files / f"{conv_id}.json").read_bytes() == raw
    assert _pre_restore_zips(root) == []  # nothing was replaced, so no safety copy is needed


def test_restore_keeps_the_replaced_files_in_a_pre_restore_zip_that_restores(
    tmp_path: Path,
) -> None:
    root = tmp_path / "data"
    with ConversationStore(root) as store:
        recipe = _chat(store, "Recipe", "two eggs")
        _chat(store, "Untouched", "same as in the backup")
    zip_path = make_backup(root, tmp_path / "b.zip")
    with ConversationStore(root) as store:
        conv = store.load(recipe.id)
        conv.messages[0].content = "three eggs (written after the backup)"
        store.save(conv)
    path = root / "conversations" / f"{recipe.id}.json"
    changed = path.read_bytes()

    with ConversationStore(root) as store:
        restore_into(store, read_backup(zip_path).conversations)
        assert store.load(recipe.id).messages[0].content == "two eggs"
    (safety,) = _pre_restore_zips(root)
    with zipfile.ZipFile(safety) as zf:
        members = [n for n in zf.namelist() if n.startswith("conversations/")]
        assert members == [f"conversations/{recipe.id}.json"]  # only what was replaced
        assert zf.read(members[0]) == changed

    # The safety copy is a backup like any other: restoring it brings the replaced chat back.
    with ConversationStore(root) as store:
        report = backup.restore_conversations(store, read_backup(safety).conversations)
        assert store.load(recipe.id).messages[0].content == "three eggs (written after the backup)"
    assert report.restored == [recipe.id]
    assert report.safety_copy is not None and report.safety_copy != safety
    assert report.safety_copy.name in report.message()
    assert len(_pre_restore_zips(root)) == 2  # that restore kept what it replaced, too


@pytest.mark.timeout(30)
def test_restore_never_replaces_what_it_cannot_read_and_never_blocks_on_a_pipe(
    tmp_path: Path,
) -> None:
    root = tmp_path / "data"
    with ConversationStore(root) as store:
        folder = _chat(store, "Now a folder", "x")
        pipe = _chat(store, "Now a pipe", "y")
        fine = _chat(store, "Fine", "z")
    zip_path = make_backup(root, tmp_path / "b.zip")
    files = root / "conversations"
    with ConversationStore(root) as store:
        conv = store.load(fine.id)
        conv.title = "Renamed after the backup"
        store.save(conv)
        # Things the loader cannot read and leaves where they are (no permission works the
        # same way, but the tests run as root, who reads everything).
        (files / f"{folder.id}.json").unlink()
        (files / f"{folder.id}.json").mkdir()
        (files / f"{folder.id}.json" / "keep.txt").write_text("mine")
        (files / f"{pipe.id}.json").unlink()
        os.mkfifo(files / f"{pipe.id}.json")
        assert restore_into(store, read_backup(zip_path).conversations) == [fine.id]
        assert (files / f"{folder.id}.json" / "keep.txt").read_text() == "mine"
        assert (files / f"{pipe.id}.json").is_fifo()
        assert store.load(fine.id).title == "Fine"
        report = backup.restore_conversations(store, read_backup(zip_path).conversations)
        assert report.restored == [fine.id]
        assert sorted(report.unreadable) == sorted([folder.id, pipe.id])
        assert "2 chats were not replaced: they could not be read" in report.message()
        os.unlink(files / f"{pipe.id}.json")  # the next open would list it


def test_a_restore_that_cannot_keep_its_safety_copy_replaces_nothing(tmp_path: Path) -> None:
    root = tmp_path / "data"
    with ConversationStore(root) as store:
        recipe = _chat(store, "Recipe", "two eggs")
    zip_path = make_backup(root, tmp_path / "b.zip")
    with ConversationStore(root) as store:
        conv = store.load(recipe.id)
        conv.messages[0].content = "three eggs"
        store.save(conv)
        changed = (root / "conversations" / f"{recipe.id}.json").read_bytes()
        shutil.rmtree(root / "backups")
        (root / "backups").write_text("a file where the backups folder should be")
        with pytest.raises(backup.BackupError, match="Could not write the backup pre-restore-"):
            restore_into(store, read_backup(zip_path).conversations)
    assert (root / "conversations" / f"{recipe.id}.json").read_bytes() == changed


def test_a_file_changed_after_the_safety_copy_was_made_is_not_replaced(tmp_path: Path) -> None:
    root = tmp_path / "data"
    with ConversationStore(root) as store:
        recipe = _chat(store, "Recipe", "two eggs")
    zip_path = make_backup(root, tmp_path / "b.zip")
    path = root / "conversations" / f"{recipe.id}.json"
    with ConversationStore(root) as store:
        conv = store.load(recipe.id)
        conv.messages[0].content = "three eggs"
        store.save(conv)
        plan = backup.prepare_restore(root, read_backup(zip_path).conversations)
        # A sync tool writes a newer edit after the copy was taken: that edit is in no zip.
        conv.messages[0].content = "four eggs, from the phone"
        store.save(conv)
        latest = path.read_bytes()
        plan.write(store, plan.conversations)
    assert plan.report.changed == [recipe.id] and plan.report.restored == []
    assert "it changed on disk during the restore" in plan.report.message()
    assert path.read_bytes() == latest


@pytest.mark.timeout(30)
def test_backing_up_a_folder_with_a_pipe_in_it_finishes_and_keeps_the_chats(
    tmp_path: Path,
) -> None:
    root = tmp_path / "data"
    with ConversationStore(root) as store:
        conv = _chat(store, "Kept", "x")
    os.mkfifo(root / "conversations" / "pipe.json")
    zip_path = make_backup(root, tmp_path / "b.zip")
    assert [c.id for c in read_backup(zip_path).conversations] == [conv.id]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file without read permission")
def test_restore_never_replaces_a_file_without_read_permission(tmp_path: Path) -> None:
    root = tmp_path / "data"
    with ConversationStore(root) as store:
        locked = _chat(store, "Locked", "x")
    zip_path = make_backup(root, tmp_path / "b.zip")
    path = root / "conversations" / f"{locked.id}.json"
    raw = path.read_bytes() + b" "
    path.write_bytes(raw)
    path.chmod(0)
    try:
        with ConversationStore(root) as store:
            report = backup.restore_conversations(store, read_backup(zip_path).conversations)
    finally:
        path.chmod(0o600)
    assert report.unreadable == [locked.id]
    assert path.read_bytes() == raw


def test_import_never_replaces_a_file_the_store_could_not_load(tmp_path: Path) -> None:
    root = tmp_path / "data"
    files = root / "conversations"
    files.mkdir(parents=True)
    future = _newer_file("future", showable=False)
    (files / "future.json").write_bytes(future)
    (files / "folder.json").mkdir()
    with ConversationStore(root) as store:
        gone = _chat(store, "Deleted", "in the trash")
        store.delete(gone.id)
        trashed = (root / "trash" / f"{gone.id}.json").read_bytes()
        assert store.list() == []  # none of the three is in the index
        imported = [
            Conversation(id=conv_id, title=f"Imported {conv_id}", created_at=1.0, updated_at=1.0)
            for conv_id in ("future", "folder", gone.id)
        ]
        report = add_to_store(store, imported)
        assert len(report.added) == 3
        assert not {"future", "folder", gone.id} & set(report.added)
        assert report.renamed == 3 and report.newer == 1 and report.unreadable == 1
        assert sorted(s.title for s in store.list()) == sorted(c.title for c in imported)
    assert (files / "future.json").read_bytes() == future
    assert (files / "folder.json").is_dir()
    assert (root / "trash" / f"{gone.id}.json").read_bytes() == trashed


def test_deleting_a_chat_again_never_moves_it_over_its_earlier_trash_copy(tmp_path: Path) -> None:
    root = tmp_path / "data"
    with ConversationStore(root) as store:
        conv = _chat(store, "Twice deleted", "first life")
        zip_path = make_backup(root, tmp_path / "b.zip")
        store.delete(conv.id)
        first = (root / "trash" / f"{conv.id}.json").read_bytes()
        restore_into(store, read_backup(zip_path).conversations)  # back from a backup
        again = store.load(conv.id)
        again.messages.append(Message("user", "second life"))
        store.save(again)
        store.delete(conv.id)
        kept = sorted(p.read_bytes() for p in (root / "trash").iterdir())
        assert first in kept and len(kept) == 2
        # Undo brings back the chat just deleted, and the earlier copy stays in the trash.
        assert [m.content for m in store.restore(conv.id).messages] == [
            "first life",
            "second life",
        ]
        assert [p.read_bytes() for p in (root / "trash").iterdir()] == [first]


def _backup_now(qtbot: Any, window: Any) -> Path:
    task = window.data.backups.backup_now()
    with qtbot.waitSignal(task.done, timeout=10000):
        pass
    return automatic_backups(window.ctx.store.root / "backups")[-1]


def _restore_from_dialog(qtbot: Any, window: Any, row: int) -> list[Any]:
    window.data.backups.confirm_box = None
    window.data.actions["restore"].trigger()
    dialog = window.data.backups.dialog
    assert isinstance(dialog, BackupDialog)
    dialog.list.setCurrentRow(row)
    dialog.restore_selected()
    wait_job(qtbot, window.data.backups.last_task)  # the backup is read, then the question
    box = window.data.backups.confirm_box
    restore = next(b for b in box.buttons() if b.text() == "Restore")
    with qtbot.waitSignal(window.data.backups.restore_finished, timeout=10000) as finished:
        restore.click()
    return list(finished.args)


def test_restore_in_the_window_lists_the_safety_copy_and_says_what_it_skipped(
    qtbot: Any, make_window: Any
) -> None:
    window = make_window(offline=True)
    recipe = saved_chat(window, "Recipe", "two eggs")
    future = saved_chat(window, "Future", "old")
    _backup_now(qtbot, window)
    window.open_conversation(recipe.id)
    recipe.messages[0].content = "three eggs"
    window.ctx.store.save(recipe)
    newer = _newer_file(future.id)
    future_path = window.ctx.store.conversations_dir / f"{future.id}.json"
    future_path.write_bytes(newer)

    assert _restore_from_dialog(qtbot, window, 0) == [1]
    assert window.controller.conv.messages[0].content == "two eggs"
    assert future_path.read_bytes() == newer
    (safety,) = _pre_restore_zips(window.ctx.store.root)
    status = window.statusBar().currentMessage()
    assert "Restored 1 chat" in status and safety.name in status
    warning = window.notices.error_box
    assert isinstance(warning, QMessageBox)
    assert "not replaced: they were written by a newer version of Nebula" in warning.text()
    assert safety.name in warning.text()
    warning.close()

    # Listed first, as a backup made before a restore, and restorable like any other.
    window.data.actions["restore"].trigger()
    dialog = window.data.backups.dialog
    assert dialog.list.count() == 2
    assert "before restore" in dialog.list.item(0).text()
    assert dialog.list.item(0).toolTip() == str(safety)
    dialog.reject()
    assert _restore_from_dialog(qtbot, window, 0) == [1]
    assert window.controller.conv.messages[0].content == "three eggs"
    assert future_path.read_bytes() == newer
