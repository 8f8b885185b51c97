"""The file text of a conversation: exact after any change, cheap while an answer streams."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from nebula_desktop.store import ConversationStore, Message
from nebula_desktop.store.loader import MessageTexts, dump_bytes
from nebula_desktop.store.model import Conversation


def _conversation(n: int) -> Conversation:
    conv = Conversation(id="c" * 32, title="A chat 中文 🎉", created_at=1.0, updated_at=2.0)
    for i in range(n):
        role = "user" if i % 2 == 0 else "assistant"
        conv.messages.append(Message(role=role, content=f"message {i} — “quoted” \\ and \n lines"))
    return conv


# Every kind of change a chat goes through, several of them in place (the risky ones for a
# text kept from the last save).
CHANGES = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "append",
                "stream",
                "edit",
                "usage_in_place",
                "tool_args_in_place",
                "attachment",
                "branch",
                "flip",
                "delete",
                "title",
                "complete",
            ]
        ),
        st.integers(0, 50),
        st.text(max_size=8),
    ),
    max_size=30,
)


def _apply(conv: Conversation, change: str, which: int, text: str) -> None:
    msgs = conv.messages
    m = msgs[which % len(msgs)] if msgs else None
    if change == "append" or m is None:
        msgs.append(Message(role="assistant", content=text, complete=False))
    elif change == "stream":
        msgs[-1].content += text
    elif change == "edit":
        m.content = text
    elif change == "usage_in_place":
        if m.usage is None:
            m.usage = {"total_tokens": 1, "details": {"cached": 0}}
        else:
            m.usage["total_tokens"] = int(m.usage.get("total_tokens", 0)) + 1
            m.usage.setdefault("details", {})["cached"] = which
    elif change == "tool_args_in_place":
        if not m.tool_calls:
            m.tool_calls = [
                {"id": "t", "type": "function", "function": {"name": "f", "arguments": ""}}
            ]
        m.tool_calls[0]["function"]["arguments"] += text
    elif change == "attachment":
        m.attachments.append({"name": f"{text}.txt", "mime": "text/plain", "data": "aGk="})
    elif change == "branch":
        m.alternatives.append([Message(role="assistant", content=f"other {text}")])
    elif change == "flip" and m.alternatives:
        m.alternatives[0][0].content += "!"
        m.branch_index = (m.branch_index + 1) % m.branch_count
    elif change == "delete":
        msgs.remove(m)
    elif change == "title":
        conv.title = text
    elif change == "complete":
        m.complete = not m.complete


@settings(max_examples=200, deadline=None)
@given(start=st.integers(0, 6), changes=CHANGES)
def test_the_text_is_always_the_conversation_as_it_is_now(
    start: int, changes: list[tuple[str, int, str]]
) -> None:
    conv = _conversation(start)
    texts: MessageTexts = {}
    dump_bytes(conv, texts)
    for change, which, text in changes:
        _apply(conv, change, which, text)
        saved = dump_bytes(conv, texts)
        assert json.loads(saved) == conv.to_dict()
        assert saved == dump_bytes(conv)  # the same text as without anything kept


def test_the_file_is_readable_one_message_per_line() -> None:
    text = dump_bytes(_conversation(3)).decode()
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    assert '  "title": "A chat 中文 🎉",' in lines  # unescaped: readable as written
    assert sum(line.startswith('    {"id": ') for line in lines) == 3
    assert (
        json.loads(dump_bytes(Conversation(id="e" * 32, title="", created_at=1.0, updated_at=1.0)))[
            "messages"
        ]
        == []
    )


def test_a_streamed_answer_saved_many_times_reads_back_exactly(tmp_path: Path) -> None:
    root = tmp_path / "data"
    with ConversationStore(root) as store:
        conv = store.create(title="long")
        conv.messages.extend(_conversation(200).messages)
        store.save(conv)
        other = store.create(title="other")  # a save of another chat in between
        answer = Message(role="assistant", content="", complete=False)
        conv.messages.append(answer)
        for i in range(20):
            answer.content += f"token {i} "
            answer.usage = {"completion_tokens": i}
            store.save(conv)
            if i == 10:
                other.messages.append(Message(role="user", content="meanwhile"))
                store.save(other)
        answer.complete = True
        store.save(conv)
        expected = conv.to_dict()
    with ConversationStore(root) as again:
        assert again.load(conv.id).to_dict() == expected
        assert again.load(other.id).messages[0].content == "meanwhile"


def test_a_broken_emoji_from_a_model_is_saved_and_read_back_as_it_came(tmp_path: Path) -> None:
    # Some gateways split an emoji's UTF-16 pair across events: lone surrogates in a str.
    root = tmp_path / "data"
    with ConversationStore(root) as store:
        conv = store.create(title="half \ud83d")
        conv.messages.append(Message(role="assistant", content="a \ud83d and \ude00 b"))
        store.save(conv)  # used to raise UnicodeEncodeError: the answer could not be saved
        raw = (root / "conversations" / f"{conv.id}.json").read_bytes()
    raw.decode("utf-8")  # the file is valid UTF-8 (the surrogates are JSON escapes)
    with ConversationStore(root) as again:
        loaded = again.load(conv.id)
        assert loaded.messages[0].content == "a \ud83d and \ude00 b"
        assert loaded.title == "half \ud83d"
        assert again.problems == []
