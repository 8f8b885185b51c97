"""Files the store did not write as it writes them: a BOM, a lying index, folders and links
under conversation names, files it may not read. Each is shown, or named in a notice, and is
never deleted or moved unless it was read and found damaged."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest

from nebula_desktop.store import Conversation, ConversationStore, Message
from nebula_desktop.store.index import COLUMNS, index_row
from nebula_desktop.store.search import SearchCache

BOM = b"\xef\xbb\xbf"


def _make(root: Path, *titles: str) -> list[str]:
    ids = []
    with ConversationStore(root) as s:
        for title in titles:
            conv = s.create(title=title)
            conv.messages.append(Message(role="user", content=f"words of {title}"))
            s.save(conv)
            ids.append(conv.id)
    return ids


def _file(root: Path, conv_id: str) -> Path:
    return root / "conversations" / f"{conv_id}.json"


def test_a_file_saved_with_a_utf8_bom_loads_and_is_found_by_search(root: Path) -> None:
    (conv_id,) = _make(root, "notepad edit")
    path = _file(root, conv_id)
    path.write_bytes(BOM + path.read_bytes())
    (root / "index.json").unlink()
    with ConversationStore(root) as s:
        assert [row.title for row in s.list()] == ["notepad edit"]
        assert s.problems == []
        assert s.search("words of notepad") == [conv_id]
        assert s.load(conv_id).messages[0].content == "words of notepad edit"
    assert not list((root / "quarantine").iterdir())


def _lying_index(root: Path, real: list[str]) -> None:
    """Rows for ids that climb out of the folder or have no file, false read-only flags."""
    index = root / "index.json"
    data = json.loads(index.read_text())
    template = index_row(data, real[0])
    newer = COLUMNS.index("newer_schema")
    for fake_id in ("../x", "../../etc/passwd", "b" * 32):
        row = list(template)
        row[0], row[1] = fake_id, f"ghost {fake_id}"
        row[newer] = 99
        data["rows"].append(row)
    data["rows"].append(list(template))  # a second row for a real id
    for conv_id in real:
        index_row(data, conv_id)[newer] = 7  # the files are of the current format
    index.write_text(json.dumps(data))
    # A real conversation file at conversations/../x.json: the "../x" row would open it.
    (root / "x.json").write_bytes(_file(root, real[0]).read_bytes())


@pytest.mark.parametrize("verify_later", [False, True])
def test_a_lying_index_shows_no_ghost_rows_and_no_false_read_only_notices(
    root: Path, verify_later: bool
) -> None:
    real = _make(root, "one", "two")
    with ConversationStore(root) as s:  # a dash is fine in an id (imports keep theirs)
        s.save(Conversation(id="imported-chat", title="three", created_at=1.0, updated_at=1.0))
    real.append("imported-chat")
    _lying_index(root, real)
    titles = ["one", "three", "two"]
    with ConversationStore(root, verify_later=verify_later) as s:
        assert sorted(row.title for row in s.list()) == titles  # before verify() too
        assert s.problems == []
        assert not any(s.load(conv_id).read_only for conv_id in real)
        s.verify()
        assert sorted(row.title for row in s.list()) == titles
        assert s.problems == []
    with ConversationStore(root, verify_later=True) as s:  # the index written back is clean
        assert sorted(row.title for row in s.list()) == titles
        assert s.problems == []


def test_a_folder_named_like_a_conversation_is_named_in_a_notice_and_left_alone(
    root: Path,
) -> None:
    _make(root, "kept")
    folder = _file(root, "c" * 32)
    folder.mkdir()
    (folder / "inside.txt").write_text("mine")
    with ConversationStore(root) as s:
        assert [row.title for row in s.list()] == ["kept"]
        (notice,) = s.problems
        assert f"{'c' * 32}.json is a folder, not a regular file." in notice
        assert "left untouched" in notice
    with ConversationStore(root) as s:  # opening it by id says the same, once
        with pytest.raises(Exception, match="is a folder"):
            s.load("c" * 32)
        assert len(s.problems) == 1
    assert (folder / "inside.txt").read_text() == "mine"


def test_a_symlink_loop_under_a_conversation_name_is_named_in_a_notice(root: Path) -> None:
    _make(root, "kept")
    link = _file(root, "d" * 32)
    link.symlink_to(link.name)
    with ConversationStore(root) as s:
        assert [row.title for row in s.list()] == ["kept"]
        (notice,) = s.problems
        assert f"{'d' * 32}.json" in notice and "symbolic links" in notice
    assert link.is_symlink()


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files without permission"
)
def test_a_file_without_read_permission_is_named_in_a_notice_and_kept(root: Path) -> None:
    _, locked = _make(root, "kept", "locked")
    path = _file(root, locked)
    path.chmod(0)
    try:
        (root / "index.json").unlink()
        with ConversationStore(root) as s:
            assert [row.title for row in s.list()] == ["kept"]
            (notice,) = s.problems
            assert f"{locked}.json" in notice and "Permission denied" in notice
        assert path.exists() and not list((root / "quarantine").iterdir())
    finally:
        path.chmod(0o600)


@pytest.mark.timeout(10)
def test_search_never_opens_a_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "x.json"
    os.mkfifo(fifo)
    assert SearchCache().text("x", fifo, 0, 0) == ""


def test_a_long_chat_of_several_megabytes_still_opens(root: Path) -> None:
    # Priced before parsing (over 1 MB): commas in the text only raise the price, not past it.
    text = "words, more words, and more, " * 40
    with ConversationStore(root) as s:
        conv = s.create(title="long")
        conv.messages = [Message(role="user", content=f"{i} {text}") for i in range(3000)]
        s.save(conv)
    assert _file(root, conv.id).stat().st_size > 3 * 1024 * 1024
    (root / "index.json").unlink()
    with ConversationStore(root) as s:
        assert [row.message_count for row in s.list()] == [3000]
        assert s.problems == []
        assert s.search("3 words, more") == [conv.id]


def test_a_chat_saved_with_a_bom_counts_as_ours_for_restore_and_import(tmp_path: Path) -> None:
    # The loader reads such a file; a restore must see the same chat (replaceable after its
    # safety copy), not an unreadable stranger that it silently never restores over.
    with ConversationStore(tmp_path) as store:
        conv = store.create(title="Saved by an editor with a BOM")
        path = tmp_path / "conversations" / f"{conv.id}.json"
        path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
        state = store.file_state(conv.id)
        assert state.kind == "replaceable"
        assert state.conversation is not None
        assert state.conversation.title == "Saved by an editor with a BOM"
