"""``Message.profile_id``: which endpoint profile answered (Compare asks several). Optional and
written only when set, so it needs no schema bump and older readers load the file unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nebula_desktop.store import SCHEMA_VERSION, ConversationStore, Message


def test_a_compared_answer_keeps_its_profile_across_a_restart(root: Path) -> None:
    store = ConversationStore(root)
    conv = store.create(title="Compare", model="gpt-4o", profile_id="ai-nebula")
    conv.messages.append(Message(role="user", content="Hi"))
    first = Message(role="assistant", content="Hello", model="gpt-4o", profile_id="ai-nebula")
    other = Message(role="assistant", content="Hey", model="llama3", profile_id="p-local")
    conv.messages.append(first)
    conv.add_branch(1, [other])
    conv.switch_branch(1, 0)
    store.save(conv)
    store.close()

    reopened = ConversationStore(root)
    try:
        loaded = reopened.load(conv.id)
    finally:
        reopened.close()
    answer = loaded.messages[1]
    assert (answer.profile_id, answer.alternatives[0][0].profile_id) == ("ai-nebula", "p-local")


def test_profile_id_is_written_only_when_set_and_adds_no_schema_bump(root: Path) -> None:
    store = ConversationStore(root)
    conv = store.create(title="Plain")
    conv.messages.append(Message(role="user", content="Hi"))
    conv.messages.append(Message(role="assistant", content="Yo", profile_id="p-local"))
    store.save(conv)
    store.close()
    data = json.loads((root / "conversations" / f"{conv.id}.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION == 4
    user, answer = data["messages"]
    assert "profile_id" not in user  # a message of an ordinary chat looks as it always did
    assert answer["profile_id"] == "p-local"


def test_an_older_reader_ignoring_the_key_loads_the_answer_whole() -> None:
    # Readers before profile_id take the keys they know and ignore the rest, as from_dict does
    # with any key it does not know: the answer reads the same without the new key.
    written = Message(role="assistant", content="Hey", model="llama3", profile_id="p-x").to_dict()
    older = {k: v for k, v in written.items() if k != "profile_id"}
    plain = Message.from_dict(older)
    with_unknown = Message.from_dict({**older, "some_future_key": {"x": 1}})
    assert (plain.content, plain.model, plain.profile_id) == ("Hey", "llama3", None)
    assert with_unknown.to_dict() == plain.to_dict()


def test_a_profile_id_that_is_not_text_is_a_damaged_file() -> None:
    base = Message(role="assistant", content="x").to_dict()
    with pytest.raises(ValueError, match="profile_id"):
        Message.from_dict({**base, "profile_id": 7})
    assert Message.from_dict({**base, "profile_id": None}).profile_id is None
