"""Schema 4: tool results are stored one message each with their ``tool_call_id`` (and what the
chat shows of them, ``tool_info``); a version-2 file is backed up, migrated and saved as 4;
previews and search leave tool output out."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from nebula_desktop.store import SCHEMA_VERSION, Conversation, ConversationStore, Message
from tests.unit.store.test_context_schema import V2_FILE, _v2_store

CALL = {
    "id": "call_1",
    "type": "function",
    "function": {"name": "time__get_current_time", "arguments": '{"timezone": "Asia/Tokyo"}'},
}
INFO = {
    "name": "get_current_time",
    "server": "Time",
    "arguments": '{"timezone": "Asia/Tokyo"}',
    "duration_s": 0.25,
    "size": 96,
    "error": "",
}


def test_a_v2_file_migrates_to_4_after_a_backup_and_reloads_with_its_tool_messages(
    root: Path,
) -> None:
    path, s, backups = _v2_store(root)
    conv = s.load("v2chat")
    assert SCHEMA_VERSION == 4
    assert json.loads(path.read_bytes())["schema_version"] == 4
    (zipped,) = backups
    with zipfile.ZipFile(zipped) as zf:
        assert zf.read("conversations/v2chat.json") == V2_FILE
    assert all(m.tool_call_id is None and m.tool_info is None for m in conv.messages)
    # A tool round: the calls, the result, the answer.
    conv.messages += [
        Message(role="user", content="Time in Tokyo?"),
        Message(role="assistant", content="", tool_calls=[CALL]),
        Message(role="tool", content='{"datetime": "…"}', tool_call_id="call_1", tool_info=INFO),
        Message(role="assistant", content="It is 9 pm in Tokyo."),
    ]
    s.save(conv)
    s.close()
    s = ConversationStore(root)
    again = s.load("v2chat")
    assert s.problems == []
    tool = again.messages[-2]
    assert (tool.role, tool.tool_call_id, tool.tool_info) == ("tool", "call_1", INFO)
    assert again.messages[-3].tool_calls == [CALL]
    assert again.to_dict() == conv.to_dict()
    s.close()


def test_messages_without_tools_write_no_new_fields() -> None:
    d = Message(role="user", content="hi").to_dict()
    assert "tool_call_id" not in d and "tool_info" not in d


@pytest.mark.parametrize(("key", "bad"), [("tool_call_id", 3), ("tool_info", "x")])
def test_a_tool_field_of_the_wrong_shape_is_refused(key: str, bad: object) -> None:
    d = Message(role="tool", content="x", tool_call_id="a").to_dict()
    d[key] = bad
    with pytest.raises(ValueError, match=key):
        Message.from_dict(d)


def test_previews_and_search_leave_tool_output_out() -> None:
    conv = Conversation(id="c", title="Weather", created_at=1.0, updated_at=1.0)
    conv.messages += [
        Message(role="user", content="Time?"),
        Message(role="assistant", content="", tool_calls=[CALL]),
        Message(role="tool", content="SECRET-TOOL-OUTPUT", tool_call_id="call_1"),
    ]
    assert conv.summary().preview == "Time?"
    assert "secret-tool-output" not in conv.search_text()
