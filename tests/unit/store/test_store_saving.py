"""A save in two halves (store/saving.py): bytes made on the store's thread, the durable write on
any thread. What a user would notice: the newest version always wins, nothing asked for is lost
at close, a refused write keeps the old file and the chat's time, and our own writes under way
never cost a scan of the whole folder."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from nebula_desktop import atomicfile
from nebula_desktop.store import ConversationStore, Message, folder_watch
from nebula_desktop.store.saving import SUPERSEDED, WRITTEN


def _draft_on_disk(root: Path, conv_id: str) -> str:
    path = root / "conversations" / f"{conv_id}.json"
    return str(json.loads(path.read_text(encoding="utf-8"))["draft"])


def test_a_newer_save_replaces_one_no_thread_has_started(
    store: ConversationStore, root: Path
) -> None:
    conv = store.create(title="Streaming")
    conv.draft = "older"
    older = store.prepare_save(conv)
    conv.draft = "newer"
    newer = store.prepare_save(conv)
    assert older.state == SUPERSEDED
    assert older.write() is False  # the writer thread's job for it does nothing
    assert newer.write() is True
    store.finish_save(older)
    store.finish_save(newer)
    assert _draft_on_disk(root, conv.id) == "newer"
    assert store.summary(conv.id) is not None


def test_a_save_waits_for_the_same_chats_write_under_way(
    store: ConversationStore, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conv = store.create(title="Chat")
    entered, release = threading.Event(), threading.Event()
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        if threading.current_thread() is not threading.main_thread():
            entered.set()
            release.wait(5)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    conv.draft = "first"
    first = store.prepare_save(conv)
    writer = threading.Thread(target=first.write)
    writer.start()
    assert entered.wait(5)
    conv.draft = "second"
    threading.Timer(0.2, release.set).start()
    store.save(conv)  # must not land before the slower first write
    writer.join(5)
    assert first.state == WRITTEN
    assert _draft_on_disk(root, conv.id) == "second"


def test_close_writes_a_save_no_thread_picked_up(root: Path) -> None:
    store = ConversationStore(root)
    conv = store.create(title="Chat")
    conv.messages.append(Message(role="user", content="asked just before quitting"))
    store.prepare_save(conv)  # handed to a writer that never ran
    store.close()
    with ConversationStore(root) as again:
        assert again.load(conv.id).messages[0].content == "asked just before quitting"


def test_a_refused_write_keeps_the_file_and_gives_back_the_time(
    store: ConversationStore, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conv = store.create(title="Chat")
    conv.draft = "kept"
    store.save(conv, touch=False)
    before = conv.updated_at

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    conv.draft = "lost to a full disk"
    prepared = store.prepare_save(conv)
    with pytest.raises(atomicfile.SaveError, match="the disk is full"):
        prepared.write()
    store.finish_save(prepared)
    assert conv.updated_at == before
    assert conv.draft == "lost to a full disk"  # the chat in memory is untouched
    assert _draft_on_disk(root, conv.id) == "kept"
    assert store.wait_for_saves() is True


def test_our_writes_under_way_cost_no_folder_scan(
    store: ConversationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(3):
        store.create(title=f"Chat {i}")
    conv = store.create(title="Streaming")
    store.list()
    scans: list[Path] = []
    real_scan = folder_watch.scan_folder

    def counting_scan(folder: Path, *args: object) -> object:
        scans.append(folder)
        return real_scan(folder, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(folder_watch, "scan_folder", counting_scan)
    conv.draft = "a few more words"
    prepared = store.prepare_save(conv)
    prepared.write()  # done on the writer thread; recorded a moment later
    assert store.summary(conv.id) is not None  # the list re-reads a row meanwhile
    store.finish_save(prepared)
    assert store.list()[0].title == "Streaming"
    assert scans == []
