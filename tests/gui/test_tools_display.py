"""A tool result in the chat: folded to one line (tool, server, time, size), unfolded by a click
into the arguments and the output as inert code blocks; the call line stays under the answer."""

from __future__ import annotations

from typing import Any

import pytest

from nebula_desktop.store import Message
from nebula_desktop.ui.messages.model import MessageModel
from nebula_desktop.ui.messages.view import MessageView
from tests.gui.helpers import show_widget
from tests.gui.test_message_view import _click_action, _settle

HOSTILE = '<script>alert(1)</script><a href="file:///etc/passwd">x</a> ``` escape'


@pytest.fixture
def view(qtbot: Any) -> MessageView:
    return show_widget(qtbot, MessageView(), 800, 600)


def _messages() -> list[Message]:
    call = {
        "id": "c1",
        "type": "function",
        "function": {"name": "box__fetch", "arguments": '{"url":"https://example.com"}'},
    }
    return [
        Message(role="user", content="Fetch it"),
        Message(role="assistant", content="", tool_calls=[call]),
        Message(
            role="tool",
            content=HOSTILE,
            tool_call_id="c1",
            tool_info={
                "name": "fetch",
                "server": "Toolbox",
                "arguments": '{"url":"https://example.com"}',
                "duration_s": 1.25,
                "size": 2048,
                "error": "",
            },
        ),
    ]


def test_a_tool_result_is_folded_to_one_line_and_a_click_shows_arguments_and_output(
    qtbot: Any, view: MessageView
) -> None:
    view.set_messages(_messages())
    _settle(qtbot, view)
    d = view.message_delegate
    tool = view.model().index(2, 0).data(MessageModel.MessageRole)
    lay = d.layout(tool, 2, 0)
    assert lay.thinking_label == "▸ fetch · Toolbox · 1.2 s · 2.0 KB"
    assert lay.body_doc is None and lay.thinking_doc is None  # the output is folded away
    _click_action(qtbot, view, 2, "thinking")
    lay = d.layout(tool, 2, 0)
    assert lay.thinking_label.startswith("▾ fetch")
    assert lay.thinking_doc is not None
    shown = lay.thinking_doc.doc.toPlainText()
    assert '"url": "https://example.com"' in shown  # the arguments, indented JSON
    assert HOSTILE in shown  # the output as written: text, not markup
    html = lay.thinking_doc.doc.toHtml()
    assert "<script" not in html and 'href="file:' not in html


def test_a_tool_results_menu_entry_says_tool_details_not_thinking(
    qtbot: Any, view: MessageView
) -> None:
    from nebula_desktop.ui.messages.actions import message_actions

    tool = _messages()[2]
    assert ("thinking", "Show/Hide Tool Details") in message_actions(tool, False, False)
    assert "Show/Hide Thinking" not in [label for _, label in message_actions(tool, False, False)]
    thought = Message(role="assistant", content="Hi", reasoning="Let me think.")
    assert ("thinking", "Show/Hide Thinking") in message_actions(thought, True, False)
