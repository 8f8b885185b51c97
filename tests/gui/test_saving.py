"""Saves on a slow disk: the window keeps answering while a chat is written and fsynced on the
writer thread, and nothing the user was told is saved is lost or lands late — not when the
window closes, not when the chat is deleted or a backup restored, not when saves pile up.

The slow disk is ``os.fsync`` on the writer thread, held on an event (a synced folder or a
network disk can take a second); it is released by the test, or by a timer thread while the GUI
thread waits.
"""

from __future__ import annotations

import json
import os
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from nebula_desktop import atomicfile
from nebula_desktop.ui.common.runner import Runner
from tests.gui.helpers import saved_chat, wait_job

HOLD_LIMIT_S = 3.0  # a held fsync gives up after this (so a regression fails, never hangs)


class SlowDisk:
    """``os.fsync`` off the GUI thread waits while held; counts the calls waiting right now.

    Only the writer thread's disk is slow: the settings file written on the GUI thread at quit
    must not give a pending save the time to finish that the window itself should wait for.
    """

    def __init__(self) -> None:
        self._open = threading.Event()
        self._open.set()
        self._lock = threading.Lock()
        self.waiting = 0
        self._real = os.fsync

    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def release_in(self, seconds: float) -> None:
        """Release from another thread while the GUI thread is busy waiting."""
        timer = threading.Timer(seconds, self._open.set)
        timer.daemon = True
        timer.start()

    def fsync(self, fd: int) -> None:
        if threading.current_thread() is threading.main_thread():
            self._real(fd)
            return
        with self._lock:
            self.waiting += 1
        try:
            self._open.wait(HOLD_LIMIT_S)
            self._real(fd)
        finally:
            with self._lock:
                self.waiting -= 1


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowDisk]:
    slow = SlowDisk()
    monkeypatch.setattr(os, "fsync", slow.fsync)
    yield slow
    slow.release()


def _on_disk(data_dir: Path, conv_id: str, folder: str = "conversations") -> dict[str, Any]:
    return dict(json.loads((data_dir / folder / f"{conv_id}.json").read_text(encoding="utf-8")))


def _first_text(data_dir: Path, conv_id: str, folder: str = "conversations") -> str:
    return str(_on_disk(data_dir, conv_id, folder)["messages"][0]["content"])


def _notes_open(make_window: Any) -> tuple[Any, Any, list[str]]:
    """An offline window showing the saved chat "Notes" ("first"), and the list of the chat
    ids it reports saved from now on."""
    window = make_window(offline=True)
    conv = saved_chat(window, "Notes", "first")
    window.open_conversation(conv.id)
    saved: list[str] = []
    window.controller.conversation_saved.connect(saved.append)
    return window, conv, saved


def test_saving_on_a_slow_disk_leaves_the_window_responsive(
    qtbot: Any, make_window: Any, data_dir: Path, disk: SlowDisk
) -> None:
    window, conv, saved = _notes_open(make_window)
    ticks_while_writing: list[bool] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks_while_writing.append(disk.waiting > 0))
    timer.start()

    disk.hold()
    conv.messages[0].content = "second"
    window.controller.save(conv)
    # The window keeps ticking while the fsync is held...
    qtbot.waitUntil(lambda: sum(ticks_while_writing) >= 3, timeout=2000)
    timer.stop()
    # ...and says nothing is saved until it is on disk.
    assert saved == []
    assert _first_text(data_dir, conv.id) == "first"

    with qtbot.waitSignal(window.controller.conversation_saved, timeout=5000):
        disk.release()
    assert saved == [conv.id]
    assert _first_text(data_dir, conv.id) == "second"
    assert window.ctx.store.summary(conv.id) is not None


