"""Issue 7 item 9: thinking shown folded with its duration, ai-nebula's inline-thinking flag, and
tool calls shown read-only under the answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nebula_desktop.settings import SettingsStore
from nebula_desktop.store import ConversationStore
from tests.gui.helpers import chat_requests, send_and_wait, set_profile
from tests.servers import LoopbackServer, Reply, sse_reply


def event(delta: dict[str, Any], finish: str | None = None) -> bytes:
    payload = {
        "id": "chatcmpl-tools",
        "object": "chat.completion.chunk",
        "model": "test-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


def tool_call_reply() -> Reply:
    call = {"index": 0, "id": "call_1", "type": "function"}
    chunks = [
        event({"role": "assistant", "content": "Let me check."}),
        event({"tool_calls": [{**call, "function": {"name": "get_weather", "arguments": ""}}]}),
        event({"tool_calls": [{"index": 0, "function": {"arguments": '{"city":'}}]}),
        event({"tool_calls": [{"index": 0, "function": {"arguments": '"Paris"}'}}]}),
        event({}, "tool_calls"),
        b"data: [DONE]\n\n",
    ]
    return Reply(200, {"Content-Type": "text/event-stream"}, chunks)


def test_inline_thinking_option_sends_the_flag_and_splits_the_think_block(
    qtbot: Any, make_window: Any, server: LoopbackServer, config_dir: Path, data_dir: Path
) -> None:
    set_profile(config_dir, thinking_inline=True)
    # The gateway puts the thinking in the content, as ai-nebula does with the flag; the
    # pause between chunks is the thinking time the label reports.
    server.queue(
        sse_reply(["<think>", "Weighing ", "options.", "</think>", "\n\nGo left."], delay=0.15)
    )
    window = make_window()
    answer = send_and_wait(qtbot, window, "Which way?")
    assert chat_requests(server)[0].json["nebula_thinking_to_content"] is True
    assert answer.content == "Go left."
    assert answer.reasoning == "Weighing options."
    assert answer.reasoning_seconds is not None and answer.reasoning_seconds > 0
    row = len(window.controller.conv.messages) - 1
    lay = window.view.itemDelegate().layout(answer, row, 0)
    assert lay.thinking_label.startswith("▸ Thought for ")  # folded, with its duration
    assert lay.thinking_doc is None
    conv_id = window.controller.conv.id
    make_window.close(window)
    store = ConversationStore(data_dir)
    try:
        saved = store.load(conv_id).messages[-1]
        assert saved.reasoning == "Weighing options."
        assert saved.reasoning_seconds == answer.reasoning_seconds
    finally:
        store.close()


def test_without_the_option_no_flag_is_sent(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["Plain."]))
    window = make_window()
    send_and_wait(qtbot, window, "Hi")
    assert "nebula_thinking_to_content" not in chat_requests(server)[0].json


def test_thinking_option_is_saved_from_the_profile_editor(qtbot: Any, config_dir: Path) -> None:
    from nebula_desktop.ui.settings.dialog import SettingsDialog

    store = SettingsStore(config_dir)
    dialog = SettingsDialog(store.load(), store, {})
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.editor.thinking_check.setChecked(True)
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    assert SettingsStore(config_dir).load().profile().thinking_inline is True


def test_tool_calls_are_shown_read_only_under_the_answer_and_kept(
    qtbot: Any, make_window: Any, server: LoopbackServer, data_dir: Path
) -> None:
    server.queue(tool_call_reply())
    window = make_window()
    answer = send_and_wait(qtbot, window, "Weather in Paris?")
    assert answer.content == "Let me check."
    assert [c["function"] for c in answer.tool_calls] == [
        {"name": "get_weather", "arguments": '{"city":"Paris"}'}
    ]
    delegate = window.view.itemDelegate()
    row = len(window.controller.conv.messages) - 1
    plain = delegate.layout(answer, row, 0).height
    (line,) = delegate.tool_lines[answer.id]
    assert line[0] == 'Tool call: get_weather({"city":"Paris"})'
    assert line[1].bottom() < plain  # inside the row: the row grew to hold it
    window.grab()
    conv_id = window.controller.conv.id
    make_window.close(window)
    store = ConversationStore(data_dir)
    try:
        assert store.load(conv_id).messages[-1].tool_calls == answer.tool_calls
    finally:
        store.close()
