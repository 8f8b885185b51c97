"""Opening the store: what a start trusts from the index, and what it still finds out."""

from __future__ import annotations

import json
import os
from pathlib import Path

from nebula_desktop.store import ConversationStore, Message
from nebula_desktop.store.index import COLUMNS, index_row


def _make(root: Path, *titles: str) -> list[str]:
    s = ConversationStore(root)
    ids = []
    for title in titles:
        conv = s.create(title=title)
        conv.messages.append(Message(role="user", content=f"hello from {title}"))
        s.save(conv)
        ids.append(conv.id)
    s.close()
    return ids


def _file(root: Path, conv_id: str) -> Path:
    return root / "conversations" / f"{conv_id}.json"


def test_opening_a_chat_leaves_index_json_untouched(root: Path) -> None:
    (conv_id,) = _make(root, "one")
    index = root / "index.json"
    before = (index.read_bytes(), index.stat().st_mtime_ns)
    for verify_later in (False, True):
        s = ConversationStore(root, verify_later=verify_later)
        s.load(conv_id)
        s.list()
        s.verify()
        s.close()
        assert (index.read_bytes(), index.stat().st_mtime_ns) == before


def test_conflict_copy_names_are_still_recognised(root: Path) -> None:
    (conv_id,) = _make(root, "mine")
    # A OneDrive-style copy is a valid id in form; Syncthing's has a dot. Neither is a chat.
    onedrive = _file(root, f"{'ab' * 16}-laptop")
    syncthing = _file(root, f"{conv_id}.sync-conflict-20240101-123456-ABCDEFG")
    for copy in (onedrive, syncthing):
        copy.write_bytes(_file(root, conv_id).read_bytes())
    for verify_later in (False, True):
        s = ConversationStore(root, verify_later=verify_later)
        s.verify()
        assert [r.id for r in s.list()] == [conv_id]
        s.close()
    assert onedrive.exists() and syncthing.exists()  # left for the merge offer, untouched


def test_a_deferred_check_finds_a_file_edited_in_place_while_closed(root: Path) -> None:
    (conv_id,) = _make(root, "before")
    path = _file(root, conv_id)
    data = json.loads(path.read_text())
    data["title"] = "after, longer"
    path.write_text(json.dumps(data))
    s = ConversationStore(root, verify_later=True)
    assert [r.title for r in s.list()] == ["before"]  # the index, served at once
    assert s.verify() is True
    assert [r.title for r in s.list()] == ["after, longer"]
    assert s.verify() is False  # done once
    s.close()
    s = ConversationStore(root)
    assert [r.title for r in s.list()] == ["after, longer"]
    s.close()


def test_a_deferred_check_finds_chats_added_and_removed_while_closed(root: Path) -> None:
    _kept, gone = _make(root, "kept", "gone")
    elsewhere = root.parent / "other"
    (added,) = _make(elsewhere, "added")
    os.replace(_file(elsewhere, added), _file(root, added))
    _file(root, gone).unlink()
    s = ConversationStore(root, verify_later=True)
    assert s.verify() is True
    assert sorted(r.title for r in s.list()) == ["added", "kept"]
    assert s.summary(gone) is None
    s.close()


def test_a_deferred_check_reports_nothing_when_nothing_changed(root: Path) -> None:
    _make(root, "a", "b")
    s = ConversationStore(root, verify_later=True)
    rows = s.list()
    assert s.verify() is False
    assert s.list() == rows
    s.close()


def test_a_chat_saved_before_the_deferred_check_is_not_lost(root: Path) -> None:
    _make(root, "old")
    s = ConversationStore(root, verify_later=True)
    new = s.create(title="new")  # may land after the background listing
    s.verify()
    assert sorted(r.title for r in s.list()) == ["new", "old"]
    assert s.summary(new.id) is not None
    s.close()


def test_without_an_index_the_chats_are_listed_at_once(root: Path) -> None:
    _make(root, "a", "b")
    (root / "index.json").unlink()
    s = ConversationStore(root, verify_later=True)
    assert sorted(r.title for r in s.list()) == ["a", "b"]
    assert s.verify() is False
    s.close()


def test_a_file_damaged_while_closed_is_reported_by_the_deferred_check(root: Path) -> None:
    (conv_id,) = _make(root, "fragile")
    _file(root, conv_id).write_text("{ this is not json")
    s = ConversationStore(root, verify_later=True)
    assert s.problems == []
    assert s.verify() is True
    assert s.list() == []
    assert any("could not be read" in p for p in s.problems)
    assert list((root / "quarantine").iterdir())  # moved aside, never deleted
    s.close()


def test_an_index_of_the_older_layout_is_rebuilt_from_the_files(root: Path) -> None:
    (conv_id,) = _make(root, "kept")
    stale = {"version": 1, "entries": {conv_id: {"title": "stale"}}}
    (root / "index.json").write_text(json.dumps(stale))
    s = ConversationStore(root)
    assert [r.title for r in s.list()] == ["kept"]
    s.close()
    assert json.loads((root / "index.json").read_text())["version"] == 2


def test_a_damaged_index_row_is_reread_from_its_file(root: Path) -> None:
    (conv_id,) = _make(root, "right")
    index = root / "index.json"
    data = json.loads(index.read_text())
    index_row(data, conv_id)[COLUMNS.index("message_count")] = "many"  # wrong type: not trusted
    index.write_text(json.dumps(data))
    s = ConversationStore(root)
    (row,) = s.list()
    assert (row.title, row.message_count) == ("right", 1)
    s.close()


def test_one_damaged_row_costs_only_that_row_the_others_are_still_trusted(root: Path) -> None:
    ids = _make(root, "first", "second", "third", "fourth")
    index = root / "index.json"
    data = json.loads(index.read_text())
    # Rows the start trusts show what the index says (their files are not read)…
    index_row(data, ids[0])[COLUMNS.index("title")] = "from the index"
    index_row(data, ids[1])[COLUMNS.index("created_at")] = 1  # hand-made int time: still fine
    index_row(data, ids[1])[COLUMNS.index("title")] = "also from the index"
    # …a damaged row is read again from its file, the others are not.
    index_row(data, ids[2])[COLUMNS.index("pinned")] = "yes"
    index_row(data, ids[3]).append("extra column")
    index.write_text(json.dumps(data))
    s = ConversationStore(root)
    titles = {row.id: row.title for row in s.list()}
    assert titles == {
        ids[0]: "from the index",
        ids[1]: "also from the index",
        ids[2]: "third",
        ids[3]: "fourth",
    }
    assert s.summary(ids[1]).created_at == 1.0  # type: ignore[union-attr]
    s.close()


def test_saving_does_not_rewrite_the_index_and_a_crash_loses_nothing(root: Path) -> None:
    (first,) = _make(root, "first")
    index = root / "index.json"
    before = index.read_bytes()
    s = ConversationStore(root)
    conv = s.load(first)
    conv.messages.append(Message(role="assistant", content="an answer, saved while streaming"))
    s.save(conv)
    new = s.create(title="second")
    assert index.read_bytes() == before  # ~45 ms at 10,000 chats: not on every save
    # A crash now (the index never written): the next start still shows everything.
    s._lock.release()  # type: ignore[union-attr]  # what the OS does for a killed process
    s._lock = None
    again = ConversationStore(root)
    rows = {r.id: r for r in again.list()}
    assert set(rows) == {first, new.id}
    assert rows[first].preview == "an answer, saved while streaming"
    again.flush_index()
    assert index.read_bytes() != before
    again.close()
