"""Exports of a chat that used tools: JSON keeps the assistant's ``tool_calls`` and every
``role: "tool"`` result (an import gives the same chat back, ready to resend as history);
Markdown and HTML show each call on one line ("Tool call: get_current_time({…})") and each
result folded, as inert code, cut to a bounded size with a line saying so."""

from __future__ import annotations

import json
import re
from pathlib import Path

from nebula_desktop.context import request_messages
from nebula_desktop.exchange import add_to_store
from nebula_desktop.exchange.exporter import export_sources, read_import, render
from nebula_desktop.exchange.tool_export import MAX_EXPORTED_RESULT
from nebula_desktop.store import Conversation, ConversationStore, Message

HOSTILE = '<script>alert(1)</script> ``` [x](javascript:alert(2)) <img src="https://t.example/p">'


def _call(call_id: str, name: str, arguments: str) -> dict[str, object]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def _tool(call_id: str, content: str, name: str = "get_current_time", **info: object) -> Message:
    return Message(
        role="tool",
        content=content,
        tool_call_id=call_id,
        tool_info={
            "name": name,
            "server": "Time",
            "arguments": '{"timezone": "Asia/Tokyo"}',
            "duration_s": 0.4,
            "size": len(content.encode()),
            "error": "",
            **info,
        },
        created_at=1_700_000_003.0,
    )


def _conv() -> Conversation:
    return Conversation(
        id="t1",
        title="Tools",
        created_at=1_700_000_000.0,
        updated_at=1_700_000_005.0,
        messages=[
            Message("user", "What time is it in Tokyo?", id="m1", created_at=1_700_000_001.0),
            Message(
                "assistant",
                "",
                id="m2",
                created_at=1_700_000_002.0,
                model="gpt-4o",
                finish_reason="tool_calls",
                tool_calls=[
                    _call("call_1", "time__get_current_time", '{"timezone": "Asia/Tokyo"}'),
                    _call("call_2", "box__fetch", '{"url": "https://x.example"}'),
                ],
            ),
            _tool("call_1", '{"timezone": "Asia/Tokyo", "datetime": "2024-01-01T18:00:00+09:00"}'),
            _tool("call_2", HOSTILE, name="fetch", error="denied"),
            Message("assistant", "It is 18:00 in Tokyo.", id="m5", model="gpt-4o"),
        ],
    )


def test_json_export_keeps_tool_calls_and_results_and_imports_ready_to_resend(
    tmp_path: Path,
) -> None:
    original = _conv()
    (path,) = export_sources([original], "json", tmp_path / "tools.json")
    stored = json.loads(path.read_text(encoding="utf-8"))["conversations"][0]["messages"]
    assert stored[1]["tool_calls"][0]["function"]["name"] == "time__get_current_time"
    assert [(m["role"], m.get("tool_call_id")) for m in stored[2:4]] == [
        ("tool", "call_1"),
        ("tool", "call_2"),
    ]
    with ConversationStore(tmp_path / "data") as store:
        add_to_store(store, read_import(path).conversations)
        back = store.load("t1")
    assert back.to_dict() == original.to_dict()
    wire = request_messages(back)
    assert [m["role"] for m in wire] == ["user", "assistant", "tool", "tool", "assistant"]
    assert wire[1]["tool_calls"][1]["id"] == "call_2"
    assert wire[3] == {"role": "tool", "tool_call_id": "call_2", "content": HOSTILE}


def test_markdown_export_shows_each_call_on_a_line_and_each_result_folded_as_code() -> None:
    text = render([_conv()], "markdown")
    assert 'Tool call: `time__get_current_time({"timezone": "Asia/Tokyo"})`' in text
    assert 'Tool call: `box__fetch({"url": "https://x.example"})`' in text
    assert "### Tool result · get_current_time · Time" in text
    assert "<details><summary>Result · 0.4 s · 67 bytes</summary>" in text
    assert '```\n{"timezone": "Asia/Tokyo", "datetime": "2024-01-01T18:00:00+09:00"}\n```' in text
    # A hostile result stays inside a fence it cannot close, and its state is said.
    assert "<summary>Result · 0.4 s · 86 bytes · denied</summary>" in text
    assert f"````\n{HOSTILE}\n````" in text
    assert "*(incomplete answer)*" not in text


def test_html_export_shows_calls_and_folded_results_as_inert_text() -> None:
    page = render([_conv()], "html")
    assert (
        '<p class="tool-call">Tool call: <code>time__get_current_time({&quot;timezone&quot;: '
        "&quot;Asia/Tokyo&quot;})</code></p>"
    ) in page
    assert "Tool result <span" in page and "get_current_time · Time" in page
    assert "<details><summary>Result · 0.4 s · 86 bytes · denied</summary>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()  # shown as text, never fetched
    assert "javascript:" not in re.findall(r'href="([^"]*)"', page)


def test_a_long_result_and_long_arguments_are_cut_in_text_exports_and_say_so() -> None:
    conv = _conv()
    conv.messages[1].tool_calls[0]["function"]["arguments"] = json.dumps({"q": "a" * 5000})
    conv.messages[2].content = "x" * (MAX_EXPORTED_RESULT + 1234)
    for fmt in ("markdown", "html"):
        text = render([conv], fmt)
        assert "x" * MAX_EXPORTED_RESULT in text and "x" * (MAX_EXPORTED_RESULT + 1) not in text
        assert "… 1,234 more characters (the JSON export keeps them all)" in text
        assert "a" * 5000 not in text and "a" * 200 in text
    full = render([conv], "json")
    assert "x" * (MAX_EXPORTED_RESULT + 1234) in full
