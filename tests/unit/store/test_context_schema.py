"""Schema 3: a chat's context limit and its "Clear context" divider are stored, validated and
migrated to; files of version 2 are backed up first, files newer than ours stay read-only."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from nebula_desktop.backup import pre_migration_backup
from nebula_desktop.store import SCHEMA_VERSION, Conversation, ConversationStore, Message
from nebula_desktop.store.file_state import NEWER, REPLACEABLE, read_file_state
from nebula_desktop.store.sync import find_conflicts, merge_copy

# A chat as schema 2 wrote it (Conversation.to_dict of that version, written by dump_bytes: one
# field per line, one message per line), with a fork and an image: everything v2 could hold.
V2_FILE = b"""{
  "schema_version": 2,
  "id": "v2chat",
  "title": "Version two",
  "created_at": 100.0,
  "updated_at": 200.0,
  "model": "gpt-4o",
  "profile_id": "ai-nebula",
  "system_prompt": "Be brief.",
  "temperature": 0.3,
  "max_tokens": null,
  "pinned": true,
  "draft": "half a thought",
  "messages": [
    {"id": "u1", "role": "user", "content": "What is this?", "reasoning": "", "created_at": 100.0, "model": null, "usage": null, "finish_reason": null, "complete": true, "error": null, "request_id": null, "reasoning_seconds": null, "attachments": [{"name": "a.png", "mime": "image/png", "data": "eHl6", "width": 3, "height": 4}]},
    {"id": "a1", "role": "assistant", "content": "A cat.", "reasoning": "", "created_at": 101.0, "model": "gpt-4o", "usage": {"prompt_tokens": 90, "completion_tokens": 3}, "finish_reason": "stop", "complete": true, "error": null, "request_id": "r1", "reasoning_seconds": null, "alternatives": [[{"id": "a0", "role": "assistant", "content": "A dog.", "reasoning": "", "created_at": 100.5, "model": "gpt-4o", "usage": null, "finish_reason": "stop", "complete": true, "error": null, "request_id": null, "reasoning_seconds": null}]], "branch_index": 1}
  ]
}
"""  # noqa: E501


def _write(root: Path, conv_id: str, data: bytes) -> Path:
    folder = root / "conversations"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{conv_id}.json"
    path.write_bytes(data)
    return path


def _v2_store(root: Path) -> tuple[Path, ConversationStore, list[Path]]:
    """V2_FILE written as chat "v2chat", a store on ``root`` that zips the folder before it
    migrates, and the list of those zips."""
    path = _write(root, "v2chat", V2_FILE)
    backups: list[Path] = []
    s = ConversationStore(
        root, backup_before_migration=lambda r: backups.append(pre_migration_backup(r))
    )
    return path, s, backups


def test_schema_2_file_is_backed_up_then_saved_as_3_and_the_new_fields_round_trip(
    root: Path,
) -> None:
    path, s, backups = _v2_store(root)
    conv = s.load("v2chat")
    # Everything version 2 held is there, and the chat sends its whole history as before.
    assert [m.content for m in conv.messages] == ["What is this?", "A cat."]
    assert (
        conv.messages[1].branch_count == 2
        and conv.messages[1].alternatives[0][0].content == "A dog."
    )
    assert conv.messages[0].attachments[0]["name"] == "a.png"
    assert (conv.pinned, conv.draft, conv.system_prompt) == (True, "half a thought", "Be brief.")
    assert conv.context_limit is None
    assert not any(m.context_break for m in conv.messages)
    # The whole folder was zipped before the migration, with the file as version 2 wrote it,
    # and the file itself was copied aside.
    (zipped,) = backups
    with zipfile.ZipFile(zipped) as zf:
        assert zf.read("conversations/v2chat.json") == V2_FILE
    copies = [p for p in (root / "backups").iterdir() if p.suffix == ".json"]
    assert [p.read_bytes() for p in copies] == [V2_FILE]
    on_disk = json.loads(path.read_bytes())
    assert on_disk["schema_version"] == SCHEMA_VERSION >= 3
    assert "context_limit" not in on_disk  # unset: the file says nothing new
    # The user limits the chat and clears its context; both survive a restart.
    conv.context_limit = 6
    conv.messages[1].context_break = True
    s.save(conv)
    s.close()
    s = ConversationStore(root)
    again = s.load("v2chat")
    assert again.context_limit == 6
    assert [m.context_break for m in again.messages] == [False, True]
    assert again.messages[1].alternatives[0][0].content == "A dog."
    assert s.problems == []
    s.close()
    assert len(copies) == len([p for p in (root / "backups").iterdir() if p.suffix == ".json"])


@pytest.mark.parametrize("bad", [0, -1, True, False, 2.5, "3", [3]])
def test_a_context_limit_that_is_not_a_whole_number_of_at_least_1_is_refused(bad: object) -> None:
    d = Conversation(id="c", title="t", created_at=1.0, updated_at=1.0).to_dict()
    d["context_limit"] = bad
    with pytest.raises(ValueError, match="context_limit"):
        Conversation.from_dict(d)


def test_a_file_with_a_broken_context_limit_is_quarantined_with_a_sentence(root: Path) -> None:
    d = Conversation(id="broken", title="t", created_at=1.0, updated_at=1.0).to_dict()
    d["context_limit"] = 0
    raw = json.dumps(d).encode()
    _write(root, "broken", raw)
    s = ConversationStore(root)
    assert s.list() == []
    (notice,) = s.problems
    assert "broken.json could not be read" in notice and "'context_limit'" in notice
    (kept,) = (root / "quarantine").iterdir()
    assert kept.read_bytes() == raw  # moved aside, never lost
    s.close()


def test_a_divider_flag_that_is_not_true_or_false_is_refused() -> None:
    d = Message(role="assistant", content="x").to_dict()
    d["context_break"] = 1
    with pytest.raises(ValueError, match="context_break"):
        Message.from_dict(d)


def test_a_chat_without_limit_or_divider_writes_the_same_fields_as_before() -> None:
    conv = Conversation(id="c", title="t", created_at=1.0, updated_at=1.0)
    conv.messages.append(Message(role="user", content="hi"))
    d = conv.to_dict()
    assert "context_limit" not in d and "context_break" not in d["messages"][0]
    conv.context_limit = 1
    conv.messages[0].context_break = True
    d = conv.to_dict()
    assert d["context_limit"] == 1 and d["messages"][0]["context_break"] is True
    assert Conversation.from_dict(d).to_dict() == d


def test_a_newer_file_stays_read_only_and_restore_replaces_only_older_ones(root: Path) -> None:
    future = {
        "schema_version": SCHEMA_VERSION + 1,
        "id": "future",
        "title": "From the future",
        "created_at": 1.0,
        "updated_at": 2.0,
        "context_limit": 3,
        "messages": [{"role": "user", "content": "hi", "context_break": True, "hologram": 1}],
    }
    raw = json.dumps(future).encode()
    path = _write(root, "future", raw)
    current = Conversation(id="now", title="t", created_at=1.0, updated_at=1.0, context_limit=2)
    _write(root, "now", json.dumps(current.to_dict()).encode())
    s = ConversationStore(root)
    conv = s.load("future")
    assert conv.read_only and conv.context_limit == 3 and conv.messages[0].context_break
    assert any(f"format {SCHEMA_VERSION + 1}" in p for p in s.problems)
    assert read_file_state(path).kind == NEWER
    state = read_file_state(root / "conversations" / "now.json")
    assert state.kind == REPLACEABLE
    assert state.conversation is not None and state.conversation.context_limit == 2
    old = root / "v2chat.json"
    old.write_bytes(V2_FILE)
    state = read_file_state(old)
    assert state.kind == REPLACEABLE
    assert state.conversation is not None and state.conversation.title == "Version two"
    s.close()
    # The index remembers the file is newer: the next start says so again without reading it.
    s = ConversationStore(root)
    assert any(f"format {SCHEMA_VERSION + 1}" in p for p in s.problems)
    s.close()
    assert path.read_bytes() == raw


def test_regenerating_the_last_answer_keeps_the_divider_below_it() -> None:
    conv = Conversation(id="c", title="t", created_at=1.0, updated_at=1.0)
    conv.messages += [
        Message(role="user", content="Q1"),
        Message(role="assistant", content="A1", context_break=True),
    ]
    conv.add_branch(1, [Message(role="assistant", content="A1 again")])
    assert conv.messages[1].context_break
    conv.switch_branch(1, 0)
    assert conv.messages[1].content == "A1" and conv.messages[1].context_break
    # Edit & resend of the last question keeps it too.
    conv.add_branch(0, [Message(role="user", content="Q1'"), Message(role="assistant", content="")])
    assert [m.context_break for m in conv.messages] == [False, True]


def test_branching_earlier_leaves_the_divider_with_the_old_version() -> None:
    conv = Conversation(id="c", title="t", created_at=1.0, updated_at=1.0)
    conv.messages += [
        Message(role="user", content="Q1"),
        Message(role="assistant", content="A1"),
        Message(role="user", content="Q2"),
        Message(role="assistant", content="A2", context_break=True),
    ]
    conv.add_branch(1, [Message(role="assistant", content="A1 again")])
    assert not any(m.context_break for m in conv.messages)
    conv.switch_branch(1, 0)
    assert conv.messages[3].context_break


def test_a_sync_conflict_keeps_the_divider_from_either_machine_and_the_newer_limit(
    tmp_path: Path,
) -> None:
    conv_id = "0123456789abcdef0123456789abcdef"
    root = tmp_path / "data"

    def side(updated: float, limit: int | None, divider: bool) -> dict[str, object]:
        conv = Conversation(
            id=conv_id, title="t", created_at=1.0, updated_at=updated, context_limit=limit
        )
        conv.messages += [
            Message("user", "q", id="q", created_at=2.0),
            Message("assistant", "a", id="a", created_at=3.0, context_break=divider),
        ]
        return conv.to_dict()

    _write(root, conv_id, json.dumps(side(10.0, None, False)).encode())
    _write(
        root,
        f"{conv_id}.sync-conflict-20240101-123456-ABCDEFG",
        json.dumps(side(20.0, 4, True)).encode(),
    )
    with ConversationStore(root) as store:
        (copy,) = find_conflicts(store.conversations_dir)
        merged = merge_copy(store, copy)
        assert merged.context_limit == 4  # the newer side's setting
        assert [m.context_break for m in merged.messages] == [False, True]
