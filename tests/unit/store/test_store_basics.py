"""Everyday store behaviour: create, save, reopen, list order, identity, delete/restore, search."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nebula_desktop.store import (
    SCHEMA_VERSION,
    ConversationStore,
    Message,
    StoreError,
    StoreLockedError,
    folder_watch,
)
from nebula_desktop.store import store as store_module
from nebula_desktop.store.index import index_value


def test_saved_messages_survive_reopening_the_folder(root: Path) -> None:
    s = ConversationStore(root)
    conv = s.create(title="Trip", model="gpt-4o", system_prompt="Be brief", profile_id="p1")
    conv.messages.append(Message(role="user", content="Where to?"))
    conv.messages.append(
        Message(role="assistant", content="Rome.", reasoning="hmm", usage={"total_tokens": 3})
    )
    s.save(conv)
    s.close()

    s2 = ConversationStore(root)
    again = s2.load(conv.id)
    assert again.title == "Trip"
    assert again.system_prompt == "Be brief"
    assert again.profile_id == "p1"
    assert [(m.role, m.content) for m in again.messages] == [
        ("user", "Where to?"),
        ("assistant", "Rome."),
    ]
    assert again.messages[1].usage == {"total_tokens": 3}
    assert again.messages[1].reasoning == "hmm"
    s2.close()


def test_file_is_readable_pretty_json_with_schema_version(store: ConversationStore) -> None:
    conv = store.create(title="Ünïcode ✓")
    text = (store.root / "conversations" / f"{conv.id}.json").read_text("utf-8")
    assert "\n  " in text  # indented for people
    assert "Ünïcode ✓" in text  # not \u-escaped
    assert json.loads(text)["schema_version"] == SCHEMA_VERSION


def test_list_shows_pinned_first_then_most_recently_updated(store: ConversationStore) -> None:
    a = store.create(title="a")
    store.create(title="b")
    c = store.create(title="c")
    a.messages.append(Message(role="user", content="latest"))
    store.save(a)
    c.pinned = True
    store.save(c, touch=False)
    titles = [s.title for s in store.list()]
    assert titles == ["c", "a", "b"]
    first = store.list()[1]
    assert first.preview == "latest"
    assert first.message_count == 1


def test_preview_is_one_short_line_of_the_last_message(store: ConversationStore) -> None:
    conv = store.create()
    conv.messages.append(Message(role="assistant", content="line one\nline two " + "x" * 300))
    store.save(conv)
    (row,) = store.list()
    assert "\n" not in row.preview
    assert len(row.preview) <= 120
    assert row.preview.startswith("line one line two")


def test_one_row_can_be_reread_after_a_save(store: ConversationStore) -> None:
    conv = store.create(title="t")
    conv.title = "renamed"
    conv.messages.append(Message(role="user", content="hello"))
    store.save(conv)
    row = store.summary(conv.id)
    assert row is not None
    assert (row.title, row.preview, row.message_count) == ("renamed", "hello", 1)
    store.delete(conv.id)
    assert store.summary(conv.id) is None


def test_save_bumps_updated_at_unless_touch_is_false(store: ConversationStore) -> None:
    conv = store.create()
    before = conv.updated_at
    store.save(conv, touch=False)
    assert conv.updated_at == before
    store.save(conv)
    assert conv.updated_at >= before


def test_load_returns_the_same_object_so_no_edit_is_lost(store: ConversationStore) -> None:
    conv = store.create()
    assert store.load(conv.id) is conv
    store.close()
    s2 = ConversationStore(store.root)
    first = s2.load(conv.id)
    assert s2.load(conv.id) is first
    s2.close()


def test_second_store_on_the_same_folder_is_refused_clearly(store: ConversationStore) -> None:
    with pytest.raises(StoreLockedError, match="already running with this data folder"):
        ConversationStore(store.root)


def test_closing_the_store_lets_another_one_open(store: ConversationStore) -> None:
    store.close()
    store.close()  # twice is harmless
    ConversationStore(store.root).close()


def test_lock_is_freed_when_the_holding_process_dies(root: Path) -> None:
    script = (
        "import sys; from nebula_desktop.store import ConversationStore\n"
        f"s = ConversationStore({str(root)!r}); print('locked', flush=True); sys.stdin.read()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[3])},
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "locked"
        with pytest.raises(StoreLockedError):
            ConversationStore(root)
    finally:
        child.kill()
        child.wait()
    ConversationStore(root).close()


@pytest.mark.parametrize(
    "bad_id",
    ["../escape", "..", "a/b", "a\\b", "", "x" * 65, "name.json", "nul\x00", "/etc/passwd", "é"],
)
def test_ids_that_could_escape_the_folder_are_rejected(
    store: ConversationStore, bad_id: str
) -> None:
    with pytest.raises(ValueError):
        store.load(bad_id)
    with pytest.raises(ValueError):
        store.delete(bad_id)
    with pytest.raises(ValueError):
        store.restore(bad_id)
    conv = store.create()
    conv.id = bad_id
    with pytest.raises(ValueError):
        store.save(conv)
    assert not (store.root.parent / "escape.json").exists()


def test_deleted_conversation_goes_to_trash_and_can_be_restored(store: ConversationStore) -> None:
    conv = store.create(title="keep me")
    conv.messages.append(Message(role="user", content="precious"))
    store.save(conv)
    store.delete(conv.id)
    assert store.list() == []
    assert (store.root / "trash" / f"{conv.id}.json").exists()
    assert store.search("precious") == []

    back = store.restore(conv.id)
    assert back.title == "keep me"
    assert back.messages[0].content == "precious"
    assert [s.id for s in store.list()] == [conv.id]
    with pytest.raises(StoreError):
        store.restore(conv.id)


def test_trash_older_than_thirty_days_is_purged_at_start(store: ConversationStore) -> None:
    old = store.create(title="old")
    recent = store.create(title="recent")
    store.delete(old.id)
    store.delete(recent.id)
    long_ago = time.time() - 31 * 86400
    os.utime(store.root / "trash" / f"{old.id}.json", (long_ago, long_ago))
    store.close()
    s2 = ConversationStore(store.root)
    assert not (s2.root / "trash" / f"{old.id}.json").exists()
    assert (s2.root / "trash" / f"{recent.id}.json").exists()
    s2.close()


def test_deleting_a_long_untouched_conversation_keeps_it_in_trash(
    store: ConversationStore,
) -> None:
    conv = store.create(title="ancient")
    path = store.root / "conversations" / f"{conv.id}.json"
    long_ago = time.time() - 90 * 86400
    os.utime(path, (long_ago, long_ago))
    store.delete(conv.id)
    store.close()
    s2 = ConversationStore(store.root)
    assert s2.restore(conv.id).title == "ancient"
    s2.close()


def test_search_matches_title_and_text_in_any_case_newest_first(
    store: ConversationStore,
) -> None:
    a = store.create(title="Python tips")
    b = store.create(title="Cooking")
    b.messages.append(Message(role="assistant", content="Use a PYTHON-shaped pan."))
    store.save(b)
    c = store.create(title="Other")
    assert store.search("python") == [b.id, a.id]
    assert store.search("nothing like this") == []
    assert store.search("PAN") == [b.id]
    assert c.id not in store.search("python")
    assert store.search("python", limit=1) == [b.id]


def test_search_sees_new_text_after_save_and_after_reopen(store: ConversationStore) -> None:
    conv = store.create(title="x")
    assert store.search("zebra") == []
    conv.messages.append(Message(role="user", content="a Zebra"))
    store.save(conv)
    assert store.search("zebra") == [conv.id]
    store.close()
    s2 = ConversationStore(store.root)
    assert s2.search("ZEBRA") == [conv.id]
    s2.close()


def test_list_comes_from_the_index_without_reading_conversations(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = ConversationStore(root)
    for i in range(5):
        s.create(title=f"c{i}")
    s.close()

    def no_reading(self: folder_watch.FolderWatch, conv_id: str) -> None:
        raise AssertionError("list() parsed a conversation file")

    monkeypatch.setattr(folder_watch.FolderWatch, "read", no_reading)
    s2 = ConversationStore(root)
    assert sorted(r.title for r in s2.list()) == [f"c{i}" for i in range(5)]
    s2.close()


def test_index_is_rebuilt_when_missing_or_corrupt(root: Path) -> None:
    s = ConversationStore(root)
    ids = {s.create(title=f"c{i}").id for i in range(3)}
    s.close()
    (root / "index.json").unlink()
    s = ConversationStore(root)
    assert {r.id for r in s.list()} == ids
    s.close()
    (root / "index.json").write_text("{ not json")
    s = ConversationStore(root)
    assert {r.id for r in s.list()} == ids
    assert s.problems == []  # the index is a cache: nothing for the user to worry about
    s.close()


def test_index_follows_files_changed_added_or_removed_behind_our_back(
    store: ConversationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In-place edits are found by the periodic full scan; make it happen on every call.
    monkeypatch.setattr(folder_watch, "FULL_SCAN_SECONDS", 0.0)
    a = store.create(title="a")
    b = store.create(title="b")
    store.flush_index()
    folder = store.root / "conversations"
    # Edited by hand: a new title.
    data = json.loads((folder / f"{a.id}.json").read_text())
    data["title"] = "a edited by hand"
    (folder / f"{a.id}.json").write_text(json.dumps(data))
    # Added by hand: a copy under another name keeps the name as its id.
    (folder / "copied_chat.json").write_text(json.dumps(data))
    # Removed by hand.
    (folder / f"{b.id}.json").unlink()
    titles = {r.id: r.title for r in store.list()}
    assert titles == {a.id: "a edited by hand", "copied_chat": "a edited by hand"}
    assert store.load("copied_chat").id == "copied_chat"


def test_files_added_or_removed_behind_our_back_show_up_at_once(
    store: ConversationStore,
) -> None:
    a = store.create(title="a")
    b = store.create(title="b")
    store.list()
    folder = store.root / "conversations"
    (folder / "dropped_in.json").write_text((folder / f"{a.id}.json").read_text())
    (folder / f"{b.id}.json").unlink()
    assert sorted(r.id for r in store.list()) == sorted([a.id, "dropped_in"])
    assert store.search("b") == []


def test_changes_hidden_from_the_folder_mtime_are_found_by_the_periodic_scan(
    store: ConversationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = store.create(title="a")
    store.list()
    folder = store.root / "conversations"
    seen = folder.stat().st_mtime_ns
    (folder / "dropped_in.json").write_text((folder / f"{a.id}.json").read_text())
    os.utime(folder, ns=(seen, seen))  # as if a coarse clock hid the change
    monkeypatch.setattr(folder_watch, "FULL_SCAN_SECONDS", 0.0)  # "10 s later"
    assert sorted(r.id for r in store.list()) == sorted([a.id, "dropped_in"])


def test_a_file_edited_in_place_is_reread_on_the_next_start(root: Path) -> None:
    s = ConversationStore(root)
    conv = s.create(title="before")
    s.close()
    path = root / "conversations" / f"{conv.id}.json"
    data = json.loads(path.read_text())
    data["title"] = "after, longer"
    path.write_text(json.dumps(data))
    s = ConversationStore(root)
    assert [r.title for r in s.list()] == ["after, longer"]
    s.close()


def test_index_written_by_close_is_trusted_only_while_files_match(root: Path) -> None:
    s = ConversationStore(root)
    conv = s.create(title="t")
    conv.messages.append(Message(role="user", content="one"))
    s.save(conv)
    s.close()
    index = json.loads((root / "index.json").read_text())
    assert index_value(index, conv.id, "message_count") == 1
    # Make the cached row lie; the file's mtime/size still match, so it is trusted...
    path = root / "conversations" / f"{conv.id}.json"
    st = path.stat()
    data = json.loads(path.read_text())
    data["messages"].append({"role": "user", "content": "two", "created_at": 1.0})
    path.write_text(json.dumps(data, indent=2))
    # ...but here the file changed, so the row is recomputed from the file.
    assert path.stat().st_size != st.st_size
    s2 = ConversationStore(root)
    (row,) = s2.list()
    assert row.message_count == 2
    assert row.preview == "two"
    s2.close()


def test_a_failed_open_does_not_leave_the_folder_locked(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(store_module.housekeeping, "purge_old_files", broken)
    with pytest.raises(OSError):
        ConversationStore(root)
    monkeypatch.undo()
    ConversationStore(root).close()
