"""Branches: regenerate / edit & resend keep earlier versions; schema 1 files migrate to 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nebula_desktop.store import SCHEMA_VERSION, ConversationStore, Message
from nebula_desktop.store.model import Conversation


def _chat(store: ConversationStore) -> Conversation:
    conv = store.create(title="Branches")
    conv.messages += [
        Message(role="user", content="Q1"),
        Message(role="assistant", content="A1"),
        Message(role="user", content="Q2"),
        Message(role="assistant", content="A2 first"),
    ]
    return conv


def _texts(conv: Conversation) -> list[str]:
    return [m.content for m in conv.messages]


def test_regenerate_keeps_every_answer_and_counts_versions(store: ConversationStore) -> None:
    conv = _chat(store)
    conv.add_branch(3, [Message(role="assistant", content="A2 second")])
    conv.add_branch(3, [Message(role="assistant", content="A2 third")])
    head = conv.messages[3]
    assert (head.branch_index + 1, head.branch_count) == (3, 3)
    assert _texts(conv) == ["Q1", "A1", "Q2", "A2 third"]
    assert conv.switch_branch(3, 0)
    assert _texts(conv) == ["Q1", "A1", "Q2", "A2 first"]
    head = conv.messages[3]
    assert (head.branch_index + 1, head.branch_count) == (1, 3)
    assert conv.switch_branch(3, 1)
    assert _texts(conv)[-1] == "A2 second"


def test_edit_and_resend_keeps_the_old_question_with_its_answers(
    store: ConversationStore,
) -> None:
    conv = _chat(store)
    conv.add_branch(
        0, [Message(role="user", content="Q1 edited"), Message(role="assistant", content="new")]
    )
    assert _texts(conv) == ["Q1 edited", "new"]
    assert conv.messages[0].branch_count == 2
    conv.switch_branch(0, 0)
    # The whole following path comes back, not just the one message.
    assert _texts(conv) == ["Q1", "A1", "Q2", "A2 first"]


def test_nested_branches_travel_with_their_path(store: ConversationStore) -> None:
    conv = _chat(store)
    conv.add_branch(3, [Message(role="assistant", content="A2 second")])
    conv.add_branch(2, [Message(role="user", content="Q2 edited")])
    conv.switch_branch(2, 0)
    assert _texts(conv)[-1] == "A2 second"
    assert conv.messages[3].branch_count == 2


def test_choice_and_versions_survive_reopening(root: Path) -> None:
    s = ConversationStore(root)
    conv = _chat(s)
    conv.add_branch(3, [Message(role="assistant", content="A2 second")])
    conv.switch_branch(3, 0)
    s.save(conv)
    s.close()
    s = ConversationStore(root)
    again = s.load(conv.id)
    assert _texts(again)[-1] == "A2 first"
    assert again.messages[3].branch_count == 2
    again.switch_branch(3, 1)
    assert _texts(again)[-1] == "A2 second"
    # Previews and counts read the chosen path only.
    assert again.summary().preview == "A2 second"
    assert again.summary().message_count == 4
    s.close()


def test_switching_to_a_missing_version_changes_nothing(store: ConversationStore) -> None:
    conv = _chat(store)
    assert not conv.switch_branch(3, 1)
    assert not conv.switch_branch(9, 0)
    with pytest.raises(IndexError):
        conv.add_branch(4, [Message(role="assistant", content="x")])
    assert _texts(conv) == ["Q1", "A1", "Q2", "A2 first"]


def test_schema_1_file_is_backed_up_then_migrated_to_2(root: Path) -> None:
    old = {
        "schema_version": 1,
        "id": "v1chat",
        "title": "Version one",
        "created_at": 100.0,
        "updated_at": 200.0,
        "messages": [
            {"id": "u1", "role": "user", "content": "question", "created_at": 100.0},
            {"id": "a1", "role": "assistant", "content": "answer", "created_at": 101.0},
        ],
    }
    raw = json.dumps(old).encode()
    folder = root / "conversations"
    folder.mkdir(parents=True)
    path = folder / "v1chat.json"
    path.write_bytes(raw)
    s = ConversationStore(root)
    conv = s.load("v1chat")
    assert _texts(conv) == ["question", "answer"]
    assert all(m.branch_count == 1 and m.attachments == [] for m in conv.messages)
    backups = [p for p in (root / "backups").iterdir() if p.suffix == ".json"]
    assert [p.read_bytes() for p in backups] == [raw]
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION >= 2
    s.close()


def test_damaged_branch_data_is_refused_not_half_loaded() -> None:
    base = {"id": "x", "title": "t", "created_at": 1.0, "messages": []}
    for bad in (
        {"role": "user", "content": "q", "alternatives": "no"},
        {"role": "user", "content": "q", "alternatives": [[]]},
        {"role": "user", "content": "q", "alternatives": [[{"role": "user"}]], "branch_index": "1"},
        {"role": "user", "content": "q", "attachments": ["not an object"]},
    ):
        with pytest.raises(ValueError):
            Conversation.from_dict({**base, "messages": [bad]})


def _all_ids(messages: list[Message]) -> set[str]:
    ids: set[str] = set()
    for m in messages:
        ids.add(m.id)
        for tail in m.alternatives:
            ids |= _all_ids(tail)
    return ids


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 30), st.integers(0, 5)), max_size=25))
def test_any_mix_of_branching_and_flipping_loses_nothing_and_round_trips(
    steps: list[tuple[bool, int, int]],
) -> None:
    conv = Conversation(id="p", title="t", created_at=0.0, updated_at=0.0)
    conv.messages += [Message(role="user", content="q"), Message(role="assistant", content="a")]
    seen = _all_ids(conv.messages)
    for add, where, position in steps:
        index = where % len(conv.messages)
        if add:
            new = [Message(role="assistant", content=f"v{len(seen)}")]
            conv.add_branch(index, new)
            seen |= _all_ids(new)
            assert conv.messages[index] is new[0]
            assert conv.messages[index].branch_index == conv.messages[index].branch_count - 1
        else:
            conv.switch_branch(index, position)
        assert _all_ids(conv.messages) == seen  # every version is still reachable
    again = Conversation.from_dict(json.loads(json.dumps(conv.to_dict())))
    assert again.to_dict() == conv.to_dict()


def test_search_finds_a_chat_by_an_answer_in_another_version(root: Path) -> None:
    with ConversationStore(root) as store:
        conv = _chat(store)
        conv.add_branch(3, [Message(role="assistant", content="A2 second, with a zebra")])
        conv.switch_branch(3, 0)  # the zebra answer is no longer on the chosen path
        store.save(conv)
        assert "zebra" not in " ".join(_texts(conv))
        assert store.search("zebra") == [conv.id]