def test_closing_the_window_waits_for_a_save_still_being_written(
    qtbot: Any, make_window: Any, data_dir: Path, disk: SlowDisk, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The runner's own wait at quit is bounded; the saves must not depend on that bound.
    monkeypatch.setattr(Runner.shutdown, "__defaults__", (50,))
    window = make_window(offline=True)
    conv = saved_chat(window, "Notes", "first")
    window.open_conversation(conv.id)

    disk.hold()
    conv.messages[0].content = "the last thing typed"
    window.controller.save(conv)
    assert _first_text(data_dir, conv.id) == "first"  # still being written when the user quits
    disk.release_in(0.4)
    window.close()
    assert _first_text(data_dir, conv.id) == "the last thing typed"


def test_deleting_a_chat_waits_for_its_pending_save(
    qtbot: Any, make_window: Any, data_dir: Path, disk: SlowDisk
) -> None:
    window = make_window(offline=True)
    saved_chat(window, "Other", "stays")
    conv = saved_chat(window, "Doomed", "first")
    window.open_conversation(conv.id)

    disk.hold()
    conv.messages[0].content = "last words"
    window.controller.save(conv)
    assert _first_text(data_dir, conv.id) == "first"  # the save is pending when it is deleted
    disk.release_in(0.3)
    window.conv_list.delete(conv.id)

    # The trash holds the last version saved, and the late write did not bring the chat back.
    assert _first_text(data_dir, conv.id, "trash") == "last words"
    window.ctx.store.wait_for_saves()
    assert not (data_dir / "conversations" / f"{conv.id}.json").exists()
    assert conv.id not in {s.id for s in window.ctx.store.list()}


def test_restoring_a_backup_waits_for_the_pending_save_of_a_chat_it_replaces(
    qtbot: Any, make_window: Any, data_dir: Path, disk: SlowDisk
) -> None:
    window = make_window(offline=True)
    conv = saved_chat(window, "Recipe", "two eggs")
    wait_job(qtbot, window.data.backups.backup_now())
    window.open_conversation(conv.id)

    disk.hold()
    conv.messages[0].content = "three eggs (changed after the backup)"
    window.controller.save(conv)
    assert _first_text(data_dir, conv.id) == "two eggs"  # pending when the restore begins
    disk.release_in(0.3)
    window.data.actions["restore"].trigger()
    window.data.backups.dialog.restore_selected()
    wait_job(qtbot, window.data.backups.last_task)
    box = window.data.backups.confirm_box
    restore = next(b for b in box.buttons() if b.text() == "Restore")
    with qtbot.waitSignal(window.data.backups.restore_finished, timeout=10000) as finished:
        restore.click()
    assert finished.args == [1]
    window.ctx.store.wait_for_saves()

    # The backup's version is on disk, the pending save did not land on it afterwards, and the
    # version it replaced (the one the save wrote) is in the safety copy.
    assert _first_text(data_dir, conv.id) == "two eggs"
    assert window.controller.conv.messages[0].content == "two eggs"
    (safety,) = (data_dir / "backups").glob("pre-restore-*.zip")
    with zipfile.ZipFile(safety) as zf:
        kept = json.loads(zf.read(f"conversations/{conv.id}.json"))
    assert kept["messages"][0]["content"] == "three eggs (changed after the backup)"


def test_saves_asked_while_the_disk_is_busy_are_written_once_with_the_latest(
    qtbot: Any, make_window: Any, data_dir: Path, disk: SlowDisk, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(offline=True)
    busy = saved_chat(window, "Long", "a long chat")
    conv = saved_chat(window, "Streaming", "an answer")
    window.open_conversation(conv.id)
    writes: list[str] = []
    real_write = atomicfile.write_bytes

    def counting_write(path: Any, data: bytes, **kwargs: Any) -> None:
        writes.append(Path(path).stem)
        real_write(path, data, **kwargs)

    monkeypatch.setattr(atomicfile, "write_bytes", counting_write)
    disk.hold()
    window.controller.save(busy)  # the writer thread is stuck in this one's fsync
    qtbot.waitUntil(lambda: disk.waiting > 0, timeout=2000)
    for i in range(3):  # an answer streaming in: a save every few seconds
        conv.messages[0].content = f"an answer, part {i}"
        window.controller.save(conv)

    with qtbot.waitSignal(
        window.controller.conversation_saved,
        timeout=5000,
        check_params_cb=lambda conv_id: conv_id == conv.id,
    ):
        disk.release()
    assert writes.count(conv.id) == 1
    assert _first_text(data_dir, conv.id) == "an answer, part 2"


def test_a_refused_save_is_said_in_the_status_bar_and_the_chat_stays(
    qtbot: Any, make_window: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, conv, saved = _notes_open(make_window)

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    conv.messages[0].content = "typed on a full disk"
    window.controller.save(conv)
    qtbot.waitUntil(lambda: "disk is full" in window.statusBar().currentMessage(), timeout=5000)
    assert window.statusBar().currentMessage() == (
        f"Could not save {conv.id}.json: the disk is full. The previous version is kept."
    )
    assert saved == []
    assert window.controller.conv.messages[0].content == "typed on a full disk"
    assert _first_text(data_dir, conv.id) == "first"
