"""Conflict copies from Dropbox, Syncthing, OneDrive and Nextcloud: found, never listed as
chats nor quarantined, and merged into their original without losing anyone's words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nebula_desktop.store import Conversation, ConversationStore, Message
from nebula_desktop.store.sync import (
    MERGED_DIR,
    find_conflicts,
    match_conflict,
    merge_conversations,
    merge_copy,
)

ID = "0123456789abcdef0123456789abcdef"
# The merged chat: the messages of both sides of the conflict, each once.
MERGED_TEXTS = ["question", "answer on A", "answer on B", "more from B"]

CONFLICT_NAMES = [
    (f"{ID} (conflicted copy 2024-01-01)", "Dropbox or Nextcloud"),
    (f"{ID} (Bob's conflicted copy 2024-01-01)", "Dropbox or Nextcloud"),
    (f"{ID} (Bob’s conflicted copy 2024-01-01 (1))", None),  # nested parens: not ours
    (f"{ID} (conflicted copy 2024-01-01 123456)", "Dropbox or Nextcloud"),
    (f"{ID}.sync-conflict-20240101-123456-ABCDEFG", "Syncthing"),
    (f"{ID}-LAPTOP-BOB", "OneDrive"),
]


@pytest.mark.parametrize(("stem", "tool"), CONFLICT_NAMES)
def test_sync_tool_names_are_recognised(stem: str, tool: str | None) -> None:
    hit = match_conflict(stem)
    assert (hit[1] if hit else None) == tool
    if hit:
        assert hit[0] == ID


@pytest.mark.parametrize("stem", [ID, "legacy", "notes-2024", "abc (copy)"])
def test_ordinary_names_are_not_conflicts(stem: str) -> None:
    assert match_conflict(stem) is None


def _conv(messages: list[Message], title: str = "Chat", updated: float = 10.0) -> dict[str, object]:
    return Conversation(
        id=ID, title=title, created_at=1.0, updated_at=updated, messages=messages
    ).to_dict()


def _write(root: Path, stem: str, d: dict[str, object]) -> Path:
    path = root / "conversations" / f"{stem}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(d), encoding="utf-8")
    return path


@pytest.fixture
def synced(tmp_path: Path) -> Path:
    """A data folder where two machines both answered after the same question."""
    root = tmp_path / "data"
    q = Message("user", "question", id="q", created_at=2.0)
    _write(
        root,
        ID,
        _conv([q, Message("assistant", "answer on A", id="a", created_at=3.0)], "A title", 10.0),
    )
    for stem, _tool in CONFLICT_NAMES:
        if _tool is None:
            continue
        _write(
            root,
            stem,
            _conv(
                [
                    q,
                    Message("assistant", "answer on B", id="a", created_at=3.0),
                    Message("user", "more from B", id="b2", created_at=4.0),
                ],
                "B title",
                20.0,
            ),
        )
    return root


def test_conflict_copies_are_not_chats_and_not_quarantined(synced: Path) -> None:
    with ConversationStore(synced) as store:
        assert [s.id for s in store.list()] == [ID]
        assert store.problems == []
    assert list((synced / "quarantine").iterdir()) == []
    assert len(find_conflicts(synced / "conversations")) == 5


def test_merge_keeps_both_versions_and_moves_the_copy_aside(synced: Path) -> None:
    with ConversationStore(synced) as store:
        (copy, *_rest) = find_conflicts(store.conversations_dir)
        conv = merge_copy(store, copy)
        assert [m.content for m in conv.messages] == MERGED_TEXTS
        assert len({m.id for m in conv.messages}) == 4
        assert conv.title == "B title"  # the newer side's title
        assert store.load(ID) is conv
        on_disk = json.loads((store.conversations_dir / f"{ID}.json").read_text())
        assert [m["content"] for m in on_disk["messages"]][-1] == "more from B"
    assert not copy.path.exists()
    assert (synced / MERGED_DIR / copy.path.name).exists()  # kept, never deleted
    assert len(find_conflicts(synced / "conversations")) == 4


def test_merging_every_copy_adds_each_message_once(synced: Path) -> None:
    with ConversationStore(synced) as store:
        for copy in find_conflicts(store.conversations_dir):
            conv = merge_copy(store, copy)
        assert [m.content for m in conv.messages] == MERGED_TEXTS
        assert len(store.list()) == 1


def test_copy_of_a_deleted_conversation_becomes_the_conversation(tmp_path: Path) -> None:
    root = tmp_path / "data"
    stem = f"{ID}.sync-conflict-20240101-123456-ABCDEFG"
    _write(root, stem, _conv([Message("user", "only here", id="x", created_at=2.0)]))
    with ConversationStore(root) as store:
        assert store.list() == []
        (copy,) = find_conflicts(store.conversations_dir)
        merge_copy(store, copy)
        assert [s.id for s in store.list()] == [ID]
        assert store.load(ID).messages[0].content == "only here"


def test_identical_messages_are_not_duplicated() -> None:
    m = Message("user", "same", id="s", created_at=1.0)
    a = Conversation.from_dict(_conv([m]))
    b = Conversation.from_dict(_conv([m, Message("assistant", "new", id="n", created_at=0.5)]))
    assert [x.content for x in merge_conversations(a, b)] == ["new", "same"]


def test_a_last_answer_that_differs_becomes_a_branch_alternative() -> None:
    q = Message("user", "question", id="q", created_at=1.0)
    cut = Message("assistant", "The answer is", id="a", created_at=2.0, complete=False)
    full = Message("assistant", "The answer is 42.", id="a", created_at=2.0)
    mine = Conversation.from_dict(_conv([q, cut]))
    theirs = Conversation.from_dict(_conv([q, full]))
    mine.messages = merge_conversations(mine, theirs)
    assert [m.content for m in mine.messages] == ["question", "The answer is"]
    fork = mine.messages[1]
    assert fork.branch_count == 2
    assert fork.alternatives[0][0].content == "The answer is 42."
    assert fork.alternatives[0][0].id != "a"  # ids stay unique
    # Merging the same copy again (a second conflict file) adds nothing.
    mine.messages = merge_conversations(mine, theirs)
    assert mine.messages[1].branch_count == 2 and len(mine.messages) == 2
    assert mine.switch_branch(1, 1)
    assert mine.messages[-1].content == "The answer is 42."


def test_branches_made_on_the_other_machine_are_kept() -> None:
    q = Message("user", "question", id="q", created_at=1.0)
    a1 = Message("assistant", "first", id="a1", created_at=2.0)
    mine = Conversation.from_dict(_conv([q, a1]))
    theirs = Conversation.from_dict(_conv([q, a1]))
    theirs.add_branch(1, [Message("assistant", "regenerated", id="a2", created_at=3.0)])
    mine.messages = merge_conversations(mine, theirs)
    contents = {m.content for m in mine.messages} | {
        t[0].content for m in mine.messages for t in m.alternatives
    }
    assert contents == {"question", "first", "regenerated"}
    ids = [m.id for m in mine.messages]
    assert len(ids) == len(set(ids)) == 3
    assert all(not m.alternatives for m in mine.messages)  # "first" is already on the path
