"""Damaged, foreign and unwritable files: nothing is lost, the user is told what happened."""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path

import pytest

from nebula_desktop import atomicfile
from nebula_desktop.store import (
    SCHEMA_VERSION,
    ConversationStore,
    LoadError,
    Message,
    StoreError,
)


def _conv_path(store: ConversationStore, conv_id: str) -> Path:
    return store.root / "conversations" / f"{conv_id}.json"


def _write_raw(root: Path, conv_id: str, data: bytes) -> Path:
    folder = root / "conversations"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{conv_id}.json"
    path.write_bytes(data)
    return path


def test_hand_edited_file_with_a_syntax_error_is_quarantined_and_reported(root: Path) -> None:
    s = ConversationStore(root)
    conv = s.create(title="mine")
    s.close()
    path = root / "conversations" / f"{conv.id}.json"
    broken = path.read_bytes().replace(b'"title"', b"title", 1)
    path.write_bytes(broken)

    s = ConversationStore(root)
    assert s.list() == []
    (notice,) = s.problems
    assert f"{conv.id}.json" in notice
    assert "JSON syntax error" in notice
    assert "quarantine" in notice
    (kept,) = (root / "quarantine").iterdir()
    assert kept.read_bytes() == broken  # never rewritten
    assert not path.exists()
    s.close()


def test_loading_a_corrupt_file_raises_load_error_saying_where_it_went(
    store: ConversationStore,
) -> None:
    _write_raw(store.root, "bad", b"\xff\xfe garbage")
    with pytest.raises(LoadError, match=r"not UTF-8.*moved to"):
        store.load("bad")
    assert len(list((store.root / "quarantine").iterdir())) == 1


@pytest.mark.parametrize(
    "content",
    [
        b"[1, 2, 3]",
        b'{"schema_version": 1, "messages": "not a list"}',
        b'{"schema_version": 1, "messages": [{"content": "no role"}]}',
        b'{"schema_version": "one"}',
        b'{"schema_version": 1, "created_at": "yesterday"}',
        b"",
    ],
)
def test_file_of_the_wrong_shape_is_quarantined_not_half_loaded(
    store: ConversationStore, content: bytes
) -> None:
    _write_raw(store.root, "odd", content)
    assert store.list() == []
    assert len(store.problems) == 1
    (kept,) = (store.root / "quarantine").iterdir()
    assert kept.read_bytes() == content


def test_two_quarantines_of_the_same_id_never_overwrite_each_other(
    store: ConversationStore,
) -> None:
    _write_raw(store.root, "dup", b"{1")
    store.list()
    _write_raw(store.root, "dup", b"{2")
    store.list()
    kept = sorted(p.read_bytes() for p in (store.root / "quarantine").iterdir())
    assert kept == [b"{1", b"{2"]


def test_newer_schema_file_opens_read_only_and_is_never_touched(root: Path) -> None:
    future = {
        "schema_version": SCHEMA_VERSION + 1,
        "id": "future",
        "title": "From the future",
        "created_at": 1.0,
        "updated_at": 2.0,
        "messages": [{"role": "user", "content": "hi", "hologram": {"x": 1}}],
        "new_feature": True,
    }
    raw = json.dumps(future).encode()
    path = _write_raw(root, "future", raw)
    s = ConversationStore(root)
    conv = s.load("future")
    assert conv.read_only
    assert conv.messages[0].content == "hi"
    assert any("newer version" in p for p in s.problems)
    conv.title = "changed"
    with pytest.raises(StoreError, match="newer version"):
        s.save(conv)
    assert [r.title for r in s.list()] == ["From the future"]
    s.close()
    assert path.read_bytes() == raw
    # The notice is given again on the next start, even though the row comes from the index.
    s = ConversationStore(root)
    assert any("newer version" in p for p in s.problems)
    s.close()
    assert path.read_bytes() == raw


def test_version_zero_file_is_backed_up_then_migrated(root: Path) -> None:
    old = {
        "id": "legacy",
        "title": "Old chat",
        "created": 100.0,
        "updated": 200.0,
        "model": "gpt-3.5",
        "messages": [
            {"role": "user", "text": "question"},
            {"role": "assistant", "text": "answer"},
        ],
    }
    raw = json.dumps(old).encode()
    path = _write_raw(root, "legacy", raw)
    s = ConversationStore(root)
    conv = s.load("legacy")
    assert [m.content for m in conv.messages] == ["question", "answer"]
    assert conv.created_at == 100.0
    assert conv.updated_at == 200.0
    (backup,) = (root / "backups").iterdir()
    assert backup.read_bytes() == raw
    migrated = json.loads(path.read_text())
    assert migrated["schema_version"] == SCHEMA_VERSION
    assert migrated["messages"][0]["content"] == "question"
    assert "text" not in migrated["messages"][0]
    assert s.problems == []
    s.close()
    # Migrated once: reopening makes no second backup.
    s = ConversationStore(root)
    s.load("legacy")
    assert len(list((root / "backups").iterdir())) == 1
    s.close()


def test_disk_full_raises_a_clear_save_error_and_keeps_the_old_file(
    store: ConversationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    conv = store.create(title="before")
    path = _conv_path(store, conv.id)
    before = path.read_bytes()
    stamp = conv.updated_at

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    conv.title = "after"
    with pytest.raises(atomicfile.SaveError) as info:
        store.save(conv)
    assert info.value.errno == errno.ENOSPC
    assert str(info.value) == (
        f"Could not save {conv.id}.json: the disk is full. The previous version is kept."
    )
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert conv.updated_at == stamp
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


def test_unwritable_folder_raises_a_clear_save_error(
    store: ConversationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests may run as root, which ignores permission bits: inject the EACCES instead.
    conv = store.create(title="t")
    before = _conv_path(store, conv.id).read_bytes()

    def denied(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    conv.messages.append(Message(role="user", content="x"))
    with pytest.raises(atomicfile.SaveError, match="the folder is not writable"):
        store.save(conv)
    monkeypatch.undo()
    assert _conv_path(store, conv.id).read_bytes() == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_folder_raises_a_clear_save_error(store: ConversationStore) -> None:
    conv = store.create(title="t")
    folder = store.root / "conversations"
    folder.chmod(0o500)
    try:
        with pytest.raises(atomicfile.SaveError, match="not writable"):
            store.save(conv)
    finally:
        folder.chmod(0o700)


def test_file_deleted_behind_the_stores_back(store: ConversationStore) -> None:
    conv = store.create(title="gone")
    store.close()
    s = ConversationStore(store.root)
    _conv_path(s, conv.id).unlink()
    with pytest.raises(LoadError, match="no longer exists"):
        s.load(conv.id)
    assert s.list() == []
    assert list((s.root / "quarantine").iterdir()) == []
    s.close()


def test_saving_after_the_file_was_deleted_behind_our_back_recreates_it(
    store: ConversationStore,
) -> None:
    conv = store.create(title="t")
    _conv_path(store, conv.id).unlink()
    conv.messages.append(Message(role="user", content="still here"))
    store.save(conv)
    assert [r.preview for r in store.list()] == ["still here"]


def test_leftover_temp_files_of_a_crashed_save_are_cleaned_at_start(root: Path) -> None:
    s = ConversationStore(root)
    conv = s.create()
    s.close()
    leftover = root / "conversations" / f".{conv.id}.json.abc123.tmp"
    leftover.write_bytes(b'{"half": ')
    s = ConversationStore(root)
    assert not leftover.exists()
    assert s.problems == []
    s.close()
